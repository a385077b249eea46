//! Opening the Clone dialog for a VM and hearing how it ended.

use adw::prelude::*;
use relm4::prelude::*;

use super::{MainWindow, MainWindowMsg};
use crate::i18n::gettext_f;
use crate::ui::clone::{CloneDialog, CloneDialogInit, CloneDialogOutput};
use crate::ui::vm_list::VmObject;

impl MainWindow {
    /// Opens the dialog that clones `vm`.
    pub(super) fn open_clone(&mut self, vm: &VmObject, sender: &ComponentSender<Self>) {
        let Some(conn) = self.connections.get(&vm.connection_uri()).cloned() else {
            return;
        };
        let dialog = CloneDialog::builder()
            .transient_for(&self.window)
            .launch(CloneDialogInit {
                conn,
                source: vm.name(),
            })
            .forward(sender.input_sender(), MainWindowMsg::Clone);
        dialog.widget().present();
        self.clone_dialog = Some(dialog);
    }

    /// The dialog ended: say what was made.
    pub(super) fn clone_done(&mut self, out: CloneDialogOutput) {
        if let Some(d) = self.clone_dialog.take() {
            d.widget().destroy();
        }
        if let CloneDialogOutput::Cloned { name, note, .. } = out {
            let title = note.unwrap_or_else(|| gettext_f("“{}” was made", &[&name]));
            let toast = adw::Toast::builder().title(title).timeout(6).build();
            self.toaster.add_toast(toast);
        }
    }
}
