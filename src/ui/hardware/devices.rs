//! Other devices: the display (its own module), a list of every other device
//! (video, serial, input, sound, TPM, RNG, watchdog, controllers, host devices) with editing
//! and removal, adding devices, and host USB/PCI devices to pass through.

use adw::prelude::*;
use virt_xml::DomainXml;
use virt_xml::domain::{Device, DeviceKind, DeviceSpec};

use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx};
use super::{device_form, display, hostdevs, rows};
use crate::i18n::gettext;

/// Every device other than disks, interfaces and graphics, in document order.
pub fn others(doc: &DomainXml) -> Vec<Device> {
    doc.root()
        .devices(doc)
        .map(|d| d.all(doc))
        .unwrap_or_default()
        .into_iter()
        .filter(|d| {
            !matches!(
                d.kind(doc),
                DeviceKind::Disk | DeviceKind::Interface | DeviceKind::Graphics
            ) && d.element_name(doc) != "emulator"
        })
        .collect()
}

fn other(doc: &DomainXml, i: usize) -> Result<Device, String> {
    others(doc)
        .get(i)
        .copied()
        .ok_or_else(|| gettext("That device is gone."))
}

/// Removes the device at index `i` of [`others`]; its XML and spec, for hot-unplugging. The
/// XML leaves out the address, which the running VM may have given the device differently
/// (when it was hot-plugged), so libvirt finds it by its model and back-end.
pub fn remove(doc: &mut DomainXml, i: usize) -> Result<(String, Option<DeviceSpec>), String> {
    let dev = other(doc, i)?;
    let mut fragment = virt_xml::Document::parse(&dev.to_xml(doc)).map_err(|e| e.to_string())?;
    let root = fragment.root();
    fragment.remove_children(root, "address");
    let xml = fragment.to_string();
    let spec = DeviceSpec::read(doc, dev);
    let devices = doc.root().ensure_devices(doc);
    devices.remove(doc, dev);
    Ok((xml, spec))
}

/// The choices the forms offer but libvirt cannot use together.
fn check(spec: &DeviceSpec) -> Result<(), String> {
    if let DeviceSpec::Input { kind, bus } = spec
        && kind == "tablet"
        && bus == "ps2"
    {
        return Err(gettext("A tablet connects by USB or VirtIO, not PS/2."));
    }
    Ok(())
}

/// Adds a device described by `spec`; its XML for hot-plugging.
pub fn add(doc: &mut DomainXml, spec: &DeviceSpec) -> Result<String, String> {
    check(spec)?;
    // One agent per virtio port: a second would clash with the first.
    if let DeviceSpec::Channel { kind } = spec {
        let port = virt_xml::domain::channel_target(kind);
        let taken = others(doc).into_iter().any(|d| {
            matches!(DeviceSpec::read(doc, d), Some(DeviceSpec::Channel { kind: k })
                if virt_xml::domain::channel_target(&k) == port)
        });
        if taken {
            return Err(gettext(
                "The VM already has an agent channel on that port: remove it first.",
            ));
        }
    }
    if *spec == DeviceSpec::UsbRedirection {
        usb_redirection_fits(doc)?;
    }
    let xml = spec.to_xml().map_err(|e| e.to_string())?;
    let devices = doc.root().ensure_devices(doc);
    devices.add_xml(doc, &xml).map_err(|e| e.to_string())?;
    Ok(xml)
}

/// A USB redirection port needs a SPICE display and USB: said before libvirt says it in its
/// own words.
fn usb_redirection_fits(doc: &DomainXml) -> Result<(), String> {
    let Some(devices) = doc.root().devices(doc) else {
        return Err(gettext("The VM has no devices."));
    };
    let spice = devices
        .graphics(doc)
        .iter()
        .any(|g| g.graphics_type(doc).as_deref() == Some("spice"));
    if !spice {
        return Err(gettext(
            "USB redirection ports work through a SPICE display: switch the display to SPICE first.",
        ));
    }
    let no_usb = devices
        .of_kind(doc, virt_xml::domain::DeviceKind::Controller)
        .into_iter()
        .any(|c| {
            c.device_type(doc).as_deref() == Some("usb") && c.model(doc).as_deref() == Some("none")
        });
    if no_usb {
        return Err(gettext(
            "The VM’s USB is turned off (its USB controller’s model is “none”): choose a USB controller model in the XML first.",
        ));
    }
    Ok(())
}

/// Changes the device at index `i` of [`others`] to match `spec`.
pub fn edit(doc: &mut DomainXml, i: usize, spec: &DeviceSpec) -> Result<(), String> {
    check(spec)?;
    let dev = other(doc, i)?;
    spec.apply(doc, dev).map_err(|e| e.to_string())
}

