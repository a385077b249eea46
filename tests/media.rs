//! Disk and ISO images are read on the host, through libvirt: over a TCP connection (a host
//! that is not this computer as far as the app can tell) the format comes from the volume's XML
//! and the ISO's label through a download stream; a path outside every pool is refused there
//! and read as a file only on a local connection.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use hangar::session::media;
use testbed::{Libvirtd, unique_name};
use virt_client::Connection;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn images_are_read_through_the_host() {
    let d = Libvirtd::shared();
    let dir = tempfile::tempdir().unwrap();
    let pool_dir = dir.path().join("pool");
    std::fs::create_dir(&pool_dir).unwrap();
    let qcow = pool_dir.join("disk.img");
    run(Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&qcow)
        .arg("16M"));
    let raw = pool_dir.join("plain.qcow2");
    std::fs::write(&raw, vec![0u8; 1 << 20]).unwrap();
    let content = dir.path().join("iso-content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(content.join("README"), b"hello").unwrap();
    let iso = pool_dir.join("install.iso");
    run(Command::new("xorriso")
        .args([
            "-as",
            "mkisofs",
            "-quiet",
            "-V",
            "HANGAR_TEST_42",
            "-sysid",
            "LINUX",
            "-o",
        ])
        .arg(&iso)
        .arg(&content));
    let outside = dir.path().join("outside.img");
    run(Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&outside)
        .arg("1M"));

    let qemu = d.qemu_uri();
    let pool = unique_name("media");
    let target = pool_dir.display().to_string();
    d.virsh(
        &qemu,
        &["pool-create-as", &pool, "dir", "--target", &target],
    )
    .unwrap();
    let tcp = format!("qemu+tcp://127.0.0.1:{}/system", d.tcp_port());
    let rt = runtime();
    let (qcow, raw, iso, outside) = (
        qcow.display().to_string(),
        raw.display().to_string(),
        iso.display().to_string(),
        outside.display().to_string(),
    );
    rt.block_on(async {
        let remote = Connection::open(&tcp).await.unwrap();
        assert!(!media::is_local(&remote));
        assert_eq!(media::image_format(&remote, &qcow).await.unwrap(), "qcow2");
        // The volume's XML decides, not the name.
        assert_eq!(media::image_format(&remote, &raw).await.unwrap(), "raw");
        let info = media::iso_info(&remote, &iso).await.unwrap();
        assert_eq!(info.volume_id, "HANGAR_TEST_42");
        assert_eq!(info.system_id, "LINUX");
        // Not a volume: nothing is read from this computer for a remote host.
        let err = media::image_format(&remote, &outside).await.unwrap_err();
        assert!(err.contains("is not a volume"), "{err}");
        let err = media::iso_info(&remote, &outside).await.unwrap_err();
        assert!(err.contains("is not a volume"), "{err}");
        // A disk image is not an ISO.
        assert!(media::iso_info(&remote, &qcow).await.is_err());
        remote.close().await.unwrap();

        // On this computer a file outside the pools is read as a file.
        let local = Connection::open(&qemu).await.unwrap();
        assert!(media::is_local(&local));
        assert_eq!(
            media::image_format(&local, &outside).await.unwrap(),
            "qcow2"
        );
        assert!(
            media::image_format(&local, "/nonexistent/x.img")
                .await
                .is_err()
        );
        local.close().await.unwrap();
    });
    d.virsh(&qemu, &["pool-destroy", &pool]).unwrap();
}
