//! Main-loop stalls of the app under load, against a private libvirtd (needs root, like the
//! tests; run under `xvfb-run -a -s "-screen 0 1280x800x24"` with `GSK_RENDERER=cairo`).
//!
//! `cargo run --release --example stall_bench -- drive` : the main window on 1,000 test-driver
//! VMs, then searches, sorts, a full selection, bursts of list updates (every VM forced off,
//! then run), VM windows opened and walked through every page (overview, console,
//! performance, pinning, hardware); `drive --lists` stops after the list phases. A 5 ms GLib
//! timeout measures how late the main loop runs it: the longest stall (target ≤ 50 ms), the
//! median, the 99th percentile and how many stalls passed 50 ms, per phase. On a busy machine
//! a stall is partly time the main thread waited for a core: each phase also says how much of
//! its longest stall the main thread spent on a core, and the longest such on-core time of any
//! stall.
//!
//! `cargo run --release --example stall_bench -- soak [--minutes M]` : with the window open on
//! the test driver's shared default node, another connection defines, starts, destroys and
//! undefines VMs at about 20 operations a second over a pool of 1,000 names, for M minutes (1
//! by default; a bare number instead is seconds). Reports RSS at the start and end, the
//! longest stall, and whether the window's list equals what `virsh list --all` reports once
//! the churn stops.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may stop at the first failure

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use gtk::prelude::*;
use hangar::cli::Options;
use hangar::session::model::{VmAction, VmState};
use hangar::ui::vm_list::{ConnectionObject, ConnectionStatus, SortKey, VmObject};
use hangar::ui::vm_window::VmPage;
use hangar::ui::{MainWindow, MainWindowMsg};
use relm4::prelude::*;
use testbed::{Libvirtd, vm};

const TICK: Duration = Duration::from_millis(5);
const TARGET: Duration = Duration::from_millis(50);

/// How late a 5 ms timeout on the main loop ran, over time.
#[derive(Default)]
struct Stalls {
    last: Option<(Instant, Duration)>,
    /// How late each tick ran, and the main thread's time on a core since the tick before.
    lates: Vec<(Duration, Duration)>,
}

/// The calling thread's time on a core.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl Stalls {
    fn start() -> Rc<RefCell<Stalls>> {
        let stalls = Rc::new(RefCell::new(Stalls::default()));
        let s = stalls.clone();
        gtk::glib::timeout_add_local(TICK, move || {
            let now = Instant::now();
            let cpu = thread_cpu();
            let mut s = s.borrow_mut();
            if let Some((last, last_cpu)) = s.last {
                let late = now.duration_since(last).saturating_sub(TICK);
                let on_core = cpu.saturating_sub(last_cpu);
                if on_core > TARGET {
                    // To line the stall up with a profiler's samples.
                    eprintln!(
                        "stall of {:.1} ms on a core ended at {:.6} s",
                        ms(on_core),
                        gtk::glib::monotonic_time() as f64 / 1e6
                    );
                }
                s.lates.push((late, on_core));
            }
            s.last = Some((now, cpu));
            gtk::glib::ControlFlow::Continue
        });
        stalls
    }

    /// Prints the figures since the last report and starts a new phase.
    fn report(&mut self, phase: &str) {
        let mut ticks = std::mem::take(&mut self.lates);
        ticks.sort();
        let max_cpu = ticks.last().map(|t| t.1).unwrap_or_default();
        let longest_cpu = ticks.iter().map(|t| t.1).max().unwrap_or_default();
        let lates: Vec<Duration> = ticks.iter().map(|t| t.0).collect();
        let n = lates.len();
        let max = lates.last().copied().unwrap_or_default();
        let p99 = lates
            .get(n.saturating_sub(1) * 99 / 100)
            .copied()
            .unwrap_or_default();
        let median = lates.get(n / 2).copied().unwrap_or_default();
        let over = lates.iter().filter(|l| **l > TARGET).count();
        println!(
            "{phase:<34} longest stall {:>7.1} ms (on a core {:>6.1} ms)  median {:>5.1} ms  p99 {:>6.1} ms  over 50 ms: {over:>3}  ({n} ticks)  longest on-core stall {:>6.1} ms{}",
            ms(max),
            ms(max_cpu),
            ms(median),
            ms(p99),
            ms(longest_cpu),
            if max <= TARGET { "" } else { "  ABOVE TARGET" }
        );
        // The monotonic clock, to line a phase up with a profiler's samples.
        eprintln!(
            "phase {phase:?} ends at {:.6} s",
            gtk::glib::monotonic_time() as f64 / 1e6
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Turns the main loop for `d`.
fn run_for(d: Duration) {
    let ctx = gtk::glib::MainContext::default();
    let end = Instant::now() + d;
    while Instant::now() < end {
        ctx.iteration(true);
    }
}

/// Turns the main loop until `done` or `limit`; whether `done` held.
fn run_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let ctx = gtk::glib::MainContext::default();
    let end = Instant::now() + limit;
    while Instant::now() < end {
        ctx.iteration(true);
        if done() {
            return true;
        }
    }
    false
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn init() {
    let dir = tempfile::tempdir().unwrap().keep();
    // SAFETY: nothing else runs yet.
    unsafe {
        std::env::set_var("XDG_CONFIG_HOME", dir.join("config"));
        std::env::set_var("XDG_CACHE_HOME", dir.join("cache"));
        std::env::set_var("GSETTINGS_BACKEND", "memory");
    }
    gtk::init().unwrap();
    hangar::init_resources().unwrap();
    hangar::init_style_without_app();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_initialized();
}

fn open_window(uri: &str) -> (relm4::Controller<MainWindow>, ConnectionObject) {
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![uri.to_string()],
            ..Options::default()
        })
        .detach();
    window.widget().set_default_size(1100, 760);
    window.widget().present();
    let conn = window.model().list().connection(uri).unwrap();
    (window, conn)
}

