//! The wizard's state between steps: getters, choices offered, checks of each step, the plan
//! handed to the finish step, and the handlers that start work off the main thread.

use std::rc::Rc;

use relm4::prelude::*;
use virt_xml::builder::{Firmware, NetSource};

use super::finish::{self, Plan, SourceKind};
use super::plan::{self as planning, Choices, DiskChoice};
use super::resources::HostChoices;
use super::{Created, NewVmWizard, NewVmWizardMsg, PathField, WizardCmd};
use crate::i18n::{gettext, gettext_f};
use crate::osinfo::VmDefaults;
use crate::ui::volume_browser::{
    Filter, VolumeBrowser, VolumeBrowserInit, VolumeBrowserMsg, VolumeBrowserOutput,
};
use crate::ui::volumes::default_pool;

impl NewVmWizard {
    /// The current step (0 = source … 3 = finish).
    pub fn step(&self) -> usize {
        self.step
    }

    /// The message shown to the user, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether the OS database has loaded, and how long it took (ms).
    pub fn os_db_load_ms(&self) -> Option<f64> {
        self.db_load_ms
    }

    /// The osinfo id the install media was recognised as.
    pub fn detected_os(&self) -> Option<&str> {
        self.detected.as_deref()
    }

    /// The chosen system's osinfo id.
    pub fn chosen_os(&self) -> Option<&str> {
        self.os.as_deref()
    }

    /// Memory (MiB), vCPUs and disk size (GiB) as chosen.
    pub fn resources(&self) -> (u64, u32, u64) {
        (self.memory_mib, self.vcpus, self.disk_gib)
    }

    /// The VM's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the host's pools, networks and firmware have been read.
    pub fn host_loaded(&self) -> bool {
        self.host_gen > 0
    }

    /// What the host offers (pools, networks, firmware, VM names).
    pub fn host(&self) -> &HostChoices {
        &self.host
    }

    /// The chosen storage pool (index into the host's active pools) and network (index into
    /// the host's networks, then bridge, user mode, none).
    pub fn pool_and_network(&self) -> (u32, u32) {
        (self.pool, self.network)
    }

    /// Whether creation is under way.
    pub fn busy(&self) -> bool {
        self.busy
    }

    /// What is chosen for a cloud image.
    pub fn cloud(&self) -> &super::cloud_form::CloudChoice {
        &self.cloud
    }

    /// The VM created, once done.
    pub fn created(&self) -> Option<&Created> {
        self.created.as_ref()
    }

    pub(super) fn network_choices(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .host
            .networks
            .iter()
            .map(|n| gettext_f("Virtual network “{}”", &[n]))
            .collect();
        v.push(gettext("Host bridge"));
        v.push(gettext("User-mode networking"));
        v.push(gettext("Not connected"));
        v
    }

    pub(super) fn net_source(&self) -> Option<NetSource> {
        let i = self.network as usize;
        let n = self.host.networks.len();
        if i < n {
            Some(NetSource::Network(self.host.networks[i].clone()))
        } else if i == n {
            Some(NetSource::Bridge(self.bridge.trim().to_owned()))
        } else if i == n + 1 {
            Some(NetSource::User)
        } else {
            None
        }
    }

    /// The pools offered for the new disk: the active ones, else the pool `default` that
    /// will be made.
    pub(super) fn pool_choices(&self) -> Vec<String> {
        match &self.host.default_pool {
            Some(p) if self.host.pools.is_empty() && p.usable() => {
                vec![gettext_f("“{}” (new)", &[default_pool::NAME])]
            }
            _ => self.host.pools.clone(),
        }
    }

    pub(super) fn firmware_choices(&self) -> Vec<String> {
        vec![
            gettext("BIOS"),
            gettext("UEFI"),
            gettext("UEFI with Secure Boot"),
        ]
    }

