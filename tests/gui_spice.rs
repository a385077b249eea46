//! The SPICE display against real QEMU VMs of the private libvirtd (TCG, SeaBIOS, a
//! `<graphics type='spice'>` display): reached through DOMAIN_OPEN_GRAPHICS_FD (a socket per
//! channel) it shows SeaBIOS's screen exactly as `virsh screenshot` does, drawn 1:1 it paints
//! those pixels, and reached over TCP it sends a key the guest's firmware acts on.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use gtk::glib::translate::IntoGlib;
use gtk::prelude::*;
use hangar::widgets::spice_display::{DisplayState, Scaling, SpiceDisplay};
use support::{block, connect, wait_until};
use testbed::{Libvirtd, unique_name, vm};

/// A VM defined from `xml` and started, destroyed and undefined on drop.
struct Vm {
    name: String,
}

impl Vm {
    fn start(name: &str, xml: &str) -> Vm {
        let d = Libvirtd::shared();
        let path = d.dir().join(format!("{name}.xml"));
        std::fs::write(&path, xml).unwrap();
        d.virsh(&d.qemu_uri(), &["define", path.to_str().unwrap()])
            .unwrap();
        let vm = Vm {
            name: name.to_string(),
        };
        d.virsh(&d.qemu_uri(), &["start", name]).unwrap();
        vm
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        let d = Libvirtd::shared();
        let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &self.name]);
        let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &self.name]);
    }
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

/// Opens `display` on VM `name` through libvirt's graphics fds: one for the main channel, one
/// more for every channel that asks.
fn open_through_libvirt(display: &SpiceDisplay, name: &str) {
    let conn = connect(&Libvirtd::shared().qemu_uri());
    let name = name.to_string();
    let domain = block({
        let conn = conn.clone();
        async move { virt_client::Domain::lookup_by_name(&conn, &name).await }
    })
    .unwrap();
    let d = domain.clone();
    let fd = block(async move { d.open_graphics_fd(0, 0).await }).unwrap();
    display.connect_channel_fd_wanted(move |display, id| {
        let d = domain.clone();
        let handle =
            relm4::spawn(async move { d.open_graphics_fd(0, 0).await.map_err(|e| e.to_string()) });
        let display = display.downgrade();
        gtk::glib::MainContext::default().spawn_local(async move {
            let fd = handle.await.map_err(|e| e.to_string()).and_then(|r| r);
            if let Some(display) = display.upgrade() {
                display.give_channel_fd(id, fd);
            }
        });
    });
    display.open_fd(fd).unwrap();
}

/// Light and dark pixels of the guest's screen on a 2-pixel grid.
fn light_and_dark(display: &SpiceDisplay) -> (u32, u32) {
    let Some((w, h)) = display.framebuffer_size() else {
        return (0, 0);
    };
    let (mut light, mut dark) = (0, 0);
    for y in (0..h).step_by(2) {
        for x in (0..w).step_by(2) {
            match display.pixel(x, y) {
                Some((r, g, b)) if r > 150 && g > 150 && b > 150 => light += 1,
                Some((r, g, b)) if r < 40 && g < 40 && b < 40 => dark += 1,
                _ => {}
            }
        }
    }
    (light, dark)
}

/// A texture's pixels, 4 bytes each (B, G, R, A in memory), rows packed.
fn rgba(texture: &gtk::gdk::Texture) -> Vec<u8> {
    let (w, h) = (texture.width() as usize, texture.height() as usize);
    let mut bytes = vec![0u8; w * h * 4];
    texture.download(&mut bytes, w * 4);
    bytes
}

/// Pixels that differ between the display's picture and `virsh screenshot` of the VM, taken
/// now; `None` when the sizes differ.
fn mismatches_with_virsh(
    display: &SpiceDisplay,
    name: &str,
) -> Option<(usize, std::path::PathBuf)> {
    let d = Libvirtd::shared();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-virsh.img"));
    d.virsh(&d.qemu_uri(), &["screenshot", name, path.to_str().unwrap()])
        .unwrap();
    let theirs = gtk::gdk::Texture::from_filename(&path).unwrap();
    let ours = display.texture()?;
    if (theirs.width(), theirs.height()) != (ours.width(), ours.height()) {
        return None;
    }
    let (a, b) = (rgba(&theirs), rgba(&ours));
    let differing = a
        .chunks_exact(4)
        .zip(b.chunks_exact(4))
        .filter(|(p, q)| p[..3] != q[..3])
        .count();
    Some((differing, path))
}

/// What `widget` draws, rendered by its window's renderer.
fn rendered(widget: &impl IsA<gtk::Widget>) -> gtk::gdk::Texture {
    let (w, h) = (widget.width(), widget.height());
    let mut node = None;
    wait_until(5, || {
        let paintable = gtk::WidgetPaintable::new(Some(widget));
        let snapshot = gtk::Snapshot::new();
        paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
        node = snapshot.to_node();
        node.is_some()
    });
    widget
        .native()
        .unwrap()
        .renderer()
        .unwrap()
        .render_texture(node.expect("nothing drawn"), None)
}

