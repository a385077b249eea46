//! The main window against a private libvirtd: the list follows the daemon, lifecycle actions
//! do what `virsh` then reports, and a daemon restart is recovered from.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::let_and_return)]

mod support;

use std::time::{Duration, Instant};

use adw::prelude::*;
use hangar::cli::Options;
use hangar::session::model::{VmAction, VmState};
use hangar::ui::vm_list::{ConnectionObject, ConnectionStatus, StateFilter};
use hangar::ui::{MainWindow, MainWindowMsg};
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};

fn setup() {
    support::init_gui();
    // Each test starts with nothing saved.
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
}

fn launch(uri: &str) -> (relm4::Controller<MainWindow>, ConnectionObject) {
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![uri.to_string()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    let conn = window
        .model()
        .list()
        .connection(uri)
        .expect("connection listed");
    (window, conn)
}

/// Opens the window on the QEMU driver, waits for the VM `name` and selects it; returns the
/// window, the connection's row and the VM's UUID.
fn launch_selected(
    d: &Libvirtd,
    name: &str,
) -> (relm4::Controller<MainWindow>, ConnectionObject, String) {
    let qemu = d.qemu_uri();
    let (window, conn) = launch(&qemu);
    assert!(wait_until(20, || vm_names(&conn).contains(&name.to_string())));
    let uuid = d
        .virsh(&qemu, &["domuuid", name])
        .unwrap()
        .trim()
        .to_string();
    let row = conn.vm(&uuid).unwrap();
    window.model().list().clone().select_vm(&row);
    (window, conn, uuid)
}

fn vm_names(conn: &ConnectionObject) -> Vec<String> {
    let store = conn.vms();
    let mut names: Vec<String> = (0..store.n_items())
        .filter_map(|i| {
            store
                .item(i)
                .and_downcast::<hangar::ui::vm_list::VmObject>()
        })
        .map(|v| v.name())
        .collect();
    names.sort();
    names
}

fn virsh_state(d: &Libvirtd, name: &str) -> String {
    d.virsh(&d.qemu_uri(), &["domstate", name])
        .unwrap()
        .trim()
        .to_string()
}

#[gtk::test]
fn shows_exactly_the_fixture_domains() {
    setup();
    let d = Libvirtd::shared();
    let uri = d.fixture_uri("three", &vm::test_node_xml("fx", 3)).unwrap();
    let (window, conn) = launch(&uri);
    assert!(wait_until(20, || conn.connection_status()
        == ConnectionStatus::Connected));
    assert_eq!(vm_names(&conn), ["fx-0", "fx-1", "fx-2"]);
    let vm = conn
        .vms()
        .item(0)
        .and_downcast::<hangar::ui::vm_list::VmObject>()
        .unwrap();
    assert_eq!(vm.vm_state(), VmState::Running);
    assert_eq!(vm.memory_kib(), 131072);
    assert_eq!(vm.vcpus(), 1);
    // The window goes away without GTK complaining (e.g. of a child left in the VM list).
    let warnings = support::gtk_warnings();
    window.widget().destroy();
    drop(window);
    support::drain();
    assert_eq!(
        support::gtk_warnings(),
        warnings,
        "GTK warned as the window went away"
    );
}

#[gtk::test]
fn show_domain_on_the_command_line_opens_its_window() {
    setup();
    let d = Libvirtd::shared();
    let uri = d.fixture_uri("show", &vm::test_node_xml("sh", 2)).unwrap();
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![uri],
            show_domain: Some((hangar::cli::DomainView::Overview, "sh-1".into())),
            ..Options::default()
        })
        .detach();
    assert!(wait_until(20, || window.model().vm_windows().len() == 1));
    let title = window
        .model()
        .vm_windows()
        .values()
        .next()
        .unwrap()
        .widget()
        .title();
    assert_eq!(title.as_deref(), Some("sh-1"));
    window.widget().destroy();
}

