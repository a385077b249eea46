//! Host devices (`virsh nodedev-dumpxml`): PCI, USB, network and other devices.

use std::borrow::Cow;

use crate::tree::{Document, NodeId};
use crate::view::{handle, typed_doc};

typed_doc!(
    /// A node device document.
    NodeDeviceXml,
    NodeDevice,
    "device"
);

handle!(
    /// The `<device>` element.
    NodeDevice
);

impl NodeDevice {
    /// The device name (`pci_0000_00_01_0`).
    pub fn name<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        d.as_ref().child_text(self.0, "name")
    }

    /// The sysfs path.
    pub fn path<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        d.as_ref().child_text(self.0, "path")
    }

    /// The parent device name.
    pub fn parent<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        d.as_ref().child_text(self.0, "parent")
    }

    /// The host driver bound to the device.
    pub fn driver<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.find(self.0, "driver/name").map(|n| doc.text(n))
    }

    /// The capability types (`pci`, `net`, `usb_device`, `system`...).
    pub fn capability_types(self, d: &impl AsRef<Document>) -> Vec<String> {
        let doc = d.as_ref();
        doc.elements_named(self.0, "capability")
            .filter_map(|c| doc.attr(c, "type").map(Cow::into_owned))
            .collect()
    }

    /// The `<capability type=...>` element of one type.
    pub fn capability(self, d: &impl AsRef<Document>, kind: &str) -> Option<NodeId> {
        let doc = d.as_ref();
        doc.elements_named(self.0, "capability")
            .find(|&c| doc.attr(c, "type").as_deref() == Some(kind))
    }

    /// For a network device: the interface name and MAC address.
    pub fn net_interface(self, d: &impl AsRef<Document>) -> Option<(String, Option<String>)> {
        let doc = d.as_ref();
        let c = self.capability(d, "net")?;
        let name = doc.child_text(c, "interface")?.into_owned();
        Some((name, doc.child_text(c, "address").map(Cow::into_owned)))
    }

    /// For a PCI or USB device: (vendor id, product id, vendor name, product name).
    pub fn ids(self, d: &impl AsRef<Document>) -> Option<DeviceIds> {
        let doc = d.as_ref();
        let c = self
            .capability(d, "pci")
            .or_else(|| self.capability(d, "usb_device"))?;
        let vendor = doc.child(c, "vendor")?;
        let product = doc.child(c, "product")?;
        let name = |n| Some(doc.text(n).trim().to_owned()).filter(|s| !s.is_empty());
        Some(DeviceIds {
            vendor_id: doc.attr(vendor, "id")?.into_owned(),
            product_id: doc.attr(product, "id")?.into_owned(),
            vendor_name: name(vendor),
            product_name: name(product),
        })
    }

    /// For a PCI device: its address as `domain:bus:slot.function` in hex (`0000:00:01.0`).
    pub fn pci_address(self, d: &impl AsRef<Document>) -> Option<String> {
        let doc = d.as_ref();
        let c = self.capability(d, "pci")?;
        let num = |n: &str| -> Option<u32> { doc.child_text(c, n)?.trim().parse().ok() };
        Some(format!(
            "{:04x}:{:02x}:{:02x}.{:x}",
            num("domain")?,
            num("bus")?,
            num("slot")?,
            num("function")?
        ))
    }
}

/// Vendor and product of a PCI or USB device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceIds {
    /// Vendor id (`0x1af4`).
    pub vendor_id: String,
    /// Product id.
    pub product_id: String,
    /// Vendor name, when the host knows it.
    pub vendor_name: Option<String>,
    /// Product name, when the host knows it.
    pub product_name: Option<String>,
}
