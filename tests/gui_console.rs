//! The console widgets under a real display (Xvfb): the VNC display against QEMU (SeaBIOS on a
//! TCG VM of the private libvirtd) and against a small in-test RFB server that records what
//! the widget sends; the serial console fed with bytes and typed into.

// Test helpers outside `#[test]` functions panic on purpose too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use gtk::prelude::*;
use hangar::widgets::screen::SessionSignals;
use hangar::widgets::serial_console::SerialConsole;
use hangar::widgets::vnc_display::{DisplayState, KeyCombo, Scaling, VncDisplay};
use rfb_server::{ClientMsg, MiniServer, ServerOptions};

fn setup() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: runs before any other thread of this test process reads the environment.
        unsafe {
            std::env::set_var("GSETTINGS_BACKEND", "memory");
        }
        hangar::init_resources().unwrap();
        hangar::init_style_without_app();
    });
}

/// Runs the main loop until `done` holds or `timeout` passes; returns whether it held.
fn pump_until(timeout: Duration, done: impl FnMut() -> bool) -> bool {
    let ctx = gtk::glib::MainContext::default();
    testbed::wait::until_with(timeout, || while ctx.iteration(false) {}, done)
}

/// Runs the main loop until it is idle (see [`support::drain`]).
fn pump() {
    support::drain();
}

/// Runs the main loop until the mini server's log has stopped growing, so what the display
/// sent has arrived; the log's length.
fn server_settled(server: &MiniServer) -> usize {
    support::settled(5, Duration::from_millis(150), || server.log().len())
        .expect("the server's log keeps growing")
}

/// Renders `widget` to `name`.png in the target's temporary directory; returns the path and
/// the RGBA pixels.
fn render(widget: &impl IsA<gtk::Widget>, name: &str) -> (std::path::PathBuf, i32, i32, Vec<u8>) {
    let (w, h) = (widget.width(), widget.height());
    assert!(w > 0 && h > 0, "widget not allocated: {w}x{h}");
    // A widget paintable shows the widget's last frame; a `queue_draw` (a framebuffer update)
    // drops it until the next frame is drawn, so wait for one.
    let mut node = None;
    pump_until(Duration::from_secs(5), || {
        let paintable = gtk::WidgetPaintable::new(Some(widget));
        let snapshot = gtk::Snapshot::new();
        paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
        node = snapshot.to_node();
        node.is_some()
    });
    let node = node.expect("nothing drawn");
    let native = widget.native().expect("widget has no native");
    let texture = native
        .renderer()
        .expect("no renderer")
        .render_texture(&node, None);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"));
    texture.save_to_png(&path).unwrap();
    let mut pixels = vec![0u8; (w * h * 4) as usize];
    texture.download(&mut pixels, (w * 4) as usize);
    (path, w, h, pixels)
}

fn window_with(child: &impl IsA<gtk::Widget>, w: i32, h: i32) -> gtk::Window {
    let window = gtk::Window::builder()
        .default_width(w)
        .default_height(h)
        .child(child)
        .build();
    window.present();
    window
}

/// The GDK key code of `keyval` on this display's keymap.
fn keycode_of(keyval: gtk::gdk::Key) -> u32 {
    let display = gtk::gdk::Display::default().unwrap();
    let keys = display
        .map_keyval(keyval)
        .expect("keyval not on the keymap");
    keys.iter().map(|k| k.keycode()).min().unwrap()
}

/// The pointer events the server got: (buttons, x, y).
fn pointer_events(server: &MiniServer) -> Vec<(u8, u16, u16)> {
    server
        .log()
        .into_iter()
        .filter_map(|m| match m {
            ClientMsg::Pointer { mask, x, y } => Some((mask, x, y)),
            _ => None,
        })
        .collect()
}

/// Maps a pixel of the mini server's 64x48 framebuffer to the widget point at its centre,
/// for a display that fits the picture to itself.
fn widget_point(display: &VncDisplay) -> impl Fn(f64, f64) -> (f64, f64) {
    let (w, h) = (f64::from(display.width()), f64::from(display.height()));
    let scale = (w / 64.0).min(h / 48.0);
    let (ox, oy) = (
        ((w - 64.0 * scale) / 2.0).round(),
        ((h - 48.0 * scale) / 2.0).round(),
    );
    move |fx, fy| (ox + (fx + 0.5) * scale, oy + (fy + 0.5) * scale)
}

/// A display in a `width`×`height` window, connected to a new mini server with `options`.
fn connected(
    options: ServerOptions,
    width: i32,
    height: i32,
) -> (MiniServer, VncDisplay, gtk::Window) {
    setup();
    let server = MiniServer::start(options);
    let display = VncDisplay::new();
    let window = window_with(&display, width, height);
    connect_to(&server, &display);
    (server, display, window)
}

fn connect_to(server: &MiniServer, display: &VncDisplay) {
    display.open_host("127.0.0.1", server.port).unwrap();
    assert!(
        pump_until(Duration::from_secs(10), || display
            .framebuffer_size()
            .is_some()),
        "no framebuffer; state {:?}",
        display.state()
    );
}

#[gtk::test]
fn connects_and_draws_the_servers_frame() {
    setup();
    let server = MiniServer::start(ServerOptions {
        cursor: true,
        ..Default::default()
    });
    let display = VncDisplay::new();
    let window = window_with(&display, 640, 480);
    assert_eq!(display.state(), DisplayState::Idle);
    connect_to(&server, &display);
    assert_eq!(display.framebuffer_size(), Some((64, 48)));
    assert_eq!(
        display.state(),
        DisplayState::Connected {
            width: 64,
            height: 48
        }
    );
    // Our pixel format went to the server: 32 bits per pixel.
    assert!(pump_until(Duration::from_secs(5), || {
        display.pixel(5, 5) == Some((255, 0, 0))
    }));
    assert!(
        server
            .log()
            .contains(&ClientMsg::PixelFormat { bpp: 32, depth: 24 })
    );
    assert_eq!(display.pixel(60, 40), Some((0, 0, 255)));
    assert_eq!(display.pixel(64, 0), None);

    // The guest's cursor shape becomes the widget's cursor.
    assert!(pump_until(Duration::from_secs(5), || display
        .cursor()
        .is_some()));
    let cursor = display.cursor().unwrap();
    let texture = cursor.texture().expect("not a texture cursor");
    assert_eq!((texture.width(), texture.height()), (4, 4));
    assert_eq!((cursor.hotspot_x(), cursor.hotspot_y()), (1, 2));

    // The widget draws it scaled to fit: red on the left, blue on the right.
    pump();
    let (path, w, h, px) = render(&display, "vnc-mini-server");
    // Downloaded textures are B, G, R, A in memory.
    let at = |x: i32, y: i32| {
        let i = ((y * w + x) * 4) as usize;
        (px[i + 2], px[i + 1], px[i])
    };
    let (r, _, b) = at(w / 4, h / 2);
    assert!(
        r > 200 && b < 50,
        "left is not red: {:?} in {}",
        at(w / 4, h / 2),
        path.display()
    );
    let (r, _, b) = at(w * 3 / 4, h / 2);
    assert!(b > 200 && r < 50, "right is not blue in {}", path.display());

    // Screenshots are PNGs of the framebuffer's size.
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("vnc-mini-shot.png");
    display.save_screenshot(&shot).unwrap();
    let texture = gtk::gdk::Texture::from_filename(&shot).unwrap();
    assert_eq!((texture.width(), texture.height()), (64, 48));

    display.close();
    assert_eq!(display.state(), DisplayState::Disconnected { reason: None });
    assert_eq!(display.framebuffer_size(), None);
    assert!(display.save_screenshot(&shot).is_err());
    window.destroy();
}

