//! Migrations that fail, through the dialog between two private daemons: the connection to
//! the destination cut when the app asks it to finish, when its answer to Finish comes (the
//! VM moved once all the same; or, the destination gone for good, the dialog says it may run
//! there too), while the memory moves, and a destination without the VM's emulator. Nothing
//! panics, the VM keeps running, and the dialog names the host it runs on; virsh on both
//! daemons is the oracle.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::migrate::{MigrateDialog, MigrateMsg, MigrateOutput};
use relm4::prelude::*;
use support::migrate::{Outputs, dialog, domstate, gone, start, start_xml};
use support::{connect, wait_until};
use testbed::Libvirtd;
use testbed::faults::{CallFault, FaultProxy};

/// `REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS`.
const FINISH3_PARAMS: u32 = 306;

/// Starts the dialog's migration and waits for the words it ends with.
fn run_to_failure(dialog: &Controller<MigrateDialog>, outputs: &Outputs) -> String {
    dialog.emit(MigrateMsg::Start);
    assert!(
        wait_until(60, || dialog.model().status_text().is_some()),
        "no outcome; progress: {:?}",
        dialog.model().progress_text()
    );
    assert!(!dialog.model().is_running());
    assert!(outputs.borrow().is_empty(), "the dialog stays open");
    dialog.model().status_text().unwrap()
}

/// Two private daemons, the VM `prefix-…` running on the source ("alpha") with `mib` MiB of
/// random memory, and the dialog open on it with the destination ("beta") reached through a
/// fault proxy.
struct Proxied {
    src: Libvirtd,
    dst: Libvirtd,
    name: String,
    proxy: FaultProxy,
    dialog: Controller<MigrateDialog>,
    outputs: Outputs,
}

fn proxied(prefix: &str, mib: u32) -> Proxied {
    support::init_gui();
    let (src, dst) = (Libvirtd::start().unwrap(), Libvirtd::start().unwrap());
    let name = testbed::unique_name(prefix);
    let uuid = start(&src, &name, mib);
    let proxy = FaultProxy::start(&dst.socket()).unwrap();
    let through = format!("qemu+unix:///system?socket={}", proxy.socket().display());
    let (dialog, outputs) = dialog(
        ("alpha", connect(&src.qemu_uri())),
        ("beta", connect(&through)),
        &name,
        &uuid,
        &dst.migrate_uri(),
    );
    Proxied {
        src,
        dst,
        name,
        proxy,
        dialog,
        outputs,
    }
}

/// What virsh tells of `name` on `d` that a migration that did not happen leaves as it was:
/// its XML and `dominfo` without the CPU time it keeps using.
fn snapshot(d: &Libvirtd, name: &str) -> (String, String) {
    let uri = d.qemu_uri();
    let info = d.virsh(&uri, &["dominfo", name]).unwrap();
    let info = info
        .lines()
        .filter(|l| !l.starts_with("CPU time:"))
        .collect::<Vec<_>>()
        .join("\n");
    (d.virsh(&uri, &["dumpxml", name]).unwrap(), info)
}

#[gtk::test]
fn a_cut_to_the_destination_at_finish_leaves_the_vm_on_the_named_source() {
    let Proxied {
        src,
        dst,
        name,
        proxy,
        dialog,
        outputs,
    } = proxied("migcut", 4);
    // The memory is copied; the destination never hears that it may run the VM.
    proxy.set_calls(CallFault::CutAtCall {
        procedure: FINISH3_PARAMS,
        nth: 1,
    });
    let status = run_to_failure(&dialog, &outputs);
    assert_eq!(proxy.struck(), 1, "the cut came at Finish");
    assert!(status.contains("connection to beta was lost"), "{status}");
    assert!(status.contains("still runs on alpha"), "{status}");
    // The source took the VM back; the destination dropped the incoming one with the
    // connection that prepared it.
    assert!(
        wait_until(30, || domstate(&src, &name) == "running"
            && gone(&dst, &name)),
        "source {:?}, destination {:?}",
        domstate(&src, &name),
        domstate(&dst, &name)
    );
    dialog.widget().destroy();
}

