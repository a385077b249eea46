//! Applying to a running VM is all or nothing: when a live step fails, the live steps made
//! before it are undone, last first, and `virsh dumpxml` (live and saved) reads as before;
//! when an undo cannot complete the message names what remains. While an apply runs the
//! editor's sections take no edits, and an edit sent meanwhile lands once it is done. Which
//! edits go live follows the VM starting and stopping while the editor is open.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::hardware::{HardwareEditor, HardwareEditorMsg as Msg};
use relm4::prelude::*;
use support::hardware::{apply, close, inactive, open, open_with, pump, remove, virsh};
use support::wait_until;
use virt_xml::domain::{DeviceSpec, InterfaceSource};

/// Whether the visible section takes input (its own and its parents' sensitivity).
fn section_sensitive(e: &relm4::Controller<HardwareEditor>) -> bool {
    e.widgets().stack.visible_child().unwrap().is_sensitive()
}

const MAC: &str = "52:54:00:4d:61:01";

/// A disk whose image does not exist: the definition takes it, hot-plugging it fails. (Its
/// format is given: the editor would refuse it while reading its format from the host.)
fn missing_disk() -> Msg {
    Msg::AddDiskAs(
        "/nonexistent/undo.qcow2".into(),
        "disk".into(),
        "virtio".into(),
        "qcow2".into(),
    )
}

#[gtk::test]
fn a_failed_live_step_undoes_the_live_steps_before_it() {
    support::init_gui();
    let criticals = support::criticals();
    let d = testbed::Libvirtd::shared();
    let devices = format!(
        "<controller type='scsi' model='virtio-scsi'/>\
         <interface type='user'><mac address='{MAC}'/><model type='virtio'/></interface>"
    );
    let (name, e, window) = open_with(d, "hw-undo", true, &devices);
    let image = d.dir().join(format!("{name}-extra.qcow2"));
    let out = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&image)
        .arg("16M")
        .output()
        .unwrap();
    assert!(out.status.success());
    let live_before = virsh(d, &["dumpxml", &name]);
    let saved_before = inactive(d, &name);
    // Memory ballooned, the card's link taken down, a SCSI disk hot-plugged: all made
    // live, then the missing disk fails.
    let edits = || {
        vec![
            Msg::SetMemoryCurrent(48),
            Msg::SetNicLink(0, false),
            Msg::AddDisk(image.display().to_string(), "disk".into(), "scsi".into()),
        ]
    };
    let mut msgs = edits();
    msgs.push(missing_disk());
    let err = apply(&e, msgs).expect("the missing disk was hot-plugged");
    assert!(err.contains("/nonexistent/undo.qcow2"), "{err}");
    assert!(
        err.ends_with("The changes already made were undone: the VM is as it was."),
        "{err}"
    );
    assert_eq!(virsh(d, &["dumpxml", &name]), live_before);
    assert_eq!(inactive(d, &name), saved_before);
    assert_eq!(
        virsh(d, &["domif-getlink", &name, MAC]).trim(),
        format!("{MAC} up")
    );

    // The same steps without the missing disk do reach the running VM (so above they were made,
    // then undone).
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy() && !e.model().is_dirty()));
    assert_eq!(apply(&e, edits()), None);
    let live = virsh(d, &["dumpxml", &name]);
    assert!(
        live.contains(&format!("<source file='{}'", image.display())),
        "{live}"
    );
    assert!(live.contains("<link state='down'/>"), "{live}");
    remove(d, &name);
    close(&window, criticals);
}