#[gtk::test]
fn editor_page_and_new_vm_wizard_open_on_a_qemu_host() {
    setup();
    let d = Libvirtd::shared();
    let qemu = d.qemu_uri();
    let name = unique_name("edit");
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml, vm::tiny_xml(&name)).unwrap();
    d.virsh(&qemu, &["define", xml.to_str().unwrap()]).unwrap();
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![qemu.clone()],
            show_domain: Some((hangar::cli::DomainView::Editor, name.clone())),
            ..Options::default()
        })
        .detach();
    assert!(wait_until(20, || window.model().vm_windows().len() == 1));
    let has_editor = || {
        window
            .model()
            .vm_windows()
            .values()
            .next()
            .unwrap()
            .model()
            .has_hardware_editor()
    };
    assert!(wait_until(20, has_editor), "hardware editor not loaded");
    let page = window
        .model()
        .vm_windows()
        .values()
        .next()
        .unwrap()
        .model()
        .page();
    assert_eq!(page, hangar::ui::vm_window::VmPage::Hardware);
    window.emit(MainWindowMsg::NewVm);
    assert!(wait_until(5, || window.model().wizard_open()));
    d.virsh(&qemu, &["undefine", &name]).unwrap();
    window.widget().destroy();
}

#[gtk::test]
fn a_thousand_domains_load_and_search_narrows_them() {
    setup();
    let d = Libvirtd::shared();
    let uri = d
        .fixture_uri("thousand", &vm::test_node_xml("big", 1000))
        .unwrap();
    let start = Instant::now();
    let (window, conn) = launch(&uri);
    assert!(
        wait_until(60, || conn.vms().n_items() == 1000),
        "{}",
        conn.vms().n_items()
    );
    println!("1000 domains listed in {:?}", start.elapsed());
    let list = window.model().list().clone();
    assert_eq!(list.n_rows(), 1001);
    window.emit(MainWindowMsg::Search("big-99".into()));
    assert!(
        wait_until(5, || list.n_rows() == 12),
        "rows: {}",
        list.n_rows()
    );
    window.emit(MainWindowMsg::Search(String::new()));
    window.emit(MainWindowMsg::FilterState(StateFilter::Inactive));
    assert!(
        wait_until(5, || list.n_rows() == 1),
        "rows: {}",
        list.n_rows()
    );
    window.widget().destroy();
}

#[gtk::test]
fn lifecycle_actions_leave_the_state_virsh_reports() {
    setup();
    let d = Libvirtd::shared();
    let qemu = d.qemu_uri();
    let name = unique_name("life");
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml, vm::tiny_xml(&name)).unwrap();
    let (window, conn) = launch(&qemu);
    assert!(wait_until(20, || conn.connection_status()
        == ConnectionStatus::Connected));

    // Defined and started elsewhere: the row appears and follows.
    d.virsh(&qemu, &["define", xml.to_str().unwrap()]).unwrap();
    assert!(
        wait_until(10, || vm_names(&conn).contains(&name)),
        "define not seen"
    );
    let uuid = d
        .virsh(&qemu, &["domuuid", &name])
        .unwrap()
        .trim()
        .to_string();
    let row = conn.vm(&uuid).unwrap();
    assert_eq!(row.vm_state(), VmState::ShutOff);
    d.virsh(&qemu, &["start", &name]).unwrap();
    assert!(
        wait_until(10, || row.vm_state() == VmState::Running),
        "start not seen"
    );

    let target = vec![(qemu.clone(), uuid.clone())];
    let act = |action: VmAction| window.emit(MainWindowMsg::Act(action, target.clone()));
    act(VmAction::Pause);
    assert!(wait_until(10, || row.vm_state() == VmState::Paused));
    assert_eq!(virsh_state(d, &name), "paused");
    act(VmAction::Resume);
    assert!(wait_until(10, || row.vm_state() == VmState::Running));
    assert_eq!(virsh_state(d, &name), "running");
    act(VmAction::Reset);
    assert!(wait_until(10, || !row.busy()));
    assert_eq!(virsh_state(d, &name), "running");
    // libvirt kills QEMU with SIGTERM, and SIGKILL after 10 s if it has not gone: a busy
    // TCG guest can need that long.
    act(VmAction::ForceOff);
    assert!(wait_until(30, || row.vm_state() == VmState::ShutOff));
    assert_eq!(virsh_state(d, &name), "shut off");
    act(VmAction::Run);
    assert!(wait_until(10, || row.vm_state() == VmState::Running && !row.busy()));
    act(VmAction::Save);
    assert!(wait_until(20, || row.vm_state() == VmState::ShutOff
        && row.has_managed_save()));
    assert_eq!(virsh_state(d, &name), "shut off");
    assert!(
        d.virsh(&qemu, &["dominfo", &name])
            .unwrap()
            .contains("Managed save:   yes")
    );
    act(VmAction::Run);
    // Running shows before the restore call returns: wait for it before the next action.
    assert!(wait_until(20, || row.vm_state() == VmState::Running && !row.busy()));
    act(VmAction::ForceOff);
    assert!(
        wait_until(30, || row.vm_state() == VmState::ShutOff),
        "force off after a restore not seen: row {:?} busy {}, virsh {}",
        row.vm_state(),
        row.busy(),
        virsh_state(d, &name)
    );
    act(VmAction::SetAutostart(true));
    assert!(wait_until(10, || row.autostart()));
    assert!(
        d.virsh(&qemu, &["dominfo", &name])
            .unwrap()
            .contains("Autostart:      enable")
    );
    let renamed = format!("{name}-r");
    act(VmAction::Rename(renamed.clone()));
    assert!(wait_until(10, || row.name() == renamed), "rename not seen");
    assert_eq!(virsh_state(d, &renamed), "shut off");

    // A failure keeps the row's true state and tells the user.
    act(VmAction::Pause);
    assert!(wait_until(10, || !row.busy()));
    assert_eq!(row.vm_state(), VmState::ShutOff);

    // Enter or a double-click opens the VM's window.
    let list = window.model().list().clone();
    let position = (0..list.n_rows())
        .find(|&i| list.vm_at(i).as_ref() == Some(&row))
        .unwrap();
    window.emit(MainWindowMsg::Activate(position));
    assert!(wait_until(5, || window
        .model()
        .vm_windows()
        .contains_key(&uuid)));
    let title = window.model().vm_windows()[&uuid].widget().title().unwrap();
    assert_eq!(title, renamed);
    window.model().vm_windows()[&uuid].widget().close();

    act(VmAction::Delete { storage: vec![] });
    assert!(
        wait_until(10, || conn.vm(&uuid).is_none()),
        "delete not seen"
    );
    assert!(d.virsh(&qemu, &["domstate", &renamed]).is_err());
    window.widget().destroy();
}