#[gtk::test]
fn a_destination_without_the_emulator_refuses_and_the_vm_stays_untouched() {
    support::init_gui();
    let (src, dst) = (Libvirtd::start().unwrap(), Libvirtd::start().unwrap());
    let name = testbed::unique_name("migemu");
    // The emulator under the source daemon's own /var/lib/libvirt (its private directory
    // mounted there): the destination's daemon has its own and finds no such binary.
    let emulator = "/var/lib/libvirt/emu/qemu-system-x86_64";
    std::fs::create_dir_all(src.dir().join("lib/emu")).unwrap();
    std::os::unix::fs::symlink(
        "/usr/bin/qemu-system-x86_64",
        src.dir().join("lib/emu/qemu-system-x86_64"),
    )
    .unwrap();
    let xml = testbed::vm::tiny_xml(&name).replace("/usr/bin/qemu-system-x86_64", emulator);
    let uuid = start_xml(&src, &name, &xml);
    let before = snapshot(&src, &name);
    let (dialog, outputs) = dialog(
        ("alpha", connect(&src.qemu_uri())),
        ("beta", connect(&dst.qemu_uri())),
        &name,
        &uuid,
        &dst.migrate_uri(),
    );
    let status = run_to_failure(&dialog, &outputs);
    assert!(status.contains(emulator), "names the binary: {status}");
    assert!(status.contains("still runs on alpha"), "{status}");
    assert_eq!(snapshot(&src, &name), before);
    assert_eq!(domstate(&src, &name), "running");
    assert!(gone(&dst, &name));
    // The source's migration job ended.
    let job = src.virsh(&src.qemu_uri(), &["domjobinfo", &name]).unwrap();
    assert!(job.contains("None"), "{job}");
    dialog.widget().destroy();
}

#[gtk::test]
fn a_lost_answer_to_finish_still_moves_the_vm_once() {
    let Proxied {
        src,
        dst,
        name,
        proxy,
        dialog,
        outputs,
    } = proxied("migcutr", 4);
    // The destination runs the VM; the app never hears so on that connection.
    proxy.set_calls(CallFault::CutAtReply {
        procedure: FINISH3_PARAMS,
        nth: 1,
    });
    dialog.emit(MigrateMsg::Start);
    assert!(
        wait_until(60, || !outputs.borrow().is_empty()),
        "no outcome; status: {:?}",
        dialog.model().status_text()
    );
    assert_eq!(proxy.struck(), 1, "the answer to Finish was cut");
    assert!(
        matches!(&outputs.borrow()[0], MigrateOutput::Migrated { dest, .. } if dest == "beta"),
        "{:?} / {:?}",
        outputs.borrow(),
        dialog.model().status_text()
    );
    // Once: the source did not take it back.
    assert_eq!(domstate(&dst, &name), "running");
    assert!(gone(&src, &name), "source: {}", domstate(&src, &name));
    dialog.widget().destroy();
}

#[gtk::test]
fn a_lost_answer_from_a_destination_gone_says_it_may_run_there_too() {
    let Proxied {
        src,
        dst,
        name,
        proxy,
        dialog,
        outputs,
    } = proxied("migcutg", 4);
    // The destination runs the VM, and cannot be reached again to say so.
    proxy.refuse_after_cut();
    proxy.set_calls(CallFault::CutAtReply {
        procedure: FINISH3_PARAMS,
        nth: 1,
    });
    let status = run_to_failure(&dialog, &outputs);
    assert!(status.contains("connection to beta was lost"), "{status}");
    assert!(
        status.contains("runs on alpha again") && status.contains("Whether beta started it too"),
        "{status}"
    );
    // What it says is so: the source took the VM back, the destination had started it.
    assert_eq!(domstate(&src, &name), "running");
    assert_eq!(domstate(&dst, &name), "running");
    dialog.widget().destroy();
}

#[gtk::test]
fn a_cut_to_the_destination_while_the_memory_moves_leaves_the_vm_on_the_source() {
    let Proxied {
        src,
        dst,
        name,
        proxy,
        dialog,
        outputs,
    } = proxied("migcutp", 24);
    // 1 MiB/s: 24 MiB of random memory are still on their way when the cut comes.
    let spin = support::hardware::descendants(dialog.widget().upcast_ref())
        .into_iter()
        .find_map(|w| w.downcast::<gtk::SpinButton>().ok())
        .unwrap();
    spin.set_value(1.0);
    dialog.emit(MigrateMsg::Start);
    assert!(
        wait_until(30, || dialog
            .model()
            .progress_text()
            .1
            .contains("MiB to go")),
        "no progress: {:?}",
        dialog.model().progress_text()
    );
    proxy.cut_now();
    let status = {
        assert!(
            wait_until(60, || dialog.model().status_text().is_some()),
            "no outcome"
        );
        dialog.model().status_text().unwrap()
    };
    assert!(outputs.borrow().is_empty());
    assert!(status.contains("still runs on alpha"), "{status}");
    assert!(
        wait_until(30, || domstate(&src, &name) == "running"
            && gone(&dst, &name)),
        "source {:?}, destination {:?}",
        domstate(&src, &name),
        domstate(&dst, &name)
    );
    dialog.widget().destroy();
}
