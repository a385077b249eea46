//! Statistics benchmarks against a private libvirtd (needs root, like the tests).
//!
//! `cargo run --release --example stats_bench -- client` : client CPU per sampler tick for
//! 1,000 test-driver domains (one `GET_ALL_DOMAIN_STATS` per tick), and the GTK-thread work
//! of applying a tick to the list's objects; medians over 100 ticks.
//!
//! `xvfb-run -a -s "-screen 0 1280x800x24" cargo run --release --example stats_bench -- app
//! [SECONDS]` : CPU of the real app (`target/release/hangar`) showing 100 running domains with
//! sparklines at 1 Hz, and of virt-manager on the same daemon at its default 3 s polling, both
//! read from /proc/PID/stat over SECONDS (60 by default). `HANGAR_BIN` picks another binary.
//! The test driver reports only the state group, so its rows' sparklines stay empty (they are
//! still redrawn each tick); the client figures add a parse of real QEMU-sized records.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may stop at the first failure

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hangar::session::model::{VmState, VmSummary};
use hangar::session::sampler::{self, SamplerHandle, SamplerState};
use hangar::session::series::{DomainSeries, HostInfo};
use testbed::{Libvirtd, vm};

/// CPU time of the calling thread, from the scheduler's own account (ns resolution).
fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/sched").unwrap_or_default();
    let ms = text
        .lines()
        .find(|l| l.starts_with("se.sum_exec_runtime"))
        .and_then(|l| l.split(':').nth(1))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    Duration::from_secs_f64(ms / 1000.0)
}

/// utime + stime of a process (and its reaped children are not counted), in seconds.
fn process_cpu(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the state field.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn client() {
    const N: usize = 1000;
    const TICKS: usize = 100;
    let d = Libvirtd::shared();
    let uri = d.fixture_uri("bench", &vm::test_node_xml("b", N)).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let conn = rt
        .block_on(virt_client::Connection::open(&uri))
        .expect("connect");
    let handle = SamplerHandle::new();
    let mut state = SamplerState::default();
    let mut cpu_ms = Vec::new();
    let mut wall_ms = Vec::new();
    let mut build_us = Vec::new();
    let mut series_us = Vec::new();
    let mut series: Vec<DomainSeries> = (0..N)
        .map(|_| {
            DomainSeries::new(HostInfo {
                cpus: 4,
                memory_kib: 4 << 20,
            })
        })
        .collect();
    // The GTK thread's share: CPU figures into the list's objects (no rows on screen here;
    // only the visible rows redraw in the app).
    let first = rt
        .block_on(sampler::sample(&conn, &handle, &mut state))
        .expect("tick");
    let test_fields = stats_fields(&rt, &conn);
    let list = hangar::ui::vm_list::ConnectionObject::new(&uri, "bench");
    let summaries: Vec<VmSummary> = first
        .domains
        .iter()
        .enumerate()
        .map(|(i, d)| VmSummary {
            uuid: d.uuid.clone(),
            name: format!("b-{i}"),
            title: None,
            state: VmState::Running,
            vcpus: 1,
            memory_kib: 131072,
            persistent: true,
            autostart: false,
            has_managed_save: false,
        })
        .collect();
    list.set_vms(&summaries);
    let hub = hangar::ui::stats::HostStats::open(&uri);
    let mut apply_us = Vec::new();
    let calls0 = handle.stats_calls();
    for i in 0..TICKS + 5 {
        let (c0, w0) = (thread_cpu(), Instant::now());
        let tick = rt
            .block_on(sampler::sample(&conn, &handle, &mut state))
            .expect("tick");
        let (c1, w1) = (thread_cpu(), Instant::now());
        assert_eq!(tick.domains.len(), N);
        let tick_at = tick.at;
        // Turning an already decoded reply into a tick, alone.
        let stats = rt
            .block_on(conn.all_domain_stats(&[], sampler::STATS_GROUPS, 0))
            .unwrap();
        let b0 = Instant::now();
        let again = sampler::build_tick(tick_at + 0.5, &stats, None, &mut state);
        let b1 = Instant::now();
        // What a view keeping full series for every domain would add per tick.
        for (s, d) in series.iter_mut().zip(&again.domains) {
            s.push(&d.sample);
        }
        let b2 = Instant::now();
        let shared = std::sync::Arc::new(tick);
        hub.apply(&shared, Some(&list));
        let b3 = Instant::now();
        if i >= 5 {
            cpu_ms.push((c1 - c0).as_secs_f64() * 1e3);
            wall_ms.push((w1 - w0).as_secs_f64() * 1e3);
            build_us.push((b1 - b0).as_secs_f64() * 1e6);
            series_us.push((b2 - b1).as_secs_f64() * 1e6);
            apply_us.push((b3 - b2).as_secs_f64() * 1e6);
        }
    }
    // Each iteration made one sampler tick (and one direct call, not counted).
    let sampler_calls = handle.stats_calls() - calls0;
    println!("client: {N} domains, {TICKS} ticks (after 5 warm-up), current-thread runtime");
    println!(
        "  sampler tick: client CPU median {:.3} ms (target <= 2 ms), wall median {:.3} ms",
        median(cpu_ms.clone()),
        median(wall_ms)
    );
    println!(
        "  of which parsing a decoded reply into samples: median {:.0} us",
        median(build_us)
    );
    println!(
        "  pushing {N} samples into full DomainSeries (not done by the app): median {:.0} us",
        median(series_us)
    );
    println!(
        "  GTK thread: applying a tick to {N} list objects: median {:.0} us",
        median(apply_us)
    );
    println!(
        "  GET_ALL_DOMAIN_STATS calls by the sampler: {sampler_calls} for {} ticks = {:.2} per tick",
        TICKS + 5,
        sampler_calls as f64 / (TICKS + 5) as f64
    );
    println!("  ratio to target: {:.2}", median(cpu_ms) / 2.0);
    rt.block_on(async { conn.close().await.ok() });
    realistic_parse(&rt, d, test_fields);
}

fn stats_fields(rt: &tokio::runtime::Runtime, conn: &virt_client::Connection) -> usize {
    rt.block_on(conn.all_domain_stats(&[], sampler::STATS_GROUPS, 0))
        .ok()
        .and_then(|s| s.first().map(|r| r.params.len()))
        .unwrap_or(0)
}

/// The test driver reports only the state group; a running QEMU domain reports every group.
/// Parses a real QEMU record's fields 1,000 times to show the per-tick parse cost at that size.
fn realistic_parse(rt: &tokio::runtime::Runtime, d: &Libvirtd, test_fields: usize) {
    let qemu = d.qemu_uri();
    let name = testbed::unique_name("bench");
    let xml = std::env::temp_dir().join(format!("{name}.xml"));
    std::fs::write(&xml, vm::tiny_xml(&name)).unwrap();
    if d.virsh(&qemu, &["create", xml.to_str().unwrap()]).is_err() {
        println!("  (no QEMU domain could start: realistic parse skipped)");
        return;
    }
    let _ = std::fs::remove_file(&xml);
    let conn = rt
        .block_on(virt_client::Connection::open(&qemu))
        .expect("connect");
    std::thread::sleep(Duration::from_secs(3));
    let records = rt
        .block_on(conn.all_domain_stats(&[], sampler::STATS_GROUPS, 0))
        .unwrap();
    let _ = d.virsh(&qemu, &["destroy", &name]);
    let Some(record) = records.iter().find(|r| r.domain.name() == name) else {
        return;
    };
    let mut runs = Vec::new();
    for i in 0..30 {
        let t = Instant::now();
        for _ in 0..1000 {
            std::hint::black_box(sampler::domain_sample(f64::from(i), &record.params));
        }
        runs.push(t.elapsed().as_secs_f64() * 1e6);
    }
    println!(
        "  fields per record: test driver {test_fields}, running QEMU domain {}",
        record.params.len()
    );
    println!(
        "  parsing 1,000 QEMU-sized records into samples: median {:.0} us",
        median(runs)
    );
    rt.block_on(async { conn.close().await.ok() });
}

fn spawn_logged(mut cmd: Command, name: &str) -> Child {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd.spawn()
        .unwrap_or_else(|e| panic!("cannot start {name}: {e}"))
}

/// Saves the whole (virtual) screen as `name`.png under target/tmp, if ImageMagick is there.
fn screenshot(name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}.png"));
    let ok = Command::new("import")
        .args(["-window", "root"])
        .arg(&path)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        println!("  screen: {}", path.display());
    }
}

