//! The "Release Keyboard" preference against a console page on a tiny QEMU VM of the private
//! libvirtd, with real key events (XTEST): the keys chosen in the Preferences window, preset
//! or recorded by pressing them, end the grab of the open VNC console at once, the keys chosen
//! before no longer do, and the console's hint names the new keys.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use adw::prelude::*;
use hangar::settings::{AppSettings, keys};
use hangar::ui::preferences::Preferences;
use hangar::ui::preferences::release_keys::{Choice, recorder_title};
use hangar::widgets::release_keys::ReleaseKeys;
use hangar::widgets::vnc_display::{DisplayState, VncDisplay};
use relm4::prelude::*;
use support::keys::{focus_window, key};
use support::{connect, wait_until};
use testbed::{Libvirtd, unique_name, vm};

/// Grabs the keyboard of `display` in the window titled `title`, as a click would.
fn grab(title: &str, display: &VncDisplay) {
    focus_window(title);
    display.grab_focus();
    display.grab_keyboard();
    assert!(display.keyboard_grabbed());
}

/// Types `keys` (xdotool's names) and says whether the grab held.
fn grab_holds_after(display: &VncDisplay, keys: &str) -> bool {
    key(keys);
    support::holds_for(Duration::from_millis(300), || display.keyboard_grabbed())
}

#[gtk::test]
fn the_chosen_keys_release_an_open_console_and_the_old_ones_do_not() {
    support::init_gui();
    let settings = AppSettings::open().unwrap();
    settings.gio().reset(keys::CONSOLE_GRAB_KEYS);
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = unique_name("grabkeys");
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml, vm::tiny_xml(&name)).unwrap();
    d.virsh(&uri, &["define", xml.to_str().unwrap()]).unwrap();
    d.virsh(&uri, &["start", &name]).unwrap();

    let (win, page) = support::console_page(&name, &uri, connect(&uri));
    let title = format!("Console {name}");
    win.set_title(Some(&title));
    let display = page.model().display().clone();
    assert!(
        wait_until(30, || matches!(
            display.state(),
            DisplayState::Connected { .. }
        )),
        "state {:?}",
        display.state()
    );
    assert_eq!(display.release_keys(), ReleaseKeys::ctrl_alt());

    // The default: Ctrl+Alt, and the hint says so.
    grab(&title, &display);
    assert!(
        display.grab_hint().unwrap().contains("Ctrl+Alt to"),
        "{:?}",
        display.grab_hint()
    );
    assert!(
        !grab_holds_after(&display, "ctrl+alt"),
        "Ctrl+Alt kept the grab"
    );

    // Ctrl+Alt+Shift chosen in the Preferences window applies to the open console.
    let prefs = Preferences::builder().launch(()).detach();
    prefs.widget().present();
    let row = prefs.model().release_keys_row().unwrap().clone();
    assert_eq!(row.choice(), Some(Choice::CtrlAlt));
    row.choose(Choice::CtrlAltShift);
    assert!(wait_until(5, || display.release_keys()
        == ReleaseKeys::ctrl_alt_shift()));
    // The page's SPICE display (for VMs with SPICE graphics) follows too.
    assert_eq!(
        page.model().spice_display().release_keys(),
        ReleaseKeys::ctrl_alt_shift()
    );
    assert_eq!(
        settings.gio().string(keys::CONSOLE_GRAB_KEYS),
        "Control+Alt+Shift"
    );
    // Closed, as one does before going back to the console (without a window manager, the
    // X server would otherwise keep sending keys to the last window mapped).
    prefs.widget().close();
    grab(&title, &display);
    assert!(
        display.grab_hint().unwrap().contains("Ctrl+Alt+Shift to"),
        "{:?}",
        display.grab_hint()
    );
    assert!(
        grab_holds_after(&display, "ctrl+alt"),
        "the old Ctrl+Alt still releases"
    );
    assert!(
        !grab_holds_after(&display, "ctrl+alt+shift"),
        "Ctrl+Alt+Shift kept the grab"
    );

    // Keys of one's own, recorded by pressing them in the window "Custom…" opens.
    prefs.widget().present();
    row.choose(Choice::Custom);
    let recorder = recorder_title();
    focus_window(&recorder);
    key("ctrl+F12");
    assert!(
        wait_until(5, || display.release_keys()
            == ReleaseKeys::parse("Control+F12").unwrap()),
        "recorded {:?}",
        settings.gio().string(keys::CONSOLE_GRAB_KEYS)
    );
    assert_eq!(
        settings.gio().string(keys::CONSOLE_GRAB_KEYS),
        "Control+F12"
    );
    assert_eq!(row.choice(), Some(Choice::Custom));
    prefs.widget().close();
    assert_eq!(
        row.row
            .model()
            .and_downcast::<gtk::StringList>()
            .unwrap()
            .string(2)
            .as_deref(),
        Some("Ctrl+F12")
    );
    grab(&title, &display);
    assert!(
        display.grab_hint().unwrap().contains("Ctrl+F12 to"),
        "{:?}",
        display.grab_hint()
    );
    assert!(
        grab_holds_after(&display, "ctrl+alt+shift"),
        "the old Ctrl+Alt+Shift still releases"
    );
    assert!(
        grab_holds_after(&display, "ctrl+alt"),
        "Ctrl+Alt releases again"
    );
    assert!(
        !grab_holds_after(&display, "ctrl+F12"),
        "Ctrl+F12 kept the grab"
    );

    // Recording again and cancelling with Escape keeps the keys.
    prefs
        .model()
        .release_keys_row()
        .unwrap()
        .record
        .emit_clicked();
    focus_window(&recorder);
    key("Escape");
    support::drain();
    assert_eq!(
        settings.gio().string(keys::CONSOLE_GRAB_KEYS),
        "Control+F12"
    );

    settings.gio().reset(keys::CONSOLE_GRAB_KEYS);
    assert!(wait_until(5, || display.release_keys() == ReleaseKeys::ctrl_alt()));
    assert_eq!(row.choice(), Some(Choice::CtrlAlt));
    prefs.widget().destroy();
    win.destroy();
    let _ = d.virsh_output(&uri, &["destroy", &name]);
    let _ = d.virsh_output(&uri, &["undefine", &name]);
}