fn vms(conn: &ConnectionObject) -> Vec<VmObject> {
    let store = conn.vms();
    (0..store.n_items())
        .filter_map(|i| store.item(i).and_downcast::<VmObject>())
        .collect()
}

/// `lists_only`: stop after the list phases (opening, search/sort/selection, bursts).
fn drive(lists_only: bool) {
    init();
    let d = Libvirtd::start().unwrap();
    let uri = d
        .fixture_uri("stall", &vm::test_node_xml("st", 1000))
        .unwrap();
    let stalls = Stalls::start();
    let started = Instant::now();
    let (window, conn) = open_window(&uri);
    assert!(run_until(Duration::from_secs(60), || {
        conn.connection_status() == ConnectionStatus::Connected && conn.vms().n_items() == 1000
    }));
    println!("1,000 VMs listed in {:.0} ms", ms(started.elapsed()));
    run_for(Duration::from_secs(3));
    stalls.borrow_mut().report("window opens, lists 1,000 VMs");

    let list = window.model().list().clone();
    for text in ["st-9", "st-99", "st-1", "", "zzz", ""] {
        window.emit(MainWindowMsg::Search(text.to_string()));
        run_for(Duration::from_millis(300));
        let label = if text.is_empty() { "(none)" } else { text };
        stalls.borrow_mut().report(&format!("search {label}"));
    }
    for key in [SortKey::State, SortKey::Cpu, SortKey::Name] {
        list.set_sort(key);
        run_for(Duration::from_millis(300));
        stalls.borrow_mut().report(&format!("sort by {key:?}"));
    }
    list.selection().select_all();
    run_for(Duration::from_secs(1));
    list.selection().unselect_all();
    run_for(Duration::from_millis(500));
    stalls.borrow_mut().report("select all, none");

    // Bursts of list updates: every VM forced off, then run, by the window's own session (each
    // action brings busy, done and the host's event: about 4,000 updates a burst).
    let targets: Vec<(String, String)> = vms(&conn)
        .iter()
        .map(|vm| (vm.connection_uri(), vm.uuid()))
        .collect();
    for (action, state, key) in [
        (VmAction::ForceOff, VmState::ShutOff, SortKey::Name),
        (VmAction::Run, VmState::Running, SortKey::State),
    ] {
        list.set_sort(key);
        let started = Instant::now();
        window.emit(MainWindowMsg::Act(action.clone(), targets.clone()));
        assert!(run_until(Duration::from_secs(120), || vms(&conn)
            .iter()
            .all(|vm| vm.vm_state() == state && !vm.busy())));
        println!(
            "{action:?} on 1,000 VMs shown in {:.0} ms",
            ms(started.elapsed())
        );
        run_for(Duration::from_secs(1));
        stalls
            .borrow_mut()
            .report(&format!("{action:?} on all, by {key:?}"));
    }
    list.set_sort(SortKey::Name);
    run_for(Duration::from_millis(500));
    if lists_only {
        return;
    }

    let targets: Vec<VmObject> = vms(&conn).into_iter().step_by(50).collect();
    for vm in &targets {
        list.select_vm(vm);
        window.emit(MainWindowMsg::Verb(hangar::ui::main_window::VmVerb::Open));
        run_for(Duration::from_millis(150));
    }
    run_for(Duration::from_secs(2));
    stalls
        .borrow_mut()
        .report(&format!("{} VM windows open", targets.len()));

    let pages = [
        VmPage::Performance,
        VmPage::Pinning,
        VmPage::Hardware,
        VmPage::Console,
        VmPage::Overview,
    ];
    for page in pages {
        for vm in &targets {
            window.emit(MainWindowMsg::OpenVm(vm.connection_uri(), vm.uuid(), page));
            run_for(Duration::from_millis(100));
        }
        run_for(Duration::from_secs(1));
        stalls
            .borrow_mut()
            .report(&format!("every window shows {}", page.name()));
    }
    run_for(Duration::from_secs(5));
    stalls.borrow_mut().report("idle with the windows open");
    drop(window);
}

