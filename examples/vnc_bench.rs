//! Throughput of the VNC display: a streaming RFB server (a child process sending a new
//! full-screen raw frame for every update request) and the widget in a window, measuring
//! frames the server delivered, frames GTK painted and CPU seconds per second of this process.
//! With `--remote-viewer`, the same for virt-viewer's `remote-viewer` (gtk-vnc) on the same
//! server (its CPU from /proc; frames as the server counts them).
//!
//! Run under a display big enough for the window, e.g.:
//! `GSK_RENDERER=cairo xvfb-run -a -s "-screen 0 1920x1080x24" cargo run --release --example vnc_bench -- --seconds 10 --remote-viewer`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use gtk::prelude::*;
use hangar::widgets::vnc_display::{Scaling, VncDisplay};

struct Args {
    seconds: u64,
    width: u16,
    height: u16,
    remote_viewer: bool,
    serve: bool,
    /// Each update is a 256x128 rectangle at a moving place instead of the whole screen.
    partial: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        seconds: 10,
        width: 1920,
        height: 1080,
        remote_viewer: false,
        serve: false,
        partial: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => args.seconds = it.next().and_then(|v| v.parse().ok()).unwrap_or(10),
            "--size" => {
                if let Some((w, h)) = it.next().as_deref().and_then(|v| v.split_once('x')) {
                    args.width = w.parse().unwrap_or(1920);
                    args.height = h.parse().unwrap_or(1080);
                }
            }
            "--remote-viewer" => args.remote_viewer = true,
            "--serve" => args.serve = true,
            "--partial" => args.partial = true,
            other => eprintln!("ignoring argument {other}"),
        }
    }
    args
}

fn main() {
    let args = parse_args();
    if args.serve {
        serve(args.width, args.height, args.partial);
        return;
    }
    let (mut server, port, served) = start_server(&args);
    println!(
        "server: {}x{} raw {}, a new one for every update request; measuring {} s",
        args.width,
        args.height,
        if args.partial {
            "256x128 rectangles"
        } else {
            "frames"
        },
        args.seconds
    );
    println!(
        "renderer: GSK_RENDERER={}",
        std::env::var("GSK_RENDERER").unwrap_or_else(|_| "(default)".into())
    );
    if gtk::init().is_err() {
        eprintln!("no display: run under xvfb-run");
        std::process::exit(1);
    }
    let full = (i32::from(args.width), i32::from(args.height));
    for (label, size, shown) in [
        ("1:1 (window = framebuffer)", full, true),
        ("scaled to 1280x720", (1280, 720), true),
        ("not shown (receive and decode only)", (640, 360), false),
    ] {
        bench_widget(label, port, size, shown, args.seconds, &served);
    }
    if args.remote_viewer {
        bench_remote_viewer(port, args.seconds, &served);
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

/// Runs the GLib main loop (blocking in poll, as an application does) for `duration`.
/// Rates over one measurement.
struct Rate {
    seconds: f64,
    frames: f64,
    cpu: f64,
    x_cpu: f64,
}

/// Runs `during` and returns frames delivered per second and CPU seconds per second of
/// process `pid` and of the X server.
fn measure(pid: &str, served: &AtomicU64, during: impl FnOnce()) -> Rate {
    let xpid = x_server_pid().unwrap_or_default();
    let (cpu0, x0, f0, t0) = (
        cpu_seconds(pid),
        cpu_seconds(&xpid),
        served.load(Ordering::Relaxed),
        Instant::now(),
    );
    during();
    let seconds = t0.elapsed().as_secs_f64();
    Rate {
        seconds,
        frames: (served.load(Ordering::Relaxed) - f0) as f64 / seconds,
        cpu: (cpu_seconds(pid) - cpu0) / seconds,
        x_cpu: (cpu_seconds(&xpid) - x0) / seconds,
    }
}

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

fn bench_widget(
    label: &str,
    port: u16,
    (w, h): (i32, i32),
    shown: bool,
    seconds: u64,
    served: &AtomicU64,
) {
    let display = VncDisplay::new();
    display.set_scaling(Scaling::Fit);
    let window = gtk::Window::builder()
        .default_width(w)
        .default_height(h)
        .decorated(false)
        .child(&display)
        .build();
    if shown {
        window.present();
    } else {
        WidgetExt::realize(&window);
    }
    if display.open_host("127.0.0.1", port).is_err() {
        eprintln!("cannot open the connection");
        return;
    }
    run_for(Duration::from_secs(2));
    let Some(clock) = window.frame_clock() else {
        eprintln!("no frame clock");
        return;
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
    let rate = measure("self", served, || run_for(Duration::from_secs(seconds)));
    clock.disconnect(id);
    clock.disconnect(before);
    clock.disconnect(after);
    let painted = paints.load(Ordering::Relaxed);
    let paint_ms = painting.borrow().1.as_secs_f64() * 1000.0 / painted.max(1) as f64;
    println!(
        "hangar VncDisplay, {label}: {:.1} frames/s delivered, {:.1} frames/s painted, \
         {:.2} CPU s/s, X server {:.2} CPU s/s, {paint_ms:.1} ms per paint \
         (widget {}x{}, framebuffer {:?})",
        rate.frames,
        painted as f64 / rate.seconds,
        rate.cpu,
        rate.x_cpu,
        display.width(),
        display.height(),
        display.framebuffer_size(),
    );
    display.close();
    window.destroy();
    run_for(Duration::from_millis(500));
}

fn bench_remote_viewer(port: u16, seconds: u64, served: &AtomicU64) {
    let child = Command::new("remote-viewer")
        .arg(format!("vnc://127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            println!("remote-viewer: not run ({e})");
            return;
        }
    };
    std::thread::sleep(Duration::from_secs(3));
    let pid = child.id().to_string();
    let rate = measure(&pid, served, || {
        std::thread::sleep(Duration::from_secs(seconds));
    });
    println!(
        "remote-viewer (gtk-vnc, its default window): {:.1} frames/s delivered, \
         {:.2} CPU s/s, X server {:.2} CPU s/s",
        rate.frames, rate.cpu, rate.x_cpu,
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// The server side: one client at a time; prints "port N", then "served N" every 200 ms.
fn serve(width: u16, height: u16, partial: bool) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
    println!("port {port}");
    let _ = std::io::stdout().flush();
    let served = Arc::new(AtomicU64::new(0));
    let s = served.clone();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(200));
            println!("served {}", s.load(Ordering::Relaxed));
            if std::io::stdout().flush().is_err() {
                std::process::exit(0);
            }
        }
    });
    for stream in listener.incoming().map_while(Result::ok) {
        let _ = serve_client(stream, width, height, partial, &served);
    }
}

