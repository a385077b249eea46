//! `<disk>`: where a disk's data comes from, how the guest sees it, and driver options.

use std::borrow::Cow;

use crate::error::Error;
use crate::tree::Document;
use crate::view::{attr_str, child_attr, child_flag, child_text, handle};

const DISK_ORDER: &[&str] = &[
    "driver",
    "source",
    "backingStore",
    "geometry",
    "blockio",
    "target",
    "iotune",
    "boot",
    "readonly",
    "shareable",
    "transient",
    "serial",
    "wwn",
    "vendor",
    "product",
    "encryption",
    "alias",
    "address",
];

/// Where a disk's data comes from; also sets the disk's `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiskSource {
    /// `type='file'`: `<source file=.../>`.
    File(String),
    /// `type='block'`: `<source dev=.../>`.
    Block(String),
    /// `type='dir'`: `<source dir=.../>`.
    Dir(String),
    /// `type='volume'`: a volume of a storage pool.
    Volume {
        /// The pool name.
        pool: String,
        /// The volume name.
        volume: String,
    },
    /// `type='network'`: `<source protocol=... name=...><host name port/></source>`.
    Network {
        /// `nbd`, `iscsi`, `rbd`, `http`...
        protocol: String,
        /// The export, image or path name.
        name: Option<String>,
        /// Hosts: (name, port).
        hosts: Vec<(String, Option<u16>)>,
    },
    /// No medium (an empty CD-ROM drive).
    Empty,
}

handle!(
    /// A `<disk>` device.
    Disk
);

impl Disk {
    attr_str!(disk_type, set_disk_type, "type");
    attr_str!(device, set_device, "device");
    child_attr!(driver_name, set_driver_name, "driver", "name", DISK_ORDER);
    child_attr!(driver_type, set_driver_type, "driver", "type", DISK_ORDER);
    child_attr!(
        driver_cache,
        set_driver_cache,
        "driver",
        "cache",
        DISK_ORDER
    );
    child_attr!(driver_io, set_driver_io, "driver", "io", DISK_ORDER);
    child_attr!(
        driver_discard,
        set_driver_discard,
        "driver",
        "discard",
        DISK_ORDER
    );
    child_attr!(target_dev, set_target_dev, "target", "dev", DISK_ORDER);
    child_attr!(target_bus, set_target_bus, "target", "bus", DISK_ORDER);
    child_flag!(readonly, set_readonly, "readonly", DISK_ORDER);
    child_flag!(shareable, set_shareable, "shareable", DISK_ORDER);
    child_text!(serial, set_serial, "serial", DISK_ORDER);

    /// The `<boot order=...>` of this disk.
    pub fn boot_order(self, d: &impl AsRef<Document>) -> Result<Option<u32>, Error> {
        let doc = d.as_ref();
        match doc.child(self.0, "boot") {
            Some(b) => doc.attr_parse(b, "order"),
            None => Ok(None),
        }
    }

    /// Sets `<boot order=...>`; `None` removes it.
    pub fn set_boot_order(self, d: &mut impl AsMut<Document>, order: Option<u32>) {
        let doc = d.as_mut();
        match order {
            Some(o) => {
                let b = doc.ensure_child(self.0, "boot", DISK_ORDER);
                doc.set_attr(b, "order", &o.to_string());
            }
            None => doc.remove_children(self.0, "boot"),
        }
    }

    /// The path shown to people: file, device, directory, `pool/volume` or network name.
    pub fn source_path<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        let s = doc.child(self.0, "source")?;
        ["file", "dev", "dir", "name"]
            .iter()
            .find_map(|a| doc.attr(s, a))
            .or_else(|| {
                let pool = doc.attr(s, "pool")?;
                let vol = doc.attr(s, "volume")?;
                Some(Cow::Owned(format!("{pool}/{vol}")))
            })
    }

    /// Where the data comes from, by the disk's `type`.
    pub fn source(self, d: &impl AsRef<Document>) -> Result<DiskSource, Error> {
        let doc = d.as_ref();
        let Some(s) = doc.child(self.0, "source") else {
            return Ok(DiskSource::Empty);
        };
        let get = |name: &str| doc.attr(s, name).map(Cow::into_owned);
        let need =
            |name: &str| get(name).ok_or_else(|| doc.missing(s, format!("<source> has no {name}")));
        let kind = doc.attr(self.0, "type").unwrap_or(Cow::Borrowed("file"));
        Ok(match kind.as_ref() {
            "file" => get("file").map_or(DiskSource::Empty, DiskSource::File),
            "block" => DiskSource::Block(need("dev")?),
            "dir" => DiskSource::Dir(need("dir")?),
            "volume" => DiskSource::Volume {
                pool: need("pool")?,
                volume: need("volume")?,
            },
            "network" => DiskSource::Network {
                protocol: need("protocol")?,
                name: get("name"),
                hosts: doc
                    .elements_named(s, "host")
                    .map(|h| {
                        let name = doc.attr(h, "name").map(Cow::into_owned).unwrap_or_default();
                        Ok((name, doc.attr_parse(h, "port")?))
                    })
                    .collect::<Result<_, Error>>()?,
            },
            other => return Err(doc.invalid(self.0, format!("unsupported disk type '{other}'"))),
        })
    }

    /// Points the disk at `source`, changing `type` as needed. When the kind stays the
    /// same only the changed attribute is rewritten.
    pub fn set_source(self, d: &mut impl AsMut<Document>, source: &DiskSource) {
        let doc = d.as_mut();
        let (kind, attrs): (&str, Vec<(&str, &str)>) = match source {
            DiskSource::File(p) => ("file", vec![("file", p)]),
            DiskSource::Block(p) => ("block", vec![("dev", p)]),
            DiskSource::Dir(p) => ("dir", vec![("dir", p)]),
            DiskSource::Volume { pool, volume } => {
                ("volume", vec![("pool", pool), ("volume", volume)])
            }
            DiskSource::Network { protocol, name, .. } => {
                let mut v = vec![("protocol", protocol.as_str())];
                if let Some(n) = name {
                    v.push(("name", n));
                }
                ("network", v)
            }
            DiskSource::Empty => {
                doc.remove_children(self.0, "source");
                return;
            }
        };
        let same_kind = doc.attr(self.0, "type").as_deref() == Some(kind);
        if !same_kind {
            doc.set_attr(self.0, "type", kind);
            doc.remove_children(self.0, "source");
        }
        let s = doc.ensure_child(self.0, "source", DISK_ORDER);
        for (name, value) in attrs {
            doc.set_attr(s, name, value);
        }
        if let DiskSource::Network { hosts, .. } = source {
            let old: Vec<_> = doc.elements_named(s, "host").collect();
            let same = old.len() == hosts.len()
                && old.iter().zip(hosts).all(|(&h, (name, port))| {
                    doc.attr(h, "name").as_deref() == Some(name.as_str())
                        && doc.attr(h, "port").map(|p| p.into_owned())
                            == port.map(|p| p.to_string())
                });
            if !same {
                old.into_iter().for_each(|h| doc.remove(h));
                for (name, port) in hosts {
                    let h = doc.append_element(s, "host");
                    doc.set_attr(h, "name", name);
                    if let Some(p) = port {
                        doc.set_attr(h, "port", &p.to_string());
                    }
                }
            }
        }
    }
}
