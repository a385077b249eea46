//! Typed views of capabilities, domain capabilities, networks, pools, volumes, node devices
//! and snapshots, read from the daemon's documents.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed expectation is a failed test

mod common;

use virt_xml::{
    CapabilitiesXml, CpuSet, DomainCapsXml, Error, NetworkXml, NodeDeviceXml, PoolXml, Size,
    SnapshotXml, VolumeXml,
};

fn read(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("corpus file")
}

#[test]
fn host_capabilities() {
    let x = CapabilitiesXml::parse(&read("daemon/capabilities.xml")).expect("parse");
    let c = x.root();
    assert_eq!(c.host_arch(&x).as_deref(), Some("x86_64"));
    assert!(c.host_cpu_model(&x).is_some());
    assert!(c.host_cpu_features(&x).len() > 10);
    let topo = c.host_cpu_topology(&x).expect("topology").expect("present");
    assert!(topo.vcpus() >= 1);
    let cells = c.numa_cells(&x).expect("cells");
    assert_eq!(cells.len(), 1);
    assert!(
        cells[0]
            .memory
            .and_then(|m| m.bytes())
            .is_some_and(|b| b > 0)
    );
    let cpus = c.host_cpus(&x).expect("cpus");
    assert_eq!(cpus.len() as u64, topo.vcpus());
    assert_eq!(cpus[1].core_id, Some(1));
    assert_eq!(cpus[1].socket_id, Some(0));
    assert_eq!(cpus[1].die_id, Some(0));
    assert_eq!(cpus[1].siblings, Some(CpuSet::range(1, 1)));
    assert_eq!(cells[0].cpuset(), CpuSet::range(0, cpus.len() as u32 - 1));
    let guests = c.guests(&x).expect("guests");
    let x86 = guests
        .iter()
        .find(|g| g.arch == "x86_64")
        .expect("x86_64 guest");
    assert_eq!(x86.os_type, "hvm");
    assert_eq!(x86.wordsize, Some(64));
    assert!(x86.domain_types.iter().any(|t| t == "qemu"));
    let q35 = x86
        .machines
        .iter()
        .find(|m| m.name == "q35")
        .expect("q35 alias");
    assert!(
        q35.canonical
            .as_deref()
            .is_some_and(|c| c.starts_with("pc-q35"))
    );
    assert!(x86.machines.iter().any(|m| m.deprecated));

    let t = CapabilitiesXml::parse(&read("daemon/test-capabilities.xml")).expect("test caps");
    let cells = t.root().numa_cells(&t).expect("cells");
    assert_eq!(cells.len(), 2);
    let cpus = t.root().host_cpus(&t).expect("cpus");
    assert_eq!(cpus.len(), 16);
    assert!(
        cpus.iter()
            .all(|c| c.siblings.as_ref().is_some_and(|s| s.contains(c.id)))
    );
}

#[test]
fn domain_capabilities() {
    let x = DomainCapsXml::parse(&read("daemon/domcaps-qemu-q35.xml")).expect("parse");
    let c = x.root();
    assert_eq!(c.domain_type(&x).as_deref(), Some("qemu"));
    assert_eq!(c.arch(&x).as_deref(), Some("x86_64"));
    assert!(c.machine(&x).is_some_and(|m| m.starts_with("pc-q35")));
    assert_eq!(c.max_vcpus(&x).expect("max"), Some(288));
    let loader = c.loader(&x).expect("loader");
    assert!(loader.supported(&x));
    assert_eq!(loader.enum_values(&x, "type"), ["rom", "pflash"]);
    assert!(
        c.firmware(&x).is_empty(),
        "no firmware descriptors on this host"
    );
    let modes = c.cpu_modes(&x);
    let hm = modes
        .iter()
        .find(|m| m.name == "host-model")
        .expect("host-model");
    assert!(hm.supported && hm.model.is_some());
    let custom = modes.iter().find(|m| m.name == "custom").expect("custom");
    assert!(custom.usable_models.iter().any(|m| m == "qemu64"));
    let disk = c.device(&x, "disk").expect("disk");
    assert!(disk.enum_values(&x, "bus").iter().any(|b| b == "virtio"));
    assert!(
        c.device(&x, "graphics")
            .expect("g")
            .enum_values(&x, "type")
            .contains(&"vnc".to_owned())
    );
    assert!(c.device_names(&x).contains(&"hostdev".to_owned()));
    assert!(!c.feature(&x, "sev").expect("sev").supported(&x));
    // Captured on a host without OVMF and swtpm.
    assert_eq!(c.firmware_support(&x), Default::default());
    assert!(!c.tpm_emulator(&x));
}

