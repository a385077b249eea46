//! Reading what the pinning page shows: the host's CPUs from its capabilities and CPU map,
//! and a VM's pins (live and saved) from libvirt. Runs on tokio; the page applies results.

use virt_client::{Connection, Domain};
use virt_xml::capabilities::HostNumaCell;
use virt_xml::{CapabilitiesXml, CpuSet, DomainXml};

use crate::widgets::pinning_matrix::{HostCpu, HostTopology};

/// `VIR_DOMAIN_AFFECT_LIVE`: the running VM.
pub const AFFECT_LIVE: u32 = 1;
/// `VIR_DOMAIN_AFFECT_CONFIG`: the saved configuration.
pub const AFFECT_CONFIG: u32 = 2;
/// `VIR_DOMAIN_XML_INACTIVE`: the saved configuration's XML.
const XML_INACTIVE: u32 = 2;

/// The host CPUs from the capabilities' NUMA cells; CPUs not in `online` are offline. A host
/// whose capabilities list no cells gets one node holding the online CPUs.
pub fn topology_from_caps(caps: &CapabilitiesXml, online: &CpuSet) -> HostTopology {
    topology_from_cells(&caps.root().numa_cells(caps).unwrap_or_default(), online)
}

fn topology_from_cells(cells: &[HostNumaCell], online: &CpuSet) -> HostTopology {
    let mut cpus: Vec<HostCpu> = cells
        .iter()
        .flat_map(|cell| {
            cell.cpus.iter().map(move |c| HostCpu {
                id: c.id,
                node: cell.id,
                socket: c.socket_id.unwrap_or(0),
                core: c.core_id.unwrap_or(c.id),
                siblings: c
                    .siblings
                    .as_ref()
                    .map(|s| s.iter().collect())
                    .unwrap_or_else(|| vec![c.id]),
                online: online.contains(c.id),
            })
        })
        .collect();
    if cpus.is_empty() {
        cpus = online
            .iter()
            .map(|id| HostCpu {
                id,
                node: 0,
                socket: 0,
                core: id,
                siblings: vec![id],
                online: true,
            })
            .collect();
    }
    HostTopology { cpus }
}

/// One side's pins (the running VM, or its saved configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pins {
    /// Each vCPU's host CPUs, vCPU 0 first.
    pub vcpus: Vec<CpuSet>,
    /// The emulator threads' CPUs (every online CPU when not pinned).
    pub emulator: CpuSet,
    /// Each IOThread's id and CPUs.
    pub iothreads: Vec<(u32, CpuSet)>,
    /// The NUMA nodes the VM's memory is bound to (`<numatune>`), if any.
    pub memory_nodes: Option<CpuSet>,
}

/// A VM's pins: live ones while it runs, and the saved configuration's if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmPins {
    /// The running VM's pins (`None`: it is not running).
    pub live: Option<Pins>,
    /// The saved configuration's pins (`None`: a transient VM).
    pub config: Option<Pins>,
}

impl VmPins {
    /// The pins the page edits: live ones while the VM runs, else the saved ones.
    pub fn primary(&self) -> Option<&Pins> {
        self.live.as_ref().or(self.config.as_ref())
    }
}

/// Everything the page needs to show a VM's pinning.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The host's CPUs.
    pub topology: HostTopology,
    /// Online host CPUs.
    pub online: CpuSet,
    /// Bytes in a CPU bitmap for this host.
    pub maplen: u32,
    /// The VM.
    pub domain: Domain,
    /// Its pins.
    pub pins: VmPins,
}

/// Reads the host's CPUs and the VM's pins.
pub async fn load(conn: &Connection, name: &str) -> virt_client::Result<Loaded> {
    let dom = Domain::lookup_by_name(conn, name).await?;
    let caps_text = conn.capabilities().await?;
    let map = conn.node_cpu_map().await?;
    let online: CpuSet = CpuSet::from_cpumap(&map.online_map)
        .iter()
        .filter(|&c| c < map.count)
        .collect();
    let maplen = map.count.div_ceil(8).max(1);
    let topology = match CapabilitiesXml::parse(&caps_text) {
        Ok(caps) => topology_from_caps(&caps, &online),
        Err(e) => {
            tracing::warn!("capabilities not readable: {e}");
            topology_from_cells(&[], &online)
        }
    };
    let pins = load_pins(&dom, maplen, &online).await?;
    Ok(Loaded {
        topology,
        online,
        maplen,
        domain: dom,
        pins,
    })
}

/// Reads the VM's pins again (after a change made elsewhere, or applying).
pub async fn load_pins(dom: &Domain, maplen: u32, online: &CpuSet) -> virt_client::Result<VmPins> {
    // A fresh handle tells whether the VM runs now.
    let dom = Domain::lookup_by_name(dom.connection(), dom.name()).await?;
    let live = if dom.id().is_some() {
        Some(side_pins(&dom, maplen, online, AFFECT_LIVE).await?)
    } else {
        None
    };
    let config = match side_pins(&dom, maplen, online, AFFECT_CONFIG).await {
        Ok(p) => Some(p),
        // A transient VM has no saved configuration; a shut-off VM must have one.
        Err(e) if live.is_some() => {
            tracing::debug!("no saved pins for {}: {e}", dom.name());
            None
        }
        Err(e) => return Err(e),
    };
    Ok(VmPins { live, config })
}

