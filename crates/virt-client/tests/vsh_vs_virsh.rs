//! The `vsh` example prints what virsh prints, on the same daemon: domain and host commands,
//! tables with wide and unprintable characters, network XML and DHCP leases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod vsh;

use testbed::Libvirtd;
use vsh::{compare_env, compare_err, compare_ok, run, vsh_path};

fn mask(s: &str) -> String {
    s.lines()
        .map(|l| {
            if l.starts_with("CPU time:") {
                "CPU time: *"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn compare(uri: &str, args: &[&str]) {
    let ours = run(vsh_path().to_str().unwrap(), uri, args);
    let theirs = run("virsh", uri, args);
    assert_eq!(mask(&ours), mask(&theirs), "output of {args:?} differs");
}

#[test]
fn test_driver_commands_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.test_uri();
    for args in [
        &["list"][..],
        &["list", "--all"],
        &["list", "--name"],
        &["dominfo", "test"],
        &["domstate", "test"],
        &["dumpxml", "test"],
        &["dumpxml", "--inactive", "test"],
        &["nodeinfo"],
        &["hostname"],
        &["uri"],
        &["net-list", "--all"],
        &["pool-list", "--all"],
        &["vol-list", "default-pool"],
        &["pool-info", "default-pool"],
        &["pool-info", "--bytes", "default-pool"],
        &["pool-dumpxml", "default-pool"],
        &["net-dumpxml", "default"],
        &["vcpupin", "test"],
        &["capabilities"],
    ] {
        compare(&uri, args);
    }
}

#[test]
fn qemu_driver_commands_match_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = testbed::unique_name("vshcmp");
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, testbed::vm::tiny_xml(&name)).unwrap();
    d.virsh(&uri, &["define", file.to_str().unwrap()]).unwrap();
    for args in [
        &["list", "--all"][..],
        &["dominfo", &name],
        &["domstate", &name],
        &["dumpxml", &name],
        &["nodeinfo"],
        &["uri"],
        &["hostname"],
        &["net-list", "--all"],
        &["pool-list", "--all"],
    ] {
        compare(&uri, args);
    }
    d.virsh(&uri, &["undefine", &name]).unwrap();
}

/// A test driver node whose domains, network and pool have names with spaces, wide letters
/// (CJK, fullwidth, emoji), a combining accent, a tab and a backslash-x.
fn wide_names_node() -> String {
    let names = [
        "数据库-服务器",
        "web 🚀 front",
        "café",
        "e\u{301}cole",
        "tab\there",
        "back\\xslash",
        "ｆｕｌｌ",
    ];
    let mut doms = String::new();
    for (i, n) in names.iter().enumerate() {
        doms.push_str(&format!(
            "<domain type='test'><name>{n}</name>\
             <uuid>6a1c0c3e-0000-4000-8000-00000000000{i}</uuid>\
             <memory>131072</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"
        ));
    }
    format!(
        "<node><cpu><mhz>2000</mhz><model>i686</model><active>4</active><nodes>1</nodes>\
         <sockets>1</sockets><cores>4</cores><threads>1</threads></cpu>\
         <memory>4194304</memory>{doms}\
         <network><name>net 网络 ü</name><uuid>6a1c0c3e-0000-4000-8000-0000000000a0</uuid>\
         <bridge name='hgw0'/><ip address='192.168.150.1' netmask='255.255.255.0'>\
         <dhcp><range start='192.168.150.2' end='192.168.150.254'/></dhcp></ip></network>\
         <network><name>Beta</name><bridge name='hgw1'/></network>\
         <network><name>alpha</name><bridge name='hgw2'/></network>\
         <pool type='dir'><name>Beta</name><target><path>/nonexistent/b</path></target>\
         <volume type='file'><name>Zed.img</name><capacity>1000</capacity>\
         <target><path>/nonexistent/b/Zed.img</path></target></volume>\
         <volume type='file'><name>apple é.img</name><capacity>1000</capacity>\
         <target><path>/nonexistent/b/apple é.img</path></target></volume></pool>\
         <pool type='dir'><name>alpha</name><target><path>/nonexistent/a</path></target></pool>\
         </node>"
    )
}

#[test]
fn tables_pad_by_display_width_as_virsh() {
    let d = Libvirtd::shared();
    let uri = d.fixture_uri("widenames", &wide_names_node()).unwrap();
    for args in [&["list"][..], &["list", "--all"], &["list", "--name"]] {
        compare_ok(&uri, args);
    }
    // Names sort without regard to case, as virsh's strcasecmp.
    let pools = compare_ok(&uri, &["pool-list", "--all"]);
    assert!(
        pools.find(" alpha ").unwrap() < pools.find(" Beta ").unwrap(),
        "{pools}"
    );
    compare_ok(&uri, &["net-list", "--all"]);
    let vols = compare_ok(&uri, &["vol-list", "Beta"]);
    assert!(
        vols.find("apple é").unwrap() < vols.find("Zed").unwrap(),
        "{vols}"
    );
    // Two columns per CJK letter: "数据库-服务器" is 13 wide, the widest name; "café" (4)
    // gets 9 more spaces. Counting characters instead would give 7 and 4.
    let out = compare_ok(&uri, &["list"]);
    assert!(out.contains(" 1    数据库-服务器    running\n"), "{out}");
    assert!(out.contains(" 3    café             running\n"), "{out}");
    assert!(out.contains(" 5    tab\\x09here      running\n"), "{out}");
    // Outside a UTF-8 locale virsh escapes every byte above 0x7f, and so must vsh.
    let (c_out, ok) = compare_env(&uri, &["list"], &[("LC_ALL", "C")]);
    assert!(ok && c_out.contains("caf\\xff\\xff"), "{c_out}");
}

#[test]
fn network_xml_and_leases_match_virsh_on_the_test_driver() {
    let d = Libvirtd::shared();
    let uri = d.fixture_uri("widenet", &wide_names_node()).unwrap();
    let xml = compare_ok(&uri, &["net-dumpxml", "net 网络 ü"]);
    assert!(xml.contains("<name>net 网络 ü</name>"), "{xml}");
    // The test driver refuses the flag: both say so.
    compare_err(&uri, &["net-dumpxml", "--inactive", "net 网络 ü"]);
    compare_ok(
        &uri,
        &["net-dumpxml", "6a1c0c3e-0000-4000-8000-0000000000a0"],
    );
    compare_err(&uri, &["net-dumpxml", "no such net"]);
    // The test driver has no leases: both fail the same way.
    compare_err(&uri, &["net-dhcp-leases", "net 网络 ü"]);
}

/// Leases come from the network driver's lease file, which it reads for a defined network
/// that never started (so no bridge, dnsmasq or firewall rule is made on the host).
#[test]
fn dhcp_leases_table_matches_virsh() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = format!("leases ü 网络 {}", testbed::unique_name("n"));
    let bridge = format!("hgl{}", std::process::id() % 100_000);
    let xml = format!(
        "<network><name>{name}</name><bridge name='{bridge}'/>\
         <ip address='192.168.213.1' netmask='255.255.255.0'>\
         <dhcp><range start='192.168.213.2' end='192.168.213.254'/></dhcp></ip>\
         <ip family='ipv6' address='fd00:213::1' prefix='64'>\
         <dhcp><range start='fd00:213::100' end='fd00:213::1ff'/></dhcp></ip></network>"
    );
    let file = d.dir().join(format!("{bridge}.xml"));
    std::fs::write(&file, xml).unwrap();
    d.virsh(&uri, &["net-define", file.to_str().unwrap()])
        .unwrap();
    // Mixed-case MACs (virsh sorts ignoring case), a wide hostname, an IPv6 lease with a
    // DUID, a lease without hostname and one that expired (left out).
    let leases = r#"[
      {"ip-address": "192.168.213.50", "mac-address": "52:54:00:BB:00:02",
       "hostname": "数据库-服务器", "client-id": "01:52:54:00:bb:00:02", "expiry-time": 4102444800},
      {"ip-address": "192.168.213.40", "mac-address": "52:54:00:aa:00:01",
       "hostname": "web 🚀", "expiry-time": 4102444801},
      {"ip-address": "fd00:213::150", "mac-address": "52:54:00:cc:00:03", "iaid": "1234",
       "server-duid": "00:01:00:01:2a:2b:2c:2d:52:54:00:00:00:01",
       "client-id": "00:04:aa:bb", "expiry-time": 4102444802},
      {"ip-address": "192.168.213.60", "mac-address": "52:54:00:dd:00:04", "expiry-time": 1000}
    ]"#;
    let dir = d.dir().join("lib/dnsmasq");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{bridge}.status")), leases).unwrap();

    let out = compare_ok(&uri, &["net-dhcp-leases", &name]);
    let rows: Vec<&str> = out.lines().skip(2).filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[0].contains("52:54:00:aa:00:01"), "{out}");
    assert!(
        rows[1].contains("数据库-服务器   01:52:54:00:bb:00:02"),
        "{out}"
    );
    assert!(rows[2].contains("ipv6       fd00:213::150/64"), "{out}");
    compare_ok(
        &uri,
        &["net-dhcp-leases", &name, "--mac", "52:54:00:aa:00:01"],
    );
    // Expiry times are local times.
    for tz in ["UTC", "Asia/Tokyo", "America/Los_Angeles"] {
        compare_env(&uri, &["net-dhcp-leases", &name], &[("TZ", tz)]);
    }
    compare_ok(&uri, &["net-dumpxml", &name]);
    compare_ok(&uri, &["net-dumpxml", "--inactive", &name]);
    compare_err(&uri, &["net-dhcp-leases", "no such network"]);
    d.virsh(&uri, &["net-undefine", &name]).unwrap();
}
