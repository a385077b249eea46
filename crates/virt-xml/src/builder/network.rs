//! A new virtual network from a form's choices: forwarding mode, bridge, IPv4 and IPv6
//! addresses with DHCP ranges and static hosts, and a DNS domain.

use std::fmt::Write as _;
use std::net::IpAddr;

use super::{a, t};
use crate::error::Error;
use crate::network::NetworkXml;

/// How a virtual network reaches the outside (`<forward mode=…>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NetworkMode {
    /// Address translation to the host's outside addresses.
    #[default]
    Nat,
    /// Routed without translation.
    Route,
    /// No forwarding at all (no `<forward>`).
    Isolated,
    /// Forwarded with no firewall rules added.
    Open,
    /// Guests joined to an existing host bridge.
    Bridge,
}

impl NetworkMode {
    /// All modes, in the order a form offers them.
    pub const ALL: [NetworkMode; 5] = [
        NetworkMode::Nat,
        NetworkMode::Route,
        NetworkMode::Isolated,
        NetworkMode::Open,
        NetworkMode::Bridge,
    ];

    /// The `mode` attribute (`isolated` for no `<forward>`).
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Nat => "nat",
            NetworkMode::Route => "route",
            NetworkMode::Isolated => "isolated",
            NetworkMode::Open => "open",
            NetworkMode::Bridge => "bridge",
        }
    }

    /// The mode named `s` (as [`NetworkMode::as_str`] writes it).
    pub fn parse(s: &str) -> Option<NetworkMode> {
        NetworkMode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// A static DHCP host: the guest with `mac` gets `ip` (and `name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticHost {
    /// The guest's MAC address.
    pub mac: String,
    /// The address it gets.
    pub ip: IpAddr,
    /// Its host name, if any.
    pub name: Option<String>,
}

/// One `<ip>` block: the host's address on the network, its prefix, DHCP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpSpec {
    /// The host's address on the network.
    pub address: IpAddr,
    /// The prefix length.
    pub prefix: u8,
    /// The DHCP range, first and last address.
    pub dhcp: Option<(IpAddr, IpAddr)>,
    /// Static DHCP hosts.
    pub hosts: Vec<StaticHost>,
}

/// What a new network is made of.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkSpec {
    /// The network's name.
    pub name: String,
    /// How it forwards.
    pub mode: NetworkMode,
    /// The host device traffic leaves by (`<forward dev=…>`), if limited to one.
    pub forward_dev: Option<String>,
    /// The bridge: made by libvirt (a name, or libvirt picks one) or, in
    /// [`NetworkMode::Bridge`], the existing host bridge.
    pub bridge: Option<String>,
    /// The IPv4 block.
    pub ipv4: Option<IpSpec>,
    /// The IPv6 block.
    pub ipv6: Option<IpSpec>,
    /// The DNS domain of the guests.
    pub domain: Option<String>,
}

