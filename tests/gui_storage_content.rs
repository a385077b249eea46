//! The storage page moving volume contents on a private daemon, with the pool's files and
//! `virsh` as the oracle: uploads into a new and an existing volume and downloads, byte for
//! byte and keeping holes; cancelled transfers and what they leave; wiping and cloning.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};

use adw::prelude::*;
use hangar::ui::storage::transfer::Transfer;
use hangar::ui::storage::{Question, StoragePage, StoragePageMsg as Msg};
use relm4::prelude::*;
use support::storage::{act, field, open, running_pool, select_pool, select_volume, send};
use support::wait_until;
use testbed::Libvirtd;

const MIB: u64 = 1 << 20;

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

fn virsh_volumes(d: &Libvirtd, pool: &str) -> Vec<String> {
    support::storage::virsh_volumes(d, pool)
}

/// `len` bytes that do not repeat (xorshift), different for each `seed`.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A file of 3 MiB of data, a 4 MiB hole, and 1 MiB of data.
fn sparse_source(dir: &Path) -> (PathBuf, Vec<u8>) {
    let path = dir.join("source.img");
    let f = std::fs::File::create(&path).unwrap();
    let head = noise(3 * MIB as usize, 1);
    let tail = noise(MIB as usize, 2);
    f.write_all_at(&head, 0).unwrap();
    f.write_all_at(&tail, 7 * MIB).unwrap();
    let mut whole = head;
    whole.resize(7 * MIB as usize, 0);
    whole.extend_from_slice(&tail);
    (path, whole)
}

fn bytes_on_disk(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().blocks() * 512
}

fn volume_path(page: &relm4::Controller<StoragePage>, name: &str) -> String {
    let v = page
        .model()
        .volumes()
        .iter()
        .find(|v| v.name == name)
        .cloned();
    v.unwrap_or_else(|| panic!("no volume {name} on the page"))
        .path
}

#[gtk::test]
fn uploads_and_downloads_are_byte_exact_and_keep_holes() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let pool_dir = running_pool(&d, "tp");
    let local = tempfile::tempdir().unwrap();
    let (source, content) = sparse_source(local.path());
    let (win, page) = open(&d);
    select_pool(&page, "tp");

    // Into a new volume, sized to the file.
    send(
        &page,
        Msg::Transfer(Transfer::UploadNew {
            pool: "tp".into(),
            name: "up.img".into(),
            file: source.clone(),
        }),
    );
    assert_eq!(page.model().error(), None);
    assert!(page.model().notice().unwrap().contains("up.img"));
    assert!(page.model().activity().is_none());
    assert!(!page.widgets().forms.activity.root.is_visible());
    let info = virsh(&d, &["vol-info", "up.img", "--pool", "tp", "--bytes"]);
    assert_eq!(field(&info, "Capacity:"), format!("{} bytes", 8 * MIB));
    let on_host = pool_dir.join("up.img");
    assert!(
        std::fs::read(&on_host).unwrap() == content,
        "the volume differs from the file"
    );
    // The hole travelled as a hole.
    assert!(
        bytes_on_disk(&on_host) < 6 * MIB,
        "{} bytes allocated",
        bytes_on_disk(&on_host)
    );

    // Back into a local file.
    let back = local.path().join("back.img");
    send(
        &page,
        Msg::Transfer(Transfer::Download {
            path: volume_path(&page, "up.img"),
            file: back.clone(),
        }),
    );
    assert_eq!(page.model().error(), None);
    assert!(
        std::fs::read(&back).unwrap() == content,
        "the download differs"
    );
    assert!(bytes_on_disk(&back) < 6 * MIB, "the download lost its hole");

    // Over the start of an existing, larger volume; the rest stays.
    virsh(
        &d,
        &["vol-create-as", "tp", "big.raw", "16M", "--format", "raw"],
    );
    std::fs::File::options()
        .write(true)
        .open(pool_dir.join("big.raw"))
        .unwrap()
        .write_all_at(&[0xAB; 4096], 15 * MIB)
        .unwrap();
    send(&page, Msg::Reload);
    send(
        &page,
        Msg::Transfer(Transfer::UploadInto {
            path: volume_path(&page, "big.raw"),
            file: source.clone(),
        }),
    );
    assert_eq!(page.model().error(), None);
    let big = std::fs::read(pool_dir.join("big.raw")).unwrap();
    assert_eq!(big.len() as u64, 16 * MIB);
    assert!(big[..content.len()] == content[..], "the upload differs");
    assert!(big[15 * MIB as usize..][..4096].iter().all(|&b| b == 0xAB));

    // Refused, with nothing changed: a taken name, a file larger than the volume, no file.
    let before = virsh_volumes(&d, "tp");
    let missing = local.path().join("missing.raw");
    virsh(
        &d,
        &["vol-create-as", "tp", "small.raw", "1M", "--format", "raw"],
    );
    send(&page, Msg::Reload);
    let cases = [
        (
            Transfer::UploadNew {
                pool: "tp".into(),
                name: "up.img".into(),
                file: source.clone(),
            },
            "already has a volume",
        ),
        (
            Transfer::UploadInto {
                path: volume_path(&page, "small.raw"),
                file: source.clone(),
            },
            "larger than",
        ),
        (
            Transfer::UploadNew {
                pool: "tp".into(),
                name: "missing.img".into(),
                file: missing.clone(),
            },
            "cannot be read",
        ),
    ];
    for (t, expect) in cases {
        send(&page, Msg::Transfer(t));
        let e = page.model().error().expect("no error shown").to_owned();
        assert!(e.contains(expect), "{e}");
    }
    let mut after = before.clone();
    after.push("small.raw".into());
    after.sort();
    assert_eq!(virsh_volumes(&d, "tp"), after);
    assert!(std::fs::read(pool_dir.join("up.img")).unwrap() == content);
    win.destroy();
}