#[gtk::test]
fn screenshot_dialog_proposes_a_name_and_writes_the_framebuffer() {
    use hangar::ui::vm_window::console::screenshot;
    setup();
    let server = MiniServer::start(ServerOptions::default());
    let display = VncDisplay::new();
    let window = window_with(&display, 320, 240);
    // Nothing to save before the display shows a picture.
    assert!(screenshot::dialog(&display, "vm", |_| {}).is_none());
    connect_to(&server, &display);
    assert!(pump_until(Duration::from_secs(5), || {
        display.pixel(5, 5) == Some((255, 0, 0))
    }));

    let time = gtk::glib::DateTime::from_local(2026, 3, 4, 5, 6, 7.0).unwrap();
    assert_eq!(
        screenshot::proposed_name("web/1", &time),
        "web_1-2026-03-04-050607.png"
    );
    let result = std::rc::Rc::new(std::cell::RefCell::new(None));
    let r = result.clone();
    let chooser = screenshot::dialog(&display, "guest", move |res| {
        r.replace(Some(res));
    })
    .expect("no dialog for a connected display");
    // It proposes <vm>-<timestamp>.png in the Pictures folder.
    let name = chooser.current_name().unwrap().to_string();
    assert!(
        name.starts_with("guest-20") && name.ends_with(".png") && name.len() == "guest-".len() + 21,
        "proposed {name}"
    );
    chooser.show();
    assert!(pump_until(Duration::from_secs(5), || chooser
        .current_folder()
        .is_some()));
    assert_eq!(
        chooser.current_folder().and_then(|f| f.path()),
        Some(screenshot::pictures_dir())
    );
    assert_eq!(chooser.current_name().unwrap(), name);
    // The user picks another place and accepts.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("vnc-dialog-shot.png");
    let _ = std::fs::remove_file(&path);
    chooser
        .set_current_folder(Some(&gtk::gio::File::for_path(dir)))
        .unwrap();
    chooser.set_current_name("vnc-dialog-shot.png");
    pump();
    chooser.emit_by_name::<()>("response", &[&gtk::ResponseType::Accept.into_glib()]);
    chooser.hide();
    let saved = result.borrow_mut().take().expect("no answer after Accept");
    assert_eq!(saved, Ok(path.clone()));

    // The PNG is the framebuffer: its size, and every pixel's colour.
    let texture = gtk::gdk::Texture::from_filename(&path).unwrap();
    let (w, h) = (texture.width(), texture.height());
    assert_eq!((w, h), (64, 48));
    let mut bytes = vec![0u8; (w * h * 4) as usize];
    texture.download(&mut bytes, (w * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 4) as usize;
            // Downloaded textures are B, G, R, A in memory.
            let png = (bytes[i + 2], bytes[i + 1], bytes[i]);
            assert_eq!(Some(png), display.pixel(x as u32, y as u32), "at {x},{y}");
        }
    }

    // A cancelled dialog writes nothing and says nothing.
    let chooser =
        screenshot::dialog(&display, "guest", move |_| panic!("answered a cancel")).unwrap();
    chooser.emit_by_name::<()>("response", &[&gtk::ResponseType::Cancel.into_glib()]);
    display.close();
    window.destroy();
}

#[gtk::test]
fn keys_and_pointer_reach_the_server_with_qnum_scancodes() {
    let (server, display, window) = connected(
        ServerOptions {
            extended_keys: true,
            ..Default::default()
        },
        640,
        480,
    );
    assert!(
        pump_until(Duration::from_secs(5), || display.has_extended_keys()),
        "the extended key event was not taken up"
    );
    server_settled(&server);
    server.clear_log();

    use gtk::gdk::Key;
    let keys = [
        (Key::a, 0x1e),
        (Key::Return, 0x1c),
        (Key::KP_Enter, 0x9c),
        (Key::Control_R, 0x9d),
        (Key::Up, 0xc8),
        (Key::F12, 0x58),
        (Key::Super_L, 0xdb),
        (Key::Delete, 0xd3),
        (Key::space, 0x39),
    ];
    for (key, _) in keys {
        let code = keycode_of(key);
        assert!(display.process_key(key.into_glib(), code, true));
        assert!(display.process_key(key.into_glib(), code, false));
    }
    // Focus is not needed to send: the controllers only call in when focused.
    pump_until(Duration::from_secs(5), || {
        server
            .log()
            .iter()
            .filter(|m| matches!(m, ClientMsg::ExtKey { .. }))
            .count()
            >= keys.len() * 2
    });
    let sent: Vec<ClientMsg> = server
        .log()
        .into_iter()
        .filter(|m| matches!(m, ClientMsg::ExtKey { .. } | ClientMsg::Key { .. }))
        .collect();
    let mut expected = Vec::new();
    for (key, qnum) in keys {
        for down in [true, false] {
            expected.push(ClientMsg::ExtKey {
                down,
                keysym: key.into_glib(),
                qnum,
            });
        }
    }
    assert_eq!(sent, expected);

    // A release without a press is not sent; a key released after a modifier change
    // goes up with the keysym it went down with.
    server.clear_log();
    let code_a = keycode_of(Key::a);
    assert!(!display.process_key(Key::b.into_glib(), keycode_of(Key::b), false));
    assert!(display.process_key(Key::a.into_glib(), code_a, true));
    assert!(display.process_key(Key::A.into_glib(), code_a, false));
    display.send_keys(KeyCombo::CtrlAltDelete).unwrap();
    pump_until(Duration::from_secs(5), || server.log().len() >= 8);
    let qnums: Vec<(bool, u32, u32)> = server
        .log()
        .into_iter()
        .filter_map(|m| match m {
            ClientMsg::ExtKey { down, keysym, qnum } => Some((down, keysym, qnum)),
            _ => None,
        })
        .collect();
    assert_eq!(
        qnums,
        [
            (true, 0x61, 0x1e),
            (false, 0x61, 0x1e),
            (true, 0xffe3, 0x1d),
            (true, 0xffe9, 0x38),
            (true, 0xffff, 0xd3),
            (false, 0xffff, 0xd3),
            (false, 0xffe9, 0x38),
            (false, 0xffe3, 0x1d),
        ]
    );

    // Pointer: widget coordinates scale down to the 64x48 framebuffer.
    server.clear_log();
    let h = f64::from(display.height());
    let at = widget_point(&display);
    let (x, y) = at(10.0, 5.0);
    display.process_motion(x, y);
    display.process_button(1, true, x, y);
    display.process_button(1, false, x, y);
    let (x, y) = at(63.0, 47.0);
    display.process_button(3, true, x, y);
    display.process_button(2, true, x, y);
    display.process_button(3, false, x, y);
    display.process_button(2, false, x, y);
    display.process_scroll(0.0, 1.0);
    display.process_scroll(0.0, -2.0);
    display.process_motion(-100.0, h + 100.0);
    pump_until(Duration::from_secs(5), || server.log().len() >= 14);
    assert_eq!(
        pointer_events(&server),
        [
            (0, 10, 5),
            (1, 10, 5),
            (0, 10, 5),
            (4, 63, 47),
            (6, 63, 47),
            (2, 63, 47),
            (0, 63, 47),
            (16, 63, 47),
            (0, 63, 47),
            (8, 63, 47),
            (0, 63, 47),
            (8, 63, 47),
            (0, 63, 47),
            (0, 0, 47),
        ]
    );

    // Not shared (the default), host clipboard text stays on the host.
    let cut_texts = |server: &MiniServer| {
        server
            .log()
            .into_iter()
            .filter(|m| matches!(m, ClientMsg::CutText(_)))
            .collect::<Vec<_>>()
    };
    server.clear_log();
    display.grab_focus();
    server_settled(&server);
    assert!(!display.share_clipboard());
    display.clipboard().set_text("kept on the host");
    assert!(
        !pump_until(Duration::from_secs(1), || !cut_texts(&server).is_empty()),
        "sent without sharing: {:?}",
        cut_texts(&server)
    );
    // Shared, the current text goes at once, and each change while the display has the focus.
    display.set_share_clipboard(true);
    assert!(
        pump_until(Duration::from_secs(5), || !cut_texts(&server).is_empty()),
        "the current text was not sent when sharing began"
    );
    display.clipboard().set_text("to the guest");
    assert!(
        pump_until(Duration::from_secs(5), || cut_texts(&server).len() >= 2),
        "no cut text; focus {}",
        display.has_focus()
    );
    let cut: Vec<ClientMsg> = server
        .log()
        .into_iter()
        .filter(|m| matches!(m, ClientMsg::CutText(_)))
        .collect();
    assert_eq!(
        cut,
        [
            ClientMsg::CutText(b"kept on the host".to_vec()),
            ClientMsg::CutText(b"to the guest".to_vec())
        ]
    );
    window.destroy();
}