fn soak(seconds: u64) {
    init();
    let d = Libvirtd::start().unwrap();
    let uri = d.test_uri();
    let stalls = Stalls::start();
    let (window, conn) = open_window(&uri);
    assert!(run_until(Duration::from_secs(30), || {
        conn.connection_status() == ConnectionStatus::Connected
    }));
    run_for(Duration::from_secs(2));
    let rss_start = rss_kib();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ops = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let churn = {
        let (uri, stop, ops) = (uri.clone(), stop.clone(), ops.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(churn_loop(&uri, &stop, &ops));
        })
    };
    let started = Instant::now();
    let mut next = Duration::from_secs(60);
    while started.elapsed() < Duration::from_secs(seconds) {
        run_for(Duration::from_millis(500));
        if started.elapsed() >= next {
            next += Duration::from_secs(60);
            println!(
                "{:>4} s: {} operations, RSS {} MiB, {} VMs listed",
                started.elapsed().as_secs(),
                ops.load(std::sync::atomic::Ordering::Relaxed),
                rss_kib() / 1024,
                conn.vms().n_items()
            );
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    while !churn.is_finished() {
        run_for(Duration::from_millis(50));
    }
    churn.join().unwrap();
    let total_ops = ops.load(std::sync::atomic::Ordering::Relaxed);
    let ran = started.elapsed().as_secs_f64();
    let expected = || {
        let out = d.virsh(&uri, &["list", "--all", "--name"]).unwrap();
        let mut names: Vec<String> = out
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        names.sort();
        names
    };
    let listed = || {
        let mut names: Vec<String> = vms(&conn).iter().map(VmObject::name).collect();
        names.sort();
        names
    };
    let want = expected();
    let equal = run_until(Duration::from_secs(30), || listed() == want);
    run_for(Duration::from_secs(2));
    let rss_end = rss_kib();
    println!(
        "soak {ran:.0} s ({seconds} s asked): {total_ops} operations ({:.1}/s), RSS {} → {} MiB ({:+} MiB), list equals virsh's: {equal} ({} VMs)",
        total_ops as f64 / ran,
        rss_start / 1024,
        rss_end / 1024,
        (rss_end as i64 - rss_start as i64) / 1024,
        want.len()
    );
    stalls.borrow_mut().report("soak");
    if !equal {
        let got = listed();
        let missing: Vec<_> = want.iter().filter(|n| !got.contains(n)).take(5).collect();
        let extra: Vec<_> = got.iter().filter(|n| !want.contains(n)).take(5).collect();
        println!("missing from the window: {missing:?}; only in the window: {extra:?}");
    }
    drop(window);
}

/// Defines, starts, destroys and undefines VMs over 1,000 names at about 20 operations a
/// second until `stop`.
async fn churn_loop(
    uri: &str,
    stop: &std::sync::atomic::AtomicBool,
    ops: &std::sync::atomic::AtomicU64,
) {
    use virt_client::{Connection, Domain};
    let conn = Connection::open(uri).await.unwrap();
    let xml = |i: usize| {
        format!(
            "<domain type='test'><name>soak-{i}</name><memory>131072</memory><vcpu>1</vcpu>\
             <os><type>hvm</type></os></domain>"
        )
    };
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    let mut i = 0usize;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        tick.tick().await;
        let n = i % 1000;
        let step = (i / 1000) % 4;
        let name = format!("soak-{n}");
        let done = match step {
            0 => Domain::define_xml(&conn, &xml(n), 0).await.map(|_| ()),
            1 => match Domain::lookup_by_name(&conn, &name).await {
                Ok(dom) => dom.create(0).await.map(|_| ()),
                Err(e) => Err(e),
            },
            2 => match Domain::lookup_by_name(&conn, &name).await {
                Ok(dom) => dom.destroy(0).await,
                Err(e) => Err(e),
            },
            _ => match Domain::lookup_by_name(&conn, &name).await {
                Ok(dom) => dom.undefine(0).await,
                Err(e) => Err(e),
            },
        };
        if let Err(e) = done {
            eprintln!("{name} step {step}: {e}");
        }
        ops.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        i += 1;
    }
    let _ = conn.close().await;
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("drive") | None => drive(args.get(1).map(String::as_str) == Some("--lists")),
        Some("soak") => {
            // `--minutes M` (1 by default); a bare number is seconds.
            let seconds = match args.get(1).map(String::as_str) {
                Some("--minutes") => args
                    .get(2)
                    .and_then(|m| m.parse::<f64>().ok())
                    .map(|m| (m * 60.0).round() as u64),
                Some(secs) => secs.parse().ok(),
                None => Some(60),
            };
            match seconds {
                Some(seconds) => soak(seconds),
                None => usage(&args),
            }
        }
        Some(_) => usage(&args),
    }
}

fn usage(args: &[String]) {
    eprintln!("usage: stall_bench [drive [--lists] | soak [--minutes M | SECONDS]] (not {args:?})");
    std::process::exit(2);
}
