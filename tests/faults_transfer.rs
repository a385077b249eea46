//! Volume transfers of the storage page ([`hangar::ui::storage::transfer`]) cut mid-stream by
//! a proxy ([`testbed::faults`]) between them and a real daemon: an upload into a new volume
//! and a download each end in a message that says what happened and what was left behind,
//! never a panic; once reconnected the pool lists what `virsh vol-list` lists.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use std::path::Path;

use hangar::ui::storage::transfer::{self, Transfer};
use support::storage::{running_pool, virsh_volumes};
use testbed::faults::{CallFault, Fault, FaultProxy};
use testbed::{Libvirtd, unique_name};
use virt_client::{Connection, StoragePool};

const MIB: usize = 1 << 20;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The system connection of `d` through `proxy`.
fn through(proxy: &FaultProxy) -> String {
    format!("qemu+unix:///system?socket={}", proxy.socket().display())
}

/// Runs `t` (not sparse, never cancelled) over `uri`.
fn run(rt: &tokio::runtime::Runtime, uri: &str, t: Transfer) -> Result<String, String> {
    let uri = uri.to_owned();
    rt.block_on(async move {
        let conn = Connection::open(&uri).await.unwrap();
        let (_keep, cancel) = tokio::sync::watch::channel(false);
        let out = transfer::run(&conn, &t, false, cancel, |_| {}).await;
        let _ = conn.close().await;
        out
    })
}

/// The pool's volume names as a fresh connection through `uri` lists them, sorted.
fn listed(rt: &tokio::runtime::Runtime, uri: &str, pool: &str) -> Vec<String> {
    rt.block_on(async {
        let conn = Connection::open(uri).await.unwrap();
        let pool = StoragePool::lookup_by_name(&conn, pool).await.unwrap();
        let mut names: Vec<String> = pool
            .list_volumes()
            .await
            .unwrap()
            .iter()
            .map(|v| v.name().to_owned())
            .collect();
        names.sort();
        conn.close().await.unwrap();
        names
    })
}

/// A local file of `len` non-zero bytes (so every byte travels as data).
fn file_of(path: &Path, len: usize) {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk: Vec<u8> = (0..MIB).map(|i| (i % 251) as u8 + 1).collect();
    for _ in 0..len / MIB {
        f.write_all(&chunk).unwrap();
    }
}

#[test]
fn an_upload_into_a_new_volume_cut_midway_says_what_it_left() {
    let d = Libvirtd::shared();
    let pool = unique_name("cut-up");
    running_pool(d, &pool);
    let proxy = FaultProxy::start(&d.socket()).unwrap();
    let uri = through(&proxy);
    let rt = rt();
    let local = d.dir().join(format!("{pool}-src.img"));
    file_of(&local, 16 * MIB);
    proxy.set_calls(CallFault::CutAfterData(3 * MIB as u64));
    let err = run(
        &rt,
        &uri,
        Transfer::UploadNew {
            pool: pool.clone(),
            name: "half.img".into(),
            file: local.clone(),
        },
    )
    .expect_err("the cut upload succeeded");
    assert_eq!(proxy.struck(), 1);
    // The volume was made before the cut and cannot be deleted over the lost connection: the
    // message names it, says it stays, and why the upload stopped.
    assert!(err.contains("“half.img”"), "{err}");
    assert!(err.contains("failed: "), "{err}");
    assert!(err.contains("could not be deleted"), "{err}");
    assert!(err.to_lowercase().contains("connection"), "{err}");
    eprintln!("upload cut: {err}");
    let want = virsh_volumes(d, &pool);
    assert_eq!(want, ["half.img"]);
    assert_eq!(listed(&rt, &uri, &pool), want);

    // Cut as the upload is asked for: nothing was made, and the message says only why.
    proxy.set_calls(CallFault::CutAtCall {
        procedure: 208,
        nth: 1,
    });
    let err = run(
        &rt,
        &uri,
        Transfer::UploadNew {
            pool: pool.clone(),
            name: "never.img".into(),
            file: local,
        },
    )
    .expect_err("the cut upload succeeded");
    assert_eq!(proxy.struck(), 2);
    assert!(err.contains("“never.img”"), "{err}");
    eprintln!("upload call cut: {err}");
    let want = virsh_volumes(d, &pool);
    assert_eq!(listed(&rt, &uri, &pool), want);
    if want.contains(&"never.img".to_owned()) {
        assert!(err.contains("could not be deleted"), "{err}");
    }
}

#[test]
fn a_download_cut_midway_removes_its_partial_file_and_says_so() {
    let d = Libvirtd::shared();
    let pool = unique_name("cut-down");
    running_pool(d, &pool);
    let qemu = d.qemu_uri();
    d.virsh(&qemu, &["vol-create-as", &pool, "whole.img", "16M"])
        .unwrap();
    let local = d.dir().join(format!("{pool}-src.img"));
    file_of(&local, 16 * MIB);
    d.virsh(
        &qemu,
        &[
            "vol-upload",
            "--pool",
            &pool,
            "whole.img",
            &local.display().to_string(),
        ],
    )
    .unwrap();
    let path = d
        .virsh(&qemu, &["vol-path", "--pool", &pool, "whole.img"])
        .unwrap()
        .trim()
        .to_owned();
    let proxy = FaultProxy::start(&d.socket()).unwrap();
    let uri = through(&proxy);
    let rt = rt();
    let target = d.dir().join(format!("{pool}-down.img"));
    // A few replies, then stream data: the 30th packet is well inside the 16 MiB.
    proxy.set(Fault::Cut {
        packet: 30,
        bytes: 1000,
    });
    let err = run(
        &rt,
        &uri,
        Transfer::Download {
            path: path.clone(),
            file: target.clone(),
        },
    )
    .expect_err("the cut download succeeded");
    assert_eq!(proxy.struck(), 1);
    assert!(err.contains("“whole.img”"), "{err}");
    assert!(err.contains("was removed"), "{err}");
    eprintln!("download cut: {err}");
    assert!(!target.exists(), "the partial file is left");
    assert_eq!(listed(&rt, &uri, &pool), virsh_volumes(d, &pool));
    // Through the proxy again, uncut, the download is whole.
    let ok = run(
        &rt,
        &uri,
        Transfer::Download {
            path,
            file: target.clone(),
        },
    )
    .unwrap();
    assert!(ok.contains("whole.img"), "{ok}");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        std::fs::read(&local).unwrap()
    );
}
