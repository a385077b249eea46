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
use std::time::Duration;

use gtk::prelude::*;
use hangar::widgets::vnc_display::{Scaling, VncDisplay};
use measure::{Mode, Rate, run_for};

#[path = "vnc_bench/damage.rs"]
mod damage;
#[path = "vnc_bench/measure.rs"]
mod measure;
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
                if let Some(r) = measure::remote_viewer(
                    &format!("vnc://127.0.0.1:{port}"),
                    mode,
                    args.seconds,
                    &served,
                ) {
                    println!("run {run}: {label}: {r}");
                    results.push((label, r));
                }
            }
        }
    }
    measure::print_medians(args.runs, &results);
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
    let rate = measure::window(&window, seconds, served);
    display.close();
    window.destroy();
    run_for(Duration::from_millis(500));
    rate
}
