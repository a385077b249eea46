//! The main window under a real display (Xvfb): empty state, connections, dialog, rendering.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Once;

use gtk::prelude::*;
use hangar::cli::Options;
use hangar::ui::add_connection::{AddConnection, AddConnectionMsg, AddConnectionOutput};
use hangar::ui::{MainWindow, MainWindowMsg};
use relm4::prelude::*;

/// Points settings and caches at a private directory, once, before GLib reads them.
fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let dir = tempfile::Builder::new()
            .prefix("hangar-gui-")
            .tempdir()
            .unwrap()
            .keep();
        // SAFETY: runs before any other thread of this test process reads the environment.
        unsafe {
            std::env::set_var("XDG_CONFIG_HOME", dir.join("config"));
            std::env::set_var("XDG_CACHE_HOME", dir.join("cache"));
            std::env::set_var("XDG_DATA_HOME", dir.join("data"));
            std::env::set_var("GSETTINGS_BACKEND", "memory");
        }
        hangar::init_resources().unwrap();
        hangar::init_style_without_app();
        hangar::settings::AppSettings::open()
            .unwrap()
            .set_initialized();
    });
}

fn pump() {
    support::drain();
}

/// Renders `widget` into an RGBA texture and returns (width, height, pixels).
fn render(widget: &impl IsA<gtk::Widget>) -> (i32, i32, Vec<u8>) {
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let (w, h) = (widget.width(), widget.height());
    assert!(w > 0 && h > 0, "widget not allocated: {w}x{h}");
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
    let node = snapshot.to_node().expect("nothing drawn");
    let native = widget.native().expect("widget has no native");
    let texture = native
        .renderer()
        .expect("no renderer")
        .render_texture(&node, None);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("main-window.png");
    texture.save_to_png(&path).unwrap();
    let mut pixels = vec![0u8; (w * h * 4) as usize];
    texture.download(&mut pixels, (w * 4) as usize);
    (w, h, pixels)
}

#[gtk::test]
fn empty_state_then_connections() {
    setup();
    // Tests share one settings file: start from nothing saved.
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let window = MainWindow::builder().launch(Options::default()).detach();
    window.widget().present();
    pump();
    assert!(window.model().connection_uris().is_empty());
    assert_eq!(
        window.widgets().stack.visible_child_name().as_deref(),
        Some("empty")
    );

    window.emit(MainWindowMsg::AddConnection("test:///default".into()));
    window.emit(MainWindowMsg::AddConnection("test:///default".into()));
    pump();
    assert_eq!(window.model().connection_uris(), ["test:///default"]);
    assert_eq!(
        window.widgets().stack.visible_child_name().as_deref(),
        Some("connections")
    );

    // What was added survives a restart of the window.
    let again = MainWindow::builder().launch(Options::default()).detach();
    assert_eq!(again.model().connection_uris(), ["test:///default"]);
    again.widget().destroy();

    // The window draws real content: the header bar and the row are not all one colour.
    let (w, h, pixels) = render(window.widget());
    let first = &pixels[0..4];
    let differing = pixels.chunks_exact(4).filter(|p| *p != first).count();
    assert!(
        differing > (w * h / 50) as usize,
        "only {differing} pixels differ"
    );
    window.widget().destroy();
}

#[gtk::test]
fn the_first_start_adds_the_local_connection() {
    setup();
    let settings = hangar::settings::AppSettings::open().unwrap();
    settings.set_connections(&[]);
    settings.gio().reset("initialized");
    assert!(settings.first_start());
    let window = MainWindow::builder().launch(Options::default()).detach();
    pump();
    assert_eq!(
        window.model().connection_uris(),
        [hangar::ui::main_window::local_uri()]
    );
    window.widget().destroy();
    // Only the first start: a user who removed it does not get it back.
    settings.set_connections(&[]);
    let again = MainWindow::builder().launch(Options::default()).detach();
    pump();
    assert!(again.model().connection_uris().is_empty());
    again.widget().destroy();
}

#[gtk::test]
fn command_line_connections_are_listed() {
    setup();
    let options = Options {
        connect: vec!["qemu+ssh://admin@far/system".into()],
        ..Options::default()
    };
    let window = MainWindow::builder().launch(options).detach();
    pump();
    assert!(
        window
            .model()
            .connection_uris()
            .contains(&"qemu+ssh://admin@far/system".to_string())
    );
    window.widget().destroy();
}

#[gtk::test]
fn add_dialog_rejects_malformed_uri_and_accepts_a_good_one() {
    setup();
    let (tx, rx) = std::sync::mpsc::channel();
    let dialog = AddConnection::builder()
        .launch(())
        .connect_receiver(move |_, out| {
            let AddConnectionOutput::Added(uri) = out;
            tx.send(uri).unwrap();
        });
    dialog.emit(AddConnectionMsg::Show);
    pump();
    assert!(dialog.widget().is_visible());
    dialog.emit(AddConnectionMsg::UriChanged(
        "qemu+ftp://host/system".into(),
    ));
    dialog.emit(AddConnectionMsg::Submit);
    pump();
    assert!(rx.try_recv().is_err(), "a malformed URI was accepted");
    assert!(
        dialog.widget().is_visible(),
        "the dialog closed on an error"
    );

    dialog.emit(AddConnectionMsg::UriChanged(
        "qemu+ssh://me@host/system".into(),
    ));
    dialog.emit(AddConnectionMsg::Submit);
    pump();
    assert_eq!(rx.try_recv().unwrap(), "qemu+ssh://me@host/system");
    assert!(!dialog.widget().is_visible());
    dialog.widget().destroy();
}
