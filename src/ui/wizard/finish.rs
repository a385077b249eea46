//! The wizard's last step: the summary page, the domain XML built from the user's choices, and
//! the creation itself (volume, definition, start) with roll-back of what was made on failure.

use adw::prelude::*;
use virt_client::{Connection, Domain, ErrorCode};
use virt_xml::Size;
use virt_xml::builder::{DomainBuilder, Firmware, NetSource};

use super::cloud;
use crate::cloudinit::CloudConfig;
use crate::i18n::{gettext, gettext_f};
use crate::ui::volumes;
use crate::ui::volumes::default_pool::DefaultPool;

/// How the guest's operating system gets installed or booted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceKind {
    /// From an ISO image in a CD-ROM drive.
    #[default]
    Iso,
    /// An existing disk image that already holds a system.
    Import,
    /// From the network (PXE).
    Network,
    /// A kernel and initrd on the host.
    Kernel,
    /// A new disk on top of a cloud image, set up by cloud-init at the first start.
    Cloud,
}

/// Where the new disk comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskPlan {
    /// No disk.
    None,
    /// A new qcow2 volume of `gib` GiB in `pool`.
    New {
        /// The storage pool.
        pool: String,
        /// Size in GiB.
        gib: u64,
        /// How the pool `default` is made first, when the host has no active pool.
        prepare: Option<DefaultPool>,
    },
    /// An existing image (import).
    Existing {
        /// Its path on the host.
        path: String,
        /// Its format (`qcow2`, `raw`).
        format: String,
    },
    /// A new qcow2 overlay on the cloud image `volume` in `pool` (where the overlay and the
    /// cloud-init seed go too), `gib` GiB (0: the image's size).
    CloudImage {
        /// The storage pool of the base image.
        pool: String,
        /// The base image's volume name.
        volume: String,
        /// Size in GiB (0: as large as the base image).
        gib: u64,
        /// The user, keys and host name for cloud-init.
        config: CloudConfig,
    },
}

/// Everything needed to create the VM.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The VM's name.
    pub name: String,
    /// `kvm` or `qemu`.
    pub virt_type: String,
    /// Memory in MiB.
    pub memory_mib: u64,
    /// vCPUs.
    pub vcpus: u32,
    /// How the system is installed.
    pub source: SourceKind,
    /// The ISO image (for [`SourceKind::Iso`]).
    pub iso: Option<String>,
    /// Kernel, initrd and command line (for [`SourceKind::Kernel`]).
    pub kernel: Option<(String, String, String)>,
    /// The disk.
    pub disk: DiskPlan,
    /// Whether disks and network use virtio.
    pub virtio: bool,
    /// The network card's connection, if any.
    pub network: Option<NetSource>,
    /// BIOS, UEFI, or UEFI with Secure Boot.
    pub firmware: Firmware,
    /// The machine type (`q35` when the host offers it); `None` lets libvirt choose.
    pub machine: Option<String>,
    /// Whether to add an emulated TPM 2.0.
    pub tpm: bool,
    /// Whether to add the QEMU guest agent's channel.
    pub guest_agent: bool,
    /// The emulator binary; `None` lets libvirt choose.
    pub emulator: Option<String>,
    /// The osinfo id of the guest system, kept in the domain's metadata.
    pub os_id: Option<String>,
    /// Define only: the user customizes the hardware before the first start.
    pub customize: bool,
}

/// The namespace of libosinfo's metadata entry, which other tools read too.
const LIBOSINFO_NS: &str = "http://libosinfo.org/xmlns/libvirt/domain/1.0";

/// The domain XML for `plan`, with `disk_path` as the path of its (new or existing) disk.
pub fn domain_xml(plan: &Plan, disk_path: Option<&str>) -> Result<String, String> {
    domain_xml_seeded(plan, disk_path, None)
}

