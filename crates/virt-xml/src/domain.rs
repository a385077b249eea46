//! The domain (virtual machine) document: `<domain>` and its typed views.

mod cpu;
mod devices;
mod disk;
mod firmware;
mod graphics;
mod interface;
mod memory;
mod os;
mod simple;
mod spec;

use std::borrow::Cow;

pub use cpu::{Cpu, CpuTune, NumaCell, NumaTune, Pin, Topology};
pub use devices::{DEVICE_ORDER, Device, DeviceKind, Devices};
pub use disk::{Disk, DiskSource};
pub use firmware::{Firmware, firmware_of, is_q35, set_firmware};
pub use graphics::Graphics;
pub use interface::{Interface, InterfaceSource};
pub use memory::VcpuEntry;
pub(crate) use memory::cpuset_attr as memory_cpuset_attr;
pub use os::{Clock, Features, Os, Timer};
pub use simple::{
    Chardev, Controller, Filesystem, Hostdev, Input, Memballoon, Rng, Sound, Tpm, Video, Watchdog,
};
pub use spec::{
    CHANNEL_TYPES, CONSOLE_TARGETS, DeviceSpec, INPUT_BUSES, INPUT_TYPES, SOUND_MODELS, TPM_MODELS,
    VIDEO_MODELS, WATCHDOG_ACTIONS, WATCHDOG_MODELS, channel_target,
};

use crate::error::Error;
use crate::tree::{Document, NodeId};
use crate::units::{Size, Unit};
use crate::view::{attr_str, child_text, handle, require, typed_doc};

typed_doc!(
    /// A domain document (`virsh dumpxml`), kept byte for byte.
    DomainXml,
    Domain,
    "domain"
);

handle!(
    /// The `<domain>` element.
    Domain
);

/// The order libvirt writes the children of `<domain>` in; new children are placed by it.
pub const DOMAIN_ORDER: &[&str] = &[
    "name",
    "uuid",
    "genid",
    "title",
    "description",
    "metadata",
    "maxMemory",
    "memory",
    "currentMemory",
    "blkiotune",
    "memtune",
    "memoryBacking",
    "vcpu",
    "vcpus",
    "iothreads",
    "iothreadids",
    "cputune",
    "numatune",
    "resource",
    "sysinfo",
    "bootloader",
    "bootloader_args",
    "os",
    "idmap",
    "features",
    "cpu",
    "clock",
    "on_poweroff",
    "on_reboot",
    "on_crash",
    "on_lockfailure",
    "pm",
    "perf",
    "devices",
    "seclabel",
    "keywrap",
    "launchSecurity",
];

impl Domain {
    attr_str!(domain_type, set_domain_type, "type");
    child_text!(name, set_name, "name", DOMAIN_ORDER);
    child_text!(uuid, set_uuid, "uuid", DOMAIN_ORDER);
    child_text!(title, set_title, "title", DOMAIN_ORDER);
    child_text!(description, set_description, "description", DOMAIN_ORDER);
    child_text!(on_poweroff, set_on_poweroff, "on_poweroff", DOMAIN_ORDER);
    child_text!(on_reboot, set_on_reboot, "on_reboot", DOMAIN_ORDER);
    child_text!(on_crash, set_on_crash, "on_crash", DOMAIN_ORDER);

    /// The `<metadata>` element.
    pub fn metadata(self, d: &impl AsRef<Document>) -> Option<NodeId> {
        d.as_ref().child(self.0, "metadata")
    }

    /// The element inside `<metadata>` in namespace `uri` (each application keeps one).
    pub fn metadata_entry(self, d: &impl AsRef<Document>, uri: &str) -> Option<NodeId> {
        let doc = d.as_ref();
        let meta = doc.child(self.0, "metadata")?;
        doc.elements(meta)
            .find(|&c| doc.namespace(c).as_deref() == Some(uri))
    }

