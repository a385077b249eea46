//! The form for a network: what was typed, checked (addresses parse, DHCP ranges and static
//! hosts inside their subnet, names unique) and turned into a [`NetworkSpec`]. Its widgets are
//! in [`super::form_view`].

use std::net::IpAddr;

use virt_xml::builder::{IpSpec, NetworkMode, NetworkSpec, StaticHost, in_subnet};

use crate::i18n::{gettext, gettext_f};
use crate::ui::hardware::nics::valid_mac;

/// What the form holds, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkForm {
    /// The name.
    pub name: String,
    /// The forwarding mode.
    pub mode: NetworkMode,
    /// The device traffic leaves by (empty: any).
    pub forward_dev: String,
    /// The bridge: libvirt's new bridge (empty: libvirt picks), or the host bridge.
    pub bridge: String,
    /// IPv4 address and prefix, `192.168.100.1/24` (empty: none).
    pub ipv4: String,
    /// First address of the IPv4 DHCP range (empty: no DHCP).
    pub dhcp_start: String,
    /// Last address of the IPv4 DHCP range.
    pub dhcp_end: String,
    /// Static hosts, one a line: `MAC IP [NAME]`.
    pub hosts: String,
    /// IPv6 address and prefix, `fd00:1::1/64` (empty: none).
    pub ipv6: String,
    /// First address of the IPv6 DHCP range (empty: no DHCPv6).
    pub dhcp6_start: String,
    /// Last address of the IPv6 DHCP range.
    pub dhcp6_end: String,
    /// The DNS domain (empty: none).
    pub domain: String,
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn addr(text: &str, v6: bool) -> Result<IpAddr, String> {
    match text.trim().parse::<IpAddr>() {
        Ok(a) if a.is_ipv6() == v6 => Ok(a),
        _ => Err(if v6 {
            gettext_f("“{}” is not an IPv6 address.", &[text.trim()])
        } else {
            gettext_f("“{}” is not an IPv4 address.", &[text.trim()])
        }),
    }
}

fn cidr(text: &str, v6: bool) -> Result<(IpAddr, u8), String> {
    let bad = || {
        gettext_f(
            "“{}” is not an address with a prefix (like {}).",
            &[
                text.trim(),
                if v6 {
                    "fd00:1::1/64"
                } else {
                    "192.168.100.1/24"
                },
            ],
        )
    };
    let (a, p) = text.trim().split_once('/').ok_or_else(bad)?;
    let address = addr(a, v6).map_err(|_| bad())?;
    let prefix: u8 = p.trim().parse().map_err(|_| bad())?;
    let max = if v6 { 128 } else { 32 };
    if prefix == 0 || prefix > max {
        return Err(bad());
    }
    Ok((address, prefix))
}

fn range(
    start: &str,
    end: &str,
    net: IpAddr,
    prefix: u8,
    v6: bool,
) -> Result<Option<(IpAddr, IpAddr)>, String> {
    if start.trim().is_empty() && end.trim().is_empty() {
        return Ok(None);
    }
    let (s, e) = (addr(start, v6)?, addr(end, v6)?);
    for a in [s, e] {
        if !in_subnet(a, net, prefix) {
            return Err(gettext_f(
                "The DHCP address {} is outside the network {}/{}.",
                &[&a.to_string(), &net.to_string(), &prefix.to_string()],
            ));
        }
    }
    if s > e {
        return Err(gettext_f(
            "The DHCP range starts at {} after its end {}.",
            &[&s.to_string(), &e.to_string()],
        ));
    }
    if (s..=e).contains(&net) {
        return Err(gettext_f(
            "The DHCP range includes the network's own address {}.",
            &[&net.to_string()],
        ));
    }
    Ok(Some((s, e)))
}

fn hosts(text: &str, net: IpAddr, prefix: u8) -> Result<Vec<StaticHost>, String> {
    let mut out: Vec<StaticHost> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .collect();
        let (mac, ip, name) = match parts.as_slice() {
            [m, i] => (*m, *i, None),
            [m, i, n] => (*m, *i, Some(*n)),
            _ => {
                return Err(gettext_f(
                    "“{}”: a static host is a MAC address, an address and maybe a name.",
                    &[line],
                ));
            }
        };
        if !valid_mac(mac) {
            return Err(gettext_f(
                "“{}” is not a MAC address (like 52:54:00:12:34:56).",
                &[mac],
            ));
        }
        let ip = addr(ip, false)?;
        if !in_subnet(ip, net, prefix) || ip == net {
            return Err(gettext_f(
                "The static address {} is outside the network {}/{}.",
                &[&ip.to_string(), &net.to_string(), &prefix.to_string()],
            ));
        }
        if let Some(n) = name.filter(|n| !valid_name(n)) {
            return Err(gettext_f("“{}” is not a host name.", &[n]));
        }
        let mac = mac.to_lowercase();
        if out.iter().any(|h| h.mac == mac || h.ip == ip)
            || name.is_some_and(|n| out.iter().any(|h| h.name.as_deref() == Some(n)))
        {
            return Err(gettext_f("The static host “{}” repeats another.", &[line]));
        }
        out.push(StaticHost {
            mac,
            ip,
            name: name.map(str::to_owned),
        });
    }
    Ok(out)
}

impl NetworkForm {
    /// What a new network's form starts with: NAT on 192.168.100.0/24 with DHCP.
    pub fn suggested() -> NetworkForm {
        NetworkForm {
            ipv4: "192.168.100.1/24".into(),
            dhcp_start: "192.168.100.128".into(),
            dhcp_end: "192.168.100.254".into(),
            ..NetworkForm::default()
        }
    }

