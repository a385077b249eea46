//! Typed domain views read the daemon's documents correctly.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed expectation is a failed test

mod common;

use virt_xml::domain::{DeviceKind, DiskSource, InterfaceSource, Topology};
use virt_xml::{CpuSet, DomainXml, Error, Size, Unit, validate_domain};

fn corpus_file(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("corpus file")
}

fn full() -> DomainXml {
    DomainXml::parse(&corpus_file("daemon/domain-full.xml")).expect("parse")
}

#[test]
fn reads_the_daemon_domain() {
    let x = full();
    let d = x.root();
    assert_eq!(d.domain_type(&x).as_deref(), Some("qemu"));
    assert_eq!(d.name(&x).as_deref(), Some("corpus-full"));
    assert_eq!(
        d.uuid(&x).as_deref(),
        Some("6a1c7a4e-2b4f-4d7e-9e2a-0c1f5d9b8e01")
    );
    assert_eq!(d.title(&x).as_deref(), Some("Everything machine"));
    assert_eq!(d.memory(&x).expect("memory"), Some(Size::kib(524_288)));
    assert_eq!(
        d.memory(&x).expect("m").and_then(|m| m.bytes()),
        Some(512 << 20)
    );
    assert_eq!(d.current_memory(&x).expect("cur"), Some(Size::kib(393_216)));
    assert_eq!(d.max_memory(&x).expect("max"), Some(Size::kib(4_194_304)));
    assert_eq!(d.max_memory_slots(&x).expect("slots"), Some(16));
    assert_eq!(d.vcpus(&x).expect("vcpus"), Some(4));
    assert_eq!(d.vcpus_current(&x).expect("current"), Some(2));
    assert_eq!(d.vcpu_placement(&x).as_deref(), Some("static"));
    assert_eq!(
        d.vcpu_cpuset(&x).expect("cpuset"),
        Some(CpuSet::range(0, 1))
    );
    let entries = d.vcpu_entries(&x);
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[1].hotpluggable(&x), Some(true));
    assert_eq!(entries[2].enabled(&x), Some(false));
    assert_eq!(entries[0].order(&x).expect("order"), Some(1));
    let meta = d
        .metadata_entry(&x, "http://example.org/hangar-test/1")
        .expect("metadata");
    assert_eq!(
        x.doc()
            .find(meta, "app:owner")
            .map(|o| x.doc().text(o).into_owned())
            .as_deref(),
        Some("alice")
    );

    let tune = d.cputune(&x).expect("cputune");
    assert_eq!(tune.shares(&x).expect("shares"), Some(2048));
    assert_eq!(tune.period(&x).expect("period"), Some(100_000));
    assert_eq!(tune.quota(&x).expect("quota"), Some(-1));
    let pins = tune.vcpupins(&x).expect("pins");
    assert_eq!(
        pins.iter()
            .map(|p| (p.id, p.cpuset.to_string()))
            .collect::<Vec<_>>(),
        [(0, "0".into()), (1, "1".into())]
    );
    assert_eq!(
        tune.emulatorpin(&x).expect("emu"),
        Some(CpuSet::range(0, 1))
    );
    assert_eq!(tune.iothreadpins(&x).expect("io")[0].id, 1);
    let numa = d.numatune(&x).expect("numatune");
    assert_eq!(numa.memory_mode(&x).as_deref(), Some("strict"));
    assert_eq!(
        numa.memory_nodeset(&x).expect("nodeset"),
        Some(CpuSet::range(0, 0))
    );

    let cpu = d.cpu(&x).expect("cpu");
    assert_eq!(cpu.mode(&x).as_deref(), Some("custom"));
    assert_eq!(cpu.model(&x).as_deref(), Some("qemu64"));
    assert_eq!(cpu.model_fallback(&x).as_deref(), Some("allow"));
    assert_eq!(
        cpu.topology(&x).expect("topology"),
        Some(Topology {
            sockets: 1,
            dies: 1,
            cores: 2,
            threads: 2
        })
    );
    assert_eq!(cpu.features(&x)[0].0, "svm");
    let cells = cpu.numa_cells(&x);
    assert_eq!(cells[0].cpus(&x).expect("cpus"), Some(CpuSet::range(0, 3)));
    assert_eq!(cells[0].memory(&x).expect("mem"), Some(Size::kib(524_288)));

    let os = d.os(&x).expect("os");
    assert_eq!(os.os_type(&x).as_deref(), Some("hvm"));
    assert_eq!(os.arch(&x).as_deref(), Some("x86_64"));
    assert_eq!(os.machine(&x).as_deref(), Some("pc-i440fx-7.2"));
    assert_eq!(os.bootmenu(&x), Some(true));
    assert_eq!(os.bootmenu_timeout(&x).as_deref(), Some("3000"));
    let features = d.features(&x).expect("features");
    assert_eq!(features.names(&x), ["acpi", "apic", "pae"]);
    assert!(features.has(&x, "acpi") && !features.has(&x, "smm"));
    let clock = d.clock(&x).expect("clock");
    assert_eq!(clock.offset(&x).as_deref(), Some("utc"));
    assert_eq!(
        clock.timer(&x, "hpet").and_then(|t| t.present(&x)),
        Some(false)
    );
    assert_eq!(d.on_crash(&x).as_deref(), Some("preserve"));
}

