//! The SPICE display against real QEMU VMs of the private libvirtd (TCG, `<graphics
//! type='spice'>`): reached through DOMAIN_OPEN_GRAPHICS_FD (a socket per channel) it shows
//! SeaBIOS's screen exactly as `virsh screenshot` does and, drawn 1:1, paints those pixels;
//! reached over TCP it sends Escape to SeaBIOS's boot menu prompt; a command typed into it runs
//! on the Linux test guest's tty1; the pointer mode follows QEMU's active mouse; the console
//! page shows a password-protected SPICE VM (password from the secure XML) and idles cheaply,
//! and a refused password is asked for.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use gtk::glib::translate::IntoGlib;
use gtk::prelude::*;
use hangar::widgets::screen::SessionSignals;
use hangar::widgets::spice_display::{DisplayState, Scaling, SpiceDisplay};
use hangar::widgets::vnc_display::keymap::qnum_from_keycode;
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
    let same = wait_until(20, || match mismatches_with_virsh(&display, &name) {
        Some((n, path)) => {
            best = best.min(n);
            shot = Some(path);
            n == 0
        }
        None => false,
    });
    assert!(
        same,
        "the picture differs from virsh screenshot ({best} pixels at best; {:?})",
        shot
    );

    // Drawn 1:1, the widget paints exactly those pixels (centred in the window).
    display.set_scaling(Scaling::Native);
    support::drain();
    let picture = rgba(&display.texture().unwrap());
    let frame = rendered(&display);
    let (fw, fh) = (frame.width() as usize, frame.height() as usize);
    let drawn = rgba(&frame);
    // Every pixel of the widget is painted, opaque: the picture and the letterbox around it
    // (so a window that the display fills needs no background of its own).
    let see_through = drawn.chunks_exact(4).filter(|p| p[3] != 255).count();
    let (dw, dh) = (display.width() as usize, display.height() as usize);
    assert!(
        (fw, fh) == (dw, dh) && fw > 720 && fh > 400 && see_through == 0,
        "{fw}x{fh} drawn of the {dw}x{dh} display, {see_through} pixels of it see-through"
    );
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
    support::drain();
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
    let differing = |a: &[u8], b: &[u8]| {
        a.chunks_exact(4)
            .zip(b.chunks_exact(4))
            .filter(|(p, q)| p != q)
            .count()
    };
    /// A screen equal to another but for the blinking text cursor.
    struct Screen(Vec<u8>);
    impl PartialEq for Screen {
        fn eq(&self, other: &Screen) -> bool {
            self.0.len() == other.0.len()
                && self
                    .0
                    .chunks_exact(4)
                    .zip(other.0.chunks_exact(4))
                    .filter(|(p, q)| p != q)
                    .count()
                    < 150
        }
    }
    // The prompt is drawn once the screen stops changing.
    let Screen(before) = support::settled(10, Duration::from_millis(500), || {
        Screen(rgba(&display.texture().unwrap()))
    })
    .expect("the screen keeps changing");
    // Without keys the screen stays as it is (but for the blinking text cursor).
    let mut drift = 0;
    assert!(
        support::holds_for(Duration::from_secs(1), || {
            drift = differing(&rgba(&display.texture().unwrap()), &before);
            drift < 150
        }),
        "the screen changes by itself ({drift} pixels)"
    );
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
    // The key is held down a moment, as typed: not a synchronisation.
    support::observe(Duration::from_millis(100));
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
    support::observe(Duration::from_secs(10));
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

    // The VM has no USB redirection ports: its USB menu says how to give it one.
    let (usb, popover) = support::hardware::open_menu(&win, "USB Devices");
    assert!(support::hardware::shows(
        &popover,
        "no USB redirection ports"
    ));
    assert!(!support::hardware::shows(&popover, "Share a Disc Image"));
    support::hardware::screenshot(&popover, "spice-usb-no-ports");
    usb.popdown();

    // Idle: the guest's screen does not change (but for the text cursor); the page should
    // cost next to nothing.
    let (start, cpu0) = (std::time::Instant::now(), cpu_time());
    support::observe(Duration::from_secs(20));
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

    // Fullscreen moves the SPICE display into a window of its own and back onto the page.
    use hangar::ui::vm_window::console::ConsoleMsg;
    let root = win.clone().upcast::<gtk::Root>();
    page.emit(ConsoleMsg::Fullscreen(true));
    assert!(wait_until(5, || page.model().is_fullscreen()
        && spice.root().is_some_and(|r| r != root)
        && spice.is_mapped()));
    // The fullscreen window has no background of its own (it would be filled under the picture
    // on every frame): the display paints every pixel (see the test through libvirt's fds).
    let full = spice.root().and_downcast::<gtk::Window>().unwrap();
    assert!(full.has_css_class("guest-screen"));
    page.emit(ConsoleMsg::Fullscreen(false));
    assert!(wait_until(5, || !page.model().is_fullscreen()
        && spice.root().is_some_and(|r| r == root)
        && spice.is_mapped()));
    // The screenshot dialog takes the SPICE display's picture.
    use hangar::ui::vm_window::console::screenshot;
    assert!(screenshot::dialog(&spice, &name, |_| {}).is_some());
    assert!(matches!(spice.state(), DisplayState::Connected { .. }));
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

