//! Builders of new documents for the new-VM wizard and the storage and network dialogs:
//! a domain from a few choices, a volume, storage pools of several kinds and a NAT network.

mod network;
mod pool;

use std::fmt::Write as _;

use crate::DomainXml;
use crate::error::Error;
use crate::network::NetworkXml;
use crate::storage::{PoolXml, VolumeXml};
use crate::tree::{escape_attr, escape_text};
use crate::units::Size;

pub use network::{IpSpec, NetworkMode, NetworkSpec, StaticHost, in_subnet, network};
pub use pool::{DISK_FORMATS, FS_FORMATS, NETFS_FORMATS, PoolSource, PoolSpec, pool};

pub use crate::domain::Firmware;

/// Where a new domain's network card is connected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetSource {
    /// A libvirt virtual network.
    Network(String),
    /// A host bridge.
    Bridge(String),
    /// User-mode networking.
    User,
}

/// A disk of a new domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskSpec {
    /// The image file on the host.
    pub path: String,
    /// The bus (`virtio`, `sata`, `scsi`, `ide`, `usb`).
    pub bus: String,
    /// The image format (`qcow2`, `raw`).
    pub format: String,
    /// Whether the guest may only read it.
    pub readonly: bool,
}

/// Builds a new domain from the choices of the new-VM wizard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainBuilder {
    name: String,
    domain_type: String,
    memory: Size,
    vcpus: u32,
    arch: String,
    machine: Option<String>,
    os_type: String,
    firmware: Firmware,
    disks: Vec<DiskSpec>,
    cdrom: Option<String>,
    network: Option<NetSource>,
    vnc: bool,
    serial_console: bool,
    tpm: bool,
    guest_agent: bool,
}

fn a(v: &str) -> std::borrow::Cow<'_, str> {
    escape_attr(v, '\'')
}

fn t(v: &str) -> std::borrow::Cow<'_, str> {
    escape_text(v)
}

