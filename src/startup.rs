//! Start-up stage marks for the start-up benchmark (`examples/list_bench.rs`).
//!
//! With `HANGAR_BENCH` set, each stage prints `hangar-bench <stage> <ms>` on standard output,
//! where `ms` counts from the start of `main`. Without it, marks cost one cached check.

use std::cell::Cell;
use std::io::Write;
use std::rc::Rc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use gtk::prelude::*;

/// The number of VMs of the first full list, plus one, once it is in the list's model.
static LISTED: AtomicUsize = AtomicUsize::new(0);

fn origin() -> Option<Instant> {
    static ORIGIN: OnceLock<Option<Instant>> = OnceLock::new();
    *ORIGIN.get_or_init(|| std::env::var_os("HANGAR_BENCH").map(|_| Instant::now()))
}

/// Starts the clock (call first thing in `main`).
pub fn begin() {
    mark("main");
}

/// Prints the stage `name` with the time since `begin`, when benchmarking, and the monotonic
/// clock's reading in seconds (to line the stage up with a profiler's samples).
pub fn mark(name: &str) {
    if let Some(t0) = origin() {
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let mono = gtk::glib::monotonic_time() as f64 / 1e6;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "hangar-bench {name} {ms:.1} {mono:.6}");
        let _ = out.flush();
    }
}

/// Whether stage marks are printed.
pub fn enabled() -> bool {
    origin().is_some()
}

/// Marks `window`'s mapping and its first frame, and later the first frame drawn after
/// [`list_applied`] (as `list-frame(N)`, N the number of VMs).
pub fn watch_window(window: &impl IsA<gtk::Widget>) {
    if !enabled() {
        return;
    }
    window.connect_realize(|_| mark("realized"));
    window.connect_map(|w| {
        mark("mapped");
        let Some(clock) = w.frame_clock() else { return };
        let first = Rc::new(Cell::new(true));
        let handler = Rc::new(Cell::new(None));
        let h = handler.clone();
        let id = clock.connect_after_paint(move |clock| {
            if first.replace(false) {
                mark("first-frame");
            }
            let listed = LISTED.load(Ordering::Relaxed);
            if listed > 0 {
                mark(&format!("list-frame({})", listed - 1));
                if let Some(id) = h.take() {
                    clock.disconnect(id);
                }
            }
        });
        handler.set(Some(id));
    });
}

/// Notes that the first full list of `count` VMs is in the list's model.
pub fn list_applied(count: usize) {
    if enabled() && LISTED.load(Ordering::Relaxed) == 0 {
        mark("list-applied");
        LISTED.store(count + 1, Ordering::Relaxed);
    }
}
