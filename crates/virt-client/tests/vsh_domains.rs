//! The `vsh` example against virsh on running QEMU domains: CPU and pinning tables, stats,
//! events, action commands and the state they leave, host devices, the serial console.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use testbed::dispatched::{self, Dispatched};
use testbed::{Libvirtd, wait};

fn vsh_path() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("examples/vsh")
}

fn run(prog: &str, uri: &str, args: &[&str]) -> String {
    let out = Command::new(prog)
        .arg("-c")
        .arg(uri)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{prog} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn vsh(uri: &str, args: &[&str]) -> String {
    let p = vsh_path();
    assert!(p.exists(), "build the example first: {}", p.display());
    run(p.to_str().unwrap(), uri, args)
}

/// Replaces the value of every line whose label starts with one of `labels`.
fn mask(s: &str, labels: &[&str]) -> String {
    s.lines()
        .map(
            |l| match labels.iter().find(|p| l.trim_start().starts_with(*p)) {
                Some(p) => format!("{p} *"),
                None => l.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

/// Defines and starts a tiny VM; its name.
fn running_vm(d: &Libvirtd, uri: &str, prefix: &str) -> String {
    let name = testbed::unique_name(prefix);
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, testbed::vm::tiny_xml(&name)).unwrap();
    d.virsh(uri, &["define", file.to_str().unwrap()]).unwrap();
    d.virsh(uri, &["start", &name]).unwrap();
    name
}

fn remove_vm(d: &Libvirtd, uri: &str, name: &str) {
    let _ = d.virsh(uri, &["destroy", name]);
    let _ = d.virsh(uri, &["undefine", "--managed-save", name]);
}

#[test]
fn cpu_pinning_and_stats_tables_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = running_vm(d, &uri, "vshcpu");

    // The physical CPU a vCPU runs on and its CPU time change from one call to the next. A
    // vCPU that has not run yet has no "CPU time" line: wait until the set of vCPUs that ran
    // (at least the first) has stayed the same for a few polls.
    let ran = || {
        run("virsh", &uri, &["vcpuinfo", &name])
            .matches("CPU time:")
            .count()
    };
    assert!(
        wait::until(Duration::from_secs(20), || ran() > 0),
        "no vCPU of {name} ran"
    );
    wait::settled(Duration::from_secs(20), Duration::from_millis(300), ran)
        .expect("the set of vCPUs that ran settles");
    let labels = ["CPU time:", "CPU:"];
    assert_eq!(
        mask(&vsh(&uri, &["vcpuinfo", &name]), &labels),
        mask(&run("virsh", &uri, &["vcpuinfo", &name]), &labels)
    );
    assert_eq!(
        vsh(&uri, &["emulatorpin", &name]),
        run("virsh", &uri, &["emulatorpin", &name])
    );

    // Counters move; names, order and the stable values must agree.
    let ours = vsh(&uri, &["domstats", &name]);
    let theirs = run("virsh", &uri, &["domstats", &name]);
    let keys = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| l.split('=').next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(keys(&ours), keys(&theirs));
    let stable = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| {
                [
                    "state.",
                    "balloon.maximum",
                    "vcpu.current",
                    "vcpu.maximum",
                    "Domain:",
                ]
                .iter()
                .any(|k| l.trim_start().starts_with(k))
            })
            .map(String::from)
            .collect()
    };
    assert_eq!(stable(&ours), stable(&theirs));
    assert!(ours.contains("state.state=1"), "{ours}");
    remove_vm(d, &uri, &name);
}

#[test]
fn nodedev_list_matches_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let ours = vsh(&uri, &["nodedev-list"]);
    assert!(ours.lines().any(|l| l == "computer"), "{ours}");
    assert_eq!(ours, run("virsh", &uri, &["nodedev-list"]));
}

/// Each action leaves the state virsh reports after the same action, and prints the same line.
#[test]
fn action_commands_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let mut states = Vec::new();
    let mut printed = Vec::new();
    for tool in ["vsh", "virsh"] {
        let name = testbed::unique_name("vshact");
        let file = d.dir().join(format!("{name}.xml"));
        std::fs::write(&file, testbed::vm::tiny_xml(&name)).unwrap();
        d.virsh(&uri, &["define", file.to_str().unwrap()]).unwrap();
        let mut st = Vec::new();
        let mut out = Vec::new();
        for action in [
            "start",
            "suspend",
            "resume",
            "reset",
            "reboot",
            "shutdown",
            "destroy",
            "start",
            "managedsave",
            "start",
            "destroy",
            "undefine",
        ] {
            let text = if tool == "vsh" {
                vsh(&uri, &[action, &name])
            } else {
                run("virsh", &uri, &[action, &name])
            };
            out.push(text.replace(&name, "NAME"));
            let state = d
                .virsh(&uri, &["domstate", &name])
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|_| "gone".into());
            st.push(format!("{action}: {state}"));
        }
        states.push(st);
        printed.push(out);
    }
    assert_eq!(states[0], states[1]);
    assert_eq!(printed[0], printed[1]);
    assert!(states[0].contains(&"managedsave: shut off".to_string()));
    assert_eq!(states[0].last().unwrap(), "undefine: gone");
}

