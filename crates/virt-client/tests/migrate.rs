//! Live migration between two private QEMU daemons on this machine, with virsh on both as the
//! oracle: the client-managed protocol, peer-to-peer and tunnelled, persistence, aborting a
//! running migration, a destination that refuses; the `vsh` example's `migrate` and
//! `domjobinfo` against virsh's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod migration;
mod vsh;

use std::time::Duration;

use migration::{domstate, gone, pair, persistent, start_tiny};
use virt_client::domain::{JobType, MigrateOptions, MigrationPhase, VmLocation};
use virt_client::{Domain, Error};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_live_migration_moves_the_vm_and_back_peer_to_peer() {
    let p = pair().await;
    let name = testbed::unique_name("mig");
    let dom = start_tiny(&p, &name, false).await;
    assert_eq!(domstate(&p.src, &name), "running");

    let opts = MigrateOptions {
        live: true,
        migrate_uri: Some(p.dst.migrate_uri()),
        ..Default::default()
    };
    let moved = dom.migrate(&p.d, &opts).await.unwrap();
    assert_eq!(moved.name(), name);
    assert_eq!(moved.uuid(), dom.uuid());
    assert_eq!(domstate(&p.dst, &name), "running");
    assert!(gone(&p.src, &name), "the transient source domain is gone");
    assert_eq!(persistent(&p.dst, &name), "no", "persistent only if asked");

    // Back, peer to peer: the destination's daemon talks to the source's itself.
    let back = MigrateOptions {
        live: true,
        persistent: true,
        migrate_uri: Some(p.src.migrate_uri()),
        ..Default::default()
    };
    moved
        .migrate_peer_to_peer(&p.src.qemu_tcp_uri(), &back)
        .await
        .unwrap();
    assert_eq!(domstate(&p.src, &name), "running");
    assert_eq!(persistent(&p.src, &name), "yes");
    assert!(gone(&p.dst, &name));

    // And tunnelled through the daemons' connection.
    let dom = Domain::lookup_by_name(&p.s, &name).await.unwrap();
    let tunnelled = MigrateOptions {
        live: true,
        tunnelled: true,
        ..Default::default()
    };
    dom.migrate_peer_to_peer(&p.dst.qemu_tcp_uri(), &tunnelled)
        .await
        .unwrap();
    assert_eq!(domstate(&p.dst, &name), "running");
    assert_eq!(persistent(&p.dst, &name), "no");
    // The source keeps its (inactive) definition unless told to undefine it.
    assert_eq!(domstate(&p.src, &name), "shut off");
    p.src
        .virsh(&p.src.qemu_uri(), &["undefine", &name])
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_migration_with_undefine_source() {
    let p = pair().await;
    let name = testbed::unique_name("migp");
    let dom = start_tiny(&p, &name, true).await;
    // Also renamed, compressed (xbzrle) and converging automatically.
    let moved_name = format!("{name}-moved");
    let opts = MigrateOptions {
        live: true,
        persistent: true,
        undefine_source: true,
        dest_name: Some(moved_name.clone()),
        compression: vec!["xbzrle".into()],
        auto_converge: true,
        migrate_uri: Some(p.dst.migrate_uri()),
        ..Default::default()
    };
    let moved = dom.migrate(&p.d, &opts).await.unwrap();
    assert_eq!(moved.name(), moved_name);
    assert_eq!(domstate(&p.dst, &moved_name), "running");
    assert_eq!(persistent(&p.dst, &moved_name), "yes");
    assert!(gone(&p.dst, &name));
    assert!(gone(&p.src, &name), "undefined on the source");
    let uri = p.dst.qemu_uri();
    p.dst.virsh(&uri, &["destroy", &moved_name]).unwrap();
    p.dst.virsh(&uri, &["undefine", &moved_name]).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destination_that_refuses_leaves_the_vm_on_the_source() {
    let p = pair().await;
    let name = testbed::unique_name("migr");
    let dom = start_tiny(&p, &name, false).await;
    // Another domain (another UUID) by that name on the destination.
    Domain::define_xml(&p.d, &testbed::vm::tiny_xml(&name), 0)
        .await
        .unwrap();
    let opts = MigrateOptions {
        live: true,
        migrate_uri: Some(p.dst.migrate_uri()),
        ..Default::default()
    };
    let err = dom.migrate(&p.d, &opts).await.unwrap_err();
    let Error::Migration {
        phase,
        location,
        source,
    } = &err
    else {
        panic!("not a migration error: {err}");
    };
    assert_eq!(*phase, MigrationPhase::Prepare);
    assert_eq!(*location, VmLocation::Source);
    assert!(source.to_string().contains("already exists"), "{source}");
    let text = err.to_string();
    assert!(
        text.contains("prepare") && text.contains("still running on the source"),
        "{text}"
    );
    assert_eq!(domstate(&p.src, &name), "running");
    assert_eq!(
        domstate(&p.dst, &name),
        "shut off",
        "the other domain untouched"
    );
    // The source's migration job ended: the domain migrates once the name is free.
    p.dst
        .virsh(&p.dst.qemu_uri(), &["undefine", &name])
        .unwrap();
    dom.migrate(&p.d, &opts).await.unwrap();
    assert_eq!(domstate(&p.dst, &name), "running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aborted_migration_leaves_the_vm_on_the_source() {
    let p = pair().await;
    let name = testbed::unique_name("miga");
    let fill = p.src.dir().join(format!("{name}.fill"));
    let xml = testbed::vm::tiny_filled_xml(&name, 64, &fill, 24).unwrap();
    let dom = Domain::create_xml(&p.s, &xml, 0).await.unwrap();
    // 1 MiB/s for 24 MiB of memory that is not zero: long enough to abort it.
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
    // Wait until memory is on its way.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let s = dom.job_stats(0).await.unwrap();
        if s.job_type == JobType::Unbounded && s.memory_processed.unwrap_or(0) > 1 << 20 {
            assert!(s.data_total.unwrap_or(0) > s.data_remaining.unwrap_or(0));
            assert_eq!(s.operation, Some(5), "outgoing migration");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no migration in progress: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    dom.abort_job(0).await.unwrap();
    let err = task.await.unwrap().unwrap_err();
    let Error::Migration {
        phase, location, ..
    } = &err
    else {
        panic!("not a migration error: {err}");
    };
    assert_eq!(*phase, MigrationPhase::Perform, "{err}");
    assert_eq!(*location, VmLocation::Source, "{err}");
    assert_eq!(domstate(&p.src, &name), "running");
    assert!(gone(&p.dst, &name));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vsh_migrate_and_domjobinfo_match_virsh() {
    let p = pair().await;
    let (s, d) = (p.src.qemu_uri(), p.dst.qemu_uri());
    let name = testbed::unique_name("migv");
    let fill = p.src.dir().join(format!("{name}.fill"));
    let xml = testbed::vm::tiny_filled_xml(&name, 64, &fill, 4).unwrap();
    Domain::create_xml(&p.s, &xml, 0).await.unwrap();
    vsh::compare_ok(&s, &["domjobinfo", &name]);
    vsh::compare_ok(&s, &["domjobinfo", "--completed", &name]);

    // Managed, with progress: it ends at 100 % as virsh's does.
    let mig = [
        "migrate",
        "--live",
        "--verbose",
        &name,
        &d,
        "--migrateuri",
        "tcp://127.0.0.1",
    ];
    let out = vsh::output(vsh::vsh_path().to_str().unwrap(), &s, &mig, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "\n");
    assert_eq!(
        err.rsplit('\r').next(),
        Some("Migration: [100 %]"),
        "{err:?}"
    );
    assert_eq!(domstate(&p.dst, &name), "running");
    assert!(gone(&p.src, &name));
    // The incoming job's statistics, kept for both readers, printed alike.
    let stats = vsh::compare_ok(
        &d,
        &["domjobinfo", "--completed", "--keep-completed", &name],
    );
    assert!(
        stats.contains("Operation:        Incoming migration"),
        "{stats}"
    );
    assert!(stats.contains("Total downtime:"), "{stats}");

    // virsh takes it back peer to peer; then vsh tunnelled, persistent.
    p.dst
        .virsh(
            &d,
            &[
                "migrate",
                "--live",
                "--p2p",
                &name,
                &p.src.qemu_tcp_uri(),
                "--migrateuri",
                "tcp://127.0.0.1",
            ],
        )
        .unwrap();
    assert_eq!(domstate(&p.src, &name), "running");
    let tcp = p.dst.qemu_tcp_uri();
    let tun = [
        "migrate",
        "--live",
        "--p2p",
        "--tunnelled",
        "--persistent",
        &name,
        &tcp,
    ];
    vsh::vsh(&s, &tun);
    assert_eq!(domstate(&p.dst, &name), "running");
    assert_eq!(persistent(&p.dst, &name), "yes");
    assert!(gone(&p.src, &name));

    // A destination that refuses: the same error from both, the domain stays.
    Domain::define_xml(&p.s, &testbed::vm::tiny_xml(&name), 0)
        .await
        .unwrap();
    let back = [
        "migrate",
        "--live",
        &name,
        &s,
        "--migrateuri",
        "tcp://127.0.0.1",
    ];
    vsh::compare_err(&d, &back);
    let back_p2p = [
        "migrate",
        "--live",
        "--p2p",
        &name,
        &p.src.qemu_tcp_uri(),
        "--migrateuri",
        "tcp://127.0.0.1",
    ];
    vsh::compare_err(&d, &back_p2p);
    assert_eq!(domstate(&p.dst, &name), "running");
    // No job to abort: the same refusal.
    vsh::compare_err(&d, &["domjobabort", &name]);
    assert_eq!(domstate(&p.src, &name), "shut off");
}

/// `DOMAIN_GET_STATE` and the five migration steps with parameters.
const STEPS: [u32; 6] = [212, 302, 303, 305, 306, 307];

/// What `f` made the daemons behind `logs` dispatch of [`STEPS`], in order, per daemon.
async fn steps_of<F: std::future::Future<Output = ()>>(
    logs: &[&testbed::dispatched::Dispatched],
    f: F,
) -> Vec<Vec<u32>> {
    let before: Vec<usize> = logs.iter().map(|l| l.sequence(&STEPS).len()).collect();
    f.await;
    logs.iter()
        .zip(before)
        .map(|(l, n)| l.sequence(&STEPS)[n..].to_vec())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemons_see_the_calls_virsh_makes() {
    let p = pair().await;
    let (a, b) = (
        testbed::dispatched::Dispatched::enable(&p.src).unwrap(),
        testbed::dispatched::Dispatched::enable(&p.dst).unwrap(),
    );
    let (s, d) = (p.src.qemu_uri(), p.dst.qemu_uri());
    let name = testbed::unique_name("migseq");
    let dom = start_tiny(&p, &name, false).await;
    let opts = MigrateOptions {
        live: true,
        migrate_uri: Some(p.dst.migrate_uri()),
        ..Default::default()
    };
    let virsh_migrate = |from: &str, to: &str| {
        let out = std::process::Command::new("virsh")
            .args(["-c", from, "migrate", "--live", &name, to])
            .args(["--migrateuri", "tcp://127.0.0.1"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };

    // A migration that works: Begin, the state, Prepare, Perform, Finish, Confirm.
    let ours = steps_of(&[&a, &b], async {
        dom.migrate(&p.d, &opts).await.unwrap();
    })
    .await;
    assert_eq!(ours, [vec![302, 212, 305, 307], vec![303, 306]]);
    // (back with virsh, unrecorded)
    assert_eq!(virsh_migrate(&d, &s), "");
    let theirs = steps_of(&[&a, &b], async {
        assert_eq!(virsh_migrate(&s, &d), "");
    })
    .await;
    assert_eq!(ours, theirs, "the calls of a migration differ from virsh's");

    // One the destination refuses: Begin, the state, Prepare; Confirm ends the source's job.
    Domain::define_xml(&p.s, &testbed::vm::tiny_xml(&name), 0)
        .await
        .unwrap();
    let dom = Domain::lookup_by_name(&p.d, &name).await.unwrap();
    let back = MigrateOptions {
        live: true,
        migrate_uri: Some(p.src.migrate_uri()),
        ..Default::default()
    };
    let ours = steps_of(&[&b, &a], async {
        dom.migrate(&p.s, &back).await.unwrap_err();
    })
    .await;
    assert_eq!(ours, [vec![302, 212, 307], vec![303]]);
    let theirs = steps_of(&[&b, &a], async {
        assert!(virsh_migrate(&d, &s).contains("already exists"));
    })
    .await;
    assert_eq!(
        ours, theirs,
        "the calls of a refused migration differ from virsh's"
    );
    assert_eq!(domstate(&p.dst, &name), "running");
}
