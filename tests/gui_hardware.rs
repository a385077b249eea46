//! The hardware editor against a private libvirtd (QEMU driver, TCG): each control's change
//! reaches `virsh dumpxml --inactive` and nothing else in the XML changes; running VMs get
//! live changes; bad input sends nothing; a failed live step restores the definition.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hangar::ui::hardware::HardwareEditorMsg as Msg;
use relm4::prelude::*;
use support::hardware::{
    apply, check_edit, close, inactive, open, pump, remove, screenshot, virsh,
};
use support::wait_until;
use testbed::{Libvirtd, unique_name};
use virt_xml::domain::InterfaceSource;

fn setup() {
    support::init_gui();
}

#[gtk::test]
fn each_control_changes_only_its_own_lines_of_a_shut_off_vm() {
    setup();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-off", false);
    for page in [
        "overview", "cpu", "memory", "boot", "disks", "nics", "devices", "xml",
    ] {
        support::hardware::show_section(&e, page);
        screenshot(&window, &format!("hardware-{page}"));
    }
    support::hardware::show_section(&e, "overview");

    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetMemoryMax(96), Msg::SetMemoryCurrent(80)],
        &[
            "<memory unit='KiB'>65536</memory>",
            "<currentMemory unit='KiB'>65536</currentMemory>",
        ],
        &[
            "<memory unit='KiB'>98304</memory>",
            "<currentMemory unit='KiB'>81920</currentMemory>",
        ],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetVcpusMax(4), Msg::SetVcpusCurrent(2)],
        &["<vcpu placement='static'>2</vcpu>"],
        &["<vcpu placement='static' current='2'>4</vcpu>"],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![
            Msg::SetTitle("Test box".into()),
            Msg::SetDescription("for & tests".into()),
        ],
        &[],
        &[
            "<title>Test box</title>",
            "<description>for &amp; tests</description>",
        ],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![
            Msg::SetBootOrder(vec!["cdrom".into(), "hd".into()]),
            Msg::SetBootMenu(true),
        ],
        &[],
        &["<boot dev='cdrom'/>", "<bootmenu enable='yes'/>"],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetDisplayListen("0.0.0.0".into())],
        &[
            "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>",
            "<listen type='address' address='127.0.0.1'/>",
        ],
        &[
            "<graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0'>",
            "<listen type='address' address='0.0.0.0'/>",
        ],
    );
    check_edit(
        d,
        &name,
        &e,
        vec![Msg::SetTopology(Some((2, 2, 1)))],
        &[],
        &["<topology sockets='2' dies='1' cores='2' threads='1'/>"],
    );
    let xml = inactive(d, &name);
    assert!(
        xml.contains("<topology sockets='2' dies='1' cores='2' threads='1'/>"),
        "{xml}"
    );

    // A disk image added, then removed again.
    let image = d.dir().join(format!("{name}-extra.qcow2"));
    let out = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&image)
        .arg("16M")
        .output()
        .unwrap();
    assert!(out.status.success());
    let before = inactive(d, &name);
    assert_eq!(
        apply(
            &e,
            vec![Msg::AddDisk(
                image.display().to_string(),
                "disk".into(),
                "virtio".into()
            )]
        ),
        None
    );
    let with_disk = inactive(d, &name);
    assert!(
        with_disk.contains(&format!("<source file='{}'/>", image.display())),
        "{with_disk}"
    );
    assert!(with_disk.contains("<target dev='vda' bus='virtio'/>"));
    assert!(with_disk.contains("<driver name='qemu' type='qcow2'/>"));
    assert_eq!(apply(&e, vec![Msg::RemoveDisk(0)]), None);
    assert_eq!(inactive(d, &name), before);

    // A network card added, its model and link changed, then removed.
    assert_eq!(apply(&e, vec![Msg::AddNic(InterfaceSource::User)]), None);
    let xml = inactive(d, &name);
    assert!(xml.contains("<interface type='user'>"), "{xml}");
    check_edit(
        d,
        &name,
        &e,
        vec![
            Msg::SetNicModel(0, "e1000e".into()),
            Msg::SetNicLink(0, false),
        ],
        &["<model type='virtio'/>"],
        &["<model type='e1000e'/>", "<link state='down'/>"],
    );
    // libvirt re-addresses the card for its new model; compare without addresses.
    assert_eq!(
        apply(&e, vec![Msg::SetNicMac(0, "52:54:00:AA:BB:01".into())]),
        None
    );
    assert!(inactive(d, &name).contains("<mac address='52:54:00:aa:bb:01'/>"));
    assert_eq!(apply(&e, vec![Msg::RemoveNic(0)]), None);
    assert!(!inactive(d, &name).contains("<interface"));

    // Autostart and rename.
    assert_eq!(apply(&e, vec![Msg::SetAutostart(true)]), None);
    assert!(virsh(d, &["dominfo", &name]).contains("Autostart:      enable"));
    let new_name = unique_name("hw-renamed");
    assert_eq!(apply(&e, vec![Msg::SetName(new_name.clone())]), None);
    assert!(virsh(d, &["list", "--all", "--name"]).contains(&new_name));
    let _ = d.virsh(&d.qemu_uri(), &["autostart", "--disable", &new_name]);
    remove(d, &new_name);
    close(&window, criticals);
}

