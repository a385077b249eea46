//! What the networks page asks of the host: the networks with their state, DHCP leases, the
//! running VMs on a network, the host's bridges, and the changes (start, stop, autostart,
//! delete, define).

use virt_client::{Connection, Network};
use virt_xml::domain::InterfaceSource;
use virt_xml::{DomainXml, NetworkXml};

use crate::i18n::gettext_f;
use crate::ui::wizard::finish_message as message;

/// `VIR_CONNECT_LIST_DOMAINS_ACTIVE`.
const LIST_DOMAINS_ACTIVE: u32 = 1;

/// A network as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetInfo {
    /// Its name.
    pub name: String,
    /// `nat`, `route`, `isolated`, `open`, `bridge` or another forward mode.
    pub mode: String,
    /// Whether it runs.
    pub active: bool,
    /// Whether it starts with the daemon.
    pub autostart: bool,
    /// Whether it has a definition (a transient one goes when it stops).
    pub persistent: bool,
    /// Its bridge device, if named.
    pub bridge: Option<String>,
    /// Its persistent definition (the live one for a transient network).
    pub xml: String,
}

/// The forward mode of a network's XML: `isolated` without `<forward>`, `nat` for a
/// `<forward>` without mode.
pub fn mode_of(xml: &NetworkXml) -> String {
    let n = xml.root();
    if n.is_isolated(xml) {
        return "isolated".into();
    }
    n.forward_mode(xml)
        .map_or_else(|| "nat".into(), |m| m.into_owned())
}

async fn info(net: &Network) -> Result<NetInfo, virt_client::Error> {
    let active = net.is_active().await?;
    let persistent = net.is_persistent().await?;
    let autostart = net.autostart().await.unwrap_or(false);
    // VIR_NETWORK_XML_INACTIVE: the definition, not what the running network adds.
    let flags = u32::from(persistent);
    // Not every driver takes the flag (the test driver does not).
    let xml = match net.xml_desc(flags).await {
        Ok(x) => x,
        Err(_) if flags != 0 => net.xml_desc(0).await?,
        Err(e) => return Err(e),
    };
    let (mode, bridge) = match NetworkXml::parse(&xml) {
        Ok(doc) => (
            mode_of(&doc),
            doc.root().bridge_name(&doc).map(|b| b.into_owned()),
        ),
        Err(_) => (String::new(), None),
    };
    Ok(NetInfo {
        name: net.name().to_owned(),
        mode,
        active,
        autostart,
        persistent,
        bridge,
        xml,
    })
}

/// The host's networks, sorted by name; one gone while being read is left out.
pub async fn list(conn: &Connection) -> Result<Vec<NetInfo>, String> {
    let nets = conn.list_all_networks(0).await.map_err(|e| message(&e))?;
    let mut out = Vec::with_capacity(nets.len());
    for net in &nets {
        match info(net).await {
            Ok(i) => out.push(i),
            Err(e) if e.is(virt_client::ErrorCode::NO_NETWORK) => {}
            Err(e) => return Err(message(&e)),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// A DHCP lease as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The address and prefix.
    pub address: String,
    /// The guest's MAC address.
    pub mac: String,
    /// The guest's host name.
    pub hostname: String,
    /// When it expires (seconds since 1970).
    pub expiry: i64,
}

/// The DHCP leases of network `name`.
pub async fn leases(conn: &Connection, name: &str) -> Result<Vec<Lease>, String> {
    let net = Network::lookup_by_name(conn, name)
        .await
        .map_err(|e| message(&e))?;
    let leases = net.dhcp_leases(None).await.map_err(|e| message(&e))?;
    Ok(leases
        .into_iter()
        .map(|l| Lease {
            address: format!("{}/{}", l.ipaddr, l.prefix),
            mac: l.mac.unwrap_or_default(),
            hostname: l.hostname.unwrap_or_default(),
            expiry: l.expirytime,
        })
        .collect())
}

/// The running VMs with a card on network `name`, sorted.
pub async fn users(conn: &Connection, name: &str) -> Result<Vec<String>, String> {
    let doms = conn
        .list_all_domains(LIST_DOMAINS_ACTIVE)
        .await
        .map_err(|e| message(&e))?;
    let mut out = Vec::new();
    for d in doms {
        let Ok(xml) = d.xml_desc(0).await else {
            continue;
        };
        let Ok(doc) = DomainXml::parse(&xml) else {
            continue;
        };
        let on_it = doc.root().devices(&doc).is_some_and(|devs| {
            devs.interfaces(&doc)
                .iter()
                .any(|i| matches!(i.source(&doc), Ok(InterfaceSource::Network(n)) if n == name))
        });
        if on_it {
            out.push(d.name().to_owned());
        }
    }
    out.sort();
    Ok(out)
}

/// The host's bridges (host interfaces of type `bridge`), sorted; none when the host does
/// not list its interfaces.
pub async fn host_bridges(conn: &Connection) -> Vec<String> {
    let Ok(ifaces) = conn.list_all_interfaces(0).await else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in ifaces {
        let Ok(xml) = i.xml_desc(0).await else {
            continue;
        };
        let is_bridge = virt_xml::Document::parse(&xml).is_ok_and(|d| {
            let root = d.root();
            d.attr(root, "type").as_deref() == Some("bridge")
        });
        if is_bridge {
            out.push(i.name().to_owned());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The names of the host's networks, sorted.
pub async fn network_names(conn: &Connection) -> Vec<String> {
    let mut names: Vec<String> = conn
        .list_all_networks(0)
        .await
        .map(|v| v.iter().map(|n| n.name().to_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// A change to one network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Start it.
    Start,
    /// Stop it.
    Stop,
    /// Set whether it starts with the daemon.
    Autostart(bool),
    /// Stop it if it runs, then remove its definition.
    Delete,
}

/// Applies `op` to network `name`.
pub async fn apply(conn: &Connection, name: &str, op: &Op) -> Result<(), String> {
    let net = Network::lookup_by_name(conn, name)
        .await
        .map_err(|e| message(&e))?;
    let r = match op {
        Op::Start => net.create().await,
        Op::Stop => net.destroy().await,
        Op::Autostart(on) => net.set_autostart(*on).await,
        Op::Delete => {
            if net.is_active().await.map_err(|e| message(&e))? {
                net.destroy().await.map_err(|e| message(&e))?;
            }
            if net.is_persistent().await.map_err(|e| message(&e))? {
                net.undefine().await
            } else {
                Ok(())
            }
        }
    };
    r.map_err(|e| gettext_f("{}: {}", &[name, &message(&e)]))
}

/// Defines the network of `xml` (new, or a new definition of one with its name and UUID);
/// its name.
pub async fn define(conn: &Connection, xml: &str) -> Result<String, String> {
    let net = Network::define_xml(conn, xml)
        .await
        .map_err(|e| message(&e))?;
    Ok(net.name().to_owned())
}
