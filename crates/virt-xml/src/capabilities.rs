//! Host capabilities (`virsh capabilities`): the host CPU and NUMA topology, and the guest
//! architectures, machine types and domain types the hypervisor offers.

use std::borrow::Cow;

use crate::cpuset::CpuSet;
use crate::error::Error;
use crate::tree::{Document, NodeId};
use crate::units::{Size, Unit};
use crate::view::{handle, typed_doc};

typed_doc!(
    /// A host capabilities document.
    CapabilitiesXml,
    Capabilities,
    "capabilities"
);

handle!(
    /// The `<capabilities>` element.
    Capabilities
);

/// One host CPU in a NUMA cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCpu {
    /// The CPU number.
    pub id: u32,
    /// Socket (package) id.
    pub socket_id: Option<u32>,
    /// Die id.
    pub die_id: Option<u32>,
    /// Core id.
    pub core_id: Option<u32>,
    /// CPUs sharing the core (hyperthreads, including this one).
    pub siblings: Option<CpuSet>,
}

/// A host NUMA cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostNumaCell {
    /// The cell id.
    pub id: u32,
    /// Memory of the cell.
    pub memory: Option<Size>,
    /// The CPUs of the cell.
    pub cpus: Vec<HostCpu>,
}

impl HostNumaCell {
    /// The CPUs of the cell as a set.
    pub fn cpuset(&self) -> CpuSet {
        self.cpus.iter().map(|c| c.id).collect()
    }
}

/// A machine type a guest architecture offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// The machine name (`pc-q35-7.2`, `q35`).
    pub name: String,
    /// What an alias stands for (`q35` is `pc-q35-7.2`).
    pub canonical: Option<String>,
    /// The most vCPUs it supports.
    pub max_cpus: Option<u32>,
    /// Whether QEMU marks it deprecated.
    pub deprecated: bool,
}

/// One `<guest>`: an OS type on an architecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guest {
    /// `hvm`, `xen`, `exe`...
    pub os_type: String,
    /// The architecture (`x86_64`).
    pub arch: String,
    /// Word size in bits.
    pub wordsize: Option<u32>,
    /// The default emulator binary.
    pub emulator: Option<String>,
    /// Machine types.
    pub machines: Vec<Machine>,
    /// Domain types (`qemu`, `kvm`).
    pub domain_types: Vec<String>,
}

fn owned(c: Option<Cow<'_, str>>) -> Option<String> {
    c.map(Cow::into_owned)
}

impl Capabilities {
    fn host(self, doc: &Document) -> Option<NodeId> {
        doc.child(self.0, "host")
    }

    /// The host UUID.
    pub fn host_uuid<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.child_text(self.host(doc)?, "uuid")
    }

    /// The host CPU architecture.
    pub fn host_arch<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.find(self.host(doc)?, "cpu/arch").map(|n| doc.text(n))
    }

    /// The host CPU model name.
    pub fn host_cpu_model<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.find(self.host(doc)?, "cpu/model").map(|n| doc.text(n))
    }

    /// The host CPU vendor.
    pub fn host_cpu_vendor<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.find(self.host(doc)?, "cpu/vendor").map(|n| doc.text(n))
    }

    /// The host CPU topology.
    pub fn host_cpu_topology(
        self,
        d: &impl AsRef<Document>,
    ) -> Result<Option<crate::domain::Topology>, Error> {
        let doc = d.as_ref();
        let Some(cpu) = self.host(doc).and_then(|h| doc.child(h, "cpu")) else {
            return Ok(None);
        };
        crate::domain::Cpu(cpu).topology(d)
    }

    /// The host CPU feature names.
    pub fn host_cpu_features(self, d: &impl AsRef<Document>) -> Vec<String> {
        let doc = d.as_ref();
        let Some(cpu) = self.host(doc).and_then(|h| doc.child(h, "cpu")) else {
            return Vec::new();
        };
        doc.elements_named(cpu, "feature")
            .filter_map(|f| owned(doc.attr(f, "name")))
            .collect()
    }

    /// The host NUMA cells with their CPUs.
    pub fn numa_cells(self, d: &impl AsRef<Document>) -> Result<Vec<HostNumaCell>, Error> {
        let doc = d.as_ref();
        let Some(cells) = self.host(doc).and_then(|h| doc.find(h, "topology/cells")) else {
            return Ok(Vec::new());
        };
        doc.elements_named(cells, "cell")
            .map(|cell| {
                let id = doc
                    .attr_parse(cell, "id")?
                    .ok_or_else(|| doc.missing(cell, "<cell> has no id"))?;
                let memory = match doc.child(cell, "memory") {
                    Some(m) => Some(
                        Size::parse(&doc.text(m), doc.attr(m, "unit").as_deref(), Unit::KIB)
                            .map_err(|e| doc.invalid(m, e.message()))?,
                    ),
                    None => None,
                };
                let cpus = match doc.child(cell, "cpus") {
                    Some(list) => doc
                        .elements_named(list, "cpu")
                        .map(|c| host_cpu(doc, c))
                        .collect::<Result<_, _>>()?,
                    None => Vec::new(),
                };
                Ok(HostNumaCell { id, memory, cpus })
            })
            .collect()
    }

    /// Every host CPU, over all NUMA cells.
    pub fn host_cpus(self, d: &impl AsRef<Document>) -> Result<Vec<HostCpu>, Error> {
        Ok(self
            .numa_cells(d)?
            .into_iter()
            .flat_map(|c| c.cpus)
            .collect())
    }

    /// The guest OS types and architectures.
    pub fn guests(self, d: &impl AsRef<Document>) -> Result<Vec<Guest>, Error> {
        let doc = d.as_ref();
        doc.elements_named(self.0, "guest")
            .map(|g| {
                let arch = doc
                    .child(g, "arch")
                    .ok_or_else(|| doc.missing(g, "<guest> has no <arch>"))?;
                let machines = doc
                    .elements_named(arch, "machine")
                    .map(|m| {
                        Ok(Machine {
                            name: doc.text(m).trim().to_owned(),
                            canonical: owned(doc.attr(m, "canonical")),
                            max_cpus: doc.attr_parse(m, "maxCpus")?,
                            deprecated: doc.attr(m, "deprecated").as_deref() == Some("yes"),
                        })
                    })
                    .collect::<Result<_, Error>>()?;
                Ok(Guest {
                    os_type: doc
                        .child_text(g, "os_type")
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                    arch: owned(doc.attr(arch, "name")).unwrap_or_default(),
                    wordsize: doc
                        .child(arch, "wordsize")
                        .map(|w| doc.text_parse(w))
                        .transpose()?,
                    emulator: owned(doc.child_text(arch, "emulator")),
                    machines,
                    domain_types: doc
                        .elements_named(arch, "domain")
                        .filter_map(|t| owned(doc.attr(t, "type")))
                        .collect(),
                })
            })
            .collect()
    }
}

fn host_cpu(doc: &Document, c: NodeId) -> Result<HostCpu, Error> {
    Ok(HostCpu {
        id: doc
            .attr_parse(c, "id")?
            .ok_or_else(|| doc.missing(c, "<cpu> has no id"))?,
        socket_id: doc.attr_parse(c, "socket_id")?,
        die_id: doc.attr_parse(c, "die_id")?,
        core_id: doc.attr_parse(c, "core_id")?,
        siblings: crate::domain::memory_cpuset_attr(doc, c, "siblings")?,
    })
}
