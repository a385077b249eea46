//! USB redirection on a SPICE VM with two redirection ports, end to end through QEMU: a disc
//! image of this computer shared from the console's USB menu (its file chooser answered) becomes
//! a USB CD drive that spice-client-glib emulates, and goes to the guest: QEMU's redirection
//! port then holds a high-speed device (`info usb`, the oracle), and after a reset the VM's
//! firmware boots the image from it (its boot program writes to the serial port). Its switch
//! in the menu takes it back (and the drive leaves the menu); with both ports taken one more
//! is refused with the reason, and with "Redirect new USB devices automatically" ticked a new
//! one still goes with its outcome told.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::widgets::spice_display::{SpiceDisplay, UsbDeviceEntry};
use support::guest::RunningVm;
use support::hardware::{button, find, open_menu, shows};
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};

/// How many USB devices the guest has through the VM's redirection ports (the emulated CD
/// drive runs at high speed).
fn devices_in_guest(name: &str) -> usize {
    let d = Libvirtd::shared();
    let out = d
        .virsh_output(
            &d.qemu_uri(),
            &["qemu-monitor-command", "--hmp", name, "info usb"],
        )
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("USB Redirection") && l.contains("480 Mb/s"))
        .count()
}

/// What the boot program of [`bootable_iso`] writes to the first serial port.
const BOOTED: &str = "USB-CD-BOOTED";

/// A bootable disc image (El Torito, no emulation) at `path` whose boot program writes
/// [`BOOTED`] to the first serial port and halts: proof that the guest's firmware read it.
fn bootable_iso(path: &std::path::Path) {
    // x86 real mode, loaded at 0000:7C00: ds = 0; dx = COM1; si = the text; out each byte
    // until the zero; then halt for good.
    let mut program: Vec<u8> = vec![
        0x31, 0xC0, // xor ax, ax
        0x8E, 0xD8, // mov ds, ax
        0xBA, 0xF8, 0x03, // mov dx, 0x3f8
        0xBE, 0x16, 0x7C, // mov si, 0x7c16 (the text, 22 bytes in)
        0xAC, // lodsb
        0x84, 0xC0, // test al, al
        0x74, 0x03, // jz halt
        0xEE, // out dx, al
        0xEB, 0xF8, // jmp lodsb
        0xFA, // halt: cli
        0xF4, // hlt
        0xEB, 0xFD, // jmp hlt
    ];
    assert_eq!(program.len(), 0x16);
    program.extend_from_slice(BOOTED.as_bytes());
    program.extend_from_slice(b"\r\n\0");
    program.resize(2048, 0);
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("boot.img"), &program).unwrap();
    support::browser::run(
        std::process::Command::new("xorriso")
            .args([
                "-as", "mkisofs", "-quiet", "-V", "USBBOOT", "-b", "boot.img",
            ])
            .args(["-no-emul-boot", "-boot-load-size", "4", "-o"])
            .arg(path)
            .arg(src.path()),
    );
}

/// The menu's entry for disc image `file`.
fn disc(spice: &SpiceDisplay, file: &str) -> Option<UsbDeviceEntry> {
    let name = format!("Disc image {file}");
    spice
        .usb_devices()
        .ok()?
        .into_iter()
        .find(|d| d.disc_image && d.description == name)
}

/// Shares `path` through the display and waits for the outcome.
fn share(spice: &SpiceDisplay, path: &std::path::Path) -> Result<(), String> {
    let outcome = std::rc::Rc::new(std::cell::RefCell::new(None));
    let o = outcome.clone();
    spice.share_disc_image(path, move |r| {
        o.replace(Some(r));
    });
    assert!(wait_until(20, || outcome.borrow().is_some()), "no outcome");
    outcome.borrow_mut().take().unwrap()
}