    /// Replaces (or adds) the `<metadata>` entry in namespace `uri` with `xml`, an element
    /// that must declare that namespace. Other applications' entries are left alone.
    pub fn set_metadata_entry(
        self,
        d: &mut impl AsMut<Document>,
        uri: &str,
        xml: &str,
    ) -> Result<NodeId, Error> {
        let doc = d.as_mut();
        let frag = Document::parse(xml)?;
        if frag.namespace(frag.root()).as_deref() != Some(uri) {
            return Err(Error::Argument(format!(
                "metadata entry is not in namespace {uri}"
            )));
        }
        let old = self.metadata_entry(doc, uri);
        let meta = doc.ensure_child(self.0, "metadata", DOMAIN_ORDER);
        let new = doc.insert_xml(meta, xml, old)?;
        if let Some(old) = old {
            doc.remove(old);
        }
        Ok(new)
    }

    /// Removes the `<metadata>` entry in namespace `uri`; returns whether there was one.
    pub fn remove_metadata_entry(self, d: &mut impl AsMut<Document>, uri: &str) -> bool {
        let doc = d.as_mut();
        match self.metadata_entry(doc, uri) {
            Some(n) => {
                doc.remove(n);
                true
            }
            None => false,
        }
    }

    fn size_of(self, doc: &Document, name: &str) -> Result<Option<Size>, Error> {
        let Some(n) = doc.child(self.0, name) else {
            return Ok(None);
        };
        Size::parse(&doc.text(n), doc.attr(n, "unit").as_deref(), Unit::KIB)
            .map(Some)
            .map_err(|e| doc.invalid(n, format!("<{name}>: {}", e.message())))
    }

    fn set_size(self, doc: &mut Document, name: &str, size: Size) {
        let n = doc.ensure_child(self.0, name, DOMAIN_ORDER);
        doc.set_text(n, &size.value.to_string());
        let unit = size.unit.as_str();
        if doc.attr(n, "unit").and_then(|u| u.parse::<Unit>().ok()) != Some(size.unit) {
            doc.set_attr(n, "unit", unit);
        }
    }

    /// The `<memory>` size (libvirt's default unit is KiB).
    pub fn memory(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        self.size_of(d.as_ref(), "memory")
    }

    /// Sets `<memory>` with its unit.
    pub fn set_memory(self, d: &mut impl AsMut<Document>, size: Size) {
        self.set_size(d.as_mut(), "memory", size)
    }

    /// The `<currentMemory>` size.
    pub fn current_memory(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        self.size_of(d.as_ref(), "currentMemory")
    }

    /// Sets `<currentMemory>`; `None` removes it.
    pub fn set_current_memory(self, d: &mut impl AsMut<Document>, size: Option<Size>) {
        match size {
            Some(s) => self.set_size(d.as_mut(), "currentMemory", s),
            None => d.as_mut().remove_children(self.0, "currentMemory"),
        }
    }

    /// The `<maxMemory>` size (memory hotplug ceiling).
    pub fn max_memory(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        self.size_of(d.as_ref(), "maxMemory")
    }

    /// Sets `<maxMemory>` and its `slots`; `None` removes it.
    pub fn set_max_memory(self, d: &mut impl AsMut<Document>, size: Option<(Size, u32)>) {
        let doc = d.as_mut();
        match size {
            Some((s, slots)) => {
                self.set_size(doc, "maxMemory", s);
                if let Some(n) = doc.child(self.0, "maxMemory") {
                    doc.set_attr(n, "slots", &slots.to_string());
                }
            }
            None => doc.remove_children(self.0, "maxMemory"),
        }
    }

    /// The `slots` of `<maxMemory>`.
    pub fn max_memory_slots(self, d: &impl AsRef<Document>) -> Result<Option<u32>, Error> {
        let doc = d.as_ref();
        match doc.child(self.0, "maxMemory") {
            Some(n) => doc.attr_parse(n, "slots"),
            None => Ok(None),
        }
    }

