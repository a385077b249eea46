//! The CPU pinning page against a private libvirtd: the host topology from the test driver,
//! pins applied live, to the saved configuration and both as `virsh` then reports them, a
//! failed pin undone, and pins changed elsewhere merged with unsaved edits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::sync::Once;

use adw::prelude::*;
use hangar::ui::vm_window::pinning::{
    self, ApplyError, Change, PinningInit, PinningMsg, PinningPage, Target,
};
use hangar::widgets::pinning_matrix::{PinningModel, RowKind};
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, unique_name, vm};
use virt_client::{Connection, Domain, DomainEvent, DomainEventId, LifecycleEvent};
use virt_xml::{CapabilitiesXml, CpuSet};

fn setup() {
    support::init_gui();
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        adw::StyleManager::default().set_color_scheme(adw::ColorScheme::ForceLight);
    });
}

/// Runs `fut` on the runtime the app's commands use, turning the main loop meanwhile.
fn run<T: Send + 'static>(fut: impl std::future::Future<Output = T> + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    relm4::spawn(async move {
        let _ = tx.send(fut.await);
    });
    let mut out = None;
    assert!(
        wait_until(60, || {
            out = rx.try_recv().ok();
            out.is_some()
        }),
        "call did not finish"
    );
    out.unwrap()
}

fn connect(uri: &str) -> Connection {
    let uri = uri.to_string();
    run(async move { Connection::open(&uri).await }).unwrap()
}

/// Defines and starts a 4-vCPU TCG VM.
fn start_vm(d: &Libvirtd, prefix: &str) -> String {
    let name = unique_name(prefix);
    let xml = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml, vm::tiny_xml_vcpus(&name, 4)).unwrap();
    let qemu = d.qemu_uri();
    d.virsh(&qemu, &["define", xml.to_str().unwrap()]).unwrap();
    d.virsh(&qemu, &["start", &name]).unwrap();
    name
}

fn remove_vm(d: &Libvirtd, name: &str) {
    let qemu = d.qemu_uri();
    let _ = d.virsh_output(&qemu, &["destroy", name]);
    let _ = d.virsh_output(&qemu, &["undefine", name]);
}

/// `virsh vcpupin NAME FLAG` as vCPU → CPU list.
fn vcpupin(d: &Libvirtd, name: &str, flag: &str) -> BTreeMap<u32, String> {
    d.virsh(&d.qemu_uri(), &["vcpupin", name, flag])
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?.to_string()))
        })
        .collect()
}

/// `virsh emulatorpin NAME FLAG` as a CPU list.
fn emulatorpin(d: &Libvirtd, name: &str, flag: &str) -> String {
    let out = d
        .virsh(&d.qemu_uri(), &["emulatorpin", name, flag])
        .unwrap();
    out.lines()
        .filter_map(|l| l.rsplit([':', ' ']).next())
        .rfind(|s| !s.is_empty())
        .unwrap_or_default()
        .to_string()
}

fn pins(list: &[(u32, &str)]) -> BTreeMap<u32, String> {
    list.iter().map(|(v, s)| (*v, s.to_string())).collect()
}

/// Opens the page in a window on `name`, waits until it has loaded.
fn open_page(conn: &Connection, name: &str) -> (adw::Window, relm4::Controller<PinningPage>) {
    let page = PinningPage::builder()
        .launch(PinningInit {
            name: name.to_string(),
            connection: Some(conn.clone()),
        })
        .detach();
    let win = adw::Window::new();
    win.set_default_size(860, 620);
    win.set_content(Some(page.widget()));
    win.present();
    assert!(
        wait_until(30, || page.model().is_ready()),
        "page not loaded: {}",
        page.model().message_text()
    );
    (win, page)
}

fn set_row_text(page: &relm4::Controller<PinningPage>, row: usize, text: &str) {
    page.model().row_entry(row).unwrap().set_text(text);
    support::drain();
}