/// The small Linux guest ([`testbed::guest::linux_guest`]: root shells on ttyS0 and tty1) with
/// a SPICE display and, with `tablet`, a USB tablet.
fn linux_spice_xml(name: &str, dir: &std::path::Path, tablet: bool) -> String {
    let input = if tablet {
        "<controller type='usb' model='qemu-xhci'/><input type='tablet' bus='usb'/>"
    } else {
        "<controller type='usb' model='none'/>"
    };
    format!(
        "<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>1024</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0,115200 console=tty0 quiet cryptomgr.notests lapic_timer_period=4000000 no_timer_check tsc=reliable mitigations=off</cmdline>
  </os>
  <features><acpi/><tcg><tb-cache unit='MiB'>64</tb-cache></tcg></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    {input}
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='spice' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga' vram='16384' heads='1'/></video>
  </devices>
</domain>
",
        kernel = dir.join("vmlinuz").display(),
        initrd = dir.join("initramfs.gz").display(),
    )
}

/// The guest's serial port, read from the pty QEMU gives it: raw, without echo (an echo would
/// go back to the guest as input), not blocking.
fn open_serial(name: &str) -> std::fs::File {
    use std::os::fd::AsRawFd;
    let d = Libvirtd::shared();
    let xml = d.virsh(&d.qemu_uri(), &["dumpxml", name]).unwrap();
    let re = regex::Regex::new(r"<serial type='pty'>\s*<source path='([^']+)'").unwrap();
    let path = re.captures(&xml).expect("no pty serial")[1].to_string();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(&path)
        .unwrap();
    // SAFETY: termios calls on an fd we own, with a zeroed struct they fill.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(file.as_raw_fd(), &mut t), 0);
        libc::cfmakeraw(&mut t);
        assert_eq!(libc::tcsetattr(file.as_raw_fd(), libc::TCSANOW, &t), 0);
    }
    file
}

use std::os::unix::fs::OpenOptionsExt;