#[gtk::test]
fn without_a_tablet_the_pointer_moves_relatively() {
    let (server, display, window) = connected(
        ServerOptions {
            relative_pointer: true,
            ..Default::default()
        },
        640,
        480,
    );
    assert!(
        pump_until(Duration::from_secs(5), || !display.absolute_pointer()),
        "the server's relative mode was not taken"
    );
    server_settled(&server);
    server.clear_log();
    let at = widget_point(&display);
    const O: u16 = 0x7fff;
    let (x, y) = at(10.0, 5.0);
    display.process_motion(x, y); // the first motion only sets where movement starts
    let (x, y) = at(13.0, 4.0);
    display.process_motion(x, y);
    display.process_button(1, true, x, y);
    display.process_button(1, false, x, y);
    display.process_scroll(0.0, 1.0);
    // Leaving and coming back elsewhere is no movement.
    display.process_leave();
    let (x, y) = at(40.0, 40.0);
    display.process_motion(x, y);
    let (x, y) = at(38.0, 41.0);
    display.process_motion(x, y);
    pump_until(Duration::from_secs(5), || server.log().len() >= 8);
    assert_eq!(
        pointer_events(&server),
        [
            (0, O, O),
            (0, O + 3, O - 1),
            (1, O, O),
            (0, O, O),
            (16, O, O),
            (0, O, O),
            (0, O, O),
            (0, O - 2, O + 1),
        ]
    );
    window.destroy();
}

/// The sizes the client asked the server for so far.
fn sizes_asked(server: &MiniServer) -> Vec<(u16, u16)> {
    server
        .log()
        .into_iter()
        .filter_map(|m| match m {
            ClientMsg::SetDesktopSize { width, height } => Some((width, height)),
            _ => None,
        })
        .collect()
}

/// The display's size in device pixels.
fn device_size(display: &VncDisplay) -> (u16, u16) {
    let sf = display.scale_factor();
    (
        (display.width() * sf) as u16,
        (display.height() * sf) as u16,
    )
}

#[gtk::test]
fn the_guest_display_follows_the_window_when_asked() {
    let (server, display, window) = connected(
        ServerOptions {
            desktop_size: true,
            ..Default::default()
        },
        640,
        480,
    );
    display.set_resize_guest(true);
    // The guest takes the widget's size once it has settled.
    assert!(
        pump_until(Duration::from_secs(5), || !sizes_asked(&server).is_empty()),
        "no size asked"
    );
    let first = device_size(&display);
    assert_eq!(sizes_asked(&server), [first]);
    assert!(pump_until(Duration::from_secs(5), || {
        display.framebuffer_size() == Some((u32::from(first.0), u32::from(first.1)))
    }));
    // The server's picture (its next frame has the halves swapped) arrives in the new
    // framebuffer.
    assert!(pump_until(Duration::from_secs(5), || display.pixel(5, 5)
        == Some((0, 0, 255))));

    // Resizing the window in steps asks once, for the size it ends at.
    for (w, h) in [(700, 500), (760, 540), (800, 600)] {
        window.set_default_size(w, h);
        pump_until(Duration::from_millis(60), || false);
    }
    assert!(pump_until(Duration::from_secs(5), || sizes_asked(&server)
        .len()
        == 2));
    pump();
    let second = device_size(&display);
    assert_ne!(second, first, "the window did not change size");
    assert_eq!(sizes_asked(&server), [first, second]);

    // Switched off, or shown 1:1, the guest keeps its size.
    display.set_resize_guest(false);
    window.set_default_size(660, 500);
    assert!(
        support::holds_for(Duration::from_millis(600), || sizes_asked(&server).len()
            == 2),
        "a size was asked with guest resizing off"
    );
    display.set_resize_guest(true);
    display.set_scaling(Scaling::Native);
    assert!(
        support::holds_for(Duration::from_millis(600), || sizes_asked(&server).len()
            == 2),
        "a size was asked when shown 1:1"
    );
    window.destroy();
}

