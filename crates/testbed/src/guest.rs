//! The small Linux guest of the end-to-end tests: Debian's kernel and a busybox initramfs
//! (`scripts/test-guest.sh`), with a root shell on the serial console (prompt `guest# `).
//!
//! [`linux_guest`] finds it in `HANGAR_TEST_GUEST`, else in `~/.cache/hangar/test-guest`,
//! building it there first when it is missing or older than its recipe (Debian's packages,
//! downloaded once). A test that
//! needs the guest fails with the reason when it cannot be had: it never passes by skipping.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory holding `vmlinuz` and `initramfs.gz`, built if need be.
pub fn linux_guest() -> io::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("HANGAR_TEST_GUEST").map(PathBuf::from) {
        return if is_built(&dir) {
            Ok(dir)
        } else {
            Err(io::Error::other(format!(
                "HANGAR_TEST_GUEST={} holds no vmlinuz and initramfs.gz",
                dir.display()
            )))
        };
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .ok_or_else(|| io::Error::other("HOME is not set: nowhere to keep the test guest"))?;
    let dir = home.join(".cache/hangar/test-guest");
    build_once(&dir)?;
    Ok(dir)
}

fn is_built(dir: &Path) -> bool {
    dir.join("vmlinuz").is_file() && dir.join("initramfs.gz").is_file()
}

/// Whether the guest in `dir` was built after `script` last changed.
fn is_current(dir: &Path, script: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(&dir.join("initramfs.gz")), modified(script)) {
        (Some(built), Some(recipe)) => built >= recipe,
        _ => false,
    }
}

/// Builds the guest into `dir` unless it is there and current; one test process at a time (a
/// lock file), the others then find it built.
fn build_once(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let lock = std::fs::File::create(dir.join(".lock"))?;
    // SAFETY: flock on a descriptor this function owns; it is released when `lock` closes.
    if unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), libc::LOCK_EX) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-guest.sh");
    if is_built(dir) && is_current(dir, &script) {
        return Ok(());
    }
    let mut out = Command::new("bash").arg(&script).arg(dir).output()?;
    if !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("apt-get update") {
        // A machine whose package lists were never fetched: fetch them once and try again.
        let update = Command::new("apt-get").args(["update", "-q"]).output()?;
        if update.status.success() {
            out = Command::new("bash").arg(&script).arg(dir).output()?;
        }
    }
    if !out.status.success() || !is_built(dir) {
        return Err(io::Error::other(format!(
            "cannot build the test guest with {}: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}
