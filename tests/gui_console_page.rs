//! The VM window's console page against tiny QEMU VMs of the private libvirtd: the display
//! reached through DOMAIN_OPEN_GRAPHICS_FD shows SeaBIOS, the serial console shows SeaBIOS's
//! banner and carries typed keys, a console held by `virsh console` is taken over, a VM that
//! is off is shown as off and its console opens by itself once it runs, and
//! `--show-domain-console` opens the page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Once;
use std::time::{Duration, Instant};

use adw::prelude::*;
use hangar::cli::{DomainView, Options};
use hangar::ui::MainWindow;
use hangar::ui::vm_window::VmPage;
use hangar::ui::vm_window::console::{
    ConsoleMode, ConsoleMsg, ConsolePage, SerialState, StatusAction,
};
use hangar::widgets::vnc_display::{DisplayState, VncDisplay};
use relm4::prelude::*;
use support::{connect, wait_until};
use testbed::dispatched::Dispatched;
use testbed::{Libvirtd, unique_name, vm};

fn setup() {
    support::init_gui();
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        adw::StyleManager::default().set_color_scheme(adw::ColorScheme::ForceLight);
    });
}

/// A VM defined from `xml`, destroyed and undefined on drop.
struct Vm {
    name: String,
}

impl Vm {
    fn define(xml: &str, name: &str) -> Vm {
        let d = Libvirtd::shared();
        let path = d.dir().join(format!("{name}.xml"));
        std::fs::write(&path, xml).unwrap();
        d.virsh(&d.qemu_uri(), &["define", path.to_str().unwrap()])
            .unwrap();
        Vm {
            name: name.to_string(),
        }
    }

    fn virsh(&self, cmd: &str) {
        let d = Libvirtd::shared();
        d.virsh(&d.qemu_uri(), &[cmd, &self.name]).unwrap();
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        let d = Libvirtd::shared();
        let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &self.name]);
        let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &self.name]);
    }
}

/// The page on `name` in a window of its own.
fn open_page(name: &str) -> (adw::Window, relm4::Controller<ConsolePage>) {
    let uri = Libvirtd::shared().qemu_uri();
    support::console_page(name, &uri, connect(&uri))
}

/// Light and dark framebuffer samples on a 4-pixel grid.
fn light_and_dark(display: &VncDisplay) -> (u32, u32) {
    let Some((w, h)) = display.framebuffer_size() else {
        return (0, 0);
    };
    let (mut light, mut dark) = (0, 0);
    for y in (0..h).step_by(4) {
        for x in (0..w).step_by(4) {
            match display.pixel(x, y) {
                Some((r, g, b)) if r > 150 && g > 150 && b > 150 => light += 1,
                Some((r, g, b)) if r < 40 && g < 40 && b < 40 => dark += 1,
                _ => {}
            }
        }
    }
    (light, dark)
}

/// Renders `widget` to `name`.png in the target's temporary directory.
fn shot(widget: &impl IsA<gtk::Widget>, name: &str) -> std::path::PathBuf {
    support::drain();
    let node = last_frame(widget);
    let texture = widget
        .native()
        .unwrap()
        .renderer()
        .unwrap()
        .render_texture(&node, None);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"));
    texture.save_to_png(&path).unwrap();
    eprintln!("screenshot: {}", path.display());
    path
}

/// The framebuffer's pixels on a 4-pixel grid.
fn screen(display: &VncDisplay) -> Vec<(u8, u8, u8)> {
    let Some((w, h)) = display.framebuffer_size() else {
        return Vec::new();
    };
    (0..h)
        .step_by(4)
        .flat_map(|y| (0..w).step_by(4).map(move |x| (x, y)))
        .filter_map(|(x, y)| display.pixel(x, y))
        .collect()
}

/// What `widget` drew in its last frame. A widget paintable shows that frame; a redraw queued
/// since (a framebuffer update, the guest's blinking cursor) drops it until the next frame is
/// drawn, so this waits for one.
fn last_frame(widget: &impl IsA<gtk::Widget>) -> gtk::gsk::RenderNode {
    let (w, h) = (widget.width(), widget.height());
    let mut node = None;
    wait_until(5, || {
        let paintable = gtk::WidgetPaintable::new(Some(widget));
        let snapshot = gtk::Snapshot::new();
        paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
        node = snapshot.to_node();
        node.is_some()
    });
    node.expect("nothing drawn")
}