#[gtk::test]
fn shows_seabios_through_libvirts_fds_as_virsh_screenshot_does() {
    support::init_gui();
    let name = unique_name("spice-fd");
    let _vm = Vm::start(&name, &vm::tiny_spice_xml(&name));
    let display = SpiceDisplay::new();
    let window = window_with(&display, 800, 480);
    assert_eq!(display.state(), DisplayState::Idle);
    open_through_libvirt(&display, &name);
    assert!(
        wait_until(30, || display.framebuffer_size() == Some((720, 400))
            && light_and_dark(&display).0 > 200),
        "no SeaBIOS text; size {:?}, state {:?}",
        display.framebuffer_size(),
        display.state()
    );
    let (light, dark) = light_and_dark(&display);
    assert!(
        dark > light * 5,
        "not a dark background: {light} light, {dark} dark"
    );
    assert!(matches!(
        display.state(),
        DisplayState::Connected {
            width: 720,
            height: 400
        }
    ));

    // Pixel for pixel what QEMU's own screendump shows. Only the blinking text cursor can
    // differ at one moment, so look until one moment matches exactly.
    let mut best = usize::MAX;
    let mut shot = None;
    let same = wait_until(20, || {
        wait_until(0, || false);
        match mismatches_with_virsh(&display, &name) {
            Some((n, path)) => {
                best = best.min(n);
                shot = Some(path);
                n == 0
            }
            None => false,
        }
    });
    assert!(
        same,
        "the picture differs from virsh screenshot ({best} pixels at best; {:?})",
        shot
    );

    // Drawn 1:1, the widget paints exactly those pixels (centred in the window).
    display.set_scaling(Scaling::Native);
    wait_until(1, || false);
    let picture = rgba(&display.texture().unwrap());
    let frame = rendered(&display);
    let (fw, fh) = (frame.width() as usize, frame.height() as usize);
    let drawn = rgba(&frame);
    let (ox, oy) = ((fw - 720) / 2, (fh - 400) / 2);
    let mut off = 0;
    for y in 0..400 {
        for x in 0..720 {
            let p = &picture[(y * 720 + x) * 4..][..3];
            let q = &drawn[((y + oy) * fw + x + ox) * 4..][..3];
            if p != q {
                off += 1;
            }
        }
    }
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("spice-seabios-1to1.png");
    frame.save_to_png(&out).unwrap();
    // The cursor may blink between the two copies: a text cell at most.
    assert!(
        off <= 9 * 16,
        "{off} pixels drawn differently: {}",
        out.display()
    );

    // Scaled to fit a smaller window, the text still shows.
    display.set_scaling(Scaling::Fit);
    window.set_default_size(400, 300);
    wait_until(1, || false);
    let fitted = rgba(&rendered(&display));
    let light_drawn = fitted
        .chunks_exact(4)
        .filter(|p| p[0] > 150 && p[1] > 150 && p[2] > 150)
        .count();
    assert!(light_drawn > 100, "no text drawn when fitted");

    // Closing ends the session cleanly.
    display.close();
    assert_eq!(display.state(), DisplayState::Disconnected { reason: None });
    window.destroy();
}

#[gtk::test]
fn escape_typed_into_the_display_opens_seabios_boot_menu_over_tcp() {
    support::init_gui();
    let name = unique_name("spice-keys");
    // SeaBIOS waits 30 s at "Press ESC for boot menu." and reads the key from the emulated
    // PS/2 keyboard: only the right scan code opens the menu.
    let xml = vm::tiny_spice_xml(&name).replace(
        "<boot dev='hd'/>",
        "<boot dev='hd'/><bootmenu enable='yes' timeout='30000'/>",
    );
    assert!(xml.contains("bootmenu") && xml.contains("type='spice'"));
    let vm = Vm::start(&name, &xml);
    let d = Libvirtd::shared();
    let addr = d.virsh(&d.qemu_uri(), &["domdisplay", &name]).unwrap();
    let port: u16 = addr
        .trim()
        .strip_prefix("spice://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected domdisplay {addr:?}"));
    let display = SpiceDisplay::new();
    let window = window_with(&display, 800, 480);
    display.open_host("127.0.0.1", port).unwrap();
    assert!(
        wait_until(30, || display.framebuffer_size() == Some((720, 400))
            && light_and_dark(&display).0 > 100),
        "no prompt; state {:?}",
        display.state()
    );
    // No tablet: SPICE's server mouse mode (relative motion).
    assert!(!display.absolute_pointer());
    wait_until(2, || false);
    let before = rgba(&display.texture().unwrap());
    let differing = |a: &[u8], b: &[u8]| {
        a.chunks_exact(4)
            .zip(b.chunks_exact(4))
            .filter(|(p, q)| p != q)
            .count()
    };
    // Without keys the screen stays as it is (but for the blinking text cursor).
    wait_until(1, || false);
    let drift = differing(&rgba(&display.texture().unwrap()), &before);
    assert!(drift < 150, "the screen changes by itself ({drift} pixels)");
    let esc = {
        let keys = gtk::gdk::Display::default()
            .unwrap()
            .map_keyval(gtk::gdk::Key::Escape)
            .unwrap();
        keys.iter().map(|k| k.keycode()).min().unwrap()
    };
    // The key goes once the inputs channel is up.
    assert!(wait_until(10, || display.process_key(
        gtk::gdk::Key::Escape.into_glib(),
        esc,
        true
    )));
    wait_until(0, || false);
    std::thread::sleep(Duration::from_millis(100));
    assert!(display.process_key(gtk::gdk::Key::Escape.into_glib(), esc, false));
    // "Select boot device:" and the device list appear: several hundred text pixels.
    let changed = wait_until(15, || {
        differing(&rgba(&display.texture().unwrap()), &before) > 500
    });
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("spice-boot-menu.png");
    display.save_screenshot(&shot).unwrap();
    assert!(
        changed,
        "Escape did not open the boot menu: {}",
        shot.display()
    );

    // Stopping the VM ends the session with a reason.
    d.virsh(&d.qemu_uri(), &["destroy", &vm.name]).unwrap();
    assert!(wait_until(15, || matches!(
        display.state(),
        DisplayState::Disconnected { reason: Some(_) }
    )));
    window.destroy();
}