#[gtk::test]
fn disc_images_go_to_the_guest_as_usb_drives() {
    support::init_gui();
    let d = Libvirtd::shared();
    let name = unique_name("spice-usb");
    let xml = vm::tiny_spice_xml(&name).replace(
        "<controller type='usb' model='none'/>",
        "<controller type='usb' model='qemu-xhci'/>\n    \
         <redirdev bus='usb' type='spicevmc'/>\n    <redirdev bus='usb' type='spicevmc'/>",
    );
    assert!(xml.contains("redirdev"), "{xml}");
    // What the test's main-loop pump costs by itself, to tell the console's share from it.
    let base = support::idle::own_cpu_percent(std::time::Duration::from_secs(5));
    let _vm = RunningVm::start(&name, &xml);
    let (window, page, spice) = support::spice_page(&name);
    assert!(wait_until(20, || spice.has_usb()), "no USB redirection");
    let images: Vec<_> = (1..=4)
        .map(|i| {
            let path = d.dir().join(format!("disc{i}.iso"));
            if i == 1 {
                bootable_iso(&path);
            } else {
                std::fs::write(&path, vec![i as u8; 2048 * 32]).unwrap();
            }
            path
        })
        .collect();
    assert_eq!(devices_in_guest(&name), 0);
    let console = support::idle::own_cpu_percent(std::time::Duration::from_secs(10));

    // From the menu: "Share a Disc Image…", the file chosen, the drive goes to the guest and
    // the user is told.
    let (_, popover) = open_menu(&window, "USB Devices");
    assert!(!shows(&popover, "no USB redirection ports"));
    support::hardware::screenshot(&popover, "spice-usb-menu");
    button(&popover, "Share a Disc Image…").emit_clicked();
    assert!(wait_until(5, || !popover.is_mapped()));
    assert!(wait_until(5, support::browser::file_chooser_open));
    let chooser = gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::FileChooserDialog>().ok())
        .find(|w| w.is_visible())
        .unwrap();
    chooser
        .set_file(&gtk::gio::File::for_path(&images[0]))
        .unwrap();
    // The chooser selects the file once it has read its folder.
    assert!(wait_until(5, || chooser
        .file()
        .and_then(|f| f.path())
        .is_some_and(|p| p == images[0])));
    chooser.response(gtk::ResponseType::Accept);
    assert!(
        wait_until(20, || disc(&spice, "disc1.iso")
            .is_some_and(|e| e.connected)),
        "{:?}",
        spice.usb_devices()
    );
    assert!(wait_until(10, || devices_in_guest(&name) == 1));
    assert!(wait_until(5, || shows(
        &window,
        "The VM has disc1.iso as a USB CD drive"
    )));
    support::hardware::screenshot(&window, "spice-usb-console");
    // The guest reads it: reset, the VM's firmware (SeaBIOS) finds the USB CD drive and boots
    // the image's program, which says so on the serial port.
    let mut serial = support::guest::open_serial(&name);
    d.virsh(&d.qemu_uri(), &["reset", &name]).unwrap();
    let mut said = String::new();
    assert!(
        wait_until(60, || {
            support::guest::read_serial(&mut serial, &mut said);
            said.contains(BOOTED)
        }),
        "the guest did not boot the disc: {said:?}"
    );

    // Idle with the drive in the guest (SeaBIOS waits for a boot device): the emulated drive
    // costs next to nothing beyond the console without it.
    let idle = support::idle::own_cpu_percent(std::time::Duration::from_secs(10));
    eprintln!(
        "idle with a disc image in the guest: {idle:.1}% of a core (without: {console:.1}%, the pump alone: {base:.1}%)"
    );
    assert!(idle < 25.0, "{idle:.1}% of a core while idle");

    // Its switch in the menu takes it back: the drive is gone from the guest and from the
    // menu (spice-client-glib drops an emulated drive once it is taken back).
    let (_, popover) = open_menu(&window, "USB Devices");
    assert!(wait_until(5, || shows(&popover, "Disc image disc1.iso")));
    support::hardware::screenshot(&popover, "spice-usb-menu-disc");
    let switch = find::<gtk::Switch>(&popover, |s| s.is_active());
    switch.set_active(false);
    assert!(wait_until(10, || devices_in_guest(&name) == 0));
    assert!(wait_until(5, || disc(&spice, "disc1.iso").is_none()));
    assert!(wait_until(5, || !shows(&popover, "Disc image disc1.iso")));
    popover.popdown();
    share(&spice, &images[0]).unwrap();
    assert!(wait_until(10, || devices_in_guest(&name) == 1));

    // Two more shared at once, each with its own outcome: the second takes the other port;
    // the third finds none free and says so, listed but not given; the guest keeps its two.
    let outcomes = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    for image in &images[1..3] {
        let (o, file) = (outcomes.clone(), image.file_name().unwrap().to_owned());
        spice.share_disc_image(image, move |r| o.borrow_mut().push((file, r)));
    }
    assert!(wait_until(20, || outcomes.borrow().len() == 2));
    let outcomes = outcomes.borrow();
    let of = |file: &str| &outcomes.iter().find(|(f, _)| f == file).unwrap().1;
    assert_eq!(of("disc2.iso"), &Ok(()));
    let refused = of("disc3.iso").clone().unwrap_err();
    assert!(refused.contains("ports are taken"), "{refused}");
    assert!(disc(&spice, "disc2.iso").unwrap().connected);
    assert!(!disc(&spice, "disc3.iso").unwrap().connected);
    assert!(wait_until(10, || devices_in_guest(&name) == 2));
    assert!(support::holds_for(
        std::time::Duration::from_millis(500),
        || { devices_in_guest(&name) == 2 }
    ));
    // A file that is not there is refused with the reason, and nothing is listed for it.
    let missing = share(&spice, &d.dir().join("missing.iso")).unwrap_err();
    assert!(missing.contains("cannot be read"), "{missing}");
    eprintln!("missing image: {missing}");
    assert_eq!(spice.usb_devices().unwrap().len(), 3);

    // With new devices redirected automatically, a port freed and one more shared: it goes,
    // and the outcome is known.
    let (_, popover) = open_menu(&window, "USB Devices");
    let auto = find::<gtk::CheckButton>(&popover, |c| {
        c.label().as_deref() == Some("Redirect new USB devices automatically")
    });
    auto.set_active(true);
    assert!(wait_until(5, || spice.usb_manager_auto_connect() == Some(true)));
    popover.popdown();
    let first = spice
        .usb_devices()
        .unwrap()
        .iter()
        .position(|e| e.description == "Disc image disc1.iso")
        .unwrap();
    let done = std::rc::Rc::new(std::cell::Cell::new(None));
    let o = done.clone();
    spice.set_usb_redirected(first, false, move |r| o.set(Some(r.is_ok())));
    assert!(wait_until(10, || done.get() == Some(true)));
    assert!(wait_until(10, || devices_in_guest(&name) == 1));
    share(&spice, &images[3]).unwrap();
    assert!(disc(&spice, "disc4.iso").unwrap().connected);
    assert!(wait_until(10, || devices_in_guest(&name) == 2));
    assert_eq!(spice.usb_manager_auto_connect(), Some(true));

    window.destroy();
    drop(page);
}
