//! Disks: the list with source, bus and cache; CD media changed or ejected live; disks added
//! and removed (hot-plugged while the VM runs).

use adw::prelude::*;
use virt_xml::DomainXml;
use virt_xml::domain::{Device, Disk, DiskSource};
use virt_xml::tree::escape_attr;

use super::{BrowseFor, HardwareEditor, HardwareEditorMsg as Msg, Tx};
use super::{browse, new_disk, rows};
use crate::i18n::{gettext, gettext_f};

fn disk(doc: &DomainXml, i: usize) -> Result<Disk, String> {
    doc.root()
        .devices(doc)
        .and_then(|d| d.disks(doc).get(i).copied())
        .ok_or_else(|| gettext("That disk is gone."))
}

fn prefix(bus: &str) -> &'static str {
    match bus {
        "virtio" => "vd",
        "ide" => "hd",
        "fdc" => "fd",
        _ => "sd",
    }
}

/// The first free target name for `bus`.
fn free_target(doc: &DomainXml, bus: &str) -> String {
    let used: Vec<String> = doc
        .root()
        .devices(doc)
        .map(|d| d.disks(doc))
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d.target_dev(doc).map(|t| t.into_owned()))
        .collect();
    (b'a'..=b'z')
        .map(|c| format!("{}{}", prefix(bus), c as char))
        .find(|t| !used.contains(t))
        .unwrap_or_else(|| format!("{}zz", prefix(bus)))
}

/// Inserts (`Some`) or ejects (`None`) a CD-ROM's or floppy's medium; the disk's XML for the
/// live update.
pub fn set_media(doc: &mut DomainXml, i: usize, path: Option<&str>) -> Result<String, String> {
    let d = disk(doc, i)?;
    let device = d.device(doc).unwrap_or_default().into_owned();
    if device != "cdrom" && device != "floppy" {
        return Err(gettext(
            "Only CD-ROM and floppy drives have removable media.",
        ));
    }
    match path.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => d.set_source(doc, &DiskSource::File(p.to_owned())),
        None => d.set_source(doc, &DiskSource::Empty),
    }
    Ok(d.to_xml(doc))
}

/// The running VM's copy of the drive with target `target`, its medium set to `path`.
pub fn live_media_xml(live: &DomainXml, target: &str, path: Option<&str>) -> Option<String> {
    let mut live = live.clone();
    let d = live
        .root()
        .devices(&live)?
        .disks(&live)
        .into_iter()
        .find(|d| d.target_dev(&live).as_deref() == Some(target))?;
    match path.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => d.set_source(&mut live, &DiskSource::File(p.to_owned())),
        None => d.set_source(&mut live, &DiskSource::Empty),
    }
    Some(d.to_xml(&live))
}

/// The target name of disk `i`.
pub fn target_of(doc: &DomainXml, i: usize) -> Option<String> {
    disk(doc, i).ok()?.target_dev(doc).map(|t| t.into_owned())
}

/// Moves a disk to another bus (with a matching target name and a new address).
pub fn set_bus(doc: &mut DomainXml, i: usize, bus: &str) -> Result<(), String> {
    let d = disk(doc, i)?;
    if d.target_bus(doc).as_deref() == Some(bus) {
        return Ok(());
    }
    let target = free_target(doc, bus);
    d.set_target_bus(doc, Some(bus));
    d.set_target_dev(doc, Some(&target));
    doc.doc_mut().remove_children(d.node(), "address");
    Ok(())
}

/// Sets a disk's cache mode; `default` removes the setting.
pub fn set_cache(doc: &mut DomainXml, i: usize, cache: &str) -> Result<(), String> {
    let d = disk(doc, i)?;
    d.set_driver_cache(doc, Some(cache).filter(|c| *c != "default"));
    Ok(())
}

/// Adds a file-backed disk (image format `format`, as read from the host) or CD-ROM (raw);
/// its XML for hot-plugging.
pub fn add(
    doc: &mut DomainXml,
    path: &str,
    device: &str,
    bus: &str,
    format: &str,
) -> Result<String, String> {
    let path = path.trim();
    if path.is_empty() && device != "cdrom" {
        return Err(gettext("Enter the path of the disk image."));
    }
    let format = if device == "cdrom" { "raw" } else { format };
    add_with_format(doc, path, device, bus, format)
}

/// Adds a file-backed disk or CD-ROM whose image has format `format`; its XML for
/// hot-plugging.
pub fn add_with_format(
    doc: &mut DomainXml,
    path: &str,
    device: &str,
    bus: &str,
    format: &str,
) -> Result<String, String> {
    let target = free_target(doc, bus);
    let source = if path.is_empty() {
        String::new()
    } else {
        format!("<source file='{}'/>", escape_attr(path, '\''))
    };
    let readonly = if device == "cdrom" { "<readonly/>" } else { "" };
    let xml = format!(
        "<disk type='file' device='{}'><driver name='qemu' type='{}'/>{source}<target dev='{target}' bus='{}'/>{readonly}</disk>",
        escape_attr(device, '\''),
        escape_attr(format, '\''),
        escape_attr(bus, '\'')
    );
    let devices = doc.root().ensure_devices(doc);
    devices.add_xml(doc, &xml).map_err(|e| e.to_string())?;
    Ok(xml)
}