    /// Checks the form against the names of the host's networks; what to define, or the
    /// first problem.
    pub fn validate(&self, taken: &[String]) -> Result<NetworkSpec, String> {
        let name = self.name.trim();
        if !valid_name(name) {
            return Err(gettext(
                "A network needs a name of letters, digits, “-”, “_” and “.”.",
            ));
        }
        if taken.iter().any(|t| t == name) {
            return Err(gettext_f("A network called “{}” already exists.", &[name]));
        }
        let bridge = self.bridge.trim();
        if !bridge.is_empty() && (!valid_name(bridge) || bridge.len() > 15) {
            return Err(gettext_f("“{}” is not a bridge name.", &[bridge]));
        }
        let dev = self.forward_dev.trim();
        if !dev.is_empty() && (!valid_name(dev) || dev.len() > 15) {
            return Err(gettext_f("“{}” is not a device name.", &[dev]));
        }
        let domain = self.domain.trim();
        if !domain.is_empty() && !valid_name(domain) {
            return Err(gettext_f("“{}” is not a DNS domain.", &[domain]));
        }
        let mut spec = NetworkSpec {
            name: name.to_owned(),
            mode: self.mode,
            forward_dev: Some(dev.to_owned()).filter(|d| !d.is_empty()),
            bridge: Some(bridge.to_owned()).filter(|b| !b.is_empty()),
            ipv4: None,
            ipv6: None,
            domain: Some(domain.to_owned()).filter(|d| !d.is_empty()),
        };
        if self.mode == NetworkMode::Bridge {
            if bridge.is_empty() {
                return Err(gettext("Pick the host bridge the network joins."));
            }
            let typed = [
                &self.ipv4,
                &self.ipv6,
                &self.dhcp_start,
                &self.dhcp_end,
                &self.hosts,
                &self.dhcp6_start,
                &self.dhcp6_end,
            ];
            if typed.iter().any(|t| !t.trim().is_empty()) {
                return Err(gettext(
                    "A network on a host bridge takes no addresses: the bridge's own network hands them out.",
                ));
            }
            // The bridge's own network names its hosts.
            spec.domain = None;
            return Ok(spec);
        }
        if !self.ipv4.trim().is_empty() {
            let (address, prefix) = cidr(&self.ipv4, false)?;
            spec.ipv4 = Some(IpSpec {
                address,
                prefix,
                dhcp: range(&self.dhcp_start, &self.dhcp_end, address, prefix, false)?,
                hosts: hosts(&self.hosts, address, prefix)?,
            });
        } else if [&self.dhcp_start, &self.dhcp_end, &self.hosts]
            .iter()
            .any(|t| !t.trim().is_empty())
        {
            return Err(gettext("DHCP needs the network's IPv4 address."));
        }
        if !self.ipv6.trim().is_empty() {
            let (address, prefix) = cidr(&self.ipv6, true)?;
            spec.ipv6 = Some(IpSpec {
                address,
                prefix,
                dhcp: range(&self.dhcp6_start, &self.dhcp6_end, address, prefix, true)?,
                hosts: Vec::new(),
            });
        } else if [&self.dhcp6_start, &self.dhcp6_end]
            .iter()
            .any(|t| !t.trim().is_empty())
        {
            return Err(gettext("DHCPv6 needs the network's IPv6 address."));
        }
        if matches!(self.mode, NetworkMode::Route | NetworkMode::Open)
            && spec.ipv4.is_none()
            && spec.ipv6.is_none()
        {
            return Err(gettext("A routed or open network needs an address."));
        }
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nat() -> NetworkForm {
        NetworkForm {
            name: "lab".into(),
            ipv4: "192.168.50.1/24".into(),
            dhcp_start: "192.168.50.100".into(),
            dhcp_end: "192.168.50.200".into(),
            hosts: "52:54:00:00:00:01 192.168.50.10 db\n52:54:00:00:00:02,192.168.50.11".into(),
            ..NetworkForm::default()
        }
    }

    #[test]
    fn a_good_form_becomes_a_spec() {
        let spec = nat().validate(&["default".into()]);
        let spec = spec.as_ref().map_err(String::as_str);
        let Ok(spec) = spec else {
            panic!("{spec:?}");
        };
        let ip = spec.ipv4.as_ref().map(|i| (i.prefix, i.hosts.len()));
        assert_eq!(ip, Some((24, 2)));
    }

    #[test]
    fn bad_forms_are_refused() {
        let taken = vec!["lab".to_string()];
        assert!(
            nat()
                .validate(&taken)
                .is_err_and(|e| e.contains("already exists"))
        );
        let mut f = nat();
        f.dhcp_end = "192.168.51.20".into();
        assert!(f.validate(&[]).is_err_and(|e| e.contains("outside")));
        let mut f = nat();
        f.hosts = "52:54:00:00:00:01 10.0.0.5".into();
        assert!(f.validate(&[]).is_err_and(|e| e.contains("outside")));
        let mut f = nat();
        f.hosts = "52:54:00:00:00:01 192.168.50.10\n52:54:00:00:00:01 192.168.50.12".into();
        assert!(f.validate(&[]).is_err_and(|e| e.contains("repeats")));
        let mut f = nat();
        f.ipv4 = "192.168.50.300/24".into();
        assert!(f.validate(&[]).is_err());
        let mut f = nat();
        f.ipv6 = "fd00::1/64".into();
        f.dhcp6_start = "fd01::10".into();
        f.dhcp6_end = "fd00::20".into();
        assert!(f.validate(&[]).is_err_and(|e| e.contains("outside")));
        let f = NetworkForm {
            name: "br".into(),
            mode: NetworkMode::Bridge,
            ..NetworkForm::default()
        };
        assert!(f.validate(&[]).is_err());
        let f = NetworkForm {
            bridge: "br0".into(),
            ..f
        };
        assert!(f.validate(&[]).is_ok());
    }
}
