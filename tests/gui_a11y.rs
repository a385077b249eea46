//! What a screen reader sees: the windows are walked from outside over a real AT-SPI bus
//! (`scripts/a11y-walk.py`, pyatspi) and every actionable control must have a name of its
//! own, not none, not its toolkit type name and not one name said twice. Menus and popovers
//! (the primary and power menus, the list rows' context menus, the console's send-keys and
//! USB menus, the pinning and snapshot menus) are walked open, and so are the Preferences
//! window and its key recorder, and the Clone and Migrate dialogs.
//!
//! Needs at-spi2-core (the bus launcher is activated through the D-Bus session the tests run
//! in) and python3-pyatspi.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use adw::prelude::*;
use hangar::cli::Options;
use hangar::ui::host_window::HostPage;
use hangar::ui::main_window::VmVerb;
use hangar::ui::vm_window::snapshots::{SnapshotsInit, SnapshotsMsg, SnapshotsPage};
use hangar::ui::vm_window::{VmPage, VmWindowMsg};
use hangar::ui::volume_browser::VolumeBrowserMsg;
use hangar::ui::wizard::{NewVmWizard, NewVmWizardInit, NewVmWizardMsg, PathField, SourceKind};
use hangar::ui::{MainWindow, MainWindowMsg};
use relm4::prelude::*;
use support::{drain, wait_until};
use testbed::{Libvirtd, unique_name, vm};

/// Whether `name` is one name said twice ("Send Key Send Key"): GTK joins a control's own
/// name and the names of the widgets that label it, and a screen reader reads both.
fn said_twice(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    let half = words.len() / 2;
    words.len().is_multiple_of(2) && half > 0 && words[..half] == words[half..]
}

/// One actionable control as the walker saw it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Control {
    named: bool,
    role: String,
    name: String,
    window: String,
    path: String,
}

/// What all walks saw: each control once (by window, role and place in the tree), with the
/// first state it was seen in.
#[derive(Default)]
struct Seen {
    controls: BTreeMap<(String, String, String), (String, Control)>,
    /// How many popovers were walked open.
    popovers: usize,
}

impl Seen {
    /// Walks this process's accessible tree from outside; `what` says which state it is in.
    /// A walk that saw nothing at all (the tree caught while a window was being built) is
    /// walked again.
    fn walk(&mut self, what: &str) {
        for _ in 0..3 {
            if self.walk_once(what) > 0 {
                return;
            }
        }
        panic!("the walks of {what} saw no actionable control");
    }

