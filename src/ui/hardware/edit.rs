//! Edits of the hardware editor: each message changes the edited (inactive) document through
//! virt-xml's typed views and records what a running VM can take live; then the apply plans.

use relm4::prelude::*;

use super::apply::{ApplyPlan, LiveOp};
use super::{EditorCmd, HardwareEditor, HardwareEditorMsg, apply};
use super::{boot, cpu, device_form, devices, disks, display, firmware, memory, nics, overview};
use crate::i18n::gettext;

impl HardwareEditor {
    /// Applies an edit to the edited document.
    pub(super) fn edit(&mut self, msg: HardwareEditorMsg) -> Result<(), String> {
        use HardwareEditorMsg as M;
        let host_firmware = self.host_firmware.clone().flatten();
        let Some(doc) = self.edited.as_mut() else {
            return Err(gettext("The VM has not been read yet."));
        };
        let live = self.active;
        let mut restart = live;
        match msg {
            M::SetName(n) => {
                if live {
                    return Err(gettext("A running VM cannot be renamed."));
                }
                overview::set_name(doc, &n)?;
                restart = false;
            }
            M::SetTitle(t) => {
                overview::set_title(doc, &t);
                restart = false;
            }
            M::SetDescription(t) => {
                overview::set_description(doc, &t);
                restart = false;
            }
            M::SetAutostart(on) => {
                self.new_autostart = Some(on);
                restart = false;
            }
            M::SetVcpusMax(n) => cpu::set_max(doc, n)?,
            M::SetVcpusCurrent(n) => cpu::set_current(doc, n)?,
            M::SetCpuMode(m) => cpu::set_mode(doc, &m),
            M::SetCpuModel(m) => cpu::set_model(doc, &m),
            M::SetTopology(t) => cpu::set_topology(doc, t)?,
            M::SetMemoryMax(mib) => memory::set_max(doc, mib)?,
            M::SetMemoryCurrent(mib) => {
                let kib = memory::set_current(doc, mib)?;
                if live {
                    self.live_ops.retain(|op| !matches!(op, LiveOp::Memory(_)));
                    self.live_ops.push(LiveOp::Memory(kib));
                    restart = false;
                }
            }
            M::SetBootOrder(order) => boot::set_order(doc, &order),
            M::SetBootMenu(on) => boot::set_menu(doc, on),
            M::SetKernelBoot(k, i, c) => boot::set_kernel(doc, &k, &i, &c),
            M::SetFirmware(f) => firmware::set(doc, f, host_firmware.as_ref())?,
            M::SetTpm(on) => firmware::set_tpm(doc, on, host_firmware.as_ref())?,
            M::SetDiskMedia(i, path) => {
                let mut xml = disks::set_media(doc, i, path.as_deref())?;
                let running = disks::target_of(doc, i)
                    .and_then(|t| disks::live_media_xml(self.live.as_ref()?, &t, path.as_deref()));
                if let Some(r) = running {
                    xml = r;
                }
                if live {
                    self.live_ops.push(LiveOp::Update(xml));
                    restart = false;
                }
            }
            M::SetDiskBus(i, bus) => disks::set_bus(doc, i, &bus)?,
            M::SetDiskCache(i, cache) => disks::set_cache(doc, i, &cache)?,
            M::AddDisk(path, device, bus) => {
                let xml = disks::add(doc, &path, &device, &bus, "raw")?;
                if live {
                    self.live_ops.push(LiveOp::Attach(xml));
                    restart = false;
                }
            }
            M::AddDiskAs(path, device, bus, format) => {
                let xml = disks::add(doc, &path, &device, &bus, &format)?;
                if live {
                    self.live_ops.push(LiveOp::Attach(xml));
                    restart = false;
                }
            }
            M::RemoveDisk(i) => {
                let xml = disks::remove(doc, i)?;
                if live {
                    self.live_ops.push(LiveOp::Detach(xml));
                    restart = false;
                }
            }
            M::SetNicSource(i, s) => nics::set_source(doc, i, &s)?,
            M::SetNicModel(i, m) => nics::set_model(doc, i, &m)?,
            M::SetNicMac(i, mac) => nics::set_mac(doc, i, &mac)?,
            M::SetNicLink(i, up) => {
                let mut xml = nics::set_link(doc, i, up)?;
                let running = nics::mac_of(doc, i)
                    .and_then(|mac| nics::live_link_xml(self.live.as_ref()?, &mac, up));
                if let Some(r) = running {
                    xml = r;
                }
                if live {
                    self.live_ops.push(LiveOp::Update(xml));
                    restart = false;
                }
            }
            M::AddNic(s) => {
                let xml = nics::add(doc, &s)?;
                if live {
                    self.live_ops.push(LiveOp::Attach(xml));
                    restart = false;
                }
            }
            M::RemoveNic(i) => {
                let xml = nics::remove(doc, i)?;
                if live {
                    self.live_ops.push(LiveOp::Detach(xml));
                    restart = false;
                }
            }
            M::SetDisplayListen(a) => display::set_listen(doc, &a)?,
            M::SetDisplayPassword(p) => display::set_password(doc, &p)?,
            M::SetDisplayKind(k) => display::set_kind(doc, &k)?,
            M::AddDisplay(k) => display::add(doc, &k)?,
            M::RemoveDevice(i) => {
                let (xml, spec) = devices::remove(doc, i)?;
                if live && spec.as_ref().is_some_and(device_form::hotpluggable) {
                    self.live_ops.push(LiveOp::Detach(xml));
                    restart = false;
                }
            }
            M::AddDevice(spec) => {
                let xml = devices::add(doc, &spec)?;
                if live && device_form::hotpluggable(&spec) {
                    self.live_ops.push(LiveOp::Attach(xml));
                    restart = false;
                }
            }
            M::EditDevice(i, spec) => devices::edit(doc, i, &spec)?,
            M::AddHostdev(id) => devices::add_hostdev(doc, &id)?,
            _ => return Ok(()),
        }
        self.restart_needed |= restart;
        self.dirty = true;
        self.xml_text = doc.to_string();
        Ok(())
    }

