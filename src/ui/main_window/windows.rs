//! The windows the main window opens: VM windows, host windows and the new-VM wizard.

use std::collections::HashMap;

use adw::prelude::*;
use relm4::prelude::*;

use super::{MainWindow, MainWindowMsg};
use crate::i18n::gettext;
use crate::ui::host_window::HostPage;
use crate::ui::vm_list::VmObject;
use crate::ui::vm_window::{VmPage, VmWindow, VmWindowInit, VmWindowMsg, VmWindowOutput};
use crate::ui::wizard::{NewVmWizard, NewVmWizardInit, NewVmWizardOutput};

impl MainWindow {
    /// Opens (or raises) the window of `vm` on `page`.
    pub fn open_vm_window(&mut self, vm: &VmObject, page: VmPage, sender: &ComponentSender<Self>) {
        let uuid = vm.uuid();
        if let Some(window) = self.vm_windows.get(&uuid) {
            window.emit(VmWindowMsg::Show(page));
            window.widget().present();
            return;
        }
        let controller = VmWindow::builder()
            .launch(VmWindowInit {
                vm: vm.clone(),
                connection: self.connections.get(&vm.connection_uri()).cloned(),
                page,
            })
            .forward(sender.input_sender(), |out| match out {
                VmWindowOutput::Act(action, target) => MainWindowMsg::Act(action, vec![target]),
            });
        controller.widget().set_hide_on_close(true);
        // Presenting (realizing, measuring and drawing the page on screen) gets a main-loop
        // turn of its own, after the one that built the window.
        let window = controller.widget().downgrade();
        gtk::glib::idle_add_local_once(move || {
            if let Some(window) = window.upgrade() {
                window.present();
            }
        });
        self.vm_windows.insert(uuid, controller);
    }

    /// The connection new VMs go to: the selected VM's, else the first connected one.
    fn target_connection(&self) -> Option<(String, virt_client::Connection)> {
        let selected = self
            .list
            .selected_vms()
            .first()
            .map(|vm| vm.connection_uri());
        let uris = selected.into_iter().chain(self.connection_uris());
        uris.into_iter()
            .find_map(|uri| self.connections.get(&uri).map(|c| (uri.clone(), c.clone())))
    }

    pub(super) fn open_wizard(&mut self, sender: &ComponentSender<Self>) {
        self.open_wizard_on(None, sender);
    }

    /// Opens the wizard for the connection to `uri`, or the one [`Self::target_connection`]
    /// picks.
    pub(crate) fn open_wizard_on(&mut self, uri: Option<String>, sender: &ComponentSender<Self>) {
        let target = match uri {
            Some(uri) => self.connections.get(&uri).cloned().map(|c| (uri, c)),
            None => self.target_connection(),
        };
        let Some((uri, conn)) = target else {
            self.show_error(&gettext(
                "Connect to a host first: new virtual machines are created on a connected host.",
            ));
            return;
        };
        let tag = uri.clone();
        let wizard = NewVmWizard::builder()
            .transient_for(&self.window)
            .launch(NewVmWizardInit {
                conn,
                uri,
                emulator: None,
                virt_type: None,
            })
            .forward(sender.input_sender(), move |out| {
                MainWindowMsg::Wizard(tag.clone(), out)
            });
        wizard.widget().present();
        self.wizard = Some(wizard);
    }

    pub(super) fn wizard_done(
        &mut self,
        uri: &str,
        out: NewVmWizardOutput,
        sender: &ComponentSender<Self>,
    ) {
        let (uuid, page, note) = match out {
            NewVmWizardOutput::Created {
                uuid,
                open_console,
                note,
                ..
            } => (
                uuid,
                if open_console {
                    VmPage::Console
                } else {
                    VmPage::Overview
                },
                note,
            ),
            NewVmWizardOutput::CustomizeBeforeStart { uuid, note, .. } => {
                (uuid, VmPage::Hardware, note)
            }
            NewVmWizardOutput::Cancelled => {
                self.wizard = None;
                return;
            }
        };
        if let Some(w) = self.wizard.take() {
            w.widget().close();
        }
        if let Some(note) = note {
            self.show_error(&note);
        }
        // The VM arrives through the host's events; open it when it is listed.
        let listed = self.list.connection(uri).and_then(|c| c.vm(&uuid));
        match listed {
            Some(vm) => {
                self.list.select_vm(&vm);
                self.open_vm_window(&vm, page, sender);
            }
            None => self.pending_show = Some((page, uuid)),
        }
    }

    /// Whether the new-VM wizard is open.
    pub fn wizard_open(&self) -> bool {
        self.wizard.is_some()
    }

    /// Opens (or raises) the host window of the connection to `uri` on its overview.
    pub fn open_host_window(&mut self, uri: &str) {
        self.open_host_page(uri, HostPage::Overview);
    }

    /// Opens (or raises) the host window of the connection to `uri` on `page`.
    pub fn open_host_page(&mut self, uri: &str, page: HostPage) {
        if let Some(w) = self.host_windows.get(uri) {
            w.show_page(page);
            w.window().present();
            return;
        }
        let Some(conn) = self.list.connection(uri) else {
            return;
        };
        let client = self.connections.get(uri).cloned();
        if let Some(w) = crate::ui::host_window::HostWindow::new(&conn, client) {
            w.show_page(page);
            w.window().set_transient_for(Some(&self.window));
            w.window().present();
            self.host_windows.insert(uri.to_string(), w);
        }
    }

    /// The open host overview windows, by connection URI.
    pub fn host_windows(&self) -> &HashMap<String, crate::ui::host_window::HostWindow> {
        &self.host_windows
    }

    /// The open VM windows, by UUID.
    pub fn vm_windows(&self) -> &HashMap<String, Controller<VmWindow>> {
        &self.vm_windows
    }
}