/// This process's resident memory in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib * 1024
}

/// Starts `t` without holes and cancels it from the bar's button once more than 256 MiB went;
/// memory meanwhile stays flat (no whole-file buffers).
fn cancel_midway(page: &relm4::Controller<StoragePage>, t: Transfer) {
    let forms = page.widgets().forms.clone();
    forms.tools.sparse.set_active(false);
    let before = page.model().loads();
    let memory = rss();
    page.emit(Msg::Transfer(t));
    assert!(
        wait_until(60, || page
            .model()
            .activity()
            .and_then(|a| a.progress)
            .is_some_and(|p| p.done > 256 * MIB)),
        "the transfer did not get going: {:?}",
        page.model().error()
    );
    let a = page
        .model()
        .activity()
        .map(|a| (a.cancellable(), a.progress));
    let (cancellable, progress) = a.unwrap();
    assert!(cancellable);
    let p = progress.unwrap();
    assert!(
        p.done < p.total,
        "the transfer ended before the cancel: {p:?}"
    );
    assert!(p.rate > 0.0, "no rate shown: {p:?}");
    let grown = rss().saturating_sub(memory);
    assert!(
        grown < 64 * MIB,
        "resident memory grew by {grown} bytes while {} went",
        p.done
    );
    assert!(forms.activity.root.is_visible() && forms.activity.cancel.is_visible());
    assert!(forms.activity.progress.fraction() > 0.0);
    forms.activity.cancel.emit_clicked();
    assert!(
        wait_until(60, || page.model().loads() > before && !page.model().busy()),
        "the cancel did not end the transfer"
    );
    assert!(page.model().activity().is_none());
    assert!(!forms.activity.root.is_visible());
    forms.tools.sparse.set_active(true);
}

