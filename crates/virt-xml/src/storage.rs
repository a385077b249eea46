//! Storage pools and volumes (`virsh pool-dumpxml`, `vol-dumpxml`).

use std::borrow::Cow;

use crate::error::Error;
use crate::tree::Document;
use crate::units::{Size, Unit};
use crate::view::{attr_str, child_attr, child_text, handle, typed_doc};

typed_doc!(
    /// A storage pool document.
    PoolXml,
    Pool,
    "pool"
);

typed_doc!(
    /// A storage volume document.
    VolumeXml,
    Volume,
    "volume"
);

handle!(
    /// The `<pool>` element.
    Pool
);

handle!(
    /// The `<volume>` element.
    Volume
);

const POOL_ORDER: &[&str] = &[
    "name",
    "uuid",
    "capacity",
    "allocation",
    "available",
    "features",
    "source",
    "target",
];
const VOLUME_ORDER: &[&str] = &[
    "name",
    "key",
    "source",
    "capacity",
    "allocation",
    "physical",
    "target",
    "backingStore",
];

fn size(doc: &Document, n: crate::tree::NodeId, name: &str) -> Result<Option<Size>, Error> {
    let Some(c) = doc.child(n, name) else {
        return Ok(None);
    };
    Size::parse(&doc.text(c), doc.attr(c, "unit").as_deref(), Unit::Bytes)
        .map(Some)
        .map_err(|e| doc.invalid(c, format!("<{name}>: {}", e.message())))
}

fn set_size(doc: &mut Document, n: crate::tree::NodeId, name: &str, order: &[&str], s: Size) {
    let c = doc.ensure_child(n, name, order);
    doc.set_text(c, &s.value.to_string());
    if doc.attr(c, "unit").and_then(|u| u.parse::<Unit>().ok()) != Some(s.unit) {
        doc.set_attr(c, "unit", s.unit.as_str());
    }
}

impl Pool {
    attr_str!(pool_type, set_pool_type, "type");
    child_text!(name, set_name, "name", POOL_ORDER);
    child_text!(uuid, set_uuid, "uuid", POOL_ORDER);

    /// Total size (default unit bytes).
    pub fn capacity(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        size(d.as_ref(), self.0, "capacity")
    }

    /// Space used.
    pub fn allocation(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        size(d.as_ref(), self.0, "allocation")
    }

    /// Space free.
    pub fn available(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        size(d.as_ref(), self.0, "available")
    }

    /// The target path (a directory for `dir` pools).
    pub fn target_path<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.find(self.0, "target/path").map(|p| doc.text(p))
    }

    /// Sets the target path.
    pub fn set_target_path(self, d: &mut impl AsMut<Document>, path: &str) {
        let doc = d.as_mut();
        let t = doc.ensure_child(self.0, "target", POOL_ORDER);
        let p = doc.ensure_child(t, "path", &["path", "permissions"]);
        doc.set_text(p, path);
    }

    /// The source device, host or directory name, whichever the pool type uses.
    pub fn source_summary<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        let s = doc.child(self.0, "source")?;
        [("device", "path"), ("dir", "path"), ("host", "name")]
            .iter()
            .find_map(|(el, at)| doc.child(s, el).and_then(|c| doc.attr(c, at)))
            .or_else(|| doc.child_text(s, "name"))
    }
}

impl Volume {
    attr_str!(volume_type, set_volume_type, "type");
    child_text!(name, set_name, "name", VOLUME_ORDER);
    child_text!(key, set_key, "key", VOLUME_ORDER);

    /// The size the guest sees.
    pub fn capacity(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        size(d.as_ref(), self.0, "capacity")
    }

    /// Sets the capacity.
    pub fn set_capacity(self, d: &mut impl AsMut<Document>, s: Size) {
        set_size(d.as_mut(), self.0, "capacity", VOLUME_ORDER, s)
    }

    /// Space used on the host.
    pub fn allocation(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        size(d.as_ref(), self.0, "allocation")
    }

    /// Sets the allocation (`0` for a sparse volume).
    pub fn set_allocation(self, d: &mut impl AsMut<Document>, s: Size) {
        set_size(d.as_mut(), self.0, "allocation", VOLUME_ORDER, s)
    }

    /// The file size on the host.
    pub fn physical(self, d: &impl AsRef<Document>) -> Result<Option<Size>, Error> {
        size(d.as_ref(), self.0, "physical")
    }

    /// The path of the volume on the host.
    pub fn target_path<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.find(self.0, "target/path").map(|p| doc.text(p))
    }

    /// The image format (`raw`, `qcow2`).
    pub fn format<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.find(self.0, "target/format")
            .and_then(|f| doc.attr(f, "type"))
    }

    /// Sets the image format.
    pub fn set_format(self, d: &mut impl AsMut<Document>, format: &str) {
        let doc = d.as_mut();
        let t = doc.ensure_child(self.0, "target", VOLUME_ORDER);
        let f = doc.ensure_child(t, "format", &["path", "format", "permissions"]);
        doc.set_attr(f, "type", format);
    }

    /// The path of the backing image, when the volume has one.
    pub fn backing_path<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.find(self.0, "backingStore/path").map(|p| doc.text(p))
    }

    /// Makes the volume an overlay on the image at `path` in format `format`.
    pub fn set_backing_store(self, d: &mut impl AsMut<Document>, path: &str, format: &str) {
        let doc = d.as_mut();
        let b = doc.ensure_child(self.0, "backingStore", VOLUME_ORDER);
        let p = doc.ensure_child(b, "path", &["path", "format", "permissions"]);
        doc.set_text(p, path);
        let f = doc.ensure_child(b, "format", &["path", "format", "permissions"]);
        doc.set_attr(f, "type", format);
    }

    child_attr!(
        backing_format,
        set_backing_format,
        "backingStore",
        "format",
        VOLUME_ORDER
    );
}
