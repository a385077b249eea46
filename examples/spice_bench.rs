//! Throughput of the SPICE display: a real QEMU VM (the Linux test guest under TCG, booted by
//! OVMF so that the kernel's EFI framebuffer gives it a 1280x800 `/dev/fb0`) on a private
//! libvirtd, whose screen changes all the time: through its serial shell the guest copies a
//! picture of noise into `/dev/fb0` in a loop, one row lower each time (a full-screen change
//! per copy), and says `f` on the serial port after each copy. The widget in a window is
//! connected to the VM's SPICE port, 1:1 and scaled to two thirds. With `--remote-viewer`, the
//! same for virt-viewer's `remote-viewer` (spice-gtk) on the same port, alternating with ours.
//! For both, frames shown are counted the same way (the X server's DAMAGE reports on the app's
//! window, from a separate counter process) and CPU seconds per second of the app's process and
//! of the X server come from /proc; "delivered" is the guest's copies per second. The medians
//! over `--runs` runs close the output.
//!
//! With `--app`, the application itself too (built with `cargo build --release`), on the VM's
//! console in its VM window as a user first sees it (fitted).
//!
//! Run as root (the private libvirtd) under a display big enough for remote-viewer's window at
//! 1:1, e.g.:
//! `GSK_RENDERER=cairo xvfb-run -a -s "-screen 0 2560x1600x24" cargo run --release --example spice_bench -- --seconds 8 --runs 3 --remote-viewer`

use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use gtk::prelude::*;
use hangar::widgets::spice_display::{DisplayState, Scaling, SpiceDisplay};
use measure::{Mode, Rate, run_for};
use testbed::Libvirtd;

#[path = "vnc_bench/damage.rs"]
mod damage;
#[path = "vnc_bench/measure.rs"]
mod measure;

/// The guest's screen (OVMF's default mode, which the EFI framebuffer keeps).
const SCREEN: (i32, i32) = (1280, 800);

/// The guest's loop: a noise picture 200 rows taller than the screen, copied into the
/// framebuffer from a row one lower each time; `f` on the serial port after each copy.
const WORKLOAD: &str = "dd if=/dev/urandom of=/tmp/noise bs=5120 count=1000 2>/dev/null; \
    i=0; while :; do dd if=/tmp/noise of=/dev/fb0 bs=5120 skip=$((i%200)) count=800 \
    2>/dev/null; i=$((i+1)); echo f; done\r";

struct Args {
    seconds: u64,
    runs: usize,
    remote_viewer: bool,
    count_damage: Option<u32>,
    /// Only this mode ("native" or "scaled").
    only: Option<String>,
    /// Where to save the guest's screen as the widget last had it (PNG).
    shot: Option<std::path::PathBuf>,
    /// Also measure the application itself on the VM's console.
    app: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        seconds: 10,
        runs: 3,
        remote_viewer: false,
        count_damage: None,
        only: None,
        shot: None,
        app: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => args.seconds = it.next().and_then(|v| v.parse().ok()).unwrap_or(10),
            "--runs" => args.runs = it.next().and_then(|v| v.parse().ok()).unwrap_or(3),
            "--remote-viewer" => args.remote_viewer = true,
            "--app" => args.app = true,
            "--only" => args.only = it.next(),
            "--shot" => args.shot = it.next().map(Into::into),
            "--count-damage" => args.count_damage = it.next().and_then(|v| v.parse().ok()),
            other => eprintln!("ignoring argument {other}"),
        }
    }
    args
}