#[gtk::test]
fn a_cancelled_transfer_leaves_nothing_behind_without_saying_so() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let pool_dir = running_pool(&d, "cp");
    let local = tempfile::tempdir().unwrap();
    // 8 GiB that take no space here; sent without holes, they take long enough to cancel.
    let large = local.path().join("large.img");
    std::fs::File::create(&large)
        .unwrap()
        .set_len(8 << 30)
        .unwrap();
    let (win, page) = open(&d);
    select_pool(&page, "cp");

    // A new volume made for the upload is deleted again.
    cancel_midway(
        &page,
        Transfer::UploadNew {
            pool: "cp".into(),
            name: "partial.img".into(),
            file: large.clone(),
        },
    );
    assert_eq!(page.model().error(), None);
    let notice = page.model().notice().unwrap().to_owned();
    assert!(
        notice.contains("cancelled") && notice.contains("deleted"),
        "{notice}"
    );
    assert!(virsh_volumes(&d, "cp").is_empty());
    assert!(!pool_dir.join("partial.img").exists());

    // An existing volume is said to be partially written.
    virsh(
        &d,
        &["vol-create-as", "cp", "kept.raw", "8G", "--format", "raw"],
    );
    send(&page, Msg::Reload);
    cancel_midway(
        &page,
        Transfer::UploadInto {
            path: volume_path(&page, "kept.raw"),
            file: large.clone(),
        },
    );
    let e = page
        .model()
        .error()
        .expect("no word of the partial write")
        .to_owned();
    assert!(
        e.contains("partially written") && e.contains("kept.raw"),
        "{e}"
    );
    assert_eq!(virsh_volumes(&d, "cp"), ["kept.raw"]);

    // A cancelled download removes its partial file.
    page.emit(Msg::DismissError);
    assert!(wait_until(5, || page.model().error().is_none()));
    let out = local.path().join("out.img");
    cancel_midway(
        &page,
        Transfer::Download {
            path: volume_path(&page, "kept.raw"),
            file: out.clone(),
        },
    );
    let notice = page.model().notice().unwrap().to_owned();
    assert!(
        notice.contains("cancelled") && notice.contains("removed"),
        "{notice}"
    );
    assert!(!out.exists(), "the partial download is still there");
    win.destroy();
}

#[gtk::test]
fn wipe_asks_first_and_clone_copies_under_a_free_name() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let pool_dir = running_pool(&d, "wp");
    let data = noise(4 * MIB as usize, 3);
    std::fs::write(pool_dir.join("data.raw"), &data).unwrap();
    virsh(&d, &["pool-refresh", "wp"]);
    let (win, page) = open(&d);
    select_pool(&page, "wp");
    select_volume(&page, "data.raw");
    let forms = page.widgets().forms.clone();

    // Clone: the proposed name is free, the copy is exact, the bar is gone at the end.
    assert_eq!(forms.tools.clone_name.text(), "data-clone.raw");
    act(&page, || forms.tools.clone.emit_clicked());
    assert_eq!(page.model().error(), None);
    assert!(std::fs::read(pool_dir.join("data-clone.raw")).unwrap() == data);
    assert!(page.model().activity().is_none());
    assert!(!forms.activity.root.is_visible());
    assert_eq!(virsh_volumes(&d, "wp"), ["data-clone.raw", "data.raw"]);
    select_volume(&page, "data.raw");
    assert_eq!(forms.tools.clone_name.text(), "data-clone-2.raw");
    // A taken name typed over the proposal is refused.
    forms.tools.clone_name.set_text("data-clone.raw");
    act(&page, || forms.tools.clone.emit_clicked());
    let e = page.model().error().unwrap().to_owned();
    assert!(e.contains("already has a volume"), "{e}");

    // Wipe: “no” keeps the data, “yes” zeros it.
    select_volume(&page, "data.raw");
    page.emit(Msg::WipeVolume);
    assert!(wait_until(5, || matches!(
        page.model().question(),
        Some(Question::WipeVolume { name, .. }) if name == "data.raw"
    )));
    page.emit(Msg::Respond(false));
    assert!(wait_until(5, || page.model().question().is_none()));
    assert!(std::fs::read(pool_dir.join("data.raw")).unwrap() == data);
    page.emit(Msg::WipeVolume);
    assert!(wait_until(5, || page.model().question().is_some()));
    send(&page, Msg::Respond(true));
    assert_eq!(page.model().error(), None);
    let wiped = std::fs::read(pool_dir.join("data.raw")).unwrap();
    assert_eq!(wiped.len(), data.len());
    assert!(wiped.iter().all(|&b| b == 0), "the volume is not all zeros");
    assert!(std::fs::read(pool_dir.join("data-clone.raw")).unwrap() == data);
    win.destroy();
}