#[gtk::test]
fn destructive_actions_ask_first() {
    setup();
    let d = Libvirtd::shared();
    let qemu = d.qemu_uri();
    let name = unique_name("ask");
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml, vm::tiny_xml(&name)).unwrap();
    d.virsh(&qemu, &["create", xml.to_str().unwrap()]).unwrap();
    let (window, conn, uuid) = launch_selected(d, &name);
    assert!(wait_until(5, || window
        .model()
        .actions()
        .unwrap()
        .is_enabled("vm-force-off")));
    assert!(!window.model().actions().unwrap().is_enabled("vm-run"));
    window.model().actions().unwrap().activate("vm-force-off");
    let mut dialog = None;
    assert!(wait_until(5, || {
        dialog = gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
            .find(|w| w.is_visible());
        dialog.is_some()
    }));
    let dialog = dialog.unwrap();
    assert!(dialog.heading().unwrap().contains(&name));
    // Nothing happens while the question is open; cancelling keeps the VM running.
    assert!(
        support::holds_for(Duration::from_secs(1), || virsh_state(d, &name)
            == "running"),
        "the VM stopped before the answer"
    );
    respond(&dialog, "cancel");
    assert!(
        support::holds_for(Duration::from_secs(1), || virsh_state(d, &name)
            == "running"),
        "the VM stopped although the question was cancelled"
    );
    window.model().actions().unwrap().activate("vm-force-off");
    let mut dialog = None;
    assert!(wait_until(5, || {
        dialog = gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
            .find(|w| w.is_visible());
        dialog.is_some()
    }));
    respond(&dialog.unwrap(), "accept");
    // A transient VM is gone once it stops.
    assert!(
        wait_until(10, || conn.vm(&uuid).is_none()),
        "transient VM still listed"
    );
    assert!(
        d.virsh(&qemu, &["domstate", &name]).is_err(),
        "transient VM still there"
    );
    window.widget().destroy();
}

#[gtk::test]
fn daemon_restart_is_recovered_from() {
    setup();
    let d = Libvirtd::start().unwrap();
    let uri = d.test_uri();
    let (window, conn) = launch(&uri);
    assert!(wait_until(20, || conn.connection_status()
        == ConnectionStatus::Connected));
    assert_eq!(vm_names(&conn), ["test"]);
    d.stop();
    assert!(
        wait_until(15, || conn.connection_status()
            == ConnectionStatus::Reconnecting),
        "drop not noticed: {}",
        conn.status_text()
    );
    d.restart().unwrap();
    assert!(
        wait_until(40, || conn.connection_status()
            == ConnectionStatus::Connected),
        "not reconnected: {}",
        conn.status_text()
    );
    assert_eq!(vm_names(&conn), ["test"]);
    window.widget().destroy();
}

