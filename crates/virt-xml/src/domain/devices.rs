//! The `<devices>` list: a generic device view with its kind, adding and removing devices.

use std::borrow::Cow;

use super::simple::{
    Chardev, Controller, Filesystem, Hostdev, Input, Memballoon, Rng, Sound, Tpm, Video, Watchdog,
};
use super::{Disk, Graphics, Interface};
use crate::error::Error;
use crate::tree::{Document, NodeId};
use crate::view::{attr_str, handle};

/// The order libvirt writes devices in; new devices of a kind not present yet go by it.
pub const DEVICE_ORDER: &[&str] = &[
    "emulator",
    "disk",
    "controller",
    "lease",
    "filesystem",
    "interface",
    "smartcard",
    "serial",
    "parallel",
    "console",
    "channel",
    "input",
    "tpm",
    "graphics",
    "sound",
    "audio",
    "video",
    "hostdev",
    "redirdev",
    "redirfilter",
    "hub",
    "watchdog",
    "memballoon",
    "rng",
    "panic",
    "shmem",
    "memory",
    "iommu",
    "vsock",
    "crypto",
    "pstore",
];

/// What kind of device an element of `<devices>` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeviceKind {
    /// `<emulator>` (the emulator binary, not a device proper).
    Emulator,
    /// `<disk>`.
    Disk,
    /// `<controller>`.
    Controller,
    /// `<filesystem>`.
    Filesystem,
    /// `<interface>`.
    Interface,
    /// `<serial>`.
    Serial,
    /// `<parallel>`.
    Parallel,
    /// `<console>`.
    Console,
    /// `<channel>`.
    Channel,
    /// `<input>`.
    Input,
    /// `<tpm>`.
    Tpm,
    /// `<graphics>`.
    Graphics,
    /// `<sound>`.
    Sound,
    /// `<audio>`.
    Audio,
    /// `<video>`.
    Video,
    /// `<hostdev>`.
    Hostdev,
    /// `<redirdev>`.
    Redirdev,
    /// `<watchdog>`.
    Watchdog,
    /// `<memballoon>`.
    Memballoon,
    /// `<rng>`.
    Rng,
    /// `<panic>`.
    Panic,
    /// `<memory>` (a DIMM).
    Memory,
    /// `<vsock>`.
    Vsock,
    /// `<smartcard>`.
    Smartcard,
    /// Anything else (kept and written back untouched).
    Other,
}

impl DeviceKind {
    /// The kind named by an element name.
    pub fn from_name(name: &str) -> DeviceKind {
        use DeviceKind::*;
        match name {
            "emulator" => Emulator,
            "disk" => Disk,
            "controller" => Controller,
            "filesystem" => Filesystem,
            "interface" => Interface,
            "serial" => Serial,
            "parallel" => Parallel,
            "console" => Console,
            "channel" => Channel,
            "input" => Input,
            "tpm" => Tpm,
            "graphics" => Graphics,
            "sound" => Sound,
            "audio" => Audio,
            "video" => Video,
            "hostdev" => Hostdev,
            "redirdev" => Redirdev,
            "watchdog" => Watchdog,
            "memballoon" => Memballoon,
            "rng" => Rng,
            "panic" => Panic,
            "memory" => Memory,
            "vsock" => Vsock,
            "smartcard" => Smartcard,
            _ => Other,
        }
    }
}

handle!(
    /// The `<devices>` element.
    Devices
);

impl Devices {
    /// Every device, in document order (including `<emulator>`).
    pub fn all(self, d: &impl AsRef<Document>) -> Vec<Device> {
        d.as_ref().elements(self.0).map(Device).collect()
    }

    /// The devices of one kind.
    pub fn of_kind(self, d: &impl AsRef<Document>, kind: DeviceKind) -> Vec<Device> {
        let doc = d.as_ref();
        doc.elements(self.0)
            .filter(|&n| DeviceKind::from_name(doc.name(n)) == kind)
            .map(Device)
            .collect()
    }

    /// The emulator binary path.
    pub fn emulator<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        d.as_ref().child_text(self.0, "emulator")
    }

    /// The disks.
    pub fn disks(self, d: &impl AsRef<Document>) -> Vec<Disk> {
        self.named(d, "disk", Disk)
    }

    /// The network interfaces.
    pub fn interfaces(self, d: &impl AsRef<Document>) -> Vec<Interface> {
        self.named(d, "interface", Interface)
    }

    /// The graphics displays.
    pub fn graphics(self, d: &impl AsRef<Document>) -> Vec<Graphics> {
        self.named(d, "graphics", Graphics)
    }

    fn named<T>(self, d: &impl AsRef<Document>, name: &str, wrap: fn(NodeId) -> T) -> Vec<T> {
        d.as_ref().elements_named(self.0, name).map(wrap).collect()
    }

    /// Adds a device given as XML (`<disk ...>...</disk>`): after the last device of the
    /// same kind, else where libvirt's order puts it; indented like its siblings.
    pub fn add_xml(self, d: &mut impl AsMut<Document>, xml: &str) -> Result<Device, Error> {
        let doc = d.as_mut();
        let frag = Document::parse(xml)?;
        let name = frag.name(frag.root()).to_owned();
        let last_same = doc.elements_named(self.0, &name).last();
        let before = match last_same {
            Some(l) => doc.elements_after(l).next(),
            None => {
                let (after, before) = doc.slot(self.0, &name, DEVICE_ORDER);
                match after {
                    Some(a) => doc.elements_after(a).next(),
                    None => before,
                }
            }
        };
        doc.insert_xml(self.0, xml, before).map(Device)
    }

    /// Removes a device.
    pub fn remove(self, d: &mut impl AsMut<Document>, device: Device) {
        let doc = d.as_mut();
        if doc.parent(device.0) == Some(self.0) {
            doc.remove(device.0);
        }
    }
}

