//! Error domains (`virErrorDomain`): which part of libvirt raised a [`RemoteError`](super::RemoteError).

/// `VIR_FROM_NONE`
pub const NONE: i32 = 0;
/// `VIR_FROM_XEN`
pub const XEN: i32 = 1;
/// `VIR_FROM_XEND`
pub const XEND: i32 = 2;
/// `VIR_FROM_XENSTORE`
pub const XENSTORE: i32 = 3;
/// `VIR_FROM_SEXPR`
pub const SEXPR: i32 = 4;
/// `VIR_FROM_XML`
pub const XML: i32 = 5;
/// `VIR_FROM_DOM`
pub const DOM: i32 = 6;
/// `VIR_FROM_RPC`
pub const RPC: i32 = 7;
/// `VIR_FROM_PROXY`
pub const PROXY: i32 = 8;
/// `VIR_FROM_CONF`
pub const CONF: i32 = 9;
/// `VIR_FROM_QEMU`
pub const QEMU: i32 = 10;
/// `VIR_FROM_NET`
pub const NET: i32 = 11;
/// `VIR_FROM_TEST`
pub const TEST: i32 = 12;
/// `VIR_FROM_REMOTE`
pub const REMOTE: i32 = 13;
/// `VIR_FROM_OPENVZ`
pub const OPENVZ: i32 = 14;
/// `VIR_FROM_XENXM`
pub const XENXM: i32 = 15;
/// `VIR_FROM_STATS_LINUX`
pub const STATS_LINUX: i32 = 16;
/// `VIR_FROM_LXC`
pub const LXC: i32 = 17;
/// `VIR_FROM_STORAGE`
pub const STORAGE: i32 = 18;
/// `VIR_FROM_NETWORK`
pub const NETWORK: i32 = 19;
/// `VIR_FROM_DOMAIN`
pub const DOMAIN: i32 = 20;
/// `VIR_FROM_UML`
pub const UML: i32 = 21;
/// `VIR_FROM_NODEDEV`
pub const NODEDEV: i32 = 22;
/// `VIR_FROM_XEN_INOTIFY`
pub const XEN_INOTIFY: i32 = 23;
/// `VIR_FROM_SECURITY`
pub const SECURITY: i32 = 24;
/// `VIR_FROM_VBOX`
pub const VBOX: i32 = 25;
/// `VIR_FROM_INTERFACE`
pub const INTERFACE: i32 = 26;
/// `VIR_FROM_ONE`
pub const ONE: i32 = 27;
/// `VIR_FROM_ESX`
pub const ESX: i32 = 28;
/// `VIR_FROM_PHYP`
pub const PHYP: i32 = 29;
/// `VIR_FROM_SECRET`
pub const SECRET: i32 = 30;
/// `VIR_FROM_CPU`
pub const CPU: i32 = 31;
/// `VIR_FROM_XENAPI`
pub const XENAPI: i32 = 32;
/// `VIR_FROM_NWFILTER`
pub const NWFILTER: i32 = 33;
/// `VIR_FROM_HOOK`
pub const HOOK: i32 = 34;
/// `VIR_FROM_DOMAIN_SNAPSHOT`
pub const DOMAIN_SNAPSHOT: i32 = 35;
/// `VIR_FROM_AUDIT`
pub const AUDIT: i32 = 36;
/// `VIR_FROM_SYSINFO`
pub const SYSINFO: i32 = 37;
/// `VIR_FROM_STREAMS`
pub const STREAMS: i32 = 38;
/// `VIR_FROM_VMWARE`
pub const VMWARE: i32 = 39;
/// `VIR_FROM_EVENT`
pub const EVENT: i32 = 40;
/// `VIR_FROM_LIBXL`
pub const LIBXL: i32 = 41;
/// `VIR_FROM_LOCKING`
pub const LOCKING: i32 = 42;
/// `VIR_FROM_HYPERV`
pub const HYPERV: i32 = 43;
/// `VIR_FROM_CAPABILITIES`
pub const CAPABILITIES: i32 = 44;
/// `VIR_FROM_URI`
pub const URI: i32 = 45;
/// `VIR_FROM_AUTH`
pub const AUTH: i32 = 46;
/// `VIR_FROM_DBUS`
pub const DBUS: i32 = 47;
/// `VIR_FROM_PARALLELS`
pub const PARALLELS: i32 = 48;
/// `VIR_FROM_DEVICE`
pub const DEVICE: i32 = 49;
/// `VIR_FROM_SSH`
pub const SSH: i32 = 50;
/// `VIR_FROM_LOCKSPACE`
pub const LOCKSPACE: i32 = 51;
/// `VIR_FROM_INITCTL`
pub const INITCTL: i32 = 52;
/// `VIR_FROM_IDENTITY`
pub const IDENTITY: i32 = 53;
/// `VIR_FROM_CGROUP`
pub const CGROUP: i32 = 54;
/// `VIR_FROM_ACCESS`
pub const ACCESS: i32 = 55;
/// `VIR_FROM_SYSTEMD`
pub const SYSTEMD: i32 = 56;
/// `VIR_FROM_BHYVE`
pub const BHYVE: i32 = 57;
/// `VIR_FROM_CRYPTO`
pub const CRYPTO: i32 = 58;
/// `VIR_FROM_FIREWALL`
pub const FIREWALL: i32 = 59;
/// `VIR_FROM_POLKIT`
pub const POLKIT: i32 = 60;
/// `VIR_FROM_THREAD`
pub const THREAD: i32 = 61;
/// `VIR_FROM_ADMIN`
pub const ADMIN: i32 = 62;
/// `VIR_FROM_LOGGING`
pub const LOGGING: i32 = 63;
/// `VIR_FROM_XENXL`
pub const XENXL: i32 = 64;
/// `VIR_FROM_PERF`
pub const PERF: i32 = 65;
/// `VIR_FROM_LIBSSH`
pub const LIBSSH: i32 = 66;
/// `VIR_FROM_RESCTRL`
pub const RESCTRL: i32 = 67;
/// `VIR_FROM_FIREWALLD`
pub const FIREWALLD: i32 = 68;
/// `VIR_FROM_DOMAIN_CHECKPOINT`
pub const DOMAIN_CHECKPOINT: i32 = 69;
/// `VIR_FROM_TPM`
pub const TPM: i32 = 70;
/// `VIR_FROM_BPF`
pub const BPF: i32 = 71;
/// `VIR_FROM_CH`
pub const CH: i32 = 72;

