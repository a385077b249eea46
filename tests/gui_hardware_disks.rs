//! The hardware editor's new disks against a private libvirtd: a volume created in a storage
//! pool through the form and attached to the VM (`virsh vol-info` and `dumpxml` show it, and
//! nothing else in the XML changes); a failing attach deletes the volume again and leaves the
//! VM as it was; a zero size or a name the pool has is refused with nothing created.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::hardware::{HardwareEditor, HardwareEditorMsg as Msg, NewDisk};
use relm4::prelude::*;
use support::hardware::{
    button, choose, close, combo, descendants, diff, group_widgets, inactive, open, pump, remove,
    screenshot, virsh,
};
use support::wait_until;
use testbed::{Libvirtd, unique_name};

/// A directory pool under the daemon's directory, defined and started with virsh; its path.
fn make_pool(d: &Libvirtd) -> (String, String) {
    let name = unique_name("pool");
    let path = d.dir().join(&name).display().to_string();
    virsh(d, &["pool-define-as", &name, "dir", "--target", &path]);
    virsh(d, &["pool-build", &name]);
    virsh(d, &["pool-start", &name]);
    (name, path)
}

fn remove_pool(d: &Libvirtd, name: &str) {
    let _ = d.virsh(&d.qemu_uri(), &["pool-destroy", name]);
    let _ = d.virsh(&d.qemu_uri(), &["pool-undefine", name]);
}

/// The names of the pool's volumes, as virsh lists them.
fn volumes(d: &Libvirtd, pool: &str) -> Vec<String> {
    virsh(d, &["vol-list", pool])
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| *w != "Name" && !w.starts_with("---"))
        .map(str::to_owned)
        .collect()
}

/// Waits until the editor knows `pool`, then shows the disks page.
fn show_disks(e: &relm4::Controller<HardwareEditor>, pool: &str) {
    assert!(wait_until(20, || e
        .model()
        .pools()
        .is_some_and(|p| p.iter().any(|p| p.pool == pool))));
    pump();
    support::hardware::show_section(e, "disks");
    pump();
}

/// The form's volume name row.
fn name_row(form: &[gtk::Widget]) -> adw::EntryRow {
    form.iter()
        .find_map(|w| {
            w.clone()
                .downcast::<adw::EntryRow>()
                .ok()
                .filter(|r| r.title() == "Volume name")
        })
        .expect("no volume name row")
}

fn size_button(form: &[gtk::Widget]) -> gtk::SpinButton {
    form.iter()
        .find_map(|w| w.clone().downcast::<gtk::SpinButton>().ok())
        .expect("no size")
}

/// The form's widgets after choosing `pool`, `gib` GiB and `bus`.
fn fill(
    e: &relm4::Controller<HardwareEditor>,
    pool: &str,
    gib: f64,
    bus: &str,
) -> Vec<gtk::Widget> {
    let form = group_widgets(e, "Add a New Disk");
    let group = form[0].parent().unwrap();
    choose(&combo(&group, "Storage pool"), pool);
    choose(&combo(&group, "Bus"), bus);
    size_button(&form).set_value(gib);
    pump();
    form
}

/// Clicks Create and Attach and waits for the editor to be done; its error, if any.
fn create(e: &relm4::Controller<HardwareEditor>, form: &[gtk::Widget]) -> Option<String> {
    let generation = e.model().generation();
    let group = form[0].parent().unwrap();
    button(&group, "Create and Attach").emit_clicked();
    assert!(
        wait_until(60, || !e.model().busy()
            && (e.model().error().is_some()
                || e.model().generation() > generation)),
        "adding the disk did not finish"
    );
    pump();
    e.model().error().map(str::to_owned)
}

