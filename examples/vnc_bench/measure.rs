//! What the display benchmarks measure, the same way for any application: frames shown (a
//! damage counter process on its window, see `damage`), CPU seconds per second of its process
//! and of the X server (from /proc), and the frames the source produced meanwhile; medians over
//! runs.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One way of showing the guest's screen.
#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    /// One guest pixel per screen pixel.
    Native,
    /// Scaled to two thirds (1280x720 for 1920x1080).
    Scaled,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Native => "1:1",
            Mode::Scaled => "scaled 2/3",
        }
    }

    /// remote-viewer's zoom option for this mode.
    fn zoom(self) -> &'static str {
        match self {
            Mode::Native => "--zoom=100",
            Mode::Scaled => "--zoom=67",
        }
    }
}

/// A damage counter process watching the window of process `pid`.
pub struct Counter {
    child: Child,
    pub shown: Arc<AtomicU64>,
    size: Arc<std::sync::Mutex<String>>,
}

impl Counter {
    pub fn start(pid: u32) -> Option<Counter> {
        Self::start_titled(pid, None)
    }

    /// Counts the frames of `pid`'s largest window whose name contains `title`, if given.
    pub fn start_titled(pid: u32, title: Option<&str>) -> Option<Counter> {
        let exe = std::env::current_exe().ok()?;
        let mut command = Command::new(exe);
        if let Some(t) = title {
            command.env("BENCH_DAMAGE_TITLE", t);
        }
        let mut child = command
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

    pub fn size(&self) -> String {
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
pub fn cpu_seconds(pid: &str) -> f64 {
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
pub struct Rate {
    /// Frames the server sent per second.
    pub delivered: f64,
    /// Changes of the window per second (DAMAGE).
    pub shown: f64,
    /// CPU s/s of the application's process.
    pub cpu: f64,
    /// CPU s/s of the X server.
    pub x_cpu: f64,
    /// Hangar only: frames GTK's frame clock painted per second and ms per paint.
    pub painted: Option<(f64, f64)>,
    /// The window's size as the counter saw it.
    pub window: String,
}

impl Rate {
    pub fn median(rates: &[&Rate]) -> Rate {
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
            "{:5.1} fps shown, {:5.3} CPU s/s, X {:5.3} CPU s/s, {:5.1} fps delivered",
            self.shown, self.cpu, self.x_cpu, self.delivered
        )?;
        if let Some((painted, ms)) = self.painted {
            write!(f, ", {painted:.1} painted ({ms:.1} ms each)")?;
        }
        write!(f, ", window {}", self.window)
    }
}

/// Runs `during` and returns the rates of process `pid`, whose window `counter` watches.
pub fn measure(pid: &str, served: &AtomicU64, counter: &Counter, during: impl FnOnce()) -> Rate {
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
pub fn run_for(duration: Duration) {
    let ctx = gtk::glib::MainContext::default();
    let done = std::rc::Rc::new(std::cell::Cell::new(false));
    let d = done.clone();
    gtk::glib::timeout_add_local_once(duration, move || d.set(true));
    while !done.get() {
        ctx.iteration(true);
    }
}

/// The pid of the X server (Xvfb), whose CPU time drawing costs too.
pub fn x_server_pid() -> Option<String> {
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

/// Prints the median of each label's rates, in the order the labels first came.
pub fn print_medians(runs: usize, results: &[(String, Rate)]) {
    println!("medians over {} runs:", runs);
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
}

/// Measures `window` of this process (connected and showing) for `seconds`, with the frames
/// GTK's frame clock painted and the time each paint took.
pub fn window(window: &gtk::Window, seconds: u64, served: &AtomicU64) -> Option<Rate> {
    use gtk::prelude::*;
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
    Some(rate)
}

/// Runs `remote-viewer URL` zoomed for `mode` and measures it for `seconds` once its window is
/// up for 3 s.
pub fn remote_viewer(url: &str, mode: Mode, seconds: u64, served: &AtomicU64) -> Option<Rate> {
    let child = Command::new("remote-viewer")
        .arg(mode.zoom())
        .arg(url)
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