handle!(
    /// Any element of `<devices>`, with accessors common to most kinds.
    Device
);

impl Device {
    attr_str!(device_type, set_device_type, "type");

    /// The kind of device.
    pub fn kind(self, d: &impl AsRef<Document>) -> DeviceKind {
        DeviceKind::from_name(d.as_ref().name(self.0))
    }

    /// The element name (`disk`, `interface`...).
    pub fn element_name(self, d: &impl AsRef<Document>) -> &str {
        d.as_ref().name(self.0)
    }

    /// The model: a `model` attribute (sound, watchdog, rng...) or `<model type=...>`
    /// (interface, video).
    pub fn model<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.attr(self.0, "model")
            .or_else(|| doc.child(self.0, "model").and_then(|m| doc.attr(m, "type")))
    }

    /// The alias libvirt gave the device on a running domain (`<alias name=...>`).
    pub fn alias<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.child(self.0, "alias").and_then(|a| doc.attr(a, "name"))
    }

    /// The attributes of `<address>` (type, domain, bus, slot, function, controller, unit...).
    pub fn address<'d>(self, d: &'d impl AsRef<Document>) -> Vec<(&'d str, Cow<'d, str>)> {
        let doc = d.as_ref();
        doc.child(self.0, "address")
            .map(|a| doc.attrs(a).collect())
            .unwrap_or_default()
    }

    /// This device as a disk.
    pub fn as_disk(self, d: &impl AsRef<Document>) -> Option<Disk> {
        (self.kind(d) == DeviceKind::Disk).then_some(Disk(self.0))
    }

    /// This device as a network interface.
    pub fn as_interface(self, d: &impl AsRef<Document>) -> Option<Interface> {
        (self.kind(d) == DeviceKind::Interface).then_some(Interface(self.0))
    }

    /// This device as a graphics display.
    pub fn as_graphics(self, d: &impl AsRef<Document>) -> Option<Graphics> {
        (self.kind(d) == DeviceKind::Graphics).then_some(Graphics(self.0))
    }

    /// This device as a serial port, console or channel.
    pub fn as_chardev(self, d: &impl AsRef<Document>) -> Option<Chardev> {
        use DeviceKind::*;
        matches!(self.kind(d), Serial | Parallel | Console | Channel).then_some(Chardev(self.0))
    }

    /// This device as a video adapter.
    pub fn as_video(self, d: &impl AsRef<Document>) -> Option<Video> {
        (self.kind(d) == DeviceKind::Video).then_some(Video(self.0))
    }

    /// This device as an input device.
    pub fn as_input(self, d: &impl AsRef<Document>) -> Option<Input> {
        (self.kind(d) == DeviceKind::Input).then_some(Input(self.0))
    }

    /// This device as a sound card.
    pub fn as_sound(self, d: &impl AsRef<Document>) -> Option<Sound> {
        (self.kind(d) == DeviceKind::Sound).then_some(Sound(self.0))
    }

    /// This device as a host device passed through.
    pub fn as_hostdev(self, d: &impl AsRef<Document>) -> Option<Hostdev> {
        (self.kind(d) == DeviceKind::Hostdev).then_some(Hostdev(self.0))
    }

    /// This device as a controller.
    pub fn as_controller(self, d: &impl AsRef<Document>) -> Option<Controller> {
        (self.kind(d) == DeviceKind::Controller).then_some(Controller(self.0))
    }

    /// This device as a memory balloon.
    pub fn as_memballoon(self, d: &impl AsRef<Document>) -> Option<Memballoon> {
        (self.kind(d) == DeviceKind::Memballoon).then_some(Memballoon(self.0))
    }

    /// This device as a random number generator.
    pub fn as_rng(self, d: &impl AsRef<Document>) -> Option<Rng> {
        (self.kind(d) == DeviceKind::Rng).then_some(Rng(self.0))
    }

    /// This device as a TPM.
    pub fn as_tpm(self, d: &impl AsRef<Document>) -> Option<Tpm> {
        (self.kind(d) == DeviceKind::Tpm).then_some(Tpm(self.0))
    }

    /// This device as a shared filesystem.
    pub fn as_filesystem(self, d: &impl AsRef<Document>) -> Option<Filesystem> {
        (self.kind(d) == DeviceKind::Filesystem).then_some(Filesystem(self.0))
    }

    /// This device as a watchdog.
    pub fn as_watchdog(self, d: &impl AsRef<Document>) -> Option<Watchdog> {
        (self.kind(d) == DeviceKind::Watchdog).then_some(Watchdog(self.0))
    }
}
