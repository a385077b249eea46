//! "Type Clipboard Text" on the console page against the Linux test guest under QEMU TCG,
//! over VNC and over SPICE: the host clipboard's text, typed on the guest's tty1, runs there as
//! a command that writes to the serial port (letters, digits, Shift for `$ ( * ) >`, Enter);
//! text with a character no US key types is refused whole; a long text waits for the user's
//! confirmation. The clipboard is shared with a VM only once the user shares it, a choice
//! kept per VM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use adw::prelude::*;
use hangar::settings::AppSettings;
use hangar::ui::vm_window::console::{ConsoleMsg, ConsolePage};
use hangar::widgets::vnc_display::DisplayState;
use hangar::widgets::vnc_display::typing::CONFIRM_ABOVE;
use relm4::prelude::*;
use support::guest::{linux_xml, open_serial, read_serial};
use support::{connect, wait_until};
use testbed::{Libvirtd, unique_name};

/// A VM defined and started, destroyed and undefined on drop.
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

fn open_page(name: &str) -> (adw::Window, relm4::Controller<ConsolePage>) {
    let uri = Libvirtd::shared().qemu_uri();
    support::console_page(name, &uri, connect(&uri))
}

/// The message dialogs shown now.
fn dialogs() -> Vec<adw::MessageDialog> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
        .filter(|d| d.is_visible())
        .collect()
}

fn types_the_clipboard(prefix: &str, graphics: &str) {
    support::init_gui();
    let dir = testbed::guest::linux_guest().expect("the Linux test guest");
    let name = unique_name(prefix);
    let _vm = Vm::start(&name, &linux_xml(&name, &dir, graphics, ""));
    let mut serial = open_serial(&name);
    let mut out = String::new();
    let (win, page) = open_page(&name);
    assert!(
        wait_until(120, || {
            read_serial(&mut serial, &mut out);
            out.contains("guest# ")
        }),
        "the guest did not come up: {out:?}"
    );
    assert!(
        wait_until(30, || matches!(
            page.model().display_state(),
            DisplayState::Connected { .. }
        )),
        "display: {:?}",
        page.model().display_state()
    );
    let clipboard = page.widget().clipboard();

    // A character without a US key: nothing of the text is typed.
    clipboard.set_text("echo refused >/dev/ttyS0\nécho");
    page.emit(ConsoleMsg::TypeClipboard);
    assert!(support::holds_for(Duration::from_secs(2), || {
        !page.model().is_typing()
    }));

    // A long text waits for a confirmation; cancelled, nothing is typed.
    page.emit(ConsoleMsg::TypeText {
        text: format!("echo long-{} >/dev/ttyS0\n", "x".repeat(CONFIRM_ABOVE)),
        confirmed: false,
    });
    assert!(wait_until(5, || dialogs().len() == 1), "no confirmation");
    assert!(!page.model().is_typing());
    // Closing it answers with its close response, "cancel".
    dialogs()[0].close();
    assert!(wait_until(5, || dialogs().is_empty()));

    clipboard.set_text("echo typed-$((6*7)) >/dev/ttyS0\n");
    page.emit(ConsoleMsg::TypeClipboard);
    assert!(
        wait_until(5, || page.model().is_typing()),
        "typing did not start"
    );
    let ran = wait_until(60, || {
        read_serial(&mut serial, &mut out);
        out.contains("typed-42")
    });
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{prefix}.png"));
    if page.model().is_spice() {
        page.model().spice_display().save_screenshot(&shot).unwrap();
    } else {
        page.model().display().save_screenshot(&shot).unwrap();
    }
    assert!(
        ran,
        "the typed command did not run: {out:?}; tty1: {}",
        shot.display()
    );
    assert!(wait_until(10, || !page.model().is_typing()));
    assert!(
        !out.contains("refused"),
        "part of a refused text ran: {out:?}"
    );
    assert!(!out.contains("long-"), "a cancelled text ran: {out:?}");

    // The clipboard is not shared until the user shares it with this VM; the choice is kept
    // for the VM (connection URI and UUID) and applies to both displays.
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let uuid = d
        .virsh(&uri, &["domuuid", &name])
        .unwrap()
        .trim()
        .to_string();
    let settings = AppSettings::open().unwrap();
    assert!(!page.model().shares_clipboard(), "shared by default");
    assert!(!settings.clipboard_shared(&uri, &uuid));
    page.emit(ConsoleMsg::ShareClipboard(true));
    assert!(wait_until(5, || page.model().shares_clipboard()));
    assert!(page.model().spice_display().share_clipboard());
    assert!(settings.clipboard_shared(&uri, &uuid));
    let (win2, page2) = open_page(&name);
    assert!(wait_until(30, || page2.model().info().is_some()));
    assert!(
        page2.model().shares_clipboard(),
        "the VM's choice was not applied"
    );
    page2.emit(ConsoleMsg::ShareClipboard(false));
    assert!(wait_until(5, || !page2.model().shares_clipboard()));
    assert!(!settings.clipboard_shared(&uri, &uuid));
    win2.destroy();
    win.destroy();
}

#[gtk::test]
fn clipboard_text_is_typed_into_a_vnc_guest() {
    types_the_clipboard(
        "type-vnc",
        "<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>",
    );
}

#[gtk::test]
fn clipboard_text_is_typed_into_a_spice_guest() {
    types_the_clipboard(
        "type-spice",
        "<graphics type='spice' autoport='yes' listen='127.0.0.1'/>",
    );
}
