//! CPU model and topology (`<cpu>`), pinning and scheduling (`<cputune>`) and memory
//! placement (`<numatune>`).

use std::borrow::Cow;

use super::memory::cpuset_attr;
use crate::cpuset::CpuSet;
use crate::error::Error;
use crate::tree::{Document, NodeId};
use crate::units::{Size, Unit};
use crate::view::{attr_parsed, attr_str, child_attr, child_text, handle};

const CPU_ORDER: &[&str] = &[
    "model",
    "vendor",
    "topology",
    "cache",
    "maxphysaddr",
    "feature",
    "numa",
];
const CPUTUNE_ORDER: &[&str] = &[
    "shares",
    "global_period",
    "global_quota",
    "period",
    "quota",
    "emulator_period",
    "emulator_quota",
    "iothread_period",
    "iothread_quota",
    "vcpupin",
    "emulatorpin",
    "iothreadpin",
    "vcpusched",
    "iothreadsched",
    "cachetune",
    "memorytune",
];

/// A number held as the text of a child element.
macro_rules! attr_parsed_child {
    ($get:ident, $set:ident, $child:literal, $ty:ty) => {
        #[doc = concat!("The `<", $child, ">` value.")]
        pub fn $get(self, d: &impl AsRef<Document>) -> Result<Option<$ty>, Error> {
            let doc = d.as_ref();
            doc.child(self.0, $child)
                .map(|n| doc.text_parse(n))
                .transpose()
        }

        #[doc = concat!("Sets the `<", $child, ">` value; `None` removes it.")]
        pub fn $set(self, d: &mut impl AsMut<Document>, value: Option<$ty>) {
            let doc = d.as_mut();
            match value {
                Some(v) => {
                    let n = doc.ensure_child(self.0, $child, CPUTUNE_ORDER);
                    doc.set_text(n, &v.to_string());
                }
                None => doc.remove_children(self.0, $child),
            }
        }
    };
}

handle!(
    /// The `<cpu>` element: mode, model, topology, features and guest NUMA cells.
    Cpu
);

/// `<topology sockets dies cores threads>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Topology {
    /// Sockets.
    pub sockets: u32,
    /// Dies per socket (1 when absent).
    pub dies: u32,
    /// Cores per die.
    pub cores: u32,
    /// Threads per core.
    pub threads: u32,
}

impl Topology {
    /// The number of vCPUs this topology describes.
    pub fn vcpus(&self) -> u64 {
        u64::from(self.sockets)
            * u64::from(self.dies.max(1))
            * u64::from(self.cores)
            * u64::from(self.threads)
    }
}

impl Cpu {
    attr_str!(mode, set_mode, "mode");
    attr_str!(match_, set_match, "match");
    attr_str!(check, set_check, "check");
    child_text!(model, set_model, "model", CPU_ORDER);
    child_attr!(
        model_fallback,
        set_model_fallback,
        "model",
        "fallback",
        CPU_ORDER
    );
    child_text!(vendor, set_vendor, "vendor", CPU_ORDER);

    /// The `<topology>`, if present.
    pub fn topology(self, d: &impl AsRef<Document>) -> Result<Option<Topology>, Error> {
        let doc = d.as_ref();
        let Some(t) = doc.child(self.0, "topology") else {
            return Ok(None);
        };
        let get = |name: &str| -> Result<u32, Error> {
            doc.attr_parse(t, name)?
                .ok_or_else(|| doc.missing(t, format!("<topology> has no {name}")))
        };
        Ok(Some(Topology {
            sockets: get("sockets")?,
            dies: doc.attr_parse(t, "dies")?.unwrap_or(1),
            cores: get("cores")?,
            threads: get("threads")?,
        }))
    }

    /// Sets the `<topology>`; `None` removes it.
    pub fn set_topology(self, d: &mut impl AsMut<Document>, topology: Option<Topology>) {
        let doc = d.as_mut();
        let Some(t) = topology else {
            doc.remove_children(self.0, "topology");
            return;
        };
        let n = doc.ensure_child(self.0, "topology", CPU_ORDER);
        doc.set_attr(n, "sockets", &t.sockets.to_string());
        doc.set_attr(n, "dies", &t.dies.max(1).to_string());
        doc.set_attr(n, "cores", &t.cores.to_string());
        doc.set_attr(n, "threads", &t.threads.to_string());
    }

