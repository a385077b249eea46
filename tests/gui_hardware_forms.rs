//! The hardware editor's widgets against a private libvirtd: the device forms' choice rows
//! and Add buttons, and host PCI devices picked from the node device list; each change
//! reaches `virsh dumpxml` and no other line of the XML changes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::hardware::HardwareEditorMsg as Msg;
use relm4::prelude::*;
use support::hardware::{
    button, check_edit, choose, click_apply_and_check, close, combo, expander, group_widgets,
    inactive, open, remove, virsh,
};
use support::wait_until;
use testbed::Libvirtd;

const SLOT4: &str = "<address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>";

#[gtk::test]
fn the_device_forms_widgets_add_and_edit_devices() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-form", false);
    support::hardware::show_section(&e, "devices");

    // Add: a sound card whose model is picked in the form.
    let before = inactive(d, &name);
    let sound = expander(&group_widgets(&e, "Add a Device"), "Sound");
    choose(&combo(&sound, "Model"), "ac97");
    button(&sound, "Add").emit_clicked();
    support::hardware::pump();
    click_apply_and_check(
        d,
        &name,
        &e,
        &before,
        &[],
        &["<sound model='ac97'>", SLOT4, "</sound>"],
    );

    // Edit: the video adapter's model, and the new sound card's.
    let before = inactive(d, &name);
    let others = group_widgets(&e, "Other Devices");
    choose(&combo(&expander(&others, "Video"), "Model"), "VirtIO");
    choose(&combo(&expander(&others, "Sound"), "Model"), "ich9");
    support::hardware::pump();
    click_apply_and_check(
        d,
        &name,
        &e,
        &before,
        &[
            "<model type='vga' vram='16384' heads='1' primary='yes'/>",
            "<sound model='ac97'>",
        ],
        &[
            "<model type='virtio' heads='1' primary='yes'/>",
            "<sound model='ich9'>",
        ],
    );

    // A tablet cannot go on PS/2: the form's choice is refused with a message.
    let before = inactive(d, &name);
    let input = expander(&group_widgets(&e, "Add a Device"), "Input");
    choose(&combo(&input, "Bus"), "PS/2");
    button(&input, "Add").emit_clicked();
    support::hardware::pump();
    assert!(e.model().error().unwrap().contains("PS/2"));
    assert!(!e.model().is_dirty());
    assert_eq!(inactive(d, &name), before);

    remove(d, &name);
    close(&window, criticals);
}

#[gtk::test]
fn a_host_pci_device_is_picked_from_the_node_device_list() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-hostdev", false);
    assert!(wait_until(30, || e.model().host_devices().is_some()));
    let list = e.model().host_devices().unwrap().to_vec();
    let nodedevs = virsh(d, &["nodedev-list", "--cap", "pci"]);
    let pci: Vec<_> = list.iter().filter(|h| !h.usb).collect();
    assert_eq!(
        pci.len(),
        nodedevs.lines().filter(|l| !l.is_empty()).count()
    );
    let dev = pci.first().expect("the host has no PCI devices");
    // 0000:00:01.0 -> domain, bus, slot, function
    let (dom, rest) = dev.id.split_once(':').unwrap();
    let (bus, rest) = rest.split_once(':').unwrap();
    let (slot, func) = rest.split_once('.').unwrap();
    let node = format!("pci_{dom}_{bus}_{slot}_{func}");
    assert!(nodedevs.contains(&node), "{node} not in {nodedevs}");
    support::hardware::show_section(&e, "devices");
    // The search narrows the list to the devices whose name or id match.
    let widgets = group_widgets(&e, "Pass Through a Host Device");
    let rows: Vec<adw::ActionRow> = widgets
        .iter()
        .filter_map(|w| w.clone().downcast::<adw::ActionRow>().ok())
        .filter(|r| r.subtitle().is_some_and(|s| s.contains(" · ")))
        .collect();
    assert_eq!(rows.len(), list.len());
    let search = widgets
        .iter()
        .find_map(|w| w.clone().downcast::<gtk::SearchEntry>().ok())
        .expect("no search entry");
    search.set_text(&dev.id);
    assert!(wait_until(5, || rows
        .iter()
        .filter(|r| r.is_visible())
        .count()
        == 1));
    search.set_text("");
    assert!(wait_until(5, || rows.iter().all(|r| r.is_visible())));
    support::hardware::expand_and_show(&e, &["Watchdog", "PCI devices"]);
    support::hardware::screenshot(&window, "hardware-hostdevs");
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::AddHostdev(dev.id.clone())],
        &[],
        &[
            "<hostdev mode='subsystem' type='pci' managed='yes'>",
            "<source>",
            &format!(
                "<address domain='0x{dom}' bus='0x{bus}' slot='0x{slot}' function='0x{func}'/>"
            ),
            "</source>",
            SLOT4,
            "</hostdev>",
        ],
    );
    // The VM's list names the device as the host does.
    support::hardware::show_section(&e, "devices");
    let row = support::hardware::group_widgets(&e, "Other Devices")
        .into_iter()
        .find_map(|w| {
            w.downcast::<adw::ActionRow>()
                .ok()
                .filter(|r| r.title() == "Host device")
        })
        .expect("no host device row");
    let subtitle = row.subtitle().unwrap_or_default();
    assert!(subtitle.contains(&dev.id), "{subtitle}");
    assert!(
        subtitle.contains(&gtk::glib::markup_escape_text(&dev.title).to_string()),
        "{subtitle}"
    );
    remove(d, &name);
    close(&window, criticals);
}
