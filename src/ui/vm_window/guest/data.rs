//! What the overview shows of a running guest: its addresses merged from the guest agent,
//! the DHCP leases and the ARP table, and what the agent tells (or why it does not).

use virt_client::domain::{AddressSource, AgentUnavailable, GuestInfo, GuestInterface, info_types};

/// A guest network card and its addresses (`address/prefix`), from all sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRow {
    /// The interface's name: the guest's when the agent told it, else the host side's.
    pub name: String,
    /// Its MAC address.
    pub mac: Option<String>,
    /// Its addresses with their prefix length when known, agent's first, each once.
    pub addresses: Vec<String>,
}

/// What became of asking the guest agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentAnswer {
    /// It answered.
    Info(Box<GuestInfo>),
    /// The VM has no guest agent channel.
    NoChannel,
    /// The channel is there, but no agent answers on it.
    NoAgent,
    /// The host does not ask guest agents.
    Unsupported,
    /// The VM is paused: its agent cannot answer until it resumes.
    Paused,
    /// Another error.
    Failed(String),
}

/// A running guest as the overview shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestData {
    /// Its network cards.
    pub interfaces: Vec<AddressRow>,
    /// The guest agent's answer.
    pub agent: AgentAnswer,
}

fn is_loopback(i: &GuestInterface) -> bool {
    i.name == "lo"
        || i.mac.as_deref() == Some("00:00:00:00:00:00")
        || (!i.addresses.is_empty()
            && i.addresses
                .iter()
                .all(|a| a.address.starts_with("127.") || a.address == "::1"))
}

/// Merges the sources, the agent's first: one row per MAC address, each address once.
pub fn merge(agent: &[GuestInterface], others: &[&[GuestInterface]]) -> Vec<AddressRow> {
    let mut rows: Vec<AddressRow> = Vec::new();
    let all = std::iter::once(agent).chain(others.iter().copied());
    for iface in all.flatten().filter(|i| !is_loopback(i)) {
        let mac = iface.mac.as_ref().map(|m| m.to_ascii_lowercase());
        let at = rows
            .iter()
            .position(|r| mac.is_some() && r.mac == mac)
            .unwrap_or_else(|| {
                rows.push(AddressRow {
                    name: iface.name.clone(),
                    mac: mac.clone(),
                    addresses: Vec::new(),
                });
                rows.len() - 1
            });
        for a in &iface.addresses {
            let known = rows[at]
                .addresses
                .iter()
                .any(|t| t.split('/').next() == Some(a.address.as_str()));
            if !known {
                // The ARP table knows no prefix.
                rows[at].addresses.push(if a.prefix == 0 {
                    a.address.clone()
                } else {
                    format!("{}/{}", a.address, a.prefix)
                });
            }
        }
    }
    rows
}

fn answer(e: &virt_client::Error) -> AgentAnswer {
    match e.agent_unavailable() {
        Some(AgentUnavailable::NotConfigured) => AgentAnswer::NoChannel,
        Some(AgentUnavailable::NotConnected) => AgentAnswer::NoAgent,
        Some(AgentUnavailable::Unsupported) => AgentAnswer::Unsupported,
        Some(AgentUnavailable::NotRunning) => AgentAnswer::Paused,
        _ => AgentAnswer::Failed(e.to_string()),
    }
}

/// Asks the host about VM `name`: `None` when it does not run.
pub async fn fetch(
    conn: &virt_client::Connection,
    name: &str,
) -> Result<Option<GuestData>, virt_client::Error> {
    let dom = virt_client::Domain::lookup_by_name(conn, name).await?;
    if !dom.is_active().await? {
        return Ok(None);
    }
    let info = dom
        .guest_info(info_types::OS | info_types::HOSTNAME | info_types::FILESYSTEM)
        .await;
    // Paused, or stopped since the question above.
    if let Err(e) = &info
        && e.agent_unavailable() == Some(AgentUnavailable::NotRunning)
        && !dom.is_active().await?
    {
        return Ok(None);
    }
    let agent_ifaces = match &info {
        Ok(_) => dom
            .interface_addresses(AddressSource::Agent)
            .await
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    // Leases and ARP entries need no agent; a VM on no libvirt network has none.
    let mut others = Vec::new();
    for source in [AddressSource::Lease, AddressSource::Arp] {
        match dom.interface_addresses(source).await {
            Ok(list) => others.push(list),
            Err(e) if e.is_connection_gone() => return Err(e),
            Err(e) => tracing::debug!("guest addresses from {source:?}: {e}"),
        }
    }
    let others: Vec<&[GuestInterface]> = others.iter().map(Vec::as_slice).collect();
    Ok(Some(GuestData {
        interfaces: merge(&agent_ifaces, &others),
        agent: match info {
            Ok(i) => AgentAnswer::Info(Box::new(i)),
            Err(e) => answer(&e),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use virt_client::domain::IpAddress;

    fn iface(name: &str, mac: &str, addrs: &[(&str, u32)]) -> GuestInterface {
        GuestInterface {
            name: name.into(),
            mac: Some(mac.into()),
            addresses: addrs
                .iter()
                .map(|(a, p)| IpAddress {
                    ipv6: a.contains(':'),
                    address: (*a).into(),
                    prefix: *p,
                })
                .collect(),
        }
    }

    #[test]
    fn the_agent_comes_first_and_addresses_once() {
        let agent = [
            iface("lo", "00:00:00:00:00:00", &[("127.0.0.1", 8), ("::1", 128)]),
            iface(
                "eth0",
                "52:54:00:AA:00:01",
                &[("192.168.100.5", 24), ("fe80::5054:ff:feaa:1", 64)],
            ),
        ];
        let lease = [iface(
            "vnet0",
            "52:54:00:aa:00:01",
            &[("192.168.100.5", 24)],
        )];
        let arp = [
            iface("vnet0", "52:54:00:aa:00:01", &[("192.168.100.5", 0)]),
            iface("vnet1", "52:54:00:aa:00:02", &[("10.0.0.7", 0)]),
        ];
        let rows = merge(&agent, &[&lease, &arp]);
        assert_eq!(
            rows,
            vec![
                AddressRow {
                    name: "eth0".into(),
                    mac: Some("52:54:00:aa:00:01".into()),
                    addresses: vec!["192.168.100.5/24".into(), "fe80::5054:ff:feaa:1/64".into()],
                },
                AddressRow {
                    name: "vnet1".into(),
                    mac: Some("52:54:00:aa:00:02".into()),
                    addresses: vec!["10.0.0.7".into()],
                },
            ]
        );
        assert_eq!(merge(&[], &[&lease]).len(), 1);
        assert_eq!(merge(&[], &[]), Vec::new());
    }
}