/// [`domain_xml`] with a cloud-init seed image at `seed`, attached as a read-only disk (not a
/// CD-ROM: cloud kernels often have no SATA driver; cloud-init finds it by its label).
pub fn domain_xml_seeded(
    plan: &Plan,
    disk_path: Option<&str>,
    seed: Option<&str>,
) -> Result<String, String> {
    let bus = if plan.virtio { "virtio" } else { "sata" };
    let mut b = DomainBuilder::new(&plan.name)
        .domain_type(&plan.virt_type)
        .memory(Size::mib(plan.memory_mib))
        .vcpus(plan.vcpus)
        .arch("x86_64", plan.machine.as_deref())
        .firmware(plan.firmware)
        .tpm(plan.tpm)
        .guest_agent(plan.guest_agent);
    if let Some(path) = disk_path {
        let format = match &plan.disk {
            DiskPlan::Existing { format, .. } => format.as_str(),
            _ => "qcow2",
        };
        b = b.disk(path, bus, format);
    }
    if let Some(seed) = seed {
        b = b.readonly_disk(seed, bus, "raw");
    }
    if let (SourceKind::Iso, Some(iso)) = (plan.source, &plan.iso) {
        b = b.cdrom(iso);
    }
    if let Some(net) = &plan.network {
        b = b.network(net.clone());
    }
    let mut xml = b.build().map_err(|e| e.to_string())?;
    let root = xml.root();
    if let Some(emulator) = &plan.emulator {
        let devices = root.ensure_devices(&mut xml);
        devices
            .add_xml(
                &mut xml,
                &format!(
                    "<emulator>{}</emulator>",
                    virt_xml::tree::escape_text(emulator)
                ),
            )
            .map_err(|e| e.to_string())?;
    }
    let os = root.ensure_os(&mut xml);
    match plan.source {
        SourceKind::Network => os.set_boot_order(&mut xml, &["network", "hd"]),
        SourceKind::Kernel => {
            if let Some((kernel, initrd, cmdline)) = &plan.kernel {
                os.set_kernel(&mut xml, Some(kernel));
                os.set_initrd(&mut xml, (!initrd.is_empty()).then_some(initrd.as_str()));
                os.set_cmdline(&mut xml, (!cmdline.is_empty()).then_some(cmdline.as_str()));
            }
        }
        _ => {}
    }
    if !plan.virtio
        && let Some(devices) = root.devices(&xml)
    {
        for iface in devices.interfaces(&xml) {
            iface.set_model(&mut xml, Some("e1000e"));
        }
    }
    if let Some(id) = &plan.os_id {
        let entry = format!(
            "<libosinfo:libosinfo xmlns:libosinfo='{LIBOSINFO_NS}'><libosinfo:os id='{}'/></libosinfo:libosinfo>",
            virt_xml::tree::escape_attr(id, '\'')
        );
        root.set_metadata_entry(&mut xml, LIBOSINFO_NS, &entry)
            .map_err(|e| e.to_string())?;
    }
    Ok(xml.to_string())
}

/// What the creation reports as it goes.
#[derive(Debug, Clone)]
pub enum Progress {
    /// A step started: its description and the fraction done.
    Step(String, f64),
}

/// The created VM.
#[derive(Debug, Clone)]
pub struct Created {
    /// Its UUID.
    pub uuid: String,
    /// Its name.
    pub name: String,
    /// Whether it was started.
    pub started: bool,
    /// The domain XML it was defined with.
    pub xml: String,
    /// What was done besides, for the user (e.g. the storage pool created for the disk).
    pub note: Option<String>,
}

/// Whether a domain called `name` exists on `conn`.
pub async fn name_taken(conn: &Connection, name: &str) -> Result<bool, String> {
    match Domain::lookup_by_name(conn, name).await {
        Ok(_) => Ok(true),
        Err(e) if e.is(ErrorCode::NO_DOMAIN) => Ok(false),
        Err(e) => Err(message(&e)),
    }
}