    /// The firmware chosen.
    pub fn chosen_firmware(&self) -> Firmware {
        FIRMWARES
            .get(self.firmware as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Whether an emulated TPM 2.0 is to be added.
    pub fn chosen_tpm(&self) -> bool {
        self.tpm
    }

    /// What the host lacks for UEFI, Secure Boot or a TPM, once it has been read.
    pub fn host_notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.host_loaded() {
            return notes;
        }
        if !self.host.firmware.efi {
            notes.push(gettext(
                "The host has no UEFI firmware (OVMF is not installed there): only BIOS works.",
            ));
        } else if !self.host.firmware.secure_boot || self.host.machine.is_none() {
            notes.push(gettext("The host's UEFI firmware cannot do Secure Boot."));
        }
        if !self.host.tpm {
            notes.push(gettext(
                "The host cannot emulate a TPM (swtpm is not installed there).",
            ));
        }
        notes
    }

    pub(super) fn os_name(&self) -> String {
        self.os
            .as_deref()
            .and_then(|id| self.db.as_ref()?.get(id))
            .map_or_else(|| gettext("Generic operating system"), |o| o.name.clone())
    }

    pub(super) fn apply_defaults(&mut self) {
        let defaults = match &self.db {
            Some(db) => db.defaults(self.os.as_deref().and_then(|id| db.get(id)), "x86_64"),
            None => VmDefaults::generic(),
        };
        self.memory_mib = defaults.memory_mib;
        self.vcpus = defaults.vcpus;
        self.disk_gib = defaults.disk_gib;
        self.virtio = defaults.virtio;
        let firmware = planning::default_firmware(&defaults);
        self.firmware = FIRMWARES
            .iter()
            .position(|f| *f == firmware)
            .map_or(0, |i| i as u32);
        self.tpm = defaults.needs_tpm;
        if !self.name_edited {
            self.name = self.unique_name();
        }
    }

    pub(super) fn unique_name(&self) -> String {
        let base = self
            .os
            .as_deref()
            .and_then(|id| self.db.as_ref()?.get(id))
            .map_or_else(|| "vm".to_owned(), |o| o.short_id().to_owned());
        let mut name = base.clone();
        let mut n = 2;
        while self.host.names.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }

    pub(super) fn detect(&mut self) {
        let found = match (&self.db, &self.iso_info) {
            (Some(db), Some(info)) => db.detect(info, "x86_64").map(|o| o.id.clone()),
            _ => None,
        };
        if found != self.detected {
            self.detected = found.clone();
            if found.is_some() {
                self.os = found;
                self.apply_defaults();
            }
        }
    }

    /// Checks the current step; the message for the user when it is not complete.
    pub(super) fn check_step(&self) -> Result<(), String> {
        match self.step {
            0 => {
                let missing = match self.source {
                    SourceKind::Iso => self.iso.trim().is_empty(),
                    SourceKind::Import => self.import.trim().is_empty(),
                    SourceKind::Kernel => self.kernel.trim().is_empty(),
                    SourceKind::Network => false,
                    SourceKind::Cloud => {
                        return self.cloud.problem(&self.name).map_or(Ok(()), Err);
                    }
                };
                if missing {
                    return Err(match self.source {
                        SourceKind::Iso => gettext("Choose an ISO image to install from."),
                        SourceKind::Import => gettext("Choose the disk image to import."),
                        _ => gettext("Choose the kernel to boot."),
                    });
                }
                Ok(())
            }
            2 => check_resources(self),
            _ => Ok(()),
        }
    }

    /// What the user chose, for [`planning::plan`].
    pub fn choices(&self) -> Choices {
        let disk = match self.source {
            SourceKind::Import => DiskChoice::Existing {
                path: self.import.trim().to_owned(),
                // Read from the host when the path was entered; until then, by its name.
                format: match &self.import_format {
                    Some(Ok(format)) => format.clone(),
                    _ if self.import.trim().ends_with(".qcow2") => "qcow2".to_owned(),
                    _ => "raw".to_owned(),
                },
            },
            SourceKind::Cloud => self.cloud.disk(&self.name, self.disk_gib),
            _ if self.disk => DiskChoice::New {
                pool: self.host.pools.get(self.pool as usize).cloned(),
                gib: self.disk_gib,
            },
            _ => DiskChoice::None,
        };
        Choices {
            name: self.name.trim().to_owned(),
            virt_type: self.virt_type.clone(),
            memory_mib: self.memory_mib,
            vcpus: self.vcpus,
            source: self.source,
            iso: Some(self.iso.trim().to_owned()).filter(|s| !s.is_empty()),
            kernel: Some((
                self.kernel.trim().to_owned(),
                self.initrd.trim().to_owned(),
                self.cmdline.trim().to_owned(),
            )),
            disk,
            virtio: self.virtio,
            network: self.net_source(),
            firmware: self.chosen_firmware(),
            tpm: self.tpm,
            emulator: self.emulator.clone(),
            os_id: self.os.clone(),
            customize: self.customize,
        }
    }

    /// The plan of the VM to make, or what is wrong with the choices.
    pub fn plan(&self) -> Result<Plan, String> {
        planning::plan(&self.choices(), &self.host)
    }
}

/// The firmware choices, in the order the wizard offers them.
const FIRMWARES: [Firmware; 3] = [Firmware::Bios, Firmware::Uefi, Firmware::UefiSecure];

/// Checks name, memory, processors, disk, network, firmware and TPM; the first problem found.
pub(super) fn check_resources(w: &NewVmWizard) -> Result<(), String> {
    w.plan().map(|_| ())
}

/// The network `preferred` (the preferences' choice) when the host has it, else the network
/// "default" when it has that, else user-mode networking.
pub fn default_network(host: &HostChoices, preferred: Option<&str>) -> u32 {
    let n = host.networks.len();
    let i = preferred
        .and_then(|p| host.networks.iter().position(|x| x == p))
        .or_else(|| host.networks.iter().position(|x| x == "default"))
        .unwrap_or(n + 1);
    u32::try_from(i).unwrap_or(0)
}

/// The pool `preferred` (the preferences' choice) when the host has it active, else the first.
pub fn default_pool(host: &HostChoices, preferred: Option<&str>) -> u32 {
    preferred
        .and_then(|p| host.pools.iter().position(|x| x == p))
        .and_then(|i| u32::try_from(i).ok())
        .unwrap_or(0)
}

impl NewVmWizard {
    pub(super) fn set_path(
        &mut self,
        field: PathField,
        path: String,
        sender: &ComponentSender<Self>,
    ) {
        self.error = None;
        match field {
            PathField::Iso => {
                if path == self.iso {
                    return;
                }
                self.iso = path.clone();
                self.iso_info = None;
                let p = path.trim().to_owned();
                let conn = self.conn.clone();
                // The ISO is on the host: read through libvirt, off the GTK thread.
                sender.oneshot_command(async move {
                    let info = crate::session::media::iso_info(&conn, &p).await.ok();
                    WizardCmd::Iso(p, info)
                });
            }
            PathField::Import => {
                if path == self.import {
                    return;
                }
                self.import = path;
                self.import_format = None;
                let p = self.import.trim().to_owned();
                if !p.is_empty() {
                    let conn = self.conn.clone();
                    sender.oneshot_command(async move {
                        let format = crate::session::media::image_format(&conn, &p).await;
                        WizardCmd::ImportFormat(p, format)
                    });
                }
            }
            PathField::Kernel => self.kernel = path,
            PathField::Initrd => self.initrd = path,
            PathField::Cloud => {
                if path == self.cloud.base {
                    return;
                }
                self.cloud.base = path;
                self.cloud.base_check = None;
                let image = self.cloud.base.trim().to_owned();
                if let Some((pool, volume)) = image.split_once('/')
                    && !pool.is_empty()
                    && !volume.is_empty()
                {
                    let (pool, volume) = (pool.to_owned(), volume.to_owned());
                    let conn = self.conn.clone();
                    // Read from the host: format, size and whether it is an ISO image.
                    sender.oneshot_command(async move {
                        let result = super::cloud::base(&conn, &pool, &volume)
                            .await
                            .map(|(_, _, format, _)| format);
                        WizardCmd::CloudBase(image, result)
                    });
                }
            }
        }
    }