/// Renders the display (shown 1:1, centred) and counts grid samples whose rendered colour is
/// not the framebuffer's.
fn rendered_mismatches(display: &VncDisplay) -> usize {
    let (fw, fh) = display.framebuffer_size().unwrap();
    let (w, h) = (display.width(), display.height());
    let node = last_frame(display);
    let texture = display
        .native()
        .unwrap()
        .renderer()
        .unwrap()
        .render_texture(&node, None);
    let mut px = vec![0u8; (w * h * 4) as usize];
    texture.download(&mut px, (w * 4) as usize);
    let (ox, oy) = ((w - fw as i32) / 2, (h - fh as i32) / 2);
    let mut bad = 0;
    for y in (0..fh).step_by(7) {
        for x in (0..fw).step_by(7) {
            let i = (((y as i32 + oy) * w + x as i32 + ox) * 4) as usize;
            let (r, g, b) = display.pixel(x, y).unwrap();
            if px[i..i + 3] != [r, g, b] {
                bad += 1;
            }
        }
    }
    bad
}

fn status_title(page: &relm4::Controller<ConsolePage>) -> Option<String> {
    page.model().status().map(|s| s.title)
}

#[gtk::test]
fn graphical_console_through_a_passed_fd_shows_seabios() {
    setup();
    let name = unique_name("cpage-vnc");
    // SeaBIOS waits at its boot menu prompt, so a key changes part of the screen.
    let xml = vm::tiny_xml(&name).replace(
        "<boot dev='hd'/>",
        "<boot dev='hd'/><bootmenu enable='yes' timeout='30000'/>",
    );
    let vm = Vm::define(&xml, &name);
    vm.virsh("start");
    let (win, page) = open_page(&name);
    let display = page.model().display().clone();
    assert!(
        wait_until(30, || display.state()
            == DisplayState::Connected {
                width: 720,
                height: 400
            }),
        "state {:?}, status {:?}",
        display.state(),
        status_title(&page)
    );
    assert!(
        wait_until(30, || light_and_dark(&display).0 > 50),
        "no SeaBIOS text: {:?}",
        light_and_dark(&display)
    );
    let (light, dark) = light_and_dark(&display);
    assert!(dark > light, "not text on a dark screen: {light} / {dark}");
    assert_eq!(page.model().status(), None);
    // The test VM has only a PS/2 mouse: QEMU takes movements, and the page says so once.
    assert!(!display.absolute_pointer());
    assert!(page.model().pointer_hint_shown());
    shot(&win, "console-page-graphical");

    // Shown 1:1 the picture is drawn in tiles, redrawn where the guest changes the screen:
    // what GTK renders matches the framebuffer before and after Escape opens the boot menu.
    // The toolbar's toggles follow the display and change it; off, "Scale to Fit" also
    // makes the guest-resize toggle insensitive.
    let fit = find_toggle(page.widget().upcast_ref(), "Scale to Fit").expect("no fit toggle");
    let resize = find_toggle(
        page.widget().upcast_ref(),
        "Resize the Guest’s Display with the Window",
    )
    .expect("no resize toggle");
    assert!(fit.is_active() && resize.is_sensitive());
    fit.set_active(false);
    assert_eq!(
        display.scaling(),
        hangar::widgets::vnc_display::Scaling::Native
    );
    assert!(!resize.is_sensitive());
    display.set_resize_guest(false);
    assert!(!resize.is_active());
    display.set_resize_guest(true);
    // The prompt is drawn once the screen stops changing, and GTK has drawn it.
    let before = support::settled(10, Duration::from_millis(500), || screen(&display))
        .expect("the screen keeps changing");
    assert!(
        wait_until(5, || rendered_mismatches(&display) == 0),
        "{} pixels drawn differ from the framebuffer",
        rendered_mismatches(&display)
    );
    let esc = gtk::gdk::Display::default()
        .unwrap()
        .map_keyval(gtk::gdk::Key::Escape)
        .unwrap()
        .iter()
        .map(|k| k.keycode())
        .min()
        .unwrap();
    use gtk::glib::translate::IntoGlib;
    assert!(display.process_key(gtk::gdk::Key::Escape.into_glib(), esc, true));
    support::drain();
    assert!(display.process_key(gtk::gdk::Key::Escape.into_glib(), esc, false));
    assert!(
        wait_until(20, || {
            let now = screen(&display);
            now.len() == before.len()
                && now.iter().zip(&before).filter(|(a, b)| a != b).count() > 10
        }),
        "Escape did not open the boot menu"
    );
    assert!(
        wait_until(5, || rendered_mismatches(&display) == 0),
        "{} pixels drawn differ from the framebuffer",
        rendered_mismatches(&display)
    );
    shot(&win, "console-page-graphical-1to1");
    vm.virsh("reset");
    // A reboot keeps or reopens the display by itself.
    assert!(wait_until(20, || matches!(
        display.state(),
        DisplayState::Connected { .. }
    )));
    assert!(wait_until(20, || light_and_dark(&display).0 > 50));
    assert!(
        wait_until(5, || rendered_mismatches(&display) == 0),
        "{} pixels drawn differ from the framebuffer",
        rendered_mismatches(&display)
    );
    // The choice is kept in the settings: put it back for the pages opened after this one.
    fit.set_active(true);
    win.destroy();
}

