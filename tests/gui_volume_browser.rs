//! The storage browser on a private daemon over TCP (a host that is not this computer, as far
//! as the app can tell), with `virsh` as the oracle: the wizard's Browse opens it (no file
//! chooser) and an ISO volume chosen with Enter fills the install source and is recognised by
//! its label; the disk editor adds an existing qcow2 volume with the format of its XML and
//! inserts an ISO volume into a CD-ROM; a local file uploaded through it is byte-exact; a
//! cancelled upload leaves no volume and says so.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::browser::{
    MIB, file_chooser_open, media_pool, names, noise, open_browser, select_pool, select_volume,
    tcp, wait_loaded,
};

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

use std::io::Write;

use adw::prelude::*;
use hangar::ui::hardware::{HardwareEditor, HardwareEditorInit, HardwareEditorMsg};
use hangar::ui::volume_browser::{Filter, VolumeBrowserMsg as Msg, VolumeBrowserOutput};
use hangar::ui::wizard::{NewVmWizard, NewVmWizardInit, NewVmWizardMsg, PathField};
use relm4::prelude::*;
use support::hardware::{button, descendants, group_widgets, pump};
use support::storage::{field, running_pool, virsh_volumes};
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};

#[gtk::test]
fn the_wizard_browses_the_hosts_pools_and_recognises_the_iso_volume() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let pool = unique_name("media");
    let dir = media_pool(d, &pool);
    let uri = tcp(d);
    let wizard = NewVmWizard::builder()
        .launch(NewVmWizardInit {
            conn: support::connect(&uri),
            uri,
            emulator: None,
            virt_type: Some("qemu".into()),
        })
        .detach();
    wizard.widget().present();
    assert!(wait_until(60, || wizard.model().host_loaded()
        && wizard.model().os_db_load_ms().is_some()));

    wizard.emit(NewVmWizardMsg::Browse(PathField::Iso));
    assert!(wait_until(10, || wizard.model().browser().is_some()));
    let b = wizard.model().browser().unwrap();
    let b = &*b;
    wait_loaded(b, 0);
    assert!(b.widget().is_visible(), "the storage browser is not shown");
    assert!(!file_chooser_open(), "a file chooser opened");
    // The host is not this computer: no local file to choose.
    assert!(!b.model().local() && !b.widgets().local.is_visible());
    assert_eq!(b.model().filter(), Filter::Iso);
    select_pool(b, &pool);
    assert_eq!(names(b), ["install.iso"]);
    let iso = b.model().volumes()[0].clone();
    assert_eq!(iso.path, dir.join("install.iso").display().to_string());
    // Every volume, then disk images only.
    b.widgets().filter.set_selected(2);
    pump();
    assert_eq!(names(b), ["blank.raw", "data.img", "install.iso", "subdir"]);
    b.widgets().filter.set_selected(1);
    pump();
    assert_eq!(names(b), ["blank.raw", "data.img"]);
    let qcow = b
        .model()
        .volumes()
        .iter()
        .find(|v| v.name == "data.img")
        .cloned();
    assert_eq!(qcow.unwrap().format, "qcow2");
    b.widgets().filter.set_selected(0);
    pump();
    support::hardware::screenshot(b.widget(), "volume-browser");

    // Enter on the volume (the list's activation) chooses it.
    let at = select_volume(b, "install.iso");
    b.widgets()
        .volumes
        .view
        .emit_by_name::<()>("activate", &[&at]);
    assert!(wait_until(10, || !b.widget().is_visible()));
    assert!(
        wait_until(20, || wizard.model().detected_os()
            == Some("http://debian.org/debian/11")),
        "the ISO volume was not recognised as Debian 11"
    );
    assert_eq!(wizard.widgets().source.iso_row.text(), iso.path);
    assert_eq!(
        wizard.model().choices().iso.as_deref(),
        Some(iso.path.as_str())
    );

    // Escape closes it again without a choice.
    wizard.emit(NewVmWizardMsg::Browse(PathField::Iso));
    pump();
    let b = wizard.model().browser().unwrap();
    assert!(wait_until(10, || b.widget().is_visible()));
    b.widget().activate_action("window.close", None).unwrap();
    assert!(wait_until(10, || !b.widget().is_visible()));
    assert_eq!(wizard.widgets().source.iso_row.text(), iso.path);
    wizard.widget().destroy();
    pump();
    virsh(d, &["pool-destroy", &pool]);
    virsh(d, &["pool-undefine", &pool]);
    assert_eq!(
        support::criticals(),
        criticals,
        "GLib criticals were logged"
    );
}