    fn sub<T>(self, d: &impl AsRef<Document>, name: &str, wrap: fn(NodeId) -> T) -> Option<T> {
        d.as_ref().child(self.0, name).map(wrap)
    }

    fn ensure<T>(self, d: &mut impl AsMut<Document>, name: &str, wrap: fn(NodeId) -> T) -> T {
        wrap(d.as_mut().ensure_child(self.0, name, DOMAIN_ORDER))
    }

    /// The `<os>` element.
    pub fn os(self, d: &impl AsRef<Document>) -> Option<Os> {
        self.sub(d, "os", Os)
    }

    /// The `<os>` element, created if missing.
    pub fn ensure_os(self, d: &mut impl AsMut<Document>) -> Os {
        self.ensure(d, "os", Os)
    }

    /// The `<cpu>` element.
    pub fn cpu(self, d: &impl AsRef<Document>) -> Option<Cpu> {
        self.sub(d, "cpu", Cpu)
    }

    /// The `<cpu>` element, created if missing.
    pub fn ensure_cpu(self, d: &mut impl AsMut<Document>) -> Cpu {
        self.ensure(d, "cpu", Cpu)
    }

    /// The `<cputune>` element.
    pub fn cputune(self, d: &impl AsRef<Document>) -> Option<CpuTune> {
        self.sub(d, "cputune", CpuTune)
    }

    /// The `<cputune>` element, created if missing.
    pub fn ensure_cputune(self, d: &mut impl AsMut<Document>) -> CpuTune {
        self.ensure(d, "cputune", CpuTune)
    }

    /// The `<numatune>` element.
    pub fn numatune(self, d: &impl AsRef<Document>) -> Option<NumaTune> {
        self.sub(d, "numatune", NumaTune)
    }

    /// The `<numatune>` element, created if missing.
    pub fn ensure_numatune(self, d: &mut impl AsMut<Document>) -> NumaTune {
        self.ensure(d, "numatune", NumaTune)
    }

    /// The `<features>` element.
    pub fn features(self, d: &impl AsRef<Document>) -> Option<Features> {
        self.sub(d, "features", Features)
    }

    /// The `<features>` element, created if missing.
    pub fn ensure_features(self, d: &mut impl AsMut<Document>) -> Features {
        self.ensure(d, "features", Features)
    }

    /// The `<clock>` element.
    pub fn clock(self, d: &impl AsRef<Document>) -> Option<Clock> {
        self.sub(d, "clock", Clock)
    }

    /// The `<clock>` element, created if missing.
    pub fn ensure_clock(self, d: &mut impl AsMut<Document>) -> Clock {
        self.ensure(d, "clock", Clock)
    }

    /// The `<devices>` element.
    pub fn devices(self, d: &impl AsRef<Document>) -> Option<Devices> {
        self.sub(d, "devices", Devices)
    }

    /// The `<devices>` element, created if missing.
    pub fn ensure_devices(self, d: &mut impl AsMut<Document>) -> Devices {
        self.ensure(d, "devices", Devices)
    }
}

impl DomainXml {
    /// The domain's name.
    pub fn name(&self) -> Option<Cow<'_, str>> {
        self.root().name(self)
    }
}

/// Checks text a user typed before it is sent to the daemon: well-formed XML, a
/// `<domain>` root with a `type`, a non-empty `<name>` and a readable `<memory>`.
pub fn validate_domain(text: &str) -> Result<DomainXml, Error> {
    let xml = DomainXml::parse(text)?;
    let doc = xml.doc();
    let root = doc.root();
    match doc.attr(root, "type") {
        Some(t) if !t.trim().is_empty() => {}
        _ => return Err(doc.missing(root, "<domain> needs a type attribute (such as type='kvm')")),
    }
    let name = require(doc, root, "name")?;
    if doc.text(name).trim().is_empty() {
        return Err(doc.invalid(name, "<name> is empty"));
    }
    require(doc, root, "memory")?;
    xml.root().memory(&xml)?;
    Ok(xml)
}
