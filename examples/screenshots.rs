//! The screenshots of the software-centre listing (`data/screenshots/`), taken from the app
//! itself against a private libvirtd with a few VMs on its test driver, with fresh settings.
//!
//! Run it through `scripts/screenshots.sh`, which gives it a display (Xvfb) and root (for the
//! private daemon) and makes the pictures small. By hand:
//! `xvfb-run -a cargo run --example screenshots -- OUT-DIR`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use adw::prelude::*;
use hangar::cli::Options;
use hangar::ui::vm_window::VmPage;
use hangar::ui::{MainWindow, MainWindowMsg};
use relm4::prelude::*;
use testbed::Libvirtd;

/// The pictures' size in logical pixels.
const SIZE: (i32, i32) = (1024, 640);

/// The VMs shown: name, MiB of memory, vCPUs, running.
const VMS: [(&str, u32, u32, bool); 6] = [
    ("build-runner", 4096, 4, true),
    ("db-primary", 8192, 4, true),
    ("debian-testing", 2048, 2, false),
    ("fedora-workstation", 4096, 2, true),
    ("web-frontend", 2048, 2, true),
    ("windows-11", 8192, 4, false),
];

fn node_xml() -> String {
    let mut xml = String::from(
        "<node>\n  <cpu><mhz>3200</mhz><model>x86_64</model><active>16</active><nodes>1</nodes>\
         <sockets>1</sockets><cores>8</cores><threads>2</threads></cpu>\n  \
         <memory>33554432</memory>\n",
    );
    for (name, mib, vcpus, running) in VMS {
        // The test driver's own extension for the state a domain starts in (5: shut off).
        let state = if running { 1 } else { 5 };
        xml.push_str(&format!(
            "  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\
             <name>{name}</name><memory unit='MiB'>{mib}</memory>\
             <vcpu>{vcpus}</vcpu><os><type>hvm</type></os>\
             <test:runstate>{state}</test:runstate></domain>\n"
        ));
    }
    xml.push_str("</node>\n");
    xml
}

/// Turns the main loop until `done` holds or `secs` pass; whether it held.
fn wait_until(secs: u64, mut done: impl FnMut() -> bool) -> bool {
    let ctx = gtk::glib::MainContext::default();
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        while ctx.iteration(false) {}
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Lets the main loop settle (layout, drawing) for `ms`.
fn settle(ms: u64) {
    let end = Instant::now() + Duration::from_millis(ms);
    wait_until(60, || Instant::now() >= end);
}

/// Sizes `window` so that its content (without the frame) is [`SIZE`].
fn fit(window: &impl IsA<gtk::Window>) {
    let window: &gtk::Window = window.upcast_ref();
    window.set_default_size(SIZE.0, SIZE.1);
    window.present();
    assert!(wait_until(10, || window.width() > 0));
    settle(300);
    let (dw, dh) = (SIZE.0 - window.width(), SIZE.1 - window.height());
    window.set_default_size(SIZE.0 + dw, SIZE.1 + dh);
    assert!(
        wait_until(10, || (window.width(), window.height()) == SIZE),
        "{}x{}",
        window.width(),
        window.height()
    );
}

/// Renders `window` as it shows now into `dir/name.png`.
fn save(window: &impl IsA<gtk::Widget>, dir: &Path, name: &str) -> PathBuf {
    settle(500);
    let (w, h) = (window.width(), window.height());
    assert!(w > 0 && h > 0, "{name}: not allocated");
    let paintable = gtk::WidgetPaintable::new(Some(window));
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
    let node = snapshot.to_node().expect("nothing drawn");
    let renderer = window
        .native()
        .and_then(|n| n.renderer())
        .expect("no renderer");
    let texture = renderer.render_texture(&node, None);
    let path = dir.join(format!("{name}.png"));
    texture.save_to_png(&path).unwrap();
    println!("{} ({w}x{h})", path.display());
    path
}

fn main() {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "data/screenshots".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    // Fresh settings and caches: what a first start looks like.
    let home = tempfile::tempdir().unwrap();
    // SAFETY: no other thread runs yet.
    unsafe {
        std::env::set_var("XDG_CONFIG_HOME", home.path().join("config"));
        std::env::set_var("XDG_CACHE_HOME", home.path().join("cache"));
        std::env::set_var("GSETTINGS_BACKEND", "memory");
        std::env::set_var("LANGUAGE", "en");
    }
    gtk::init().expect("a display (run under xvfb-run)");
    hangar::init_resources().unwrap();
    hangar::init_style_without_app();
    hangar::i18n::init();

    let d = Libvirtd::start().expect("a private libvirtd (needs root)");
    let uri = d.fixture_uri("screenshots", &node_xml()).unwrap();

    let main = MainWindow::builder()
        .launch(Options {
            connect: vec![uri.clone()],
            ..Options::default()
        })
        .detach();
    fit(main.widget());
    let conn = main.model().list().connection(&uri).unwrap();
    assert!(
        wait_until(30, || conn.vms().n_items() == VMS.len() as u32),
        "the VMs are listed"
    );
    // A few statistics ticks for the list's CPU figures.
    settle(4000);
    let vm = (0..conn.vms().n_items())
        .filter_map(|i| {
            conn.vms()
                .item(i)
                .and_downcast::<hangar::ui::vm_list::VmObject>()
        })
        .find(|v| v.name() == "fedora-workstation")
        .unwrap();
    main.model().list().clone().select_vm(&vm);
    save(main.widget(), &out, "main-window");

    main.emit(MainWindowMsg::OpenVm(
        uri.clone(),
        vm.uuid(),
        VmPage::Overview,
    ));
    assert!(wait_until(10, || main.model().vm_windows().len() == 1));
    let window = main
        .model()
        .vm_windows()
        .values()
        .next()
        .unwrap()
        .widget()
        .clone();
    fit(&window);
    settle(1000);
    save(&window, &out, "vm-window");
    window.close();
    main.widget().destroy();
}
