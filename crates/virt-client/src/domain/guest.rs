//! What a running guest tells about itself: its interfaces' addresses (from DHCP leases, the
//! ARP table or the guest agent), its host name, and through the guest agent its operating
//! system, time zone, users and file systems.

use virt_proto::remote as p;

use super::Domain;
use crate::error::{Error, ErrorCode, Result};

/// Where the daemon looks for a guest's addresses (`VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressSource {
    /// The DHCP leases of the libvirt networks the guest is on (`_LEASE`, 0).
    Lease,
    /// The guest agent (`_AGENT`, 1).
    Agent,
    /// The host's ARP table (`_ARP`, 2).
    Arp,
}

impl AddressSource {
    /// The wire value.
    pub fn raw(self) -> u32 {
        match self {
            Self::Lease => 0,
            Self::Agent => 1,
            Self::Arp => 2,
        }
    }
}

/// An IP address of a guest interface.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IpAddress {
    /// Whether it is IPv6 (`VIR_IP_ADDR_TYPE_IPV6`) rather than IPv4.
    pub ipv6: bool,
    /// The address, as text.
    pub address: String,
    /// The prefix length.
    pub prefix: u32,
}

/// A guest's network interface and its addresses.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GuestInterface {
    /// Its name: the guest's (agent) or the host side's (leases, ARP), e.g. `vnet0`.
    pub name: String,
    /// Its MAC address, when known.
    pub mac: Option<String>,
    /// Its addresses.
    pub addresses: Vec<IpAddress>,
}

/// Where to ask for a guest's host name (`VIR_DOMAIN_GET_HOSTNAME_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostnameSource {
    /// Whatever the driver uses by default (the agent, for QEMU).
    Default,
    /// The DHCP leases (`_LEASE`).
    Lease,
    /// The guest agent (`_AGENT`).
    Agent,
}

/// Why the guest agent could not answer, as far as the daemon's error tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentUnavailable {
    /// The VM has no guest agent channel.
    NotConfigured,
    /// The channel is there but no agent answers on it (not installed, not running, hung).
    NotConnected,
    /// The driver, or the agent in the guest, does not do this.
    Unsupported,
    /// The VM does not run.
    NotRunning,
}

impl Error {
    /// Why a call that needs the guest agent failed, when that is the reason.
    pub fn agent_unavailable(&self) -> Option<AgentUnavailable> {
        let Error::Libvirt { code, message, .. } = self else {
            return None;
        };
        match *code {
            ErrorCode::AGENT_UNRESPONSIVE | ErrorCode::AGENT_UNSYNCED => {
                Some(AgentUnavailable::NotConnected)
            }
            // QEMU: "QEMU guest agent is not configured".
            ErrorCode::ARGUMENT_UNSUPPORTED if message.contains("not configured") => {
                Some(AgentUnavailable::NotConfigured)
            }
            ErrorCode::NO_SUPPORT | ErrorCode::OPERATION_UNSUPPORTED => {
                Some(AgentUnavailable::Unsupported)
            }
            ErrorCode::OPERATION_INVALID if message.contains("not running") => {
                Some(AgentUnavailable::NotRunning)
            }
            _ => None,
        }
    }
}

/// What [`Domain::guest_info`] asks for (`VIR_DOMAIN_GUEST_INFO_*`; empty asks for all).
pub mod info_types {
    /// Logged-in users.
    pub const USERS: u32 = 1 << 0;
    /// The operating system.
    pub const OS: u32 = 1 << 1;
    /// The time zone.
    pub const TIMEZONE: u32 = 1 << 2;
    /// The host name.
    pub const HOSTNAME: u32 = 1 << 3;
    /// The file systems.
    pub const FILESYSTEM: u32 = 1 << 4;
}

/// The guest's operating system (`os.*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuestOs {
    /// `os.id`, e.g. `fedora`.
    pub id: Option<String>,
    /// `os.name`.
    pub name: Option<String>,
    /// `os.pretty-name`, e.g. `Fedora Linux 39 (Workstation Edition)`.
    pub pretty_name: Option<String>,
    /// `os.version`.
    pub version: Option<String>,
    /// `os.version-id`.
    pub version_id: Option<String>,
    /// `os.kernel-release`.
    pub kernel_release: Option<String>,
    /// `os.kernel-version`.
    pub kernel_version: Option<String>,
    /// `os.machine`, e.g. `x86_64`.
    pub machine: Option<String>,
}

/// A logged-in user (`user.N.*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuestUser {
    /// `name`.
    pub name: String,
    /// `domain` (Windows).
    pub domain: Option<String>,
    /// `login-time`, milliseconds since the epoch.
    pub login_time_ms: Option<u64>,
}

/// A mounted file system (`fs.N.*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuestFs {
    /// `mountpoint`.
    pub mountpoint: String,
    /// `name`, the device's name in the guest.
    pub name: String,
    /// `fstype`.
    pub fstype: String,
    /// `total-bytes`, when the agent tells.
    pub total_bytes: Option<u64>,
    /// `used-bytes`, when the agent tells.
    pub used_bytes: Option<u64>,
    /// `disk.M.alias`: the VM's disks it lies on (target names such as `vda`).
    pub disks: Vec<String>,
}