/// libvirt's own message for a failed call.
pub fn message(e: &virt_client::Error) -> String {
    match e {
        virt_client::Error::Libvirt { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// Creates the VM of `plan`; on failure removes what it made and says what went wrong.
pub async fn create(
    conn: &Connection,
    plan: &Plan,
    progress: impl Fn(Progress),
) -> Result<Created, String> {
    progress(Progress::Step(gettext("Checking the name…"), 0.05));
    if name_taken(conn, &plan.name).await? {
        return Err(gettext_f(
            "A virtual machine called “{}” already exists.",
            &[&plan.name],
        ));
    }
    let mut volume = None;
    let mut seed = None;
    let mut note = None;
    let disk_path = match &plan.disk {
        DiskPlan::None => None,
        DiskPlan::CloudImage {
            pool,
            volume: base,
            gib,
            config,
        } => {
            progress(Progress::Step(
                gettext("Creating the disk and the cloud-init data…"),
                0.2,
            ));
            let made = cloud::create_disks(conn, &plan.name, pool, base, *gib, config).await?;
            volume = Some(made.overlay.0);
            seed = Some(made.seed);
            Some(made.overlay.1)
        }
        DiskPlan::Existing { path, .. } => Some(path.clone()),
        DiskPlan::New { pool, gib, prepare } => {
            if let Some(prepare) = prepare {
                progress(Progress::Step(
                    gettext_f("Preparing the storage pool “{}”…", &[pool]),
                    0.1,
                ));
                note = Some(volumes::default_pool::ensure(conn, prepare).await?);
            }
            progress(Progress::Step(gettext("Creating the disk…"), 0.2));
            let name = format!("{}.qcow2", plan.name);
            let new = volumes::create(conn, pool, &name, *gib, "qcow2")
                .await
                .map_err(|e| with_note(e, note.as_deref()))?;
            volume = Some(new.volume);
            Some(new.path)
        }
    };
    let seed_path = seed.as_ref().map(|s| s.1.as_str());
    let result = define_and_start(conn, plan, disk_path.as_deref(), seed_path, &progress).await;
    match result {
        Ok(created) => Ok(Created { note, ..created }),
        Err((domain, e)) => {
            progress(Progress::Step(gettext("Undoing…"), 0.9));
            rollback(domain.as_ref(), volume.as_ref()).await;
            if let Some((v, _)) = &seed {
                volumes::delete(v).await;
            }
            Err(with_note(e, note.as_deref()))
        }
    }
}

/// `error`, followed by what was made and is kept (the storage pool), if anything.
fn with_note(error: String, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("{error}\n{note} {}", gettext("The pool is kept.")),
        None => error,
    }
}

async fn define_and_start(
    conn: &Connection,
    plan: &Plan,
    disk_path: Option<&str>,
    seed: Option<&str>,
    progress: &impl Fn(Progress),
) -> Result<Created, (Option<Domain>, String)> {
    progress(Progress::Step(
        gettext("Defining the virtual machine…"),
        0.5,
    ));
    let xml = domain_xml_seeded(plan, disk_path, seed).map_err(|e| (None, e))?;
    let domain = Domain::define_xml(conn, &xml, 0).await.map_err(|e| {
        (
            None,
            gettext_f("Could not define the virtual machine: {}", &[&message(&e)]),
        )
    })?;
    let mut created = Created {
        uuid: domain.uuid().to_string(),
        name: domain.name().to_owned(),
        started: false,
        xml: xml.clone(),
        note: None,
    };
    if !plan.customize {
        progress(Progress::Step(gettext("Starting…"), 0.75));
        if let Err(e) = domain.create(0).await {
            let text = gettext_f("Could not start the virtual machine: {}", &[&message(&e)]);
            return Err((Some(domain), text));
        }
        created.started = true;
    }
    progress(Progress::Step(gettext("Done"), 1.0));
    Ok(created)
}

/// `VIR_DOMAIN_UNDEFINE_NVRAM`: also remove the UEFI variable store.
const UNDEFINE_NVRAM: u32 = 4;

async fn rollback(domain: Option<&Domain>, volume: Option<&virt_client::StorageVol>) {
    if let Some(d) = domain {
        let _ = d.destroy(0).await;
        if let Err(e) = d.undefine(UNDEFINE_NVRAM).await {
            tracing::warn!("roll-back: undefine {}: {e}", d.name());
        }
    }
    if let Some(v) = volume {
        volumes::delete(v).await;
    }
}

/// The summary page.
#[derive(Debug)]
pub struct FinishPage {
    /// The page.
    pub root: adw::PreferencesPage,
    /// One row per choice: (title, row).
    pub rows: Vec<adw::ActionRow>,
    /// Shows how far creation got.
    pub progress: gtk::ProgressBar,
    /// Says what is happening.
    pub status: gtk::Label,
}

impl FinishPage {
    /// Builds the page.
    pub fn new() -> FinishPage {
        let root = adw::PreferencesPage::new();
        let group = adw::PreferencesGroup::new();
        group.set_title(&gettext("Ready to Create"));
        group.set_description(Some(&gettext(
            "Check the choices below, then press Create.",
        )));
        let titles = [
            gettext("Name"),
            gettext("Operating system"),
            gettext("Installation"),
            gettext("Memory"),
            gettext("Processors"),
            gettext("Storage"),
            gettext("Network"),
            gettext("Firmware and TPM"),
        ];
        let rows: Vec<adw::ActionRow> = titles
            .iter()
            .map(|t| {
                let row = adw::ActionRow::new();
                row.set_title(t);
                row.add_css_class("property");
                group.add(&row);
                row
            })
            .collect();
        root.add(&group);
        let progress_group = adw::PreferencesGroup::new();
        let bx = gtk::Box::new(gtk::Orientation::Vertical, 6);
        let progress = gtk::ProgressBar::new();
        let status = gtk::Label::new(None);
        status.set_xalign(0.0);
        status.set_wrap(true);
        status.add_css_class("dim-label");
        bx.append(&progress);
        bx.append(&status);
        progress_group.add(&bx);
        root.add(&progress_group);
        FinishPage {
            root,
            rows,
            progress,
            status,
        }
    }

    /// Shows `values`, one per row, in the order of the rows.
    pub fn show(&self, values: &[String]) {
        for (row, v) in self.rows.iter().zip(values) {
            row.set_subtitle(v);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn plan() -> Plan {
        Plan {
            name: "demo".into(),
            virt_type: "qemu".into(),
            memory_mib: 1024,
            vcpus: 2,
            source: SourceKind::Iso,
            iso: Some("/isos/d.iso".into()),
            kernel: None,
            disk: DiskPlan::New {
                pool: "default".into(),
                gib: 8,
                prepare: None,
            },
            virtio: true,
            network: Some(NetSource::User),
            firmware: Firmware::Bios,
            machine: Some("q35".into()),
            tpm: false,
            guest_agent: true,
            emulator: None,
            os_id: Some("http://debian.org/debian/11".into()),
            customize: false,
        }
    }

    #[test]
    fn iso_install_boots_cdrom_first_with_the_disk() {
        let xml = domain_xml(&plan(), Some("/pool/demo.qcow2")).unwrap();
        let d = virt_xml::validate_domain(&xml).unwrap();
        let os = d.root().os(&d).unwrap();
        assert_eq!(os.boot_order(&d), ["cdrom", "hd"]);
        let disks = d.root().devices(&d).unwrap().disks(&d);
        assert_eq!(disks.len(), 2);
        assert_eq!(
            disks[0].source_path(&d).as_deref(),
            Some("/pool/demo.qcow2")
        );
        assert_eq!(disks[1].device(&d).as_deref(), Some("cdrom"));
        assert!(xml.contains("debian.org/debian/11"));
        assert!(xml.contains("machine='q35'"), "{xml}");
        assert!(xml.contains("org.qemu.guest_agent.0"), "{xml}");
        assert!(!xml.contains("<tpm"), "{xml}");
        assert!(!xml.contains("efi"), "{xml}");
    }

    #[test]
    fn secure_boot_plan_has_smm_and_a_tpm() {
        let mut p = plan();
        p.firmware = Firmware::UefiSecure;
        p.tpm = true;
        let xml = domain_xml(&p, None).unwrap();
        assert!(xml.contains("<os firmware='efi'>"), "{xml}");
        assert!(
            xml.contains("<feature enabled='yes' name='secure-boot'/>"),
            "{xml}"
        );
        assert!(xml.contains("<smm state='on'/>"), "{xml}");
        assert!(xml.contains("<tpm model='tpm-crb'>"), "{xml}");
        p.machine = None;
        assert!(domain_xml(&p, None).is_err(), "Secure Boot without Q35");
    }

    #[test]
    fn network_and_kernel_boot() {
        let mut p = plan();
        p.source = SourceKind::Network;
        p.virtio = false;
        let xml = domain_xml(&p, None).unwrap();
        let d = virt_xml::validate_domain(&xml).unwrap();
        assert_eq!(d.root().os(&d).unwrap().boot_order(&d), ["network", "hd"]);
        assert!(xml.contains("e1000e"));
        p.source = SourceKind::Kernel;
        p.kernel = Some(("/k".into(), "/i".into(), "console=ttyS0".into()));
        p.emulator = Some("/nope/qemu".into());
        let xml = domain_xml(&p, None).unwrap();
        assert!(xml.contains("<kernel>/k</kernel>"));
        assert!(xml.contains("<cmdline>console=ttyS0</cmdline>"));
        assert!(xml.contains("<emulator>/nope/qemu</emulator>"));
    }
}
