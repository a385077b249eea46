//! Connections at start and when they fail, against private libvirt daemons: every requested
//! connection is shown whatever the order in which its session, GTK and the window get ready;
//! a host that is not there says why, waits without animating anything and connects at once
//! when asked; VM actions are off while their connection is down; a daemon restart is
//! followed by itself, without animation between attempts, to the list `virsh` has; saved
//! connections open at start only when the user wants them to.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gtk::prelude::*;
use hangar::cli::Options;
use hangar::session::prestart;
use hangar::ui::MainWindow;
use hangar::ui::vm_list::{ConnectionObject, ConnectionStatus};
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, vm};

fn setup() {
    support::init_gui();
    let settings = hangar::settings::AppSettings::open().unwrap();
    settings.set_connections(&[]);
    settings.gio().reset("autoconnect");
    settings.set_initialized();
}

fn launch(connect: &[&str]) -> relm4::Controller<MainWindow> {
    let window = MainWindow::builder()
        .launch(Options {
            connect: connect.iter().map(|s| s.to_string()).collect(),
            ..Options::default()
        })
        .detach();
    window.widget().present();
    window
}

fn descendants(root: &gtk::Widget) -> Vec<gtk::Widget> {
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(w) = stack.pop() {
        let mut child = w.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            stack.push(c.clone());
            out.push(c);
        }
    }
    out
}