#[gtk::test]
fn an_undo_the_guest_does_not_complete_is_named_in_the_message() {
    support::init_gui();
    let criticals = support::criticals();
    let d = testbed::Libvirtd::shared();
    let (name, e, window) = open(d, "hw-undofail", true);
    let saved_before = inactive(d, &name);
    assert!(!virsh(d, &["dumpxml", &name]).contains("<rng"));

    // The RNG is hot-plugged on PCI; unplugging it needs the guest's consent, which SeaBIOS
    // never gives, so undoing it falls short when the missing disk fails.
    let generation = e.model().generation();
    e.emit(Msg::AddDevice(DeviceSpec::Rng));
    e.emit(missing_disk());
    pump();
    assert_eq!(e.model().error(), None);
    assert!(section_sensitive(&e));
    e.emit(Msg::Apply);
    assert!(wait_until(5, || e.model().busy()));
    // Meanwhile the sections take no edits; one sent anyway lands once the apply is done.
    pump();
    assert!(!section_sensitive(&e));
    e.emit(Msg::SetTitle("sent while applying".into()));
    pump();
    assert!(
        e.model().busy(),
        "the apply ended too soon to test the edit"
    );
    assert!(
        wait_until(60, || !e.model().busy() && e.model().error().is_some()),
        "apply did not finish: busy {}, {:?}",
        e.model().busy(),
        e.model().error()
    );
    assert!(section_sensitive(&e));
    let err = e.model().error().unwrap().to_owned();
    assert!(err.contains("/nonexistent/undo.qcow2"), "{err}");
    assert!(
        err.contains("\nNot every change already made could be undone. These remain:\n"),
        "{err}"
    );
    assert!(
        err.ends_with(
            "\n• The rng device (virtio) stays attached to the running VM: \
             the guest has not released it"
        ),
        "{err}"
    );
    assert!(virsh(d, &["dumpxml", &name]).contains("<rng model='virtio'>"));
    // The definition was put back all the same.
    assert_eq!(inactive(d, &name), saved_before);
    assert!(
        e.model()
            .edited_xml()
            .unwrap()
            .contains("<title>sent while applying</title>")
    );
    assert!(e.model().generation() >= generation);

    // Nothing sent while a load runs is lost either.
    e.emit(Msg::Revert);
    e.emit(Msg::AddNic(InterfaceSource::User));
    assert!(wait_until(20, || !e.model().busy() && e.model().is_dirty()));
    assert!(
        e.model()
            .edited_xml()
            .unwrap()
            .contains("<interface type='user'>")
    );
    assert!(!e.model().edited_xml().unwrap().contains("<title>"));
    remove(d, &name);
    close(&window, criticals);
}

#[gtk::test]
fn what_goes_live_follows_the_vm_stopping_and_starting() {
    support::init_gui();
    let criticals = support::criticals();
    let d = testbed::Libvirtd::shared();
    let (name, e, window) = open(d, "hw-follow", true);
    assert!(e.model().is_active());

    // Without edits the editor reads the VM again.
    virsh(d, &["destroy", &name]);
    assert!(wait_until(20, || !e.model().is_active() && !e.model().busy()));
    virsh(d, &["start", &name]);
    assert!(wait_until(20, || e.model().is_active() && !e.model().busy()));

    // Memory edited while it runs would be ballooned live; stopped before Apply, the edit
    // goes to the definition only.
    e.emit(Msg::SetMemoryCurrent(48));
    pump();
    assert!(e.model().is_dirty());
    virsh(d, &["destroy", &name]);
    assert!(wait_until(20, || !e.model().is_active()));
    assert!(e.model().is_dirty());
    assert_eq!(apply(&e, Vec::new()), None);
    assert_eq!(e.model().status(), Some("Saved."));
    assert!(inactive(d, &name).contains("<currentMemory unit='KiB'>49152</currentMemory>"));

    // Edited while shut off and started before Apply: the edit waits for a restart.
    e.emit(Msg::SetMemoryMax(96));
    pump();
    virsh(d, &["start", &name]);
    assert!(wait_until(20, || e.model().is_active()));
    assert!(e.model().is_dirty());
    assert_eq!(apply(&e, Vec::new()), None);
    assert!(
        e.model().status().is_some_and(|s| s.contains("restart")),
        "{:?}",
        e.model().status()
    );
    assert!(inactive(d, &name).contains("<memory unit='KiB'>98304</memory>"));
    assert!(virsh(d, &["dumpxml", &name]).contains("<memory unit='KiB'>65536</memory>"));
    remove(d, &name);
    close(&window, criticals);
}
