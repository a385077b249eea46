//! Throughput of the VNC display: a streaming RFB server (a child process sending a new
//! full-screen raw frame for every update request) and the widget in a window, 1:1 and scaled
//! to two thirds. With `--remote-viewer`, the same for virt-viewer's `remote-viewer` (gtk-vnc)
//! on the same server, alternating with ours. For both, frames shown are counted the same way
//! (the X server's DAMAGE reports on the app's window, from a separate counter process) and
//! CPU seconds per second of the app's process and of the X server come from /proc; the
//! medians over `--runs` runs close the output.
//!
//! Run under a display big enough for remote-viewer's window at 1:1, e.g.:
//! `GSK_RENDERER=cairo xvfb-run -a -s "-screen 0 2560x1600x24" cargo run --release --example vnc_bench -- --seconds 10 --runs 3 --remote-viewer`

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use gtk::prelude::*;
use hangar::widgets::vnc_display::{Scaling, VncDisplay};

#[path = "vnc_bench/damage.rs"]
mod damage;
#[path = "vnc_bench/server.rs"]
mod server;

struct Args {
    seconds: u64,
    runs: usize,
    width: u16,
    height: u16,
    remote_viewer: bool,
    serve: bool,
    /// Each update is a 256x128 rectangle at a moving place instead of the whole screen.
    partial: bool,
    count_damage: Option<u32>,
    /// Only this mode ("native" or "scaled").
    only: Option<String>,
}

fn parse_args() -> Args {
    let mut args = Args {
        seconds: 10,
        runs: 3,
        width: 1920,
        height: 1080,
        remote_viewer: false,
        serve: false,
        partial: false,
        count_damage: None,
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => args.seconds = it.next().and_then(|v| v.parse().ok()).unwrap_or(10),
            "--runs" => args.runs = it.next().and_then(|v| v.parse().ok()).unwrap_or(3),
            "--size" => {
                if let Some((w, h)) = it.next().as_deref().and_then(|v| v.split_once('x')) {
                    args.width = w.parse().unwrap_or(1920);
                    args.height = h.parse().unwrap_or(1080);
                }
            }
            "--remote-viewer" => args.remote_viewer = true,
            "--serve" => args.serve = true,
            "--partial" => args.partial = true,
            "--only" => args.only = it.next(),
            "--count-damage" => args.count_damage = it.next().and_then(|v| v.parse().ok()),
            other => eprintln!("ignoring argument {other}"),
        }
    }
    args
}

/// One way of showing the guest's screen.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// One guest pixel per screen pixel.
    Native,
    /// Scaled to two thirds (1280x720 for 1920x1080).
    Scaled,
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Native => "1:1",
            Mode::Scaled => "scaled 2/3",
        }
    }
}

fn main() {
    let args = parse_args();
    if args.serve {
        server::serve(args.width, args.height, args.partial);
        return;
    }
    if let Some(pid) = args.count_damage {
        damage::count(pid);
        return;
    }
    let (mut server, port, served) = start_server(&args);
    println!(
        "server: {}x{} raw {}, a new one for every update request; {} runs of {} s",
        args.width,
        args.height,
        if args.partial {
            "256x128 rectangles"
        } else {
            "frames"
        },
        args.runs,
        args.seconds
    );
    println!(
        "renderer: GSK_RENDERER={}",
        std::env::var("GSK_RENDERER").unwrap_or_else(|_| "(default)".into())
    );
    println!(
        "shown = changes of the app's window as the X server's DAMAGE extension reports them; \
         CPU = user+system s/s of the app's process; X = the X server's"
    );
    if gtk::init().is_err() {
        eprintln!("no display: run under xvfb-run");
        std::process::exit(1);
    }
    let full = (i32::from(args.width), i32::from(args.height));
    let mut results: Vec<(String, Rate)> = Vec::new();
    for run in 0..args.runs {
        for mode in [Mode::Native, Mode::Scaled] {
            let name = if mode == Mode::Native {
                "native"
            } else {
                "scaled"
            };
            if args.only.as_deref().is_some_and(|o| o != name) {
                continue;
            }
            let size = match mode {
                Mode::Native => full,
                Mode::Scaled => (full.0 * 2 / 3, full.1 * 2 / 3),
            };
            let label = format!("hangar {}", mode.label());
            if let Some(r) = bench_widget(port, size, args.seconds, &served) {
                println!("run {run}: {label}: {r}");
                results.push((label, r));
            }
            if args.remote_viewer {
                let label = format!("remote-viewer {}", mode.label());
                if let Some(r) = bench_remote_viewer(port, mode, args.seconds, &served) {
                    println!("run {run}: {label}: {r}");
                    results.push((label, r));
                }
            }
        }
    }
    println!("medians over {} runs:", args.runs);
    let mut labels: Vec<&String> = results.iter().map(|(l, _)| l).collect();
    labels.dedup();
    let mut seen = Vec::new();
    for label in labels {
        if seen.contains(&label) {
            continue;
        }
        seen.push(label);
        let rates: Vec<&Rate> = results
            .iter()
            .filter(|(l, _)| l == label)
            .map(|(_, r)| r)
            .collect();
        println!("  {label:<26} {}", Rate::median(&rates));
    }
    let _ = server.kill();
    let _ = server.wait();
}