/// What the guest agent tells of a guest ([`Domain::guest_info`]); parts not asked for or not
/// told are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuestInfo {
    /// The operating system.
    pub os: Option<GuestOs>,
    /// `hostname`.
    pub hostname: Option<String>,
    /// `timezone.name`.
    pub timezone_name: Option<String>,
    /// `timezone.offset`, seconds east of UTC.
    pub timezone_offset: Option<i32>,
    /// Logged-in users.
    pub users: Vec<GuestUser>,
    /// Mounted file systems.
    pub filesystems: Vec<GuestFs>,
}

impl GuestInfo {
    /// Reads the typed parameters of `virDomainGetGuestInfo`; unknown ones are left out.
    pub fn from_params(params: &[p::TypedParam]) -> Self {
        let get = |name: &str| params.iter().find(|t| t.field == name).map(|t| &t.value);
        let text = |name: &str| get(name).and_then(|v| v.as_str()).map(str::to_owned);
        let count = |name: &str| {
            get(name)
                .and_then(|v| v.as_u64())
                .map_or(0, |n| n.min(1024) as usize)
        };
        let os_field = |key: &str| text(&format!("os.{key}"));
        let os = GuestOs {
            id: os_field("id"),
            name: os_field("name"),
            pretty_name: os_field("pretty-name"),
            version: os_field("version"),
            version_id: os_field("version-id"),
            kernel_release: os_field("kernel-release"),
            kernel_version: os_field("kernel-version"),
            machine: os_field("machine"),
        };
        let users = (0..count("user.count"))
            .map(|i| GuestUser {
                name: text(&format!("user.{i}.name")).unwrap_or_default(),
                domain: text(&format!("user.{i}.domain")),
                login_time_ms: get(&format!("user.{i}.login-time")).and_then(|v| v.as_u64()),
            })
            .collect();
        let filesystems = (0..count("fs.count"))
            .map(|i| {
                let f = |key: &str| format!("fs.{i}.{key}");
                GuestFs {
                    mountpoint: text(&f("mountpoint")).unwrap_or_default(),
                    name: text(&f("name")).unwrap_or_default(),
                    fstype: text(&f("fstype")).unwrap_or_default(),
                    total_bytes: get(&f("total-bytes")).and_then(|v| v.as_u64()),
                    used_bytes: get(&f("used-bytes")).and_then(|v| v.as_u64()),
                    disks: (0..count(&f("disk.count")))
                        .filter_map(|d| text(&f(&format!("disk.{d}.alias"))))
                        .collect(),
                }
            })
            .collect();
        GuestInfo {
            os: (os != GuestOs::default()).then_some(os),
            hostname: text("hostname"),
            timezone_name: text("timezone.name"),
            timezone_offset: get("timezone.offset")
                .and_then(|v| v.as_i64())
                .and_then(|n| i32::try_from(n).ok()),
            users,
            filesystems,
        }
    }
}

/// A mounted file system as `virDomainGetFSInfo` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FsInfo {
    /// Where it is mounted.
    pub mountpoint: String,
    /// The device's name in the guest.
    pub name: String,
    /// Its type.
    pub fstype: String,
    /// The VM's disks it lies on (target names).
    pub disks: Vec<String>,
}

impl From<p::DomainInterface> for GuestInterface {
    fn from(i: p::DomainInterface) -> Self {
        GuestInterface {
            name: i.name,
            mac: i.hwaddr,
            addresses: i
                .addrs
                .into_iter()
                .map(|a| IpAddress {
                    ipv6: a.type_ == 1,
                    address: a.addr,
                    prefix: a.prefix,
                })
                .collect(),
        }
    }
}

impl Domain {
    /// The guest's interfaces and their addresses, from `source`.
    pub async fn interface_addresses(&self, source: AddressSource) -> Result<Vec<GuestInterface>> {
        let r = self
            .conn
            .call(&p::DomainInterfaceAddressesArgs {
                dom: self.raw.clone(),
                source: source.raw(),
                flags: 0,
            })
            .await?;
        Ok(r.ifaces.into_iter().map(GuestInterface::from).collect())
    }

    /// The guest's host name.
    pub async fn hostname(&self, source: HostnameSource) -> Result<String> {
        let flags = match source {
            HostnameSource::Default => 0,
            HostnameSource::Lease => 1 << 0,
            HostnameSource::Agent => 1 << 1,
        };
        let r = self
            .conn
            .call(&p::DomainGetHostnameArgs {
                dom: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(r.hostname)
    }

    /// What the guest agent tells of the guest: the parts in `types` ([`info_types`]; 0 for
    /// all).
    pub async fn guest_info(&self, types: u32) -> Result<GuestInfo> {
        let r = self
            .conn
            .call(&p::DomainGetGuestInfoArgs {
                dom: self.raw.clone(),
                types,
                flags: 0,
            })
            .await?;
        Ok(GuestInfo::from_params(&r.params))
    }

    /// The guest's mounted file systems (through the guest agent).
    pub async fn fs_info(&self) -> Result<Vec<FsInfo>> {
        let r = self
            .conn
            .call(&p::DomainGetFsinfoArgs {
                dom: self.raw.clone(),
                flags: 0,
            })
            .await?;
        Ok(r.info
            .into_iter()
            .map(|f| FsInfo {
                mountpoint: f.mountpoint,
                name: f.name,
                fstype: f.fstype,
                disks: f.dev_aliases,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests;