fn apply(page: &relm4::Controller<PinningPage>, target: Target) {
    page.emit(PinningMsg::SetTarget(target));
    wait_until(1, || page.model().can_apply());
    assert!(
        page.model().can_apply(),
        "{:?}",
        page.model().blocked_reason()
    );
    page.emit(PinningMsg::Apply);
    assert!(
        wait_until(30, || page.model().is_ready()
            && page.model().message_text().contains("applied")),
        "not applied: {}",
        page.model().message_text()
    );
}

#[gtk::test]
fn test_driver_topology_groups_columns_by_node() {
    setup();
    let d = Libvirtd::shared();
    let conn = connect(&d.test_uri());
    let c = conn.clone();
    let (caps, map) = run(async move { (c.capabilities().await, c.node_cpu_map().await) });
    let caps = CapabilitiesXml::parse(&caps.unwrap()).unwrap();
    let map = map.unwrap();
    let online = CpuSet::from_cpumap(&map.online_map);
    let topo = pinning::topology_from_caps(&caps, &online);
    assert_eq!(topo.cpus.len(), 16);
    let model = PinningModel::new(&topo, 2, true, &[]);
    let groups: Vec<(u32, usize, usize)> = model
        .node_groups()
        .iter()
        .map(|g| (g.key, g.start, g.len))
        .collect();
    assert_eq!(groups, [(0, 0, 8), (1, 8, 8)]);
    let node1: Vec<u32> = model.columns()[8..].iter().map(|c| c.cpu).collect();
    assert_eq!(node1, (8..16).collect::<Vec<_>>());
    // The test driver reports CPUs 0, 2 and 4 online.
    let online: Vec<u32> = model
        .columns()
        .iter()
        .filter(|c| c.online)
        .map(|c| c.cpu)
        .collect();
    assert_eq!(online, [0, 2, 4]);
    assert_eq!(model.cpuset_string(0), "0,2,4");
}

#[gtk::test]
fn pins_applied_live_config_and_both_are_what_virsh_reports() {
    setup();
    let d = Libvirtd::shared();
    let name = start_vm(d, "pinapply");
    let conn = connect(&d.qemu_uri());
    let (win, page) = open_page(&conn, &name);
    assert!(page.model().is_running());
    let all = pins(&[(0, "0-1"), (1, "0-1"), (2, "0-1"), (3, "0-1")]);
    assert_eq!(vcpupin(d, &name, "--live"), all);

    // Where each vCPU runs now arrives with the first poll.
    assert!(
        wait_until(10, || page
            .model()
            .row_running(0)
            .is_some_and(|t| t.starts_with("on CPU"))),
        "no placement"
    );

    // A typing error is shown inline and blocks nothing else.
    set_row_text(&page, 1, "0-x");
    assert!(page.model().row_error(1).is_some());
    assert!(page.model().blocked_reason().is_some());
    set_row_text(&page, 1, "1");
    assert_eq!(page.model().row_error(1), None);
    assert!(
        page.model().preview_text().contains("vCPU 1: 0-1 → 1"),
        "{}",
        page.model().preview_text()
    );
    // An empty row blocks Apply, with the reason.
    set_row_text(&page, 2, "");
    assert_eq!(
        page.model().blocked_reason().as_deref(),
        Some("vCPU 2 has no CPU to run on")
    );
    assert!(!page.model().can_apply());
    set_row_text(&page, 2, "0-1");

    apply(&page, Target::Live);
    assert_eq!(
        vcpupin(d, &name, "--live"),
        pins(&[(0, "0-1"), (1, "1"), (2, "0-1"), (3, "0-1")])
    );
    assert_eq!(vcpupin(d, &name, "--config"), all);

    // Saved configuration only, from a bulk action.
    page.emit(PinningMsg::OneToOne(0));
    assert!(
        wait_until(5, || page.model().row_entry(3).unwrap().text() == "1"),
        "row 3 after one-to-one: {}",
        page.model().row_entry(3).unwrap().text()
    );
    apply(&page, Target::Config);
    let one_to_one = pins(&[(0, "0"), (1, "1"), (2, "0"), (3, "1")]);
    assert_eq!(vcpupin(d, &name, "--config"), one_to_one);
    assert_eq!(
        vcpupin(d, &name, "--live"),
        pins(&[(0, "0-1"), (1, "1"), (2, "0-1"), (3, "0-1")])
    );

    // Both, with the emulator too.
    let emu = page
        .model()
        .matrix()
        .model()
        .row_of(RowKind::Emulator)
        .unwrap();
    set_row_text(&page, emu, "1");
    let preview = page.model().preview_text();
    apply(&page, Target::Both);
    assert!(preview.contains("Emulator: 0-1 → 1"), "{preview}");
    assert_eq!(vcpupin(d, &name, "--live"), one_to_one);
    assert_eq!(vcpupin(d, &name, "--config"), one_to_one);
    assert_eq!(emulatorpin(d, &name, "--live"), "1");
    assert_eq!(emulatorpin(d, &name, "--config"), "1");
    // The pins are read again after applying: nothing is left to apply.
    assert!(wait_until(10, || !page.model().has_edits()));
    assert_eq!(page.model().preview_text(), "No changes to apply.");

    win.destroy();
    remove_vm(d, &name);
}

