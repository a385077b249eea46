//! The new VM's plan: the user's choices checked against what the host offers, in one
//! function that the wizard and `examples/newvm.rs` share. Nothing is made before it passes,
//! so a choice the host cannot honour (UEFI without OVMF, a TPM without swtpm) ends in a
//! clear message and nothing half-created.

use virt_xml::builder::{Firmware, NetSource};

use super::finish::{DiskPlan, Plan, SourceKind};
use super::resources::HostChoices;
use crate::cloudinit::CloudConfig;
use crate::i18n::{gettext, gettext_f};
use crate::osinfo::VmDefaults;
use crate::ui::volumes::default_pool::{self, DefaultPool};

/// The disk asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskChoice {
    /// No disk.
    None,
    /// A new qcow2 volume of `gib` GiB in `pool` (`None`: the host's first active pool, or
    /// the pool `default` made for it).
    New {
        /// The storage pool.
        pool: Option<String>,
        /// Size in GiB.
        gib: u64,
    },
    /// An existing image (import).
    Existing {
        /// Its path on the host.
        path: String,
        /// Its format (`qcow2`, `raw`).
        format: String,
    },
    /// A new overlay on a cloud image, set up at first boot by cloud-init from `config`.
    CloudImage {
        /// The base image as `POOL/VOLUME`.
        base: String,
        /// Size in GiB (0: as large as the base image).
        gib: u64,
        /// The user, keys and host name.
        config: CloudConfig,
    },
}

/// What the user chose for the new VM.
#[derive(Debug, Clone)]
pub struct Choices {
    /// The VM's name.
    pub name: String,
    /// `kvm` or `qemu`; `None` takes what the host offers.
    pub virt_type: Option<String>,
    /// Memory in MiB.
    pub memory_mib: u64,
    /// vCPUs.
    pub vcpus: u32,
    /// How the system is installed.
    pub source: SourceKind,
    /// The ISO image (for [`SourceKind::Iso`]; none boots from the disk).
    pub iso: Option<String>,
    /// Kernel, initrd and command line (for [`SourceKind::Kernel`]).
    pub kernel: Option<(String, String, String)>,
    /// The disk.
    pub disk: DiskChoice,
    /// Whether disks and network use virtio.
    pub virtio: bool,
    /// The network card's connection, if any.
    pub network: Option<NetSource>,
    /// BIOS, UEFI or UEFI with Secure Boot.
    pub firmware: Firmware,
    /// Whether to add an emulated TPM 2.0.
    pub tpm: bool,
    /// The emulator binary; `None` lets libvirt choose.
    pub emulator: Option<String>,
    /// The osinfo id of the guest system.
    pub os_id: Option<String>,
    /// Define only: the hardware is customized before the first start.
    pub customize: bool,
}

/// The firmware a system needs by default: UEFI with Secure Boot, UEFI, or BIOS.
pub fn default_firmware(d: &VmDefaults) -> Firmware {
    if d.needs_secure_boot {
        Firmware::UefiSecure
    } else if d.needs_uefi {
        Firmware::Uefi
    } else {
        Firmware::Bios
    }
}

/// Why the host cannot give `firmware`, if it cannot.
pub fn firmware_problem(firmware: Firmware, host: &HostChoices) -> Option<String> {
    match firmware {
        Firmware::Bios => None,
        _ if !host.firmware.efi => Some(gettext(
            "UEFI was asked for, but the host has no UEFI firmware: install OVMF (the package ovmf) on the host, or choose BIOS.",
        )),
        Firmware::UefiSecure if !host.firmware.secure_boot || host.machine.is_none() => {
            Some(gettext(
                "Secure Boot was asked for, but the host's UEFI firmware cannot do it on a Q35 machine: choose UEFI without Secure Boot.",
            ))
        }
        _ => None,
    }
}

/// Why the host cannot emulate a TPM, if a TPM is asked for and it cannot.
pub fn tpm_problem(tpm: bool, host: &HostChoices) -> Option<String> {
    (tpm && !host.tpm).then(|| {
        gettext(
            "A TPM was asked for, but the host cannot emulate one: install swtpm (the packages swtpm and swtpm-tools) on the host, or go without a TPM.",
        )
    })
}

