//! The `vsh` example's snapshot commands against virsh on the same daemon: the test driver's
//! tree of snapshots, and a running QEMU VM with a qcow2 disk (a snapshot with memory,
//! reverting to it, deleting a branch with its children). Each command that changes
//! something runs once per tool on its own snapshot; what lists and shows runs in both and
//! must print the same bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod vsh;

use std::time::Duration;

use testbed::{Libvirtd, unique_name, wait};
use virt_client::domain::snapshot::list;
use virt_client::{Connection, Domain};
use vsh::{compare_err, compare_ok, output, vsh_path};

/// Runs `prog ARGS` (vsh or virsh) that must succeed; its standard output.
fn ok(prog: &str, uri: &str, args: &[&str]) -> String {
    let prog = if prog == "vsh" {
        vsh_path().to_str().unwrap().to_string()
    } else {
        prog.to_string()
    };
    let out = output(&prog, uri, args, &[]);
    assert!(
        out.status.success(),
        "{prog} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The commands that only read, in both tools.
fn compare_views(uri: &str, dom: &str, names: &[&str]) {
    for args in [
        &["snapshot-list", dom][..],
        &["snapshot-list", dom, "--name"],
        &["snapshot-list", dom, "--tree"],
        &["snapshot-list", dom, "--parent"],
        &["snapshot-list", "--domain", dom, "--parent"],
        &["snapshot-current", dom],
        &["snapshot-current", dom, "--name"],
    ] {
        compare_ok(uri, args);
    }
    for n in names {
        compare_ok(uri, &["snapshot-dumpxml", dom, n]);
    }
}

#[test]
fn test_driver_snapshot_commands_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.test_uri();
    // The test driver's default node lives while a connection to it is open.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let conn = rt.block_on(Connection::open(&uri)).unwrap();
    let name = unique_name("vshsnap");
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(
        &file,
        format!(
            "<domain type='test'><name>{name}</name><memory>131072</memory><vcpu>1</vcpu>\
             <os><type>hvm</type></os></domain>"
        ),
    )
    .unwrap();
    d.virsh(&uri, &["define", file.to_str().unwrap()]).unwrap();
    d.virsh(&uri, &["start", &name]).unwrap();

    // No snapshot yet: empty tables, and no current one.
    compare_ok(&uri, &["snapshot-list", &name]);
    compare_ok(&uri, &["snapshot-list", &name, "--tree"]);
    compare_err(&uri, &["snapshot-current", &name]);

    // One tool makes each snapshot; both print the same line for it.
    let a = ok(
        "vsh",
        &uri,
        &["snapshot-create-as", &name, "a", "the first <one> & 'only'"],
    );
    assert_eq!(a, "Domain snapshot a created\n");
    let b = ok("virsh", &uri, &["snapshot-create-as", &name, "--name", "b"]);
    assert_eq!(b, "Domain snapshot b created\n");
    let c = ok(
        "vsh",
        &uri,
        &[
            "snapshot-create-as",
            "--domain",
            &name,
            "--name",
            "c",
            "--description=third",
        ],
    );
    assert_eq!(c, "Domain snapshot c created\n");
    // A second branch from a: revert, then create.
    let r = ok("vsh", &uri, &["snapshot-revert", &name, "a"]);
    assert_eq!(r, ok("virsh", &uri, &["snapshot-revert", &name, "a"]));
    ok("vsh", &uri, &["snapshot-create-as", &name, "B2"]);
    ok("virsh", &uri, &["snapshot-create-as", &name, "d"]);
    compare_views(&uri, &name, &["a", "b", "c", "B2", "d"]);
    // Creation times in other time zones.
    for (tz, offset) in [("Asia/Kolkata", "+0530"), ("America/St_Johns", "-0")] {
        let args = ["snapshot-list", name.as_str(), "--parent"];
        let (out, ok) = vsh::compare_env(&uri, &args, &[("TZ", tz)]);
        assert!(ok && out.contains(offset), "{out}");
    }

    // The daemon agrees with the tree vsh printed.
    let dom = rt.block_on(Domain::lookup_by_name(&conn, &name)).unwrap();
    let a_snap = rt.block_on(dom.snapshot_lookup("a")).unwrap();
    let kids = rt.block_on(a_snap.children(0)).unwrap();
    let mut kid_names: Vec<&str> = kids.iter().map(|s| s.name()).collect();
    kid_names.sort();
    assert_eq!(kid_names, ["B2", "b"]);
    assert_eq!(
        rt.block_on(a_snap.num_children(list::DESCENDANTS)).unwrap(),
        4
    );
    assert_eq!(rt.block_on(dom.snapshot_count(0)).unwrap(), 5);
    let d_snap = rt.block_on(dom.snapshot_lookup("d")).unwrap();
    assert_eq!(
        rt.block_on(d_snap.parent())
            .unwrap()
            .map(|p| p.name().to_string()),
        Some("B2".to_string())
    );
    assert!(rt.block_on(a_snap.parent()).unwrap().is_none());
    assert!(rt.block_on(d_snap.is_current()).unwrap());
    assert!(rt.block_on(d_snap.has_metadata()).unwrap());

    // Revert flags and --current.
    for args in [
        &["snapshot-revert", &name, "b", "--paused"][..],
        &["snapshot-revert", &name, "--current", "--running"],
    ] {
        assert_eq!(ok("vsh", &uri, args), ok("virsh", &uri, args));
    }
    assert_eq!(
        d.virsh(&uri, &["domstate", &name]).unwrap().trim(),
        "running"
    );
    // Errors read the same.
    compare_err(&uri, &["snapshot-dumpxml", &name, "nosuch"]);
    compare_err(&uri, &["snapshot-list"]);
    compare_err(&uri, &["snapshot-revert", &name, "nosuch"]);
    compare_err(&uri, &["snapshot-delete", &name, "nosuch"]);

    // Deleting: one with children (they move up to its parent), a branch with its
    // children, the current one.
    assert_eq!(
        ok("vsh", &uri, &["snapshot-delete", &name, "b"]),
        "Domain snapshot b deleted\n\n"
    );
    compare_views(&uri, &name, &["a", "c", "B2", "d"]);
    assert_eq!(
        ok("vsh", &uri, &["snapshot-delete", &name, "B2", "--children"]),
        "Domain snapshot B2 deleted\n\n"
    );
    compare_views(&uri, &name, &["a", "c"]);
    ok("virsh", &uri, &["snapshot-revert", &name, "c"]);
    ok("vsh", &uri, &["snapshot-delete", &name, "--current"]);
    compare_ok(&uri, &["snapshot-list", &name, "--tree"]);
    // Its parent became current.
    assert_eq!(
        compare_ok(&uri, &["snapshot-current", &name, "--name"]),
        "a\n"
    );
    assert_eq!(
        ok("vsh", &uri, &["snapshot-list", &name, "--name"]),
        "a\n\n"
    );
    // The test driver keeps no data apart from metadata: both tools report the refusal alike.
    compare_err(&uri, &["snapshot-delete", &name, "a", "--metadata"]);
    ok("vsh", &uri, &["snapshot-delete", &name, "a"]);
    compare_ok(&uri, &["snapshot-list", &name]);

    d.virsh(&uri, &["destroy", &name]).unwrap();
    d.virsh(&uri, &["undefine", &name]).unwrap();
    rt.block_on(conn.close()).unwrap();
}

/// A running TCG VM with one qcow2 disk in the daemon's directory; its name and the disk.
fn qcow2_vm(d: &Libvirtd, uri: &str, prefix: &str) -> (String, std::path::PathBuf) {
    let name = unique_name(prefix);
    let disk = d.dir().join(format!("{name}.qcow2"));
    let st = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&disk)
        .arg("16M")
        .status()
        .unwrap();
    assert!(st.success());
    let xml = testbed::vm::tiny_xml(&name).replace(
        "<devices>\n",
        &format!(
            "<devices>\n    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
             <source file='{}'/><target dev='vda' bus='virtio'/></disk>\n",
            disk.display()
        ),
    );
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    d.virsh(uri, &["define", file.to_str().unwrap()]).unwrap();
    d.virsh(uri, &["start", &name]).unwrap();
    (name, disk)
}

