//! The host window's storage page against a private daemon, with `virsh` as the oracle: the
//! pools and volumes it lists, a directory pool made through its form, the pool actions, new,
//! grown and deleted volumes, bad input refused with nothing changed, pools changed behind its
//! back shown through pool events, and `--show-host-storage` opening it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::cli::Options;
use hangar::ui::host_window::HostPage;
use hangar::ui::main_window::MainWindow;
use hangar::ui::storage::ops::{self, PoolOp};
use hangar::ui::storage::{Question, StoragePageMsg as Msg};
use relm4::prelude::*;
use support::storage::{
    act, field, open, pool_dir, pool_names, running_pool, select_pool, select_volume, send,
    virsh_pools, virsh_volumes, volume_names,
};
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};

/// Answers “no” to the question on screen.
fn decline(page: &relm4::Controller<hangar::ui::storage::StoragePage>) {
    page.emit(Msg::Respond(false));
    assert!(wait_until(5, || page.model().question().is_none()));
}

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

#[gtk::test]
fn the_page_lists_what_virsh_lists_and_makes_a_dir_pool_through_its_form() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    running_pool(&d, "alpha");
    let beta = pool_dir(&d, "beta").display().to_string();
    virsh(&d, &["pool-define-as", "beta", "dir", "--target", &beta]);
    virsh(
        &d,
        &[
            "vol-create-as",
            "alpha",
            "one.qcow2",
            "1G",
            "--format",
            "qcow2",
        ],
    );
    virsh(
        &d,
        &[
            "vol-create-as",
            "alpha",
            "two.img",
            "10M",
            "--format",
            "raw",
        ],
    );

    let criticals = support::criticals();
    let (win, page) = open(&d);
    assert_eq!(pool_names(&page), virsh_pools(&d));
    let state = |name: &str| {
        let p = page
            .model()
            .pools()
            .iter()
            .find(|p| p.name == name)
            .cloned();
        p.unwrap()
    };
    assert!(state("alpha").active() && !state("beta").active());
    assert_eq!(state("alpha").kind, "dir");
    assert_eq!(page.model().selected_pool(), Some("alpha"));
    assert_eq!(volume_names(&page), virsh_volumes(&d, "alpha"));
    let formats: Vec<String> = page
        .model()
        .volumes()
        .iter()
        .map(|v| v.format.clone())
        .collect();
    assert_eq!(formats, ["qcow2", "raw"]);
    assert_eq!(page.model().volumes()[0].capacity, 1 << 30);
    support::hardware::screenshot(&win, "storage-page");

    // A directory pool through the form.
    let name = unique_name("st-pool");
    let dir = pool_dir(&d, &name);
    let forms = page.widgets().forms.clone();
    forms.pool_name.set_text(&name);
    forms.pool_path.set_text(&dir.display().to_string());
    act(&page, || forms.create_pool.emit_clicked());
    assert_eq!(page.model().error(), None);
    let info = virsh(&d, &["pool-info", &name]);
    assert_eq!(field(&info, "State:"), "running");
    assert_eq!(field(&info, "Autostart:"), "yes");
    assert!(dir.is_dir());
    assert_eq!(pool_names(&page), virsh_pools(&d));
    assert_eq!(page.model().selected_pool(), Some(name.as_str()));

    // Bad input: a taken name, an empty name, a relative path; nothing changes.
    let before = virsh_pools(&d);
    for (n, p, expect) in [
        ("alpha", "/tmp/elsewhere", "already exists"),
        ("", "/tmp/elsewhere", "Enter a name"),
        ("gamma", "relative/dir", "absolute path"),
    ] {
        forms.pool_name.set_text(n);
        forms.pool_path.set_text(p);
        act(&page, || forms.create_pool.emit_clicked());
        let e = page.model().error().expect("no error shown").to_owned();
        assert!(e.contains(expect), "{e}");
        assert!(page.widgets().error.is_visible());
        assert_eq!(virsh_pools(&d), before);
    }
    page.emit(Msg::DismissError);
    assert!(wait_until(5, || !page.widgets().error.is_visible()));
    assert_eq!(page.model().selected_pool(), Some(name.as_str()));
    assert_eq!(
        support::criticals(),
        criticals,
        "GLib criticals were logged"
    );
    win.destroy();
}