#[gtk::test]
fn the_disk_editor_adds_a_qcow2_volume_in_its_xmls_format_and_inserts_an_iso_volume() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let pool = unique_name("disks");
    let dir = media_pool(d, &pool);
    let name = unique_name("br-disk");
    let file = d.dir().join(format!("{name}.xml"));
    let cdrom = "<disk type='file' device='cdrom'><target dev='sdc' bus='sata'/><readonly/></disk>";
    let xml = vm::tiny_xml(&name).replace("</devices>", &format!("{cdrom}</devices>"));
    std::fs::write(&file, xml).unwrap();
    virsh(d, &["define", &file.display().to_string()]);
    let conn = support::connect(&tcp(d));
    let n = name.clone();
    let domain = support::block(async move {
        virt_client::Domain::lookup_by_name(&conn, &n)
            .await
            .unwrap()
    });
    let e = HardwareEditor::builder()
        .launch(HardwareEditorInit {
            domain,
            active: false,
        })
        .detach();
    let window = adw::Window::new();
    window.set_default_size(900, 680);
    window.set_content(Some(e.widget()));
    window.present();
    assert!(wait_until(30, || e.model().generation() > 0 && !e.model().busy()));
    e.widgets().stack.set_visible_child_name("disks");
    pump();

    let form = group_widgets(&e, "Add an Existing Image");
    let entry = form
        .iter()
        .find_map(|w| w.clone().downcast::<adw::EntryRow>().ok())
        .unwrap();
    browse_button(&entry).emit_clicked();
    assert!(wait_until(10, || e.model().browser().is_some()));
    let b = e.model().browser().unwrap();
    let b = &*b;
    wait_loaded(b, 0);
    assert!(b.widget().is_visible() && !file_chooser_open());
    assert_eq!(b.model().filter(), Filter::Disk);
    select_pool(b, &pool);
    select_volume(b, "data.img");
    b.widgets().choose.emit_clicked();
    assert!(wait_until(10, || !b.widget().is_visible()));
    let path = dir.join("data.img").display().to_string();
    assert!(wait_until(10, || entry.text() == path));

    let group = form[0].parent().unwrap();
    let generation = e.model().generation();
    button(&group, "Add").emit_clicked();
    assert!(wait_until(20, || e.model().generation() > generation));
    assert_eq!(e.model().error(), None);
    e.emit(HardwareEditorMsg::Apply);
    assert!(wait_until(30, || !e.model().busy() && !e.model().is_dirty()));
    assert_eq!(e.model().error(), None);
    let xml = virsh(d, &["dumpxml", &name, "--inactive"]);
    let disk = xml
        .split("<disk ")
        .find(|s| s.contains(&path))
        .unwrap_or_else(|| panic!("no disk on {path}:\n{xml}"));
    assert!(disk.contains("type='qcow2'"), "{disk}");
    assert!(disk.contains(&format!("<source file='{path}'/>")), "{disk}");

    // The CD-ROM's medium: an ISO volume, inserted as chosen.
    pump();
    let page = e.widgets().stack.visible_child().unwrap();
    let media = descendants(&page)
        .into_iter()
        .find_map(|w| {
            w.downcast::<adw::EntryRow>()
                .ok()
                .filter(|r| r.title() == "Medium (ISO image)")
        })
        .expect("no medium row");
    let loads = b.model().loads();
    browse_button(&media).emit_clicked();
    assert!(wait_until(10, || b.widget().is_visible()));
    wait_loaded(b, loads);
    assert_eq!(b.model().filter(), Filter::Iso);
    select_pool(b, &pool);
    select_volume(b, "install.iso");
    b.widgets().choose.emit_clicked();
    assert!(wait_until(10, || e.model().is_dirty()));
    e.emit(HardwareEditorMsg::Apply);
    assert!(wait_until(30, || !e.model().busy() && !e.model().is_dirty()));
    assert_eq!(e.model().error(), None);
    let iso = dir.join("install.iso").display().to_string();
    let xml = virsh(d, &["dumpxml", &name, "--inactive"]);
    let cd = xml
        .split("<disk ")
        .find(|s| s.contains("device='cdrom'"))
        .unwrap();
    assert!(cd.contains(&format!("<source file='{iso}'/>")), "{cd}");

    window.destroy();
    pump();
    virsh(d, &["undefine", &name]);
    virsh(d, &["pool-destroy", &pool]);
    virsh(d, &["pool-undefine", &pool]);
    assert_eq!(
        support::criticals(),
        criticals,
        "GLib criticals were logged"
    );
}

