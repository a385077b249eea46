//! Faults between the app's host session and a real daemon, injected by a proxy
//! ([`testbed::faults`]): a reply cut midway, a corrupted reply, a connection cut during a burst
//! of events. Each ends in a clear reason and a reconnect, never a panic, and once reconnected
//! the session's list is what `virsh` lists.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hangar::session::host::{self, HostRequest, HostUpdate};
use testbed::faults::{Fault, FaultProxy};
use testbed::{Libvirtd, vm};

/// What the session has told so far.
#[derive(Default)]
struct Seen {
    vms: BTreeMap<String, String>,
    connected: bool,
    connects: usize,
    reasons: Vec<String>,
}

struct Session {
    rt: tokio::runtime::Runtime,
    rx: mpsc::Receiver<HostUpdate>,
    requests: tokio::sync::mpsc::UnboundedSender<HostRequest>,
    seen: Seen,
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
            seen: Seen::default(),
        }
    }

    /// Takes updates until `done` holds or `secs` pass; whether it held.
    fn until(&mut self, secs: u64, mut done: impl FnMut(&Seen) -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if done(&self.seen) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(u) => self.apply(u),
                Err(mpsc::RecvTimeoutError::Timeout) if !left.is_zero() => {}
                Err(_) => return done(&self.seen),
            }
        }
    }

    fn apply(&mut self, u: HostUpdate) {
        let s = &mut self.seen;
        match u {
            HostUpdate::AllVms(vms) => {
                s.vms = vms.into_iter().map(|v| (v.uuid, v.name)).collect();
            }
            HostUpdate::Vm(v) => {
                s.vms.insert(v.uuid, v.name);
            }
            HostUpdate::VmRemoved(uuid) => {
                s.vms.remove(&uuid);
            }
            HostUpdate::Connected { .. } => {
                s.connected = true;
                s.connects += 1;
            }
            HostUpdate::Reconnecting { reason, .. } => {
                s.connected = false;
                s.reasons.push(reason);
            }
            HostUpdate::Failed(reason) => {
                s.connected = false;
                s.reasons.push(reason);
            }
            _ => {}
        }
    }

    fn names(&self) -> Vec<String> {
        let mut n: Vec<String> = self.seen.vms.values().cloned().collect();
        n.sort();
        n
    }

    fn stop(self) {
        let _ = self.requests.send(HostRequest::Disconnect);
        self.rt.shutdown_timeout(Duration::from_secs(5));
    }
}

fn virsh_names(d: &Libvirtd, uri: &str) -> Vec<String> {
    let mut n: Vec<String> = d
        .virsh(uri, &["list", "--all", "--name"])
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    n.sort();
    n
}

#[test]
fn a_reply_cut_midway_or_corrupted_is_a_clear_error_and_the_list_comes_back() {
    let d = Libvirtd::shared();
    let fixture = d
        .fixture_uri("faults", &vm::test_node_xml("fa", 40))
        .unwrap();
    let proxy = FaultProxy::start(&d.socket()).unwrap();
    let path = fixture.split('?').next().unwrap().to_string();
    let uri = format!("{path}?socket={}", proxy.socket().display());
    let want = virsh_names(d, &fixture);
    assert_eq!(want.len(), 40);
    // Cut in the middle of the ninth packet the daemon sends: during the first listing.
    proxy.set(Fault::Cut {
        packet: 9,
        bytes: 10,
    });
    let mut s = Session::start(&uri);
    assert!(
        s.until(20, |seen| !seen.reasons.is_empty()),
        "no reason given for the cut"
    );
    assert_eq!(proxy.struck(), 1);
    assert!(!s.seen.reasons[0].trim().is_empty());
    // The proxy lets everything through again: the session reconnects by itself.
    assert!(s.until(30, |seen| seen.connected), "{:?}", s.seen.reasons);
    assert_eq!(s.names(), want);

    // A byte of a reply's header turned into garbage: a protocol error, then a reconnect.
    let connects = s.seen.connects;
    let reasons = s.seen.reasons.len();
    // Cut now; the reconnect (a second later) finds its first reply's program damaged.
    proxy.cut_now();
    proxy.set(Fault::Corrupt {
        packet: 1,
        offset: 5,
    });
    assert!(
        s.until(30, |seen| seen.reasons.len() >= reasons + 2
            && seen.connects > connects),
        "reasons: {:?}",
        s.seen.reasons
    );
    assert_eq!(proxy.struck(), 2);
    let corrupted = &s.seen.reasons[reasons + 1];
    assert!(corrupted.contains("protocol violation"), "{corrupted}");
    assert_eq!(s.names(), want);
    s.stop();
}

#[test]
fn a_connection_cut_during_an_event_burst_ends_with_the_list_virsh_has() {
    let d = Libvirtd::start().unwrap();
    let direct = d.test_uri();
    let proxy = FaultProxy::start(&d.socket()).unwrap();
    let uri = format!("test+unix:///default?socket={}", proxy.socket().display());
    // The daemon's default test node is shared by every connection while one is open: this
    // one keeps it, and makes the burst.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let keeper = rt.block_on(virt_client::Connection::open(&direct)).unwrap();
    let mut s = Session::start(&uri);
    assert!(s.until(20, |seen| seen.connected));
    proxy.set(Fault::Cut {
        packet: 25,
        bytes: 7,
    });
    rt.block_on(async {
        for i in 0..40 {
            let xml = format!(
                "<domain type='test'><name>burst-{i}</name><memory>65536</memory>\
                 <vcpu>1</vcpu><os><type>hvm</type></os></domain>"
            );
            let dom = virt_client::Domain::define_xml(&keeper, &xml, 0)
                .await
                .unwrap();
            if i % 2 == 0 {
                dom.create(0).await.unwrap();
            }
        }
    });
    assert!(
        s.until(20, |seen| !seen.reasons.is_empty()),
        "the burst never reached the cut"
    );
    assert_eq!(proxy.struck(), 1);
    let want = virsh_names(&d, &direct);
    assert!(want.len() >= 40, "{want:?}");
    assert!(
        s.until(30, |seen| seen.connected && seen.vms.len() == want.len()),
        "reasons {:?}",
        s.seen.reasons
    );
    assert_eq!(s.names(), want);
    s.stop();
    rt.block_on(keeper.close()).unwrap();
}