async fn side_pins(
    dom: &Domain,
    maplen: u32,
    online: &CpuSet,
    flags: u32,
) -> virt_client::Result<Pins> {
    let xml_flags = if flags == AFFECT_CONFIG {
        XML_INACTIVE
    } else {
        0
    };
    let text = dom.xml_desc(xml_flags).await?;
    let (count, memory_nodes) = match DomainXml::parse(&text) {
        Ok(doc) => {
            let root = doc.root();
            let count = root.vcpus(&doc).ok().flatten().unwrap_or(1);
            let nodes = root
                .numatune(&doc)
                .and_then(|n| n.memory_nodeset(&doc).ok().flatten());
            (count, nodes)
        }
        Err(e) => {
            tracing::warn!("domain XML not readable: {e}");
            (1, None)
        }
    };
    let maps = dom.vcpu_pin_info(count, maplen, flags).await?;
    let emulator = dom
        .emulator_pin_info(maplen, flags)
        .await?
        .map(|m| CpuSet::from_cpumap(&m).intersection(online))
        .unwrap_or_else(|| online.clone());
    // Drivers without IOThreads answer with an error: no rows for them then.
    let iothreads = dom
        .iothread_info(flags)
        .await
        .map(|list| {
            let mut threads: Vec<(u32, CpuSet)> = list
                .into_iter()
                .map(|t| (t.id, CpuSet::from_cpumap(&t.cpumap).intersection(online)))
                .collect();
            threads.sort_by_key(|(id, _)| *id);
            threads
        })
        .unwrap_or_default();
    Ok(Pins {
        iothreads,
        vcpus: maps
            .iter()
            .map(|m| CpuSet::from_cpumap(m).intersection(online))
            .collect(),
        emulator,
        memory_nodes,
    })
}

/// The host CPU each vCPU runs on now (`None` where unknown).
pub async fn placement(
    dom: &Domain,
    vcpus: u32,
    maplen: u32,
) -> virt_client::Result<Vec<Option<u32>>> {
    let info = dom.vcpus(vcpus, maplen).await?;
    let mut out = vec![None; vcpus as usize];
    for v in info {
        if let Some(slot) = out.get_mut(v.number as usize) {
            *slot = u32::try_from(v.cpu).ok();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_CELLS: &str = "<capabilities><host><topology><cells num='2'>\
        <cell id='0'><cpus num='4'>\
        <cpu id='0' socket_id='0' core_id='0' siblings='0,2'/>\
        <cpu id='1' socket_id='0' core_id='1' siblings='1,3'/>\
        <cpu id='2' socket_id='0' core_id='0' siblings='0,2'/>\
        <cpu id='3' socket_id='0' core_id='1' siblings='1,3'/>\
        </cpus></cell>\
        <cell id='1'><cpus num='2'>\
        <cpu id='4' socket_id='1' core_id='0' siblings='4'/>\
        <cpu id='5' socket_id='1' core_id='1' siblings='5'/>\
        </cpus></cell></cells></topology></host></capabilities>";

    #[test]
    fn cells_become_nodes_with_siblings_and_offline_cpus() {
        let caps = CapabilitiesXml::parse(TWO_CELLS).unwrap();
        let online: CpuSet = "0-4".parse().unwrap();
        let t = topology_from_caps(&caps, &online);
        assert_eq!(t.cpus.len(), 6);
        let cpu2 = t.cpus.iter().find(|c| c.id == 2).unwrap();
        assert_eq!((cpu2.node, cpu2.socket, cpu2.core), (0, 0, 0));
        assert_eq!(cpu2.siblings, [0, 2]);
        let cpu5 = t.cpus.iter().find(|c| c.id == 5).unwrap();
        assert_eq!((cpu5.node, cpu5.socket, cpu5.online), (1, 1, false));
        let m = crate::widgets::pinning_matrix::PinningModel::new(&t, 1, false, &[]);
        let nodes: Vec<(u32, usize, usize)> = m
            .node_groups()
            .iter()
            .map(|g| (g.key, g.start, g.len))
            .collect();
        assert_eq!(nodes, [(0, 0, 4), (1, 4, 2)]);
        let cols: Vec<u32> = m.columns().iter().map(|c| c.cpu).collect();
        assert_eq!(cols, [0, 2, 1, 3, 4, 5]);
    }

    #[test]
    fn no_cells_means_one_node_of_online_cpus() {
        let caps = CapabilitiesXml::parse("<capabilities><host/></capabilities>").unwrap();
        let online: CpuSet = "0-1".parse().unwrap();
        let t = topology_from_caps(&caps, &online);
        assert_eq!(t.cpus.len(), 2);
        assert!(t.cpus.iter().all(|c| c.node == 0 && c.online));
    }
}
