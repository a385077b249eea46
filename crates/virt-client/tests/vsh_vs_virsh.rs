//! The `vsh` example prints what virsh prints, on the same daemon.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use testbed::Libvirtd;

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

fn mask(s: &str) -> String {
    s.lines()
        .map(|l| {
            if l.starts_with("CPU time:") {
                "CPU time: *"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn compare(uri: &str, args: &[&str]) {
    let vsh = vsh_path();
    assert!(vsh.exists(), "build the example first: {}", vsh.display());
    let ours = run(vsh.to_str().unwrap(), uri, args);
    let theirs = run("virsh", uri, args);
    assert_eq!(mask(&ours), mask(&theirs), "output of {args:?} differs");
}

#[test]
fn test_driver_commands_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.test_uri();
    for args in [
        &["list"][..],
        &["list", "--all"],
        &["list", "--name"],
        &["dominfo", "test"],
        &["domstate", "test"],
        &["dumpxml", "test"],
        &["dumpxml", "--inactive", "test"],
        &["nodeinfo"],
        &["hostname"],
        &["uri"],
        &["net-list", "--all"],
        &["pool-list", "--all"],
        &["vol-list", "default-pool"],
        &["vcpupin", "test"],
        &["capabilities"],
    ] {
        compare(&uri, args);
    }
}

#[test]
fn qemu_driver_commands_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = testbed::unique_name("vshcmp");
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, testbed::vm::tiny_xml(&name)).unwrap();
    d.virsh(&uri, &["define", file.to_str().unwrap()]).unwrap();
    for args in [
        &["list", "--all"][..],
        &["dominfo", &name],
        &["domstate", &name],
        &["dumpxml", &name],
        &["nodeinfo"],
        &["uri"],
        &["hostname"],
        &["net-list", "--all"],
        &["pool-list", "--all"],
    ] {
        compare(&uri, args);
    }
    d.virsh(&uri, &["undefine", &name]).unwrap();
}
