//! `<interface>`: a network card and what it is connected to.

use std::borrow::Cow;

use crate::error::Error;
use crate::tree::Document;
use crate::view::{attr_str, child_attr, handle};

const IFACE_ORDER: &[&str] = &[
    "mac",
    "source",
    "virtualport",
    "ip",
    "route",
    "script",
    "backenddomain",
    "target",
    "guest",
    "model",
    "driver",
    "backend",
    "filterref",
    "tune",
    "teaming",
    "link",
    "mtu",
    "bandwidth",
    "vlan",
    "coalesce",
    "boot",
    "rom",
    "alias",
    "address",
];

/// What an interface is connected to; also sets the interface's `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InterfaceSource {
    /// `type='network'`: a libvirt virtual network.
    Network(String),
    /// `type='bridge'`: a host bridge.
    Bridge(String),
    /// `type='user'`: user-mode networking (no source).
    User,
    /// `type='direct'`: macvtap on a host device with a mode (`vepa`, `bridge`...).
    Direct {
        /// The host device.
        dev: String,
        /// The macvtap mode.
        mode: Option<String>,
    },
}

handle!(
    /// An `<interface>` device.
    Interface
);

impl Interface {
    attr_str!(interface_type, set_interface_type, "type");
    child_attr!(mac, set_mac, "mac", "address", IFACE_ORDER);
    child_attr!(model, set_model, "model", "type", IFACE_ORDER);
    child_attr!(link_state, set_link_state, "link", "state", IFACE_ORDER);
    child_attr!(target_dev, set_target_dev, "target", "dev", IFACE_ORDER);

    /// Whether the link is up (the default when `<link>` is absent).
    pub fn link_up(self, d: &impl AsRef<Document>) -> bool {
        self.link_state(d).as_deref() != Some("down")
    }

    /// What the interface is connected to.
    pub fn source(self, d: &impl AsRef<Document>) -> Result<InterfaceSource, Error> {
        let doc = d.as_ref();
        let kind = doc.attr(self.0, "type").unwrap_or(Cow::Borrowed(""));
        let src = doc.child(self.0, "source");
        let need = |name: &str| -> Result<String, Error> {
            src.and_then(|s| doc.attr(s, name))
                .map(Cow::into_owned)
                .ok_or_else(|| {
                    doc.missing(
                        src.unwrap_or(self.0),
                        format!("interface source has no {name}"),
                    )
                })
        };
        Ok(match kind.as_ref() {
            "network" => InterfaceSource::Network(need("network")?),
            "bridge" => InterfaceSource::Bridge(need("bridge")?),
            "user" => InterfaceSource::User,
            "direct" => InterfaceSource::Direct {
                dev: need("dev")?,
                mode: src.and_then(|s| doc.attr(s, "mode")).map(Cow::into_owned),
            },
            other => {
                return Err(doc.invalid(self.0, format!("unsupported interface type '{other}'")));
            }
        })
    }

    /// Connects the interface to `source`; only what differs is rewritten.
    pub fn set_source(self, d: &mut impl AsMut<Document>, source: &InterfaceSource) {
        let doc = d.as_mut();
        let (kind, attrs): (&str, Vec<(&str, &str)>) = match source {
            InterfaceSource::Network(n) => ("network", vec![("network", n)]),
            InterfaceSource::Bridge(b) => ("bridge", vec![("bridge", b)]),
            InterfaceSource::User => ("user", vec![]),
            InterfaceSource::Direct { dev, mode } => {
                let mut v = vec![("dev", dev.as_str())];
                if let Some(m) = mode {
                    v.push(("mode", m));
                }
                ("direct", v)
            }
        };
        if doc.attr(self.0, "type").as_deref() != Some(kind) {
            doc.set_attr(self.0, "type", kind);
            doc.remove_children(self.0, "source");
        }
        if attrs.is_empty() {
            return;
        }
        let s = doc.ensure_child(self.0, "source", IFACE_ORDER);
        for (name, value) in attrs {
            doc.set_attr(s, name, value);
        }
    }
}