/// Checks `c` against `host`; the plan of what to make, or the first problem found, for the
/// user.
pub fn plan(c: &Choices, host: &HostChoices) -> Result<Plan, String> {
    let name = c.name.trim();
    if name.is_empty() {
        return Err(gettext("Give the virtual machine a name."));
    }
    if name.contains('/') {
        return Err(gettext("A name cannot contain “/”."));
    }
    if host.names.iter().any(|n| n == name) {
        return Err(gettext_f(
            "A virtual machine called “{}” already exists.",
            &[name],
        ));
    }
    if c.memory_mib < 64 {
        return Err(gettext(
            "Give the virtual machine at least 64 MiB of memory.",
        ));
    }
    if c.vcpus == 0 {
        return Err(gettext("Give the virtual machine at least one processor."));
    }
    let disk = match &c.disk {
        DiskChoice::None => DiskPlan::None,
        DiskChoice::Existing { path, format } => DiskPlan::Existing {
            path: path.trim().to_owned(),
            format: format.clone(),
        },
        DiskChoice::New { gib: 0, .. } => {
            return Err(gettext("Give the new disk at least 1 GiB."));
        }
        DiskChoice::New { pool, gib } => new_disk(pool.as_deref(), *gib, host)?,
        DiskChoice::CloudImage { base, gib, config } => cloud_image(base, *gib, config, host)?,
    };
    if let Some(NetSource::Bridge(b)) = &c.network
        && b.trim().is_empty()
    {
        return Err(gettext("Enter the name of the host bridge."));
    }
    if let Some(problem) = firmware_problem(c.firmware, host).or(tpm_problem(c.tpm, host)) {
        return Err(problem);
    }
    Ok(Plan {
        name: name.to_owned(),
        virt_type: c
            .virt_type
            .clone()
            .unwrap_or_else(|| host.virt_type.clone()),
        memory_mib: c.memory_mib,
        vcpus: c.vcpus,
        source: c.source,
        iso: c.iso.clone().filter(|s| !s.trim().is_empty()),
        kernel: c.kernel.clone(),
        disk,
        virtio: c.virtio,
        network: c.network.clone(),
        firmware: c.firmware,
        machine: host.machine.clone(),
        tpm: c.tpm,
        guest_agent: true,
        emulator: c.emulator.clone(),
        os_id: c.os_id.clone(),
        customize: c.customize,
    })
}

/// An overlay on the cloud image `base` (`POOL/VOLUME`) in an active pool, with `config`.
fn cloud_image(
    base: &str,
    gib: u64,
    config: &CloudConfig,
    host: &HostChoices,
) -> Result<DiskPlan, String> {
    let Some((pool, volume)) = base
        .trim()
        .split_once('/')
        .filter(|(p, v)| !p.is_empty() && !v.is_empty() && !v.contains('/'))
    else {
        return Err(gettext_f(
            "“{}” does not name a cloud image: give it as POOL/VOLUME.",
            &[base],
        ));
    };
    if !host.pools.iter().any(|p| p == pool) {
        return Err(gettext_f("There is no active storage pool “{}”.", &[pool]));
    }
    if let Some(problem) = config.problem() {
        return Err(problem);
    }
    Ok(DiskPlan::CloudImage {
        pool: pool.to_owned(),
        volume: volume.to_owned(),
        gib,
        config: config.clone(),
    })
}