#[gtk::test]
fn a_failed_pin_puts_back_the_ones_before_it() {
    setup();
    let d = Libvirtd::shared();
    let name = start_vm(d, "pinfail");
    let conn = connect(&d.qemu_uri());
    let before = vcpupin(d, &name, "--live");
    let c = conn.clone();
    let n = name.clone();
    let set = |s: &str| s.parse::<CpuSet>().unwrap();
    let changes = vec![
        Change {
            row: RowKind::Vcpu(0),
            flags: 1,
            before: set("0-1"),
            after: set("0"),
        },
        Change {
            row: RowKind::Vcpu(1),
            flags: 1,
            before: set("0-1"),
            after: set("1"),
        },
        // The host has no CPU 6.
        Change {
            row: RowKind::Vcpu(2),
            flags: 1,
            before: set("0-1"),
            after: set("6"),
        },
    ];
    let r: Result<(), ApplyError> = run(async move {
        let dom = Domain::lookup_by_name(&c, &n).await.unwrap();
        pinning::apply::apply(&dom, &changes, 1).await
    });
    let e = r.unwrap_err();
    assert_eq!(e.row, RowKind::Vcpu(2));
    assert_eq!((e.restored, e.not_restored), (2, 0));
    assert!(!e.message.is_empty());
    assert!(e.describe().starts_with("vCPU 2 could not be pinned: "));
    assert_eq!(vcpupin(d, &name, "--live"), before);
    remove_vm(d, &name);
}

#[gtk::test]
fn changes_made_elsewhere_update_unedited_rows_and_conflict_with_edits() {
    setup();
    let d = Libvirtd::shared();
    let name = start_vm(d, "pinmerge");
    let conn = connect(&d.qemu_uri());
    let (win, page) = open_page(&conn, &name);
    set_row_text(&page, 2, "0");
    let qemu = d.qemu_uri();
    d.virsh(&qemu, &["vcpupin", &name, "1", "1", "--live"])
        .unwrap();
    d.virsh(&qemu, &["vcpupin", &name, "2", "1", "--live"])
        .unwrap();
    assert!(
        wait_until(10, || page.model().row_entry(1).unwrap().text() == "1"
            && page.model().row_conflict(2).is_some()),
        "row 1: {}, row 2 conflict: {:?}",
        page.model().row_entry(1).unwrap().text(),
        page.model().row_conflict(2)
    );
    assert_eq!(
        page.model().row_conflict(2).unwrap(),
        "Changed elsewhere to 1: keep yours or take theirs"
    );
    assert_eq!(page.model().row_entry(2).unwrap().text(), "0");
    assert_eq!(page.model().row_conflict(1), None);
    // The unsaved edit is what Apply would change.
    assert!(page.model().preview_text().contains("vCPU 2: 1 → 0"));

    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("pinning-page.png");
    save_screenshot(win.upcast_ref(), &shot);

    page.emit(PinningMsg::TakeTheirs(2));
    assert!(wait_until(2, || page.model().row_conflict(2).is_none()));
    assert_eq!(page.model().row_entry(2).unwrap().text(), "1");
    assert!(!page.model().has_edits());

    win.destroy();
    remove_vm(d, &name);
}