#[gtk::test]
fn a_display_password_is_read_from_the_live_xml_and_fullscreen_comes_back() {
    setup();
    let name = unique_name("cpage-pw");
    let xml = vm::tiny_xml(&name).replace(
        "<graphics type='vnc' port='-1'",
        "<graphics type='vnc' passwd='s3cret' port='-1'",
    );
    assert!(xml.contains("s3cret"));
    let vm = Vm::define(&xml, &name);
    vm.virsh("start");
    let (win, page) = open_page(&name);
    let display = page.model().display().clone();
    assert!(
        wait_until(30, || matches!(
            display.state(),
            DisplayState::Connected { .. }
        )),
        "state {:?}",
        display.state()
    );
    assert_eq!(
        page.model()
            .info()
            .and_then(|i| i.graphics.as_ref())
            .and_then(|g| g.passwd.as_deref()),
        Some("s3cret")
    );

    // Fullscreen moves the display into a window of its own and back.
    page.emit(ConsoleMsg::Fullscreen(true));
    assert!(wait_until(5, || page.model().is_fullscreen()));
    assert!(wait_until(5, || display
        .root()
        .is_some_and(|r| r != win.clone().upcast::<gtk::Root>())));
    page.emit(ConsoleMsg::Fullscreen(false));
    assert!(wait_until(5, || !page.model().is_fullscreen()
        && display
            .root()
            .is_some_and(|r| r == win.clone().upcast::<gtk::Root>())));
    assert!(matches!(display.state(), DisplayState::Connected { .. }));
    drop(vm);
    win.destroy();
}

#[gtk::test]
fn serial_console_shows_the_banner_and_carries_keys() {
    setup();
    let d = Libvirtd::shared();
    let name = unique_name("cpage-ser");
    // SeaBIOS waits at "Press ESC for boot menu." and reads keys from its serial console too.
    let xml = vm::tinyser_xml(&name, d.dir()).unwrap().replace(
        "<boot dev='hd'/>",
        "<boot dev='hd'/><bootmenu enable='yes' timeout='20000'/>",
    );
    let vm = Vm::define(&xml, &name);
    vm.virsh("start");
    let (win, page) = open_page(&name);
    page.emit(ConsoleMsg::Mode(ConsoleMode::Serial));
    assert!(
        wait_until(30, || *page.model().serial_state() == SerialState::Open),
        "serial {:?}",
        page.model().serial_state()
    );
    let serial = page.model().serial().clone();
    // SeaBIOS positions the cursor on its serial console; a reset during the first boot's
    // output can leave the banner overwritten, so reset again until both lines show.
    let shown = (0..3).any(|_| {
        vm.virsh("reset");
        wait_until(15, || {
            let text = serial.text();
            text.contains("SeaBIOS") && text.contains("Press ESC for boot menu")
        })
    });
    assert!(shown, "got {:?}", serial.text());
    shot(&win, "console-page-serial");
    assert!(!serial.text().contains("Select boot device"));
    serial.type_text("\x1b");
    assert!(
        wait_until(20, || serial.text().contains("Select boot device")),
        "Escape did not reach SeaBIOS: {:?}",
        serial.text()
    );
    shot(&win, "console-page-serial-bootmenu");
    win.destroy();
}

