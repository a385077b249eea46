//! More migrations between two private daemons: a real Linux guest that still answers on its
//! serial console afterwards, a switch to post-copy, an offline migration of a definition,
//! and a disk copied along.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod migration;

use std::time::Duration;

use migration::{domstate, gone, pair, persistent};
use virt_client::domain::migrate::param;
use virt_client::domain::{JobType, MigrateOptions, MigrationPhase, VmLocation};
use virt_client::{Domain, Stream, TypedParam, TypedParamValue};

/// The small Linux guest ([`testbed::guest::linux_guest`]): a root shell on ttyS0, prompt
/// `guest# `.
fn linux_guest_xml(name: &str, dir: &std::path::Path) -> String {
    format!(
        "<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0,115200 quiet cryptomgr.notests lapic_timer_period=4000000 no_timer_check tsc=reliable mitigations=off</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
  </devices>
</domain>
",
        kernel = dir.join("vmlinuz").display(),
        initrd = dir.join("initramfs.gz").display(),
    )
}

/// Reads the console until `want` shows up, sending `poke` every 3 s; what was read.
async fn expect(console: &mut Stream, want: &str, poke: &[u8], limit: Duration) -> String {
    let deadline = tokio::time::Instant::now() + limit;
    let mut seen = String::new();
    loop {
        console.send(poke).await.unwrap();
        let until = (tokio::time::Instant::now() + Duration::from_secs(3)).min(deadline);
        while let Ok(chunk) = tokio::time::timeout_at(until, console.recv()).await {
            match chunk.unwrap() {
                Some(b) => seen.push_str(&String::from_utf8_lossy(&b)),
                None => panic!("the console closed; read so far: {seen:?}"),
            }
            if seen.contains(want) {
                return seen;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {want:?} on the console: {seen:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linux_guest_answers_on_its_console_after_live_migration() {
    let dir = testbed::guest::linux_guest().expect("the Linux test guest");
    let p = pair().await;
    let name = testbed::unique_name("migl");
    let dom = Domain::create_xml(&p.s, &linux_guest_xml(&name, &dir), 0)
        .await
        .unwrap();
    let mut console = dom.open_console(None, 0).await.unwrap();
    expect(&mut console, "guest# ", b"\r", Duration::from_secs(90)).await;
    // Something in the guest's memory that must survive the move.
    expect(
        &mut console,
        "set-ok",
        b"export MARK=$((6*7)); echo set-ok\r",
        Duration::from_secs(20),
    )
    .await;
    drop(console);

    let opts = MigrateOptions {
        live: true,
        migrate_uri: Some(p.dst.migrate_uri()),
        ..Default::default()
    };
    let moved = dom.migrate(&p.d, &opts).await.unwrap();
    assert_eq!(domstate(&p.dst, &name), "running");
    assert!(gone(&p.src, &name));

    let mut console = moved.open_console(None, 0).await.unwrap();
    expect(
        &mut console,
        "mark-42",
        b"echo mark-$MARK\r",
        Duration::from_secs(30),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_copy_finishes_on_the_destination() {
    let p = pair().await;
    let name = testbed::unique_name("migpc");
    let fill = p.src.dir().join(format!("{name}.fill"));
    let xml = testbed::vm::tiny_filled_xml(&name, 64, &fill, 24).unwrap();
    let dom = Domain::create_xml(&p.s, &xml, 0).await.unwrap();
    // Pre-copy crawls at 1 MiB/s; post-copy may use 1 GiB/s.
    let opts = MigrateOptions {
        live: true,
        post_copy: true,
        bandwidth_mib: Some(1),
        migrate_uri: Some(p.dst.migrate_uri()),
        extra_params: vec![TypedParam::new(
            param::BANDWIDTH_POSTCOPY,
            TypedParamValue::ULLong(1 << 30),
        )],
        ..Default::default()
    };
    let task = {
        let dom = dom.clone();
        let d = p.d.clone();
        tokio::spawn(async move { dom.migrate(&d, &opts).await })
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let s = dom.job_stats(0).await.unwrap();
        if s.job_type == JobType::Unbounded && s.memory_processed.unwrap_or(0) > 1 << 20 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no migration: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    dom.migrate_start_post_copy().await.unwrap();
    // 20 MiB were still to go at 1 MiB/s: well before that, post-copy ends it.
    let moved = tokio::time::timeout(Duration::from_secs(12), task)
        .await
        .expect("post-copy did not speed the migration up")
        .unwrap()
        .unwrap();
    assert_eq!(moved.name(), name);
    assert_eq!(domstate(&p.dst, &name), "running");
    assert!(gone(&p.src, &name));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_migration_moves_the_definition() {
    let p = pair().await;
    let name = testbed::unique_name("migo");
    let dom = Domain::define_xml(&p.s, &testbed::vm::tiny_xml(&name), 0)
        .await
        .unwrap();
    let opts = MigrateOptions {
        offline: true,
        persistent: true,
        undefine_source: true,
        ..Default::default()
    };
    let moved = dom.migrate(&p.d, &opts).await.unwrap();
    assert_eq!(moved.uuid(), dom.uuid());
    assert_eq!(domstate(&p.dst, &name), "shut off");
    assert_eq!(persistent(&p.dst, &name), "yes");
    assert!(gone(&p.src, &name));
    p.dst
        .virsh(&p.dst.qemu_uri(), &["undefine", &name])
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_storage_all_copies_the_disk() {
    let p = pair().await;
    let name = testbed::unique_name("migs");
    let (src_disk, dst_disk) = (
        p.src.dir().join(format!("{name}.raw")),
        p.dst.dir().join(format!("{name}.raw")),
    );
    let mut bytes = vec![0u8; 8 << 20];
    {
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .unwrap()
            .read_exact(&mut bytes)
            .unwrap();
    }
    std::fs::write(&src_disk, &bytes).unwrap();
    // The destination's disk exists, of the same size, empty.
    std::fs::write(&dst_disk, vec![0u8; bytes.len()]).unwrap();
    let disk = |path: &std::path::Path| {
        format!(
            "<disk type='file' device='disk'><driver name='qemu' type='raw'/>\
             <source file='{}'/><target dev='vda' bus='virtio'/></disk>\n    \
             <controller type='usb' model='none'/>",
            path.display()
        )
    };
    let xml = testbed::vm::tiny_xml(&name)
        .replace("<controller type='usb' model='none'/>", &disk(&src_disk));
    let dom = Domain::create_xml(&p.s, &xml, 0).await.unwrap();
    // VIR_DOMAIN_XML_MIGRATABLE = 8.
    let dest_xml = dom
        .xml_desc(8)
        .await
        .unwrap()
        .replace(&*src_disk.to_string_lossy(), &dst_disk.to_string_lossy());
    let opts = MigrateOptions {
        live: true,
        copy_storage: Some(virt_client::domain::CopyStorage::All),
        migrate_uri: Some(p.dst.migrate_uri()),
        dest_xml: Some(dest_xml),
        ..Default::default()
    };
    dom.migrate(&p.d, &opts).await.unwrap();
    assert_eq!(domstate(&p.dst, &name), "running");
    let xml = p.dst.virsh(&p.dst.qemu_uri(), &["dumpxml", &name]).unwrap();
    assert!(xml.contains(&*dst_disk.to_string_lossy()), "{xml}");
    assert!(
        std::fs::read(&dst_disk).unwrap() == bytes,
        "the destination's disk holds the source's bytes"
    );
}

/// The pid of the QEMU that waits for the incoming migration of `name` (`-incoming` on its
/// command line).
fn incoming_qemu(name: &str) -> Option<i32> {
    let guest = format!("guest={name},");
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: i32 = e.file_name().to_str()?.parse().ok()?;
        let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is =
            args.iter().any(|a| a.starts_with(&guest)) && args.iter().any(|a| a == "-incoming");
        is.then_some(pid)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destination_that_dies_mid_way_leaves_the_vm_on_the_source() {
    let p = pair().await;
    let name = testbed::unique_name("migk");
    let fill = p.src.dir().join(format!("{name}.fill"));
    let xml = testbed::vm::tiny_filled_xml(&name, 64, &fill, 24).unwrap();
    let dom = Domain::create_xml(&p.s, &xml, 0).await.unwrap();
    let opts = MigrateOptions {
        live: true,
        bandwidth_mib: Some(1),
        migrate_uri: Some(p.dst.migrate_uri()),
        ..Default::default()
    };
    let task = {
        let dom = dom.clone();
        let d = p.d.clone();
        tokio::spawn(async move { dom.migrate(&d, &opts).await })
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let s = dom.job_stats(0).await.unwrap();
        if s.job_type == JobType::Unbounded && s.memory_processed.unwrap_or(0) > 1 << 20 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no migration: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The destination's QEMU (started by this test's daemon) dies while memory comes in.
    let pid = incoming_qemu(&name).expect("the destination's QEMU");
    // SAFETY: kill(2) on a pid just read from /proc; at worst it fails with ESRCH.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    let err = tokio::time::timeout(Duration::from_secs(30), task)
        .await
        .expect("the migration did not end")
        .unwrap()
        .unwrap_err();
    let virt_client::Error::Migration {
        phase, location, ..
    } = &err
    else {
        panic!("not a migration error: {err}");
    };
    // Perform failed. Whether Finish then has a better word for it (the domain died on the
    // destination: libvirt then reports Finish's error) depends on when QEMU noticed.
    assert!(
        matches!(phase, MigrationPhase::Perform | MigrationPhase::Finish),
        "{err}"
    );
    assert_eq!(*location, VmLocation::Source, "{err}");
    assert_eq!(domstate(&p.src, &name), "running");
    assert!(gone(&p.dst, &name));
}