/// The page the window's main stack shows ("empty" or "connections").
fn page(window: &relm4::Controller<MainWindow>) -> String {
    descendants(window.widget().upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Stack>().ok())
        .find(|s| s.child_by_name("connections").is_some())
        .and_then(|s| s.visible_child_name())
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// Spinners on screen that turn.
fn turning_spinners(window: &relm4::Controller<MainWindow>) -> usize {
    descendants(window.widget().upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Spinner>().ok())
        .filter(|s| s.is_mapped() && s.is_spinning())
        .count()
}

/// The visible button on screen with this label.
fn button(window: &relm4::Controller<MainWindow>, label: &str) -> Option<gtk::Button> {
    descendants(window.widget().upcast_ref())
        .into_iter()
        .filter_map(|w| w.downcast::<gtk::Button>().ok())
        .find(|b| b.is_mapped() && b.label().as_deref() == Some(label))
}

fn connection(window: &relm4::Controller<MainWindow>, uri: &str) -> ConnectionObject {
    window
        .model()
        .list()
        .connection(uri)
        .expect("connection listed")
}

fn close(window: relm4::Controller<MainWindow>) {
    window.widget().destroy();
    drop(window);
    let ctx = gtk::glib::MainContext::default();
    while ctx.iteration(false) {}
}

/// How the window meets the session of its connection.
#[derive(Debug, Clone, Copy)]
enum Order {
    /// The session started before the window and has listed every VM by the time it opens.
    SessionFirst,
    /// The session started just before the window.
    Together,
    /// No session before the window: it starts one itself.
    WindowOnly,
}

#[gtk::test]
fn every_connection_is_shown_at_start_whatever_the_order() {
    setup();
    let d = Libvirtd::shared();
    let hosts = [
        (
            d.fixture_uri("start0", &vm::test_node_xml("s0", 0))
                .unwrap(),
            0,
        ),
        (
            d.fixture_uri("start5", &vm::test_node_xml("s5", 5))
                .unwrap(),
            5,
        ),
        (
            d.fixture_uri("start1000", &vm::test_node_xml("sk", 1000))
                .unwrap(),
            1000,
        ),
    ];
    let mut lost = Vec::new();
    for round in 0..4 {
        for (uri, count) in &hosts {
            for order in [Order::SessionFirst, Order::Together, Order::WindowOnly] {
                match order {
                    Order::SessionFirst => {
                        prestart::start(uri);
                        assert!(
                            testbed::wait::until(Duration::from_secs(30), || {
                                prestart::has_listed(uri)
                            }),
                            "{uri} never listed"
                        );
                    }
                    Order::Together => prestart::start(uri),
                    Order::WindowOnly => {}
                }
                let window = launch(&[uri]);
                let conn = connection(&window, uri);
                let shown = wait_until(30, || {
                    conn.connection_status() == ConnectionStatus::Connected
                        && conn.vms().n_items() == *count
                        && page(&window) == "connections"
                });
                if !shown {
                    lost.push(format!(
                        "round {round}, {count} domains, {order:?}: page {:?}, status {:?}, {} VMs",
                        page(&window),
                        conn.connection_status(),
                        conn.vms().n_items()
                    ));
                }
                close(window);
                hangar::settings::AppSettings::open()
                    .unwrap()
                    .set_connections(&[]);
            }
        }
    }
    assert!(
        lost.is_empty(),
        "connections lost at start:\n{}",
        lost.join("\n")
    );
}

/// Starts the real program `starts` times per host and waits for the stage marks it prints
/// when the list page shows and the host's list is in it.
#[test]
fn the_program_shows_its_connection_on_every_start() {
    let d = Libvirtd::shared();
    let hosts = [
        d.fixture_uri("prog0", &vm::test_node_xml("p0", 0)).unwrap(),
        d.fixture_uri("prog5", &vm::test_node_xml("p5", 5)).unwrap(),
        d.fixture_uri("prog1000", &vm::test_node_xml("pk", 1000))
            .unwrap(),
        d.qemu_uri(),
    ];
    let home = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for uri in &hosts {
        for start in 0..4 {
            // The second and later starts find the connection saved, as a user's do.
            let mut child = Command::new(env!("CARGO_BIN_EXE_hangar"))
                .args(["--connect", uri])
                .env("HANGAR_BENCH", "1")
                .env("HOME", home.path())
                .env("XDG_CONFIG_HOME", home.path().join("config"))
                .env("XDG_CACHE_HOME", home.path().join("cache"))
                .env("XDG_DATA_HOME", home.path().join("data"))
                .env("GSETTINGS_BACKEND", "keyfile")
                .env("GSK_RENDERER", "cairo")
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            let deadline = Instant::now() + Duration::from_secs(30);
            let (mut shown, mut listed) = (false, false);
            while !(shown && listed) {
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(line) => {
                        shown |= line.starts_with("hangar-bench connections-shown ");
                        listed |= line.starts_with("hangar-bench list-applied ");
                    }
                    Err(_) => break,
                }
            }
            let _ = child.kill();
            let _ = child.wait();
            if !(shown && listed) {
                failures.push(format!(
                    "{uri}, start {start}: page shown {shown}, list applied {listed}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[gtk::test]
fn a_missing_daemon_is_explained_waits_still_and_connects_when_asked() {
    setup();
    let d = Libvirtd::shared();
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("sock");
    let uri = format!("test+unix:///default?socket={}", link.display());
    let window = launch(&[&uri]);
    let conn = connection(&window, &uri);
    // Three failed attempts: the wait before the next one is 4 s.
    let mut failures = 0;
    let mut last_text = String::new();
    assert!(wait_until(20, || {
        let text = conn.status_text();
        if conn.connection_status() == ConnectionStatus::Reconnecting && text != last_text {
            failures += 1;
            last_text = text;
        }
        failures >= 3
    }));
    assert!(
        last_text.contains("No libvirt daemon is listening on this socket"),
        "{last_text}"
    );
    assert!(last_text.contains("Next attempt at"), "{last_text}");
    assert_eq!(page(&window), "connections");
    assert_eq!(
        turning_spinners(&window),
        0,
        "something turns while waiting"
    );
    // The daemon appears; Retry Now connects without waiting for the next attempt.
    std::os::unix::fs::symlink(d.socket(), &link).unwrap();
    let retry = button(&window, "_Retry Now").expect("a Retry Now button on the row");
    let clicked = Instant::now();
    retry.emit_clicked();
    assert!(wait_until(10, || conn.connection_status()
        == ConnectionStatus::Connected));
    assert!(
        clicked.elapsed() < Duration::from_secs(3),
        "connected only after {:?}",
        clicked.elapsed()
    );
    assert!(button(&window, "_Retry Now").is_none());
    close(window);
}

#[gtk::test]
fn hosts_that_cannot_be_reached_say_why() {
    setup();
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: bind, note, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tcp = format!("qemu+tcp://127.0.0.1:{port}/system");
    let unix = format!(
        "qemu+unix:///system?socket={}",
        dir.path().join("none").display()
    );
    let window = launch(&[&tcp, &unix]);
    let (tcp_row, unix_row) = (connection(&window, &tcp), connection(&window, &unix));
    assert!(wait_until(20, || {
        tcp_row.connection_status() == ConnectionStatus::Reconnecting
            && unix_row.connection_status() == ConnectionStatus::Reconnecting
    }));
    let text = tcp_row.status_text();
    assert!(
        text.contains(&format!("refused the connection on port {port}")),
        "{text}"
    );
    // The client's own words go to the row's tooltip, not its text.
    assert!(
        tcp_row.details().contains("Connection refused"),
        "{}",
        tcp_row.details()
    );
    let text = unix_row.status_text();
    assert!(text.contains("No libvirt daemon is listening"), "{text}");
    assert_eq!(turning_spinners(&window), 0);
    close(window);
}

#[gtk::test]
fn vm_actions_are_off_while_the_connection_is_down() {
    setup();
    let d = Libvirtd::start().unwrap();
    let uri = d.fixture_uri("down", &vm::test_node_xml("dn", 2)).unwrap();
    let window = launch(&[&uri]);
    let conn = connection(&window, &uri);
    assert!(wait_until(20, || conn.connection_status()
        == ConnectionStatus::Connected
        && conn.vms().n_items() == 2));
    let vm = conn
        .vms()
        .item(0)
        .and_downcast::<hangar::ui::vm_list::VmObject>()
        .unwrap();
    window.model().list().clone().select_vm(&vm);
    let actions = window.model().actions().unwrap().clone();
    assert!(wait_until(5, || actions.is_enabled("vm-pause")));
    d.stop();
    assert!(wait_until(20, || conn.connection_status()
        == ConnectionStatus::Reconnecting));
    // The VM stays listed; only its window can be opened.
    assert_eq!(conn.vms().n_items(), 2);
    assert!(!actions.is_enabled("vm-pause"));
    assert!(!actions.is_enabled("vm-force-off"));
    assert!(actions.is_enabled("vm-open"));
    // The daemon comes back: the connection follows by itself and the actions return.
    d.restart().unwrap();
    assert!(wait_until(40, || conn.connection_status()
        == ConnectionStatus::Connected));
    window.model().list().clone().select_vm(
        &conn
            .vms()
            .item(0)
            .and_downcast::<hangar::ui::vm_list::VmObject>()
            .unwrap(),
    );
    assert!(wait_until(5, || actions.is_enabled("vm-pause")));
    close(window);
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

fn virsh_names(d: &Libvirtd, uri: &str) -> Vec<String> {
    let mut n: Vec<String> = d
        .virsh(uri, &["list", "--all", "--name"])
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    n.sort();
    n
}

#[gtk::test]
fn a_daemon_restart_is_followed_by_itself_to_the_list_virsh_has() {
    setup();
    let d = Libvirtd::start().unwrap();
    let uri = d
        .fixture_uri("restart", &vm::test_node_xml("rs", 3))
        .unwrap();
    let window = launch(&[&uri]);
    let conn = connection(&window, &uri);
    assert!(wait_until(20, || conn.connection_status()
        == ConnectionStatus::Connected
        && conn.vms().n_items() == 3));
    d.stop();
    // The host's VMs change while its daemon is down (the fixture is read again at start).
    d.fixture_uri("restart", &vm::test_node_xml("rs", 5))
        .unwrap();
    // Two failed attempts, and nothing turns on screen at any moment in between.
    let (mut attempts, mut last, mut spinning) = (0, String::new(), 0);
    assert!(
        wait_until(20, || {
            spinning = spinning.max(turning_spinners(&window));
            let text = conn.status_text();
            if conn.connection_status() == ConnectionStatus::Reconnecting && text != last {
                attempts += 1;
                last = text;
            }
            attempts >= 2
        }),
        "no failed attempts seen: {}",
        conn.status_text()
    );
    assert_eq!(spinning, 0, "something turned between attempts");
    d.restart().unwrap();
    let want = virsh_names(&d, &uri);
    assert_eq!(want.len(), 5, "{want:?}");
    assert!(
        wait_until(40, || conn.connection_status()
            == ConnectionStatus::Connected
            && vm_names(&conn) == want),
        "not reconnected to the list virsh has: {} {:?}",
        conn.status_text(),
        vm_names(&conn)
    );
    assert_eq!(turning_spinners(&window), 0);
    close(window);
}

#[gtk::test]
fn saved_connections_open_at_start_only_when_the_user_wants() {
    setup();
    let d = Libvirtd::shared();
    let uri = d.fixture_uri("auto", &vm::test_node_xml("au", 1)).unwrap();
    let settings = hangar::settings::AppSettings::open().unwrap();
    settings.set_connections(std::slice::from_ref(&uri));
    // Until the user chooses, every saved connection opens at start.
    assert!(settings.autoconnects(&uri));
    settings.set_autoconnect(&uri, false);
    let window = launch(&[]);
    let conn = connection(&window, &uri);
    assert_eq!(conn.connection_status(), ConnectionStatus::Disconnected);
    let connect = button(&window, "_Connect");
    assert!(wait_until(5, || button(&window, "_Connect").is_some()));
    connect
        .or_else(|| button(&window, "_Connect"))
        .unwrap()
        .emit_clicked();
    assert!(wait_until(20, || conn.connection_status()
        == ConnectionStatus::Connected));
    assert!(
        !settings.autoconnects(&uri),
        "connecting once is not a choice for every start"
    );
    close(window);
    // A connection given on the command line opens, and is saved to open again.
    let other = d.fixture_uri("auto2", &vm::test_node_xml("a2", 1)).unwrap();
    let window = launch(&[&other]);
    assert!(settings.autoconnects(&other));
    assert!(!settings.autoconnects(&uri));
    close(window);
}

#[gtk::test]
fn an_empty_connection_invites_a_new_vm() {
    setup();
    let d = Libvirtd::shared();
    let uri = d.fixture_uri("empty", &vm::test_node_xml("em", 0)).unwrap();
    let window = launch(&[&uri]);
    let conn = connection(&window, &uri);
    assert!(wait_until(20, || conn.connection_status()
        == ConnectionStatus::Connected));
    assert!(wait_until(5, || button(&window, "_New Virtual Machine…").is_some()));
    close(window);
}
