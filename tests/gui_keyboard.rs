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
use support::keys::{focus_window, key};
use support::{drain, wait_until};
use testbed::{Libvirtd, unique_name, vm};

/// Presses Tab until `is_target` holds for the focused widget of `window`; fails, naming the
/// widgets the focus went through, if it does not within 60 presses. A guest's display takes
/// Tab for the guest, so on a display it presses Ctrl+Alt, which hands the focus on.
fn tab_to(window: &impl IsA<gtk::Window>, what: &str, is_target: impl Fn(&gtk::Widget) -> bool) {
    let mut seen = Vec::new();
    let mut on_display = false;
    for _ in 0..60 {
        key(if on_display { "ctrl+alt" } else { "Tab" });
        let Some(focus) = gtk::prelude::GtkWindowExt::focus(window.as_ref()) else {
            on_display = false;
            continue;
        };
        if is_target(&focus) {
            return;
        }
        let name = focus.type_().name();
        on_display = name == "HangarVncDisplay" || name == "HangarSpiceDisplay";
        seen.push(name.to_string());
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

/// The title of the preferences row `w` sits in, if any.
fn row_title(w: &gtk::Widget) -> Option<String> {
    let mut cur = Some(w.clone());
    while let Some(c) = cur {
        if let Some(row) = c.downcast_ref::<adw::PreferencesRow>() {
            return Some(row.title().to_string());
        }
        cur = c.parent();
    }
    None
}

/// Whether `w` or a widget inside it is a label reading `text`.
fn shows_label(w: &gtk::Widget, text: &str) -> bool {
    if w.downcast_ref::<gtk::Label>()
        .is_some_and(|l| l.label() == text)
    {
        return true;
    }
    let mut child = w.first_child();
    while let Some(c) = child {
        if shows_label(&c, text) {
            return true;
        }
        child = c.next_sibling();
    }
    false
}

/// The texts of the labels showing inside `w` (to say what a window shows when a step fails).
fn labels(w: &gtk::Widget) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(l) = w.downcast_ref::<gtk::Label>()
        && l.is_mapped()
        && !l.label().is_empty()
    {
        out.push(l.label().to_string());
    }
    let mut child = w.first_child();
    while let Some(c) = child {
        out.extend(labels(&c));
        child = c.next_sibling();
    }
    out
}

/// The open window titled `title`.
fn toplevel(title: &str) -> Option<gtk::Window> {
    let list = gtk::Window::toplevels();
    (0..list.n_items())
        .filter_map(|i| list.item(i).and_downcast::<gtk::Window>())
        .find(|w| w.is_visible() && w.title().is_some_and(|t| t == title))
}

/// Waits until the open window titled `title` shows a row titled `row` (a step of a wizard
/// has come up).
fn wait_row(title: &str, row: &str) {
    assert!(
        wait_until(30, || toplevel(title)
            .is_some_and(|w| mapped_row(w.upcast_ref(), row))),
        "{title} never showed the row {row}"
    );
}

fn mapped_row(w: &gtk::Widget, title: &str) -> bool {
    if w.downcast_ref::<adw::PreferencesRow>()
        .is_some_and(|r| r.is_mapped() && r.title() == title)
    {
        return true;
    }
    let mut child = w.first_child();
    while let Some(c) = child {
        if mapped_row(&c, title) {
            return true;
        }
        child = c.next_sibling();
    }
    false
}

#[gtk::test]
fn a_vm_is_created_its_console_opened_and_pinned_with_the_keyboard_alone() {
    use hangar::cli::Options;
    use hangar::i18n::gettext;
    use hangar::ui::vm_list::ConnectionStatus;
    use hangar::ui::vm_window::VmPage;
    use hangar::ui::wizard::{NewVmWizard, NewVmWizardInit};
    use hangar::ui::{MainWindow, MainWindowMsg};

    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let d = Libvirtd::shared();
    let qemu = d.qemu_uri();
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![qemu.clone()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    let conn = window.model().list().connection(&qemu).unwrap();
    assert!(wait_until(30, || conn.connection_status()
        == ConnectionStatus::Connected));

    // The main window: Tab to "New Virtual Machine", Enter.
    focus_window("Hangar");
    let main = window.widget().clone();
    tab_to(&main, "the New Virtual Machine button", |w| {
        w.downcast_ref::<gtk::Button>()
            .and_then(|b| b.action_name())
            .is_some_and(|a| a == "win.new-vm")
    });
    key("Return");
    assert!(
        wait_until(10, || window.model().wizard_open()),
        "Enter on New Virtual Machine opened no wizard"
    );
    let wizard_title = gettext("New Virtual Machine");
    focus_window(&wizard_title);
    key("Escape");
    assert!(
        wait_until(10, || !window.model().wizard_open()),
        "Escape did not close the wizard"
    );

    // The same wizard, on emulation: KVM may be present and still fail to start a guest (as
    // in nested virtual machines), and the wizard picks KVM when the host offers it. What it
    // creates goes to the main window, as from the wizard above.
    let uri = qemu.clone();
    let wizard = NewVmWizard::builder()
        .transient_for(window.widget())
        .launch(NewVmWizardInit {
            conn: support::connect(&qemu),
            uri: qemu.clone(),
            emulator: None,
            virt_type: Some("qemu".into()),
        })
        .forward(window.sender(), move |out| {
            MainWindowMsg::Wizard(uri.clone(), out)
        });
    wizard.widget().present();
    let pxe = gettext("Network boot (PXE)");
    wait_row(&wizard_title, &pxe);
    assert!(wait_until(60, || wizard.model().host_loaded()));
    focus_window(&wizard_title);
    let wizard_model = &wizard;
    let wizard = wizard.widget().clone();

    // Source: Tab to the row "Network boot (PXE)" (of a group of radio buttons only the
    // chosen one is in the Tab chain; every row is), Space; Alt+F (Forward's mnemonic) twice.
    tab_to(&wizard, "the PXE choice", |w| {
        row_title(w).is_some_and(|t| t == pxe)
    });
    key("space");
    key("alt+f");
    key("alt+f");
    let disk = gettext("Create a disk");
    wait_row(&wizard_title, &disk);

    // Resources: a name typed in, no disk, no network.
    let name = unique_name("keys-wiz");
    let name_title = gettext("Name");
    tab_to(&wizard, "the name", |w| {
        row_title(w).is_some_and(|t| t == name_title)
    });
    key("ctrl+a");
    let out = Command::new("xdotool")
        .args(["type", "--delay", "20", &name])
        .output()
        .unwrap();
    assert!(out.status.success());
    drain();
    tab_to(&wizard, "the disk switch", |w| {
        w.is::<gtk::Switch>() && row_title(w).is_some_and(|t| t == disk)
    });
    let switch = gtk::prelude::GtkWindowExt::focus(&wizard)
        .and_downcast::<gtk::Switch>()
        .unwrap();
    if switch.is_active() {
        key("space");
    }
    assert!(!switch.is_active(), "Space did not turn the disk off");
    let network = gettext("Network");
    tab_to(&wizard, "the network choice", |w| {
        w.is::<adw::ComboRow>() && row_title(w).is_some_and(|t| t == network)
    });
    let combo = gtk::prelude::GtkWindowExt::focus(&wizard)
        .and_downcast::<adw::ComboRow>()
        .unwrap();
    // Enter opens the list; End goes to its last entry, "Not connected"; Enter picks it.
    key("Return");
    key("End");
    key("Return");
    let last = combo.model().unwrap().n_items() - 1;
    assert_eq!(
        combo.selected(),
        last,
        "the keyboard did not pick “Not connected”"
    );

    // Summary: Alt+F, then Alt+R (the mnemonic of Create).
    key("alt+f");
    assert!(
        wait_until(10, || gtk::prelude::GtkWindowExt::focus(&wizard).is_some()
            && !mapped_row(wizard.upcast_ref(), &disk)),
        "Forward did not leave the resources step"
    );
    key("alt+r");
    assert!(
        wait_until(60, || d
            .virsh_output(&qemu, &["domstate", &name])
            .is_ok_and(
                |o| String::from_utf8_lossy(&o.stdout).trim() == "running"
            )),
        "Create did not define and start {name} (step {}): the wizard says {:?}; the daemon has {}",
        wizard_model.model().step(),
        labels(wizard.upcast_ref()),
        d.virsh(&qemu, &["list", "--all", "--name"])
            .unwrap_or_default()
    );

    // The VM's window opens on its console.
    let uuid = d
        .virsh(&qemu, &["domuuid", &name])
        .unwrap()
        .trim()
        .to_string();
    assert!(
        wait_until(30, || window
            .model()
            .vm_windows()
            .get(&uuid)
            .is_some_and(|w| w.model().page() == VmPage::Console)),
        "the new VM's console did not open"
    );
    let vm_window = window.model().vm_windows()[&uuid].widget().clone();
    let before = vcpupin(d, &name);

    // Its view switcher: Tab to "CPU Pinning", Space. When the focus is on the guest's
    // display, keys (Tab too) go to the guest: Ctrl+Alt hands the focus on first.
    focus_window(&name);
    let on_display = |w: &gtk::Widget| {
        w.type_().name() == "HangarVncDisplay" || w.type_().name() == "HangarSpiceDisplay"
    };
    if gtk::prelude::GtkWindowExt::focus(&vm_window).is_some_and(|w| on_display(&w)) {
        key("ctrl+alt");
        assert!(
            !gtk::prelude::GtkWindowExt::focus(&vm_window).is_some_and(|w| on_display(&w)),
            "Ctrl+Alt left the focus on the display"
        );
    }
    let pinning = gettext("CPU Pinning");
    tab_to(&vm_window, "the CPU Pinning page's switcher", |w| {
        w.is::<gtk::ToggleButton>() && shows_label(w, &pinning)
    });
    key("space");
    // The page is built when first shown.
    let matrix = || {
        window.model().vm_windows()[&uuid]
            .model()
            .pinning()
            .map(|page| page.model().matrix().clone())
    };
    assert!(
        wait_until(10, || matrix().is_some_and(|m| m.is_mapped())),
        "Space on the switcher did not show the pinning page"
    );
    let matrix = matrix().unwrap();
    assert!(
        wait_until(30, || window.model().vm_windows()[&uuid]
            .model()
            .pinning()
            .is_some_and(|page| page.model().is_ready())),
        "the pinning page did not load"
    );
    tab_to(&vm_window, "the pinning matrix", |w| {
        w == matrix.upcast_ref::<gtk::Widget>()
    });
    key("space");
    let apply = gettext("Apply");
    tab_to(&vm_window, "the Apply button", |w| {
        w.downcast_ref::<gtk::Button>()
            .and_then(|b| b.label())
            .is_some_and(|l| l == apply)
    });
    key("Return");
    assert!(
        wait_until(30, || vcpupin(d, &name) != before),
        "Enter on Apply changed no pin"
    );

    window.widget().close();
    let _ = d.virsh(&qemu, &["destroy", &name]);
    let _ = d.virsh(&qemu, &["undefine", &name, "--nvram"]);
}
