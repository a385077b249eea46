//! Start-up and idle cost of the main window, side by side with virt-manager.
//!
//! Starts a private libvirtd with test-driver fixtures of running domains, puts a counting
//! proxy in front of its socket, and runs each app against it under the current display
//! (run under `xvfb-run`). For each app and fixture size it prints: seconds from start to the
//! full list shown, CPU of the app process over the idle window, its resident memory, and the
//! RPC calls per second it makes while idle; then Hangar's ratios to virt-manager.
//!
//! "Full list shown" is measured the same way for both apps: the first paint on the display
//! (an X DAMAGE report on the root window, see `list_bench/damage.rs`) after the moment the
//! app's list model holds every domain. That moment is, for Hangar, its `hangar-bench
//! list-applied` line (`HANGAR_BENCH`); for virt-manager 4.1, its `--debug` line "Showing
//! manager". virt-manager opens the connection given by `--connect` first and shows its
//! manager window only on the connection's "open-completed" signal, which it emits after every
//! polled object is initialised and listed by the connection; the manager has every domain's
//! row in its model by then (from "vm-added", or from the connection's list when the manager
//! is made), and the window is then presented (and the line logged) but not yet drawn, so its
//! first paint after the line is the full list. If that first paint were only the X
//! server clearing a newly mapped window, it would count in virt-manager's favour.
//!
//! Each app is started RUNS times per fixture, alternating, and the medians are printed; the
//! first start of each also measures the idle figures. Hangar's own start-up stage marks
//! (milliseconds from its `main`; see `src/startup.rs`) are printed as medians too, with the
//! benchmark's two moments (from the spawn) at the end.
//!
//! Both apps run with `GSK_RENDERER=cairo` (GTK 3's virt-manager ignores it). Without a session
//! bus, GLib starts one (dbus-launch) on first use in each app; run the whole benchmark under
//! `dbus-run-session` to give both the bus a desktop session has.
//!
//! usage: xvfb-run -a cargo run --release --example list_bench -- [IDLE_SECS] [SIZES] [RUNS]
//!        (defaults: 60 s, 50,1000, 5 starts)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use testbed::{Libvirtd, vm};

/// `(when, procedure)` of every CALL the proxy forwarded.
type CallLog = Arc<Mutex<Vec<(Instant, u32)>>>;

#[path = "list_bench/damage.rs"]
mod damage;

const PROC_DOMAIN_GET_XML_DESC: u32 = 14;

fn main() {
    let mut args = std::env::args().skip(1);
    let idle: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let sizes: Vec<usize> = args
        .next()
        .map(|s| s.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![50, 1000]);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5).max(1);
    let paints = damage::watch().expect("an X display with DAMAGE (run under xvfb-run)");
    let daemon = Libvirtd::start().expect("private libvirtd");
    let hangar = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/hangar");
    assert!(hangar.exists(), "build it first: cargo build --release");
    let has_vmm = Command::new("virt-manager")
        .arg("--version")
        .output()
        .is_ok();
    let mut apps = vec![("Hangar", App::Hangar(&hangar))];
    if has_vmm {
        apps.push(("virt-manager", App::VirtManager));
    } else {
        println!("virt-manager is not installed: no peer figures (apt install virt-manager)");
    }

    for &n in &sizes {
        let fixture = daemon
            .fixture_uri(&format!("b{n}"), &vm::test_node_xml("bench", n))
            .unwrap();
        let fixture_path = fixture
            .trim_start_matches("test+unix://")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        // Starts alternate between the apps so that both see the same load; the first start
        // of each also measures the idle figures.
        let mut all: Vec<Vec<Figures>> = apps.iter().map(|_| Vec::new()).collect();
        for run in 0..runs {
            for (i, (_, app)) in apps.iter().enumerate() {
                let idle = if run == 0 { idle } else { 0 };
                all[i].push(measure(&daemon, &fixture_path, n, idle, app, &paints));
            }
        }
        println!("\n{n} VMs, {runs} starts each (medians; idle figures from the first start)");
        println!(
            "{:<14} {:>10} {:>10} {:>10} {:>9} {:>9}",
            "app", "in model s", "listed s", "idle CPU%", "RSS MiB", "RPC/s"
        );
        let rows: Vec<Figures> = all.iter().map(|f| summary(f)).collect();
        for ((name, _), f) in apps.iter().zip(&rows) {
            print_row(name, f);
        }
        print_stages(&all[0]);
        if let [h, v] = &rows[..] {
            println!(
                "ratio (virt-manager / Hangar): listed {:.1}x sooner, idle CPU {}, RSS {:.2}x, RPC {}",
                v.listed / h.listed,
                ratio(v.cpu_percent, h.cpu_percent, 0.01),
                v.rss_mib / h.rss_mib,
                ratio(v.rpc_per_s, h.rpc_per_s, 1.0 / idle.max(1) as f64),
            );
        }
    }
}