fn target_name(bus: &str, index: usize) -> String {
    let prefix = match bus {
        "virtio" => "vd",
        "ide" => "hd",
        "fdc" => "fd",
        _ => "sd",
    };
    let mut suffix = String::new();
    let mut i = index;
    loop {
        suffix.insert(0, (b'a' + (i % 26) as u8) as char);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    format!("{prefix}{suffix}")
}

impl DomainBuilder {
    /// A KVM x86_64 domain named `name` with 1 GiB of memory and 1 vCPU, no disks, a VNC
    /// display and a serial console.
    pub fn new(name: &str) -> DomainBuilder {
        DomainBuilder {
            name: name.to_owned(),
            domain_type: "kvm".into(),
            memory: Size::gib(1),
            vcpus: 1,
            arch: "x86_64".into(),
            machine: None,
            os_type: "hvm".into(),
            firmware: Firmware::Bios,
            disks: Vec::new(),
            cdrom: None,
            network: None,
            vnc: true,
            serial_console: true,
            tpm: false,
            guest_agent: false,
        }
    }

    /// The domain type (`kvm`, `qemu`).
    pub fn domain_type(mut self, t: &str) -> Self {
        self.domain_type = t.to_owned();
        self
    }

    /// The guest memory.
    pub fn memory(mut self, size: Size) -> Self {
        self.memory = size;
        self
    }

    /// The number of vCPUs.
    pub fn vcpus(mut self, n: u32) -> Self {
        self.vcpus = n;
        self
    }

    /// The architecture and (optionally) machine type.
    pub fn arch(mut self, arch: &str, machine: Option<&str>) -> Self {
        self.arch = arch.to_owned();
        self.machine = machine.map(str::to_owned);
        self
    }

    /// The OS type (`hvm` for full virtualization).
    pub fn os_type(mut self, os_type: &str) -> Self {
        self.os_type = os_type.to_owned();
        self
    }

    /// BIOS or UEFI.
    pub fn firmware(mut self, firmware: Firmware) -> Self {
        self.firmware = firmware;
        self
    }

    /// Adds a disk image.
    pub fn disk(mut self, path: &str, bus: &str, format: &str) -> Self {
        self.disks.push(DiskSpec {
            path: path.to_owned(),
            bus: bus.to_owned(),
            format: format.to_owned(),
            readonly: false,
        });
        self
    }

    /// Adds a disk image the guest may only read (e.g. a cloud-init seed).
    pub fn readonly_disk(mut self, path: &str, bus: &str, format: &str) -> Self {
        self = self.disk(path, bus, format);
        if let Some(d) = self.disks.last_mut() {
            d.readonly = true;
        }
        self
    }

    /// Adds a CD-ROM drive with an ISO image (booted first).
    pub fn cdrom(mut self, iso: &str) -> Self {
        self.cdrom = Some(iso.to_owned());
        self
    }

    /// Connects a virtio network card.
    pub fn network(mut self, source: NetSource) -> Self {
        self.network = Some(source);
        self
    }

    /// Whether to add a VNC display (with a video card and a tablet).
    pub fn vnc(mut self, on: bool) -> Self {
        self.vnc = on;
        self
    }

    /// Whether to add a serial port and console.
    pub fn serial_console(mut self, on: bool) -> Self {
        self.serial_console = on;
        self
    }

    /// Whether to add an emulated TPM 2.0 (`tpm-crb` backed by swtpm).
    pub fn tpm(mut self, on: bool) -> Self {
        self.tpm = on;
        self
    }

    /// Whether to add the QEMU guest agent's virtio channel (`org.qemu.guest_agent.0`).
    pub fn guest_agent(mut self, on: bool) -> Self {
        self.guest_agent = on;
        self
    }

    /// The document text.
    pub fn to_xml(&self) -> Result<String, Error> {
        if self.name.trim().is_empty() || self.name.contains('/') {
            return Err(Error::Argument(format!(
                "'{}' is not a usable domain name",
                self.name
            )));
        }
        if self.vcpus == 0 {
            return Err(Error::Argument("a domain needs at least one vCPU".into()));
        }
        let mem = self
            .memory
            .to_kib()
            .filter(|&k| k > 0)
            .ok_or_else(|| Error::Argument(format!("memory {} is not usable", self.memory)))?;
        if self.firmware == Firmware::UefiSecure
            && !self.machine.as_deref().is_some_and(crate::domain::is_q35)
        {
            return Err(Error::Argument(
                "Secure Boot needs the Q35 machine type".into(),
            ));
        }
        let mut x = String::with_capacity(2048);
        let _ = writeln!(x, "<domain type='{}'>", a(&self.domain_type));
        let _ = writeln!(x, "  <name>{}</name>", t(&self.name));
        let _ = writeln!(x, "  <memory unit='KiB'>{mem}</memory>");
        let _ = writeln!(x, "  <currentMemory unit='KiB'>{mem}</currentMemory>");
        let _ = writeln!(x, "  <vcpu placement='static'>{}</vcpu>", self.vcpus);
        match self.firmware {
            Firmware::Bios => x.push_str("  <os>\n"),
            Firmware::Uefi | Firmware::UefiSecure => x.push_str("  <os firmware='efi'>\n"),
        }
        let machine = self
            .machine
            .as_deref()
            .map(|m| format!(" machine='{}'", a(m)))
            .unwrap_or_default();
        let _ = writeln!(
            x,
            "    <type arch='{}'{machine}>{}</type>",
            a(&self.arch),
            t(&self.os_type)
        );
        match self.firmware {
            Firmware::Bios => {}
            // Without the feature libvirt may pick a Secure Boot image on its own.
            Firmware::Uefi => x.push_str(
                "    <firmware>\n      <feature enabled='no' name='secure-boot'/>\n    </firmware>\n",
            ),
            Firmware::UefiSecure => x.push_str(
                "    <firmware>\n      <feature enabled='yes' name='enrolled-keys'/>\n      <feature enabled='yes' name='secure-boot'/>\n    </firmware>\n",
            ),
        }
        if self.cdrom.is_some() {
            x.push_str("    <boot dev='cdrom'/>\n");
        }
        x.push_str("    <boot dev='hd'/>\n  </os>\n");
        x.push_str("  <features>\n    <acpi/>\n    <apic/>\n");
        if self.firmware == Firmware::UefiSecure {
            // Secure Boot's variables are protected by system management mode.
            x.push_str("    <smm state='on'/>\n");
        }
        x.push_str("  </features>\n");
        if self.domain_type == "kvm" {
            x.push_str("  <cpu mode='host-passthrough'/>\n");
        }
        x.push_str("  <clock offset='utc'/>\n");
        x.push_str("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n");
        x.push_str("  <on_crash>destroy</on_crash>\n  <devices>\n");
        let mut counters: Vec<(&'static str, usize)> = Vec::new();
        let mut target = |bus: &str| {
            let prefix: &'static str = match bus {
                "virtio" => "vd",
                "ide" => "hd",
                "fdc" => "fd",
                _ => "sd",
            };
            let i = match counters.iter_mut().find(|(p, _)| *p == prefix) {
                Some((_, n)) => {
                    *n += 1;
                    *n - 1
                }
                None => {
                    counters.push((prefix, 1));
                    0
                }
            };
            target_name(bus, i)
        };
        for disk in &self.disks {
            let _ = write!(
                x,
                "    <disk type='file' device='disk'>\n      <driver name='qemu' type='{}'/>\n      <source file='{}'/>\n      <target dev='{}' bus='{}'/>\n{}    </disk>\n",
                a(&disk.format),
                a(&disk.path),
                target(&disk.bus),
                a(&disk.bus),
                if disk.readonly {
                    "      <readonly/>\n"
                } else {
                    ""
                }
            );
        }
        if let Some(iso) = &self.cdrom {
            let _ = write!(
                x,
                "    <disk type='file' device='cdrom'>\n      <driver name='qemu' type='raw'/>\n      <source file='{}'/>\n      <target dev='{}' bus='sata'/>\n      <readonly/>\n    </disk>\n",
                a(iso),
                target("sata")
            );
        }
        match &self.network {
            Some(NetSource::Network(n)) => {
                let _ = write!(
                    x,
                    "    <interface type='network'>\n      <source network='{}'/>\n      <model type='virtio'/>\n    </interface>\n",
                    a(n)
                );
            }
            Some(NetSource::Bridge(b)) => {
                let _ = write!(
                    x,
                    "    <interface type='bridge'>\n      <source bridge='{}'/>\n      <model type='virtio'/>\n    </interface>\n",
                    a(b)
                );
            }
            Some(NetSource::User) => {
                x.push_str(
                    "    <interface type='user'>\n      <model type='virtio'/>\n    </interface>\n",
                );
            }
            None => {}
        }
        if self.serial_console {
            x.push_str("    <serial type='pty'>\n      <target port='0'/>\n    </serial>\n");
            x.push_str("    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>\n");
        }
        if self.guest_agent {
            x.push_str("    <channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n    </channel>\n");
        }
        if self.vnc {
            x.push_str("    <input type='tablet' bus='usb'/>\n");
            x.push_str("    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>\n");
            x.push_str("    <video>\n      <model type='virtio'/>\n    </video>\n");
        }
        if self.tpm {
            x.push_str("    <tpm model='tpm-crb'>\n      <backend type='emulator' version='2.0'/>\n    </tpm>\n");
        }
        x.push_str("    <memballoon model='virtio'/>\n  </devices>\n</domain>\n");
        Ok(x)
    }

    /// Builds the domain document.
    pub fn build(&self) -> Result<DomainXml, Error> {
        DomainXml::parse(&self.to_xml()?)
    }
}

/// A new storage volume: name, capacity and format, allocated sparsely.
pub fn volume(name: &str, capacity: Size, format: &str) -> Result<VolumeXml, Error> {
    if name.trim().is_empty() || name.contains('/') {
        return Err(Error::Argument(format!(
            "'{name}' is not a usable volume name"
        )));
    }
    let bytes = capacity
        .bytes()
        .filter(|&b| b > 0)
        .ok_or_else(|| Error::Argument(format!("capacity {capacity} is not usable")))?;
    VolumeXml::parse(&format!(
        "<volume>\n  <name>{}</name>\n  <capacity unit='bytes'>{bytes}</capacity>\n  <allocation unit='bytes'>0</allocation>\n  <target>\n    <format type='{}'/>\n  </target>\n</volume>\n",
        t(name),
        a(format)
    ))
}

/// A new directory pool keeping its volumes in `path`.
pub fn dir_pool(name: &str, path: &str) -> Result<PoolXml, Error> {
    if name.trim().is_empty() || !path.starts_with('/') {
        return Err(Error::Argument(
            "a pool needs a name and an absolute path".into(),
        ));
    }
    PoolXml::parse(&format!(
        "<pool type='dir'>\n  <name>{}</name>\n  <target>\n    <path>{}</path>\n  </target>\n</pool>\n",
        t(name),
        t(path)
    ))
}

/// A new NAT network on `bridge` with `gateway`/`prefix` and DHCP from `dhcp_start` to
/// `dhcp_end`.
pub fn nat_network(
    name: &str,
    bridge: &str,
    gateway: std::net::Ipv4Addr,
    prefix: u8,
    dhcp: Option<(std::net::Ipv4Addr, std::net::Ipv4Addr)>,
) -> Result<NetworkXml, Error> {
    if name.trim().is_empty() || prefix > 32 {
        return Err(Error::Argument(
            "a network needs a name and a prefix of at most 32".into(),
        ));
    }
    let mask = std::net::Ipv4Addr::from(u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0));
    let mut x = format!(
        "<network>\n  <name>{}</name>\n  <forward mode='nat'/>\n  <bridge name='{}' stp='on' delay='0'/>\n  <ip address='{gateway}' netmask='{mask}'>\n",
        t(name),
        a(bridge)
    );
    if let Some((start, end)) = dhcp {
        let _ = write!(
            x,
            "    <dhcp>\n      <range start='{start}' end='{end}'/>\n    </dhcp>\n"
        );
    }
    x.push_str("  </ip>\n</network>\n");
    NetworkXml::parse(&x)
}
