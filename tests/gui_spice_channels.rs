//! What QEMU's SPICE server offers without a guest agent, seen through the console page over
//! libvirt's fds: every VM has the main, display, inputs and cursor channels; a VM with a sound
//! card has the playback and record channels, and one with SPICE USB redirection a `usbredir`
//! channel per redirected port. The display opens main, display and inputs, for a VM with
//! sound its playback channel (muting closes it), and for a VM with USB redirection ports the
//! usbredir channels (both free; the host's USB devices are listed).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use hangar::widgets::spice_display::SpiceDisplay;
use hangar::widgets::vnc_display::DisplayState;
use relm4::prelude::*;
use support::{connect, wait_until};
use testbed::{Libvirtd, unique_name, vm};

/// The channels the console page's SPICE display was offered for VM `xml`, once it shows
/// SeaBIOS with keys going in; `check` looks at the display before the VM goes.
fn offered(d: &Libvirtd, name: &str, xml: &str, check: impl FnOnce(&SpiceDisplay)) -> Vec<String> {
    let path = d.dir().join(format!("{name}.xml"));
    std::fs::write(&path, xml).unwrap();
    d.virsh(&d.qemu_uri(), &["define", path.to_str().unwrap()])
        .unwrap();
    d.virsh(&d.qemu_uri(), &["start", name]).unwrap();
    let uri = d.qemu_uri();
    let (win, page) = support::console_page(name, &uri, connect(&uri));
    let spice = page.model().spice_display().clone();
    let ok = wait_until(40, || {
        spice.state()
            == DisplayState::Connected {
                width: 720,
                height: 400,
            }
            && spice.has_inputs()
            && spice.offered_channels().iter().any(|c| c == "cursor")
    });
    let state = spice.state();
    // The server's list is announced at once; its channels are made one idle callback each.
    let channels = support::settled(10, std::time::Duration::from_millis(300), || {
        spice.offered_channels()
    })
    .unwrap_or_else(|| spice.offered_channels());
    if ok {
        check(&spice);
    }
    let _ = d.virsh_output(&d.qemu_uri(), &["destroy", name]);
    let _ = d.virsh_output(&d.qemu_uri(), &["undefine", name]);
    gtk::prelude::GtkWindowExt::destroy(&win);
    assert!(ok, "state {state:?}, channels {channels:?}");
    let mut sorted = channels;
    sorted.sort();
    sorted
}

#[gtk::test]
fn channels_follow_the_vms_devices() {
    support::init_gui();
    let d = Libvirtd::shared();

    let name = unique_name("spice-ch-plain");
    let plain = offered(d, &name, &vm::tiny_spice_xml(&name), |spice| {
        assert!(!spice.has_audio() && !spice.plays_audio());
        assert!(!spice.has_usb());
    });
    assert_eq!(plain, ["cursor", "display", "inputs", "main"]);

    let name = unique_name("spice-ch-full");
    let xml = vm::tiny_spice_xml(&name).replace(
        "<controller type='usb' model='none'/>",
        "<controller type='usb' model='qemu-xhci'/>\n    <sound model='ich6'/>\n    \
             <redirdev bus='usb' type='spicevmc'/>\n    <redirdev bus='usb' type='spicevmc'/>",
    );
    let full = offered(d, &name, &xml, |spice| {
        // The audio back-end opens the playback channel; muting closes it, unmuting opens it
        // again.
        assert!(spice.has_audio());
        assert!(
            wait_until(20, || spice.plays_audio()),
            "no playback channel"
        );
        spice.set_muted(true);
        assert!(!spice.plays_audio());
        assert!(
            support::holds_for(std::time::Duration::from_millis(500), || !spice
                .plays_audio()),
            "playback opened again while muted"
        );
        spice.set_muted(false);
        assert!(wait_until(20, || spice.plays_audio()), "not opened again");
        assert!(spice.has_audio());
        // USB redirection: both ports free; the host's devices are listed (this machine may
        // have none), and one that is not there is not given.
        assert!(spice.has_usb());
        assert!(
            wait_until(20, || spice.usb_free_channels() == Ok(2)),
            "{:?}",
            spice.usb_free_channels()
        );
        let devices = spice.usb_devices().expect("the USB device manager");
        let outcome = std::rc::Rc::new(std::cell::RefCell::new(None));
        let o = outcome.clone();
        spice.set_usb_redirected(devices.len(), true, move |r| {
            o.replace(Some(r));
        });
        assert!(wait_until(5, || outcome.borrow().is_some()));
        assert!(matches!(outcome.borrow().as_ref(), Some(Err(_))));
    });
    assert_eq!(
        full,
        [
            "cursor", "display", "inputs", "main", "playback", "record", "usbredir", "usbredir"
        ]
    );
}