/// `a / b`, or `>= a / floor` when `b` is below what the window can measure.
fn ratio(a: f64, b: f64, floor: f64) -> String {
    if b < floor {
        format!(">= {:.0}x", a / floor)
    } else {
        format!("{:.1}x", a / b)
    }
}

struct Figures {
    listed: f64,
    in_model: f64,
    cpu_percent: f64,
    rss_mib: f64,
    rpc_per_s: f64,
    /// Hangar's own stage marks (ms from its `main`) and the benchmark's (ms from the start).
    stages: Vec<(String, f64)>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| !x.is_nan());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Medians of the start-up times; the idle figures of the first start.
fn summary(runs: &[Figures]) -> Figures {
    Figures {
        listed: median(runs.iter().map(|f| f.listed).collect()),
        in_model: median(runs.iter().map(|f| f.in_model).collect()),
        cpu_percent: runs[0].cpu_percent,
        rss_mib: runs[0].rss_mib,
        rpc_per_s: runs[0].rpc_per_s,
        stages: Vec::new(),
    }
}

fn print_row(app: &str, f: &Figures) {
    println!(
        "{app:<14} {:>10.3} {:>10.3} {:>10.2} {:>9.0} {:>9.2}",
        f.in_model, f.listed, f.cpu_percent, f.rss_mib, f.rpc_per_s
    );
}

/// Hangar's start-up stages: the median of each over the starts, in order.
fn print_stages(runs: &[Figures]) {
    let Some(first) = runs.first() else { return };
    let names: Vec<&str> = first.stages.iter().map(|(s, _)| s.as_str()).collect();
    let line: Vec<String> = names
        .iter()
        .map(|name| {
            let ms = median(
                runs.iter()
                    .flat_map(|f| f.stages.iter().filter(|(s, _)| s == name).map(|(_, v)| *v))
                    .collect(),
            );
            format!("{name} {ms:.0}")
        })
        .collect();
    println!("Hangar stages (ms, median): {}", line.join(", "));
}

enum App<'a> {
    Hangar(&'a Path),
    VirtManager,
}

/// Lines an app printed, each with the moment it was read.
type Lines = Arc<Mutex<Vec<(Instant, String)>>>;