/// Appends what the serial port has to `out`.
fn read_serial(file: &mut std::fs::File, out: &mut String) {
    use std::io::Read;
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = file.read(&mut buf) {
        out.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

/// Types `text` into the display key by key (with Shift where the X keymap wants it), as the
/// key controller would hand the keys over.
fn type_into(display: &SpiceDisplay, text: &str) {
    let gdk_display = gtk::gdk::Display::default().unwrap();
    let key = |keyval: gtk::gdk::Key| {
        let keys = gdk_display
            .map_keyval(keyval)
            .expect("keyval not on the keymap");
        let k = keys
            .iter()
            // A key of a PC keyboard (X also puts `(` on a keypad key PCs lack).
            .filter(|k| k.group() == 0 && qnum_from_keycode(k.keycode()).is_some())
            .min_by_key(|k| k.level())
            .expect("not in group 0");
        (k.keycode(), k.level())
    };
    let (shift, _) = key(gtk::gdk::Key::Shift_L);
    let tap = |keyval: u32, keycode: u32, pressed: bool| {
        assert!(display.process_key(keyval, keycode, pressed) || !pressed);
        // Let it go out, at a typist's pace: QEMU's PS/2 queue holds only 16 scan codes (a
        // rate, not a synchronisation).
        let ctx = gtk::glib::MainContext::default();
        for _ in 0..6 {
            while ctx.iteration(false) {}
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    for c in text.chars() {
        let keyval = if c == '\n' {
            gtk::gdk::Key::Return
        } else {
            // SAFETY: any u32 is a key value to GDK (unknown ones map to no key).
            unsafe {
                gtk::glib::translate::FromGlib::from_glib(gtk::gdk::unicode_to_keyval(c as u32))
            }
        };
        let (code, level) = key(keyval);
        let shift_val = gtk::gdk::Key::Shift_L.into_glib();
        if level == 1 {
            tap(shift_val, shift, true);
        }
        tap(keyval.into_glib(), code, true);
        tap(keyval.into_glib(), code, false);
        if level == 1 {
            tap(shift_val, shift, false);
        }
    }
}

#[gtk::test]
fn a_command_typed_into_the_display_runs_on_the_guests_tty1() {
    support::init_gui();
    let dir = testbed::guest::linux_guest().expect("the Linux test guest");
    let name = unique_name("spice-linux");
    let _vm = Vm::start(&name, &linux_spice_xml(&name, &dir, false));
    let mut serial = open_serial(&name);
    let mut out = String::new();
    let display = SpiceDisplay::new();
    let window = window_with(&display, 800, 480);
    open_through_libvirt(&display, &name);
    // The shell on the serial port prompts once the guest is up.
    assert!(
        wait_until(120, || {
            read_serial(&mut serial, &mut out);
            out.contains("guest# ")
        }),
        "the guest did not come up: {out:?}"
    );
    assert!(wait_until(20, || matches!(
        display.state(),
        DisplayState::Connected { .. }
    )));
    // Typed on tty1 (the VGA console), the command writes to the serial port: letters,
    // digits, Shift for `$ ( * ) >`, and Enter all have to arrive as the right scan codes.
    type_into(&display, "echo spice-$((6*7)) >/dev/ttyS0\n");
    let ran = wait_until(30, || {
        read_serial(&mut serial, &mut out);
        out.contains("spice-42")
    });
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("spice-linux-tty1.png");
    display.save_screenshot(&shot).unwrap();
    assert!(
        ran,
        "the typed command did not run: {out:?}; tty1: {}",
        shot.display()
    );
    window.destroy();
}

#[gtk::test]
fn with_an_active_tablet_the_pointer_goes_as_positions() {
    support::init_gui();
    let name = unique_name("spice-tablet");
    let xml = vm::tiny_spice_xml(&name).replace(
        "<controller type='usb' model='none'/>",
        "<controller type='usb' model='qemu-xhci'/><input type='tablet' bus='usb'/>",
    );
    assert!(xml.contains("tablet"));
    let _vm = Vm::start(&name, &xml);
    let display = SpiceDisplay::new();
    let window = window_with(&display, 800, 480);
    open_through_libvirt(&display, &name);
    assert!(wait_until(30, || matches!(
        display.state(),
        DisplayState::Connected { .. }
    )));
    // SeaBIOS drives only the PS/2 mouse: SPICE's server mouse mode, relative motion.
    assert!(
        support::holds_for(Duration::from_secs(1), || !display.absolute_pointer()),
        "the client mouse mode with only a PS/2 mouse"
    );
    display.process_motion(100.0, 80.0);
    display.process_motion(120.0, 90.0);
    // Make the tablet QEMU's active pointer, as a guest's USB HID driver does when it first
    // polls it: QEMU then offers SPICE's client mouse mode, which the display asked for.
    let d = Libvirtd::shared();
    let mice = d
        .virsh(
            &d.qemu_uri(),
            &["qemu-monitor-command", &name, "--hmp", "info mice"],
        )
        .unwrap();
    let index = mice
        .lines()
        .find(|l| l.contains("Tablet"))
        .and_then(|l| l.split('#').nth(1))
        .and_then(|r| r.split(':').next())
        .unwrap_or_else(|| panic!("no tablet in {mice:?}"))
        .trim()
        .to_string();
    d.virsh(
        &d.qemu_uri(),
        &[
            "qemu-monitor-command",
            &name,
            "--hmp",
            &format!("mouse_set {index}"),
        ],
    )
    .unwrap();
    assert!(
        wait_until(20, || display.absolute_pointer()),
        "no client mouse mode; state {:?}",
        display.state()
    );
    display.process_motion(100.0, 80.0);
    display.process_button(1, true, 100.0, 80.0);
    display.process_button(1, false, 100.0, 80.0);
    display.process_scroll(0.0, 1.0);
    assert!(
        support::holds_for(Duration::from_secs(1), || matches!(
            display.state(),
            DisplayState::Connected { .. }
        )),
        "{:?}",
        display.state()
    );
    window.destroy();
}