#[test]
fn qemu_snapshots_with_memory_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let (name, disk) = qcow2_vm(d, &uri, "vshsnapq");

    // Snapshots with memory of the running VM (internal, in the qcow2 file).
    assert_eq!(
        ok(
            "vsh",
            &uri,
            &[
                "snapshot-create-as",
                &name,
                "one",
                "with memory",
                "--atomic"
            ]
        ),
        "Domain snapshot one created\n"
    );
    ok("virsh", &uri, &["snapshot-create-as", &name, "two"]);
    ok("vsh", &uri, &["snapshot-create-as", &name, "three"]);
    compare_views(&uri, &name, &["one", "two", "three"]);
    let xml = ok("vsh", &uri, &["snapshot-dumpxml", &name, "one"]);
    assert!(xml.contains("<state>running</state>"), "{xml}");
    assert!(xml.contains("<memory snapshot='internal'/>"), "{xml}");

    // The qcow2 file holds them.
    let info = std::process::Command::new("qemu-img")
        .args(["snapshot", "-l", "-U"])
        .arg(&disk)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    for n in ["one", "two", "three"] {
        assert!(info.contains(n), "{n} not in the image: {info}");
    }

    // Revert to a snapshot with memory, paused, then running.
    assert_eq!(
        ok("vsh", &uri, &["snapshot-revert", &name, "one", "--paused"]),
        "Domain snapshot one reverted\n\n"
    );
    assert_eq!(
        d.virsh(&uri, &["domstate", &name]).unwrap().trim(),
        "paused"
    );
    ok(
        "virsh",
        &uri,
        &["snapshot-revert", &name, "--current", "--running"],
    );
    assert!(wait::until(Duration::from_secs(10), || {
        d.virsh(&uri, &["domstate", &name]).unwrap().trim() == "running"
    }));
    compare_ok(&uri, &["snapshot-current", &name, "--name"]);

    // Delete "two" with its child "three": the image keeps only "one".
    assert_eq!(
        ok(
            "vsh",
            &uri,
            &["snapshot-delete", &name, "two", "--children"]
        ),
        "Domain snapshot two deleted\n\n"
    );
    compare_views(&uri, &name, &["one"]);
    let info = std::process::Command::new("qemu-img")
        .args(["snapshot", "-l", "-U"])
        .arg(&disk)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(
        info.contains("one") && !info.contains("two") && !info.contains("three"),
        "{info}"
    );

    // Without metadata: in the image, not in libvirt's list.
    assert_eq!(
        ok(
            "vsh",
            &uri,
            &["snapshot-create-as", &name, "nometa", "--no-metadata"]
        ),
        "Domain snapshot nometa created\n"
    );
    compare_views(&uri, &name, &["one"]);
    let info = std::process::Command::new("qemu-img")
        .args(["snapshot", "-l", "-U"])
        .arg(&disk)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("nometa"));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let conn = Connection::open(&uri).await.unwrap();
        let dom = Domain::lookup_by_name(&conn, &name).await.unwrap();
        assert_eq!(dom.snapshot_count(0).await.unwrap(), 1);
        assert_eq!(dom.snapshot_count(list::ACTIVE).await.unwrap(), 1);
        conn.close().await.unwrap();
    });

    let _ = d.virsh(&uri, &["destroy", &name]);
    let _ = d.virsh(&uri, &["undefine", "--snapshots-metadata", &name]);
}

