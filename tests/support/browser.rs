//! What the storage browser's GUI tests share: a browser over TCP (a host that is not this
//! computer, as far as the app can tell), a pool of install media, waiting for loads, choosing
//! rows, local test data and the process's CPU time.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use adw::prelude::*;
use hangar::ui::volume_browser::{
    Filter, VolumeBrowser, VolumeBrowserInit, VolumeBrowserMsg as Msg, VolumeBrowserOutput,
};
use relm4::prelude::*;
use testbed::{Libvirtd, unique_name};

use super::hardware::pump;
use super::storage::running_pool;
use super::wait_until;

/// A mebibyte.
pub const MIB: usize = 1 << 20;

pub fn tcp(d: &Libvirtd) -> String {
    format!("qemu+tcp://127.0.0.1:{}/system", d.tcp_port())
}

pub fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An ISO image labelled `label` at `path` (xorriso), of files made under `scratch`.
pub fn make_iso(path: &Path, scratch: &Path, label: &str) {
    let src = scratch.join(unique_name("iso-src"));
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("README.TXT"), b"hello").unwrap();
    run(Command::new("xorriso")
        .args([
            "-as", "mkisofs", "-quiet", "-V", label, "-sysid", "LINUX", "-o",
        ])
        .arg(path)
        .arg(&src));
}

/// A running directory pool holding `install.iso` (a Debian 11 label), `data.img` (qcow2,
/// whatever its name says), `blank.raw` and a directory `subdir`.
pub fn media_pool(d: &Libvirtd, name: &str) -> PathBuf {
    let dir = running_pool(d, name);
    make_iso(&dir.join("install.iso"), d.dir(), "Debian 11.5.0 amd64 n");
    // A directory in the pool is listed by libvirt, but it is no image.
    std::fs::create_dir(dir.join("subdir")).unwrap();
    run(Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(dir.join("data.img"))
        .arg("16M"));
    std::fs::write(dir.join("blank.raw"), vec![0u8; MIB]).unwrap();
    d.virsh(&d.qemu_uri(), &["pool-refresh", name]).unwrap();
    dir
}

/// Waits until `b` has read the volumes of its selected pool.
pub fn wait_loaded(b: &relm4::Controller<VolumeBrowser>, loads_before: u64) {
    assert!(
        wait_until(30, || b.model().loads() > loads_before
            && !b.model().loading()),
        "the browser did not load: {:?}",
        b.model().error()
    );
}

/// Selects pool `name` in the browser's list and waits for its volumes.
pub fn select_pool(b: &relm4::Controller<VolumeBrowser>, name: &str) {
    if b.model().selected_pool() == Some(name) {
        return;
    }
    let loads = b.model().loads();
    let i = b
        .model()
        .pools()
        .iter()
        .position(|p| p.name == name)
        .unwrap_or_else(|| panic!("no pool {name} in the browser"));
    let list = b.widgets().pools.clone();
    list.select_row(list.row_at_index(i as i32).as_ref());
    wait_loaded(b, loads);
}

pub fn names(b: &relm4::Controller<VolumeBrowser>) -> Vec<String> {
    b.model().volumes().iter().map(|v| v.name.clone()).collect()
}

/// Selects volume `name` in the list; its position.
pub fn select_volume(b: &relm4::Controller<VolumeBrowser>, name: &str) -> u32 {
    let i = names(b)
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no volume {name} listed: {:?}", names(b)));
    b.widgets().volumes.select(Some(i));
    pump();
    assert!(b.widgets().choose.is_sensitive());
    i as u32
}

/// Whether a file chooser of this process is open.
pub fn file_chooser_open() -> bool {
    gtk::Window::list_toplevels()
        .iter()
        .any(|w| w.is::<gtk::FileChooserDialog>() && w.is_visible())
}

/// CPU time (user + system) this process has used.
pub fn cpu_time() -> Duration {
    // SAFETY: getrusage writes into the zeroed struct it is given and reads nothing else.
    let usage = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, &mut u), 0);
        u
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

pub type Outputs = Arc<Mutex<Vec<VolumeBrowserOutput>>>;

/// A browser on `d` over TCP, open on every volume of pool `pool`.
pub fn open_browser(d: &Libvirtd, pool: &str) -> (relm4::Controller<VolumeBrowser>, Outputs) {
    let outputs: Outputs = Arc::default();
    let o = outputs.clone();
    let b = VolumeBrowser::builder()
        .launch(VolumeBrowserInit {
            conn: super::connect(&tcp(d)),
        })
        .connect_receiver(move |_, out| o.lock().unwrap().push(out));
    b.emit(Msg::Open {
        filter: Filter::All,
        title: "Choose".into(),
    });
    wait_loaded(&b, 0);
    select_pool(&b, pool);
    (b, outputs)
}

/// `len` bytes that do not repeat (xorshift).
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}