#[test]
fn reads_devices() {
    let x = full();
    let devs = x.root().devices(&x).expect("devices");
    assert_eq!(
        devs.emulator(&x).as_deref(),
        Some("/usr/bin/qemu-system-x86_64")
    );
    let disks = devs.disks(&x);
    assert_eq!(disks.len(), 6);
    let sources: Vec<DiskSource> = disks
        .iter()
        .map(|d| d.source(&x).expect("source"))
        .collect();
    assert_eq!(sources[0], DiskSource::File("/tmp/xc-disk.qcow2".into()));
    assert_eq!(sources[1], DiskSource::Block("/dev/null".into()));
    assert_eq!(
        sources[2],
        DiskSource::Network {
            protocol: "nbd".into(),
            name: Some("export".into()),
            hosts: vec![("127.0.0.1".into(), Some(10809))]
        }
    );
    assert_eq!(
        sources[3],
        DiskSource::Volume {
            pool: "corpus-pool".into(),
            volume: "vol1.raw".into()
        }
    );
    assert_eq!(disks[0].target_dev(&x).as_deref(), Some("vda"));
    assert_eq!(disks[0].target_bus(&x).as_deref(), Some("virtio"));
    assert_eq!(disks[0].driver_type(&x).as_deref(), Some("qcow2"));
    assert_eq!(disks[0].boot_order(&x).expect("boot"), Some(1));
    assert_eq!(disks[1].serial(&x).as_deref(), Some("BLK-0001"));
    let cdrom = disks
        .iter()
        .find(|d| d.device(&x).as_deref() == Some("cdrom"))
        .expect("cdrom");
    assert!(cdrom.readonly(&x));
    assert!(!disks[0].readonly(&x));

    let nics = devs.interfaces(&x);
    let srcs: Vec<InterfaceSource> = nics.iter().map(|n| n.source(&x).expect("nic")).collect();
    assert_eq!(srcs[0], InterfaceSource::User);
    assert_eq!(srcs[1], InterfaceSource::Network("default".into()));
    assert_eq!(srcs[2], InterfaceSource::Bridge("br0".into()));
    assert_eq!(
        srcs[3],
        InterfaceSource::Direct {
            dev: "eth0".into(),
            mode: Some("vepa".into())
        }
    );
    assert_eq!(nics[1].mac(&x).as_deref(), Some("52:54:00:aa:bb:02"));
    assert_eq!(nics[1].model(&x).as_deref(), Some("e1000e"));
    assert!(!nics[1].link_up(&x) && nics[0].link_up(&x));

    let gfx = devs.graphics(&x);
    assert_eq!(gfx[0].graphics_type(&x).as_deref(), Some("vnc"));
    assert_eq!(gfx[0].port(&x).expect("port"), Some(-1));
    assert_eq!(gfx[0].autoport(&x), Some(true));
    assert_eq!(gfx[0].listen(&x).as_deref(), Some("127.0.0.1"));
    assert_eq!(gfx[0].passwd(&x), None, "dumpxml hides the password");
    let secure = DomainXml::parse(&corpus_file("daemon/domain-full-secure.xml")).expect("parse");
    let g = secure
        .root()
        .devices(&secure)
        .expect("devices")
        .graphics(&secure)[0];
    assert_eq!(g.passwd(&secure).as_deref(), Some("secret"));

    let all = devs.all(&x);
    let kinds = |k| all.iter().filter(|d| d.kind(&x) == k).count();
    assert_eq!(kinds(DeviceKind::Serial), 2);
    assert_eq!(kinds(DeviceKind::Channel), 2);
    assert_eq!(kinds(DeviceKind::Input), 3);
    let video = all.iter().find_map(|d| d.as_video(&x)).expect("video");
    assert_eq!(video.model_type(&x).as_deref(), Some("qxl"));
    let chan = devs.of_kind(&x, DeviceKind::Channel)[0]
        .as_chardev(&x)
        .expect("channel");
    assert_eq!(
        chan.target_name(&x).as_deref(),
        Some("org.qemu.guest_agent.0")
    );
    let hostdev = all.iter().find_map(|d| d.as_hostdev(&x)).expect("hostdev");
    assert_eq!(
        hostdev.usb_ids(&x),
        Some(("0x1d6b".into(), "0x0002".into()))
    );
    let rng = all.iter().find_map(|d| d.as_rng(&x)).expect("rng");
    assert_eq!(rng.backend_path(&x).as_deref(), Some("/dev/urandom"));
    let fs = all.iter().find_map(|d| d.as_filesystem(&x)).expect("fs");
    assert_eq!(fs.target_dir(&x).as_deref(), Some("hostshare"));
    let wd = all
        .iter()
        .find_map(|d| d.as_watchdog(&x))
        .expect("watchdog");
    assert_eq!(wd.action(&x).as_deref(), Some("reset"));
    let tpm = all.iter().find_map(|d| d.as_tpm(&x)).expect("tpm");
    assert_eq!(tpm.backend_type(&x).as_deref(), Some("passthrough"));
    let mb = all
        .iter()
        .find_map(|d| d.as_memballoon(&x))
        .expect("balloon");
    assert_eq!(mb.stats_period(&x).as_deref(), Some("10"));
    assert_eq!(
        all.iter()
            .find_map(|d| d.as_sound(&x))
            .and_then(|s| s.model(&x).map(|m| m.into_owned()))
            .as_deref(),
        Some("ich9")
    );
    let usb = all
        .iter()
        .filter_map(|d| d.as_controller(&x))
        .find(|c| c.controller_type(&x).as_deref() == Some("usb"));
    assert_eq!(
        usb.and_then(|c| c.model(&x).map(|m| m.into_owned()))
            .as_deref(),
        Some("qemu-xhci")
    );
    assert!(all.iter().any(|d| {
        d.as_input(&x)
            .is_some_and(|i| i.bus(&x).as_deref() == Some("usb"))
    }));
}

