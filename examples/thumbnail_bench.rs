//! Cost of live thumbnails: the main window on 20 running tiny QEMU (TCG) VMs, all rows on
//! screen, against a private libvirtd (needs root; run under
//! `xvfb-run -a -s "-screen 0 1280x1400x24"` with `GSK_RENDERER=cairo`).
//!
//! `cargo run --release --example thumbnail_bench -- [SECONDS]` : the app's CPU (this
//! process, from /proc/self/stat) over SECONDS (60 by default) with thumbnails off, then on,
//! and libvirtd's over the same windows; the difference is what thumbnails cost, to compare
//! with the target of 1 % of a core. Then the worst case, every screen changing every time:
//! one round of 20 screenshots fetched and decoded on the same code path, as CPU time of this
//! process per interval.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may stop at the first failure

use std::time::{Duration, Instant};

use gtk::prelude::*;
use hangar::cli::Options;
use hangar::ui::thumbnails;
use hangar::ui::vm_list::{ConnectionObject, VmObject};
use hangar::ui::{MainWindow, MainWindowMsg};
use relm4::prelude::*;
use testbed::{Libvirtd, vm};

const VMS: usize = 20;

/// utime + stime of a process in seconds.
fn process_cpu(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split(' ').collect();
    let field = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    (field(11).unwrap_or(0.0) + field(12).unwrap_or(0.0)) / 100.0
}

/// Turns the main loop until `done` or `limit`; whether `done` held.
fn run_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let ctx = gtk::glib::MainContext::default();
    let end = Instant::now() + limit;
    while Instant::now() < end {
        ctx.iteration(true);
        if done() {
            return true;
        }
    }
    false
}

fn vms(conn: &ConnectionObject) -> Vec<VmObject> {
    let store = conn.vms();
    (0..store.n_items())
        .filter_map(|i| store.item(i).and_downcast::<VmObject>())
        .collect()
}

/// Percent of a core this process and libvirtd used over `secs` of the main loop.
fn measure(daemon: &str, secs: u64) -> (f64, f64) {
    let (app0, d0) = (process_cpu("self"), process_cpu(daemon));
    let started = Instant::now();
    run_until(Duration::from_secs(secs), || false);
    let wall = started.elapsed().as_secs_f64();
    (
        (process_cpu("self") - app0) / wall * 100.0,
        (process_cpu(daemon) - d0) / wall * 100.0,
    )
}

fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
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
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_initialized();

    let d = Libvirtd::start().unwrap();
    let uri = d.qemu_uri();
    for i in 0..VMS {
        let name = format!("thumb-{i}");
        let xml = d.dir().join(format!("{name}.xml"));
        // No VNC server (the test daemon has 16 display ports): a screenshot reads the VGA
        // device itself.
        let mut text = vm::tiny_xml_vcpus(&name, 1);
        if let (Some(a), Some(b)) = (text.find("<graphics"), text.find("</graphics>")) {
            text.replace_range(a..b + "</graphics>".len(), "");
        }
        std::fs::write(&xml, text).unwrap();
        d.virsh(&uri, &["create", xml.to_str().unwrap()]).unwrap();
    }
    let daemon = d.pid().map(|p| p.to_string()).unwrap_or_default();

    thumbnails::set_enabled(false);
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![uri.clone()],
            ..Options::default()
        })
        .detach();
    window.widget().set_default_size(1000, 1350);
    window.widget().present();
    let conn = window.model().list().connection(&uri).unwrap();
    assert!(run_until(Duration::from_secs(60), || vms(&conn).len() == VMS));
    // Settle: the first list, the first stats ticks, SeaBIOS reaching its screen.
    run_until(Duration::from_secs(10), || false);
    let (app_off, daemon_off) = measure(&daemon, secs);
    println!("thumbnails off: app {app_off:5.2} % of a core, libvirtd {daemon_off:5.2} %");

    thumbnails::set_enabled(true);
    assert!(
        run_until(Duration::from_secs(60), || vms(&conn)
            .iter()
            .all(|vm| vm.thumbnail().is_some())),
        "not every row got a thumbnail (is the screen tall enough for {VMS} rows?)"
    );
    let taken = thumbnails::screenshots_taken();
    let (app_on, daemon_on) = measure(&daemon, secs);
    let taken = thumbnails::screenshots_taken() - taken;
    println!(
        "thumbnails on:  app {app_on:5.2} % of a core, libvirtd {daemon_on:5.2} % \
         ({taken} screenshots in {secs} s, one per VM every {} s)",
        thumbnails::INTERVAL.as_secs()
    );
    println!(
        "thumbnails cost the app {:+.2} % of a core for {VMS} visible running VMs (target ≤ 1 %), \
         libvirtd {:+.2} %",
        app_on - app_off,
        daemon_on - daemon_off
    );

    // Worst case: every screen changed, so every screenshot is decoded and scaled.
    let connection = window.model().list().connection(&uri).unwrap();
    let names: Vec<String> = vms(&connection).iter().map(VmObject::name).collect();
    let client = {
        let (tx, rx) = std::sync::mpsc::channel();
        let uri = uri.clone();
        relm4::spawn(async move {
            let _ = tx.send(virt_client::Connection::open(&uri).await);
        });
        let mut out = None;
        run_until(Duration::from_secs(30), || {
            out = rx.try_recv().ok();
            out.is_some()
        });
        out.unwrap().unwrap()
    };
    window.emit(MainWindowMsg::Search("no such VM".into()));
    run_until(Duration::from_secs(2), || false);
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let cpu0 = process_cpu("self");
        let (tx, rx) = std::sync::mpsc::channel();
        let (client, names) = (client.clone(), names.clone());
        relm4::spawn(async move {
            let mut size = (0, 0, 0);
            for name in names {
                let dom = virt_client::Domain::lookup_by_name(&client, &name)
                    .await
                    .unwrap();
                let (mime, data) = dom.screenshot(0).await.unwrap();
                let bytes = data.len();
                let t = tokio::task::spawn_blocking(move || {
                    let _ = thumbnails::decode::fingerprint(&data);
                    thumbnails::decode::thumbnail(&mime, &data).unwrap()
                })
                .await
                .unwrap();
                size = (bytes, t.width, t.height);
            }
            let _ = tx.send(size);
        });
        let mut size = None;
        run_until(Duration::from_secs(60), || {
            size = rx.try_recv().ok();
            size.is_some()
        });
        let (bytes, w, h) = size.unwrap();
        let cpu = process_cpu("self") - cpu0;
        rounds.push(cpu);
        if rounds.len() == 1 {
            println!("a screenshot: {bytes} bytes, thumbnail {w}×{h}");
        }
    }
    rounds.sort_by(f64::total_cmp);
    let round = rounds[rounds.len() / 2];
    println!(
        "worst case (every screen changed): {:.1} ms of CPU per round of {VMS}, \
         {:.2} % of a core at one round every {} s",
        round * 1000.0,
        round / thumbnails::INTERVAL.as_secs_f64() * 100.0,
        thumbnails::INTERVAL.as_secs()
    );
    drop(window);
}
