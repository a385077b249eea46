//! The storage page at size and at rest: a pool of 1,000 volumes listed in time, row for row,
//! and the page open and idle for 20 s using almost no CPU. Both print their figures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use adw::prelude::*;
use hangar::ui::storage::StoragePageMsg as Msg;
use relm4::prelude::*;
use support::storage::{open, running_pool, send, virsh_volumes};
use testbed::Libvirtd;

const VOLUMES: usize = 1000;

/// CPU time (user + system) this process has used.
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, &mut u), 0);
        u
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

#[gtk::test]
fn a_pool_of_a_thousand_volumes_is_listed_in_full_and_in_time() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = running_pool(&d, "big");
    for i in 0..VOLUMES {
        let f = std::fs::File::create(dir.join(format!("vol-{i:04}.img"))).unwrap();
        f.set_len(1 << 20).unwrap();
    }
    d.virsh(&d.qemu_uri(), &["pool-refresh", "big"]).unwrap();
    let listed = virsh_volumes(&d, "big");
    assert_eq!(listed.len(), VOLUMES);

    let started = Instant::now();
    let (win, page) = open(&d);
    let first = started.elapsed();
    let names: Vec<String> = page
        .model()
        .volumes()
        .iter()
        .map(|v| v.name.clone())
        .collect();
    assert_eq!(names, listed);
    let list = page.widgets().volumes.clone();
    assert_eq!(
        list.store.n_items() as usize,
        VOLUMES,
        "one entry per volume"
    );
    assert!(list.view.is_mapped());

    // A reload of the unchanged pool leaves the view's model alone.
    let changes = std::rc::Rc::new(std::cell::Cell::new(0u32));
    let seen = changes.clone();
    let handler = list
        .store
        .connect_items_changed(move |_, _, _, _| seen.set(seen.get() + 1));
    let again = Instant::now();
    send(&page, Msg::Reload);
    let reload = again.elapsed();
    assert_eq!(page.model().volumes().len(), VOLUMES);
    assert_eq!(changes.get(), 0, "an unchanged pool's rows were replaced");
    // One volume more: one change, one entry in.
    std::fs::File::create(dir.join("vol-0500a.img")).unwrap();
    d.virsh(&d.qemu_uri(), &["pool-refresh", "big"]).unwrap();
    send(&page, Msg::Reload);
    assert_eq!(changes.get(), 1);
    assert_eq!(list.store.n_items() as usize, VOLUMES + 1);
    let entry = list
        .store
        .item(501)
        .and_downcast::<gtk::glib::BoxedAnyObject>()
        .unwrap();
    assert_eq!(
        entry.borrow::<hangar::ui::storage::ops::VolumeEntry>().name,
        "vol-0500a.img"
    );
    list.store.disconnect(handler);
    eprintln!(
        "FIGURE storage page, {VOLUMES} volumes: first listing {} ms (connect, pools, volumes, rows), reload {} ms",
        first.as_millis(),
        reload.as_millis()
    );
    assert!(
        reload < Duration::from_secs(10),
        "listing {VOLUMES} volumes took {reload:?}"
    );
    win.destroy();
}

#[gtk::test]
fn an_idle_page_uses_almost_no_cpu() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = running_pool(&d, "idle");
    for i in 0..20 {
        std::fs::File::create(dir.join(format!("v{i}.img"))).unwrap();
    }
    d.virsh(&d.qemu_uri(), &["pool-refresh", "idle"]).unwrap();
    let (win, page) = open(&d);
    assert!(support::wait_until(10, || page.model().volumes().len()
        == 20
        && !page.model().busy()));
    // Let the first frames settle, then measure 20 s of the main loop waiting for events.
    support::drain();
    let ctx = gtk::glib::MainContext::default();
    let done = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = done.clone();
    gtk::glib::timeout_add_local_once(Duration::from_secs(20), move || flag.set(true));
    let (cpu0, wall0) = (cpu_time(), Instant::now());
    while !done.get() {
        ctx.iteration(true);
    }
    let (cpu, wall) = (cpu_time() - cpu0, wall0.elapsed());
    let share = cpu.as_secs_f64() / wall.as_secs_f64() * 100.0;
    eprintln!(
        "FIGURE storage page idle: {} ms CPU in {:.1} s = {share:.2} % of one core",
        cpu.as_millis(),
        wall.as_secs_f64()
    );
    assert!(share < 2.0, "the idle page used {share:.2} % CPU");
    assert_eq!(page.model().error(), None);
    win.destroy();
}