/// Whether `addr` lies in the subnet of `net`/`prefix` (both of one family).
pub fn in_subnet(addr: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (addr, net) {
        (IpAddr::V4(x), IpAddr::V4(n)) if prefix <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(x) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(x), IpAddr::V6(n)) if prefix <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(x) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

fn write_ip(x: &mut String, ip: &IpSpec) {
    let family = if ip.address.is_ipv6() {
        " family='ipv6'"
    } else {
        ""
    };
    let _ = writeln!(
        x,
        "  <ip{family} address='{}' prefix='{}'>",
        ip.address, ip.prefix
    );
    if ip.dhcp.is_some() || !ip.hosts.is_empty() {
        x.push_str("    <dhcp>\n");
        if let Some((start, end)) = ip.dhcp {
            let _ = writeln!(x, "      <range start='{start}' end='{end}'/>");
        }
        for h in &ip.hosts {
            // IPv6 hosts are matched by name or id; libvirt takes no MAC there.
            if ip.address.is_ipv6() {
                let _ = write!(x, "      <host");
            } else {
                let _ = write!(x, "      <host mac='{}'", a(&h.mac));
            }
            if let Some(name) = &h.name {
                let _ = write!(x, " name='{}'", a(name));
            }
            let _ = writeln!(x, " ip='{}'/>", h.ip);
        }
        x.push_str("    </dhcp>\n");
    }
    x.push_str("  </ip>\n");
}

/// Builds the network `spec` describes; an error for what no network can be (no name, a
/// prefix too long, a host bridge without a name or with addresses).
pub fn network(spec: &NetworkSpec) -> Result<NetworkXml, Error> {
    if spec.name.trim().is_empty() {
        return Err(Error::Argument("a network needs a name".into()));
    }
    for (ip, max) in [(&spec.ipv4, 32), (&spec.ipv6, 128)] {
        if ip.as_ref().is_some_and(|ip| ip.prefix > max) {
            return Err(Error::Argument(format!("a prefix of at most {max}")));
        }
    }
    let bridge = spec.bridge.as_deref().filter(|b| !b.trim().is_empty());
    if spec.mode == NetworkMode::Bridge
        && (bridge.is_none() || spec.ipv4.is_some() || spec.ipv6.is_some())
    {
        return Err(Error::Argument(
            "a host bridge network needs the bridge's name and takes no addresses".into(),
        ));
    }
    let mut x = format!("<network>\n  <name>{}</name>\n", t(spec.name.trim()));
    if spec.mode != NetworkMode::Isolated {
        let _ = write!(x, "  <forward mode='{}'", spec.mode.as_str());
        if let Some(dev) = spec.forward_dev.as_deref().filter(|d| !d.trim().is_empty()) {
            let _ = write!(x, " dev='{}'", a(dev.trim()));
        }
        x.push_str("/>\n");
    }
    match (spec.mode, bridge) {
        (NetworkMode::Bridge, Some(b)) => {
            let _ = writeln!(x, "  <bridge name='{}'/>", a(b.trim()));
        }
        (_, Some(b)) => {
            let _ = writeln!(x, "  <bridge name='{}' stp='on' delay='0'/>", a(b.trim()));
        }
        (_, None) => x.push_str("  <bridge stp='on' delay='0'/>\n"),
    }
    if let Some(domain) = spec.domain.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = writeln!(x, "  <domain name='{}'/>", a(domain.trim()));
    }
    for ip in [&spec.ipv4, &spec.ipv6].into_iter().flatten() {
        write_ip(&mut x, ip);
    }
    x.push_str("</network>\n");
    NetworkXml::parse(&x)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn subnets() {
        assert!(in_subnet(ip("192.168.5.7"), ip("192.168.5.1"), 24));
        assert!(!in_subnet(ip("192.168.6.7"), ip("192.168.5.1"), 24));
        assert!(in_subnet(ip("10.1.2.3"), ip("10.0.0.1"), 8));
        assert!(in_subnet(ip("10.1.2.3"), ip("99.0.0.1"), 0));
        assert!(in_subnet(ip("fd00::9"), ip("fd00::1"), 64));
        assert!(!in_subnet(ip("fd01::9"), ip("fd00::1"), 64));
        assert!(!in_subnet(ip("fd00::9"), ip("10.0.0.1"), 8));
    }

    #[test]
    fn a_nat_network_with_both_families() {
        let spec = NetworkSpec {
            name: "lab".into(),
            mode: NetworkMode::Nat,
            forward_dev: Some("eth0".into()),
            bridge: Some("virbr9".into()),
            ipv4: Some(IpSpec {
                address: ip("192.168.50.1"),
                prefix: 24,
                dhcp: Some((ip("192.168.50.100"), ip("192.168.50.200"))),
                hosts: vec![StaticHost {
                    mac: "52:54:00:00:00:01".into(),
                    ip: ip("192.168.50.10"),
                    name: Some("db".into()),
                }],
            }),
            ipv6: Some(IpSpec {
                address: ip("fd00:50::1"),
                prefix: 64,
                dhcp: Some((ip("fd00:50::100"), ip("fd00:50::1ff"))),
                hosts: vec![],
            }),
            domain: Some("lab.test".into()),
        };
        let x = network(&spec).unwrap();
        let n = x.root();
        assert_eq!(n.name(&x).as_deref(), Some("lab"));
        assert_eq!(n.forward_mode(&x).as_deref(), Some("nat"));
        assert_eq!(n.forward_dev(&x).as_deref(), Some("eth0"));
        assert_eq!(n.bridge_name(&x).as_deref(), Some("virbr9"));
        assert_eq!(n.domain_name(&x).as_deref(), Some("lab.test"));
        let ips = n.ips(&x);
        assert_eq!(ips.len(), 2);
        assert_eq!(ips[0].prefix(&x).unwrap(), Some(24));
        assert_eq!(ips[0].dhcp_hosts(&x)[0].name.as_deref(), Some("db"));
        assert_eq!(ips[1].family(&x).as_deref(), Some("ipv6"));
        assert_eq!(ips[1].dhcp_ranges(&x)[0].1, "fd00:50::1ff");
    }

    #[test]
    fn isolated_and_host_bridge() {
        let iso = network(&NetworkSpec {
            name: "iso".into(),
            mode: NetworkMode::Isolated,
            ..NetworkSpec::default()
        })
        .unwrap();
        assert!(iso.root().is_isolated(&iso));
        let br = network(&NetworkSpec {
            name: "br".into(),
            mode: NetworkMode::Bridge,
            bridge: Some("br0".into()),
            ..NetworkSpec::default()
        })
        .unwrap();
        assert_eq!(br.root().forward_mode(&br).as_deref(), Some("bridge"));
        assert_eq!(br.root().bridge_name(&br).as_deref(), Some("br0"));
        assert!(
            network(&NetworkSpec {
                name: "br".into(),
                mode: NetworkMode::Bridge,
                ..NetworkSpec::default()
            })
            .is_err()
        );
        assert!(network(&NetworkSpec::default()).is_err());
    }

    #[test]
    fn new_settings_keep_the_rest() {
        let old = "<network>\n  <name>lab</name>\n  <uuid>0b5e7e2a-1111-2222-3333-444455556666</uuid>\n  <!-- kept -->\n  <forward mode='nat'/>\n  <bridge name='virbr5' stp='on' delay='0'/>\n  <mac address='52:54:00:01:02:03'/>\n  <dns>\n    <host ip='192.168.5.9'><hostname>x</hostname></host>\n  </dns>\n  <ip address='192.168.5.1' netmask='255.255.255.0'/>\n</network>\n";
        let mut doc = NetworkXml::parse(old).unwrap();
        let built = network(&NetworkSpec {
            name: "lab".into(),
            mode: NetworkMode::Route,
            bridge: Some("virbr5".into()),
            ipv4: Some(IpSpec {
                address: ip("192.168.6.1"),
                prefix: 24,
                dhcp: None,
                hosts: vec![],
            }),
            domain: Some("lab.test".into()),
            ..NetworkSpec::default()
        })
        .unwrap();
        doc.root().replace_settings(&mut doc, &built).unwrap();
        let text = doc.to_string();
        for kept in [
            "<uuid>0b5e7e2a",
            "<!-- kept -->",
            "<mac address='52:54:00:01:02:03'/>",
            "<hostname>x</hostname>",
        ] {
            assert!(text.contains(kept), "{kept} in\n{text}");
        }
        assert!(text.contains("<forward mode='route'/>"), "{text}");
        assert!(!text.contains("192.168.5.1"), "{text}");
        let again = NetworkXml::parse(&text).unwrap();
        let order: Vec<String> = again
            .doc()
            .elements(again.doc().root())
            .map(|c| again.doc().name(c).to_owned())
            .collect();
        assert_eq!(
            order,
            [
                "name", "uuid", "forward", "bridge", "mac", "domain", "dns", "ip"
            ]
        );
    }
}