/// One start of `app`: the time to its full list shown; then, when `idle` is non-zero, its
/// idle figures over `idle` seconds.
fn measure(
    daemon: &Libvirtd,
    fixture: &str,
    n: usize,
    idle: u64,
    app: &App<'_>,
    paints: &damage::Paints,
) -> Figures {
    let home = tempfile::tempdir().unwrap();
    let proxy = home.path().join("proxy.sock");
    let log: CallLog = Arc::default();
    start_proxy(&proxy, &daemon.socket(), log.clone());
    let uri = format!("test+unix://{fixture}?socket={}", proxy.display());
    let mut cmd = match app {
        App::Hangar(bin) => {
            let mut c = Command::new(bin);
            c.arg("--connect").arg(&uri).env("HANGAR_BENCH", "1");
            c
        }
        App::VirtManager => {
            let mut c = Command::new("virt-manager");
            c.args(["--no-fork", "--debug", "--connect", &uri]);
            c
        }
    };
    cmd.env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("GSK_RENDERER", "cairo")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("start app");
    let (out, err) = (collect(child.stdout.take()), collect(child.stderr.take()));
    // The moment the app's list model holds every domain, as the app itself says.
    let complete = match app {
        App::Hangar(_) => wait_for_line(&out, "hangar-bench list-applied"),
        App::VirtManager => {
            let shown = wait_for_line(&err, "Showing manager");
            // Every domain's XML was read before that.
            debug_assert!(wait_for_calls(&log, PROC_DOMAIN_GET_XML_DESC, n).is_some());
            shown
        }
    };
    // The list is shown by the first paint after that.
    let painted = complete.and_then(|t| damage::first_after(paints, t, Duration::from_secs(60)));
    let secs = |t: Option<Instant>| t.map_or(f64::NAN, |t| t.duration_since(start).as_secs_f64());
    let listed = secs(painted);
    let in_model = secs(complete);
    let mut figures = Figures {
        listed,
        in_model,
        cpu_percent: f64::NAN,
        rss_mib: f64::NAN,
        rpc_per_s: f64::NAN,
        stages: Vec::new(),
    };
    if idle > 0 {
        // Let start-up work settle before the idle window.
        std::thread::sleep(Duration::from_secs(5));
        let pid = child.id();
        let (cpu0, t0) = (cpu_ticks(pid), Instant::now());
        let calls0 = log.lock().unwrap().len();
        std::thread::sleep(Duration::from_secs(idle));
        let secs = t0.elapsed().as_secs_f64();
        figures.cpu_percent = (cpu_ticks(pid) - cpu0) as f64 / clock_ticks() / secs * 100.0;
        figures.rpc_per_s = (log.lock().unwrap().len() - calls0) as f64 / secs;
        figures.rss_mib = rss_kib(pid) as f64 / 1024.0;
    } else {
        // Let the last paints land before the next start.
        std::thread::sleep(Duration::from_millis(300));
    }
    // Read after the waits above, so that the marks printed after the paint are in.
    let mut stages: Vec<(String, f64)> = out
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(_, l)| {
            let mut w = l.strip_prefix("hangar-bench ")?.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.parse().ok()?))
        })
        .collect();
    stages.push(("in model (bench)".into(), in_model * 1000.0));
    stages.push(("painted (bench)".into(), listed * 1000.0));
    figures.stages = stages;
    let _ = child.kill();
    let _ = child.wait();
    figures
}

/// Reads `out` line by line in the background, keeping every line with when it was read.
fn collect(out: Option<impl Read + Send + 'static>) -> Lines {
    let lines: Lines = Arc::default();
    if let Some(out) = out {
        let log = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                log.lock().unwrap().push((Instant::now(), line));
            }
        });
    }
    lines
}

/// When the first line containing `needle` was read, waiting up to 300 s for it.
fn wait_for_line(lines: &Lines, needle: &str) -> Option<Instant> {
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline {
        if let Some((t, _)) = lines
            .lock()
            .unwrap()
            .iter()
            .find(|(_, l)| l.contains(needle))
        {
            return Some(*t);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    None
}

fn wait_for_calls(log: &CallLog, proc_: u32, n: usize) -> Option<Instant> {
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline {
        {
            let log = log.lock().unwrap();
            let hits: Vec<Instant> = log
                .iter()
                .filter(|(_, p)| *p == proc_)
                .map(|(t, _)| *t)
                .collect();
            if hits.len() >= n {
                return hits.get(n - 1).copied();
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// A unix-socket proxy in front of the daemon that logs each CALL's procedure.
fn start_proxy(path: &Path, daemon: &Path, log: CallLog) {
    let listener = UnixListener::bind(path).unwrap();
    let daemon = daemon.to_path_buf();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = UnixStream::connect(&daemon) else {
                continue;
            };
            let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || pipe(s2, c2, None));
            let log = log.clone();
            std::thread::spawn(move || pipe(client, server, Some(log)));
        }
    });
}

fn pipe(mut from: UnixStream, mut to: UnixStream, log: Option<CallLog>) {
    let mut len = [0u8; 4];
    loop {
        if from.read_exact(&mut len).is_err() {
            break;
        }
        let total = u32::from_be_bytes(len) as usize;
        let mut body = vec![0u8; total.saturating_sub(4)];
        if from.read_exact(&mut body).is_err() {
            break;
        }
        if let Some(log) = &log
            && body.len() >= 16
        {
            let proc_ = u32::from_be_bytes([body[8], body[9], body[10], body[11]]);
            let type_ = u32::from_be_bytes([body[12], body[13], body[14], body[15]]);
            if type_ == 0 {
                log.lock().unwrap().push((Instant::now(), proc_));
            }
        }
        if to
            .write_all(&len)
            .and_then(|()| to.write_all(&body))
            .is_err()
        {
            break;
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Both);
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // fields 14 and 15 (utime, stime) are at 11 and 12 after the command name
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as f64 } else { 100.0 }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