/// Removes a disk; its XML for hot-unplugging.
pub fn remove(doc: &mut DomainXml, i: usize) -> Result<String, String> {
    let d = disk(doc, i)?;
    let xml = d.to_xml(doc);
    let devices = doc.root().ensure_devices(doc);
    devices.remove(doc, Device(d.node()));
    Ok(xml)
}

/// The disks page.
pub fn page(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesPage {
    let page = adw::PreferencesPage::new();
    let Some(doc) = m.edited.as_ref() else {
        return page;
    };
    let disks = doc
        .root()
        .devices(doc)
        .map(|d| d.disks(doc))
        .unwrap_or_default();
    let g = rows::group(&gettext("Disks"), None);
    if disks.is_empty() {
        rows::info(&g, &gettext("No disks"), &gettext("Add one below."));
    }
    for (i, d) in disks.iter().enumerate() {
        let device = d.device(doc).unwrap_or_default().into_owned();
        let target = d.target_dev(doc).unwrap_or_default().into_owned();
        let bus = d.target_bus(doc).unwrap_or_default().into_owned();
        let source = d.source_path(doc).map(|s| s.into_owned());
        let row = adw::ExpanderRow::new();
        row.set_title(&gettext_f("{} ({}, {})", &[&target, &device, &bus]));
        let sub = source.clone().unwrap_or_else(|| gettext("No medium"));
        row.set_subtitle(&gtk::glib::markup_escape_text(&sub));
        let removable = device == "cdrom" || device == "floppy";
        if removable {
            let media = adw::EntryRow::new();
            media.set_title(&gettext("Medium (ISO image)"));
            media.set_text(source.as_deref().unwrap_or(""));
            let m2 = media.clone();
            media.add_suffix(&browse::button(&media, tx, move || BrowseFor::Media(i)));
            media.add_suffix(&rows::button(&gettext("Insert"), tx, move || {
                Msg::SetDiskMedia(i, Some(m2.text().to_string()))
            }));
            media.add_suffix(&rows::button(&gettext("Eject"), tx, move || {
                Msg::SetDiskMedia(i, None)
            }));
            row.add_row(&media);
        }
        let inner = adw::PreferencesGroup::new();
        let bus_row = rows::combo(
            &inner,
            &gettext("Bus"),
            &["virtio", "sata", "scsi", "ide", "usb"],
            &bus,
            tx,
            move |b| Msg::SetDiskBus(i, b),
        );
        inner.remove(&bus_row);
        row.add_row(&bus_row);
        let cache = d.driver_cache(doc).unwrap_or_default().into_owned();
        let cache_row = rows::combo(
            &inner,
            &gettext("Cache"),
            &[
                "default",
                "none",
                "writeback",
                "writethrough",
                "directsync",
                "unsafe",
            ],
            if cache.is_empty() { "default" } else { &cache },
            tx,
            move |c| Msg::SetDiskCache(i, c),
        );
        inner.remove(&cache_row);
        row.add_row(&cache_row);
        let remove = rows::remove_button(tx, move || Msg::RemoveDisk(i));
        row.add_action(&remove);
        g.add(&row);
    }
    page.add(&g);

    let g = rows::group(&gettext("Add an Existing Image"), None);
    let path = rows::text(&g, &gettext("Image path on the host"), "");
    let device = adw::ComboRow::new();
    device.set_title(&gettext("Kind"));
    device.set_model(Some(&gtk::StringList::new(&["disk", "cdrom"])));
    g.add(&device);
    let kind = device.downgrade();
    path.add_suffix(&browse::button(&path, tx, move || {
        BrowseFor::Existing(kind.upgrade().is_some_and(|d| d.selected() == 1))
    }));
    let bus = adw::ComboRow::new();
    bus.set_title(&gettext("Bus"));
    let buses = ["virtio", "sata", "scsi", "usb"];
    bus.set_model(Some(&gtk::StringList::new(&buses)));
    g.add(&bus);
    let add = rows::button(&gettext("Add"), tx, move || {
        let kind = if device.selected() == 1 {
            "cdrom"
        } else {
            "disk"
        };
        let b = buses
            .get(bus.selected() as usize)
            .copied()
            .unwrap_or("virtio");
        Msg::AddDisk(path.text().to_string(), kind.to_owned(), b.to_owned())
    });
    add.add_css_class("suggested-action");
    let row = adw::ActionRow::new();
    row.set_title(&gettext("Attach it (hot-plugged while the VM runs)"));
    row.add_suffix(&add);
    g.add(&row);
    page.add(&g);
    page.add(&new_disk::group(m, tx));
    page
}
