//! Host USB and PCI devices to pass through: read once from the host's node device list, shown
//! by vendor and product, grouped by kind and filtered by a search, and added to the VM as
//! `<hostdev>`.

use adw::prelude::*;
use virt_client::Connection;
use virt_xml::domain::Device;
use virt_xml::{DomainXml, NodeDeviceXml};

use super::rows;
use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx};
use crate::i18n::{gettext, gettext_f};
use crate::ui::wizard::finish_message as message;

/// `VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV`.
const CAP_PCI: u32 = 1 << 1;
/// `VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV`.
const CAP_USB: u32 = 1 << 2;

/// A host device that can be passed through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostDevice {
    /// Whether it is a USB device (else PCI).
    pub usb: bool,
    /// What [`HardwareEditorMsg::AddHostdev`](super::HardwareEditorMsg::AddHostdev) takes:
    /// USB `vendor:product`, PCI `domain:bus:slot.function`.
    pub id: String,
    /// The product's name (or its id).
    pub title: String,
    /// The vendor's name and the device's id.
    pub detail: String,
}

fn hex4(id: &str) -> String {
    id.trim_start_matches("0x").to_owned()
}

/// Reads one device; `None` when it is not a USB or PCI device with ids.
pub fn describe(xml: &str) -> Option<HostDevice> {
    let doc = NodeDeviceXml::parse(xml).ok()?;
    let dev = doc.root();
    let ids = dev.ids(&doc)?;
    let pci = dev.pci_address(&doc);
    let usb = pci.is_none();
    let id = match &pci {
        Some(a) => a.clone(),
        None => format!("{}:{}", hex4(&ids.vendor_id), hex4(&ids.product_id)),
    };
    let pair = format!("{}:{}", hex4(&ids.vendor_id), hex4(&ids.product_id));
    let title = ids
        .product_name
        .clone()
        .unwrap_or_else(|| gettext_f("Device {}", &[&pair]));
    let vendor = ids.vendor_name.unwrap_or_else(|| gettext("Unknown vendor"));
    let detail = if usb {
        format!("{vendor} · {pair}")
    } else {
        format!("{vendor} · {pair} · {id}")
    };
    Some(HostDevice {
        usb,
        id,
        title,
        detail,
    })
}

/// The [`HostDevice::id`] a `<hostdev>` of the VM refers to.
pub fn id_of(doc: &DomainXml, dev: Device) -> Option<String> {
    let h = dev.as_hostdev(doc)?;
    if let Some([d, b, s, f]) = h.pci_address(doc) {
        let n = |v: &str| u32::from_str_radix(v.trim_start_matches("0x"), 16).ok();
        return Some(format!(
            "{:04x}:{:02x}:{:02x}.{:x}",
            n(&d)?,
            n(&b)?,
            n(&s)?,
            n(&f)?
        ));
    }
    let (v, p) = h.usb_ids(doc)?;
    Some(format!("{}:{}", hex4(&v), hex4(&p)))
}

/// The host's USB and PCI devices, USB first.
pub async fn list(conn: &Connection) -> Result<Vec<HostDevice>, String> {
    let mut out = Vec::new();
    for cap in [CAP_USB, CAP_PCI] {
        let mut names = conn
            .list_all_node_devices(cap)
            .await
            .map_err(|e| message(&e))?;
        names.sort();
        for name in names {
            // A device unplugged meanwhile is simply left out.
            if let Ok(xml) = conn.node_device_xml(&name).await
                && let Some(d) = describe(&xml)
            {
                out.push(d);
            }
        }
    }
    Ok(out)
}

/// The group listing host devices by kind, each with an Add button.
pub fn group(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesGroup {
    let g = rows::group(
        &gettext("Pass Through a Host Device"),
        m.active
            .then(|| gettext("Added devices take effect after a restart."))
            .as_deref(),
    );
    let list = match m.host_devices.as_ref() {
        None => {
            rows::info(&g, &gettext("Host devices"), &gettext("Reading…"));
            return g;
        }
        Some(Err(e)) => {
            rows::info(&g, &gettext("The host’s devices could not be read"), e);
            return g;
        }
        Some(Ok(list)) => list,
    };
    let search = gtk::SearchEntry::new();
    search.set_placeholder_text(Some(&gettext("Filter by name or id")));
    search.set_valign(gtk::Align::Center);
    crate::ui::a11y::name(&search, &gettext("Filter by name or id"));
    g.set_header_suffix(Some(&search));
    let mut shown: Vec<(adw::ActionRow, String)> = Vec::new();
    for (usb, title) in [
        (true, gettext("USB devices")),
        (false, gettext("PCI devices")),
    ] {
        let devs: Vec<&HostDevice> = list.iter().filter(|d| d.usb == usb).collect();
        let ex = adw::ExpanderRow::new();
        ex.set_title(&title);
        ex.set_subtitle(&if devs.is_empty() {
            gettext("None on this host")
        } else {
            gettext_f("{} on this host", &[&devs.len().to_string()])
        });
        ex.set_sensitive(!devs.is_empty());
        for d in devs {
            let row = adw::ActionRow::new();
            row.set_title(&gtk::glib::markup_escape_text(&d.title));
            row.set_subtitle(&gtk::glib::markup_escape_text(&d.detail));
            let id = d.id.clone();
            row.add_suffix(&rows::button(&gettext("Add"), tx, move || {
                Msg::AddHostdev(id.clone())
            }));
            ex.add_row(&row);
            shown.push((row, format!("{} {}", d.title, d.detail).to_lowercase()));
        }
        g.add(&ex);
    }
    search.connect_search_changed(move |s| {
        let needle = s.text().to_lowercase();
        for (row, text) in &shown {
            row.set_visible(text.contains(needle.trim()));
        }
    });
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pci_and_usb_devices_are_named_and_addressed() {
        let pci = "<device><name>pci_0000_00_1f_2</name><capability type='pci'><domain>0</domain><bus>0</bus><slot>31</slot><function>2</function><product id='0x2922'>SATA Controller</product><vendor id='0x8086'>Intel Corporation</vendor></capability></device>";
        let d = describe(pci).expect("pci");
        assert!(!d.usb);
        assert_eq!(d.id, "0000:00:1f.2");
        assert_eq!(d.title, "SATA Controller");
        assert!(d.detail.contains("Intel Corporation · 8086:2922"));
        let usb = "<device><name>usb_1_2</name><capability type='usb_device'><bus>1</bus><device>2</device><product id='0x0001'/><vendor id='0x1d6b'>Linux Foundation</vendor></capability></device>";
        let d = describe(usb).expect("usb");
        assert!(d.usb);
        assert_eq!(d.id, "1d6b:0001");
        assert_eq!(d.title, "Device 1d6b:0001");
        let vm = DomainXml::parse("<domain><devices><hostdev mode='subsystem' type='pci'><source><address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/></source></hostdev><hostdev mode='subsystem' type='usb'><source><vendor id='0x1d6b'/><product id='0x0001'/></source></hostdev></devices></domain>").expect("vm");
        let devs = vm.root().devices(&vm).expect("devices").all(&vm);
        assert_eq!(id_of(&vm, devs[0]).as_deref(), Some("0000:00:1f.2"));
        assert_eq!(id_of(&vm, devs[1]).as_deref(), Some("1d6b:0001"));
        let net = "<device><name>net_lo</name><capability type='net'><interface>lo</interface></capability></device>";
        assert_eq!(describe(net), None);
    }
}