    /// Reads the VM again.
    pub(super) fn reload(&mut self, sender: &ComponentSender<Self>) {
        self.busy = true;
        let domain = self.domain.clone();
        sender.oneshot_command(async move {
            EditorCmd::Loaded(apply::load(&domain).await.map(Box::new))
        });
    }

    pub(super) fn apply(&mut self, sender: &ComponentSender<Self>) {
        let (Some(original), Some(edited)) = (&self.original, &self.edited) else {
            return;
        };
        let text = edited.to_string();
        if let Err(e) = virt_xml::validate_domain(&text) {
            self.error = Some(e.to_string());
            return;
        }
        let new_name = edited.name().map(|n| n.into_owned());
        let rename = new_name.filter(|n| original.name().as_deref() != Some(n.as_str()));
        let plan = ApplyPlan {
            edited: text,
            rename,
            autostart: self.new_autostart.filter(|&a| a != self.autostart),
            live: self.live_ops.clone(),
        };
        self.send_plan(plan, sender);
    }

    pub(super) fn send_plan(&mut self, plan: ApplyPlan, sender: &ComponentSender<Self>) {
        self.busy = true;
        self.error = None;
        self.reload_after_apply_note = Some(if self.restart_needed {
            gettext("Saved. Some changes take effect after a restart.")
        } else {
            gettext("Saved.")
        });
        let domain = self.domain.clone();
        sender
            .oneshot_command(async move { EditorCmd::Applied(apply::apply(&domain, plan).await) });
    }

    pub(super) fn apply_xml(&mut self, sender: &ComponentSender<Self>) {
        let Some(original) = &self.original else {
            return;
        };
        match virt_xml::validate_domain(&self.xml_text) {
            Err(e) => self.xml_error = Some(e.to_string()),
            Ok(doc) => {
                self.xml_error = None;
                let rename = doc
                    .name()
                    .map(|n| n.into_owned())
                    .filter(|n| original.name().as_deref() != Some(n.as_str()));
                if rename.is_some() && self.active {
                    self.xml_error = Some(gettext("A running VM cannot be renamed."));
                    return;
                }
                self.restart_needed = self.active;
                let plan = ApplyPlan {
                    edited: self.xml_text.clone(),
                    rename,
                    autostart: None,
                    live: Vec::new(),
                };
                self.send_plan(plan, sender);
            }
        }
    }
}