    /// Opens the storage browser for `field`: the host's pools and their volumes (ISO images
    /// for the install media, disk images to import or boot as a cloud image, every volume for
    /// a kernel or initrd).
    pub(super) fn browse(
        &mut self,
        field: PathField,
        root: &adw::Window,
        sender: &ComponentSender<Self>,
    ) {
        let (filter, title) = match field {
            PathField::Iso => (Filter::Iso, gettext("Choose an ISO Image")),
            PathField::Import => (Filter::Disk, gettext("Choose a Disk Image")),
            PathField::Kernel => (Filter::All, gettext("Choose a Kernel")),
            PathField::Initrd => (Filter::All, gettext("Choose an Initrd")),
            PathField::Cloud => (Filter::Disk, gettext("Choose a Cloud Image")),
        };
        self.error = None;
        self.browsing = Some(field);
        let conn = self.conn.clone();
        let browser = self.browser.get_or_insert_with(|| {
            Rc::new(
                VolumeBrowser::builder()
                    .transient_for(root)
                    .launch(VolumeBrowserInit { conn })
                    .forward(sender.input_sender(), NewVmWizardMsg::Browsed),
            )
        });
        browser.emit(VolumeBrowserMsg::Open { filter, title });
    }

    /// Takes what the storage browser chose for the field it was opened for.
    pub(super) fn browsed(&mut self, out: VolumeBrowserOutput, sender: &ComponentSender<Self>) {
        let Some(field) = self.browsing.take() else {
            return;
        };
        let (path, format) = match out {
            // A cloud image is a volume, named `POOL/VOLUME`.
            VolumeBrowserOutput::Picked(v) if field == PathField::Cloud => {
                (format!("{}/{}", v.pool, v.name), Some(v.format))
            }
            VolumeBrowserOutput::Picked(v) => (v.path, Some(v.format)),
            VolumeBrowserOutput::LocalFile(_) if field == PathField::Cloud => {
                self.error = Some(gettext(
                    "A cloud image must be a volume in a storage pool: upload the file into a pool with “Upload a Local File…” and choose it there.",
                ));
                return;
            }
            VolumeBrowserOutput::LocalFile(p) => (p.display().to_string(), None),
            VolumeBrowserOutput::Closed => return,
        };
        self.browsed_gen += 1;
        self.set_path(field, path, sender);
        // A volume whose XML names a format other than qcow2 or raw is refused at once; the
        // host's check (size, an ISO image called raw) follows.
        if field == PathField::Cloud
            && let Some(format) = &format
            && let Err(e) = super::cloud::check_format(self.cloud.base.trim(), format)
        {
            self.error = Some(e.clone());
            self.cloud.base_check = Some(Err(e));
        }
        // A volume's format is in its XML, as the browser read it.
        if field == PathField::Import
            && let Some(format) = format
        {
            self.import_format = Some(Ok(format));
        }
    }

