//! Running the `vsh` example and virsh side by side.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The built `vsh` example next to the test binaries.
pub fn vsh_path() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let p = exe.parent().unwrap().parent().unwrap().join("examples/vsh");
    assert!(p.exists(), "build the example first: {}", p.display());
    p
}

/// Runs `prog -c URI ARGS` in a UTF-8 locale, with `env` on top.
pub fn output(prog: &str, uri: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(prog);
    c.arg("-c").arg(uri).args(args).env("LC_ALL", "C.UTF-8");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// Standard output of a run that must succeed.
pub fn run(prog: &str, uri: &str, args: &[&str]) -> String {
    let out = output(prog, uri, args, &[]);
    assert!(
        out.status.success(),
        "{prog} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `vsh ARGS`, which must succeed.
pub fn vsh(uri: &str, args: &[&str]) -> String {
    run(vsh_path().to_str().unwrap(), uri, args)
}

/// Runs both tools with `env`; their exit status, standard output and standard error must be
/// the same, byte for byte. Returns virsh's output and whether it succeeded.
pub fn compare_env(uri: &str, args: &[&str], env: &[(&str, &str)]) -> (String, bool) {
    let ours = output(vsh_path().to_str().unwrap(), uri, args, env);
    let theirs = output("virsh", uri, args, env);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert_eq!(
        text(&ours.stdout),
        text(&theirs.stdout),
        "standard output of {args:?} differs"
    );
    assert_eq!(
        text(&ours.stderr),
        text(&theirs.stderr),
        "standard error of {args:?} differs"
    );
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit status of {args:?} differs"
    );
    (text(&theirs.stdout), theirs.status.success())
}

/// [`compare_env`] for a command that must succeed; virsh's output.
pub fn compare_ok(uri: &str, args: &[&str]) -> String {
    let (out, ok) = compare_env(uri, args, &[]);
    assert!(ok, "virsh {args:?} failed");
    out
}

/// [`compare_env`] for a command that must fail; virsh's standard output.
pub fn compare_err(uri: &str, args: &[&str]) {
    let (_, ok) = compare_env(uri, args, &[]);
    assert!(!ok, "virsh {args:?} succeeded");
}
