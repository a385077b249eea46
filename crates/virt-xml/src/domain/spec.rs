//! Device specs: the few choices that describe a video adapter, serial port, console, input
//! device, sound card, TPM, random number generator, watchdog, agent channel or SPICE USB
//! redirection port; as new device
//! XML, read from an existing device, and applied to one in place (changing only the
//! attributes that differ).

use super::devices::{Device, DeviceKind};
use crate::error::Error;
use crate::tree::Document;

/// Video adapter models offered.
pub const VIDEO_MODELS: &[&str] = &["virtio", "qxl", "vga", "bochs", "cirrus", "ramfb"];
/// Console target types offered.
pub const CONSOLE_TARGETS: &[&str] = &["serial", "virtio"];
/// Input device types offered.
pub const INPUT_TYPES: &[&str] = &["tablet", "mouse", "keyboard"];
/// Input buses offered.
pub const INPUT_BUSES: &[&str] = &["usb", "virtio", "ps2"];
/// Sound card models offered.
pub const SOUND_MODELS: &[&str] = &["ich9", "ich6", "ac97", "es1370", "sb16", "usb"];
/// TPM models offered.
pub const TPM_MODELS: &[&str] = &["tpm-crb", "tpm-tis"];
/// Watchdog models offered.
pub const WATCHDOG_MODELS: &[&str] = &["i6300esb", "itco", "ib700"];
/// Watchdog actions offered.
pub const WATCHDOG_ACTIONS: &[&str] = &[
    "reset",
    "shutdown",
    "poweroff",
    "pause",
    "none",
    "dump",
    "inject-nmi",
];

/// Agent channels offered, by `<channel type>`: `qemu-vdagent` (QEMU's own clipboard agent
/// end, for VNC displays), `spicevmc` (the SPICE agent, for SPICE displays), `unix` (the
/// QEMU guest agent) and `spiceport` (the WebDAV port through which a SPICE client shares a
/// folder, served in the guest by spice-webdavd).
pub const CHANNEL_TYPES: &[&str] = &["qemu-vdagent", "spicevmc", "unix", "spiceport"];

/// The virtio port name of an agent channel type.
pub fn channel_target(kind: &str) -> Option<&'static str> {
    match kind {
        "qemu-vdagent" | "spicevmc" => Some("com.redhat.spice.0"),
        "unix" => Some("org.qemu.guest_agent.0"),
        "spiceport" => Some("org.spice-space.webdav.0"),
        _ => None,
    }
}

/// A device described by a few choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceSpec {
    /// `<video><model type=.../></video>`.
    Video {
        /// One of [`VIDEO_MODELS`].
        model: String,
    },
    /// `<serial type='pty'>`.
    Serial,
    /// `<console type='pty'>` with a target type.
    Console {
        /// One of [`CONSOLE_TARGETS`].
        target: String,
    },
    /// `<input type=... bus=...>`.
    Input {
        /// One of [`INPUT_TYPES`].
        kind: String,
        /// One of [`INPUT_BUSES`].
        bus: String,
    },
    /// `<sound model=...>`.
    Sound {
        /// One of [`SOUND_MODELS`].
        model: String,
    },
    /// `<tpm model=...>` with an emulated TPM 2.0 (swtpm).
    Tpm {
        /// One of [`TPM_MODELS`].
        model: String,
    },
    /// `<rng model='virtio'>` fed from the host's `/dev/urandom`.
    Rng,
    /// `<watchdog model=... action=...>`.
    Watchdog {
        /// One of [`WATCHDOG_MODELS`].
        model: String,
        /// One of [`WATCHDOG_ACTIONS`].
        action: String,
    },
    /// An agent's virtio `<channel>`: clipboard (and more) to the guest's spice-vdagent, or
    /// the QEMU guest agent.
    Channel {
        /// One of [`CHANNEL_TYPES`].
        kind: String,
    },
    /// `<redirdev bus='usb' type='spicevmc'>`: a port through which a SPICE client gives the
    /// guest one of its USB devices.
    UsbRedirection,
}

fn check(what: &str, value: &str, allowed: &[&str]) -> Result<(), Error> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(Error::Argument(format!(
            "“{value}” is not a known {what} (use one of: {})",
            allowed.join(", ")
        )))
    }
}