    /// CPU features: (name, policy).
    pub fn features<'d>(
        self,
        d: &'d impl AsRef<Document>,
    ) -> Vec<(Cow<'d, str>, Option<Cow<'d, str>>)> {
        let doc = d.as_ref();
        doc.elements_named(self.0, "feature")
            .filter_map(|f| Some((doc.attr(f, "name")?, doc.attr(f, "policy"))))
            .collect()
    }

    /// Sets the policy of feature `name` (`require`, `disable`...); `None` removes it.
    pub fn set_feature(self, d: &mut impl AsMut<Document>, name: &str, policy: Option<&str>) {
        let doc = d.as_mut();
        let found = doc
            .elements_named(self.0, "feature")
            .find(|&f| doc.attr(f, "name").as_deref() == Some(name));
        match (found, policy) {
            (Some(f), Some(p)) => doc.set_attr(f, "policy", p),
            (Some(f), None) => doc.remove(f),
            (None, Some(p)) => {
                let anchor = doc.elements_named(self.0, "feature").last();
                let f = match anchor {
                    Some(a) => doc.insert_element_after(a, "feature"),
                    None => {
                        let numa = doc.child(self.0, "numa");
                        match numa {
                            Some(numa) => doc.insert_element_before(numa, "feature"),
                            None => doc.append_element(self.0, "feature"),
                        }
                    }
                };
                doc.set_attr(f, "policy", p);
                doc.set_attr(f, "name", name);
            }
            (None, None) => {}
        }
    }

    /// The guest NUMA cells.
    pub fn numa_cells(self, d: &impl AsRef<Document>) -> Vec<NumaCell> {
        let doc = d.as_ref();
        doc.child(self.0, "numa")
            .map(|n| doc.elements_named(n, "cell").map(NumaCell).collect())
            .unwrap_or_default()
    }

    /// Adds a guest NUMA cell.
    pub fn add_numa_cell(
        self,
        d: &mut impl AsMut<Document>,
        id: u32,
        cpus: &CpuSet,
        memory: Size,
    ) -> NumaCell {
        let doc = d.as_mut();
        let numa = doc.ensure_child(self.0, "numa", CPU_ORDER);
        let c = doc.append_element(numa, "cell");
        doc.set_attr(c, "id", &id.to_string());
        doc.set_attr(c, "cpus", &cpus.to_string());
        doc.set_attr(c, "memory", &memory.value.to_string());
        doc.set_attr(c, "unit", memory.unit.as_str());
        NumaCell(c)
    }
}

handle!(
    /// A guest NUMA cell: `<cpu><numa><cell id cpus memory unit/>`.
    NumaCell
);

impl NumaCell {
    attr_parsed!(id, set_id, "id", u32);
    attr_str!(memory_access, set_memory_access, "memAccess");

    /// The vCPUs of the cell.
    pub fn cpus(self, d: &impl AsRef<Document>) -> Result<Option<CpuSet>, Error> {
        cpuset_attr(d.as_ref(), self.0, "cpus")
    }

    /// Sets the vCPUs of the cell.
    pub fn set_cpus(self, d: &mut impl AsMut<Document>, cpus: &CpuSet) {
        d.as_mut().set_attr(self.0, "cpus", &cpus.to_string())
    }

    /// The memory of the cell (default unit KiB).
    pub fn memory(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        let doc = d.as_ref();
        let Some(v) = doc.attr(self.0, "memory") else {
            return Ok(None);
        };
        Size::parse(&v, doc.attr(self.0, "unit").as_deref(), Unit::KIB)
            .map(Some)
            .map_err(|e| doc.invalid(self.0, e.message()))
    }
}

handle!(
    /// The `<cputune>` element.
    CpuTune
);

/// A pinning entry: which vCPU (or I/O thread) runs on which host CPUs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The vCPU or I/O thread number.
    pub id: u32,
    /// The host CPUs.
    pub cpuset: CpuSet,
}

impl CpuTune {
    attr_parsed_child!(shares, set_shares, "shares", u64);
    attr_parsed_child!(period, set_period, "period", u64);
    attr_parsed_child!(quota, set_quota, "quota", i64);

    fn pins(self, doc: &Document, elem: &str, key: &str) -> Result<Vec<Pin>, Error> {
        doc.elements_named(self.0, elem)
            .map(|n| {
                let id = doc
                    .attr_parse(n, key)?
                    .ok_or_else(|| doc.missing(n, format!("<{elem}> has no {key}")))?;
                let cpuset = cpuset_attr(doc, n, "cpuset")?
                    .ok_or_else(|| doc.missing(n, format!("<{elem}> has no cpuset")))?;
                Ok(Pin { id, cpuset })
            })
            .collect()
    }

