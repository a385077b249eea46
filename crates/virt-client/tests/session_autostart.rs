//! Per-user daemon autostart end to end: as an unprivileged user with nothing listening,
//! opening `qemu:///session` starts `libvirtd --timeout=120` in session mode and the
//! connection answers calls.
//!
//! The test binary runs itself again as `nobody` (through `setpriv`), with its own home and
//! runtime directory, and stops the daemon that run started.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use virt_client::Connection;

/// Set in the environment of the run as the unprivileged user.
const CHILD: &str = "HANGAR_SESSION_AUTOSTART_CHILD";
const TEST: &str = "session_daemon_starts_on_demand_for_an_unprivileged_user";
const NOBODY: u32 = 65534;

#[test]
fn session_daemon_starts_on_demand_for_an_unprivileged_user() {
    if std::env::var_os(CHILD).is_some() {
        return as_the_user();
    }
    assert!(
        testbed::is_root(),
        "this test switches to an unprivileged user, which needs root (run it through ./dev.sh test)"
    );
    let dir = tempfile::Builder::new()
        .prefix("hangar-session-")
        .tempdir_in("/tmp")
        .unwrap();
    let home = dir.path().join("home");
    let run = dir.path().join("run");
    for d in [dir.path(), &home, &run] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::chown(d, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let out = Command::new("setpriv")
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env_clear()
        .env(CHILD, "1")
        .env("HOME", &home)
        .env("XDG_RUNTIME_DIR", &run)
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // Whatever happened, stop the daemon the run started.
    let daemon = stop_daemon(&run.join("libvirt/libvirtd.pid"));
    println!("{stdout}daemon: {daemon:?}");
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("type=QEMU"), "{stdout}");
    assert!(stdout.contains("uri=qemu:///session"), "{stdout}");
    assert!(stdout.contains("domains=0"), "{stdout}");
    let (uid, cmdline) = daemon.expect("no session daemon was started");
    assert_eq!(uid, NOBODY, "the daemon runs as the user");
    assert!(cmdline.contains("libvirtd"), "{cmdline}");
    assert!(cmdline.contains("--timeout=120"), "{cmdline}");
}

/// The half that runs as the unprivileged user.
fn as_the_user() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let sock =
            Path::new(&std::env::var_os("XDG_RUNTIME_DIR").unwrap()).join("libvirt/libvirt-sock");
        assert!(!sock.exists(), "a daemon already listens");
        let c = Connection::open("qemu:///session").await.unwrap();
        assert!(
            sock.exists(),
            "the daemon's socket is not where the client looks"
        );
        println!("type={}", c.get_type().await.unwrap());
        println!("uri={}", c.uri().await.unwrap());
        println!("hostname={}", c.hostname().await.unwrap());
        println!("domains={}", c.list_all_domains(0).await.unwrap().len());
        c.close().await.unwrap();
    });
}

/// Stops the daemon named in `pid_file`; returns its owner and command line.
fn stop_daemon(pid_file: &Path) -> Option<(u32, String)> {
    let pid: i32 = std::fs::read_to_string(pid_file)
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let proc_dir = Path::new("/proc").join(pid.to_string());
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
    // SAFETY: kill only sends a signal to the process this test had started.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let alive = || {
        std::fs::read_to_string(proc_dir.join("status")).is_ok_and(|s| {
            !s.lines()
                .any(|l| l.starts_with("State:") && l.contains('Z'))
        })
    };
    if !testbed::wait::until(Duration::from_secs(10), || !alive()) {
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    Some((uid, cmdline))
}