/// Answers a dialog as a click on one of its buttons does (emit the response, then close).
fn respond(dialog: &adw::MessageDialog, response: &str) {
    MessageDialogExt::response(dialog, response);
    dialog.close();
}

fn find_dialog() -> Option<adw::MessageDialog> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
        .find(|w| w.is_visible())
}

#[gtk::test]
fn delete_with_storage_removes_the_volume() {
    setup();
    let d = Libvirtd::shared();
    let qemu = d.qemu_uri();
    let name = unique_name("del");
    let pool = unique_name("pool");
    let pool_dir = d.dir().join(&pool);
    d.virsh(
        &qemu,
        &[
            "pool-define-as",
            &pool,
            "dir",
            "--target",
            pool_dir.to_str().unwrap(),
        ],
    )
    .unwrap();
    d.virsh(&qemu, &["pool-build", &pool]).unwrap();
    d.virsh(&qemu, &["pool-start", &pool]).unwrap();
    d.virsh(
        &qemu,
        &[
            "vol-create-as",
            &pool,
            "disk.qcow2",
            "8M",
            "--format",
            "qcow2",
        ],
    )
    .unwrap();
    let vol_path = pool_dir.join("disk.qcow2");
    let disk = format!(
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{}'/><target dev='vda' bus='virtio'/></disk>\n    \
         <controller type='usb' model='none'/>",
        vol_path.display()
    );
    let xml_text = vm::tiny_xml(&name).replacen("<controller type='usb' model='none'/>", &disk, 1);
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml, xml_text).unwrap();
    d.virsh(&qemu, &["define", xml.to_str().unwrap()]).unwrap();

    let (window, conn, uuid) = launch_selected(d, &name);
    assert!(wait_until(5, || window
        .model()
        .actions()
        .unwrap()
        .is_enabled("vm-delete")));
    window.model().actions().unwrap().activate("vm-delete");
    let mut dialog = None;
    assert!(wait_until(10, || {
        dialog = find_dialog();
        dialog.is_some()
    }));
    let dialog = dialog.unwrap();
    let extra = dialog.extra_child().expect("storage choice offered");
    let check = extra
        .first_child()
        .and_downcast::<gtk::CheckButton>()
        .unwrap();
    let listed = extra.last_child().and_downcast::<gtk::Label>().unwrap();
    assert!(listed.label().contains("disk.qcow2"), "{}", listed.label());
    check.set_active(true);
    respond(&dialog, "accept");
    assert!(
        wait_until(10, || conn.vm(&uuid).is_none()),
        "delete not seen"
    );
    assert!(d.virsh(&qemu, &["domstate", &name]).is_err());
    let vols = d.virsh(&qemu, &["vol-list", &pool]).unwrap();
    assert!(!vols.contains("disk.qcow2"), "volume left: {vols}");
    assert!(!vol_path.exists());
    d.virsh(&qemu, &["pool-destroy", &pool]).unwrap();
    d.virsh(&qemu, &["pool-undefine", &pool]).unwrap();
    window.widget().destroy();
}

/// Answers the credential dialogs of one login: the user name, then `password`.
/// Returns the headings seen, in order.
fn log_in(password: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut answered: Vec<adw::MessageDialog> = Vec::new();
    while seen.len() < 2 {
        let mut dialog = None;
        assert!(
            wait_until(20, || {
                dialog = gtk::Window::list_toplevels()
                    .into_iter()
                    .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
                    .find(|w| w.is_visible() && !answered.contains(w));
                dialog.is_some()
            }),
            "no credential dialog after {seen:?}"
        );
        let dialog = dialog.unwrap();
        let heading = dialog.heading().unwrap_or_default().to_string();
        // The entry comes first, above the "Remember" check.
        let entry = dialog
            .extra_child()
            .and_then(|c| c.first_child())
            .and_downcast::<gtk::Editable>()
            .unwrap();
        entry.set_text(if heading.contains("User") {
            "alice"
        } else {
            password
        });
        respond(&dialog, "ok");
        answered.push(dialog);
        seen.push(heading);
    }
    seen
}

