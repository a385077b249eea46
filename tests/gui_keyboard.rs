//! The keyboard alone: real key events (XTEST, through `xdotool` on the test's X server) move
//! the focus with Tab, toggle a cell of the pinning matrix with Space and apply the pins with
//! Enter, and the daemon then reports them (`virsh vcpupin`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::process::Command;

use adw::prelude::*;
use hangar::ui::vm_window::pinning::{PinningInit, PinningPage};
use relm4::prelude::*;
use support::{drain, wait_until};
use testbed::{Libvirtd, unique_name, vm};

/// Sends `keys` (xdotool's names: "Tab", "space", "Return", "shift+Tab") to the X window
/// that has the input focus.
fn key(keys: &str) {
    let out = Command::new("xdotool")
        .args(["key", "--delay", "20", keys])
        .output()
        .expect("xdotool (apt-get install xdotool)");
    assert!(
        out.status.success(),
        "xdotool key {keys}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    drain();
}

/// Gives the X input focus to the window titled `title` (there is no window manager on the
/// test's X server to do it).
fn focus_window(title: &str) {
    let mut id = String::new();
    assert!(
        wait_until(10, || {
            let out = Command::new("xdotool")
                .args(["search", "--name", &format!("^{title}$")])
                .output()
                .expect("xdotool (apt-get install xdotool)");
            id = String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            !id.is_empty()
        }),
        "no X window titled {title}"
    );
    let out = Command::new("xdotool")
        .args(["windowfocus", "--sync", &id])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drain();
}

/// Presses Tab until `is_target` holds for the focused widget of `window`; fails, naming the
/// widgets the focus went through, if it does not within 60 presses.
fn tab_to(window: &impl IsA<gtk::Window>, what: &str, is_target: impl Fn(&gtk::Widget) -> bool) {
    let mut seen = Vec::new();
    for _ in 0..60 {
        key("Tab");
        let Some(focus) = gtk::prelude::GtkWindowExt::focus(window.as_ref()) else {
            continue;
        };
        if is_target(&focus) {
            return;
        }
        seen.push(focus.type_().name().to_string());
    }
    panic!("Tab never reached {what}; the focus went through: {seen:?}");
}

fn vcpupin(d: &Libvirtd, name: &str) -> BTreeMap<u32, String> {
    d.virsh(&d.qemu_uri(), &["vcpupin", name, "--live"])
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?.to_string()))
        })
        .collect()
}

#[gtk::test]
fn a_pin_is_applied_with_the_keyboard_alone() {
    support::init_gui();
    let d = Libvirtd::shared();
    let qemu = d.qemu_uri();
    let name = unique_name("keys");
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml, vm::tiny_xml_vcpus(&name, 2)).unwrap();
    d.virsh(&qemu, &["define", xml.to_str().unwrap()]).unwrap();
    d.virsh(&qemu, &["start", &name]).unwrap();
    let before = vcpupin(d, &name);

    let page = PinningPage::builder()
        .launch(PinningInit {
            name: name.clone(),
            connection: Some(support::connect(&qemu)),
        })
        .detach();
    let title = format!("Pinning {name}");
    let win = adw::Window::new();
    win.set_title(Some(&title));
    win.set_default_size(860, 620);
    win.set_content(Some(page.widget()));
    win.present();
    assert!(
        wait_until(30, || page.model().is_ready()),
        "page not loaded: {}",
        page.model().message_text()
    );
    focus_window(&title);

    // Tab reaches the matrix; Space toggles its focus cell (vCPU 0 on the first CPU).
    let matrix = page.model().matrix().clone();
    tab_to(&win, "the pinning matrix", |w| {
        w == matrix.upcast_ref::<gtk::Widget>()
    });
    assert_eq!(matrix.focus_cell(), (0, 0));
    let was = matrix.model().is_allowed(0, 0);
    key("space");
    assert_ne!(
        matrix.model().is_allowed(0, 0),
        was,
        "Space did not toggle the cell"
    );
    assert!(wait_until(5, || page.model().has_edits()));

    // Tab on to Apply; Enter applies, and the daemon reports the new pin.
    tab_to(&win, "the Apply button", |w| {
        w.downcast_ref::<gtk::Button>()
            .and_then(|b| b.label())
            .is_some_and(|l| l == hangar::i18n::gettext("Apply"))
    });
    assert!(
        page.model().can_apply(),
        "{:?}",
        page.model().blocked_reason()
    );
    key("Return");
    assert!(
        wait_until(30, || vcpupin(d, &name) != before),
        "Enter on Apply changed no pin: {}",
        page.model().message_text()
    );
    let after = vcpupin(d, &name);
    assert_eq!(after[&1], before[&1], "only vCPU 0 was edited");

    win.destroy();
    let _ = d.virsh(&qemu, &["destroy", &name]);
    let _ = d.virsh(&qemu, &["undefine", &name]);
}