/// A raw disk holds no internal snapshot: both tools report libvirt's refusal alike; a
/// disk-only snapshot puts a qcow2 overlay on it. libvirt 9.0 neither reverts to an external
/// snapshot nor deletes one with its children, and both tools say so alike; deleting the
/// metadata only leaves every file the disk still reads.
#[test]
fn qemu_raw_disk_external_snapshots_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = unique_name("vshsnapraw");
    let disk = d.dir().join(format!("{name}.img"));
    std::fs::write(&disk, vec![0u8; 1 << 20]).unwrap();
    let xml = testbed::vm::tiny_xml(&name).replace(
        "<devices>\n",
        &format!(
            "<devices>\n    <disk type='file' device='disk'><driver name='qemu' type='raw'/>\
             <source file='{}'/><target dev='vda' bus='virtio'/></disk>\n",
            disk.display()
        ),
    );
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    d.virsh(&uri, &["define", file.to_str().unwrap()]).unwrap();
    d.virsh(&uri, &["start", &name]).unwrap();

    compare_err(&uri, &["snapshot-create-as", &name, "internal"]);
    assert_eq!(
        ok(
            "vsh",
            &uri,
            &["snapshot-create-as", &name, "e1", "--disk-only", "--atomic"]
        ),
        "Domain snapshot e1 created\n"
    );
    ok(
        "virsh",
        &uri,
        &["snapshot-create-as", &name, "e2", "--disk-only"],
    );
    let overlay = |n: &str| d.dir().join(format!("{name}.{n}"));
    assert!(overlay("e1").exists() && overlay("e2").exists());
    compare_views(&uri, &name, &["e1", "e2"]);
    compare_err(&uri, &["snapshot-revert", &name, "e1"]);
    compare_err(&uri, &["snapshot-delete", &name, "e1", "--children"]);

    // Metadata only: e1's overlay stays, as e2's overlay reads through it.
    ok("vsh", &uri, &["snapshot-delete", &name, "e1", "--metadata"]);
    assert!(overlay("e1").exists() && overlay("e2").exists() && disk.exists());
    let chain = std::process::Command::new("qemu-img")
        .args(["info", "-U", "--backing-chain"])
        .arg(overlay("e2"))
        .output()
        .unwrap();
    let chain = String::from_utf8_lossy(&chain.stdout).into_owned();
    assert!(
        chain.contains(&format!("{name}.e1")) && chain.contains(&format!("{name}.img")),
        "{chain}"
    );
    compare_ok(&uri, &["snapshot-list", &name, "--tree"]);

    let _ = d.virsh(&uri, &["destroy", &name]);
    let _ = d.virsh(&uri, &["undefine", "--snapshots-metadata", &name]);
}