fn save_screenshot(widget: &gtk::Widget, path: &std::path::Path) {
    support::drain();
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let (w, h) = (widget.width(), widget.height());
    assert!(w > 0 && h > 0);
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
    let node = snapshot.to_node().unwrap();
    let texture = widget
        .native()
        .unwrap()
        .renderer()
        .unwrap()
        .render_texture(&node, None);
    texture.save_to_png(path).unwrap();
    println!("screenshot: {}", path.display());
}

/// `virsh iothreadinfo NAME FLAG` as IOThread → CPU list.
fn iothreadinfo(d: &Libvirtd, name: &str, flag: &str) -> BTreeMap<u32, String> {
    d.virsh(&d.qemu_uri(), &["iothreadinfo", name, flag])
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?.to_string()))
        })
        .collect()
}

#[gtk::test]
fn iothreads_get_rows_and_are_pinned_like_vcpus() {
    setup();
    let d = Libvirtd::shared();
    let name = unique_name("pinio");
    let xml = d.dir().join(format!("{name}.xml"));
    let text = vm::tiny_xml_vcpus(&name, 2).replacen(
        "<vcpu placement='static'>2</vcpu>",
        "<vcpu placement='static'>2</vcpu>\n  <iothreads>2</iothreads>",
        1,
    );
    std::fs::write(&xml, text).unwrap();
    let qemu = d.qemu_uri();
    d.virsh(&qemu, &["define", xml.to_str().unwrap()]).unwrap();
    d.virsh(&qemu, &["start", &name]).unwrap();
    let conn = connect(&qemu);
    let (win, page) = open_page(&conn, &name);
    // vCPU 0, vCPU 1, the emulator, IOThread 1, IOThread 2.
    assert_eq!(
        iothreadinfo(d, &name, "--live"),
        pins(&[(1, "0-1"), (2, "0-1")])
    );
    assert_eq!(page.model().row_entry(3).unwrap().text(), "0-1");
    set_row_text(&page, 3, "1");
    assert!(
        page.model().preview_text().contains("IOThread 1: 0-1 → 1"),
        "{}",
        page.model().preview_text()
    );
    apply(&page, Target::Both);
    assert_eq!(
        iothreadinfo(d, &name, "--live"),
        pins(&[(1, "1"), (2, "0-1")])
    );
    assert_eq!(
        iothreadinfo(d, &name, "--config"),
        pins(&[(1, "1"), (2, "0-1")])
    );
    win.destroy();
    remove_vm(d, &name);
}

/// The page follows the VM's life cycle itself, while another view of the same VM on the same
/// connection follows it too (both share the daemon's one registration).
#[gtk::test]
fn the_page_sees_the_vm_stop_while_another_view_follows_it_too() {
    setup();
    let d = Libvirtd::shared();
    let name = start_vm(d, "pinlife");
    let conn = connect(&d.qemu_uri());
    let mut other = {
        let (conn, name) = (conn.clone(), name.clone());
        run(async move {
            let dom = Domain::lookup_by_name(&conn, &name).await.unwrap();
            conn.domain_events(&[DomainEventId::Lifecycle], Some(&dom))
                .await
                .unwrap()
        })
    };
    let (win, page) = open_page(&conn, &name);
    assert!(page.model().is_running());
    // Let the page register for the VM's events. Not a wait on a condition: the page's
    // subscription shares the connection's one daemon registration with `other`'s, so neither
    // the daemon nor the page shows when it is in place; a grace period instead.
    wait_until(1, || false);
    d.virsh(&d.qemu_uri(), &["destroy", &name]).unwrap();
    assert!(
        wait_until(15, || !page.model().is_running()),
        "the page did not see the VM stop"
    );
    let stopped = run(async move {
        tokio::time::timeout(std::time::Duration::from_secs(10), async {
            loop {
                if let Some(Ok(DomainEvent::Lifecycle {
                    event: LifecycleEvent::Stopped,
                    ..
                })) = other.next().await
                {
                    return true;
                }
            }
        })
        .await
        .unwrap_or(false)
    });
    assert!(stopped, "the other view did not see the VM stop");
    win.destroy();
    remove_vm(d, &name);
}