#[gtk::test]
fn start_stop_autostart_delete_and_undefine_reach_the_daemon() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = pool_dir(&d, "pa");
    virsh(
        &d,
        &[
            "pool-define-as",
            "pa",
            "dir",
            "--target",
            &dir.display().to_string(),
        ],
    );
    virsh(&d, &["pool-build", "pa"]);
    let (win, page) = open(&d);
    select_pool(&page, "pa");
    let forms = page.widgets().forms.clone();
    assert!(forms.start.is_sensitive() && !forms.stop.is_sensitive());

    act(&page, || forms.start.emit_clicked());
    assert_eq!(field(&virsh(&d, &["pool-info", "pa"]), "State:"), "running");
    assert!(forms.stop.is_sensitive() && !forms.delete_pool.is_sensitive());
    act(&page, || forms.refresh.emit_clicked());
    assert_eq!(page.model().error(), None);

    // The autostart switch in the pool's row.
    let row = page.widgets().pools.row_at_index(0).unwrap();
    let switch = support::hardware::descendants(row.upcast_ref())
        .into_iter()
        .find_map(|w| w.downcast::<gtk::Switch>().ok())
        .expect("no autostart switch");
    act(&page, || switch.set_active(true));
    assert_eq!(field(&virsh(&d, &["pool-info", "pa"]), "Autostart:"), "yes");
    assert!(page.model().pools()[0].autostart);

    act(&page, || forms.stop.emit_clicked());
    assert_eq!(
        field(&virsh(&d, &["pool-info", "pa"]), "State:"),
        "inactive"
    );

    // Delete (the empty directory) and undefine ask first; "no" changes nothing.
    page.emit(Msg::Pool(PoolOp::Delete));
    assert!(wait_until(5, || page.model().question()
        == Some(&Question::DeletePool("pa".into()))));
    decline(&page);
    assert!(dir.is_dir());
    page.emit(Msg::Pool(PoolOp::Delete));
    assert!(wait_until(5, || page.model().question().is_some()));
    send(&page, Msg::Respond(true));
    assert_eq!(page.model().error(), None);
    assert!(!dir.exists(), "the pool's directory is still there");
    assert_eq!(virsh_pools(&d), ["pa"]);

    page.emit(Msg::Pool(PoolOp::Undefine));
    assert!(wait_until(5, || page.model().question().is_some()));
    decline(&page);
    assert_eq!(virsh_pools(&d), ["pa"]);
    // This time through the dialog's own button.
    page.emit(Msg::Pool(PoolOp::Undefine));
    assert!(wait_until(5, || page.model().question().is_some()));
    let dialog = gtk::Window::list_toplevels()
        .into_iter()
        .find_map(|w| {
            w.downcast::<adw::MessageDialog>()
                .ok()
                .filter(|d| d.is_visible())
        })
        .expect("no question on screen");
    assert_eq!(dialog.heading().as_deref(), Some("Undefine “pa”?"));
    act(&page, || dialog.response("accept"));
    assert!(virsh_pools(&d).is_empty());
    assert!(page.model().pools().is_empty());
    win.destroy();
}