/// CPU share of one core used by `pid` over `secs`, after `warmup`.
fn measure(pid: u32, warmup: Duration, secs: u64) -> Option<f64> {
    std::thread::sleep(warmup);
    let a = process_cpu(pid)?;
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let b = process_cpu(pid)?;
    Some((b - a) / t.elapsed().as_secs_f64() * 100.0)
}

fn app(secs: u64) {
    const N: usize = 100;
    let d = Libvirtd::shared();
    let uri = d
        .fixture_uri("appbench", &vm::test_node_xml("a", N))
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let target = std::env::var_os("HANGAR_BIN").map_or_else(
        || {
            exe.ancestors()
                .nth(2)
                .expect("target/<profile>/examples")
                .join("hangar")
        },
        std::path::PathBuf::from,
    );
    let mut hangar = Command::new(&target);
    hangar
        .args(["--connect", &uri])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("GSETTINGS_BACKEND", "memory");
    let mut child = spawn_logged(hangar, "hangar");
    let ours = measure(child.id(), Duration::from_secs(8), secs);
    println!("app: {N} running domains, sparklines at 1 Hz, {secs} s");
    screenshot("bench-hangar");
    let _ = child.kill();
    let _ = child.wait();
    match ours {
        Some(p) => println!("  hangar: {p:.2}% of one core (target <= 3%)"),
        None => println!("  hangar: exited early ({})", target.display()),
    }

    let mut vmm = Command::new("virt-manager");
    vmm.args(["--connect", &uri, "--no-fork"])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("vmm-config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("GSETTINGS_BACKEND", "memory");
    match vmm.stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
        Ok(mut child) => {
            let theirs = measure(child.id(), Duration::from_secs(15), secs);
            screenshot("bench-virt-manager");
            let _ = child.kill();
            let _ = child.wait();
            match (ours, theirs) {
                (Some(a), Some(b)) => {
                    println!("  virt-manager (3 s polling): {b:.2}% of one core");
                    println!("  ratio hangar / virt-manager: {:.2}", a / b);
                }
                (_, None) => println!("  virt-manager exited early"),
                _ => {}
            }
        }
        Err(e) => println!("  virt-manager not run: {e}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("app") => app(args.get(1).and_then(|s| s.parse().ok()).unwrap_or(60)),
        Some("client") | None => client(),
        Some(other) => eprintln!("usage: stats_bench [client | app [SECONDS]] (not {other})"),
    }
}
