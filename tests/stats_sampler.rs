//! The statistics sampler against a private libvirtd: a running QEMU (TCG) VM's counters
//! become CPU and memory series, and the sampler makes one bulk stats call per tick and none
//! while nothing subscribes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests may panic

use std::sync::mpsc;
use std::time::{Duration, Instant};

use hangar::session::sampler::{self, SamplerHandle, StatsTick, Want};
use hangar::session::series::{DomainSeries, HostInfo, SeriesKey};
use testbed::dispatched::{self, Dispatched};
use testbed::{Libvirtd, vm, wait};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// Starts the sampler on `uri`; ticks arrive on the returned channel.
fn start(
    rt: &tokio::runtime::Runtime,
    uri: &str,
    handle: &SamplerHandle,
) -> mpsc::Receiver<StatsTick> {
    let conn = rt
        .block_on(virt_client::Connection::open(uri))
        .expect("connect");
    let (tx, rx) = mpsc::channel();
    rt.spawn(sampler::run(conn, handle.clone(), move |tick| {
        tx.send(tick).is_ok()
    }));
    rx
}

fn collect(rx: &mpsc::Receiver<StatsTick>, n: usize, secs: u64) -> Vec<StatsTick> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut out = Vec::new();
    while out.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(t) => out.push(t),
            Err(_) => break,
        }
    }
    out
}

#[test]
fn running_vm_gives_cpu_and_memory_series() {
    let d = Libvirtd::shared();
    let qemu = d.qemu_uri();
    let name = testbed::unique_name("stats");
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("vm.xml");
    std::fs::write(&xml, vm::tiny_xml(&name)).unwrap();
    d.virsh(&qemu, &["create", xml.to_str().unwrap()]).unwrap();
    let uuid = d
        .virsh(&qemu, &["domuuid", &name])
        .unwrap()
        .trim()
        .to_string();

    let rt = runtime();
    let handle = SamplerHandle::new();
    handle.set_interval(Duration::from_millis(500));
    let _sub = handle.subscribe(Want::Host);
    let rx = start(&rt, &qemu, &handle);
    let ticks = collect(&rx, 6, 30);
    let _ = d.virsh(&qemu, &["destroy", &name]);
    assert_eq!(ticks.len(), 6, "six ticks within 30 s");

    let mine: Vec<_> = ticks.iter().filter_map(|t| t.domain(&uuid)).collect();
    assert_eq!(mine.len(), 6, "the VM is in every tick");
    let cpu: Vec<u64> = mine
        .iter()
        .map(|d| d.sample.cpu_time_ns.expect("cpu.time"))
        .collect();
    assert!(cpu.windows(2).all(|w| w[1] >= w[0]), "cpu.time never falls");
    assert!(cpu[5] > cpu[0], "cpu.time grows: {cpu:?}");
    assert_eq!(mine[0].sample.vcpus.len(), 2, "two vCPUs");
    assert!(mine[1..].iter().any(|d| d.cpu_percent.is_some()));

    let mut series = DomainSeries::new(HostInfo {
        cpus: 2,
        memory_kib: 1 << 20,
    });
    for d in &mine {
        series.push(&d.sample);
    }
    let cpu_series = series.get(SeriesKey::Cpu).unwrap();
    assert_eq!(cpu_series.len(), 6);
    assert!(
        cpu_series.points().filter_map(|p| p.v).count() >= 4,
        "CPU series has values after the first tick"
    );
    let memory = series
        .get(SeriesKey::MemoryUsed)
        .and_then(|s| s.last())
        .and_then(|p| p.v)
        .expect("memory value");
    assert!(memory > 0.0, "memory in use is non-zero");

    let host: Vec<_> = ticks.iter().filter_map(|t| t.host).collect();
    assert_eq!(host.len(), 6, "host figures in every tick");
    assert!(host.iter().all(|h| h.memory_total_kib > 0));
    assert!(host.iter().all(|h| h.memory_used_kib <= h.memory_total_kib));
    assert!(host[1..].iter().any(|h| h.cpu_percent.is_some()));
}

#[test]
fn one_bulk_call_per_tick_and_none_without_subscribers() {
    const N: usize = 50;
    let d = Libvirtd::shared();
    let uri = d
        .fixture_uri("sampler", &vm::test_node_xml("s", N))
        .unwrap();
    let rt = runtime();
    let handle = SamplerHandle::new();
    handle.set_interval(Duration::from_millis(500));
    let rx = start(&rt, &uri, &handle);

    assert!(
        wait::holds_for(Duration::from_millis(1500), || handle.stats_calls() == 0
            && rx.try_recv().is_err()),
        "no calls and no ticks without subscribers"
    );

    let sub = handle.subscribe(Want::Domains);
    let ticks = collect(&rx, 4, 10);
    assert_eq!(ticks.len(), 4);
    assert!(ticks.iter().all(|t| t.domains.len() == N), "every domain");
    assert!(ticks.iter().all(|t| t.host.is_none()), "no host calls");
    let gaps: Vec<f64> = ticks.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(
        gaps.iter().all(|g| (0.3..1.5).contains(g)),
        "ticks follow the interval: {gaps:?}"
    );
    drop(sub);
    // A tick already under way when the subscriber went finishes; wait until it has.
    let (calls, ticks) = wait::settled(Duration::from_secs(5), Duration::from_millis(200), || {
        (handle.stats_calls(), handle.ticks())
    })
    .expect("call and tick counts settle after the last subscriber went");
    assert_eq!(calls, ticks, "exactly one bulk call per tick");
    assert!((4..=5).contains(&calls), "{calls} calls for 4 ticks");
    while rx.try_recv().is_ok() {}
    assert!(
        wait::holds_for(Duration::from_millis(1500), || handle.stats_calls()
            == calls
            && rx.try_recv().is_err()),
        "calls and ticks stop with the last subscriber"
    );
}

#[test]
fn the_daemon_dispatches_one_stats_call_per_tick() {
    const N: usize = 30;
    let d = Libvirtd::start().unwrap();
    let uri = d.fixture_uri("count", &vm::test_node_xml("c", N)).unwrap();
    let log = Dispatched::enable(&d).unwrap();
    let dispatched_stats_calls = |log: &Dispatched| log.count(dispatched::ALL_DOMAIN_STATS);
    let rt = runtime();
    let handle = SamplerHandle::new();
    handle.set_interval(Duration::from_millis(500));
    let rx = start(&rt, &uri, &handle);
    assert!(
        wait::holds_for(Duration::from_millis(1500), || dispatched_stats_calls(&log)
            == 0),
        "none while nobody subscribes"
    );

    let sub = handle.subscribe(Want::Domains);
    let ticks = collect(&rx, 5, 10);
    drop(sub);
    assert_eq!(ticks.len(), 5);
    assert!(ticks.iter().all(|t| t.domains.len() == N));
    // A tick under way when the subscriber went finishes, and the daemon logs what it
    // dispatched; wait until both counts stop moving.
    let (seen, published) =
        wait::settled(Duration::from_secs(5), Duration::from_millis(300), || {
            (dispatched_stats_calls(&log), handle.ticks())
        })
        .expect("dispatched calls and ticks settle after unsubscribing");
    assert_eq!(
        seen as u64, published,
        "the daemon saw one bulk call per tick for {N} domains"
    );
    assert!(
        wait::holds_for(Duration::from_millis(1500), || dispatched_stats_calls(&log)
            == seen),
        "none after unsubscribing"
    );
}