#[test]
fn domain_capabilities_with_ovmf_and_swtpm() {
    let x = DomainCapsXml::parse(&read("daemon/domcaps-qemu-q35-ovmf.xml")).expect("parse");
    let c = x.root();
    assert_eq!(c.firmware(&x), ["efi"]);
    let fw = c.firmware_support(&x);
    assert!(fw.efi && fw.secure_boot, "{fw:?}");
    assert!(c.tpm_emulator(&x));
    assert!(c.loader_paths(&x).iter().any(|p| p.contains("OVMF")));
    // The same host on i440FX: UEFI, but no Secure Boot (it needs SMM).
    let pc = DomainCapsXml::parse(&read("daemon/domcaps-qemu-q35-ovmf.xml").replace(
        "<value>yes</value>\n        <value>no</value>\n      </enum>\n    </loader>",
        "<value>no</value>\n      </enum>\n    </loader>",
    ))
    .expect("parse");
    let fw = pc.root().firmware_support(&pc);
    assert!(fw.efi && !fw.secure_boot, "{fw:?}");
}

#[test]
fn networks() {
    let x = NetworkXml::parse(&read("daemon/network-nat.xml")).expect("parse");
    let n = x.root();
    assert_eq!(n.name(&x).as_deref(), Some("corpus-nat"));
    assert_eq!(n.forward_mode(&x).as_deref(), Some("nat"));
    assert_eq!(n.bridge_name(&x).as_deref(), Some("virbr77"));
    assert_eq!(n.domain_name(&x).as_deref(), Some("corpus.lan"));
    let ips = n.ips(&x);
    assert_eq!(ips.len(), 2);
    assert_eq!(ips[0].prefix(&x).expect("p"), Some(24));
    assert_eq!(ips[1].prefix(&x).expect("p"), Some(64));
    assert_eq!(ips[1].family(&x).as_deref(), Some("ipv6"));
    assert_eq!(ips[0].dhcp_ranges(&x)[0].0, "192.168.177.2");
    assert_eq!(
        ips[0].dhcp_hosts(&x)[0].ip.as_deref(),
        Some("192.168.177.10")
    );
    let iso = NetworkXml::parse(&read("daemon/network-isolated.xml")).expect("parse");
    assert!(iso.root().is_isolated(&iso) && !n.is_isolated(&x));

    let mut edited = x.clone();
    n.set_forward_mode(&mut edited, Some("route"));
    ips[0].set_dhcp_range(&mut edited, "192.168.177.100", "192.168.177.200");
    let (removed, added) = common::changed_lines(&x.to_string(), &edited.to_string());
    assert_eq!(
        removed,
        [
            "  <forward mode='nat'>",
            "      <range start='192.168.177.2' end='192.168.177.254'/>"
        ]
    );
    assert_eq!(
        added,
        [
            "  <forward mode='route'>",
            "      <range start='192.168.177.100' end='192.168.177.200'/>"
        ]
    );
    let mut iso2 = iso.clone();
    let ip = iso2.root().add_ip(&mut iso2, "fd00::1", 64);
    assert_eq!(ip.family(&iso2).as_deref(), Some("ipv6"));
    let (removed, added) = common::changed_lines(&iso.to_string(), &iso2.to_string());
    assert!(removed.is_empty());
    assert_eq!(
        added,
        ["  <ip family='ipv6' address='fd00::1' prefix='64'/>"]
    );
}

