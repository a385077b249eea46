//! Builders produce documents the typed views read back, and that libvirt accepts.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed expectation is a failed test

mod common;

use std::net::Ipv4Addr;

use virt_xml::builder::{DomainBuilder, Firmware, NetSource, dir_pool, nat_network, volume};
use virt_xml::domain::{DiskSource, InterfaceSource};
use virt_xml::{DomainXml, Size, validate_domain};

fn wizard_domain() -> DomainBuilder {
    DomainBuilder::new("new-vm")
        .domain_type("qemu")
        .memory(Size::mib(768))
        .vcpus(2)
        .arch("x86_64", Some("q35"))
        .firmware(Firmware::Bios)
        .disk("/tmp/hangar-new-vm.qcow2", "virtio", "qcow2")
        .disk("/tmp/hangar-data 'x'.raw", "virtio", "raw")
        .readonly_disk("/tmp/new-vm-cidata.iso", "virtio", "raw")
        .cdrom("/tmp/install.iso")
        .network(NetSource::User)
}

#[test]
fn domain_builder_reads_back() {
    let x = wizard_domain().build().expect("build");
    let d = x.root();
    assert_eq!(d.name(&x).as_deref(), Some("new-vm"));
    assert_eq!(
        d.memory(&x).expect("m").and_then(|m| m.bytes()),
        Some(768 << 20)
    );
    assert_eq!(d.vcpus(&x).expect("v"), Some(2));
    let os = d.os(&x).expect("os");
    assert_eq!(os.machine(&x).as_deref(), Some("q35"));
    assert_eq!(os.boot_order(&x), ["cdrom", "hd"]);
    let devs = d.devices(&x).expect("devices");
    let disks = devs.disks(&x);
    assert_eq!(disks.len(), 4);
    assert_eq!(
        disks[1].source(&x).expect("s"),
        DiskSource::File("/tmp/hangar-data 'x'.raw".into())
    );
    let targets: Vec<String> = disks
        .iter()
        .filter_map(|k| k.target_dev(&x).map(|t| t.into_owned()))
        .collect();
    assert_eq!(targets, ["vda", "vdb", "vdc", "sda"]);
    assert!(!disks[1].readonly(&x));
    assert!(disks[2].readonly(&x) && disks[3].readonly(&x));
    assert_eq!(
        devs.interfaces(&x)[0].source(&x).expect("nic"),
        InterfaceSource::User
    );
    assert_eq!(
        devs.graphics(&x)[0].graphics_type(&x).as_deref(),
        Some("vnc")
    );
    assert!(validate_domain(&x.to_string()).is_ok());

    let uefi = DomainBuilder::new("u")
        .firmware(Firmware::Uefi)
        .network(NetSource::Bridge("br0".into()))
        .build()
        .expect("uefi");
    assert_eq!(
        uefi.root()
            .os(&uefi)
            .and_then(|o| o.firmware(&uefi).map(|f| f.into_owned()))
            .as_deref(),
        Some("efi")
    );
    let nic = uefi.root().devices(&uefi).expect("d").interfaces(&uefi)[0];
    assert_eq!(
        nic.source(&uefi).expect("nic"),
        InterfaceSource::Bridge("br0".into())
    );
    let secure = DomainBuilder::new("s")
        .arch("x86_64", Some("q35"))
        .firmware(Firmware::UefiSecure)
        .tpm(true)
        .guest_agent(true)
        .build()
        .expect("secure");
    let text = secure.to_string();
    assert_eq!(virt_xml::domain::firmware_of(&secure), Firmware::UefiSecure);
    assert!(text.contains("<smm state='on'/>"), "{text}");
    assert!(text.contains("<feature enabled='yes' name='enrolled-keys'/>"));
    assert!(text.contains("<backend type='emulator' version='2.0'/>"));
    assert!(text.contains("name='org.qemu.guest_agent.0'"));
    assert!(validate_domain(&text).is_ok());
    assert_eq!(virt_xml::domain::firmware_of(&uefi), Firmware::Uefi);
    // Secure Boot on i440FX is refused.
    let e = DomainBuilder::new("s")
        .firmware(Firmware::UefiSecure)
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("Q35"), "{e}");
    assert!(DomainBuilder::new("").build().is_err());
    assert!(DomainBuilder::new("x").vcpus(0).build().is_err());
    assert!(
        DomainBuilder::new("x")
            .memory(Size::kib(0))
            .build()
            .is_err()
    );
}

