//! `storage_bench [RUNS] [VOLUMES]`: the storage page on a pool of VOLUMES volumes (default
//! 1,000) of a private libvirtd (needs root; run under `xvfb-run -a -s "-screen 0 1280x800x24"`
//! with `GSK_RENDERER=cairo`).
//!
//! Times, RUNS times each (default 5), from the request to the first frame painted after the
//! rows are in the list: opening the page (a new page on an open connection: pools, the
//! selected pool's volumes, rows) and reloading it after the pool gained a volume (so the rows
//! change). Prints the medians against the target of 0.5 s.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may stop at the first failure

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use adw::prelude::*;
use hangar::ui::storage::{StoragePage, StoragePageInit, StoragePageMsg};
use relm4::prelude::*;
use testbed::Libvirtd;

const TARGET: Duration = Duration::from_millis(500);

fn init() {
    let dir = tempfile::tempdir().unwrap().keep();
    // SAFETY: nothing else runs yet.
    unsafe {
        std::env::set_var("XDG_CONFIG_HOME", dir.join("config"));
        std::env::set_var("XDG_CACHE_HOME", dir.join("cache"));
        std::env::set_var("GSETTINGS_BACKEND", "memory");
    }
    gtk::init().unwrap();
    hangar::init_resources().unwrap();
    hangar::init_style_without_app();
}

/// Runs the main loop until `done` holds (at most 60 s). Polls: results from the runtime's
/// threads may arrive without waking the main loop.
fn run_until(mut done: impl FnMut() -> bool) {
    let ctx = gtk::glib::MainContext::default();
    let start = Instant::now();
    loop {
        while ctx.iteration(false) {}
        if done() {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "timed out");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Runs the main loop until `widget`'s window paints a frame.
fn until_painted(widget: &impl IsA<gtk::Widget>) {
    let clock = widget
        .frame_clock()
        .expect("a mapped widget has a frame clock");
    let painted = Rc::new(Cell::new(false));
    let p = painted.clone();
    let id = clock.connect_after_paint(move |_| p.set(true));
    widget.queue_draw();
    run_until(|| painted.get());
    clock.disconnect(id);
}

fn connect(uri: &str) -> virt_client::Connection {
    let (tx, rx) = std::sync::mpsc::channel();
    let uri = uri.to_string();
    relm4::spawn(async move {
        let _ = tx.send(virt_client::Connection::open(&uri).await);
    });
    let mut out = None;
    run_until(|| {
        out = rx.try_recv().ok();
        out.is_some()
    });
    out.unwrap().unwrap()
}

/// Opens a page in a window and returns the time until its rows were painted.
fn open(
    conn: &virt_client::Connection,
    volumes: usize,
) -> (adw::Window, Controller<StoragePage>, Duration) {
    let start = Instant::now();
    let page = StoragePage::builder()
        .launch(StoragePageInit { conn: conn.clone() })
        .detach();
    let win = adw::Window::new();
    win.set_default_size(1000, 760);
    win.set_content(Some(page.widget()));
    win.present();
    run_until(|| {
        page.model().loads() > 0 && !page.model().busy() && page.model().volumes().len() >= volumes
    });
    let list = page.widgets().volumes.view.clone();
    until_painted(&list);
    (win, page, start.elapsed())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let volumes: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    init();
    let d = Libvirtd::start().unwrap();
    let uri = d.qemu_uri();
    let dir = d.dir().join("big");
    let path = dir.display().to_string();
    d.virsh(&uri, &["pool-define-as", "big", "dir", "--target", &path])
        .unwrap();
    d.virsh(&uri, &["pool-build", "big"]).unwrap();
    d.virsh(&uri, &["pool-start", "big"]).unwrap();
    for i in 0..volumes {
        let f = std::fs::File::create(dir.join(format!("vol-{i:04}.img"))).unwrap();
        f.set_len(1 << 20).unwrap();
    }
    d.virsh(&uri, &["pool-refresh", "big"]).unwrap();
    let conn = connect(&uri);

    let mut opens = Vec::new();
    let mut reloads = Vec::new();
    for run in 0..runs {
        let (win, page, took) = open(&conn, volumes);
        opens.push(took);
        // One volume more, so the reload changes the rows.
        std::fs::File::create(dir.join(format!("vol-{run:04}a.img"))).unwrap();
        d.virsh(&uri, &["pool-refresh", "big"]).unwrap();
        let want = page.model().volumes().len() + 1;
        let before = page.model().loads();
        let start = Instant::now();
        page.emit(StoragePageMsg::Reload);
        run_until(|| {
            page.model().loads() > before
                && !page.model().busy()
                && page.model().volumes().len() == want
        });
        until_painted(&page.widgets().volumes.view.clone());
        reloads.push(start.elapsed());
        win.destroy();
        drop(page);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let verdict = |d: Duration| if d <= TARGET { "" } else { "  ABOVE TARGET" };
    let (o, r) = (median(opens.clone()), median(reloads.clone()));
    println!(
        "storage page, {volumes} volumes, {runs} runs (target ≤ {} ms):",
        TARGET.as_millis()
    );
    println!(
        "  open to rows drawn   median {:>7.1} ms  (all: {:?}){}",
        ms(o),
        opens.iter().map(|d| ms(*d).round()).collect::<Vec<_>>(),
        verdict(o)
    );
    println!(
        "  reload to rows drawn median {:>7.1} ms  (all: {:?}){}",
        ms(r),
        reloads.iter().map(|d| ms(*d).round()).collect::<Vec<_>>(),
        verdict(r)
    );
}
