//! Migration from the main window by drag and drop, and the dialog's memory options between
//! two private daemons: a VM dropped on another connection's row opens the dialog with that
//! destination chosen (its own connection takes nothing), then moves compressed and with
//! auto-converge, the lists following by events; a VM dragged with the pointer (real X
//! events) onto a connection's row opens the dialog; a throttled migration switches to
//! post-copy from the dialog.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::migrate::{MigrateDialog, MigrateInit, MigrateMsg, MigrateOutput};
use hangar::ui::vm_list::{ConnectionObject, ConnectionStatus, ListRow};
use relm4::prelude::*;
use support::hardware::descendants;
use support::migrate::{domstate, gone, start};
use support::{block, connect, wait_until};
use testbed::Libvirtd;

/// Drops `payload` on the row of the connection to `uri`, as a drag would; whether it took it.
fn drop_on(list: &gtk::ListView, uri: &str, payload: &str) -> bool {
    let row = descendants(list.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<ListRow>().ok())
        .find(|r| {
            r.item()
                .and_downcast::<ConnectionObject>()
                .is_some_and(|c| c.uri() == uri)
        })
        .expect("the connection's row");
    // The list's drop target finds the row under the point.
    let point = row
        .compute_point(list, &gtk::graphene::Point::new(4.0, 4.0))
        .expect("the row inside the list");
    let controllers = list.observe_controllers();
    let target = (0..controllers.n_items())
        .filter_map(|i| controllers.item(i).and_downcast::<gtk::DropTarget>())
        .next()
        .expect("a drop target");
    let value = gtk::glib::BoxedValue(payload.to_value());
    let (x, y) = (f64::from(point.x()), f64::from(point.y()));
    // Hovering, the drag marks the connection's row as a place to drop.
    let action = target.emit_by_name::<gtk::gdk::DragAction>("motion", &[&x, &y]);
    assert_eq!(action, gtk::gdk::DragAction::MOVE);
    assert!(row.state_flags().contains(gtk::StateFlags::DROP_ACTIVE));
    let taken = target.emit_by_name::<bool>("drop", &[&value, &x, &y]);
    assert!(!row.state_flags().contains(gtk::StateFlags::DROP_ACTIVE));
    taken
}

fn dialog_titled(title: &str) -> Option<gtk::Window> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Window>().ok())
        .find(|w| w.title().as_deref() == Some(title) && w.is_visible())
}

fn switch_titled(widgets: &[gtk::Widget], title: &str) -> gtk::Switch {
    widgets
        .iter()
        .filter_map(|w| w.clone().downcast::<adw::ActionRow>().ok())
        .find(|r| r.title() == title)
        .and_then(|r| r.activatable_widget())
        .and_downcast::<gtk::Switch>()
        .expect(title)
}

fn button_labelled(widgets: &[gtk::Widget], label: &str) -> gtk::Button {
    widgets
        .iter()
        .filter_map(|w| w.clone().downcast::<gtk::Button>().ok())
        .find(|b| b.label().as_deref() == Some(label))
        .expect(label)
}