    /// One walk; how many actionable controls it saw.
    fn walk_once(&mut self, what: &str) -> usize {
        drain();
        let started = Instant::now();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/a11y-walk.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .args(["--pid", &std::process::id().to_string()])
            .env_remove("NO_AT_BRIDGE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 (apt-get install python3-pyatspi)");
        // Read the output on a thread: the walker waits on this process's main loop, which
        // must keep turning to answer it.
        let mut stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            stdout.read_to_string(&mut s).map(|_| s)
        });
        // Turn the main loop without pausing between turns (a woken iteration per D-Bus
        // call of the walker), with a timer so the loop also wakes to see the walker end.
        let ctx = gtk::glib::MainContext::default();
        let tick = gtk::glib::timeout_add_local(Duration::from_millis(50), || {
            gtk::glib::ControlFlow::Continue
        });
        let deadline = Instant::now() + Duration::from_secs(180);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the accessibility walk of {what} did not finish"
            );
            ctx.iteration(true);
        };
        tick.remove();
        eprintln!("walked {what} in {:?}", started.elapsed());
        let out = reader.join().unwrap().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(
            status.success(),
            "the accessibility walk of {what} failed: {err}\n(Without XDG_RUNTIME_DIR the \
             accessibility bus's socket is ~/.cache/at-spi/bus, which another D-Bus session \
             can replace: ./dev.sh test gives each run a runtime directory of its own.)"
        );
        assert!(
            out.lines().any(|l| l.starts_with("done\t")),
            "the walk of {what} did not end: {out}{err}"
        );
        let mut saw = 0;
        for line in out.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() == 6 && f[0] == "control" {
                saw += 1;
                let c = Control {
                    named: f[1] == "ok" && !said_twice(f[3]),
                    role: f[2].to_string(),
                    name: f[3].to_string(),
                    window: f[4].to_string(),
                    path: f[5].to_string(),
                };
                let key = (c.window.clone(), c.role.clone(), c.path.clone());
                self.controls.entry(key).or_insert((what.to_string(), c));
            }
        }
        if saw == 0 {
            eprintln!("the walk of {what} saw no actionable control: {out} {err}");
        }
        saw
    }

    fn unnamed(&self) -> Vec<&(String, Control)> {
        self.controls.values().filter(|(_, c)| !c.named).collect()
    }

    /// Opens each menu button drawn in `window` (split buttons' arrows included) not opened
    /// before, walks the tree with its popover open, and closes it again.
    fn walk_menus(&mut self, window: &gtk::Widget, what: &str, opened: &mut Vec<gtk::MenuButton>) {
        let buttons: Vec<gtk::MenuButton> = support::hardware::descendants(window)
            .into_iter()
            .filter_map(|w| w.downcast::<gtk::MenuButton>().ok())
            .filter(|b| b.is_drawable() && b.is_sensitive() && !opened.contains(b))
            .collect();
        for button in buttons {
            opened.push(button.clone());
            button.popup();
            let open = || button.popover().is_some_and(|p| p.is_visible());
            assert!(wait_until(5, open), "a menu of {what} did not open");
            let label = button
                .tooltip_text()
                .or_else(|| button.label())
                .map_or_else(
                    || button.icon_name().unwrap_or_default().to_string(),
                    |t| t.to_string(),
                );
            self.walk(&format!("{what} with the menu “{label}” open"));
            self.popovers += 1;
            button.popdown();
            assert!(wait_until(5, || !open()), "a menu of {what} did not close");
        }
    }

    /// Opens `popover` (a context menu), walks the tree with it open and closes it.
    fn walk_popover(&mut self, popover: &gtk::Popover, what: &str) {
        assert!(
            wait_until(5, || popover.is_visible()),
            "{what} did not open"
        );
        self.walk(what);
        self.popovers += 1;
        popover.popdown();
        assert!(
            wait_until(5, || !popover.is_visible()),
            "{what} did not close"
        );
    }

    /// How many controls seen are menu items.
    fn menu_items(&self) -> usize {
        self.controls
            .values()
            .filter(|(_, c)| c.role.contains("menu item"))
            .count()
    }
}

/// Opens the main window's context menu on the list row that shows `text`.
/// The visible window titled `title`.
fn shown_window(title: &str) -> Option<gtk::Window> {
    let list = gtk::Window::toplevels();
    (0..list.n_items())
        .filter_map(|i| list.item(i).and_downcast::<gtk::Window>())
        .find(|w| w.is_visible() && w.title().is_some_and(|t| t == title))
}

fn context_menu_on(window: &relm4::Controller<MainWindow>, text: &str) -> gtk::Popover {
    let list = window.model().list().widget().clone();
    let row = support::hardware::descendants(list.upcast_ref())
        .into_iter()
        .filter(|w| {
            w.downcast_ref::<gtk::Label>()
                .is_some_and(|l| l.label() == text && l.is_drawable())
        })
        .find_map(|l| l.compute_bounds(&list))
        .unwrap_or_else(|| panic!("no row shows {text}"));
    window.emit(MainWindowMsg::ContextMenu(
        f64::from(row.x() + row.width() / 2.0),
        f64::from(row.y() + row.height() / 2.0),
    ));
    drain();
    let mut child = list.first_child();
    while let Some(c) = child {
        if let Ok(p) = c.clone().downcast::<gtk::Popover>() {
            return p;
        }
        child = c.next_sibling();
    }
    panic!("the list has no context menu");
}

fn setup() {
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
}

