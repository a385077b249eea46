//! The hardware editor's apply to a running VM over a connection that fails, injected by a
//! proxy ([`testbed::faults`]) between the editor and a real daemon: cut as the second
//! hot-plug is called or before its answer, the message tells which changes were made, which
//! not, and the one whose outcome the lost answer took with it; and
//! `virsh dumpxml` (running and saved) reads as it says; a slow daemon does not hold up the
//! main loop while the editor waits for it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use hangar::ui::hardware::HardwareEditorMsg as Msg;
use relm4::ComponentController;
use support::hardware::{apply, close, inactive, open_on, remove, virsh};
use support::wait_until;
use testbed::Libvirtd;
use testbed::faults::{CallFault, FaultProxy};

const MAC: &str = "52:54:00:4d:61:02";
/// `REMOTE_PROC_DOMAIN_ATTACH_DEVICE_FLAGS`.
const ATTACH_DEVICE_FLAGS: u32 = 160;
/// `REMOTE_PROC_DOMAIN_UPDATE_DEVICE_FLAGS`.
const UPDATE_DEVICE_FLAGS: u32 = 174;

fn through(proxy: &FaultProxy) -> String {
    format!("qemu+unix:///system?socket={}", proxy.socket().display())
}

fn image(d: &Libvirtd, name: &str) -> String {
    let path = d.dir().join(name);
    let out = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&path)
        .arg("16M")
        .output()
        .unwrap();
    assert!(out.status.success());
    path.display().to_string()
}

#[gtk::test]
fn a_connection_cut_midway_through_an_apply_is_told_step_by_step() {
    cut_apply(false);
}

#[gtk::test]
fn a_connection_cut_after_the_daemon_made_a_step_is_told_the_same_way() {
    cut_apply(true);
}

/// Applies four changes to a running VM with the connection cut at the second hot-plug: as
/// it is called, or (`at_reply`) once the daemon made it, before its answer. The client cannot
/// tell the two apart, and its message says so; `virsh` tells.
fn cut_apply(at_reply: bool) {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let proxy = FaultProxy::start(&d.socket()).unwrap();
    let devices = format!(
        "<controller type='scsi' model='virtio-scsi'/>\
         <interface type='user'><mac address='{MAC}'/><model type='virtio'/></interface>"
    );
    let (name, e, window) = open_on(d, &through(&proxy), "fault-apply", true, &devices);
    let (first, second) = (
        image(d, &format!("{name}-a.qcow2")),
        image(d, &format!("{name}-b.qcow2")),
    );
    // Saved definition, memory, link, first disk: made. The second disk's hot-plug never
    // reaches the daemon, or its answer never comes back; the undos cannot reach it either.
    proxy.set_calls(if at_reply {
        CallFault::CutAtReply {
            procedure: ATTACH_DEVICE_FLAGS,
            nth: 2,
        }
    } else {
        CallFault::CutAtCall {
            procedure: ATTACH_DEVICE_FLAGS,
            nth: 2,
        }
    });
    let err = apply(
        &e,
        vec![
            Msg::SetMemoryCurrent(48),
            Msg::SetNicLink(0, false),
            Msg::AddDisk(first.clone(), "disk".into(), "scsi".into()),
            Msg::AddDisk(second.clone(), "disk".into(), "scsi".into()),
        ],
    )
    .expect("the cut apply succeeded");
    assert_eq!(proxy.struck(), 1);
    eprintln!("{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("Attaching the disk sd")
            && lines[0].contains(
                ": the connection was lost before the daemon answered, \
                 so whether it was made is not known ("
            ),
        "{err}"
    );
    assert_eq!(
        lines[1],
        "Not every change already made could be undone. These remain:"
    );
    let remains = &lines[2..6];
    assert!(remains[0].starts_with("• The disk sd"), "{err}");
    assert!(
        remains[0].contains("stays attached to the running VM"),
        "{err}"
    );
    assert!(
        remains[1].starts_with(&format!(
            "• The running VM's network card {MAC} stays changed"
        )),
        "{err}"
    );
    assert!(
        remains[2].starts_with("• The running VM's memory stays set to 48 MiB"),
        "{err}"
    );
    assert!(
        remains[3].starts_with("• The saved configuration has the edits"),
        "{err}"
    );
    // The failed step was the last one: nothing else is left unmade.
    assert_eq!(lines.len(), 6, "{err}");

    // What virsh sees over its own connection is what the message says.
    let live = virsh(d, &["dumpxml", &name]);
    assert!(live.contains(&format!("<source file='{first}'")), "{live}");
    assert!(
        live.contains(&format!("<source file='{second}'")) == at_reply,
        "{live}"
    );
    assert!(live.contains("<link state='down'/>"), "{live}");
    // (The balloon's target is not in the XML until the guest follows it; the tiny VM has
    // no balloon driver.)
    let saved = inactive(d, &name);
    assert!(
        saved.contains(&format!("<source file='{first}'")),
        "{saved}"
    );
    assert!(
        saved.contains(&format!("<source file='{second}'")),
        "{saved}"
    );
    remove(d, &name);
    close(&window, criticals);
}

#[gtk::test]
fn a_slow_daemon_does_not_stall_the_main_loop_during_an_apply() {
    support::init_gui();
    let criticals = support::criticals();
    let d = Libvirtd::shared();
    let proxy = FaultProxy::start(&d.socket()).unwrap();
    let devices =
        format!("<interface type='user'><mac address='{MAC}'/><model type='virtio'/></interface>");
    let (name, e, window) = open_on(d, &through(&proxy), "fault-slow", true, &devices);
    let delay = Duration::from_millis(1500);
    proxy.set_calls(CallFault::DelayCall {
        procedure: UPDATE_DEVICE_FLAGS,
        delay,
    });
    // A tick every 10 ms; the longest gap between two while the daemon sits on the call (the
    // device update, after the definition was saved).
    let ticks: Rc<RefCell<Vec<Instant>>> = Rc::default();
    let t = ticks.clone();
    let source = gtk::glib::timeout_add_local(Duration::from_millis(10), move || {
        t.borrow_mut().push(Instant::now());
        gtk::glib::ControlFlow::Continue
    });
    let started = Instant::now();
    assert_eq!(apply(&e, vec![Msg::SetNicLink(0, false)]), None);
    let took = started.elapsed();
    source.remove();
    assert!(took >= delay, "the delay did not strike ({took:?})");
    let ticks = ticks.borrow();
    let held: Vec<&Instant> = ticks
        .iter()
        .filter(|t| {
            // From once the editor has shown the apply under way until the call is let go.
            let at = t.duration_since(started);
            at >= Duration::from_millis(300) && at <= delay
        })
        .collect();
    let stall = held
        .windows(2)
        .map(|w| w[1].duration_since(*w[0]))
        .max()
        .unwrap();
    eprintln!(
        "longest main-loop stall while the daemon held the call: {stall:?} ({} ticks)",
        held.len()
    );
    assert!(stall < Duration::from_millis(150), "{stall:?}");
    assert_eq!(
        virsh(d, &["domif-getlink", &name, MAC]).trim(),
        format!("{MAC} down")
    );
    assert!(wait_until(5, || !e.model().busy()));
    remove(d, &name);
    close(&window, criticals);
}