fn main() {
    let args = parse_args();
    if let Some(pid) = args.count_damage {
        damage::count(pid);
        return;
    }
    if gtk::init().is_err() {
        eprintln!("no display: run under xvfb-run");
        std::process::exit(1);
    }
    let guest = match testbed::guest::linux_guest() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("no Linux test guest: {e}");
            std::process::exit(1);
        }
    };
    let daemon = match Libvirtd::start() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot start a private libvirtd (needs root): {e}");
            std::process::exit(1);
        }
    };
    let name = testbed::unique_name("spice-bench");
    let vm = match Vm::start(&daemon, &name, &guest) {
        Ok(vm) => vm,
        Err(e) => {
            eprintln!("cannot start the VM: {e}");
            std::process::exit(1);
        }
    };
    let port = vm.port;
    let served = vm.frames.clone();
    println!(
        "source: QEMU (TCG) with <graphics type='spice'>, VGA, the guest's EFI framebuffer {}x{}: \
         a full-screen noise picture copied one row lower each time; {} runs of {} s",
        SCREEN.0, SCREEN.1, args.runs, args.seconds
    );
    println!(
        "renderer: GSK_RENDERER={}",
        std::env::var("GSK_RENDERER").unwrap_or_else(|_| "(default)".into())
    );
    println!(
        "shown = changes of the app's window as the X server's DAMAGE extension reports them; \
         CPU = user+system s/s of the app's process; X = the X server's; delivered = the \
         guest's copies per second"
    );
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
                Mode::Native => SCREEN,
                Mode::Scaled => (SCREEN.0 * 2 / 3, SCREEN.1 * 2 / 3),
            };
            let label = format!("hangar {}", mode.label());
            if let Some(r) = bench_widget(port, size, args.seconds, &served, args.shot.as_deref()) {
                println!("run {run}: {label}: {r}");
                results.push((label, r));
            }
            if args.remote_viewer {
                let label = format!("remote-viewer {}", mode.label());
                let url = format!("spice://127.0.0.1:{port}");
                if let Some(r) = measure::remote_viewer(&url, mode, args.seconds, &served) {
                    println!("run {run}: {label}: {r}");
                    results.push((label, r));
                }
            }
        }
        if args.app {
            let label = "hangar app, VM window fit".to_string();
            if let Some(r) = bench_app(&daemon.qemu_uri(), &vm.name, args.seconds, &served) {
                println!("run {run}: {label}: {r}");
                results.push((label, r));
            }
        }
    }
    measure::print_medians(args.runs, &results);
    vm.stop(&daemon);
}

/// Runs the application itself (`hangar`, next to this bench's directory: build it with
/// `cargo build --release`) with fresh settings on the VM's console: its VM window at its
/// default size, the picture fitted to it, as a user first sees it. Measured for `seconds`
/// once frames reach the window.
fn bench_app(uri: &str, vm: &str, seconds: u64, served: &AtomicU64) -> Option<Rate> {
    use std::process::{Command, Stdio};
    let exe = std::env::current_exe()
        .ok()?
        .parent()?
        .parent()?
        .join("hangar");
    if !exe.exists() {
        println!(
            "hangar app: not run ({} missing: cargo build --release)",
            exe.display()
        );
        return None;
    }
    let home = tempfile::tempdir().ok()?;
    let mut child = Command::new(&exe)
        .args(["--connect", uri, "--show-domain-console", vm])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("GSETTINGS_BACKEND", "memory")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // The VM window is titled with the VM's name.
    let counter = measure::Counter::start_titled(child.id(), Some(vm));
    let flowing = counter.as_ref().is_some_and(|c| {
        testbed::wait::until(Duration::from_secs(60), || {
            c.shown.load(Ordering::Relaxed) > 60
        })
    });
    let rate = if flowing {
        std::thread::sleep(Duration::from_secs(2));
        let pid = child.id().to_string();
        counter.as_ref().map(|counter| {
            measure::measure(&pid, served, counter, || {
                std::thread::sleep(Duration::from_secs(seconds));
            })
        })
    } else {
        println!("hangar app: the console did not show the guest's screen");
        None
    };
    drop(counter);
    let _ = child.kill();
    let _ = child.wait();
    rate
}

/// The VM: its SPICE port and the guest's copies so far.
struct Vm {
    name: String,
    port: u16,
    frames: Arc<AtomicU64>,
}

impl Vm {
    /// Defines and starts the guest, waits for its shell and starts the loop.
    fn start(d: &Libvirtd, name: &str, guest: &std::path::Path) -> Result<Vm, String> {
        let path = d.dir().join(format!("{name}.xml"));
        std::fs::write(&path, domain_xml(name, guest)).map_err(|e| e.to_string())?;
        let uri = d.qemu_uri();
        let virsh = |args: &[&str]| d.virsh(&uri, args).map_err(|e| e.to_string());
        virsh(&["define", &path.display().to_string()])?;
        virsh(&["start", name])?;
        let vm = Vm {
            name: name.to_string(),
            port: 0,
            frames: Arc::new(AtomicU64::new(0)),
        };
        let addr = virsh(&["domdisplay", name])?;
        let port = addr
            .trim()
            .strip_prefix("spice://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("unexpected domdisplay {addr:?}"))?;
        let xml = virsh(&["dumpxml", name])?;
        let pty = xml
            .split("<serial type='pty'>")
            .nth(1)
            .and_then(|s| s.split("<source path='").nth(1))
            .and_then(|s| s.split('\'').next())
            .ok_or("no serial pty")?
            .to_string();
        let mut serial = open_raw(&pty)?;
        let reader = serial.try_clone().map_err(|e| e.to_string())?;
        let frames = vm.frames.clone();
        let (prompt_tx, prompt_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || read_serial(reader, &frames, &prompt_tx));
        // OVMF under TCG takes a while before the kernel starts.
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            // A fresh prompt, in case it was printed before the port was open.
            serial.write_all(b"\r").map_err(|e| e.to_string())?;
            if prompt_rx.recv_timeout(Duration::from_secs(2)).is_ok() {
                break;
            }
            if Instant::now() > deadline {
                return Err("the guest's shell did not come up".into());
            }
        }
        serial
            .write_all(WORKLOAD.as_bytes())
            .map_err(|e| e.to_string())?;
        let frames = vm.frames.clone();
        if !testbed::wait::until(Duration::from_secs(60), || {
            frames.load(Ordering::Relaxed) > 2
        }) {
            return Err("the guest does not draw".into());
        }
        Ok(Vm { port, ..vm })
    }