fn start_server(args: &Args) -> (Child, u16, Arc<AtomicU64>) {
    let exe = std::env::current_exe().unwrap_or_else(|_| "vnc_bench".into());
    let mut child = Command::new(exe)
        .args([
            "--serve",
            "--size",
            &format!("{}x{}", args.width, args.height),
            if args.partial { "--partial" } else { "--serve" },
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the server: {e}"));
    let stdout = child
        .stdout
        .take()
        .unwrap_or_else(|| panic!("no server stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let port: u16 = lines
        .next()
        .and_then(Result::ok)
        .and_then(|l| l.strip_prefix("port ").and_then(|p| p.parse().ok()))
        .unwrap_or_else(|| panic!("the server did not say its port"));
    let served = Arc::new(AtomicU64::new(0));
    let s = served.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("served ").and_then(|n| n.parse().ok()) {
                s.store(n, Ordering::Relaxed);
            }
        }
    });
    (child, port, served)
}

/// A damage counter process watching the window of process `pid`.
struct Counter {
    child: Child,
    shown: Arc<AtomicU64>,
    size: Arc<std::sync::Mutex<String>>,
}

impl Counter {
    fn start(pid: u32) -> Option<Counter> {
        let exe = std::env::current_exe().ok()?;
        let mut child = Command::new(exe)
            .args(["--count-damage", &pid.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let stdout = child.stdout.take()?;
        let shown = Arc::new(AtomicU64::new(0));
        let size = Arc::new(std::sync::Mutex::new(String::new()));
        let (s, z) = (shown.clone(), size.clone());
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let mut parts = line.split_whitespace().skip(1);
                if let Some(n) = parts.next().and_then(|n| n.parse().ok()) {
                    s.store(n, Ordering::Relaxed);
                }
                if let (Some(wh), Ok(mut z)) = (parts.next(), z.lock()) {
                    *z = wh.to_owned();
                }
            }
        });
        Some(Counter { child, shown, size })
    }

    fn size(&self) -> String {
        self.size.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU seconds (user + system) of process `pid` from /proc (clock ticks of 1/100 s).
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / 100.0
}

/// Rates over one measurement.
#[derive(Clone, Default)]
struct Rate {
    /// Frames the server sent per second.
    delivered: f64,
    /// Changes of the window per second (DAMAGE).
    shown: f64,
    /// CPU s/s of the application's process.
    cpu: f64,
    /// CPU s/s of the X server.
    x_cpu: f64,
    /// Hangar only: frames GTK's frame clock painted per second and ms per paint.
    painted: Option<(f64, f64)>,
    /// The window's size as the counter saw it.
    window: String,
}

impl Rate {
    fn median(rates: &[&Rate]) -> Rate {
        let med = |f: &dyn Fn(&Rate) -> f64| {
            let mut v: Vec<f64> = rates.iter().map(|r| f(r)).collect();
            v.sort_by(f64::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(0.0)
        };
        Rate {
            delivered: med(&|r| r.delivered),
            shown: med(&|r| r.shown),
            cpu: med(&|r| r.cpu),
            x_cpu: med(&|r| r.x_cpu),
            painted: rates.first().and_then(|r| r.painted).map(|_| {
                (
                    med(&|r| r.painted.map_or(0.0, |p| p.0)),
                    med(&|r| r.painted.map_or(0.0, |p| p.1)),
                )
            }),
            window: rates.first().map(|r| r.window.clone()).unwrap_or_default(),
        }
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:5.1} fps shown, {:5.2} CPU s/s, X {:4.2} CPU s/s, {:5.1} fps delivered",
            self.shown, self.cpu, self.x_cpu, self.delivered
        )?;
        if let Some((painted, ms)) = self.painted {
            write!(f, ", {painted:.1} painted ({ms:.1} ms each)")?;
        }
        write!(f, ", window {}", self.window)
    }
}

