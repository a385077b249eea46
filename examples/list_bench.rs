//! Start-up and idle cost of the main window, side by side with virt-manager.
//!
//! Starts a private libvirtd with test-driver fixtures of running domains, puts a counting
//! proxy in front of its socket, and runs each app against it under the current display
//! (run under `xvfb-run`). For each app and fixture size it prints: seconds from start to the
//! full list shown, CPU of the app process over the idle window, its resident memory, and the
//! RPC calls per second it makes while idle; then Hangar's ratios to virt-manager.
//!
//! Hangar reports the moment its list is drawn itself (`HANGAR_BENCH`). virt-manager logs
//! (`--debug`) "Showing manager" once its connection is active with every domain loaded, just
//! before its window is drawn: a moment that precedes its drawing, so the comparison favours
//! virt-manager.
//!
//! usage: xvfb-run -a cargo run --release --example list_bench -- [IDLE_SECS] [SIZES]
//!        (defaults: 60 s, 50,1000)

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

const PROC_DOMAIN_GET_XML_DESC: u32 = 14;

fn main() {
    let mut args = std::env::args().skip(1);
    let idle: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let sizes: Vec<usize> = args
        .next()
        .map(|s| s.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![50, 1000]);
    let daemon = Libvirtd::start().expect("private libvirtd");
    let hangar = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/hangar");
    assert!(hangar.exists(), "build it first: cargo build --release");
    let has_vmm = Command::new("virt-manager")
        .arg("--version")
        .output()
        .is_ok();

    println!(
        "{:<14} {:>6} {:>10} {:>10} {:>9} {:>9}",
        "app", "VMs", "listed s", "idle CPU%", "RSS MiB", "RPC/s"
    );
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
        let h = measure(&daemon, &fixture_path, n, idle, App::Hangar(&hangar));
        print_row("Hangar", n, &h);
        if has_vmm {
            let v = measure(&daemon, &fixture_path, n, idle, App::VirtManager);
            print_row("virt-manager", n, &v);
            println!(
                "ratio (virt-manager / Hangar): listed {:.1}x sooner, idle CPU {}, RSS {:.2}x, RPC {}",
                v.listed / h.listed,
                ratio(v.cpu_percent, h.cpu_percent, 0.01),
                v.rss_mib / h.rss_mib,
                ratio(v.rpc_per_s, h.rpc_per_s, 1.0 / idle as f64),
            );
        } else {
            println!("virt-manager is not installed: no peer figures (apt install virt-manager)");
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
    cpu_percent: f64,
    rss_mib: f64,
    rpc_per_s: f64,
}

fn print_row(app: &str, n: usize, f: &Figures) {
    println!(
        "{app:<14} {n:>6} {:>10.2} {:>10.2} {:>9.0} {:>9.2}",
        f.listed, f.cpu_percent, f.rss_mib, f.rpc_per_s
    );
}

enum App<'a> {
    Hangar(&'a Path),
    VirtManager,
}

fn measure(daemon: &Libvirtd, fixture: &str, n: usize, idle: u64, app: App<'_>) -> Figures {
    let home = tempfile::tempdir().unwrap();
    let proxy = home.path().join("proxy.sock");
    let log: CallLog = Arc::default();
    start_proxy(&proxy, &daemon.socket(), log.clone());
    let uri = format!("test+unix://{fixture}?socket={}", proxy.display());
    let mut cmd = match &app {
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
    let listed = match app {
        App::Hangar(_) => {
            drain(child.stderr.take());
            wait_for_line(child.stdout.take(), "hangar-bench listed")
        }
        App::VirtManager => {
            drain(child.stdout.take());
            let shown = wait_for_line(child.stderr.take(), "Showing manager");
            // Every domain's XML was read before that.
            debug_assert!(wait_for_calls(&log, PROC_DOMAIN_GET_XML_DESC, n).is_some());
            shown
        }
    }
    .map(|t| t.duration_since(start).as_secs_f64())
    .unwrap_or(f64::NAN);
    // Let start-up work settle before the idle window.
    std::thread::sleep(Duration::from_secs(5));
    let pid = child.id();
    let (cpu0, t0) = (cpu_ticks(pid), Instant::now());
    let calls0 = log.lock().unwrap().len();
    std::thread::sleep(Duration::from_secs(idle));
    let secs = t0.elapsed().as_secs_f64();
    let cpu = (cpu_ticks(pid) - cpu0) as f64 / clock_ticks() / secs * 100.0;
    let calls = (log.lock().unwrap().len() - calls0) as f64 / secs;
    let rss = rss_kib(pid) as f64 / 1024.0;
    let _ = child.kill();
    let _ = child.wait();
    Figures {
        listed,
        cpu_percent: cpu,
        rss_mib: rss,
        rpc_per_s: calls,
    }
}

/// Waits for a line containing `needle`, then keeps draining the stream in the background so
/// that the app never blocks on a full pipe.
fn wait_for_line(out: Option<impl Read + Send + 'static>, needle: &str) -> Option<Instant> {
    let mut lines = BufReader::new(out?).lines();
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut found = None;
    while Instant::now() < deadline {
        match lines.next() {
            Some(Ok(line)) if line.contains(needle) => {
                found = Some(Instant::now());
                break;
            }
            Some(Ok(_)) => {}
            _ => break,
        }
    }
    std::thread::spawn(move || for _ in lines {});
    found
}

fn drain(out: Option<impl Read + Send + 'static>) {
    if let Some(mut out) = out {
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    }
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