#[gtk::test]
fn a_console_held_elsewhere_is_taken_over() {
    setup();
    let d = Libvirtd::shared();
    let name = unique_name("cpage-held");
    let vm = Vm::define(&vm::tinyser_xml(&name, d.dir()).unwrap(), &name);
    vm.virsh("start");
    let dispatched = Dispatched::enable(d).unwrap();
    let opened = dispatched.count(testbed::dispatched::OPEN_CONSOLE);
    // `virsh console` under `script` (it needs a terminal), kept open by a silent stdin.
    let cmd = format!("virsh -c '{}' console {} --force", d.qemu_uri(), vm.name);
    let mut holder = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // virsh holds the console from its open-console call on, which the daemon has dispatched
    // (and answers within moments) before the page has even connected.
    assert!(
        wait_until(20, || dispatched.count(testbed::dispatched::OPEN_CONSOLE)
            > opened),
        "virsh console did not open the console"
    );
    let (win, page) = open_page(&name);
    page.emit(ConsoleMsg::Mode(ConsoleMode::Serial));
    assert!(
        wait_until(30, || *page.model().serial_state() == SerialState::InUse),
        "serial {:?}",
        page.model().serial_state()
    );
    let status = page.model().status().unwrap();
    assert_eq!(status.title, "Console in use by another client");
    assert_eq!(status.action, Some(StatusAction::TakeOver));
    shot(&win, "console-page-in-use");
    page.emit(ConsoleMsg::TakeOver);
    assert!(
        wait_until(30, || *page.model().serial_state() == SerialState::Open),
        "serial {:?}",
        page.model().serial_state()
    );
    assert_eq!(page.model().status(), None);
    // Proof the stream is ours: SeaBIOS's banner after a reset.
    vm.virsh("reset");
    let serial = page.model().serial().clone();
    assert!(wait_until(30, || serial.text().contains("SeaBIOS")));
    let _ = holder.kill();
    let _ = holder.wait();
    win.destroy();
}

#[gtk::test]
fn a_vm_that_is_off_opens_its_console_once_it_runs() {
    setup();
    let name = unique_name("cpage-off");
    let vm = Vm::define(&vm::tiny_xml(&name), &name);
    let (win, page) = open_page(&name);
    assert!(
        wait_until(30, || status_title(&page).as_deref()
            == Some("The VM is off")),
        "status {:?}",
        status_title(&page)
    );
    assert_eq!(
        page.model().status().unwrap().action,
        Some(StatusAction::Run)
    );
    shot(&win, "console-page-off");
    vm.virsh("start");
    let display = page.model().display().clone();
    assert!(
        wait_until(30, || matches!(
            display.state(),
            DisplayState::Connected { .. }
        )),
        "state {:?}, status {:?}",
        display.state(),
        status_title(&page)
    );
    assert_eq!(page.model().status(), None);
    // Stopped and started again: off, then connected again.
    vm.virsh("destroy");
    assert!(wait_until(20, || status_title(&page).as_deref()
        == Some("The VM is off")));
    vm.virsh("start");
    assert!(wait_until(30, || matches!(
        display.state(),
        DisplayState::Connected { .. }
    )));
    win.destroy();
}

/// The app started as `--show-domain-console NAME` on the shared daemon, once the VM's window
/// is open.
fn show_domain_console(name: &str) -> Controller<MainWindow> {
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![Libvirtd::shared().qemu_uri()],
            show_domain: Some((DomainView::Console, name.to_owned())),
            ..Options::default()
        })
        .detach();
    assert!(wait_until(30, || window.model().vm_windows().len() == 1));
    window
}

#[gtk::test]
fn show_domain_console_opens_the_console_page() {
    setup();
    let name = unique_name("cpage-cli");
    let vm = Vm::define(&vm::tiny_xml(&name), &name);
    vm.virsh("start");
    let window = show_domain_console(&name);
    let (vm_window, display) = {
        let main = window.model();
        let w = main.vm_windows().values().next().unwrap();
        assert_eq!(w.model().page(), VmPage::Console);
        let display = w.model().console().unwrap().model().display().clone();
        (w.widget().clone(), display)
    };
    let stack = find_stack(vm_window.upcast_ref()).unwrap();
    assert_eq!(stack.visible_child_name().as_deref(), Some("console"));
    assert!(wait_until(30, || matches!(
        display.state(),
        DisplayState::Connected { .. }
    )));
    vm_window.destroy();
    window.widget().destroy();
}