#[gtk::test]
fn a_guest_that_keeps_its_size_keeps_its_picture() {
    let (server, display, window) = connected(
        ServerOptions {
            desktop_size: true,
            keep_size: true,
            ..Default::default()
        },
        640,
        480,
    );
    display.set_resize_guest(true);
    assert!(pump_until(Duration::from_secs(5), || display.pixel(5, 5)
        == Some((255, 0, 0))));
    assert!(
        pump_until(Duration::from_secs(5), || !sizes_asked(&server).is_empty()),
        "no size asked"
    );
    pump();
    // The refusal came with the old size: same framebuffer, same picture, asked only once.
    assert_eq!(display.framebuffer_size(), Some((64, 48)));
    assert_eq!(display.pixel(5, 5), Some((255, 0, 0)));
    assert_eq!(display.pixel(60, 40), Some((0, 0, 255)));
    window.set_default_size(641, 480);
    assert!(
        support::holds_for(Duration::from_millis(600), || sizes_asked(&server).len()
            <= 2),
        "{:?}",
        sizes_asked(&server)
    );
    window.destroy();
}

#[gtk::test]
fn without_extended_keys_the_keysym_is_sent() {
    let (server, display, window) = connected(ServerOptions::default(), 320, 240);
    assert!(
        support::holds_for(Duration::from_millis(300), || !display.has_extended_keys()),
        "extended keys without the server offering them"
    );
    server.clear_log();
    let code = keycode_of(gtk::gdk::Key::Escape);
    display.process_key(gtk::gdk::Key::Escape.into_glib(), code, true);
    display.process_key(gtk::gdk::Key::Escape.into_glib(), code, false);
    pump_until(Duration::from_secs(5), || server.log().len() >= 2);
    assert_eq!(
        server.log(),
        [
            ClientMsg::Key {
                down: true,
                keysym: 0xff1b
            },
            ClientMsg::Key {
                down: false,
                keysym: 0xff1b
            },
        ]
    );
    window.destroy();
}

#[gtk::test]
fn keyboard_grab_and_ctrl_alt_release() {
    let (_server, display, window) = connected(ServerOptions::default(), 320, 240);
    let grab_controllers = |window: &gtk::Window| {
        let list = window.observe_controllers();
        (0..list.n_items())
            .filter_map(|i| list.item(i).and_downcast::<gtk::EventController>())
            .filter(|c| c.name().as_deref() == Some("hangar-vnc-keyboard-grab"))
            .map(|c| c.propagation_phase())
            .collect::<Vec<_>>()
    };
    assert!(grab_controllers(&window).is_empty());
    display.grab_keyboard();
    assert!(display.keyboard_grabbed());
    // The window's shortcuts are bypassed: a capture-phase controller takes every key.
    assert_eq!(grab_controllers(&window), [gtk::PropagationPhase::Capture]);
    pump();
    let (path, w, _h, px) = render(&display, "vnc-grab-hint");
    // The hint draws light text over the top of the picture.
    let light = px[..(w * 60 * 4) as usize]
        .chunks_exact(4)
        .filter(|p| p[0] > 200 && p[1] > 200 && p[2] > 200)
        .count();
    assert!(light > 20, "no hint drawn in {}", path.display());

    use gtk::gdk::Key;
    let (ctrl, alt) = (keycode_of(Key::Control_L), keycode_of(Key::Alt_L));
    // Ctrl+Alt+Delete typed does not release (another key came between).
    display.process_key(Key::Control_L.into_glib(), ctrl, true);
    display.process_key(Key::Alt_L.into_glib(), alt, true);
    display.process_key(Key::Delete.into_glib(), keycode_of(Key::Delete), true);
    display.process_key(Key::Delete.into_glib(), keycode_of(Key::Delete), false);
    display.process_key(Key::Alt_L.into_glib(), alt, false);
    display.process_key(Key::Control_L.into_glib(), ctrl, false);
    assert!(display.keyboard_grabbed());
    // Ctrl+Alt alone releases.
    display.process_key(Key::Control_L.into_glib(), ctrl, true);
    display.process_key(Key::Alt_L.into_glib(), alt, true);
    display.process_key(Key::Alt_L.into_glib(), alt, false);
    assert!(!display.keyboard_grabbed());
    assert!(grab_controllers(&window).is_empty());
    display.process_key(Key::Control_L.into_glib(), ctrl, false);
    window.destroy();
}

#[gtk::test]
fn open_fd_cut_text_and_server_disconnect() {
    guest_cut_text_with_sharing(true);
}

#[gtk::test]
fn without_sharing_the_guests_cut_text_is_dropped() {
    guest_cut_text_with_sharing(false);
}

/// The guest's cut text on the host clipboard when `share`, else what the host had there.
fn guest_cut_text_with_sharing(share: bool) {
    setup();
    let server = MiniServer::start(ServerOptions {
        cut_text: Some("from the guest".into()),
        close_after_first_frame: true,
        ..Default::default()
    });
    let display = VncDisplay::new();
    display.clipboard().set_text("on the host");
    display.set_share_clipboard(share);
    let window = window_with(&display, 320, 240);
    let stream = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let fd: std::os::fd::OwnedFd = stream.into();
    display.open_fd(fd).unwrap();
    assert!(matches!(
        display.open_host("127.0.0.1", 1),
        Err(hangar::widgets::vnc_display::VncError::AlreadyOpen)
    ));
    let reason = std::rc::Rc::new(std::cell::RefCell::new(None::<String>));
    let r = reason.clone();
    display.connect_disconnected(move |_, why| {
        r.replace(Some(why.to_string()));
    });
    assert!(
        pump_until(Duration::from_secs(10), || reason.borrow().is_some()),
        "no disconnect; state {:?}",
        display.state()
    );
    match display.state() {
        DisplayState::Disconnected { reason: Some(r) } => assert!(!r.is_empty()),
        other => panic!("unexpected state {other:?}"),
    }
    // The guest's cut text is on the host clipboard.
    let clipboard = display.clipboard();
    let text = std::rc::Rc::new(std::cell::RefCell::new(None));
    let t = text.clone();
    clipboard.read_text_async(None::<&gtk::gio::Cancellable>, move |res| {
        t.replace(Some(res.ok().flatten().map(|s| s.to_string())));
    });
    assert!(pump_until(Duration::from_secs(5), || text
        .borrow()
        .is_some()));
    assert_eq!(
        text.borrow().clone().flatten().as_deref(),
        Some(if share {
            "from the guest"
        } else {
            "on the host"
        })
    );
    window.destroy();
}