#[gtk::test]
fn every_actionable_control_has_an_accessible_name() {
    setup();
    let d = Libvirtd::shared();
    let qemu = d.qemu_uri();
    let name = unique_name("a11y");
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml, vm::tiny_xml_vcpus(&name, 2)).unwrap();
    d.virsh(&qemu, &["define", xml.to_str().unwrap()]).unwrap();
    d.virsh(&qemu, &["start", &name]).unwrap();
    let uuid = d
        .virsh(&qemu, &["domuuid", &name])
        .unwrap()
        .trim()
        .to_string();

    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![qemu.clone()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    let conn = window.model().list().connection(&qemu).unwrap();
    assert!(wait_until(30, || conn.vm(&uuid).is_some()));
    window
        .model()
        .list()
        .clone()
        .select_vm(&conn.vm(&uuid).unwrap());
    window.emit(MainWindowMsg::ToggleSearch);
    let mut seen = Seen::default();
    seen.walk("the main window");
    // Its menus: the primary menu, the power button's, and the rows' context menus.
    let mut opened = Vec::new();
    seen.walk_menus(window.widget().upcast_ref(), "the main window", &mut opened);
    let popover = context_menu_on(&window, &name);
    seen.walk_popover(&popover, "the VM row's context menu");
    let host = window.model().list().connection(&qemu).unwrap().title();
    let popover = context_menu_on(&window, &host);
    seen.walk_popover(&popover, "the connection row's context menu");

    // The Clone and Migrate dialogs of the selected VM, paused so that it can be cloned (the
    // only connection is the migration's source, so that dialog shows it has nowhere to go).
    d.virsh(&qemu, &["suspend", &name]).unwrap();
    assert!(wait_until(20, || conn
        .vm(&uuid)
        .is_some_and(
            |vm| vm.summary().state == hangar::session::model::VmState::Paused
        )));
    for (verb, title) in [
        (
            VmVerb::Clone,
            hangar::i18n::gettext_f("Clone “{}”", &[&name]),
        ),
        (
            VmVerb::Migrate,
            hangar::i18n::gettext_f("Migrate “{}”", &[&name]),
        ),
    ] {
        window.emit(MainWindowMsg::Verb(verb));
        let dialog = || shown_window(title.as_str());
        assert!(wait_until(10, || dialog().is_some()), "no dialog “{title}”");
        seen.walk(&format!("the dialog “{title}”"));
        dialog().unwrap().close();
        assert!(wait_until(10, || dialog().is_none()));
    }
    d.virsh(&qemu, &["resume", &name]).unwrap();
    assert!(wait_until(20, || conn
        .vm(&uuid)
        .is_some_and(
            |vm| vm.summary().state == hangar::session::model::VmState::Running
        )));

    // The Add Connection dialog.
    window.emit(MainWindowMsg::ShowAddConnection);
    let add_title = hangar::i18n::gettext("Add Connection");
    let add = || shown_window(add_title.as_str());
    assert!(
        wait_until(10, || add().is_some()),
        "no Add Connection dialog"
    );
    seen.walk("the Add Connection dialog");
    add().unwrap().close();

    // The Preferences window, and the window that records the keys releasing the keyboard.
    window.model().actions().unwrap().activate("preferences");
    assert!(wait_until(10, || window
        .model()
        .preferences()
        .is_some_and(|p| p.widget().is_visible())));
    seen.walk("the Preferences window");
    let prefs = window.model().preferences().unwrap().widget().clone();
    let record = window
        .model()
        .preferences()
        .unwrap()
        .model()
        .release_keys_row()
        .unwrap()
        .record
        .clone();
    record.emit_clicked();
    let recorder_title = hangar::ui::preferences::release_keys::recorder_title();
    let recorder = || shown_window(recorder_title.as_str());
    assert!(wait_until(10, || recorder().is_some()), "no key recorder");
    seen.walk("the key recorder");
    recorder().unwrap().close();
    prefs.close();

    // The VM window, page by page.
    window.emit(MainWindowMsg::OpenVm(
        qemu.clone(),
        uuid.clone(),
        VmPage::Overview,
    ));
    assert!(wait_until(20, || window
        .model()
        .vm_windows()
        .contains_key(&uuid)));
    for page in [
        VmPage::Overview,
        VmPage::Performance,
        VmPage::Hardware,
        VmPage::Pinning,
        VmPage::Console,
    ] {
        window.model().vm_windows()[&uuid].emit(VmWindowMsg::Show(page));
        let vm_model = |f: &dyn Fn(&hangar::ui::vm_window::VmWindow) -> bool| {
            f(&window.model().vm_windows()[&uuid].model())
        };
        assert!(wait_until(20, || vm_model(&|w| w.page() == page)));
        if page == VmPage::Hardware {
            assert!(wait_until(20, || vm_model(&|w| w.has_hardware_editor())));
        }
        seen.walk(&format!("the VM window's {} page", page.name()));
        let vm_window = window.model().vm_windows()[&uuid].widget().clone();
        seen.walk_menus(
            vm_window.upcast_ref(),
            &format!("the VM window's {} page", page.name()),
            &mut opened,
        );
    }
    window.model().vm_windows()[&uuid].widget().close();

    // A SPICE console with USB redirection ports: its toolbar has the USB menu too.
    let spice_name = unique_name("a11y-spice");
    let spice_xml = vm::tiny_spice_xml(&spice_name).replace(
        "<controller type='usb' model='none'/>",
        "<controller type='usb' model='qemu-xhci'/>\n    \
         <redirdev bus='usb' type='spicevmc'/>",
    );
    let path = d.dir().join(format!("{spice_name}.xml"));
    std::fs::write(&path, spice_xml).unwrap();
    d.virsh(&qemu, &["define", path.to_str().unwrap()]).unwrap();
    d.virsh(&qemu, &["start", &spice_name]).unwrap();
    let (spice_win, spice_page) =
        support::console_page(&spice_name, &qemu, support::connect(&qemu));
    let spice = spice_page.model().spice_display().clone();
    assert!(
        wait_until(40, || spice.has_usb()),
        "the SPICE console has no USB redirection: {:?}",
        spice.state()
    );
    seen.walk("the SPICE console page");
    seen.walk_menus(
        spice_win.upcast_ref(),
        "the SPICE console page",
        &mut opened,
    );
    spice_win.destroy();
    let _ = d.virsh(&qemu, &["destroy", &spice_name]);
    let _ = d.virsh(&qemu, &["undefine", &spice_name]);

    // The snapshots page, on the test driver's domain with a snapshot selected, so that its
    // Delete menu opens.
    let test_uri = d.test_uri();
    let test_conn = support::connect(&test_uri);
    let snap = unique_name("a11y-snap");
    d.virsh(&test_uri, &["snapshot-create-as", "test", &snap])
        .unwrap();
    let snapshots = SnapshotsPage::builder()
        .launch(SnapshotsInit {
            name: "test".into(),
            connection: Some(test_conn),
        })
        .detach();
    let snap_win = adw::Window::new();
    snap_win.set_default_size(860, 620);
    snap_win.set_content(Some(snapshots.widget()));
    snap_win.present();
    assert!(wait_until(60, || snapshots.model().is_ready()
        && snapshots.model().snapshots().iter().any(|s| s.name == snap)));
    snapshots.emit(SnapshotsMsg::Select(Some(snap.clone())));
    assert!(wait_until(10, || snapshots
        .model()
        .selected_info()
        .is_some()));
    seen.walk("the snapshots page");
    seen.walk_menus(snap_win.upcast_ref(), "the snapshots page", &mut opened);
    snap_win.destroy();
    let _ = d.virsh(&test_uri, &["snapshot-delete", "test", &snap]);

    // The host window's pages.
    window.emit(MainWindowMsg::ShowHostOverview(qemu.clone()));
    assert!(wait_until(20, || window
        .model()
        .host_windows()
        .contains_key(&qemu)));
    for (page, label) in [
        (HostPage::Overview, "overview"),
        (HostPage::Storage, "storage"),
        (HostPage::Networks, "networks"),
    ] {
        window.model().host_windows()[&qemu].show_page(page);
        assert!(wait_until(20, || window.model().host_windows()[&qemu]
            .page()
            == page));
        seen.walk(&format!("the host window's {label} page"));
    }
    window.model().host_windows()[&qemu].window().close();

    // The new-VM wizard, step by step, with each way of installing on the first.
    let wizard = NewVmWizard::builder()
        .transient_for(window.widget())
        .launch(NewVmWizardInit {
            conn: support::connect(&qemu),
            uri: qemu.clone(),
            emulator: None,
            virt_type: Some("qemu".into()),
        })
        .detach();
    wizard.widget().present();
    assert!(wait_until(60, || wizard.model().host_loaded()
        && wizard.model().os_db_load_ms().is_some()));
    for kind in [
        SourceKind::Iso,
        SourceKind::Import,
        SourceKind::Kernel,
        SourceKind::Cloud,
        SourceKind::Network,
    ] {
        wizard.emit(NewVmWizardMsg::SetSource(kind));
        seen.walk(&format!("the wizard's source step ({kind:?})"));
    }
    // The storage browser its Browse buttons open, on a pool with an image.
    let images = d.dir().join(unique_name("a11y-images"));
    std::fs::create_dir_all(&images).unwrap();
    std::fs::write(images.join("install.iso"), [0u8; 4096]).unwrap();
    let pool = unique_name("a11y-pool");
    let target = images.display().to_string();
    d.virsh(
        &qemu,
        &["pool-create-as", &pool, "dir", "--target", &target],
    )
    .unwrap();
    wizard.emit(NewVmWizardMsg::Browse(PathField::Iso));
    assert!(wait_until(10, || wizard.model().browser().is_some()));
    let browser = wizard.model().browser().unwrap();
    assert!(wait_until(30, || browser.widget().is_visible()
        && browser.model().loads() > 0
        && !browser.model().loading()));
    seen.walk("the storage browser");
    browser.emit(VolumeBrowserMsg::Close);
    assert!(wait_until(10, || !browser.widget().is_visible()));
    let _ = d.virsh(&qemu, &["pool-destroy", &pool]);
    for step in 1..=3 {
        wizard.emit(NewVmWizardMsg::Forward);
        assert!(
            wait_until(20, || wizard.model().step() == step),
            "the wizard stuck before step {step}: {:?}",
            wizard.model().error()
        );
        seen.walk(&format!("the wizard's step {step}"));
    }
    wizard.widget().close();
    window.widget().close();
    let _ = d.virsh(&qemu, &["destroy", &name]);
    let _ = d.virsh(&qemu, &["undefine", &name]);

    let unnamed = seen.unnamed();
    let total = seen.controls.len();
    eprintln!(
        "accessibility: {} menus opened, {} menu items seen",
        seen.popovers,
        seen.menu_items()
    );
    // Menus opened: the primary and power menus, two context menus, the pinning, send-keys
    // (twice), USB and snapshot deletion menus; their items were seen.
    assert!(
        seen.popovers >= 9,
        "only {} menus were opened",
        seen.popovers
    );
    assert!(
        seen.menu_items() > 20,
        "only {} menu items were seen",
        seen.menu_items()
    );
    // The windows above hold some two hundred controls: far fewer means the walk missed
    // windows or pages, not that they are all named.
    assert!(total > 150, "only {total} actionable controls were seen");
    eprintln!(
        "accessibility: {} of {total} actionable controls seen have no name",
        unnamed.len()
    );
    let list: Vec<String> = unnamed
        .iter()
        .map(|(what, c)| format!("  {what}: {} {:?} at {}", c.role, c.name, c.path))
        .collect();
    assert!(
        unnamed.is_empty(),
        "{} of {total} actionable controls have no accessible name:\n{}",
        unnamed.len(),
        list.join("\n")
    );
}
