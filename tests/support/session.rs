//! Running a test again as the unprivileged user `nobody` against a fresh `qemu:///session`:
//! the run gets its own home and runtime directory, an X server and session bus of its own
//! (`xvfb-run`, `dbus-run-session`), and the session daemon it starts is stopped afterwards.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// `nobody`'s uid.
pub const NOBODY: u32 = 65534;

/// What the run as `nobody` left: its output, whether it passed, and the daemon it started.
#[derive(Debug)]
pub struct ChildRun {
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
    /// Whether the test passed.
    pub passed: bool,
    /// The session daemon's uid and command line, when it still ran after the run.
    pub daemon: Option<(u32, String)>,
    /// The user's home directory.
    pub home: PathBuf,
}

/// Runs test `test` of this binary as `nobody`, with `marker` set in its environment, under
/// its own X server and session bus; stops the session daemon it started.
///
/// # Panics
/// When the run cannot be set up (not root, a missing program): the reason.
pub fn run_as_nobody(test: &str, marker: &str, dir: &Path) -> ChildRun {
    assert!(
        testbed::is_root(),
        "running as an unprivileged user needs root (setpriv)"
    );
    let home = dir.join("home");
    let run = dir.join("run");
    for d in [dir, &home, &run] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::chown(d, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
        .args(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24"])
        .args(["dbus-run-session", "--"])
        .arg(&exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env_clear()
        .env(marker, "1")
        .env("HOME", &home)
        .env("XDG_RUNTIME_DIR", &run)
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("GSK_RENDERER", "cairo")
        .env("NO_AT_BRIDGE", "1")
        .current_dir(dir);
    for name in ["LANG", "LC_ALL", "GSETTINGS_SCHEMA_DIR", "RUST_BACKTRACE"] {
        if let Some(v) = std::env::var_os(name) {
            cmd.env(name, v);
        }
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run setpriv/xvfb-run/dbus-run-session: {e}"));
    // The daemon may have gone with the run's session bus already (taking its pid file);
    // stop what is left, and the log daemon it started.
    let daemon = stop_daemon(&run.join("libvirt/libvirtd.pid"));
    stop_daemon(&run.join("libvirt/virtlogd.pid"));
    ChildRun {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        passed: out.status.success(),
        daemon,
        home,
    }
}

/// The pid in `pid_file`.
pub fn read_pid(pid_file: &Path) -> Option<i32> {
    std::fs::read_to_string(pid_file).ok()?.trim().parse().ok()
}

/// The uid and command line of process `pid`, while it runs (a zombie does not).
pub fn process(pid: i32) -> Option<(u32, String)> {
    let proc_dir = Path::new("/proc").join(pid.to_string());
    if !alive(&proc_dir) {
        return None;
    }
    let cmdline = std::fs::read(proc_dir.join("cmdline"))
        .ok()?
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let status = std::fs::read_to_string(proc_dir.join("status")).ok()?;
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|u| u.parse().ok())?;
    Some((uid, cmdline))
}

/// Stops the daemon named in `pid_file`; returns its owner and command line.
pub fn stop_daemon(pid_file: &Path) -> Option<(u32, String)> {
    stop_pid(read_pid(pid_file)?)
}

/// Stops process `pid` (TERM, KILL after 10 s), a daemon a run started; returns its owner and
/// command line, or `None` when it was not running.
pub fn stop_pid(pid: i32) -> Option<(u32, String)> {
    let proc_dir = Path::new("/proc").join(pid.to_string());
    let (uid, cmdline) = process(pid)?;
    // SAFETY: kill only sends a signal to the daemon the run had started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    if !testbed::wait::until(Duration::from_secs(10), || !alive(&proc_dir)) {
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    Some((uid, cmdline))
}

/// Whether the process of `/proc/PID` exists and is not a zombie.
fn alive(proc_dir: &Path) -> bool {
    std::fs::read_to_string(proc_dir.join("status")).is_ok_and(|s| {
        !s.lines()
            .any(|l| l.starts_with("State:") && l.contains('Z'))
    })
}

/// Kills the processes whose command line contains `text` (e.g. the QEMU of a VM a failed
/// run left running); how many there were.
pub fn kill_matching(text: &str) -> usize {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        if process(pid).is_some_and(|(_, cmdline)| cmdline.contains(text)) {
            // SAFETY: kill only sends a signal, to a process the run started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            n += 1;
        }
    }
    n
}