#[gtk::test]
fn a_spice_vm_without_usb_ports_is_led_to_its_hardware() {
    setup();
    let name = unique_name("cpage-usb");
    let vm = Vm::define(&vm::tiny_spice_xml(&name), &name);
    vm.virsh("start");
    let window = show_domain_console(&name);
    let page = || {
        window
            .model()
            .vm_windows()
            .values()
            .next()
            .unwrap()
            .model()
            .page()
    };
    let (vm_window, spice) = {
        let main = window.model();
        let w = main.vm_windows().values().next().unwrap();
        let spice = w.model().console().unwrap().model().spice_display().clone();
        (w.widget().clone(), spice)
    };
    assert!(wait_until(30, || matches!(
        spice.state(),
        hangar::widgets::spice_display::DisplayState::Connected { .. }
    )));
    // Its USB menu says it has no redirection ports, and "Open Hardware" shows its hardware.
    let (_, popover) = support::hardware::open_menu(&vm_window, "USB Devices");
    let open = support::hardware::button(&popover, "Open Hardware");
    assert!(open.is_mapped());
    open.emit_clicked();
    assert!(wait_until(10, || page() == VmPage::Hardware));
    assert!(!popover.is_mapped());
    vm_window.destroy();
    window.widget().destroy();
}

/// The toggle button under `widget` whose tooltip is `tooltip`.
fn find_toggle(widget: &gtk::Widget, tooltip: &str) -> Option<gtk::ToggleButton> {
    if let Some(t) = widget.downcast_ref::<gtk::ToggleButton>()
        && t.tooltip_text().as_deref() == Some(tooltip)
    {
        return Some(t.clone());
    }
    let mut child = widget.first_child();
    while let Some(c) = child {
        if let Some(t) = find_toggle(&c, tooltip) {
            return Some(t);
        }
        child = c.next_sibling();
    }
    None
}

fn find_stack(widget: &gtk::Widget) -> Option<adw::ViewStack> {
    if let Some(s) = widget.downcast_ref::<adw::ViewStack>() {
        return Some(s.clone());
    }
    let mut child = widget.first_child();
    while let Some(c) = child {
        if let Some(s) = find_stack(&c) {
            return Some(s);
        }
        child = c.next_sibling();
    }
    None
}

/// A small Linux guest: kernel and initramfs from `dir` ([`testbed::guest::linux_guest`]; a
/// root shell on ttyS0 with the prompt `guest# `).
fn linux_guest_xml(name: &str, dir: &std::path::Path) -> String {
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
    <controller type='usb' model='none'/>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga' vram='16384' heads='1'/></video>
  </devices>
</domain>
",
        kernel = dir.join("vmlinuz").display(),
        initrd = dir.join("initramfs.gz").display(),
    )
}

#[gtk::test]
fn a_command_typed_into_the_serial_console_runs_in_the_guest() {
    setup();
    let dir = testbed::guest::linux_guest().expect("the Linux test guest");
    let name = unique_name("cpage-linux");
    let vm = Vm::define(&linux_guest_xml(&name, &dir), &name);
    vm.virsh("start");
    let (win, page) = open_page(&name);
    page.emit(ConsoleMsg::Mode(ConsoleMode::Serial));
    assert!(wait_until(30, || *page.model().serial_state() == SerialState::Open));
    let serial = page.model().serial().clone();
    // The prompt may have been printed before the console opened: ask for a fresh one.
    let mut last = Instant::now();
    assert!(
        wait_until(60, || {
            if last.elapsed() > Duration::from_secs(3) {
                serial.type_text("\r");
                last = Instant::now();
            }
            serial.text().contains("guest# ")
        }),
        "no prompt: {:?}",
        serial.text()
    );
    serial.type_text("echo hello-$((6*7))\r");
    assert!(
        wait_until(20, || serial.text().contains("hello-42")),
        "no answer: {:?}",
        serial.text()
    );
    shot(&win, "console-page-linux");
    drop(vm);
    win.destroy();
}