impl DeviceSpec {
    /// The element name of the device.
    pub fn element(&self) -> &'static str {
        match self {
            DeviceSpec::Video { .. } => "video",
            DeviceSpec::Serial => "serial",
            DeviceSpec::Console { .. } => "console",
            DeviceSpec::Input { .. } => "input",
            DeviceSpec::Sound { .. } => "sound",
            DeviceSpec::Tpm { .. } => "tpm",
            DeviceSpec::Rng => "rng",
            DeviceSpec::Watchdog { .. } => "watchdog",
            DeviceSpec::Channel { .. } => "channel",
            DeviceSpec::UsbRedirection => "redirdev",
        }
    }

    /// Checks every choice against the lists offered (and that a tablet is not on PS/2).
    pub fn validate(&self) -> Result<(), Error> {
        match self {
            DeviceSpec::Video { model } => check("video model", model, VIDEO_MODELS),
            DeviceSpec::Serial | DeviceSpec::Rng | DeviceSpec::UsbRedirection => Ok(()),
            DeviceSpec::Console { target } => check("console type", target, CONSOLE_TARGETS),
            DeviceSpec::Input { kind, bus } => {
                check("input type", kind, INPUT_TYPES)?;
                check("input bus", bus, INPUT_BUSES)?;
                if kind == "tablet" && bus == "ps2" {
                    return Err(Error::Argument(
                        "a tablet connects by USB or virtio, not PS/2".into(),
                    ));
                }
                Ok(())
            }
            DeviceSpec::Sound { model } => check("sound model", model, SOUND_MODELS),
            DeviceSpec::Tpm { model } => check("TPM model", model, TPM_MODELS),
            DeviceSpec::Watchdog { model, action } => {
                check("watchdog model", model, WATCHDOG_MODELS)?;
                check("watchdog action", action, WATCHDOG_ACTIONS)
            }
            DeviceSpec::Channel { kind } => check("agent channel", kind, CHANNEL_TYPES),
        }
    }

    /// The XML of a new device (values are from fixed lists, so need no escaping).
    pub fn to_xml(&self) -> Result<String, Error> {
        self.validate()?;
        Ok(match self {
            DeviceSpec::Video { model } => format!("<video><model type='{model}'/></video>"),
            DeviceSpec::Serial => "<serial type='pty'/>".to_owned(),
            DeviceSpec::Console { target } => {
                format!("<console type='pty'><target type='{target}'/></console>")
            }
            DeviceSpec::Input { kind, bus } => format!("<input type='{kind}' bus='{bus}'/>"),
            DeviceSpec::Sound { model } => format!("<sound model='{model}'/>"),
            DeviceSpec::Tpm { model } => {
                format!("<tpm model='{model}'><backend type='emulator' version='2.0'/></tpm>")
            }
            DeviceSpec::Rng => {
                "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
                    .to_owned()
            }
            DeviceSpec::Watchdog { model, action } => {
                format!("<watchdog model='{model}' action='{action}'/>")
            }
            DeviceSpec::Channel { kind } => {
                let target = channel_target(kind).unwrap_or_default();
                let source = match kind.as_str() {
                    "qemu-vdagent" => "<source><clipboard copypaste='yes'/></source>",
                    "spiceport" => "<source channel='org.spice-space.webdav.0'/>",
                    _ => "",
                };
                format!(
                    "<channel type='{kind}'>{source}<target type='virtio' name='{target}'/></channel>"
                )
            }
            DeviceSpec::UsbRedirection => "<redirdev bus='usb' type='spicevmc'/>".to_owned(),
        })
    }

    /// The spec of an existing device, for the kinds described here.
    pub fn read(d: &impl AsRef<Document>, device: Device) -> Option<DeviceSpec> {
        let doc = d.as_ref();
        let n = device.node();
        let attr = |name: &str| doc.attr(n, name).map(|v| v.into_owned());
        let child_attr = |child: &str, name: &str| {
            doc.child(n, child)
                .and_then(|c| doc.attr(c, name))
                .map(|v| v.into_owned())
        };
        Some(match device.kind(d) {
            DeviceKind::Video => DeviceSpec::Video {
                model: child_attr("model", "type")?,
            },
            DeviceKind::Serial => DeviceSpec::Serial,
            DeviceKind::Console => DeviceSpec::Console {
                target: child_attr("target", "type").unwrap_or_else(|| "serial".into()),
            },
            DeviceKind::Input => DeviceSpec::Input {
                kind: attr("type")?,
                bus: attr("bus").unwrap_or_else(|| "ps2".into()),
            },
            DeviceKind::Sound => DeviceSpec::Sound {
                model: attr("model")?,
            },
            DeviceKind::Tpm => DeviceSpec::Tpm {
                model: attr("model").unwrap_or_else(|| "tpm-tis".into()),
            },
            DeviceKind::Rng => DeviceSpec::Rng,
            DeviceKind::Watchdog => DeviceSpec::Watchdog {
                model: attr("model")?,
                action: attr("action").unwrap_or_else(|| "reset".into()),
            },
            DeviceKind::Channel => {
                let kind = attr("type")?;
                let name = child_attr("target", "name")?;
                if channel_target(&kind) != Some(name.as_str()) {
                    return None;
                }
                DeviceSpec::Channel { kind }
            }
            DeviceKind::Redirdev
                if attr("type").as_deref() == Some("spicevmc")
                    && attr("bus").is_none_or(|b| b == "usb") =>
            {
                DeviceSpec::UsbRedirection
            }
            _ => return None,
        })
    }

    /// Changes `device` to match this spec, touching only what differs. A new model or bus
    /// (other than an input device's type) drops the device's `<address>` (and a video model's sizes), which libvirt assigns anew.
    pub fn apply(&self, d: &mut impl AsMut<Document>, device: Device) -> Result<(), Error> {
        self.validate()?;
        let doc = d.as_mut();
        let n = device.node();
        if doc.name(n) != self.element() {
            return Err(Error::Argument(format!(
                "a <{}> cannot be changed into a <{}>",
                doc.name(n),
                self.element()
            )));
        }
        let mut moved = false;
        let mut set = |doc: &mut Document, node, name: &str, value: &str| {
            if doc.attr(node, name).as_deref() != Some(value) {
                doc.set_attr(node, name, value);
                moved = true;
            }
        };
        match self {
            DeviceSpec::Serial | DeviceSpec::Rng | DeviceSpec::UsbRedirection => {}
            DeviceSpec::Channel { kind } => {
                if doc.attr(n, "type").as_deref() != Some(kind.as_str()) {
                    return Err(Error::Argument(
                        "a channel keeps its type: remove it and add another".into(),
                    ));
                }
            }
            DeviceSpec::Video { model } => {
                let m = doc.ensure_child(n, "model", &["driver", "model"]);
                if doc.attr(m, "type").as_deref() != Some(model.as_str()) {
                    for a in ["ram", "vram", "vram64", "vgamem"] {
                        doc.remove_attr(m, a);
                    }
                    doc.remove_children(m, "acceleration");
                }
                set(doc, m, "type", model);
            }
            DeviceSpec::Console { target } => {
                let t = doc.ensure_child(n, "target", &["source", "log", "target"]);
                if doc.attr(t, "type").as_deref() != Some(target.as_str()) {
                    doc.remove_attr(t, "port");
                }
                set(doc, t, "type", target);
            }
            DeviceSpec::Input { kind, bus } => {
                // Another type on the same bus keeps its place.
                if doc.attr(n, "type").as_deref() != Some(kind.as_str()) {
                    doc.set_attr(n, "type", kind);
                }
                set(doc, n, "bus", bus);
            }
            DeviceSpec::Sound { model } | DeviceSpec::Tpm { model } => set(doc, n, "model", model),
            DeviceSpec::Watchdog { model, action } => {
                set(doc, n, "model", model);
                // The action does not move the device.
                if doc.attr(n, "action").as_deref() != Some(action.as_str()) {
                    doc.set_attr(n, "action", action);
                }
            }
        }
        if moved {
            doc.remove_children(n, "address");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::DomainXml;

    const XML: &str = "<domain type='qemu'>\n  <name>t</name>\n  <devices>\n    <input type='mouse' bus='ps2'/>\n    <video>\n      <model type='qxl' ram='65536' vram='65536' vgamem='16384' heads='1' primary='yes'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n    </video>\n    <watchdog model='i6300esb' action='reset'>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>\n    </watchdog>\n  </devices>\n</domain>\n";

    fn devices(doc: &DomainXml) -> Vec<Device> {
        doc.root().devices(doc).unwrap().all(doc)
    }

    #[test]
    fn new_devices_are_well_formed_and_bad_choices_are_refused() {
        for spec in [
            DeviceSpec::Video {
                model: "virtio".into(),
            },
            DeviceSpec::Serial,
            DeviceSpec::Console {
                target: "virtio".into(),
            },
            DeviceSpec::Input {
                kind: "tablet".into(),
                bus: "usb".into(),
            },
            DeviceSpec::Sound {
                model: "ich9".into(),
            },
            DeviceSpec::Tpm {
                model: "tpm-crb".into(),
            },
            DeviceSpec::Rng,
            DeviceSpec::Watchdog {
                model: "i6300esb".into(),
                action: "poweroff".into(),
            },
            DeviceSpec::Channel {
                kind: "qemu-vdagent".into(),
            },
            DeviceSpec::Channel {
                kind: "spicevmc".into(),
            },
            DeviceSpec::Channel {
                kind: "unix".into(),
            },
            DeviceSpec::Channel {
                kind: "spiceport".into(),
            },
        ] {
            let xml = spec.to_xml().unwrap();
            let doc = Document::parse(&xml).unwrap();
            assert_eq!(doc.name(doc.root()), spec.element());
            let back = DeviceSpec::read(&doc, Device(doc.root())).unwrap();
            assert_eq!(back, spec, "{xml}");
        }
        let bad = DeviceSpec::Sound {
            model: "x'/><evil".into(),
        };
        assert!(matches!(bad.to_xml(), Err(Error::Argument(_))));
        let tablet = DeviceSpec::Input {
            kind: "tablet".into(),
            bus: "ps2".into(),
        };
        assert!(tablet.to_xml().unwrap_err().to_string().contains("PS/2"));
    }

    #[test]
    fn apply_changes_only_what_differs() {
        let mut doc = DomainXml::parse(XML).unwrap();
        let devs = devices(&doc);
        // Same values: nothing changes, not even the address.
        DeviceSpec::read(&doc, devs[1])
            .unwrap()
            .apply(&mut doc, devs[1])
            .unwrap();
        assert_eq!(doc.to_string(), XML);
        // A watchdog's action alone keeps its address.
        let w = DeviceSpec::Watchdog {
            model: "i6300esb".into(),
            action: "pause".into(),
        };
        w.apply(&mut doc, devs[2]).unwrap();
        assert_eq!(
            doc.to_string(),
            XML.replace("action='reset'", "action='pause'")
        );
        // A new video model drops the old sizes and the address.
        let v = DeviceSpec::Video {
            model: "virtio".into(),
        };
        v.apply(&mut doc, devs[1]).unwrap();
        let text = doc.to_string();
        assert!(
            text.contains("<model type='virtio' heads='1' primary='yes'/>"),
            "{text}"
        );
        assert!(!text.contains("slot='0x02'"), "{text}");
        assert!(text.contains("slot='0x05'"), "{text}");
        // A different kind is refused and changes nothing.
        let before = doc.to_string();
        assert!(v.apply(&mut doc, devs[0]).is_err());
        assert_eq!(doc.to_string(), before);
        let i = DeviceSpec::Input {
            kind: "keyboard".into(),
            bus: "virtio".into(),
        };
        i.apply(&mut doc, devs[0]).unwrap();
        assert!(
            doc.to_string()
                .contains("<input type='keyboard' bus='virtio'/>")
        );
    }

    #[test]
    fn agent_channels() {
        let xml = DeviceSpec::Channel {
            kind: "qemu-vdagent".into(),
        }
        .to_xml()
        .unwrap();
        assert_eq!(
            xml,
            "<channel type='qemu-vdagent'><source><clipboard copypaste='yes'/></source><target type='virtio' name='com.redhat.spice.0'/></channel>"
        );
        // Other channels (a serial-like pty channel, an agent on a foreign port) are not read
        // as agent channels.
        for other in [
            "<channel type='pty'><target type='virtio' name='org.example.0'/></channel>",
            "<channel type='unix'><target type='virtio' name='org.example.0'/></channel>",
            "<channel type='spicevmc'><target type='guestfwd'/></channel>",
            "<channel type='spiceport'><source channel='org.spice-space.stream.0'/>\
             <target type='virtio' name='org.spice-space.stream.0'/></channel>",
        ] {
            let doc = Document::parse(other).unwrap();
            assert_eq!(DeviceSpec::read(&doc, Device(doc.root())), None, "{other}");
        }
        // A channel keeps its type.
        let mut doc = Document::parse(&xml).unwrap();
        let root = doc.root();
        let spicevmc = DeviceSpec::Channel {
            kind: "spicevmc".into(),
        };
        assert!(spicevmc.apply(&mut doc, Device(root)).is_err());
        let bad = DeviceSpec::Channel { kind: "pty".into() };
        assert!(bad.to_xml().is_err());
    }

    #[test]
    fn usb_redirection_ports() {
        let xml = DeviceSpec::UsbRedirection.to_xml().unwrap();
        assert_eq!(xml, "<redirdev bus='usb' type='spicevmc'/>");
        let doc = Document::parse(&xml).unwrap();
        assert_eq!(
            DeviceSpec::read(&doc, Device(doc.root())),
            Some(DeviceSpec::UsbRedirection)
        );
        // A redirection from a TCP socket (usbredirserver) is not a SPICE port.
        let tcp = "<redirdev bus='usb' type='tcp'><source mode='connect' host='h' service='4000'/></redirdev>";
        let doc = Document::parse(tcp).unwrap();
        assert_eq!(DeviceSpec::read(&doc, Device(doc.root())), None);
    }
}
