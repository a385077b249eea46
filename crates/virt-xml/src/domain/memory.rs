//! Virtual CPU counts of a domain: `<vcpu>` and the per-vCPU `<vcpus>` list.

use super::{DOMAIN_ORDER, Domain};
use crate::cpuset::CpuSet;
use crate::error::Error;
use crate::tree::Document;
use crate::view::{attr_bool, attr_parsed, handle};

handle!(
    /// One `<vcpus><vcpu id=.../></vcpus>` entry.
    VcpuEntry
);

impl VcpuEntry {
    attr_parsed!(id, set_id, "id", u32);
    attr_bool!(enabled, set_enabled, "enabled");
    attr_bool!(hotpluggable, set_hotpluggable, "hotpluggable");
    attr_parsed!(order, set_order, "order", u32);
}

impl Domain {
    /// The maximum number of vCPUs (`<vcpu>` text).
    pub fn vcpus(self, d: &impl AsRef<Document>) -> Result<Option<u32>, Error> {
        let doc = d.as_ref();
        doc.child(self.0, "vcpu")
            .map(|n| doc.text_parse(n))
            .transpose()
    }

    /// Sets the maximum number of vCPUs.
    pub fn set_vcpus(self, d: &mut impl AsMut<Document>, count: u32) {
        let doc = d.as_mut();
        let n = doc.ensure_child(self.0, "vcpu", DOMAIN_ORDER);
        doc.set_text(n, &count.to_string());
    }

    /// The number of vCPUs online at boot (`current`, defaults to the maximum).
    pub fn vcpus_current(self, d: &impl AsRef<Document>) -> Result<Option<u32>, Error> {
        let doc = d.as_ref();
        match doc.child(self.0, "vcpu") {
            Some(n) => match doc.attr_parse(n, "current")? {
                Some(c) => Ok(Some(c)),
                None => self.vcpus(d),
            },
            None => Ok(None),
        }
    }

    /// Sets `current` on `<vcpu>`; `None` removes it.
    pub fn set_vcpus_current(self, d: &mut impl AsMut<Document>, current: Option<u32>) {
        let doc = d.as_mut();
        let n = doc.ensure_child(self.0, "vcpu", DOMAIN_ORDER);
        doc.set_attr_opt(n, "current", current.map(|c| c.to_string()).as_deref());
    }

    /// `placement` of `<vcpu>`: `static` or `auto`.
    pub fn vcpu_placement(self, d: &impl AsRef<Document>) -> Option<String> {
        let doc = d.as_ref();
        doc.child(self.0, "vcpu")
            .and_then(|n| doc.attr(n, "placement"))
            .map(|v| v.into_owned())
    }

    /// Sets `placement` of `<vcpu>`; `None` removes it.
    pub fn set_vcpu_placement(self, d: &mut impl AsMut<Document>, placement: Option<&str>) {
        let doc = d.as_mut();
        let n = doc.ensure_child(self.0, "vcpu", DOMAIN_ORDER);
        doc.set_attr_opt(n, "placement", placement);
    }

    /// The host CPUs all vCPUs may run on (`cpuset` of `<vcpu>`).
    pub fn vcpu_cpuset(self, d: &impl AsRef<Document>) -> Result<Option<CpuSet>, Error> {
        let doc = d.as_ref();
        match doc.child(self.0, "vcpu") {
            Some(n) => cpuset_attr(doc, n, "cpuset"),
            None => Ok(None),
        }
    }

    /// Sets `cpuset` of `<vcpu>` (canonical form); `None` removes it.
    pub fn set_vcpu_cpuset(self, d: &mut impl AsMut<Document>, set: Option<&CpuSet>) {
        let doc = d.as_mut();
        let n = doc.ensure_child(self.0, "vcpu", DOMAIN_ORDER);
        doc.set_attr_opt(n, "cpuset", set.map(|s| s.to_string()).as_deref());
    }

    /// The `<vcpus>` entries.
    pub fn vcpu_entries(self, d: &impl AsRef<Document>) -> Vec<VcpuEntry> {
        let doc = d.as_ref();
        doc.child(self.0, "vcpus")
            .map(|v| doc.elements_named(v, "vcpu").map(VcpuEntry).collect())
            .unwrap_or_default()
    }
}

/// Reads a cpuset attribute with a positioned error.
pub(crate) fn cpuset_attr(
    doc: &Document,
    n: crate::tree::NodeId,
    name: &str,
) -> Result<Option<CpuSet>, Error> {
    match doc.attr(n, name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|e: Error| doc.invalid(n, format!("attribute '{name}': {}", e.message()))),
    }
}