/// CPU time (user + system) this process has used so far.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which ends with ')'): utime is the 12th, stime the 13th.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_millis(ticks * 1000 / hz)
}

#[gtk::test]
fn the_console_page_shows_a_password_protected_spice_vm_and_idles() {
    use relm4::ComponentController;
    support::init_gui();
    let name = unique_name("spice-page");
    // The password comes from the secure XML, as for VNC.
    let xml = vm::tiny_spice_xml(&name).replace(
        "<graphics type='spice' port='-1' autoport='yes' listen='127.0.0.1'>",
        "<graphics type='spice' port='-1' autoport='yes' listen='127.0.0.1' passwd='s3cret-pw'>",
    );
    assert!(xml.contains("passwd='s3cret-pw'"));
    let _vm = Vm::start(&name, &xml);
    let uri = Libvirtd::shared().qemu_uri();
    // What the test's main-loop pump costs by itself, to tell the page's share from it.
    let (start, cpu0) = (std::time::Instant::now(), cpu_time());
    wait_until(10, || false);
    let base = (cpu_time() - cpu0).as_secs_f64() / start.elapsed().as_secs_f64() * 100.0;
    let (win, page) = support::console_page(&name, &uri, connect(&uri));
    assert!(
        wait_until(40, || {
            let m = page.model();
            m.is_spice()
                && matches!(m.spice_display().state(), DisplayState::Connected { .. })
                && light_and_dark(m.spice_display()).0 > 200
        }),
        "SPICE display not shown; status {:?}, state {:?}",
        page.model().status(),
        page.model().spice_display().state()
    );
    let m = page.model();
    assert_eq!(m.status(), None);
    assert!(
        m.spice_display().is_mapped(),
        "the SPICE display is not the page shown"
    );
    assert!(!m.display().is_mapped());
    // The VNC display stayed closed.
    assert_eq!(
        m.display().state(),
        hangar::widgets::vnc_display::DisplayState::Idle
    );
    let spice = m.spice_display().clone();
    drop(m);

    // Idle: the guest's screen does not change (but for the text cursor); the page should
    // cost next to nothing.
    let (start, cpu0) = (std::time::Instant::now(), cpu_time());
    wait_until(20, || false);
    let (wall, cpu) = (start.elapsed(), cpu_time() - cpu0);
    let share = cpu.as_secs_f64() / wall.as_secs_f64() * 100.0;
    eprintln!(
        "idle console page with a SPICE VM: {:.2} s CPU in {:.1} s = {share:.1}% of a core \
         (the test's pump alone: {base:.1}%)",
        cpu.as_secs_f64(),
        wall.as_secs_f64()
    );
    assert!(matches!(spice.state(), DisplayState::Connected { .. }));
    // The test's own main-loop pump polls every 5 ms; the page itself should not add a busy loop.
    assert!(share < 25.0, "{share:.1}% of a core while idle");
    win.destroy();

    // Without the password the server refuses the session and the display asks for one;
    // with it, the display connects.
    let d = Libvirtd::shared();
    let addr = d.virsh(&uri, &["domdisplay", &name]).unwrap();
    let port: u16 = addr
        .trim()
        .strip_prefix("spice://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected domdisplay {addr:?}"));
    let display = SpiceDisplay::new();
    let window = window_with(&display, 400, 300);
    let asked = std::rc::Rc::new(std::cell::Cell::new(false));
    let a = asked.clone();
    display.connect_auth_required(move |_, _| a.set(true));
    display.open_host("127.0.0.1", port).unwrap();
    assert!(wait_until(20, || asked.get()), "no password asked for");
    assert_eq!(display.state(), DisplayState::Disconnected { reason: None });
    display.set_credentials(None, "s3cret-pw");
    display.open_host("127.0.0.1", port).unwrap();
    assert!(
        wait_until(20, || matches!(
            display.state(),
            DisplayState::Connected { .. }
        )),
        "not connected with the password: {:?}",
        display.state()
    );
    window.destroy();
}