    fn set_pin(self, doc: &mut Document, elem: &str, key: &str, id: u32, set: Option<&CpuSet>) {
        let id_s = id.to_string();
        let found: Option<NodeId> = doc
            .elements_named(self.0, elem)
            .find(|&n| doc.attr(n, key).as_deref() == Some(id_s.as_str()));
        match (found, set) {
            (Some(n), Some(s)) => doc.set_attr(n, "cpuset", &s.to_string()),
            (Some(n), None) => doc.remove(n),
            (None, Some(s)) => {
                let later = doc.elements_named(self.0, elem).find(|&n| {
                    doc.attr_parse::<u32>(n, key)
                        .ok()
                        .flatten()
                        .is_some_and(|v| v > id)
                });
                let n = match later {
                    Some(l) => doc.insert_element_before(l, elem),
                    None => {
                        let c = doc.ensure_child(self.0, elem, CPUTUNE_ORDER);
                        if doc.attr(c, key).is_some() {
                            doc.insert_element_after(
                                doc.elements_named(self.0, elem).last().unwrap_or(c),
                                elem,
                            )
                        } else {
                            c
                        }
                    }
                };
                doc.set_attr(n, key, &id_s);
                doc.set_attr(n, "cpuset", &s.to_string());
            }
            (None, None) => {}
        }
    }

    /// The `<vcpupin>` entries.
    pub fn vcpupins(self, d: &impl AsRef<Document>) -> Result<Vec<Pin>, Error> {
        self.pins(d.as_ref(), "vcpupin", "vcpu")
    }

    /// Pins vCPU `vcpu` to `cpus`; `None` removes its pin.
    pub fn set_vcpupin(self, d: &mut impl AsMut<Document>, vcpu: u32, cpus: Option<&CpuSet>) {
        self.set_pin(d.as_mut(), "vcpupin", "vcpu", vcpu, cpus)
    }

    /// The `<iothreadpin>` entries.
    pub fn iothreadpins(self, d: &impl AsRef<Document>) -> Result<Vec<Pin>, Error> {
        self.pins(d.as_ref(), "iothreadpin", "iothread")
    }

    /// Pins I/O thread `id` to `cpus`; `None` removes its pin.
    pub fn set_iothreadpin(self, d: &mut impl AsMut<Document>, id: u32, cpus: Option<&CpuSet>) {
        self.set_pin(d.as_mut(), "iothreadpin", "iothread", id, cpus)
    }

    /// The host CPUs of the emulator threads.
    pub fn emulatorpin(self, d: &impl AsRef<Document>) -> Result<Option<CpuSet>, Error> {
        let doc = d.as_ref();
        match doc.child(self.0, "emulatorpin") {
            Some(n) => cpuset_attr(doc, n, "cpuset"),
            None => Ok(None),
        }
    }

    /// Pins the emulator threads; `None` removes the pin.
    pub fn set_emulatorpin(self, d: &mut impl AsMut<Document>, cpus: Option<&CpuSet>) {
        let doc = d.as_mut();
        match cpus {
            Some(s) => {
                let n = doc.ensure_child(self.0, "emulatorpin", CPUTUNE_ORDER);
                doc.set_attr(n, "cpuset", &s.to_string());
            }
            None => doc.remove_children(self.0, "emulatorpin"),
        }
    }
}

handle!(
    /// The `<numatune>` element.
    NumaTune
);

impl NumaTune {
    child_attr!(
        memory_mode,
        set_memory_mode,
        "memory",
        "mode",
        &["memory", "memnode"]
    );
    child_attr!(
        memory_placement,
        set_memory_placement,
        "memory",
        "placement",
        &["memory", "memnode"]
    );

    /// The host NUMA nodes guest memory comes from.
    pub fn memory_nodeset(self, d: &impl AsRef<Document>) -> Result<Option<CpuSet>, Error> {
        let doc = d.as_ref();
        match doc.child(self.0, "memory") {
            Some(n) => cpuset_attr(doc, n, "nodeset"),
            None => Ok(None),
        }
    }

    /// Sets the host NUMA nodes of guest memory; `None` removes the nodeset.
    pub fn set_memory_nodeset(self, d: &mut impl AsMut<Document>, nodes: Option<&CpuSet>) {
        let s = nodes.map(|n| n.to_string());
        self.set_nodeset_raw(d, s.as_deref());
    }

    fn set_nodeset_raw(self, d: &mut impl AsMut<Document>, v: Option<&str>) {
        let doc = d.as_mut();
        match v {
            Some(v) => {
                let n = doc.ensure_child(self.0, "memory", &["memory", "memnode"]);
                doc.set_attr(n, "nodeset", v);
            }
            None => {
                if let Some(n) = doc.child(self.0, "memory") {
                    doc.remove_attr(n, "nodeset");
                }
            }
        }
    }
}