#[gtk::test]
fn without_clipboard_sharing_the_guests_text_stays_in_the_guest() {
    setup();
    let server = MiniServer::start(ServerOptions {
        cut_text: Some("from the guest".into()),
        close_after_first_frame: true,
        ..Default::default()
    });
    let display = VncDisplay::new();
    assert!(!display.share_clipboard(), "sharing is off by default");
    let window = window_with(&display, 320, 240);
    let clipboard = display.clipboard();
    clipboard.set_text("on the host");
    // The server sends its cut text, then a frame, then closes (as where sharing is on, in
    // `open_fd_cut_text_and_server_disconnect`, the text is on the host by then).
    display.open_host("127.0.0.1", server.port).unwrap();
    assert!(
        pump_until(Duration::from_secs(10), || matches!(
            display.state(),
            DisplayState::Disconnected { .. }
        )),
        "the server's session did not end: {:?}",
        display.state()
    );
    let text = std::rc::Rc::new(std::cell::RefCell::new(None));
    let t = text.clone();
    clipboard.read_text_async(None::<&gtk::gio::Cancellable>, move |res| {
        t.replace(Some(res.ok().flatten().map(|s| s.to_string())));
    });
    assert!(pump_until(Duration::from_secs(5), || text
        .borrow()
        .is_some()));
    assert_eq!(
        text.borrow().clone().flatten().as_deref(),
        Some("on the host")
    );
    window.destroy();
}

#[gtk::test]
fn password_is_asked_for_and_sent() {
    setup();
    let server = MiniServer::start(ServerOptions {
        vnc_auth: true,
        ..Default::default()
    });
    let display = VncDisplay::new();
    let window = window_with(&display, 320, 240);
    let asked = std::rc::Rc::new(std::cell::Cell::new(None::<bool>));
    let a = asked.clone();
    display.connect_auth_required(move |d, needs_username| {
        a.set(Some(needs_username));
        d.set_credentials(None, "secret");
    });
    connect_to(&server, &display);
    assert_eq!(asked.get(), Some(false), "no password prompt");
    assert!(server.log().contains(&ClientMsg::AuthResponse(16)));
    window.destroy();
}

#[gtk::test]
fn a_rejected_password_ends_with_a_reason() {
    setup();
    let server = MiniServer::start(ServerOptions {
        vnc_auth: true,
        reject_auth: true,
        ..Default::default()
    });
    let display = VncDisplay::new();
    let window = window_with(&display, 320, 240);
    display.set_credentials(None, "wrong");
    display.open_host("127.0.0.1", server.port).unwrap();
    assert_eq!(display.state(), DisplayState::Connecting);
    assert!(pump_until(Duration::from_secs(10), || matches!(
        display.state(),
        DisplayState::Disconnected { .. }
    )));
    let DisplayState::Disconnected {
        reason: Some(reason),
    } = display.state()
    else {
        panic!("no reason: {:?}", display.state());
    };
    assert!(
        reason.contains("Authentication failed"),
        "reason {reason:?}"
    );
    assert!(reason.contains("bad password"), "reason {reason:?}");
    // Not connected: a plain neutral background.
    pump();
    let (path, _, _, px) = render(&display, "vnc-disconnected");
    let first = &px[0..4];
    assert!(
        px.chunks_exact(4).all(|p| p == first),
        "not one colour: {}",
        path.display()
    );
    assert!(
        first[0] > 20 && first[0] < 80,
        "not a neutral grey: {first:?}"
    );
    window.destroy();
}

#[gtk::test]
fn native_scaling_asks_for_the_framebuffer_size() {
    setup();
    let server = MiniServer::start(ServerOptions::default());
    let display = VncDisplay::new();
    display.set_scaling(Scaling::Native);
    let scrolled = gtk::ScrolledWindow::builder().child(&display).build();
    let window = window_with(&scrolled, 40, 30);
    connect_to(&server, &display);
    pump();
    assert_eq!(display.measure(gtk::Orientation::Horizontal, -1).0, 64);
    assert_eq!(display.measure(gtk::Orientation::Vertical, -1).1, 48);
    assert!(display.width() >= 64 && display.height() >= 48);
    display.set_scaling(Scaling::Fit);
    assert!(display.measure(gtk::Orientation::Horizontal, -1).0 < 64);
    window.destroy();
}

/// The SysV shared-memory segments this process created that still exist.
fn own_shm_segments() -> std::collections::BTreeSet<u64> {
    let pid = std::process::id().to_string();
    std::fs::read_to_string("/proc/sysvipc/shm")
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            // key shmid perms size cpid ...
            (f.get(4) == Some(&pid.as_str())).then(|| f[1].parse().unwrap())
        })
        .collect()
}

#[gtk::test]
fn the_framebuffer_keeps_one_shared_memory_segment_while_frames_stream() {
    // GTK 4.8's X11 cairo path sends each frame to the X server through cairo-xlib's shared
    // memory pool, which cairo destroys whenever nothing in it is in use: without an image
    // that stays there, every frame made (and the X server mapped) a new segment, created
    // and destroyed within the frame. The framebuffer lives in that pool and keeps it; this
    // checks it is there, in one segment that lasts, while a stream of frames is drawn.
    let (_server, display, window) = connected(
        ServerOptions {
            stream: true,
            ..Default::default()
        },
        200,
        150,
    );
    let clock = window.frame_clock().unwrap();
    let painted = std::rc::Rc::new(std::cell::Cell::new(0u32));
    let p = painted.clone();
    let seen = std::rc::Rc::new(std::cell::RefCell::new(std::collections::BTreeSet::new()));
    let s = seen.clone();
    let colours = std::rc::Rc::new(std::cell::RefCell::new(std::collections::BTreeSet::new()));
    let c = colours.clone();
    let d = display.clone();
    let id = clock.connect_after_paint(move |_| {
        p.set(p.get() + 1);
        s.borrow_mut().extend(own_shm_segments());
        c.borrow_mut().insert(d.pixel(5, 5));
    });
    assert!(
        pump_until(Duration::from_secs(20), || painted.get() >= 40),
        "only {} frames painted",
        painted.get()
    );
    clock.disconnect(id);
    // The frames really changed: both colours were on the left at some point.
    assert!(
        colours.borrow().contains(&Some((255, 0, 0)))
            && colours.borrow().contains(&Some((0, 0, 255))),
        "the picture did not change: {:?}",
        colours.borrow()
    );
    let seen = seen.borrow();
    assert_eq!(
        seen.len(),
        1,
        "shared-memory segments of this process seen after {} frames: {seen:?}",
        painted.get()
    );
    display.close();
    window.destroy();
}

use gtk::glib::translate::IntoGlib;

mod qemu {
    use super::*;

    struct Vm {
        name: String,
        uri: String,
    }

    impl Drop for Vm {
        fn drop(&mut self) {
            let d = testbed::Libvirtd::shared();
            let _ = d.virsh_output(&self.uri, &["destroy", &self.name]);
            let _ = d.virsh_output(&self.uri, &["undefine", &self.name]);
        }
    }