#[gtk::test]
fn dropping_a_vm_on_another_connection_asks_and_migrates_it_compressed() {
    use hangar::cli::Options;
    use hangar::ui::MainWindow;
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let (src, dst) = (Libvirtd::start().unwrap(), Libvirtd::start().unwrap());
    let name = testbed::unique_name("guidrop");
    let uuid = start(&src, &name, 4);
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![src.qemu_uri(), dst.qemu_uri(), src.test_uri()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    let list = window.model().list().clone();
    let conn = list.connection(&src.qemu_uri()).unwrap();
    let dest_conn = list.connection(&dst.qemu_uri()).unwrap();
    let test_conn = list.connection(&src.test_uri()).unwrap();
    assert!(wait_until(30, || conn.vm(&uuid).is_some()
        && dest_conn.connection_status() == ConnectionStatus::Connected
        && test_conn.connection_status() == ConnectionStatus::Connected));
    let payload = hangar::ui::vm_list::payload(&conn.vm(&uuid).unwrap());
    let title = format!("Migrate “{name}”");

    // Its own connection takes nothing and opens nothing.
    assert!(!drop_on(list.widget(), &src.qemu_uri(), &payload));
    support::drain();
    assert!(dialog_titled(&title).is_none());

    // On the test driver's row: the dialog opens with that destination chosen; Cancel closes it.
    assert!(drop_on(list.widget(), &src.test_uri(), &payload));
    let mut dialog = None;
    assert!(wait_until(10, || {
        dialog = dialog_titled(&title);
        dialog.is_some()
    }));
    let widgets = descendants(dialog.unwrap().upcast_ref());
    let dest = widgets
        .iter()
        .find_map(|w| w.clone().downcast::<adw::ComboRow>().ok())
        .unwrap();
    let chosen = dest
        .selected_item()
        .and_downcast::<gtk::StringObject>()
        .unwrap();
    assert_eq!(chosen.string(), "Test driver on this computer");
    button_labelled(&widgets, "_Cancel").emit_clicked();
    assert!(wait_until(10, || dialog_titled(&title).is_none()));

    // On the destination's row: chosen, compressed, auto-converge; nothing moves before Migrate.
    assert!(drop_on(list.widget(), &dst.qemu_uri(), &payload));
    let mut dialog = None;
    assert!(wait_until(10, || {
        dialog = dialog_titled(&title);
        dialog.is_some()
    }));
    let dialog = dialog.unwrap();
    let widgets = descendants(dialog.upcast_ref());
    let dest = widgets
        .iter()
        .find_map(|w| w.clone().downcast::<adw::ComboRow>().ok())
        .unwrap();
    let chosen = dest
        .selected_item()
        .and_downcast::<gtk::StringObject>()
        .unwrap();
    assert_eq!(chosen.string(), "QEMU/KVM on this computer");
    assert_eq!(domstate(&src, &name), "running");
    switch_titled(&widgets, "C_ompress").set_active(true);
    switch_titled(&widgets, "_Auto-converge").set_active(true);
    let entry = widgets
        .iter()
        .find_map(|w| w.clone().downcast::<adw::EntryRow>().ok())
        .unwrap();
    entry.set_text(&dst.migrate_uri());
    button_labelled(&widgets, "_Migrate").emit_clicked();
    // The VM leaves the source's list and shows up in the destination's, by events.
    assert!(wait_until(60, || conn.vm(&uuid).is_none()
        && dest_conn.vm(&uuid).is_some()));
    assert_eq!(domstate(&dst, &name), "running");
    assert!(wait_until(10, || !dialog.is_visible()), "the dialog closes");
    window.widget().close();
}

/// Where `row` is in its window's surface: a point `(dx, dy)` inside it.
fn surface_point(row: &ListRow, dx: f32, dy: f32) -> (f64, f64) {
    let native = row.native().expect("the row is in a window");
    let p = row
        .compute_point(&native, &gtk::graphene::Point::new(dx, dy))
        .expect("the row inside its window");
    let (sx, sy) = native.surface_transform();
    (f64::from(p.x()) + sx, f64::from(p.y()) + sy)
}

/// The list's row showing `item`.
fn row_of(list: &gtk::ListView, item: &gtk::glib::Object) -> ListRow {
    descendants(list.upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<ListRow>().ok())
        .find(|r| r.item().as_ref() == Some(item))
        .expect("the item's row")
}

#[gtk::test]
fn a_vm_dragged_with_the_pointer_onto_a_connection_opens_the_dialog() {
    use hangar::cli::Options;
    use hangar::ui::MainWindow;
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let d = Libvirtd::start().unwrap();
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![d.test_uri(), d.qemu_uri()],
            ..Options::default()
        })
        .detach();
    window.widget().set_default_size(900, 600);
    window.widget().present();
    let list = window.model().list().clone();
    let source = list.connection(&d.test_uri()).unwrap();
    let dest = list.connection(&d.qemu_uri()).unwrap();
    assert!(wait_until(30, || source.vms().n_items() == 1
        && dest.connection_status() == ConnectionStatus::Connected));
    let vm = source.vms().item(0).unwrap();
    let name = vm
        .clone()
        .downcast::<hangar::ui::vm_list::VmObject>()
        .unwrap()
        .name();
    // Rows are drawn (and placed) once the window has shown a frame.
    assert!(wait_until(10, || {
        let rows = descendants(list.widget().upcast_ref());
        rows.iter().any(|w| w.is::<ListRow>() && w.is_drawable())
    }));
    let from = surface_point(&row_of(list.widget(), &vm), 40.0, 10.0);
    let to = surface_point(&row_of(list.widget(), dest.upcast_ref()), 40.0, 10.0);
    let title = window.widget().title().unwrap_or_default().to_string();
    support::keys::drag(&title, from, to);
    let dialog_title = format!("Migrate “{name}”");
    let mut dialog = None;
    assert!(
        wait_until(10, || {
            dialog = dialog_titled(&dialog_title);
            dialog.is_some()
        }),
        "no dialog after dragging from {from:?} to {to:?}"
    );
    let widgets = descendants(dialog.unwrap().upcast_ref());
    let chosen = widgets
        .iter()
        .find_map(|w| w.clone().downcast::<adw::ComboRow>().ok())
        .unwrap()
        .selected_item()
        .and_downcast::<gtk::StringObject>()
        .unwrap();
    assert_eq!(chosen.string(), "QEMU/KVM on this computer");
    button_labelled(&widgets, "_Cancel").emit_clicked();
    assert!(wait_until(10, || dialog_titled(&dialog_title).is_none()));
    window.widget().close();
}