#[test]
fn storage_and_network_builders() {
    let v = volume("disk1.qcow2", Size::gib(20), "qcow2").expect("volume");
    assert_eq!(
        v.root().capacity(&v).expect("cap").and_then(|c| c.bytes()),
        Some(20 << 30)
    );
    assert_eq!(v.root().format(&v).as_deref(), Some("qcow2"));
    assert!(volume("a/b", Size::gib(1), "raw").is_err());
    let p = dir_pool("images", "/var/lib/hangar/images").expect("pool");
    assert_eq!(
        p.root().target_path(&p).as_deref(),
        Some("/var/lib/hangar/images")
    );
    assert_eq!(p.root().pool_type(&p).as_deref(), Some("dir"));
    assert!(dir_pool("x", "relative").is_err());
    let n = nat_network(
        "hangar-nat",
        "virbr9",
        Ipv4Addr::new(192, 168, 99, 1),
        24,
        Some((
            Ipv4Addr::new(192, 168, 99, 2),
            Ipv4Addr::new(192, 168, 99, 254),
        )),
    )
    .expect("network");
    let net = n.root();
    assert_eq!(net.forward_mode(&n).as_deref(), Some("nat"));
    let ip = net.ips(&n)[0];
    assert_eq!(ip.netmask(&n).as_deref(), Some("255.255.255.0"));
    assert_eq!(ip.prefix(&n).expect("prefix"), Some(24));
    assert_eq!(ip.dhcp_ranges(&n)[0].1, "192.168.99.254");
}

/// Defines the builders' documents on a private daemon and reads libvirt's version back.
#[test]
fn daemon_accepts_builder_output() {
    let daemon = testbed::Libvirtd::shared();
    let uri = daemon.qemu_uri();
    let dir = tempfile::tempdir().expect("tempdir");
    let virsh = |args: &[&str]| {
        let out = std::process::Command::new("virsh")
            .arg("-q")
            .arg("-c")
            .arg(&uri)
            .args(args)
            .output()
            .expect("virsh");
        assert!(
            out.status.success(),
            "virsh {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let file = dir.path().join("dom.xml");
    std::fs::write(&file, wizard_domain().to_xml().expect("xml")).expect("write");
    virsh(&["define", file.to_str().expect("path")]);
    let dumped = virsh(&["dumpxml", "new-vm"]);
    virsh(&["undefine", "new-vm"]);
    let x = DomainXml::parse(&dumped).expect("parse dump");
    assert_eq!(x.root().memory(&x).expect("m"), Some(Size::kib(786_432)));
    let disks = x.root().devices(&x).expect("d").disks(&x);
    assert_eq!(disks.len(), 4);
    assert!(disks[2].readonly(&x), "{dumped}");
    assert_eq!(x.to_string(), dumped);

    let pool_dir = dir.path().join("pool");
    std::fs::create_dir(&pool_dir).expect("mkdir");
    let pool = dir_pool("vx-pool", pool_dir.to_str().expect("path")).expect("pool");
    std::fs::write(&file, pool.to_string()).expect("write");
    virsh(&["pool-create", file.to_str().expect("path")]);
    std::fs::write(
        &file,
        volume("v1.qcow2", Size::mib(8), "qcow2")
            .expect("vol")
            .to_string(),
    )
    .expect("write");
    virsh(&["vol-create", "vx-pool", file.to_str().expect("path")]);
    let vol = virt_xml::VolumeXml::parse(&virsh(&["vol-dumpxml", "--pool", "vx-pool", "v1.qcow2"]))
        .expect("vol");
    virsh(&["vol-delete", "--pool", "vx-pool", "v1.qcow2"]);
    virsh(&["pool-destroy", "vx-pool"]);
    assert_eq!(vol.root().format(&vol).as_deref(), Some("qcow2"));
    assert_eq!(
        vol.root()
            .capacity(&vol)
            .expect("c")
            .and_then(|c| c.bytes()),
        Some(8 << 20)
    );

    let net = nat_network("vx-nat", "virbr93", Ipv4Addr::new(10, 93, 0, 1), 24, None).expect("net");
    std::fs::write(&file, net.to_string()).expect("write");
    virsh(&["net-define", file.to_str().expect("path")]);
    let dumped = virsh(&["net-dumpxml", "vx-nat"]);
    virsh(&["net-undefine", "vx-nat"]);
    let n = virt_xml::NetworkXml::parse(&dumped).expect("net");
    assert_eq!(n.root().bridge_name(&n).as_deref(), Some("virbr93"));
}