    /// Defines and starts a VM from `xml`; returns it (destroyed and undefined on drop) and
    /// its VNC port.
    fn start_vm(name: &str, xml: &str) -> (Vm, u16) {
        let daemon = testbed::Libvirtd::shared();
        let uri = daemon.qemu_uri();
        let xml_path = daemon.dir().join(format!("{name}.xml"));
        std::fs::write(&xml_path, xml).unwrap();
        daemon
            .virsh(&uri, &["define", xml_path.to_str().unwrap()])
            .unwrap();
        let vm = Vm {
            name: name.to_string(),
            uri: uri.clone(),
        };
        daemon.virsh(&uri, &["start", &vm.name]).unwrap();
        let addr = daemon.virsh(&uri, &["domdisplay", &vm.name]).unwrap();
        let display_no: u16 = addr
            .trim()
            .rsplit(':')
            .next()
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("unexpected domdisplay {addr:?}"));
        (vm, 5900 + display_no)
    }

    /// Framebuffer pixels (light, dark) sampled on a 2-pixel grid.
    fn light_and_dark(display: &VncDisplay) -> (u32, u32) {
        let (mut light, mut dark) = (0, 0);
        let Some((w, h)) = display.framebuffer_size() else {
            return (0, 0);
        };
        for y in (0..h).step_by(2) {
            for x in (0..w).step_by(2) {
                if let Some((r, g, b)) = display.pixel(x, y) {
                    if r > 150 && g > 150 && b > 150 {
                        light += 1;
                    } else if r < 40 && g < 40 && b < 40 {
                        dark += 1;
                    }
                }
            }
        }
        (light, dark)
    }

    fn screen_bytes(display: &VncDisplay) -> Vec<u8> {
        let texture = display.texture().unwrap();
        let mut bytes = vec![0u8; (texture.width() * texture.height() * 4) as usize];
        texture.download(&mut bytes, (texture.width() * 4) as usize);
        bytes
    }

    #[gtk::test]
    fn keys_reach_seabios_boot_menu() {
        setup();
        let name = testbed::unique_name("console-keys");
        // SeaBIOS waits 30 s at "Press ESC for boot menu." and reads the key from the
        // emulated PS/2 keyboard: only the right scan code opens the menu.
        let xml = testbed::vm::tiny_xml(&name).replace(
            "<boot dev='hd'/>",
            "<boot dev='hd'/><bootmenu enable='yes' timeout='30000'/>",
        );
        assert!(xml.contains("bootmenu"));
        let (_vm, port) = start_vm(&name, &xml);
        let display = VncDisplay::new();
        let window = window_with(&display, 800, 480);
        display.open_host("127.0.0.1", port).unwrap();
        assert!(pump_until(Duration::from_secs(20), || {
            display.framebuffer_size() == Some((720, 400)) && light_and_dark(&display).0 > 100
        }));
        // Let the prompt settle, then check the screen stays as it is without keys.
        pump_until(Duration::from_secs(2), || false);
        let before = screen_bytes(&display);
        pump_until(Duration::from_secs(1), || false);
        let drift = screen_bytes(&display)
            .iter()
            .zip(&before)
            .filter(|(a, b)| a != b)
            .count();
        // At most the blinking text cursor changes.
        assert!(drift < 500, "the screen changes by itself ({drift} bytes)");
        render(&display, "vnc-seabios-prompt");

        let esc = keycode_of(gtk::gdk::Key::Escape);
        assert!(display.process_key(gtk::gdk::Key::Escape.into_glib(), esc, true));
        pump_until(Duration::from_millis(100), || false);
        assert!(display.process_key(gtk::gdk::Key::Escape.into_glib(), esc, false));
        let changed = pump_until(Duration::from_secs(10), || {
            let now = screen_bytes(&display);
            now.iter().zip(&before).filter(|(a, b)| a != b).count() > 2000
        });
        let (path, ..) = render(&display, "vnc-seabios-boot-menu");
        assert!(
            changed,
            "Escape did not open the boot menu: {}",
            path.display()
        );
        window.destroy();
    }

    #[gtk::test]
    fn shows_seabios_of_a_real_vm() {
        setup();
        let daemon = testbed::Libvirtd::shared();
        let uri = daemon.qemu_uri();
        let name = testbed::unique_name("console-vnc");
        let (vm, port) = start_vm(&name, &testbed::vm::tiny_xml(&name));

        let display = VncDisplay::new();
        let window = window_with(&display, 800, 480);
        display.open_host("127.0.0.1", port).unwrap();
        assert!(
            pump_until(Duration::from_secs(20), || {
                display.framebuffer_size() == Some((720, 400))
            }),
            "no 720x400 text mode; size {:?}, state {:?}",
            display.framebuffer_size(),
            display.state()
        );
        // Wait for SeaBIOS's text: light pixels on a dark background.
        let count = light_and_dark;
        let shown = pump_until(Duration::from_secs(30), || {
            let (light, _) = count(&display);
            light > 200
        });
        let (light, dark) = count(&display);
        assert!(
            shown,
            "no text on screen: {light} light, {dark} dark samples"
        );
        assert!(
            dark > light * 5,
            "not a dark background: {light} light, {dark} dark"
        );
        // QEMU takes scan codes with every key.
        assert!(display.has_extended_keys());
        // Asked to take the window's size, a VGA card keeps its mode: same size, same text.
        display.set_resize_guest(true);
        window.set_default_size(900, 560);
        pump_until(Duration::from_secs(2), || false);
        assert_eq!(display.framebuffer_size(), Some((720, 400)));
        assert!(matches!(display.state(), DisplayState::Connected { .. }));
        assert!(
            pump_until(Duration::from_secs(5), || count(&display).0 > 200),
            "the text went away after the resize request"
        );
        pump_until(Duration::from_secs(3), || false);
        let (path, w, h, px) = render(&display, "vnc-seabios");
        let distinct: std::collections::HashSet<&[u8]> = px.chunks_exact(4).collect();
        assert!(distinct.len() > 2, "one colour in {}", path.display());
        eprintln!("SeaBIOS rendered {w}x{h} to {}", path.display());
        display
            .save_screenshot(
                &std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("vnc-seabios-fb.png"),
            )
            .unwrap();

        // Stopping the VM ends the session with a reason.
        daemon.virsh(&uri, &["destroy", &vm.name]).unwrap();
        assert!(pump_until(Duration::from_secs(10), || matches!(
            display.state(),
            DisplayState::Disconnected { reason: Some(_) }
        )));
        window.destroy();
    }
}