#[gtk::test]
fn volumes_are_made_grown_and_deleted_and_bad_input_changes_nothing() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    running_pool(&d, "vp");
    let (win, page) = open(&d);
    select_pool(&page, "vp");
    let forms = page.widgets().forms.clone();

    // qcow2, 1 GiB.
    forms.volume_name.set_text("disk.qcow2");
    forms.volume_format.set_selected(0);
    forms.volume_size.set_value(1.0);
    act(&page, || forms.create_volume.emit_clicked());
    assert_eq!(page.model().error(), None);
    let info = virsh(&d, &["vol-info", "disk.qcow2", "--pool", "vp"]);
    assert_eq!(field(&info, "Capacity:"), "1.00 GiB");
    let xml = virsh(&d, &["vol-dumpxml", "disk.qcow2", "--pool", "vp"]);
    assert!(xml.contains("<format type='qcow2'/>"), "{xml}");
    assert_eq!(volume_names(&page), ["disk.qcow2"]);

    // An overlay on it.
    forms.volume_name.set_text("overlay.qcow2");
    forms.volume_backing.set_selected(1);
    act(&page, || forms.create_volume.emit_clicked());
    assert_eq!(page.model().error(), None);
    let xml = virsh(&d, &["vol-dumpxml", "overlay.qcow2", "--pool", "vp"]);
    assert!(
        xml.contains("<backingStore>") && xml.contains("disk.qcow2</path>"),
        "{xml}"
    );
    forms.volume_backing.set_selected(0);

    // Bad input: a taken name, no name, more than the pool has free.
    for (name, gib, expect) in [
        ("disk.qcow2", 1.0, "already has a volume"),
        ("", 1.0, "Enter a name"),
        ("huge.qcow2", 1_000_000.0, "does not fit"),
    ] {
        let before = virsh_volumes(&d, "vp");
        forms.volume_name.set_text(name);
        forms.volume_size.set_value(gib);
        act(&page, || forms.create_volume.emit_clicked());
        let e = page.model().error().expect("no error shown").to_owned();
        assert!(e.contains(expect), "{e}");
        assert_eq!(virsh_volumes(&d, "vp"), before);
    }

    // Grow to 2 GiB; shrinking is refused.
    select_volume(&page, "disk.qcow2");
    forms.resize_size.set_value(2.0);
    act(&page, || forms.resize.emit_clicked());
    assert_eq!(page.model().error(), None);
    let info = virsh(&d, &["vol-info", "disk.qcow2", "--pool", "vp"]);
    assert_eq!(field(&info, "Capacity:"), "2.00 GiB");
    forms.resize_size.set_value(1.0);
    act(&page, || forms.resize.emit_clicked());
    assert!(page.model().error().unwrap().contains("only grow"));
    let info = virsh(&d, &["vol-info", "disk.qcow2", "--pool", "vp"]);
    assert_eq!(field(&info, "Capacity:"), "2.00 GiB");

    // A volume a defined VM uses: shown, and deleted only when confirmed.
    let path = page.model().volumes()[0].path.clone();
    let vm_name = unique_name("st-vm");
    let xml = vm::tiny_xml(&vm_name).replace(
        "  </devices>",
        &format!(
            "    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{path}'/><target dev='vda' bus='virtio'/></disk>\n    <disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source pool='vp' volume='overlay.qcow2'/><target dev='vdb' bus='virtio'/></disk>\n  </devices>"
        ),
    );
    let file = d.dir().join(format!("{vm_name}.xml"));
    std::fs::write(&file, xml).unwrap();
    virsh(&d, &["define", &file.display().to_string()]);
    send(&page, Msg::Reload);
    // By path and, for the second disk, by pool and volume name.
    assert_eq!(page.model().volumes()[0].users, [vm_name.as_str()]);
    assert_eq!(page.model().volumes()[1].users, [vm_name.as_str()]);
    // Without the confirmation, deleting is refused below the page too.
    let overlay = page.model().volumes()[1].path.clone();
    for p in [path.clone(), overlay] {
        let conn = support::connect(&d.qemu_uri());
        let refused = support::block(async move { ops::delete_volume(&conn, &p, false).await });
        let e = refused.unwrap_err();
        assert!(e.contains("is used by") && e.contains(&vm_name), "{e}");
    }
    assert_eq!(virsh_volumes(&d, "vp"), ["disk.qcow2", "overlay.qcow2"]);
    select_volume(&page, "disk.qcow2");
    page.emit(Msg::DeleteVolume);
    assert!(wait_until(5, || matches!(
        page.model().question(),
        Some(Question::DeleteVolume { users, .. }) if users.len() == 1 && users[0] == vm_name
    )));
    decline(&page);
    assert!(virsh_volumes(&d, "vp").contains(&"disk.qcow2".to_owned()));
    page.emit(Msg::DeleteVolume);
    assert!(wait_until(5, || page.model().question().is_some()));
    send(&page, Msg::Respond(true));
    assert_eq!(page.model().error(), None);
    assert_eq!(virsh_volumes(&d, "vp"), ["overlay.qcow2"]);
    assert_eq!(volume_names(&page), ["overlay.qcow2"]);

    // An unused one goes after the plain question.
    virsh(&d, &["undefine", &vm_name]);
    send(&page, Msg::Reload);
    select_volume(&page, "overlay.qcow2");
    page.emit(Msg::DeleteVolume);
    assert!(wait_until(5, || matches!(
        page.model().question(),
        Some(Question::DeleteVolume { users, .. }) if users.is_empty()
    )));
    send(&page, Msg::Respond(true));
    assert!(virsh_volumes(&d, "vp").is_empty());
    win.destroy();
}

