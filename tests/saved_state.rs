//! Saved states through the app's host session against a private libvirtd, with `virsh` as the
//! oracle: Save (managed save) stops the running tiny VM and the list reads "Saved"; Run
//! restores it; Discard removes the image; Save to File and Restore from File go through a file
//! on the host.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hangar::session::host::{self, HostRequest, HostUpdate};
use hangar::session::model::{VmAction, VmState, VmSummary};
use testbed::{Libvirtd, unique_name, vm};

struct Session {
    rt: tokio::runtime::Runtime,
    rx: mpsc::Receiver<HostUpdate>,
    requests: tokio::sync::mpsc::UnboundedSender<HostRequest>,
    vms: BTreeMap<String, VmSummary>,
    failures: Vec<String>,
}

impl Session {
    fn start(uri: &str) -> Session {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let (requests, req_rx) = tokio::sync::mpsc::unbounded_channel();
        rt.spawn(host::run(uri.to_string(), req_rx, move |u| {
            tx.send(u).is_ok()
        }));
        Session {
            rt,
            rx,
            requests,
            vms: BTreeMap::new(),
            failures: Vec::new(),
        }
    }

    /// Takes updates until the VM `name` is as `done` wants it, or `secs` pass.
    fn until(&mut self, secs: u64, name: &str, done: impl Fn(&VmSummary) -> bool) -> VmSummary {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(vm) = self.vms.values().find(|v| v.name == name)
                && done(vm)
            {
                return vm.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "{name} never got there: {:?}; failures {:?}",
                self.vms.values().find(|v| v.name == name),
                self.failures
            );
            match self.rx.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(HostUpdate::AllVms(vms)) => {
                    self.vms = vms.into_iter().map(|v| (v.uuid.clone(), v)).collect();
                }
                Ok(HostUpdate::Vm(v)) => {
                    self.vms.insert(v.uuid.clone(), v);
                }
                Ok(HostUpdate::VmRemoved(uuid)) => {
                    self.vms.remove(&uuid);
                }
                Ok(HostUpdate::ActionFailed { message, .. }) => self.failures.push(message),
                _ => {}
            }
        }
    }

    fn act(&self, vm: &VmSummary, action: VmAction) {
        assert!(action.allowed_for(vm), "{action:?} for {vm:?}");
        self.requests
            .send(HostRequest::Act {
                uuid: vm.uuid.clone(),
                action,
            })
            .unwrap();
    }

    fn stop(self) {
        let _ = self.requests.send(HostRequest::Disconnect);
        self.rt.shutdown_timeout(Duration::from_secs(5));
    }
}

fn state(d: &Libvirtd, name: &str) -> String {
    d.virsh(&d.qemu_uri(), &["domstate", name])
        .unwrap()
        .trim()
        .to_string()
}

fn has_managed_save(d: &Libvirtd, name: &str) -> bool {
    let info = d.virsh(&d.qemu_uri(), &["dominfo", name]).unwrap();
    info.lines()
        .any(|l| l.starts_with("Managed save:") && l.trim_end().ends_with("yes"))
}

/// Whether QEMU's latest start for `name` took its memory from a saved state (`-incoming`)
/// rather than booting: its command lines are in the daemon's log for the VM.
fn last_start_restored(d: &Libvirtd, name: &str) -> bool {
    let log =
        std::fs::read_to_string(d.dir().join(format!("log/qemu/{name}.log"))).unwrap_or_default();
    log.rsplit("LC_ALL=C")
        .next()
        .is_some_and(|last| last.contains("-incoming"))
}

fn running_tiny(d: &Libvirtd) -> String {
    let name = unique_name("saved");
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, vm::tiny_xml(&name)).unwrap();
    let uri = d.qemu_uri();
    d.virsh(&uri, &["define", &file.display().to_string()])
        .unwrap();
    d.virsh(&uri, &["start", &name]).unwrap();
    name
}

fn remove(d: &Libvirtd, name: &str) {
    let uri = d.qemu_uri();
    let _ = d.virsh_output(&uri, &["destroy", name]);
    let _ = d.virsh_output(&uri, &["undefine", name, "--managed-save"]);
}

#[test]
fn managed_save_then_run_restores_and_discard_removes_the_image() {
    let d = Libvirtd::shared();
    let name = running_tiny(d);
    let mut s = Session::start(&d.qemu_uri());
    let vm = s.until(20, &name, |v| v.state == VmState::Running);
    assert!(!VmAction::DiscardSave.allowed_for(&vm));

    s.act(&vm, VmAction::Save);
    let vm = s.until(60, &name, |v| {
        v.state == VmState::ShutOff && v.has_managed_save
    });
    assert_eq!(vm.state_label(), "Saved");
    assert_eq!(state(d, &name), "shut off");
    assert!(has_managed_save(d, &name));

    // Run restores the saved memory: the image is used up.
    s.act(&vm, VmAction::Run);
    let vm = s.until(60, &name, |v| {
        v.state == VmState::Running && !v.has_managed_save
    });
    assert_eq!(state(d, &name), "running");
    assert!(!has_managed_save(d, &name));
    assert!(last_start_restored(d, &name), "Run booted afresh");
    let log = d.virsh(&d.qemu_uri(), &["dominfo", &name]).unwrap();
    assert!(log.contains("running"), "{log}");

    // Save again, then discard: the next start boots afresh.
    s.act(&vm, VmAction::Save);
    let vm = s.until(60, &name, |v| v.has_managed_save);
    s.act(&vm, VmAction::DiscardSave);
    let vm = s.until(20, &name, |v| !v.has_managed_save);
    assert_eq!(vm.state, VmState::ShutOff);
    assert_eq!(vm.state_label(), VmState::ShutOff.label());
    assert!(!has_managed_save(d, &name));
    assert_eq!(state(d, &name), "shut off");
    // The next start boots.
    s.act(&vm, VmAction::Run);
    s.until(60, &name, |v| v.state == VmState::Running);
    assert!(
        !last_start_restored(d, &name),
        "the discarded state came back"
    );
    assert!(s.failures.is_empty(), "{:?}", s.failures);
    s.stop();
    remove(d, &name);
}

#[test]
fn save_to_file_and_restore_from_file() {
    let d = Libvirtd::shared();
    let name = running_tiny(d);
    let path = d.dir().join(format!("{name}.save"));
    let path = path.display().to_string();
    let mut s = Session::start(&d.qemu_uri());
    let vm = s.until(20, &name, |v| v.state == VmState::Running);
    s.act(&vm, VmAction::SaveToFile(path.clone()));
    let vm = s.until(60, &name, |v| v.state == VmState::ShutOff);
    assert!(!vm.has_managed_save, "a file save is not a managed one");
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
    assert_eq!(state(d, &name), "shut off");

    s.act(&vm, VmAction::RestoreFromFile(path.clone()));
    s.until(60, &name, |v| v.state == VmState::Running);
    assert_eq!(state(d, &name), "running");
    assert!(last_start_restored(d, &name), "the VM booted afresh");
    assert!(s.failures.is_empty(), "{:?}", s.failures);
    s.stop();
    remove(d, &name);
}