#[gtk::test]
fn serial_console_feeds_and_types() {
    setup();
    let console = SerialConsole::new();
    let window = window_with(&console, 720, 420);
    pump();
    console.feed(b"SeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n\r\nBooting from ROM...\r\n");
    console.feed("guest ready: 6.1.0 \u{2713}\r\nguest# ".as_bytes());
    pump();
    let text = console.text();
    assert!(text.contains("SeaBIOS (version 1.16.2"), "got {text:?}");
    assert!(text.contains("guest ready: 6.1.0 \u{2713}"), "got {text:?}");
    assert!(text.contains("guest# "), "got {text:?}");

    let typed = std::rc::Rc::new(std::cell::RefCell::new(Vec::<u8>::new()));
    let t = typed.clone();
    console.connect_input(move |_, bytes| t.borrow_mut().extend_from_slice(bytes));
    let mut rx = console.input_channel();
    console.type_text("echo hello-$((6*7))\r");
    pump();
    assert_eq!(typed.borrow().as_slice(), b"echo hello-$((6*7))\r");
    assert_eq!(rx.try_recv().unwrap(), b"echo hello-$((6*7))\r");

    // The terminal answers a cursor position query through the same output.
    typed.borrow_mut().clear();
    console.feed(b"\x1b[6n");
    pump();
    let answer = String::from_utf8(typed.borrow().clone()).unwrap();
    assert!(
        answer.starts_with("\x1b[") && answer.ends_with('R'),
        "got {answer:?}"
    );

    // Shortcuts: zoom in, out, reset; copy and paste are taken.
    use gtk::gdk::{Key, ModifierType};
    let ctrl = ModifierType::CONTROL_MASK;
    assert!(console.handle_shortcut(Key::plus, ctrl | ModifierType::SHIFT_MASK));
    assert!(console.zoom() > 1.0);
    assert!(console.handle_shortcut(Key::_0, ctrl));
    assert_eq!(console.zoom(), 1.0);
    assert!(console.handle_shortcut(Key::minus, ctrl));
    assert!(console.zoom() < 1.0);
    console.zoom_reset();
    assert!(console.handle_shortcut(Key::C, ctrl | ModifierType::SHIFT_MASK));
    assert!(!console.handle_shortcut(Key::c, ctrl));
    assert!(!console.handle_shortcut(Key::a, ModifierType::empty()));

    console.set_status(Some("Console in use by another client"));
    assert_eq!(
        console.status().as_deref(),
        Some("Console in use by another client")
    );
    console.feed(b"hello-42\r\nguest# ");
    pump_until(Duration::from_millis(600), || false);
    let (path, _, _, px) = render(&console, "serial-console");
    let distinct: std::collections::HashSet<&[u8]> = px.chunks_exact(4).collect();
    assert!(distinct.len() > 2, "one colour in {}", path.display());
    console.set_status(None);
    assert_eq!(console.status(), None);
    window.destroy();
}

/// A small RFB 3.8 server (security none, raw encoding, 64x48) that records what the client
/// sends: just enough to see the widget's keys, pointer and cut text on the wire.
mod rfb_server {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::{Arc, Mutex};

    pub const WIDTH: u16 = 64;
    pub const HEIGHT: u16 = 48;
    /// QEMU's extended key event pseudo-encoding.
    const EXT_KEY_EVENT: i32 = -258;
    /// QEMU's pointer type change pseudo-encoding.
    const POINTER_TYPE_CHANGE: i32 = -257;
    /// The extended desktop size pseudo-encoding.
    const EXTENDED_DESKTOP_SIZE: i32 = -308;