/// Waits until the daemon's count of event registrations has risen above `before` and stopped
/// moving (one tool registers its callbacks one call after another); the new count.
fn registered_after(log: &Dispatched, before: usize, who: &str) -> usize {
    let count = || log.count(dispatched::EVENT_REGISTER);
    assert!(
        wait::until(Duration::from_secs(20), || count() > before),
        "{who} registered no event callback"
    );
    wait::settled(Duration::from_secs(20), Duration::from_millis(300), count)
        .unwrap_or_else(|| panic!("{who}'s event registrations do not settle"))
}

/// `event --all --loop --timeout 5` in both tools while the domain is suspended and resumed.
///
/// A daemon of its own, so the registrations it logs are the two tools' only: each tool is
/// started once the one before has registered its callbacks, and the domain is suspended once
/// both have.
#[test]
fn event_loop_lines_match_virsh() {
    let d = Libvirtd::start().unwrap();
    let d = &d;
    let uri = d.qemu_uri();
    let name = running_vm(d, &uri, "vshev");
    let log = Dispatched::enable(d).unwrap();
    let args = ["event", "--all", "--loop", "--timeout", "5"];
    let spawn = |prog: &str| {
        Command::new(prog)
            .arg("-c")
            .arg(&uri)
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let before = log.count(dispatched::EVENT_REGISTER);
    let theirs = spawn("virsh");
    let after_virsh = registered_after(&log, before, "virsh");
    let ours = spawn(vsh_path().to_str().unwrap());
    registered_after(&log, after_virsh, "vsh");
    d.virsh(&uri, &["suspend", &name]).unwrap();
    d.virsh(&uri, &["resume", &name]).unwrap();
    let collect = |c: std::process::Child| {
        let out = c.wait_with_output().unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter(|l| l.contains(&name))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let (ours, theirs) = (collect(ours), collect(theirs));
    assert!(
        ours.iter()
            .any(|l| l.ends_with(&format!("'{name}': Suspended Paused"))),
        "{ours:?}"
    );
    // Other tests' domains may raise events too: only this domain's lines are compared.
    assert_eq!(ours, theirs);
    remove_vm(d, &uri, &name);
}

/// The console shows SeaBIOS's banner after a reset.
#[test]
fn console_shows_seabios_after_reset() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = testbed::unique_name("vshcon");
    let xml = testbed::vm::tinyser_xml(&name, d.dir()).unwrap();
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    d.virsh(&uri, &["define", file.to_str().unwrap()]).unwrap();
    d.virsh(&uri, &["start", &name]).unwrap();
    let mut child = Command::new(vsh_path())
        .arg("-c")
        .arg(&uri)
        .args(["console", &name])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    // Reads until vsh's output ends (it is killed below once SeaBIOS showed or time ran out).
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => sink.lock().unwrap().extend_from_slice(&buf[..n]),
            }
        }
    });
    let shown = |text: &str| String::from_utf8_lossy(&seen.lock().unwrap()).contains(text);
    // vsh prints this once the console stream is open.
    let connected = format!("Connected to domain '{name}'");
    let opened = wait::until(Duration::from_secs(20), || shown(&connected));
    // A reset right as the stream opens can come before the daemon forwards the output: reset
    // again until SeaBIOS shows.
    let mut bios = false;
    for _ in 0..4 {
        if !opened || bios {
            break;
        }
        d.virsh(&uri, &["reset", &name]).unwrap();
        bios = wait::until(Duration::from_secs(15), || shown("SeaBIOS"));
    }
    drop(child.stdin.take());
    let _ = child.kill();
    let _ = child.wait();
    reader.join().unwrap();
    let seen = String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
    assert!(opened, "vsh console did not connect: {seen}");
    assert!(seen.contains("SeaBIOS"), "{seen}");
    remove_vm(d, &uri, &name);
}
