//! What the hardware editor does with the results of its background work: a load (the
//! document to edit), an apply (reload, or say why not), the host's devices, pools, networks
//! and firmware, progress, the VM starting or stopping, a probed disk; and then the messages
//! that waited for the load or apply to end.

use relm4::prelude::*;
use virt_xml::DomainXml;

use super::{EditorCmd, HardwareEditor, HardwareEditorOutput, firmware};

impl HardwareEditor {
    /// Takes background result `cmd`.
    pub(super) fn on_result(
        &mut self,
        cmd: EditorCmd,
        sender: &ComponentSender<Self>,
        root: &gtk::Box,
    ) {
        if let EditorCmd::HostDevices(list) = cmd {
            // Without the list (a host refusing it) the group says why.
            // Only the devices page is rebuilt for it.
            self.host_devices = Some(list);
            return;
        }
        if let EditorCmd::NetChoices(choices) = cmd {
            self.net_choices = Some(choices);
            return;
        }
        if let EditorCmd::HostFirmware(host) = cmd {
            self.host_firmware = Some(host);
            return;
        }
        match cmd {
            EditorCmd::Pools(list, default_pool) => {
                self.pools = Some(list);
                self.default_pool = default_pool;
                self.pools_generation += 1;
                return;
            }
            EditorCmd::PoolMade(note) => {
                self.reload_after_apply_note = Some(match self.reload_after_apply_note.take() {
                    Some(done) => format!("{note} {done}"),
                    None => note,
                });
                return;
            }
            EditorCmd::Progress(text, fraction) => {
                self.progress = Some((text, fraction));
                return;
            }
            EditorCmd::Running(running) => {
                self.state_changed(running, sender);
                return;
            }
            _ => {}
        }
        self.busy = false;
        let added_disk = self.progress.take().is_some();
        match cmd {
            EditorCmd::Loaded(Ok(loaded)) => {
                let loaded = *loaded;
                match DomainXml::parse(&loaded.inactive) {
                    Ok(doc) => {
                        if self.host_firmware.is_none() {
                            let conn = self.domain.connection().clone();
                            let d = doc.clone();
                            sender.oneshot_command(async move {
                                EditorCmd::HostFirmware(firmware::load(&conn, &d).await)
                            });
                        }
                        self.xml_text = doc.to_string();
                        self.original = Some(doc.clone());
                        self.edited = Some(doc);
                    }
                    Err(e) => self.error = Some(e.to_string()),
                }
                self.live = loaded
                    .live
                    .as_deref()
                    .and_then(|x| DomainXml::parse(x).ok());
                self.active = loaded.active;
                self.autostart = loaded.autostart;
                self.domain = loaded.domain;
                self.new_autostart = None;
                self.live_ops.clear();
                self.restart_needed = false;
                self.dirty = false;
                self.xml_error = None;
                self.generation += 1;
                if let Some(note) = self.reload_after_apply_note.take() {
                    self.status = Some(note);
                }
            }
            EditorCmd::Loaded(Err(e)) => self.error = Some(e),
            EditorCmd::Applied(Ok(())) => {
                let _ = sender.output(HardwareEditorOutput::Changed);
                if added_disk {
                    self.load_pools(sender);
                }
                self.reload(sender);
            }
            EditorCmd::Applied(Err(e)) => {
                self.reload_after_apply_note = None;
                self.error = Some(e);
                if added_disk {
                    // The pool `default` may have been made before the disk failed.
                    self.load_pools(sender);
                }
            }
            EditorCmd::HostDevices(_)
            | EditorCmd::Pools(..)
            | EditorCmd::PoolMade(_)
            | EditorCmd::Progress(..)
            | EditorCmd::Running(_)
            | EditorCmd::NetChoices(_)
            | EditorCmd::HostFirmware(_) => {}
            EditorCmd::Probed(Ok(add)) => match self.edit(add) {
                Ok(()) => {
                    self.error = None;
                    self.generation += 1;
                }
                Err(e) => self.error = Some(e),
            },
            EditorCmd::Probed(Err(e)) => self.error = Some(e),
        }
        if !self.busy
            && let Some(running) = self.running_later.take()
        {
            self.state_changed(running, sender);
        }
        // What the load or apply said stays shown above what the waiting messages say.
        let said = self.error.take();
        while !self.busy && !self.queued.is_empty() {
            let msg = self.queued.remove(0);
            self.update(msg, sender.clone(), root);
        }
        self.error = match (said, self.error.take()) {
            (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
            (a, b) => a.or(b),
        };
    }
}