#[gtk::test]
fn pools_changed_with_virsh_show_up_through_events() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let (win, page) = open(&d);
    assert!(
        wait_until(10, || matches!(page.model().events().0, Some(Ok(())))),
        "pool events are not subscribed: {:?}",
        page.model().events()
    );
    assert!(page.model().pools().is_empty());
    // No reload is asked for: only events tell the page.
    running_pool(&d, "outside");
    assert!(
        wait_until(20, || pool_names(&page) == ["outside"]
            && page.model().pools()[0].active()),
        "{:?}",
        page.model().pools()
    );
    virsh(&d, &["pool-destroy", "outside"]);
    assert!(wait_until(20, || page
        .model()
        .pools()
        .first()
        .is_some_and(|p| !p.active())));
    virsh(&d, &["pool-undefine", "outside"]);
    assert!(wait_until(20, || page.model().pools().is_empty()));
    assert!(page.model().events().1 >= 3);
    win.destroy();
}

#[gtk::test]
fn show_host_storage_opens_the_storage_page_of_the_first_connection() {
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let d = Libvirtd::start().unwrap();
    running_pool(&d, "cli");
    let main = MainWindow::builder()
        .launch(Options {
            connect: vec![d.qemu_uri()],
            show_host_storage: true,
            ..Options::default()
        })
        .detach();
    main.widget().present();
    assert!(wait_until(30, || main.model().host_windows().len() == 1));
    let loaded = || {
        let m = main.model();
        let w = m.host_windows().values().next().unwrap();
        w.page() == HostPage::Storage
            && w.storage()
                .is_some_and(|s| s.model().loads() > 0 && !s.model().busy())
    };
    assert!(
        wait_until(30, loaded),
        "the storage page is not shown loaded"
    );
    let m = main.model();
    let w = m.host_windows().values().next().unwrap();
    let names: Vec<String> = w
        .storage()
        .unwrap()
        .model()
        .pools()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names, ["cli"]);
    // The screenshot turns the main loop: the main window's model must not be held meanwhile.
    let window = w.window().clone();
    drop(m);
    support::hardware::screenshot(&window, "host-storage");
    window.destroy();
    main.widget().destroy();
}

#[gtk::test]
fn after_the_daemon_restarts_the_page_works_on_the_new_connection() {
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let d = Libvirtd::start().unwrap();
    let main = MainWindow::builder()
        .launch(Options {
            connect: vec![d.qemu_uri()],
            show_host_storage: true,
            ..Options::default()
        })
        .detach();
    main.widget().present();
    let page_state = || {
        let m = main.model();
        m.host_windows().values().next().and_then(|w| {
            w.storage().map(|s| {
                let s = s.model();
                (
                    s.loads(),
                    s.busy(),
                    s.events().0.cloned(),
                    s.error().map(str::to_owned),
                )
            })
        })
    };
    assert!(wait_until(30, || page_state().is_some_and(
        |(n, busy, ev, _)| n > 0 && !busy && ev == Some(Ok(()))
    )));
    let loads = page_state().unwrap().0;

    d.restart().unwrap();
    // Reconnected: the page reloads and subscribes again, and events of the new connection
    // reach it.
    assert!(
        wait_until(90, || page_state().is_some_and(|(n, busy, ev, error)| n
            > loads
            && !busy
            && ev == Some(Ok(()))
            && error.is_none())),
        "the page did not follow the new connection: {:?}",
        page_state()
    );
    running_pool(&d, "afterwards");
    let names = || {
        let m = main.model();
        let w = m.host_windows().values().next().unwrap();
        let s = w.storage().unwrap().model();
        s.pools().iter().map(|p| p.name.clone()).collect::<Vec<_>>()
    };
    assert!(
        wait_until(20, || names() == ["afterwards"]),
        "{:?}",
        names()
    );
    main.widget().destroy();
}