#[test]
fn pools_and_volumes() {
    let p = PoolXml::parse(&read("daemon/pool-dir.xml")).expect("pool");
    let pool = p.root();
    assert_eq!(pool.pool_type(&p).as_deref(), Some("dir"));
    assert_eq!(pool.target_path(&p).as_deref(), Some("/tmp/xc-pool"));
    let cap = pool
        .capacity(&p)
        .expect("cap")
        .and_then(|c| c.bytes())
        .expect("bytes");
    let alloc = pool
        .allocation(&p)
        .expect("a")
        .and_then(|c| c.bytes())
        .expect("bytes");
    let avail = pool
        .available(&p)
        .expect("v")
        .and_then(|c| c.bytes())
        .expect("bytes");
    assert!(alloc + avail <= cap + 4096 && cap > 0);

    let v = VolumeXml::parse(&read("daemon/vol-qcow2.xml")).expect("vol");
    let vol = v.root();
    assert_eq!(vol.name(&v).as_deref(), Some("vol2.qcow2"));
    assert_eq!(vol.format(&v).as_deref(), Some("qcow2"));
    assert_eq!(
        vol.capacity(&v).expect("c"),
        Some(Size::bytes_value(1 << 30))
    );
    assert_eq!(
        vol.target_path(&v).as_deref(),
        Some("/tmp/xc-pool/vol2.qcow2")
    );
    let mut grown = v.clone();
    vol.set_capacity(&mut grown, Size::gib(2));
    let (removed, added) = common::changed_lines(&v.to_string(), &grown.to_string());
    assert_eq!(removed, ["  <capacity unit='bytes'>1073741824</capacity>"]);
    assert_eq!(added, ["  <capacity unit='GiB'>2</capacity>"]);
    assert_eq!(vol.backing_path(&v), None);

    let mut overlay = v.clone();
    vol.set_backing_store(&mut overlay, "/tmp/xc-pool/base.qcow2", "qcow2");
    assert_eq!(
        vol.backing_path(&overlay).as_deref(),
        Some("/tmp/xc-pool/base.qcow2")
    );
    let text = overlay.to_string();
    let again = VolumeXml::parse(&text).expect("overlay");
    assert_eq!(
        again.root().backing_path(&again).as_deref(),
        Some("/tmp/xc-pool/base.qcow2")
    );
    assert!(
        text.contains("<format type='qcow2'/>\n  </backingStore>"),
        "{text}"
    );
}

#[test]
fn node_devices_and_snapshots() {
    let x = NodeDeviceXml::parse(&read("daemon/nodedev-pci_0000_00_01_0.xml")).expect("nodedev");
    let d = x.root();
    assert_eq!(d.name(&x).as_deref(), Some("pci_0000_00_01_0"));
    assert_eq!(d.parent(&x).as_deref(), Some("computer"));
    assert_eq!(d.capability_types(&x), ["pci"]);
    assert_eq!(d.pci_address(&x).as_deref(), Some("0000:00:01.0"));
    let ids = d.ids(&x).expect("ids");
    assert_eq!(
        (ids.vendor_id.as_str(), ids.product_id.as_str()),
        ("0x1af4", "0x1045")
    );
    let net = common::corpus()
        .into_iter()
        .find(|(n, _)| n.starts_with("daemon/nodedev-net_"))
        .expect("net dev");
    let nx = NodeDeviceXml::parse(&net.1).expect("parse");
    let (iface, mac) = nx.root().net_interface(&nx).expect("net");
    assert!(!iface.is_empty() && mac.is_some());

    let s = SnapshotXml::parse(&read("daemon/snapshot.xml")).expect("snapshot");
    let snap = s.root();
    assert_eq!(snap.name(&s).as_deref(), Some("snap1"));
    assert_eq!(snap.description(&s).as_deref(), Some("first snapshot"));
    assert_eq!(snap.state(&s).as_deref(), Some("shutoff"));
    assert!(
        snap.creation_time(&s)
            .expect("time")
            .is_some_and(|t| t > 1_600_000_000)
    );
    assert_eq!(snap.memory_snapshot(&s).as_deref(), Some("no"));
    assert_eq!(snap.disks(&s)[0].0, "vda");
    let dom = snap.domain(&s).expect("domain");
    assert_eq!(dom.name(&s).as_deref(), Some("corpus-snap"));
    assert_eq!(dom.memory(&s).expect("m"), Some(Size::kib(131_072)));
}

#[test]
fn wrong_root_is_reported() {
    match NetworkXml::parse("<pool type='dir'/>") {
        Err(Error::WrongRoot {
            expected: "network",
            found,
            line: 1,
            column: 1,
        }) => assert_eq!(found, "pool"),
        other => panic!("{other:?}"),
    }
}
