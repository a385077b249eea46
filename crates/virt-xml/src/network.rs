//! Virtual networks (`virsh net-dumpxml`): forwarding, bridge, addresses and DHCP.

use std::borrow::Cow;

use crate::error::Error;
use crate::tree::Document;
use crate::view::{attr_str, child_attr, child_text, handle, typed_doc};

typed_doc!(
    /// A virtual network document.
    NetworkXml,
    Network,
    "network"
);

handle!(
    /// The `<network>` element.
    Network
);

const NETWORK_ORDER: &[&str] = &[
    "name",
    "uuid",
    "title",
    "description",
    "metadata",
    "forward",
    "bridge",
    "mtu",
    "mac",
    "domain",
    "dns",
    "ip",
    "route",
];

impl Network {
    child_text!(name, set_name, "name", NETWORK_ORDER);
    child_text!(uuid, set_uuid, "uuid", NETWORK_ORDER);
    child_attr!(
        forward_mode,
        set_forward_mode,
        "forward",
        "mode",
        NETWORK_ORDER
    );
    child_attr!(
        forward_dev,
        set_forward_dev,
        "forward",
        "dev",
        NETWORK_ORDER
    );
    child_attr!(
        bridge_name,
        set_bridge_name,
        "bridge",
        "name",
        NETWORK_ORDER
    );
    child_attr!(bridge_stp, set_bridge_stp, "bridge", "stp", NETWORK_ORDER);
    child_attr!(
        bridge_delay,
        set_bridge_delay,
        "bridge",
        "delay",
        NETWORK_ORDER
    );
    child_attr!(mac, set_mac, "mac", "address", NETWORK_ORDER);
    child_attr!(
        domain_name,
        set_domain_name,
        "domain",
        "name",
        NETWORK_ORDER
    );

    /// Whether the network is isolated (no `<forward>`).
    pub fn is_isolated(self, d: &impl AsRef<Document>) -> bool {
        d.as_ref().child(self.0, "forward").is_none()
    }

    /// Removes `<forward>`, making the network isolated.
    pub fn set_isolated(self, d: &mut impl AsMut<Document>) {
        d.as_mut().remove_children(self.0, "forward")
    }

    /// Takes forwarding, bridge, DNS domain and addresses from `from` (a network as a form
    /// builds it), keeping everything else (UUID, MAC, DNS entries, comments) as it is.
    pub fn replace_settings(
        self,
        d: &mut impl AsMut<Document>,
        from: &NetworkXml,
    ) -> Result<(), Error> {
        const TAKEN: [&str; 4] = ["forward", "bridge", "domain", "ip"];
        let doc = d.as_mut();
        for tag in TAKEN {
            doc.remove_children(self.0, tag);
        }
        let src = from.doc();
        let parts: Vec<_> = src
            .elements(src.root())
            .filter(|&c| TAKEN.contains(&src.name(c)))
            .collect();
        for part in parts {
            let xml = src.node_to_string(part);
            let (after, before) = doc.slot(self.0, src.name(part), NETWORK_ORDER);
            let before = match after {
                Some(a) => doc.elements_after(a).next(),
                None => before,
            };
            doc.insert_xml(self.0, &xml, before)?;
        }
        Ok(())
    }

    /// The `<ip>` blocks.
    pub fn ips(self, d: &impl AsRef<Document>) -> Vec<NetworkIp> {
        d.as_ref()
            .elements_named(self.0, "ip")
            .map(NetworkIp)
            .collect()
    }

    /// Adds an `<ip>` block.
    pub fn add_ip(self, d: &mut impl AsMut<Document>, address: &str, prefix: u8) -> NetworkIp {
        let doc = d.as_mut();
        let ip = match doc.elements_named(self.0, "ip").last() {
            Some(last) => doc.insert_element_after(last, "ip"),
            None => {
                let (after, before) = doc.slot(self.0, "ip", NETWORK_ORDER);
                match (after, before) {
                    (Some(a), _) => doc.insert_element_after(a, "ip"),
                    (None, Some(b)) => doc.insert_element_before(b, "ip"),
                    (None, None) => doc.append_element(self.0, "ip"),
                }
            }
        };
        if address.contains(':') {
            doc.set_attr(ip, "family", "ipv6");
        }
        doc.set_attr(ip, "address", address);
        doc.set_attr(ip, "prefix", &prefix.to_string());
        NetworkIp(ip)
    }
}

handle!(
    /// An `<ip>` block of a network.
    NetworkIp
);

/// A static DHCP host entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhcpHost {
    /// Guest MAC address.
    pub mac: Option<String>,
    /// Host name.
    pub name: Option<String>,
    /// The address it gets.
    pub ip: Option<String>,
}

impl NetworkIp {
    attr_str!(family, set_family, "family");
    attr_str!(address, set_address, "address");
    attr_str!(netmask, set_netmask, "netmask");

    /// The prefix length, from `prefix` or computed from `netmask`.
    pub fn prefix(self, d: &impl AsRef<Document>) -> Result<Option<u8>, Error> {
        let doc = d.as_ref();
        if let Some(p) = doc.attr_parse(self.0, "prefix")? {
            return Ok(Some(p));
        }
        match doc.attr(self.0, "netmask") {
            Some(mask) => mask
                .parse::<std::net::Ipv4Addr>()
                .map(|m| Some(u32::from(m).count_ones() as u8))
                .map_err(|_| doc.invalid(self.0, format!("bad netmask '{mask}'"))),
            None => Ok(None),
        }
    }

    /// DHCP ranges: (start, end).
    pub fn dhcp_ranges<'d>(self, d: &'d impl AsRef<Document>) -> Vec<(Cow<'d, str>, Cow<'d, str>)> {
        let doc = d.as_ref();
        doc.child(self.0, "dhcp")
            .map(|dhcp| {
                doc.elements_named(dhcp, "range")
                    .filter_map(|r| Some((doc.attr(r, "start")?, doc.attr(r, "end")?)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Sets the (first) DHCP range, creating `<dhcp>` as needed.
    pub fn set_dhcp_range(self, d: &mut impl AsMut<Document>, start: &str, end: &str) {
        let doc = d.as_mut();
        let dhcp = doc.ensure_child(self.0, "dhcp", &["tftp", "dhcp"]);
        let r = doc.ensure_child(dhcp, "range", &["range", "host", "bootp"]);
        doc.set_attr(r, "start", start);
        doc.set_attr(r, "end", end);
    }

    /// Static DHCP hosts.
    pub fn dhcp_hosts(self, d: &impl AsRef<Document>) -> Vec<DhcpHost> {
        let doc = d.as_ref();
        let get = |h, n: &str| doc.attr(h, n).map(Cow::into_owned);
        doc.child(self.0, "dhcp")
            .map(|dhcp| {
                doc.elements_named(dhcp, "host")
                    .map(|h| DhcpHost {
                        mac: get(h, "mac"),
                        name: get(h, "name"),
                        ip: get(h, "ip"),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}