    /// The storage browser, once opened.
    pub fn browser(&self) -> Option<Rc<Controller<VolumeBrowser>>> {
        self.browser.clone()
    }

    pub(super) fn create(&mut self, sender: &ComponentSender<Self>) {
        self.step = 3;
        let plan = match self.plan() {
            Ok(plan) => plan,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        self.busy = true;
        self.error = None;
        let conn = self.conn.clone();
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let progress_out = out.clone();
                    let result = finish::create(&conn, &plan, move |p| {
                        let _ = progress_out.send(WizardCmd::Progress(p));
                    })
                    .await;
                    let _ = out.send(WizardCmd::Done(result));
                })
                .drop_on_shutdown()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> HostChoices {
        HostChoices {
            pools: vec!["fast".into(), "images".into()],
            networks: vec!["default".into(), "lab".into()],
            ..HostChoices::default()
        }
    }

    #[test]
    fn preferred_names_are_chosen_where_the_host_has_them() {
        let h = host();
        assert_eq!(default_network(&h, Some("lab")), 1);
        assert_eq!(default_network(&h, Some("missing")), 0);
        assert_eq!(default_network(&h, None), 0);
        assert_eq!(default_pool(&h, Some("images")), 1);
        assert_eq!(default_pool(&h, Some("missing")), 0);
        let none = HostChoices {
            networks: vec!["lab".into()],
            ..HostChoices::default()
        };
        // No "default" network: user-mode networking (after the networks and the bridge).
        assert_eq!(default_network(&none, None), 2);
        assert_eq!(default_network(&none, Some("lab")), 0);
    }
}