/// Runs `during` and returns the rates of process `pid`, whose window `counter` watches.
fn measure(pid: &str, served: &AtomicU64, counter: &Counter, during: impl FnOnce()) -> Rate {
    let xpid = x_server_pid().unwrap_or_default();
    let (cpu0, x0, f0, s0, t0) = (
        cpu_seconds(pid),
        cpu_seconds(&xpid),
        served.load(Ordering::Relaxed),
        counter.shown.load(Ordering::Relaxed),
        Instant::now(),
    );
    during();
    let seconds = t0.elapsed().as_secs_f64();
    Rate {
        delivered: (served.load(Ordering::Relaxed) - f0) as f64 / seconds,
        shown: (counter.shown.load(Ordering::Relaxed) - s0) as f64 / seconds,
        cpu: (cpu_seconds(pid) - cpu0) / seconds,
        x_cpu: (cpu_seconds(&xpid) - x0) / seconds,
        painted: None,
        window: counter.size(),
    }
}

/// Runs the GLib main loop (blocking in poll, as an application does) for `duration`.
fn run_for(duration: Duration) {
    let ctx = gtk::glib::MainContext::default();
    let done = std::rc::Rc::new(std::cell::Cell::new(false));
    let d = done.clone();
    gtk::glib::timeout_add_local_once(duration, move || d.set(true));
    while !done.get() {
        ctx.iteration(true);
    }
}

/// The pid of the X server (Xvfb), whose CPU time drawing costs too.
fn x_server_pid() -> Option<String> {
    let display = std::env::var("DISPLAY").ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let name = e.file_name().into_string().ok()?;
        let comm = std::fs::read_to_string(e.path().join("comm")).ok()?;
        let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
        let ours = cmdline
            .split(|&b| b == 0)
            .any(|arg| arg == display.as_bytes());
        ((comm.trim() == "Xvfb" || comm.trim() == "Xorg") && ours).then_some(name)
    })
}

fn bench_widget(port: u16, (w, h): (i32, i32), seconds: u64, served: &AtomicU64) -> Option<Rate> {
    let display = VncDisplay::new();
    display.set_scaling(Scaling::Fit);
    let window = gtk::Window::builder()
        .default_width(w)
        .default_height(h)
        .decorated(false)
        .child(&display)
        .build();
    window.present();
    if display.open_host("127.0.0.1", port).is_err() {
        eprintln!("cannot open the connection");
        return None;
    }
    run_for(Duration::from_secs(2));
    let counter = Counter::start(std::process::id())?;
    run_for(Duration::from_millis(500));
    let Some(clock) = window.frame_clock() else {
        eprintln!("no frame clock");
        return None;
    };
    let paints = Arc::new(AtomicU64::new(0));
    let p = paints.clone();
    let id = clock.connect_paint(move |_| {
        p.fetch_add(1, Ordering::Relaxed);
    });
    // Time from the start of a frame's paint phase to its end (snapshot and render).
    let painting = std::rc::Rc::new(std::cell::RefCell::new((None::<Instant>, Duration::ZERO)));
    let pt = painting.clone();
    let before = clock.connect_before_paint(move |_| pt.borrow_mut().0 = Some(Instant::now()));
    let pt = painting.clone();
    let after = clock.connect_after_paint(move |_| {
        let mut p = pt.borrow_mut();
        if let Some(t) = p.0.take() {
            p.1 += t.elapsed();
        }
    });
    let t0 = Instant::now();
    let mut rate = measure("self", served, &counter, || {
        run_for(Duration::from_secs(seconds))
    });
    let elapsed = t0.elapsed().as_secs_f64();
    clock.disconnect(id);
    clock.disconnect(before);
    clock.disconnect(after);
    let painted = paints.load(Ordering::Relaxed);
    let paint_ms = painting.borrow().1.as_secs_f64() * 1000.0 / painted.max(1) as f64;
    rate.painted = Some((painted as f64 / elapsed, paint_ms));
    drop(counter);
    display.close();
    window.destroy();
    run_for(Duration::from_millis(500));
    Some(rate)
}

fn bench_remote_viewer(port: u16, mode: Mode, seconds: u64, served: &AtomicU64) -> Option<Rate> {
    let zoom = match mode {
        Mode::Native => "--zoom=100",
        Mode::Scaled => "--zoom=67",
    };
    let child = Command::new("remote-viewer")
        .arg(zoom)
        .arg(format!("vnc://127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            println!("remote-viewer: not run ({e})");
            return None;
        }
    };
    let counter = Counter::start(child.id());
    std::thread::sleep(Duration::from_secs(3));
    let pid = child.id().to_string();
    let rate = counter.as_ref().map(|counter| {
        measure(&pid, served, counter, || {
            std::thread::sleep(Duration::from_secs(seconds));
        })
    });
    drop(counter);
    let _ = child.kill();
    let _ = child.wait();
    rate
}