    /// A framebuffer update of one extended desktop size rectangle: `reason` 0 for the
    /// server, 1 for the client's request; `status` 0 for success; one screen.
    fn desktop_size(reason: u16, status: u16, width: u16, height: u16) -> Vec<u8> {
        let mut out = vec![0, 0, 0, 1];
        for v in [reason, status, width, height] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out.extend_from_slice(&EXTENDED_DESKTOP_SIZE.to_be_bytes());
        out.extend_from_slice(&[1, 0, 0, 0]);
        out.extend_from_slice(&0u32.to_be_bytes());
        for v in [0, 0, width, height] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out.extend_from_slice(&0u32.to_be_bytes());
        out
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum ClientMsg {
        PixelFormat { bpp: u8, depth: u8 },
        Encodings(Vec<i32>),
        UpdateRequest { incremental: bool },
        Key { down: bool, keysym: u32 },
        ExtKey { down: bool, keysym: u32, qnum: u32 },
        Pointer { mask: u8, x: u16, y: u16 },
        CutText(Vec<u8>),
        AuthResponse(usize),
        SetDesktopSize { width: u16, height: u16 },
    }

    #[derive(Debug, Default, Clone)]
    pub struct ServerOptions {
        /// Announce QEMU's extended key events when the client asks for them.
        pub extended_keys: bool,
        /// Send this as server cut text after the first frame.
        pub cut_text: Option<String>,
        /// Close the connection after the first frame (and cut text).
        pub close_after_first_frame: bool,
        /// Send a 4x4 white cursor with its hotspot at (1, 2) after the first frame.
        pub cursor: bool,
        /// Offer only VNC password authentication (the response is recorded, not checked).
        pub vnc_auth: bool,
        /// Fail the authentication with the reason "bad password".
        pub reject_auth: bool,
        /// Answer every update request with a new frame (its halves swapped each time).
        pub stream: bool,
        /// Say the pointer is relative (a PS/2 mouse, no tablet) when the client announces
        /// QEMU's pointer-type-change encoding.
        pub relative_pointer: bool,
        /// Announce the extended desktop size extension and take the client's sizes.
        pub desktop_size: bool,
        /// With `desktop_size`: refuse every size, answering with the size kept (as QEMU
        /// does for a VGA card).
        pub keep_size: bool,
    }

    pub struct MiniServer {
        pub port: u16,
        log: Arc<Mutex<Vec<ClientMsg>>>,
    }

    impl MiniServer {
        pub fn start(options: ServerOptions) -> MiniServer {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let log = Arc::new(Mutex::new(Vec::new()));
            let l = log.clone();
            std::thread::spawn(move || {
                if let Ok((stream, _)) = listener.accept() {
                    let _ = serve(stream, &options, &l);
                }
            });
            MiniServer { port, log }
        }

        /// Everything but update requests and the handshake's encodings.
        pub fn log(&self) -> Vec<ClientMsg> {
            self.log
                .lock()
                .unwrap()
                .iter()
                .filter(|m| !matches!(m, ClientMsg::UpdateRequest { .. } | ClientMsg::Encodings(_)))
                .cloned()
                .collect()
        }

        pub fn clear_log(&self) {
            self.log.lock().unwrap().clear();
        }
    }

    fn read_n<const N: usize>(s: &mut TcpStream) -> std::io::Result<[u8; N]> {
        let mut b = [0u8; N];
        s.read_exact(&mut b)?;
        Ok(b)
    }

    /// Left half red, right half blue (swapped when `swap`), as 32-bit little-endian
    /// 0x00RRGGBB.
    fn frame(swap: bool) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&1u16.to_be_bytes());
        for v in [0, 0, WIDTH, HEIGHT] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        out.extend_from_slice(&0i32.to_be_bytes());
        for _y in 0..HEIGHT {
            for x in 0..WIDTH {
                let px: u32 = if (x < WIDTH / 2) != swap {
                    0xff0000
                } else {
                    0x0000ff
                };
                out.extend_from_slice(&px.to_le_bytes());
            }
        }
        out
    }

    fn serve(
        mut s: TcpStream,
        options: &ServerOptions,
        log: &Mutex<Vec<ClientMsg>>,
    ) -> std::io::Result<()> {
        s.write_all(b"RFB 003.008\n")?;
        read_n::<12>(&mut s)?;
        if options.vnc_auth {
            s.write_all(&[1, 2])?; // one security type: VNC authentication
            let [chosen] = read_n::<1>(&mut s)?;
            assert_eq!(chosen, 2);
            s.write_all(&[7u8; 16])?; // the challenge
            let response = read_n::<16>(&mut s)?;
            log.lock()
                .unwrap()
                .push(ClientMsg::AuthResponse(response.len()));
        } else {
            s.write_all(&[1, 1])?; // one security type: None
            read_n::<1>(&mut s)?;
        }
        if options.reject_auth {
            let reason = b"bad password";
            s.write_all(&1u32.to_be_bytes())?; // security result: failed
            s.write_all(&(reason.len() as u32).to_be_bytes())?;
            s.write_all(reason)?;
            // The mock server holds the connection a moment before closing, as a real one
            // does after a failed login: its behaviour, not a synchronisation.
            std::thread::sleep(std::time::Duration::from_millis(300));
            return Ok(());
        }
        s.write_all(&0u32.to_be_bytes())?; // security result: OK
        read_n::<1>(&mut s)?; // ClientInit (shared flag)
        let mut init = Vec::new();
        init.extend_from_slice(&WIDTH.to_be_bytes());
        init.extend_from_slice(&HEIGHT.to_be_bytes());
        // 32 bpp, depth 24, little endian, true colour, max 255, shifts 16/8/0.
        init.extend_from_slice(&[32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
        let name = b"mini";
        init.extend_from_slice(&(name.len() as u32).to_be_bytes());
        init.extend_from_slice(name);
        s.write_all(&init)?;
        let mut sent_frame = false;
        let mut frames = 0u64;
        loop {
            let [kind] = read_n::<1>(&mut s)?;
            let msg = match kind {
                0 => {
                    let b = read_n::<19>(&mut s)?;
                    ClientMsg::PixelFormat {
                        bpp: b[3],
                        depth: b[4],
                    }
                }
                2 => {
                    let b = read_n::<3>(&mut s)?;
                    let n = u16::from_be_bytes([b[1], b[2]]);
                    let mut encodings = Vec::new();
                    for _ in 0..n {
                        encodings.push(i32::from_be_bytes(read_n::<4>(&mut s)?));
                    }
                    if options.extended_keys && encodings.contains(&EXT_KEY_EVENT) {
                        // An empty rectangle of the pseudo-encoding says "supported".
                        let mut ack = vec![0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
                        ack.extend_from_slice(&EXT_KEY_EVENT.to_be_bytes());
                        s.write_all(&ack)?;
                    }
                    if options.relative_pointer && encodings.contains(&POINTER_TYPE_CHANGE) {
                        // As QEMU does: the rectangle's x is 1 for absolute, 0 for relative.
                        let mut change = vec![0, 0, 0, 1, 0, 0, 0, 0];
                        change.extend_from_slice(&WIDTH.to_be_bytes());
                        change.extend_from_slice(&HEIGHT.to_be_bytes());
                        change.extend_from_slice(&POINTER_TYPE_CHANGE.to_be_bytes());
                        s.write_all(&change)?;
                    }
                    if options.desktop_size && encodings.contains(&EXTENDED_DESKTOP_SIZE) {
                        s.write_all(&desktop_size(0, 0, WIDTH, HEIGHT))?;
                    }
                    ClientMsg::Encodings(encodings)
                }
                3 => {
                    let b = read_n::<9>(&mut s)?;
                    let incremental = b[0] != 0;
                    if !incremental || !sent_frame || options.stream {
                        s.write_all(&frame(frames % 2 == 1))?;
                        frames += 1;
                        if !sent_frame {
                            sent_frame = true;
                            if let Some(text) = &options.cut_text {
                                let mut cut = vec![3, 0, 0, 0];
                                cut.extend_from_slice(&(text.len() as u32).to_be_bytes());
                                cut.extend_from_slice(text.as_bytes());
                                s.write_all(&cut)?;
                            }
                            if options.cursor {
                                // Rich cursor: rectangle at the hotspot, pixels, then a
                                // bit mask of one byte per row.
                                let mut c = vec![0, 0, 0, 1, 0, 1, 0, 2, 0, 4, 0, 4];
                                c.extend_from_slice(&(-239i32).to_be_bytes());
                                c.extend_from_slice(&[0xff; 4 * 4 * 4]);
                                c.extend_from_slice(&[0xf0; 4]);
                                s.write_all(&c)?;
                            }
                            if options.close_after_first_frame {
                                // Mock server behaviour: it keeps the connection a moment
                                // after the frame, then closes it.
                                std::thread::sleep(std::time::Duration::from_millis(300));
                                return Ok(());
                            }
                        }
                    }
                    ClientMsg::UpdateRequest { incremental }
                }
                4 => {
                    let b = read_n::<7>(&mut s)?;
                    ClientMsg::Key {
                        down: b[0] != 0,
                        keysym: u32::from_be_bytes([b[3], b[4], b[5], b[6]]),
                    }
                }
                5 => {
                    let b = read_n::<5>(&mut s)?;
                    ClientMsg::Pointer {
                        mask: b[0],
                        x: u16::from_be_bytes([b[1], b[2]]),
                        y: u16::from_be_bytes([b[3], b[4]]),
                    }
                }
                6 => {
                    let b = read_n::<7>(&mut s)?;
                    let len = u32::from_be_bytes([b[3], b[4], b[5], b[6]]) as usize;
                    let mut text = vec![0u8; len];
                    s.read_exact(&mut text)?;
                    ClientMsg::CutText(text)
                }
                251 => {
                    let b = read_n::<7>(&mut s)?;
                    let width = u16::from_be_bytes([b[1], b[2]]);
                    let height = u16::from_be_bytes([b[3], b[4]]);
                    let mut screens = vec![0u8; usize::from(b[5]) * 16];
                    s.read_exact(&mut screens)?;
                    if options.keep_size {
                        s.write_all(&desktop_size(1, 3, WIDTH, HEIGHT))?;
                    } else {
                        s.write_all(&desktop_size(1, 0, width, height))?;
                        // A new framebuffer is all changed: the next request gets a frame.
                        sent_frame = false;
                    }
                    ClientMsg::SetDesktopSize { width, height }
                }
                255 => {
                    let [subtype] = read_n::<1>(&mut s)?;
                    assert_eq!(subtype, 0, "only the extended key event is expected");
                    let b = read_n::<10>(&mut s)?;
                    ClientMsg::ExtKey {
                        down: u16::from_be_bytes([b[0], b[1]]) != 0,
                        keysym: u32::from_be_bytes([b[2], b[3], b[4], b[5]]),
                        qnum: u32::from_be_bytes([b[6], b[7], b[8], b[9]]),
                    }
                }
                other => panic!("unexpected client message type {other}"),
            };
            log.lock().unwrap().push(msg);
        }
    }
}