#[gtk::test]
fn a_throttled_migration_switches_to_post_copy_from_the_dialog() {
    support::init_gui();
    let (src, dst) = (Libvirtd::start().unwrap(), Libvirtd::start().unwrap());
    let name = testbed::unique_name("guipost");
    let uuid = start(&src, &name, 24);
    let (dialog, outputs) = support::migrate::dialog(
        ("source", connect(&src.qemu_uri())),
        ("destination", connect(&dst.qemu_uri())),
        &name,
        &uuid,
        &dst.migrate_uri(),
    );
    dialog.model().option_switches()[2].set_active(true);
    // 1 MiB/s through the dialog's limit: 24 MiB of random memory would take long; post-copy
    // does not wait for them.
    let spin = descendants(dialog.widget().upcast_ref())
        .into_iter()
        .find_map(|w| w.downcast::<gtk::SpinButton>().ok())
        .unwrap();
    spin.set_value(1.0);
    assert_eq!(dialog.model().form().options(true).bandwidth_mib, Some(1));
    assert!(dialog.model().form().options(true).post_copy);
    dialog.emit(MigrateMsg::Start);
    let button = dialog.model().post_copy_button().clone();
    assert!(
        wait_until(30, || {
            let (fraction, text) = dialog.model().progress_text();
            fraction > 0.0 && text.contains("MiB to go")
        }),
        "no progress: {:?}",
        dialog.model().progress_text()
    );
    // The dialog's limit holds the copy to about 1 MiB/s (QEMU tells the rate once it has
    // measured some).
    let s = connect(&src.qemu_uri());
    let rate = || {
        let (s, n) = (s.clone(), name.clone());
        block(async move {
            let dom = virt_client::Domain::lookup_by_name(&s, &n).await.ok()?;
            dom.job_stats(0).await.ok()?.memory_bps
        })
    };
    let mut bps = None;
    assert!(
        wait_until(15, || {
            bps = rate();
            bps.is_some()
        }),
        "the job never told its rate"
    );
    assert!(bps.is_some_and(|b| b < 4 << 20), "{bps:?} bytes/s");
    assert!(button.is_visible() && button.is_sensitive());
    button.emit_clicked();
    assert!(
        wait_until(60, || !outputs.borrow().is_empty()),
        "no outcome; status: {:?}",
        dialog.model().status_text()
    );
    assert!(
        matches!(&outputs.borrow()[0], MigrateOutput::Migrated { .. }),
        "{:?}",
        dialog.model().status_text()
    );
    assert_eq!(domstate(&dst, &name), "running");
    assert!(gone(&src, &name));
    dialog.widget().destroy();
}

#[gtk::test]
fn options_that_need_a_running_vm_are_off_for_one_that_does_not_run() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let init = |active| MigrateInit {
        name: "off".into(),
        uuid: "0f9b0c2e-8a51-4c4e-9d7a-2c1f3b1e7a10".into(),
        source_label: "source".into(),
        source: connect(&d.test_uri()),
        active,
        destinations: vec![("destination".into(), connect(&d.test_uri()))],
        chosen: 0,
    };
    let dialog = MigrateDialog::builder().launch(init(false)).detach();
    let widgets = descendants(dialog.widget().upcast_ref());
    for title in ["C_ompress", "_Auto-converge", "Allow _post-copy"] {
        let switch = switch_titled(&widgets, title);
        assert!(!switch.is_sensitive(), "{title} is off");
    }
    let group = widgets
        .iter()
        .find_map(|w| w.clone().downcast::<adw::PreferencesGroup>().ok())
        .unwrap();
    let why = group.description().unwrap_or_default();
    assert!(why.contains("only its definition moves"), "{why}");
    dialog.widget().destroy();

    // Live: post-copy only while the Live switch is on.
    let dialog = MigrateDialog::builder().launch(init(true)).detach();
    let widgets = descendants(dialog.widget().upcast_ref());
    let post = switch_titled(&widgets, "Allow _post-copy");
    post.set_active(true);
    assert!(post.is_sensitive());
    switch_titled(&widgets, "_Live (keep it running)").set_active(false);
    assert!(!post.is_sensitive() && !post.is_active());
    assert!(switch_titled(&widgets, "C_ompress").is_sensitive());
    dialog.widget().destroy();
}