/// Frames that differ from each other everywhere: a moving bar over a shifting gradient.
/// With `partial`, 256x128 rectangles of it at places that move from update to update.
fn frames(width: u16, height: u16, bytes_per_pixel: usize, partial: bool) -> Vec<Vec<u8>> {
    (0..8u32)
        .map(|n| {
            let (x0, y0, width, height) = if partial {
                let (rw, rh) = (256.min(width), 128.min(height));
                let x = (n * 211) % u32::from(width - rw + 1);
                let y = (n * 97) % u32::from(height - rh + 1);
                (x as u16, y as u16, rw, rh)
            } else {
                (0, 0, width, height)
            };
            let (w, h) = (usize::from(width), usize::from(height));
            let mut out = Vec::with_capacity(16 + w * h * bytes_per_pixel);
            out.extend_from_slice(&[0, 0, 0, 1]);
            out.extend_from_slice(&x0.to_be_bytes());
            out.extend_from_slice(&y0.to_be_bytes());
            out.extend_from_slice(&width.to_be_bytes());
            out.extend_from_slice(&height.to_be_bytes());
            out.extend_from_slice(&0i32.to_be_bytes());
            for y in 0..h {
                for x in 0..w {
                    let bar = (x / 64) as u32 % 8 == n;
                    let v: u32 = if bar {
                        0x00ff_ffff
                    } else {
                        (((x as u32 + n * 37) & 0xff) << 16)
                            | (((y as u32 + n * 11) & 0xff) << 8)
                            | (n * 30)
                    };
                    out.extend_from_slice(&v.to_le_bytes()[..bytes_per_pixel]);
                }
            }
            out
        })
        .collect()
}

fn serve_client(
    mut s: TcpStream,
    width: u16,
    height: u16,
    partial: bool,
    served: &AtomicU64,
) -> std::io::Result<()> {
    let _ = s.set_nodelay(true);
    let mut buf = [0u8; 64];
    s.write_all(b"RFB 003.008\n")?;
    s.read_exact(&mut buf[..12])?;
    s.write_all(&[1, 1])?;
    s.read_exact(&mut buf[..1])?;
    s.write_all(&0u32.to_be_bytes())?;
    s.read_exact(&mut buf[..1])?;
    let mut init = Vec::new();
    init.extend_from_slice(&width.to_be_bytes());
    init.extend_from_slice(&height.to_be_bytes());
    init.extend_from_slice(&[32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]);
    init.extend_from_slice(&5u32.to_be_bytes());
    init.extend_from_slice(b"bench");
    s.write_all(&init)?;
    let mut bpp = 4;
    let mut set = frames(width, height, bpp, partial);
    let mut next = 0usize;
    loop {
        s.read_exact(&mut buf[..1])?;
        match buf[0] {
            0 => {
                s.read_exact(&mut buf[..19])?;
                let new_bpp = usize::from(buf[3] / 8).max(1);
                if new_bpp != bpp {
                    bpp = new_bpp;
                    set = frames(width, height, bpp, partial);
                }
            }
            2 => {
                s.read_exact(&mut buf[..3])?;
                let n = usize::from(u16::from_be_bytes([buf[1], buf[2]]));
                let mut enc = vec![0u8; n * 4];
                s.read_exact(&mut enc)?;
            }
            3 => {
                s.read_exact(&mut buf[..9])?;
                s.write_all(&set[next % set.len()])?;
                next += 1;
                served.fetch_add(1, Ordering::Relaxed);
            }
            4 => s.read_exact(&mut buf[..7])?,
            5 => s.read_exact(&mut buf[..5])?,
            6 => {
                s.read_exact(&mut buf[..7])?;
                let len = u32::from_be_bytes([buf[3], buf[4], buf[5], buf[6]]) as usize;
                let mut text = vec![0u8; len];
                s.read_exact(&mut text)?;
            }
            255 => {
                s.read_exact(&mut buf[..1])?;
                match buf[0] {
                    0 => s.read_exact(&mut buf[..10])?,
                    _ => return Ok(()),
                }
            }
            _ => return Ok(()),
        }
    }
}
