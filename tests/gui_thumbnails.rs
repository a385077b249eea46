//! Live thumbnails in the VM list against QEMU (TCG): a running VM's row shows its screen, a
//! shut-off VM's row shows none, and nothing watches for screens while the window is hidden or
//! no VM on screen runs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests may panic

mod support;

use gtk::prelude::*;
use hangar::cli::Options;
use hangar::session::model::VmState;
use hangar::ui::MainWindow;
use hangar::ui::thumbnails;
use hangar::ui::vm_list::{ConnectionObject, ListRow, VmObject};
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};

fn descendants(w: &gtk::Widget, out: &mut Vec<gtk::Widget>) {
    let mut child = w.first_child();
    while let Some(c) = child {
        out.push(c.clone());
        descendants(&c, out);
        child = c.next_sibling();
    }
}

fn row_of(list: &gtk::ListView, vm: &VmObject) -> Option<ListRow> {
    let mut all = Vec::new();
    descendants(list.upcast_ref(), &mut all);
    all.into_iter()
        .filter_map(|w| w.downcast::<ListRow>().ok())
        .find(|r| {
            r.item()
                .is_some_and(|i| i == *vm.upcast_ref::<gtk::glib::Object>())
        })
}

fn vm_named(conn: &ConnectionObject, name: &str) -> Option<VmObject> {
    let store = conn.vms();
    (0..store.n_items())
        .filter_map(|i| store.item(i).and_downcast::<VmObject>())
        .find(|v| v.name() == name)
}

/// Removes the VMs of the test however it ends.
struct Cleanup(Vec<String>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let d = Libvirtd::shared();
        for name in &self.0 {
            let _ = d.virsh(&d.qemu_uri(), &["destroy", name]);
            let _ = d.virsh(&d.qemu_uri(), &["undefine", name]);
        }
    }
}

#[gtk::test]
fn a_running_vm_shows_its_screen_a_shut_off_one_none() {
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let (running, off) = (unique_name("thumb-run"), unique_name("thumb-off"));
    let _cleanup = Cleanup(vec![running.clone(), off.clone()]);
    for name in [&running, &off] {
        let xml = d.dir().join(format!("{name}.xml"));
        std::fs::write(&xml, vm::tiny_xml(name)).unwrap();
        d.virsh(&uri, &["define", xml.to_str().unwrap()]).unwrap();
    }
    d.virsh(&uri, &["start", &running]).unwrap();

    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![uri.clone()],
            ..Options::default()
        })
        .detach();
    window.widget().set_default_size(900, 600);
    window.widget().present();
    let conn = window.model().list().connection(&uri).unwrap();
    let list = window.model().list().widget().clone();
    assert!(wait_until(30, || vm_named(&conn, &running).is_some()
        && vm_named(&conn, &off).is_some()));
    let (run_vm, off_vm) = (
        vm_named(&conn, &running).unwrap(),
        vm_named(&conn, &off).unwrap(),
    );
    assert_eq!(run_vm.vm_state(), VmState::Running);

    // The running VM's screen arrives in its row, scaled down.
    assert!(
        wait_until(60, || row_of(&list, &run_vm)
            .is_some_and(|r| r.thumbnail().has_picture())),
        "no thumbnail in the running VM's row"
    );
    let texture = run_vm.thumbnail().unwrap();
    assert!(texture.width() > 0 && texture.width() <= thumbnails::decode::MAX_WIDTH as i32);
    assert!(texture.height() > 0 && texture.height() <= thumbnails::decode::MAX_HEIGHT as i32);
    // The row draws a texture of its own size (times the display's scale): nothing to scale.
    let row = row_of(&list, &run_vm).unwrap();
    let small = run_vm.small_thumbnail().unwrap();
    let scale = row.thumbnail().scale_factor();
    assert_ne!(small, texture);
    assert!(small.width() <= thumbnails::ROW_WIDTH as i32 * scale);
    assert!(small.height() <= thumbnails::ROW_HEIGHT as i32 * scale);
    assert!(
        small.width() == thumbnails::ROW_WIDTH as i32 * scale
            || small.height() == thumbnails::ROW_HEIGHT as i32 * scale
    );
    // The shut-off VM has none, and its row shows none.
    let off_row = row_of(&list, &off_vm).expect("the shut-off VM's row");
    assert!(off_vm.thumbnail().is_none());
    assert!(!off_row.thumbnail().has_picture());
    assert!(thumbnails::watching());

    // A hidden window watches nothing; shown again, it watches anew.
    window.widget().set_visible(false);
    support::drain();
    assert!(
        !thumbnails::watching(),
        "a hidden window still watches screens"
    );
    window.widget().present();
    assert!(wait_until(10, thumbnails::watching));

    // Shut off, the VM loses its thumbnail and nothing is watched any more.
    d.virsh(&uri, &["destroy", &running]).unwrap();
    assert!(wait_until(30, || run_vm.vm_state() == VmState::ShutOff));
    assert!(run_vm.thumbnail().is_none());
    support::drain();
    assert!(!row_of(&list, &run_vm).is_some_and(|r| r.thumbnail().has_picture()));
    assert!(
        !thumbnails::watching() && !thumbnails::ticking(),
        "screens are watched with no running VM on screen"
    );
    window.widget().destroy();
    drop(window);
    support::drain();
}