#[gtk::test]
fn a_new_disk_is_created_in_the_pool_and_added_to_a_shut_off_vm() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (pool, path) = make_pool(d);
    let (name, e, window) = open(d, "hw-newdisk", false);
    show_disks(&e, &pool);
    let before = inactive(d, &name);

    let form = fill(&e, &pool, 1.0, "virtio");
    let volume = format!("{name}-1.qcow2");
    assert_eq!(name_row(&form).text(), volume);
    // Raw proposes its own ending; back to qcow2 proposes the first name again.
    let group = form[0].parent().unwrap();
    choose(&combo(&group, "Format"), "raw");
    assert_eq!(name_row(&form).text(), format!("{name}-1.img"));
    choose(&combo(&group, "Format"), "qcow2");
    assert_eq!(name_row(&form).text(), volume);
    let last = descendants(&group).last().cloned().unwrap();
    let sw = descendants(&e.widgets().stack.visible_child().unwrap())
        .into_iter()
        .find_map(|w| w.downcast::<gtk::ScrolledWindow>().ok())
        .unwrap();
    if let Some(p) = last.compute_point(&sw.child().unwrap(), &gtk::graphene::Point::zero()) {
        sw.vadjustment().set_value(f64::from(p.y()));
    }
    screenshot(&window, "hardware-new-disk");

    assert_eq!(create(&e, &form), None);
    assert!(e.model().progress().is_none());
    assert!(
        e.model().status().is_some_and(|s| s.contains(&volume)),
        "{:?}",
        e.model().status()
    );
    assert_eq!(volumes(d, &pool), [volume.as_str()]);
    let info = virsh(d, &["vol-info", "--pool", &pool, &volume]);
    assert!(info.contains("1.00 GiB"), "{info}");
    let vol_xml = virsh(d, &["vol-dumpxml", "--pool", &pool, &volume]);
    assert!(vol_xml.contains("<format type='qcow2'/>"), "{vol_xml}");
    let after = inactive(d, &name);
    let (removed, mut added) = diff(&before, &after);
    assert_eq!(removed, Vec::<String>::new(), "{after}");
    let address = added
        .iter()
        .position(|l| l.starts_with("<address type='pci'"))
        .map(|i| added.remove(i));
    assert!(address.is_some(), "{after}");
    let mut expected = vec![
        "<disk type='file' device='disk'>".to_owned(),
        "<driver name='qemu' type='qcow2'/>".to_owned(),
        format!("<source file='{path}/{volume}'/>"),
        "<target dev='vda' bus='virtio'/>".to_owned(),
        "</disk>".to_owned(),
    ];
    expected.sort();
    assert_eq!(added, expected, "{after}");

    // The pool now has that name: the form proposes the next one.
    let form = fill(&e, &pool, 1.0, "virtio");
    assert_eq!(name_row(&form).text(), format!("{name}-2.qcow2"));

    // A name the pool has, then a zero size: refused, nothing created or changed.
    let before = inactive(d, &name);
    name_row(&form).set_text(&volume);
    let err = create(&e, &form).unwrap();
    assert!(err.contains("already has a volume"), "{err}");
    let form = fill(&e, &pool, 0.0, "virtio");
    let err = create(&e, &form).unwrap();
    assert!(err.contains("1 GiB"), "{err}");
    // Other edits waiting: they are applied or reverted first.
    e.emit(Msg::SetTitle("waiting".into()));
    pump();
    let form = fill(&e, &pool, 1.0, "virtio");
    let err = create(&e, &form).unwrap();
    assert!(err.contains("Apply or revert"), "{err}");
    let generation = e.model().generation();
    e.emit(Msg::Revert);
    assert!(wait_until(20, || !e.model().busy()
        && e.model().generation() > generation));
    assert_eq!(volumes(d, &pool), [volume.as_str()]);
    assert_eq!(inactive(d, &name), before);

    // A disk on the floppy controller is refused by libvirt: the new volume goes again.
    e.emit(Msg::AddNewDisk(NewDisk {
        pool: pool.clone(),
        name: format!("{name}-9.qcow2"),
        gib: 1,
        format: "qcow2".into(),
        bus: "fdc".into(),
    }));
    assert!(wait_until(60, || !e.model().busy()));
    let err = e.model().error().map(str::to_owned);
    assert!(
        err.as_deref()
            .is_some_and(|m| m.starts_with("Could not attach the disk") && m.contains("fdc")),
        "{err:?}"
    );
    assert_eq!(volumes(d, &pool), [volume.as_str()]);
    assert_eq!(inactive(d, &name), before);

    remove(d, &name);
    let _ = d.virsh(&d.qemu_uri(), &["vol-delete", "--pool", &pool, &volume]);
    remove_pool(d, &pool);
    close(&window, criticals);
}

#[gtk::test]
fn a_failing_attach_to_a_running_vm_deletes_the_new_volume() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let (pool, _) = make_pool(d);
    let (name, e, window) = open(d, "hw-newdisk-run", true);
    show_disks(&e, &pool);
    let before = inactive(d, &name);
    let live_before = virsh(d, &["dumpxml", &name]);

    // SATA disks cannot be hot-plugged.
    let form = fill(&e, &pool, 1.0, "sata");
    let err = create(&e, &form).expect("the attach should fail");
    assert!(err.starts_with("Could not attach the disk"), "{err}");
    assert!(err.contains("sata"), "{err}");
    assert!(e.model().progress().is_none());
    assert_eq!(volumes(d, &pool), Vec::<String>::new());
    assert_eq!(inactive(d, &name), before);
    let (removed, added) = diff(&live_before, &virsh(d, &["dumpxml", &name]));
    assert_eq!((removed, added), (Vec::new(), Vec::new()));

    // VirtIO disks can: the new disk is in the running VM and its definition. While it goes,
    // the action bar shows the progress (checked when the main loop sees it under way).
    let form = fill(&e, &pool, 1.0, "virtio");
    let group = form[0].parent().unwrap();
    let generation = e.model().generation();
    button(&group, "Create and Attach").emit_clicked();
    assert!(wait_until(10, || e.model().progress().is_some()
        || e.model().generation() > generation));
    if e.model().progress().is_some() {
        assert!(e.widgets().progress.is_visible());
    }
    assert!(wait_until(60, || !e.model().busy()
        && e.model().generation() > generation));
    assert_eq!(e.model().error(), None);
    assert!(!e.widgets().progress.is_visible());
    let volume = format!("{name}-1.qcow2");
    assert_eq!(volumes(d, &pool), [volume.as_str()]);
    assert!(virsh(d, &["dumpxml", &name]).contains(&volume));
    assert!(inactive(d, &name).contains(&volume));

    remove(d, &name);
    let _ = d.virsh(&d.qemu_uri(), &["vol-delete", "--pool", &pool, &volume]);
    remove_pool(d, &pool);
    close(&window, criticals);
}