/// The Browse button of an entry row.
fn browse_button(row: &adw::EntryRow) -> gtk::Button {
    descendants(row.upcast_ref())
        .into_iter()
        .find_map(|w| {
            w.downcast::<gtk::Button>()
                .ok()
                .filter(|b| b.tooltip_text().as_deref() == Some("Browse…"))
        })
        .expect("no Browse button")
}

#[gtk::test]
fn a_local_file_uploaded_through_the_browser_becomes_a_byte_exact_volume() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    running_pool(&d, "up");
    let local = tempfile::tempdir().unwrap();
    let source = local.path().join("tools.iso");
    let content = noise(5 * MIB + 123, 7);
    std::fs::write(&source, &content).unwrap();
    let (b, outputs) = open_browser(&d, "up");
    assert!(names(&b).is_empty());

    let loads = b.model().loads();
    b.emit(Msg::Upload(source.clone()));
    assert!(wait_until(60, || b.model().activity().is_none()
        && b.model().loads() > loads
        && !b.model().loading()));
    assert_eq!(b.model().error(), None);
    assert!(b.model().notice().unwrap().contains("tools.iso"));
    assert_eq!(virsh_volumes(&d, "up"), ["tools.iso"]);
    // The new volume is listed and selected, ready to be chosen.
    assert_eq!(names(&b), ["tools.iso"]);
    assert_eq!(b.widgets().volumes.selected(), Some(0));
    let back = local.path().join("back");
    virsh(
        &d,
        &[
            "vol-download",
            "tools.iso",
            &back.display().to_string(),
            "--pool",
            "up",
        ],
    );
    assert!(
        std::fs::read(&back).unwrap() == content,
        "the volume differs from the uploaded file"
    );
    let info = virsh(&d, &["vol-info", "tools.iso", "--pool", "up", "--bytes"]);
    assert_eq!(
        field(&info, "Capacity:"),
        format!("{} bytes", content.len())
    );

    b.widgets().choose.emit_clicked();
    assert!(wait_until(10, || !outputs.lock().unwrap().is_empty()));
    match outputs.lock().unwrap().first() {
        Some(VolumeBrowserOutput::Picked(v)) => {
            assert_eq!((v.pool.as_str(), v.name.as_str()), ("up", "tools.iso"));
            assert!(v.path.ends_with("/tools.iso"), "{}", v.path);
        }
        other => panic!("{other:?}"),
    }
    b.widget().destroy();
}

#[gtk::test]
fn a_cancelled_upload_leaves_no_volume_and_says_so() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = running_pool(&d, "cu");
    let local = tempfile::tempdir().unwrap();
    // 1 GiB of data (no holes), long enough to cancel midway.
    let large = local.path().join("large.img");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&large).unwrap());
        let block = noise(MIB, 3);
        for i in 0..1024u32 {
            f.write_all(&i.to_le_bytes()).unwrap();
            f.write_all(&block[4..]).unwrap();
        }
    }
    let (b, _) = open_browser(&d, "cu");
    b.emit(Msg::Upload(large));
    assert!(
        wait_until(60, || b
            .model()
            .activity()
            .and_then(|a| a.progress)
            .is_some_and(|p| p.done > 0)),
        "the upload did not get going: {:?}",
        b.model().error()
    );
    let p = b.model().activity().and_then(|a| a.progress).unwrap();
    assert!(
        p.done < p.total,
        "the upload ended before the cancel: {p:?}"
    );
    assert!(b.widgets().activity.root.is_visible());
    assert!(!b.widgets().choose.is_sensitive() && !b.widgets().upload.is_sensitive());
    b.widgets().activity.cancel.emit_clicked();
    assert!(
        wait_until(60, || b.model().activity().is_none()
            && !b.model().loading()),
        "the cancel did not end the upload"
    );
    assert_eq!(b.model().error(), None);
    let notice = b.model().notice().unwrap().to_owned();
    assert!(
        notice.contains("cancelled") && notice.contains("deleted"),
        "{notice}"
    );
    assert!(b.widgets().status.is_visible());
    assert!(virsh_volumes(&d, "cu").is_empty());
    assert!(!dir.join("large.img").exists());
    assert!(names(&b).is_empty());
    b.widget().destroy();
}