/// The drop-down choosing where Apply writes, under the page.
fn target_dropdown(page: &relm4::Controller<PinningPage>) -> gtk::DropDown {
    fn find(w: &gtk::Widget) -> Option<gtk::DropDown> {
        let mut child = w.first_child();
        while let Some(c) = child {
            if let Ok(dd) = c.clone().downcast::<gtk::DropDown>() {
                return Some(dd);
            }
            if let Some(dd) = find(&c) {
                return Some(dd);
            }
            child = c.next_sibling();
        }
        None
    }
    find(page.widget().upcast_ref()).expect("no target drop-down")
}

fn shown_target(page: &relm4::Controller<PinningPage>) -> String {
    target_dropdown(page)
        .selected_item()
        .and_downcast::<gtk::StringObject>()
        .map(|s| s.string().to_string())
        .unwrap_or_default()
}

/// Opened the way `--show-domain-pinning` opens it (no connection yet, so the VM's state is
/// not known while the page is built), the page of a running VM targets the running VM once
/// it has read the state, and Apply pins live; the target follows the VM stopping and
/// starting again, and a target the user picked stays.
#[gtk::test]
fn the_target_follows_the_vm_state_once_it_is_known() {
    setup();
    let d = Libvirtd::shared();
    let name = start_vm(d, "pintarget");
    let conn = connect(&d.qemu_uri());
    let page = PinningPage::builder()
        .launch(PinningInit {
            name: name.clone(),
            connection: None,
        })
        .detach();
    let win = adw::Window::new();
    win.set_default_size(860, 620);
    win.set_content(Some(page.widget()));
    win.present();
    support::drain();
    // Before the state is known the page cannot write to the running VM.
    assert_eq!(page.model().effective_target(), Target::Config);
    page.emit(PinningMsg::Connection(Some(conn.clone())));
    assert!(
        wait_until(30, || page.model().is_ready()),
        "page not loaded: {}",
        page.model().message_text()
    );
    assert!(page.model().is_running());
    assert_eq!(page.model().effective_target(), Target::Live);
    assert_eq!(shown_target(&page), "Running VM");

    let config_before = vcpupin(d, &name, "--config");
    set_row_text(&page, 1, "1");
    assert!(
        page.model().can_apply(),
        "{:?}",
        page.model().blocked_reason()
    );
    page.emit(PinningMsg::Apply);
    assert!(
        wait_until(30, || page.model().is_ready()
            && page.model().message_text().contains("applied")),
        "not applied: {}",
        page.model().message_text()
    );
    assert_eq!(
        vcpupin(d, &name, "--live"),
        pins(&[(0, "0-1"), (1, "1"), (2, "0-1"), (3, "0-1")])
    );
    assert_eq!(vcpupin(d, &name, "--config"), config_before);

    // Stopped: the saved configuration; started again: the running VM.
    d.virsh(&d.qemu_uri(), &["destroy", &name]).unwrap();
    assert!(
        wait_until(15, || !page.model().is_running()),
        "the page did not see the VM stop"
    );
    assert_eq!(shown_target(&page), "Saved configuration");
    d.virsh(&d.qemu_uri(), &["start", &name]).unwrap();
    assert!(
        wait_until(15, || page.model().is_running()),
        "the page did not see the VM start"
    );
    assert_eq!(page.model().effective_target(), Target::Live);
    assert_eq!(shown_target(&page), "Running VM");

    // A target the user picks in the drop-down stays.
    target_dropdown(&page).set_selected(2);
    assert!(
        wait_until(5, || page.model().effective_target() == Target::Both),
        "target {:?}",
        page.model().effective_target()
    );
    page.emit(PinningMsg::Reload);
    assert!(wait_until(30, || page.model().is_ready()));
    assert_eq!(page.model().effective_target(), Target::Both);
    assert_eq!(shown_target(&page), "Both");
    win.destroy();
    remove_vm(d, &name);
}
