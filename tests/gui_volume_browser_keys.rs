//! The storage browser and the keyboard alone: real key events (XTEST, through `xdotool` on
//! the test's X server) move through the volumes with the arrows, Enter chooses, Escape closes
//! without a choice. Also: the open browser uses almost no CPU, and a local file is offered on a
//! local connection only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use adw::prelude::*;
use hangar::ui::volume_browser::{
    Filter, VolumeBrowser, VolumeBrowserInit, VolumeBrowserMsg as Msg, VolumeBrowserOutput,
};
use relm4::prelude::*;
use support::browser::{cpu_time, names, open_browser, select_volume, tcp, wait_loaded};
use support::keys::{focus_window, key};
use support::storage::running_pool;
use support::wait_until;
use testbed::Libvirtd;

#[gtk::test]
fn arrows_and_enter_choose_a_volume_and_escape_closes() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = running_pool(&d, "keys");
    for name in ["a.img", "b.img", "c.img"] {
        std::fs::File::create(dir.join(name)).unwrap();
    }
    d.virsh(&d.qemu_uri(), &["pool-refresh", "keys"]).unwrap();
    let (b, outputs) = open_browser(&d, "keys");
    assert_eq!(names(&b), ["a.img", "b.img", "c.img"]);
    focus_window("Choose");
    // The list's first volume has the focus once the list shows volumes: Down goes to the
    // second, Enter chooses it.
    key("Down");
    key("Return");
    assert!(
        wait_until(10, || !outputs.lock().unwrap().is_empty()),
        "Enter chose nothing; the focus is on {:?}",
        gtk::prelude::GtkWindowExt::focus(b.widget()).map(|w| w.type_().name())
    );
    match outputs.lock().unwrap().first() {
        Some(VolumeBrowserOutput::Picked(v)) => assert_eq!(v.name, "b.img"),
        other => panic!("{other:?}"),
    }
    assert!(!b.widget().is_visible());

    // Open again: Escape closes without a choice.
    outputs.lock().unwrap().clear();
    let loads = b.model().loads();
    b.emit(Msg::Open {
        filter: Filter::All,
        title: "Choose".into(),
    });
    wait_loaded(&b, loads);
    focus_window("Choose");
    key("Escape");
    assert!(
        wait_until(10, || !b.widget().is_visible()),
        "Escape did not close"
    );
    assert!(matches!(
        outputs.lock().unwrap().as_slice(),
        [VolumeBrowserOutput::Closed]
    ));
    b.widget().destroy();
}

#[gtk::test]
fn the_open_browser_uses_almost_no_cpu() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = running_pool(&d, "idle");
    for i in 0..20 {
        std::fs::File::create(dir.join(format!("v{i}.img"))).unwrap();
    }
    d.virsh(&d.qemu_uri(), &["pool-refresh", "idle"]).unwrap();
    let (b, _) = open_browser(&d, "idle");
    assert_eq!(names(&b).len(), 20);
    select_volume(&b, "v3.img");
    support::drain();
    let ctx = gtk::glib::MainContext::default();
    let done = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = done.clone();
    gtk::glib::timeout_add_local_once(Duration::from_secs(10), move || flag.set(true));
    let (cpu0, wall0) = (cpu_time(), Instant::now());
    while !done.get() {
        ctx.iteration(true);
    }
    let (cpu, wall) = (cpu_time() - cpu0, wall0.elapsed());
    let share = cpu.as_secs_f64() / wall.as_secs_f64() * 100.0;
    eprintln!(
        "FIGURE storage browser idle: {} ms CPU in {:.1} s = {share:.2} % of one core",
        cpu.as_millis(),
        wall.as_secs_f64()
    );
    assert!(share < 2.0, "the idle browser used {share:.2} % CPU");
    assert!(b.widget().is_visible());
    b.widget().destroy();
}

#[gtk::test]
fn a_local_file_is_a_second_choice_on_a_local_connection_only() {
    support::init_gui();
    let d = Libvirtd::shared();
    for (uri, local) in [(d.qemu_uri(), true), (tcp(d), false)] {
        let b = VolumeBrowser::builder()
            .launch(VolumeBrowserInit {
                conn: support::connect(&uri),
            })
            .detach();
        b.emit(Msg::Open {
            filter: Filter::Disk,
            title: "Choose".into(),
        });
        wait_loaded(&b, 0);
        assert_eq!(b.model().local(), local, "{uri}");
        assert_eq!(b.widgets().local.is_visible(), local, "{uri}");
        // The volumes of the host come first either way.
        assert!(b.widgets().upload.is_visible());
        b.widget().destroy();
    }
}