#[gtk::test]
fn sasl_login_asks_for_user_and_password() {
    setup();
    let sasl = tempfile::tempdir().unwrap();
    let d =
        Libvirtd::start_with(testbed::sasl::options(sasl.path(), "alice", "wonderland").unwrap())
            .unwrap();
    let uri = d.test_uri();
    let (window, conn) = launch(&uri);
    // A wrong password is refused with a clear message; the session tries again and asks again.
    assert_eq!(
        log_in("mad hatter"),
        ["User Name Needed", "Password Needed"]
    );
    let mut texts = Vec::new();
    assert!(
        wait_until(20, || {
            texts.push(conn.status_text());
            conn.connection_status() == ConnectionStatus::Reconnecting
        }),
        "{texts:?}"
    );
    // The row says the login was refused; the daemon's own words are in its tooltip.
    let refused = conn.status_text();
    assert!(refused.contains("did not accept the login"), "{refused}");
    assert!(conn.details().contains("password"), "{}", conn.details());
    log_in("wonderland");
    assert!(
        wait_until(20, || conn.connection_status()
            == ConnectionStatus::Connected),
        "{}: {}",
        conn.status_text(),
        std::fs::read_to_string(d.dir().join("libvirtd.log")).unwrap_or_default()
    );
    assert_eq!(vm_names(&conn), ["test"]);
    window.widget().destroy();
}

/// The console and pinning pages both follow the same VM's events on one connection (the daemon
/// takes one registration per event kind and domain): a pin made with virsh still reaches the
/// pinning page while the console page is open.
#[gtk::test]
fn pages_of_one_vm_window_all_follow_its_events() {
    setup();
    let d = Libvirtd::shared();
    let qemu = d.qemu_uri();
    let name = unique_name("pages");
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml, vm::tiny_xml(&name)).unwrap();
    d.virsh(&qemu, &["define", xml.to_str().unwrap()]).unwrap();
    d.virsh(&qemu, &["start", &name]).unwrap();
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![qemu.clone()],
            show_domain: Some((hangar::cli::DomainView::Pinning, name.clone())),
            ..Options::default()
        })
        .detach();
    assert!(wait_until(20, || window.model().vm_windows().len() == 1));
    let ready = || {
        let model = window.model();
        let vm_window = model.vm_windows().values().next().unwrap();
        let ready = vm_window
            .model()
            .pinning()
            .is_some_and(|page| page.model().is_ready());
        ready
    };
    assert!(wait_until(30, ready), "pinning page not loaded");
    let row0 = || {
        let model = window.model();
        let vm_window = model.vm_windows().values().next().unwrap();
        let text = vm_window
            .model()
            .pinning()
            .and_then(|page| page.model().row_entry(0).map(|e| e.text().to_string()));
        text
    };
    // The pages register for the VM's events after loading, unseen from here: pin again
    // (each pin raises a tuning event) until the page shows it.
    let mut pinned_at = None::<Instant>;
    assert!(
        wait_until(15, || {
            if pinned_at.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                d.virsh(&qemu, &["vcpupin", &name, "0", "1", "--live"])
                    .unwrap();
                pinned_at = Some(Instant::now());
            }
            row0().as_deref() == Some("1")
        }),
        "pin made elsewhere not shown: {:?}",
        row0()
    );
    // And the console page, built when first shown, follows the VM's life cycle.
    window.model().vm_windows().values().next().unwrap().emit(
        hangar::ui::vm_window::VmWindowMsg::Show(hangar::ui::vm_window::VmPage::Console),
    );
    d.virsh(&qemu, &["destroy", &name]).unwrap();
    let console_status = || {
        let model = window.model();
        let vm_window = model.vm_windows().values().next().unwrap();
        let title = vm_window
            .model()
            .console()
            .and_then(|page| page.model().status())
            .map(|s| s.title);
        title
    };
    assert!(
        wait_until(15, || console_status().as_deref() == Some("The VM is off")),
        "console did not see the VM stop: {:?}",
        console_status()
    );
    d.virsh(&qemu, &["undefine", &name]).unwrap();
    window.widget().destroy();
}

/// The first view stack under `widget`.
fn view_stack(widget: &gtk::Widget) -> Option<adw::ViewStack> {
    if let Some(stack) = widget.downcast_ref::<adw::ViewStack>() {
        return Some(stack.clone());
    }
    let mut child = widget.first_child();
    while let Some(c) = child {
        if let Some(found) = view_stack(&c) {
            return Some(found);
        }
        child = c.next_sibling();
    }
    None
}