/// Adds a host device: USB `vvvv:pppp` or PCI `dddd:bb:ss.f`.
pub fn add_hostdev(doc: &mut DomainXml, id: &str) -> Result<(), String> {
    let id = id.trim();
    let hex = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit());
    let xml = match id.split(':').collect::<Vec<_>>().as_slice() {
        [v, p] if v.len() == 4 && p.len() == 4 && hex(v) && hex(p) => format!(
            "<hostdev mode='subsystem' type='usb' managed='yes'><source><vendor id='0x{v}'/><product id='0x{p}'/></source></hostdev>"
        ),
        [d, b, sf] => {
            let (s, f) = sf.split_once('.').unwrap_or(("", ""));
            if !(hex(d) && hex(b) && hex(s) && hex(f)) {
                return Err(gettext(
                    "Use vendor:product for USB or domain:bus:slot.function for PCI.",
                ));
            }
            format!(
                "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x{d}' bus='0x{b}' slot='0x{s}' function='0x{f}'/></source></hostdev>"
            )
        }
        _ => {
            return Err(gettext(
                "Use vendor:product for USB or domain:bus:slot.function for PCI.",
            ));
        }
    };
    let devices = doc.root().ensure_devices(doc);
    devices.add_xml(doc, &xml).map_err(|e| e.to_string())?;
    Ok(())
}

fn describe(doc: &DomainXml, dev: Device) -> (String, String) {
    let name = dev.element_name(doc).to_owned();
    let kind = dev.device_type(doc).map(|t| t.into_owned());
    let model = dev.model(doc).map(|m| m.into_owned());
    let title = match name.as_str() {
        "video" => gettext("Video"),
        "serial" => gettext("Serial port"),
        "console" => gettext("Console"),
        "channel" => gettext("Channel"),
        "input" => gettext("Input"),
        "sound" => gettext("Sound"),
        "tpm" => gettext("TPM"),
        "rng" => gettext("Random number generator"),
        "watchdog" => gettext("Watchdog"),
        "controller" => gettext("Controller"),
        "hostdev" => gettext("Host device"),
        "memballoon" => gettext("Memory balloon"),
        "audio" => gettext("Audio back-end"),
        "redirdev" => gettext("USB redirection"),
        "filesystem" => gettext("Shared folder"),
        other => other.to_owned(),
    };
    let bus = dev
        .as_input(doc)
        .and_then(|i| i.bus(doc))
        .map(|b| b.into_owned());
    let detail: Vec<String> = [kind, model, bus].into_iter().flatten().collect();
    (title, detail.join(" · "))
}

/// The devices page.
pub fn page(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesPage {
    let page = adw::PreferencesPage::new();
    let Some(doc) = m.edited.as_ref() else {
        return page;
    };
    page.add(&display::group(m, doc, tx));
    let g = rows::group(
        &gettext("Other Devices"),
        m.active
            .then(|| {
                gettext(
                    "The VM is running: changes here take effect after a restart, except that USB and VirtIO input devices, random number generators, watchdogs and USB redirection ports are unplugged at once.",
                )
            })
            .as_deref(),
    );
    for (i, dev) in others(doc).into_iter().enumerate() {
        let (title, mut detail) = describe(doc, dev);
        if let Some(id) = hostdevs::id_of(doc, dev) {
            let known = m.host_devices().and_then(|l| l.iter().find(|h| h.id == id));
            detail = match known {
                Some(h) => format!("{} · {}", h.title, h.detail),
                None => format!("{detail} · {id}"),
            };
        }
        let remove = rows::remove_button(tx, move || Msg::RemoveDevice(i));
        let spec = DeviceSpec::read(doc, dev);
        let form = spec
            .as_ref()
            .map(|sp| device_form::Form::new(sp.element(), Some(sp)))
            .filter(|f| f.rows().next().is_some());
        if let Some(form) = form {
            let row = adw::ExpanderRow::new();
            row.set_title(&title);
            row.set_subtitle(&gtk::glib::markup_escape_text(&detail));
            for r in form.rows() {
                row.add_row(r);
            }
            let s = tx.clone();
            form.on_change(move |sp| s.send(Msg::EditDevice(i, sp)));
            row.add_action(&remove);
            g.add(&row);
        } else {
            let row = adw::ActionRow::new();
            row.set_title(&title);
            row.set_subtitle(&gtk::glib::markup_escape_text(&detail));
            row.add_suffix(&remove);
            g.add(&row);
        }
    }
    page.add(&g);
    page.add(&add_group(m, tx));
    page.add(&hostdevs::group(m, tx));
    page
}

/// The group adding a device of each kind a spec describes.
fn add_group(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesGroup {
    let g = rows::group(&gettext("Add a Device"), None);
    for &kind in device_form::KINDS {
        let form = device_form::Form::new(kind, None);
        let f2 = form.clone();
        let add = rows::button(&gettext("Add"), tx, move || match f2.spec() {
            Some(sp) => Msg::AddDevice(sp),
            None => Msg::Reload,
        });
        let live = form.spec().is_some_and(|sp| device_form::hotpluggable(&sp));
        let state = match (m.active, live) {
            (true, true) => gettext("Added to the running VM at once"),
            (true, false) => gettext("Takes effect after a restart"),
            _ => String::new(),
        };
        let note = [device_form::kind_note(kind), state]
            .into_iter()
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        let title = device_form::kind_title(kind);
        if form.rows().next().is_some() {
            let row = adw::ExpanderRow::new();
            row.set_title(&title);
            row.set_subtitle(&note);
            for r in form.rows() {
                row.add_row(r);
            }
            row.add_action(&add);
            g.add(&row);
        } else {
            let row = adw::ActionRow::new();
            row.set_title(&title);
            row.set_subtitle(&note);
            row.add_suffix(&add);
            g.add(&row);
        }
    }
    g
}
