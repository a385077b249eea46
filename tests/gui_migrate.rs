//! The migration dialog between two private daemons: a VM moves live and virsh finds it
//! running on the destination; Cancel aborts a slow migration and the dialog says the VM
//! still runs on the source.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::migrate::{MigrateDialog, MigrateMsg, MigrateOutput};
use relm4::prelude::*;
use support::migrate::{domstate, gone, start};
use support::{block, connect, wait_until};
use testbed::Libvirtd;

fn open(
    src: &Libvirtd,
    dst: &Libvirtd,
    name: &str,
    uuid: &str,
) -> (Controller<MigrateDialog>, support::migrate::Outputs) {
    // Two daemons on one machine: the destination's QEMU listens on the loopback address.
    support::migrate::dialog(
        ("source", connect(&src.qemu_uri())),
        ("destination", connect(&dst.qemu_uri())),
        name,
        uuid,
        &dst.migrate_uri(),
    )
}

#[gtk::test]
fn the_dialog_migrates_a_running_vm() {
    support::init_gui();
    let (src, dst) = (Libvirtd::start().unwrap(), Libvirtd::start().unwrap());
    let name = testbed::unique_name("guimig");
    let uuid = start(&src, &name, 4);
    let (dialog, outputs) = open(&src, &dst, &name, &uuid);
    assert_eq!(dialog.model().destination_row().selected(), 0);
    dialog.emit(MigrateMsg::Start);
    assert!(
        wait_until(60, || !outputs.borrow().is_empty()),
        "no outcome; status: {:?}",
        dialog.model().status_text()
    );
    assert!(
        matches!(&outputs.borrow()[0], MigrateOutput::Migrated { name: n, dest } if *n == name && dest == "destination"),
        "{:?} / {:?}",
        outputs.borrow(),
        dialog.model().status_text()
    );
    assert_eq!(domstate(&dst, &name), "running");
    assert!(gone(&src, &name));
    dialog.widget().destroy();
}

#[gtk::test]
fn cancel_aborts_and_the_vm_stays_on_the_source() {
    support::init_gui();
    let (src, dst) = (Libvirtd::start().unwrap(), Libvirtd::start().unwrap());
    let name = testbed::unique_name("guimigc");
    let uuid = start(&src, &name, 24);
    // 1 MiB/s for the next migration: 24 MiB of random memory take long enough to cancel.
    let s = connect(&src.qemu_uri());
    let n = name.clone();
    block(async move {
        let dom = virt_client::Domain::lookup_by_name(&s, &n).await.unwrap();
        dom.migrate_set_max_speed(1).await.unwrap();
    });
    let (dialog, outputs) = open(&src, &dst, &name, &uuid);
    dialog.emit(MigrateMsg::Start);
    assert!(
        wait_until(30, || {
            let (fraction, text) = dialog.model().progress_text();
            fraction > 0.0 && text.contains("MiB to go")
        }),
        "no progress: {:?}",
        dialog.model().progress_text()
    );
    support::drain();
    let shot = support::hardware::screenshot(dialog.widget(), "migrate-dialog-progress");
    assert!(shot.exists());
    dialog.emit(MigrateMsg::Cancel);
    assert!(
        wait_until(30, || dialog.model().status_text().is_some()),
        "no outcome"
    );
    let status = dialog.model().status_text().unwrap();
    support::drain();
    support::hardware::screenshot(dialog.widget(), "migrate-dialog-cancelled");
    assert!(status.contains("still runs on source"), "{status}");
    assert!(!dialog.model().is_running());
    assert!(outputs.borrow().is_empty(), "the dialog stays open");
    assert_eq!(domstate(&src, &name), "running");
    assert!(gone(&dst, &name));
    dialog.widget().destroy();
}

#[gtk::test]
fn the_main_windows_migrate_action_opens_the_dialog_and_moves_the_vm() {
    use hangar::cli::Options;
    use hangar::ui::MainWindow;
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let (src, dst) = (Libvirtd::start().unwrap(), Libvirtd::start().unwrap());
    let name = testbed::unique_name("guimigw");
    let uuid = start(&src, &name, 4);
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![src.qemu_uri(), dst.qemu_uri()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    let conn = window.model().list().connection(&src.qemu_uri()).unwrap();
    assert!(wait_until(30, || conn.vm(&uuid).is_some()));
    window
        .model()
        .list()
        .clone()
        .select_vm(&conn.vm(&uuid).unwrap());
    let dest_conn = window.model().list().connection(&dst.qemu_uri()).unwrap();
    assert!(wait_until(30, || dest_conn.connection_status()
        == hangar::ui::vm_list::ConnectionStatus::Connected));
    let actions = window.model().actions().unwrap().clone();
    // Both connections open: the other one is a destination.
    assert!(
        wait_until(30, || actions.is_enabled("vm-migrate")),
        "Migrate… not enabled"
    );
    actions.activate("vm-migrate");
    let title = format!("Migrate “{name}”");
    let mut dialog = None;
    assert!(wait_until(10, || {
        dialog = gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|w| w.downcast::<gtk::Window>().ok())
            .find(|w| w.title().as_deref() == Some(title.as_str()));
        dialog.is_some()
    }));
    let dialog = dialog.unwrap();
    let widgets = support::hardware::descendants(dialog.upcast_ref());
    let entry = widgets
        .iter()
        .find_map(|w| w.clone().downcast::<adw::EntryRow>().ok())
        .unwrap();
    entry.set_text(&dst.migrate_uri());
    let migrate = widgets
        .iter()
        .filter_map(|w| w.clone().downcast::<gtk::Button>().ok())
        .find(|b| b.label().as_deref() == Some("_Migrate"))
        .unwrap();
    migrate.emit_clicked();
    let status = || {
        widgets
            .iter()
            .filter_map(|w| w.clone().downcast::<gtk::Label>().ok())
            .filter(|l| l.has_css_class("error") && l.is_visible())
            .map(|l| l.label().to_string())
            .collect::<Vec<_>>()
    };
    assert!(
        wait_until(60, || domstate(&dst, &name) == "running"),
        "not running on the destination: {:?}",
        status()
    );
    // The VM leaves the source's list and shows up in the destination's.
    assert!(wait_until(30, || conn.vm(&uuid).is_none()
        && dest_conn.vm(&uuid).is_some()));
    assert!(wait_until(10, || !dialog.is_visible()), "the dialog closes");
    window.widget().close();
}