#[gtk::test]
fn running_vm_gets_memory_and_nic_changes_live() {
    setup();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-live", true);
    assert!(e.model().is_active());
    assert_eq!(apply(&e, vec![Msg::SetMemoryCurrent(48)]), None);
    assert!(inactive(d, &name).contains("<currentMemory unit='KiB'>49152</currentMemory>"));
    // The balloon call succeeded; SeaBIOS has no balloon driver, so the guest's actual size
    // (what virsh reports) stays where it was.
    assert_eq!(e.model().error(), None);
    assert_eq!(e.model().status(), Some("Saved."));

    // A card hot-plugged, then its link taken down live.
    assert_eq!(apply(&e, vec![Msg::AddNic(InterfaceSource::User)]), None);
    let live = virsh(d, &["domiflist", &name]);
    assert!(live.contains("user"), "{live}");
    let mac = live
        .split_whitespace()
        .find(|w| w.matches(':').count() == 5)
        .unwrap()
        .to_owned();
    assert_eq!(apply(&e, vec![Msg::SetNicLink(0, false)]), None);
    let link = virsh(d, &["domif-getlink", &name, &mac]);
    assert!(link.contains("down"), "{link}");
    assert!(inactive(d, &name).contains("<link state='down'/>"));

    // A change that waits for a restart says so, and the running VM keeps its vCPUs.
    assert_eq!(apply(&e, vec![Msg::SetVcpusMax(3)]), None);
    assert!(e.model().status().unwrap().contains("restart"));
    assert!(inactive(d, &name).contains(">3</vcpu>"));
    assert!(virsh(d, &["dumpxml", &name]).contains(">2</vcpu>"));
    support::hardware::show_section(&e, "memory");
    screenshot(&window, "hardware-running-memory");
    remove(d, &name);
    close(&window, criticals);
}

#[gtk::test]
fn bad_input_sends_nothing_and_a_failed_live_step_restores_the_definition() {
    setup();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (name, e, window) = open(d, "hw-bad", true);
    let before = inactive(d, &name);

    // Zero memory is refused in the editor.
    e.emit(Msg::SetMemoryCurrent(0));
    pump();
    assert!(e.model().error().unwrap().contains("memory"));
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy() && e.model().error().is_none()));

    // Malformed XML: the error points at its place and nothing is sent.
    support::hardware::show_section(&e, "xml");
    e.emit(Msg::XmlChanged(
        "<domain type='qemu'>\n  <name>x</name>\n  <memory>12</memory\n".into(),
    ));
    e.emit(Msg::ApplyXml);
    pump();
    let err = e.model().xml_error().expect("no XML error").to_owned();
    assert!(err.starts_with("3:") || err.starts_with("4:"), "{err}");
    screenshot(&window, "hardware-xml-error");
    e.emit(Msg::XmlChanged(
        "<domain type='qemu'><name>x</name></domain>".into(),
    ));
    e.emit(Msg::ApplyXml);
    pump();
    assert!(
        e.model().xml_error().unwrap().contains("memory"),
        "{:?}",
        e.model().xml_error()
    );
    assert_eq!(inactive(d, &name), before);

    // A disk whose image does not exist is refused as it is added: its format cannot be read
    // from the host.
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy()));
    e.emit(Msg::AddDisk(
        "/nonexistent/disk.qcow2".into(),
        "disk".into(),
        "virtio".into(),
    ));
    assert!(wait_until(20, || !e.model().busy() && e.model().error().is_some()));
    assert!(
        e.model()
            .error()
            .is_some_and(|m| m.contains("/nonexistent/disk.qcow2")),
        "{:?}",
        e.model().error()
    );
    assert!(!e.model().is_dirty());
    // Given anyway (with its format), it cannot be hot-plugged: the definition is restored.
    let err = apply(
        &e,
        vec![Msg::AddDiskAs(
            "/nonexistent/disk.qcow2".into(),
            "disk".into(),
            "virtio".into(),
            "qcow2".into(),
        )],
    );
    assert!(err.is_some_and(|m| m.contains("/nonexistent/disk.qcow2")));
    assert_eq!(inactive(d, &name), before);

    // A bad MAC address is refused before anything is sent.
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy()));
    assert_eq!(
        apply(&e, vec![Msg::SetDisplayPassword("far too long".into())]).map(|m| m.contains('8')),
        Some(true)
    );
    assert_eq!(inactive(d, &name), before);
    remove(d, &name);
    close(&window, criticals);
}