/// The libvirt name of error domain `v` (such as `VIR_FROM_XEN`), if libvirt 9.0 defines it.
pub fn name(v: i32) -> Option<&'static str> {
    Some(match v {
        0 => "VIR_FROM_NONE",
        1 => "VIR_FROM_XEN",
        2 => "VIR_FROM_XEND",
        3 => "VIR_FROM_XENSTORE",
        4 => "VIR_FROM_SEXPR",
        5 => "VIR_FROM_XML",
        6 => "VIR_FROM_DOM",
        7 => "VIR_FROM_RPC",
        8 => "VIR_FROM_PROXY",
        9 => "VIR_FROM_CONF",
        10 => "VIR_FROM_QEMU",
        11 => "VIR_FROM_NET",
        12 => "VIR_FROM_TEST",
        13 => "VIR_FROM_REMOTE",
        14 => "VIR_FROM_OPENVZ",
        15 => "VIR_FROM_XENXM",
        16 => "VIR_FROM_STATS_LINUX",
        17 => "VIR_FROM_LXC",
        18 => "VIR_FROM_STORAGE",
        19 => "VIR_FROM_NETWORK",
        20 => "VIR_FROM_DOMAIN",
        21 => "VIR_FROM_UML",
        22 => "VIR_FROM_NODEDEV",
        23 => "VIR_FROM_XEN_INOTIFY",
        24 => "VIR_FROM_SECURITY",
        25 => "VIR_FROM_VBOX",
        26 => "VIR_FROM_INTERFACE",
        27 => "VIR_FROM_ONE",
        28 => "VIR_FROM_ESX",
        29 => "VIR_FROM_PHYP",
        30 => "VIR_FROM_SECRET",
        31 => "VIR_FROM_CPU",
        32 => "VIR_FROM_XENAPI",
        33 => "VIR_FROM_NWFILTER",
        34 => "VIR_FROM_HOOK",
        35 => "VIR_FROM_DOMAIN_SNAPSHOT",
        36 => "VIR_FROM_AUDIT",
        37 => "VIR_FROM_SYSINFO",
        38 => "VIR_FROM_STREAMS",
        39 => "VIR_FROM_VMWARE",
        40 => "VIR_FROM_EVENT",
        41 => "VIR_FROM_LIBXL",
        42 => "VIR_FROM_LOCKING",
        43 => "VIR_FROM_HYPERV",
        44 => "VIR_FROM_CAPABILITIES",
        45 => "VIR_FROM_URI",
        46 => "VIR_FROM_AUTH",
        47 => "VIR_FROM_DBUS",
        48 => "VIR_FROM_PARALLELS",
        49 => "VIR_FROM_DEVICE",
        50 => "VIR_FROM_SSH",
        51 => "VIR_FROM_LOCKSPACE",
        52 => "VIR_FROM_INITCTL",
        53 => "VIR_FROM_IDENTITY",
        54 => "VIR_FROM_CGROUP",
        55 => "VIR_FROM_ACCESS",
        56 => "VIR_FROM_SYSTEMD",
        57 => "VIR_FROM_BHYVE",
        58 => "VIR_FROM_CRYPTO",
        59 => "VIR_FROM_FIREWALL",
        60 => "VIR_FROM_POLKIT",
        61 => "VIR_FROM_THREAD",
        62 => "VIR_FROM_ADMIN",
        63 => "VIR_FROM_LOGGING",
        64 => "VIR_FROM_XENXL",
        65 => "VIR_FROM_PERF",
        66 => "VIR_FROM_LIBSSH",
        67 => "VIR_FROM_RESCTRL",
        68 => "VIR_FROM_FIREWALLD",
        69 => "VIR_FROM_DOMAIN_CHECKPOINT",
        70 => "VIR_FROM_TPM",
        71 => "VIR_FROM_BPF",
        72 => "VIR_FROM_CH",
        _ => return None,
    })
}