    fn stop(&self, d: &Libvirtd) {
        let uri = d.qemu_uri();
        let _ = d.virsh_output(&uri, &["destroy", &self.name]);
        let _ = d.virsh_output(&uri, &["undefine", "--nvram", &self.name]);
    }
}

/// Counts the guest's `f` lines into `frames`; says when a prompt comes.
fn read_serial(file: std::fs::File, frames: &AtomicU64, prompt: &std::sync::mpsc::Sender<()>) {
    let mut lines = BufReader::new(file);
    let mut line = Vec::new();
    loop {
        line.clear();
        match lines.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim() == "f" {
            frames.fetch_add(1, Ordering::Relaxed);
        } else if text.contains("guest# ") {
            let _ = prompt.send(());
        }
    }
}

/// The pty at `path`, raw (no echo back to the guest), blocking.
fn open_raw(path: &str) -> Result<std::fs::File, String> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(path)
        .map_err(|e| format!("{path}: {e}"))?;
    // SAFETY: termios calls on an fd we own, with a zeroed struct they fill.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(file.as_raw_fd(), &mut t) != 0 {
            return Err(format!("{path}: not a terminal"));
        }
        libc::cfmakeraw(&mut t);
        libc::tcsetattr(file.as_raw_fd(), libc::TCSANOW, &t);
    }
    Ok(file)
}

/// The Linux test guest booted by OVMF (so that it has an EFI framebuffer), with a SPICE
/// display on 127.0.0.1, a VGA card and a serial shell.
fn domain_xml(name: &str, guest: &std::path::Path) -> String {
    format!(
        "<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>1024</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <loader readonly='yes' type='rom'>/usr/share/qemu/OVMF.fd</loader>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0,115200 console=tty0 quiet cryptomgr.notests lapic_timer_period=4000000 no_timer_check tsc=reliable mitigations=off</cmdline>
  </os>
  <features><acpi/><tcg><tb-cache unit='MiB'>64</tb-cache></tcg></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='spice' autoport='yes' listen='127.0.0.1'/>
    <video><model type='vga' vram='16384' heads='1'/></video>
    <memballoon model='none'/>
  </devices>
</domain>
",
        kernel = guest.join("vmlinuz").display(),
        initrd = guest.join("initramfs.gz").display(),
    )
}

fn bench_widget(
    port: u16,
    (w, h): (i32, i32),
    seconds: u64,
    served: &AtomicU64,
    shot: Option<&std::path::Path>,
) -> Option<Rate> {
    let display = SpiceDisplay::new();
    display.set_scaling(Scaling::Fit);
    let window = gtk::Window::builder()
        .default_width(w)
        .default_height(h)
        .decorated(false)
        .child(&display)
        .build();
    window.present();
    if let Err(e) = display.open_host("127.0.0.1", port) {
        eprintln!("cannot open the connection: {e}");
        return None;
    }
    let t0 = Instant::now();
    while !matches!(display.state(), DisplayState::Connected { .. }) {
        if t0.elapsed() > Duration::from_secs(20) {
            eprintln!("not connected: {:?}", display.state());
            return None;
        }
        run_for(Duration::from_millis(100));
    }
    run_for(Duration::from_secs(2));
    let rate = measure::window(&window, seconds, served);
    if let Some(path) = shot
        && let Err(e) = display.save_screenshot(path)
    {
        eprintln!("no screenshot: {e}");
    }
    display.close();
    window.destroy();
    run_for(Duration::from_millis(500));
    rate
}
