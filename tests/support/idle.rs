//! Idle CPU of the app: run it with some arguments, wait for its window, and read its CPU
//! time from /proc over a while in which nothing happens.

use std::time::{Duration, Instant};

use super::wait_until;

/// User plus system CPU time of process `pid`, in clock ticks (1/100 s on Linux).
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    // utime and stime: fields 14 and 15, the 12th and 13th after the name.
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// This test process's CPU use in percent of a core over `window`, the main loop running
/// (ticks of 1/100 s per second are percent of a core).
pub fn own_cpu_percent(window: Duration) -> f64 {
    let pid = std::process::id();
    let (start, ticks) = (Instant::now(), cpu_ticks(pid));
    super::observe(window);
    (cpu_ticks(pid) - ticks) as f64 / start.elapsed().as_secs_f64()
}

/// The app's CPU use in percent of a core over `seconds`, idle, with `args` and fresh
/// settings, once a window titled with `title` is up.
pub fn idle_cpu_percent(args: &[&str], title: &str, seconds: u64) -> f64 {
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hangar"))
        .args(args)
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("GSETTINGS_BACKEND", "memory")
        .spawn()
        .unwrap();
    let up = wait_until(60, || {
        std::process::Command::new("xwininfo")
            .args(["-root", "-tree"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(title))
    });
    assert!(up, "no window titled {title}");
    // Start-up work settles first.
    std::thread::sleep(Duration::from_secs(3));
    let (t0, c0) = (Instant::now(), cpu_ticks(child.id()));
    std::thread::sleep(Duration::from_secs(seconds));
    let (t1, c1) = (Instant::now(), cpu_ticks(child.id()));
    let _ = child.kill();
    let _ = child.wait();
    (c1 - c0) as f64 / 100.0 / (t1 - t0).as_secs_f64() * 100.0
}
