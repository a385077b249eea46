//! Opening the migration dialog for a VM and hearing how it ended.

use adw::prelude::*;
use relm4::prelude::*;

use super::{MainWindow, MainWindowMsg};
use crate::i18n::gettext_f;
use crate::ui::migrate::{MigrateDialog, MigrateInit, MigrateOutput};
use crate::ui::uri_title::describe_uri;
use crate::ui::vm_list::VmObject;

impl MainWindow {
    /// Opens the dialog that migrates `vm` to the host of another open, writable connection,
    /// with the connection to `dest` chosen if given.
    pub(super) fn open_migrate(
        &mut self,
        vm: &VmObject,
        dest: Option<&str>,
        sender: &ComponentSender<Self>,
    ) {
        if self.migrate.is_some() {
            return;
        }
        let uri = vm.connection_uri();
        let Some(source) = self.connections.get(&uri).cloned() else {
            return;
        };
        let mut destinations: Vec<(String, &String, virt_client::Connection)> = self
            .connections
            .iter()
            .filter(|(u, c)| **u != uri && !c.is_read_only())
            .map(|(u, c)| (describe_uri(u), u, c.clone()))
            .collect();
        destinations.sort_by(|a, b| a.0.cmp(&b.0));
        let chosen = match dest {
            Some(d) => match destinations.iter().position(|(_, u, _)| u.as_str() == d) {
                Some(i) => i,
                None => {
                    // Dropped on a connection that is closed or read-only: say why not.
                    let toast = adw::Toast::builder()
                        .title(gettext_f(
                            "Cannot migrate to {}: connect to it first, with write access",
                            &[&describe_uri(d)],
                        ))
                        .timeout(6)
                        .build();
                    self.toaster.add_toast(toast);
                    return;
                }
            },
            None => 0,
        };
        let destinations = destinations
            .into_iter()
            .map(|(label, _, c)| (label, c))
            .collect();
        let summary = vm.summary();
        let dialog = MigrateDialog::builder()
            .transient_for(&self.window)
            .launch(MigrateInit {
                name: summary.name,
                uuid: summary.uuid,
                source_label: describe_uri(&uri),
                source,
                active: summary.state.is_active(),
                destinations,
                chosen: u32::try_from(chosen).unwrap_or(0),
            })
            .forward(sender.input_sender(), MainWindowMsg::Migrate);
        dialog.widget().present();
        self.migrate = Some(dialog);
    }

    /// The VM with `uuid` on the connection to `uri` was dropped on the connection to `dest`.
    pub(super) fn migrate_dropped(
        &mut self,
        uri: &str,
        uuid: &str,
        dest: &str,
        sender: &ComponentSender<Self>,
    ) {
        if let Some(vm) = self.list.connection(uri).and_then(|c| c.vm(uuid)) {
            self.open_migrate(&vm, Some(dest), sender);
        }
    }

    /// The dialog ended: say so when the VM moved.
    pub(super) fn migrate_done(&mut self, out: MigrateOutput) {
        if let Some(d) = self.migrate.take() {
            d.widget().destroy();
        }
        if let MigrateOutput::Migrated { name, dest } = out {
            let toast = adw::Toast::builder()
                .title(gettext_f("“{}” now runs on {}", &[&name, &dest]))
                .timeout(6)
                .build();
            self.toaster.add_toast(toast);
        }
    }
}
