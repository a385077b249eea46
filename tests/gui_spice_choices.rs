//! The SPICE console's per-VM choices against a real QEMU VM with a sound card and SPICE USB
//! redirection ports, through the console page: redirecting new USB devices automatically and
//! sharing the microphone are off at first (the USB device manager does not auto-connect, no
//! record channel stays open while sound plays), reach the session when chosen, and are still
//! chosen when the VM's console is opened again; turning them off reaches the session too.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use hangar::ui::vm_window::console::{ConsoleMsg, ConsolePage};
use hangar::widgets::spice_display::SpiceDisplay;
use hangar::widgets::vnc_display::DisplayState;
use relm4::prelude::*;
use support::{connect, wait_until};
use testbed::{Libvirtd, unique_name, vm};

/// Opens the console page of VM `name` and waits until its SPICE display shows the VM with
/// sound playing and USB redirection offered.
fn open(name: &str) -> (adw::Window, Controller<ConsolePage>, SpiceDisplay) {
    let uri = Libvirtd::shared().qemu_uri();
    let (win, page) = support::console_page(name, &uri, connect(&uri));
    let spice = page.model().spice_display().clone();
    assert!(
        wait_until(40, || matches!(
            spice.state(),
            DisplayState::Connected { .. }
        ) && spice.has_usb()
            && spice.plays_audio()),
        "state {:?}, usb {}, audio {}",
        spice.state(),
        spice.has_usb(),
        spice.plays_audio()
    );
    (win, page, spice)
}

#[gtk::test]
fn usb_auto_redirect_and_the_microphone_are_remembered_per_vm_and_reach_the_session() {
    support::init_gui();
    let d = Libvirtd::shared();
    let name = unique_name("spice-choices");
    let xml = vm::tiny_spice_xml(&name).replace(
        "<controller type='usb' model='none'/>",
        "<controller type='usb' model='qemu-xhci'/>\n    <sound model='ich6'/>\n    \
             <redirdev bus='usb' type='spicevmc'/>\n    <redirdev bus='usb' type='spicevmc'/>",
    );
    assert!(xml.contains("redirdev") && xml.contains("ich6"));
    let path = d.dir().join(format!("{name}.xml"));
    std::fs::write(&path, &xml).unwrap();
    d.virsh(&d.qemu_uri(), &["define", path.to_str().unwrap()])
        .unwrap();
    d.virsh(&d.qemu_uri(), &["start", &name]).unwrap();

    // Off at first: the manager (made when the menu lists the devices) does not auto-connect,
    // and the record channel the audio back-end opens does not stay open.
    let (win, page, spice) = open(&name);
    assert!(!spice.usb_auto_redirect() && !spice.share_microphone());
    assert!(spice.usb_devices().is_ok());
    assert_eq!(spice.usb_manager_auto_connect(), Some(false));
    assert!(
        support::holds_for(Duration::from_secs(1), || !spice.record_open()),
        "a record channel is open with the microphone not shared"
    );

    // Chosen in the console: both reach the session.
    page.emit(ConsoleMsg::UsbAutoRedirect(true));
    page.emit(ConsoleMsg::ShareMicrophone(true));
    assert!(
        wait_until(20, || spice.usb_manager_auto_connect() == Some(true)
            && spice.record_open()),
        "auto-connect {:?}, record open {}",
        spice.usb_manager_auto_connect(),
        spice.record_open()
    );
    gtk::prelude::GtkWindowExt::destroy(&win);
    drop(page);
    support::drain();

    // Opened again, the VM's console has both chosen from the start: the manager is made with
    // the session and auto-connects, the record channel opens.
    let (win, page, spice) = open(&name);
    assert!(spice.usb_auto_redirect() && spice.share_microphone());
    assert!(
        wait_until(20, || spice.usb_manager_auto_connect() == Some(true)
            && spice.record_open()),
        "auto-connect {:?}, record open {}",
        spice.usb_manager_auto_connect(),
        spice.record_open()
    );

    // Turned off: the manager stops auto-connecting, the record channel closes, and playback
    // goes on.
    page.emit(ConsoleMsg::UsbAutoRedirect(false));
    page.emit(ConsoleMsg::ShareMicrophone(false));
    assert!(
        wait_until(10, || spice.usb_manager_auto_connect() == Some(false)
            && !spice.record_open()),
        "auto-connect {:?}, record open {}",
        spice.usb_manager_auto_connect(),
        spice.record_open()
    );
    assert!(spice.plays_audio());
    gtk::prelude::GtkWindowExt::destroy(&win);
    drop(page);
    support::drain();
    let (win, _page, spice) = open(&name);
    assert!(!spice.usb_auto_redirect() && !spice.share_microphone());
    assert!(
        support::holds_for(Duration::from_secs(1), || !spice.record_open()),
        "the record channel stays open after the microphone was turned off"
    );
    gtk::prelude::GtkWindowExt::destroy(&win);
    let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &name]);
    let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &name]);
}