#[gtk::test]
fn a_page_picked_in_the_switcher_stays_when_the_vm_changes() {
    use hangar::session::model::VmState;
    use hangar::ui::vm_window::{VmPage, VmWindow};
    setup();
    let d = Libvirtd::shared();
    // The shared default node (a fixture file gives each connection its own copy); it lives
    // while the window's connection is open.
    let uri = d.test_uri();
    let (window, conn) = launch(&uri);
    assert!(wait_until(20, || conn.connection_status()
        == ConnectionStatus::Connected));
    let name = unique_name("stay");
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(
        &xml,
        format!(
            "<domain type='test'><name>{name}</name><memory>131072</memory><vcpu>1</vcpu>\
             <os><type>hvm</type></os></domain>"
        ),
    )
    .unwrap();
    d.virsh(&uri, &["define", xml.to_str().unwrap()]).unwrap();
    d.virsh(&uri, &["start", &name]).unwrap();
    let uuid = d
        .virsh(&uri, &["domuuid", &name])
        .unwrap()
        .trim()
        .to_string();
    assert!(wait_until(10, || vm_names(&conn).contains(&name)));
    window.emit(MainWindowMsg::OpenVm(uri.clone(), uuid, VmPage::Overview));
    assert!(wait_until(20, || window.model().vm_windows().len() == 1));
    let with = |f: &dyn Fn(&VmWindow) -> bool| {
        let model = window.model();
        let vm_window = model.vm_windows().values().next().unwrap();
        let got = f(&vm_window.model());
        got
    };
    let stack = {
        let model = window.model();
        let vm_window = model.vm_windows().values().next().unwrap();
        view_stack(vm_window.widget().upcast_ref()).expect("the VM window's pages")
    };
    // The window is presented in a main-loop turn after the one that built it, with only the
    // page on screen built: the console (which would connect to the display), the pinning
    // matrix and the snapshots wait until they are first shown.
    let vm_window = {
        let model = window.model();
        model.vm_windows().values().next().unwrap().widget().clone()
    };
    assert!(wait_until(10, || vm_window.is_mapped()));
    let built = || {
        with(&|w| w.console().is_some())
            || with(&|w| w.pinning().is_some())
            || with(&|w| w.snapshots().is_some())
    };
    assert!(!built(), "a page not shown was built");
    // The user picks a page in the switcher; the editor is built only when its page shows.
    stack.set_visible_child_name("performance");
    assert!(wait_until(5, || with(&|w| w.page() == VmPage::Performance)));
    assert!(!with(&|w| w.has_hardware_editor()));
    assert!(!built(), "a page not shown was built");
    stack.set_visible_child_name("pinning");
    assert!(wait_until(5, || with(&|w| w.pinning().is_some())));
    let matrix = with_matrix(&window);
    assert!(
        wait_until(5, || matrix.is_mapped()),
        "the pinning page is empty"
    );
    assert!(with(&|w| w.console().is_none() && w.snapshots().is_none()));
    stack.set_visible_child_name("performance");
    assert!(wait_until(5, || with(&|w| w.page() == VmPage::Performance)));
    // The VM changes (paused elsewhere): the window follows it and keeps the page.
    d.virsh(&uri, &["suspend", &name]).unwrap();
    assert!(
        wait_until(10, || with(&|w| w.summary().state == VmState::Paused)),
        "the window did not see the VM pause"
    );
    assert_eq!(stack.visible_child_name().as_deref(), Some("performance"));
    assert!(with(&|w| w.page() == VmPage::Performance));
    stack.set_visible_child_name("hardware");
    assert!(wait_until(20, || with(&|w| w.has_hardware_editor())));
    d.virsh(&uri, &["destroy", &name]).unwrap();
    d.virsh(&uri, &["undefine", &name]).unwrap();
    window.widget().destroy();
}

/// The pinning matrix of the only VM window.
fn with_matrix(window: &relm4::Controller<MainWindow>) -> gtk::Widget {
    let model = window.model();
    let vm_window = model.vm_windows().values().next().unwrap();
    let matrix = vm_window
        .model()
        .pinning()
        .unwrap()
        .model()
        .matrix()
        .clone()
        .upcast();
    matrix
}
