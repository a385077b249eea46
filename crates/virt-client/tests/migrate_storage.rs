//! Copying storage incrementally between two private daemons: both hosts share a base image
//! and each has its own qcow2 overlay on it; only what the source's overlay holds travels, and
//! the destination's overlay then reads as the source's disk did.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod migration;

use std::path::Path;
use std::process::Command;

use migration::{domstate, pair};
use virt_client::Domain;
use virt_client::domain::{CopyStorage, MigrateOptions};

const MIB: usize = 1 << 20;

fn run(program: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn overlay(path: &Path, base: &Path) {
    let (path, base) = (path.to_str().unwrap(), base.to_str().unwrap());
    run(
        "qemu-img",
        &["create", "-q", "-f", "qcow2", "-b", base, "-F", "raw", path],
    );
}

/// The disk as the guest sees it: the overlay with its base, as raw bytes.
fn contents(path: &Path) -> Vec<u8> {
    let raw = path.with_extension("check.raw");
    let (from, to) = (path.to_str().unwrap(), raw.to_str().unwrap());
    run(
        "qemu-img",
        &["convert", "-f", "qcow2", "-O", "raw", from, to],
    );
    let bytes = std::fs::read(&raw).unwrap();
    std::fs::remove_file(&raw).unwrap();
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_storage_incremental_copies_only_the_overlay() {
    let p = pair().await;
    let name = testbed::unique_name("migi");
    // The shared base: 8 MiB of random bytes, in one place both daemons see.
    let base = p.src.dir().join(format!("{name}-base.raw"));
    let mut bytes = vec![0u8; 8 * MIB];
    {
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .unwrap()
            .read_exact(&mut bytes)
            .unwrap();
    }
    std::fs::write(&base, &bytes).unwrap();
    let (src_disk, dst_disk) = (
        p.src.dir().join(format!("{name}.qcow2")),
        p.dst.dir().join(format!("{name}.qcow2")),
    );
    overlay(&src_disk, &base);
    overlay(&dst_disk, &base);
    // The source's overlay holds 1 MiB of its own.
    run(
        "qemu-io",
        &[
            "-f",
            "qcow2",
            "-c",
            "write -q -P 0xab 0 1M",
            src_disk.to_str().unwrap(),
        ],
    );
    let mut want = bytes.clone();
    want[..MIB].fill(0xab);
    assert!(contents(&src_disk) == want);

    let disk = format!(
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{}'/><target dev='vda' bus='virtio'/></disk>\n    \
         <controller type='usb' model='none'/>",
        src_disk.display()
    );
    let xml = testbed::vm::tiny_xml(&name).replace("<controller type='usb' model='none'/>", &disk);
    let dom = Domain::create_xml(&p.s, &xml, 0).await.unwrap();
    // VIR_DOMAIN_XML_MIGRATABLE = 8.
    let dest_xml = dom
        .xml_desc(8)
        .await
        .unwrap()
        .replace(&*src_disk.to_string_lossy(), &dst_disk.to_string_lossy());
    let opts = MigrateOptions {
        live: true,
        copy_storage: Some(CopyStorage::Incremental),
        migrate_uri: Some(p.dst.migrate_uri()),
        dest_xml: Some(dest_xml),
        ..Default::default()
    };
    dom.migrate(&p.d, &opts).await.unwrap();
    assert_eq!(domstate(&p.dst, &name), "running");
    // Stop the guest so that its disk is closed before it is read.
    p.dst.virsh(&p.dst.qemu_uri(), &["destroy", &name]).unwrap();
    assert!(
        contents(&dst_disk) == want,
        "the destination's overlay over the base reads as the source's disk"
    );
    // Only the overlay's megabyte travelled, not the 8 MiB base.
    let size = std::fs::metadata(&dst_disk).unwrap().len();
    assert!(size < 4 * MIB as u64, "destination overlay is {size} bytes");
}