#[test]
fn kernel_boot_and_qemu_commandline() {
    let x =
        DomainXml::parse(&corpus_file("daemon/domain-kernel-qemu-commandline.xml")).expect("parse");
    let os = x.root().os(&x).expect("os");
    assert_eq!(os.kernel(&x).as_deref(), Some("/tmp/vmlinuz"));
    assert_eq!(os.initrd(&x).as_deref(), Some("/tmp/initrd.img"));
    assert_eq!(
        os.cmdline(&x).as_deref(),
        Some("console=ttyS0 root=/dev/vda rw")
    );
    assert_eq!(os.boot_order(&x), ["hd"]);
    let g = x.root().devices(&x).expect("devices").graphics(&x)[0];
    assert_eq!(g.socket(&x).as_deref(), Some("/tmp/xc-vnc.sock"));
    let loader = DomainXml::parse(&corpus_file("daemon/domain-loader.xml")).expect("parse");
    let os = loader.root().os(&loader).expect("os");
    assert_eq!(
        os.loader(&loader).as_deref(),
        Some("/usr/share/qemu/bios.bin")
    );
    assert_eq!(os.loader_type(&loader).as_deref(), Some("pflash"));
    assert_eq!(os.nvram(&loader).as_deref(), Some("/tmp/xc-nvram.fd"));
    assert!(
        loader
            .root()
            .features(&loader)
            .expect("f")
            .has(&loader, "smm")
    );
}

#[test]
fn odd_units() {
    let x = DomainXml::parse(&corpus_file("handwritten/units.xml")).expect("parse");
    let d = x.root();
    assert_eq!(
        d.memory(&x).expect("m").and_then(|m| m.to_kib()),
        Some(1_048_576)
    );
    assert_eq!(
        d.current_memory(&x).expect("c").and_then(|m| m.bytes()),
        Some(1_048_576_000)
    );
    assert_eq!(
        d.max_memory(&x).expect("x").map(|m| m.unit),
        Some(Unit::TIB)
    );
    let cell = d.cpu(&x).expect("cpu").numa_cells(&x)[0];
    assert_eq!(
        cell.memory(&x).expect("cell").and_then(|m| m.bytes()),
        Some(1_000_000_000)
    );
}

#[test]
fn validate_domain_reports_positions() {
    assert!(validate_domain(&corpus_file("daemon/domain-full.xml")).is_ok());
    let cases = [
        (
            "<domain type='kvm'><name>x</name><memory>1</memory>",
            (1, 1),
        ),
        (
            "<domain type='kvm'>\n  <name>x</name>\n  <memory>1</memry>\n</domain>",
            (3, 12),
        ),
        (
            "<domain>\n<name>x</name><memory>1</memory></domain>",
            (1, 1),
        ),
        ("<domain type='kvm'>\n  <memory>1</memory></domain>", (1, 1)),
        (
            "<domain type='kvm'>\n  <name>x</name>\n  <memory unit='XB'>1</memory></domain>",
            (3, 3),
        ),
        ("<network/>", (1, 1)),
        ("<domain type='kvm' type='qemu'/>", (1, 20)),
    ];
    for (text, pos) in cases {
        let err = validate_domain(text).expect_err(text);
        assert_eq!(err.position(), Some(pos), "{text}: {err}");
        assert!(!err.message().is_empty());
    }
    match validate_domain("<domain type='kvm'>\n<name>a</name>\n<memory>x</memory></domain>") {
        Err(Error::Invalid { line: 3, .. }) => {}
        other => panic!("expected an invalid memory at line 3, got {other:?}"),
    }
}