/// A new disk in `pool` (or the first active one), or in the pool `default` made first.
fn new_disk(pool: Option<&str>, gib: u64, host: &HostChoices) -> Result<DiskPlan, String> {
    let chosen = match pool {
        Some(p) => host.pools.iter().find(|x| *x == p),
        None => host.pools.first(),
    };
    if let Some(p) = chosen {
        return Ok(DiskPlan::New {
            pool: p.clone(),
            gib,
            prepare: None,
        });
    }
    if let Some(p) = pool {
        return Err(gettext_f("There is no active storage pool “{}”.", &[p]));
    }
    match &host.default_pool {
        Some(p) if host.pools.is_empty() && p.usable() => Ok(DiskPlan::New {
            pool: default_pool::NAME.to_owned(),
            gib,
            prepare: Some(p.clone()),
        }),
        Some(DefaultPool::Unavailable(reason)) if host.pools.is_empty() => Err(reason.clone()),
        _ => Err(gettext("There is no active storage pool for the new disk.")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use virt_xml::DomainCapsXml;

    const CAPS_Q35: &str =
        include_str!("../../../crates/virt-xml/tests/corpus/daemon/domcaps-qemu-q35-ovmf.xml");
    /// Captured on a host without OVMF and swtpm.
    const CAPS_BARE: &str =
        include_str!("../../../crates/virt-xml/tests/corpus/daemon/domcaps-qemu-q35.xml");

    fn host(caps: &str) -> HostChoices {
        let mut h = HostChoices {
            virt_type: "qemu".into(),
            pools: vec!["images".into()],
            ..HostChoices::default()
        };
        h.read_caps(&DomainCapsXml::parse(caps).unwrap(), Some("q35"));
        h
    }

    fn win11() -> Choices {
        Choices {
            name: "win".into(),
            virt_type: None,
            memory_mib: 4096,
            vcpus: 2,
            source: SourceKind::Iso,
            iso: Some("/isos/win11.iso".into()),
            kernel: None,
            disk: DiskChoice::New {
                pool: None,
                gib: 64,
            },
            virtio: false,
            network: Some(NetSource::User),
            firmware: Firmware::UefiSecure,
            tpm: true,
            emulator: None,
            os_id: Some("http://microsoft.com/win/11".into()),
            customize: false,
        }
    }

    #[test]
    fn a_host_with_ovmf_and_swtpm_gets_secure_boot_and_a_tpm() {
        let p = plan(&win11(), &host(CAPS_Q35)).unwrap();
        assert_eq!(p.firmware, Firmware::UefiSecure);
        assert!(p.tpm && p.guest_agent);
        assert_eq!(p.machine.as_deref(), Some("q35"));
        assert_eq!(
            p.disk,
            DiskPlan::New {
                pool: "images".into(),
                gib: 64,
                prepare: None
            }
        );
    }

    #[test]
    fn a_host_without_ovmf_or_swtpm_is_refused_with_the_reason() {
        let bare = host(CAPS_BARE);
        assert!(!bare.firmware.efi && !bare.tpm);
        let e = plan(&win11(), &bare).unwrap_err();
        assert!(e.contains("OVMF"), "{e}");
        let mut c = win11();
        c.firmware = Firmware::Uefi;
        assert!(plan(&c, &bare).unwrap_err().contains("OVMF"));
        c.firmware = Firmware::Bios;
        let e = plan(&c, &bare).unwrap_err();
        assert!(e.contains("swtpm"), "{e}");
        c.tpm = false;
        assert!(plan(&c, &bare).is_ok());
        // UEFI on i440FX: no Secure Boot there.
        let mut pc = host(CAPS_Q35);
        pc.machine = None;
        c.firmware = Firmware::UefiSecure;
        assert!(plan(&c, &pc).unwrap_err().contains("Secure Boot"));
    }

    #[test]
    fn bad_names_memory_and_pools_are_refused() {
        let h = host(CAPS_Q35);
        let mut c = win11();
        c.name = " ".into();
        assert!(plan(&c, &h).is_err());
        c.name = "a".into();
        c.memory_mib = 10;
        assert!(plan(&c, &h).unwrap_err().contains("memory"));
        c.memory_mib = 512;
        c.disk = DiskChoice::New {
            pool: Some("nope".into()),
            gib: 1,
        };
        assert!(plan(&c, &h).unwrap_err().contains("nope"));
    }

    #[test]
    fn cloud_images_need_pool_slash_volume_an_active_pool_and_a_way_in() {
        let h = host(CAPS_Q35);
        let mut c = win11();
        c.firmware = Firmware::Bios;
        c.tpm = false;
        let config = CloudConfig {
            user: "ada".into(),
            password: Some("pw".into()),
            ssh_keys: vec![],
            hostname: "box".into(),
        };
        let cloud = |base: &str, config: &CloudConfig| DiskChoice::CloudImage {
            base: base.into(),
            gib: 0,
            config: config.clone(),
        };
        c.disk = cloud("images/debian.qcow2", &config);
        assert_eq!(
            plan(&c, &h).unwrap().disk,
            DiskPlan::CloudImage {
                pool: "images".into(),
                volume: "debian.qcow2".into(),
                gib: 0,
                config: config.clone()
            }
        );
        c.disk = cloud("debian.qcow2", &config);
        assert!(plan(&c, &h).unwrap_err().contains("POOL/VOLUME"));
        c.disk = cloud("elsewhere/debian.qcow2", &config);
        assert!(plan(&c, &h).unwrap_err().contains("elsewhere"));
        let locked = CloudConfig {
            password: None,
            ..config
        };
        c.disk = cloud("images/debian.qcow2", &locked);
        assert!(plan(&c, &h).unwrap_err().contains("SSH key"));
    }

    #[test]
    fn defaults_follow_what_the_system_needs() {
        let mut d = VmDefaults::generic();
        assert_eq!(default_firmware(&d), Firmware::Bios);
        d.needs_uefi = true;
        assert_eq!(default_firmware(&d), Firmware::Uefi);
        d.needs_secure_boot = true;
        assert_eq!(default_firmware(&d), Firmware::UefiSecure);
    }
}
