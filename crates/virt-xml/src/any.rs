//! Picks the typed document that fits a root element.

use crate::error::Error;
use crate::tree::Document;
use crate::{
    CapabilitiesXml, DomainCapsXml, DomainXml, NetworkXml, NodeDeviceXml, PoolXml, SnapshotXml,
    VolumeXml,
};

/// A document wrapped in the typed view its root element calls for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AnyXml {
    /// `<domain>`.
    Domain(DomainXml),
    /// `<capabilities>`.
    Capabilities(CapabilitiesXml),
    /// `<domainCapabilities>`.
    DomainCaps(DomainCapsXml),
    /// `<network>`.
    Network(NetworkXml),
    /// `<pool>`.
    Pool(PoolXml),
    /// `<volume>`.
    Volume(VolumeXml),
    /// `<device>`.
    NodeDevice(NodeDeviceXml),
    /// `<domainsnapshot>`.
    Snapshot(SnapshotXml),
    /// Any other root element: the plain tree.
    Other(Document),
}

impl AnyXml {
    /// Parses `text` and wraps it by its root element.
    pub fn parse(text: &str) -> Result<AnyXml, Error> {
        let doc = Document::parse(text)?;
        Ok(match doc.name(doc.root()) {
            "domain" => AnyXml::Domain(DomainXml::from_document(doc)?),
            "capabilities" => AnyXml::Capabilities(CapabilitiesXml::from_document(doc)?),
            "domainCapabilities" => AnyXml::DomainCaps(DomainCapsXml::from_document(doc)?),
            "network" => AnyXml::Network(NetworkXml::from_document(doc)?),
            "pool" => AnyXml::Pool(PoolXml::from_document(doc)?),
            "volume" => AnyXml::Volume(VolumeXml::from_document(doc)?),
            "device" => AnyXml::NodeDevice(NodeDeviceXml::from_document(doc)?),
            "domainsnapshot" => AnyXml::Snapshot(SnapshotXml::from_document(doc)?),
            _ => AnyXml::Other(doc),
        })
    }

    /// The tree underneath.
    pub fn doc(&self) -> &Document {
        match self {
            AnyXml::Domain(x) => x.doc(),
            AnyXml::Capabilities(x) => x.doc(),
            AnyXml::DomainCaps(x) => x.doc(),
            AnyXml::Network(x) => x.doc(),
            AnyXml::Pool(x) => x.doc(),
            AnyXml::Volume(x) => x.doc(),
            AnyXml::NodeDevice(x) => x.doc(),
            AnyXml::Snapshot(x) => x.doc(),
            AnyXml::Other(d) => d,
        }
    }

    /// Reads every typed value of the document, returning a one-line summary or the first
    /// value that does not parse.
    pub fn summary(&self) -> Result<String, Error> {
        Ok(match self {
            AnyXml::Domain(x) => {
                let d = x.root();
                let mem = d.memory(x)?.map(|m| m.to_string()).unwrap_or_default();
                let devs = d.devices(x).map(|v| v.all(x).len()).unwrap_or(0);
                if let Some(c) = d.cpu(x) {
                    c.topology(x)?;
                    for cell in c.numa_cells(x) {
                        cell.cpus(x)?;
                        cell.memory(x)?;
                    }
                }
                if let Some(t) = d.cputune(x) {
                    t.vcpupins(x)?;
                    t.emulatorpin(x)?;
                }
                d.vcpu_cpuset(x)?;
                d.current_memory(x)?;
                d.max_memory(x)?;
                if let Some(v) = d.devices(x) {
                    for disk in v.disks(x) {
                        disk.source(x)?;
                        disk.boot_order(x)?;
                    }
                    for nic in v.interfaces(x) {
                        let _ = nic.source(x);
                    }
                    for g in v.graphics(x) {
                        g.port(x)?;
                    }
                }
                format!(
                    "domain '{}': {} vCPUs, {mem}, {devs} devices",
                    d.name(x).unwrap_or_default(),
                    d.vcpus(x)?.unwrap_or(0)
                )
            }
            AnyXml::Capabilities(x) => {
                let c = x.root();
                let cpus = c.host_cpus(x)?.len();
                let guests = c.guests(x)?;
                format!(
                    "capabilities: host {} with {cpus} CPUs, {} guest arches",
                    c.host_arch(x).unwrap_or_default(),
                    guests.len()
                )
            }
            AnyXml::DomainCaps(x) => {
                let c = x.root();
                format!(
                    "domain capabilities: {} {} max {} vCPUs, devices {}",
                    c.arch(x).unwrap_or_default(),
                    c.machine(x).unwrap_or_default(),
                    c.max_vcpus(x)?.unwrap_or(0),
                    c.device_names(x).join(",")
                )
            }
            AnyXml::Network(x) => {
                let n = x.root();
                for ip in n.ips(x) {
                    ip.prefix(x)?;
                }
                format!(
                    "network '{}': forward {}",
                    n.name(x).unwrap_or_default(),
                    n.forward_mode(x).unwrap_or("none".into())
                )
            }
            AnyXml::Pool(x) => {
                let p = x.root();
                format!(
                    "pool '{}': {} capacity {}",
                    p.name(x).unwrap_or_default(),
                    p.pool_type(x).unwrap_or_default(),
                    p.capacity(x)?.map(|s| s.to_string()).unwrap_or_default()
                )
            }
            AnyXml::Volume(x) => {
                let v = x.root();
                v.allocation(x)?;
                format!(
                    "volume '{}': {} capacity {}",
                    v.name(x).unwrap_or_default(),
                    v.format(x).unwrap_or_default(),
                    v.capacity(x)?.map(|s| s.to_string()).unwrap_or_default()
                )
            }
            AnyXml::NodeDevice(x) => {
                let n = x.root();
                format!(
                    "node device '{}': {}",
                    n.name(x).unwrap_or_default(),
                    n.capability_types(x).join(",")
                )
            }
            AnyXml::Snapshot(x) => {
                let s = x.root();
                s.creation_time(x)?;
                format!(
                    "snapshot '{}' ({}) of domain '{}'",
                    s.name(x).unwrap_or_default(),
                    s.state(x).unwrap_or_default(),
                    s.domain(x).and_then(|d| d.name(x)).unwrap_or_default()
                )
            }
            AnyXml::Other(d) => format!("<{}> document", d.name(d.root())),
        })
    }
}

impl std::fmt::Display for AnyXml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.doc().to_string())
    }
}
