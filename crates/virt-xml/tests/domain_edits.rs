//! Typed domain edits change only their own lines.
#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed expectation is a failed test

mod common;

use virt_xml::domain::{DeviceKind, DiskSource, Topology};
use virt_xml::{CpuSet, DomainXml, Size};

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

/// Applies `edit` and checks the changed lines against `removed` and `added`.
fn check_edit(
    mut xml: DomainXml,
    edit: impl FnOnce(&mut DomainXml),
    removed: &[&str],
    added: &[&str],
) {
    let before = xml.to_string();
    edit(&mut xml);
    let after = xml.to_string();
    let (r, a) = common::changed_lines(&before, &after);
    assert_eq!(r, removed, "removed lines\n{after}");
    assert_eq!(a, added, "added lines\n{after}");
    DomainXml::parse(&after).expect("edited document parses");
}

#[test]
fn edits_change_only_their_lines() {
    check_edit(
        full(),
        |x| x.root().set_name(x, Some("renamed")),
        &["  <name>corpus-full</name>"],
        &["  <name>renamed</name>"],
    );
    check_edit(
        full(),
        |x| x.root().set_memory(x, Size::gib(2)),
        &["  <memory unit='KiB'>524288</memory>"],
        &["  <memory unit='GiB'>2</memory>"],
    );
    check_edit(
        full(),
        |x| {
            x.root()
                .set_vcpu_cpuset(x, Some(&"0-3,^1".parse().expect("set")))
        },
        &["  <vcpu placement='static' cpuset='0-1' current='2'>4</vcpu>"],
        &["  <vcpu placement='static' cpuset='0,2-3' current='2'>4</vcpu>"],
    );
    check_edit(
        full(),
        |x| {
            x.root()
                .cputune(x)
                .expect("t")
                .set_vcpupin(x, 1, Some(&CpuSet::range(2, 3)))
        },
        &["    <vcpupin vcpu='1' cpuset='1'/>"],
        &["    <vcpupin vcpu='1' cpuset='2-3'/>"],
    );
    check_edit(
        full(),
        |x| {
            x.root()
                .cputune(x)
                .expect("t")
                .set_vcpupin(x, 2, Some(&CpuSet::range(0, 0)))
        },
        &[],
        &["    <vcpupin vcpu='2' cpuset='0'/>"],
    );
    check_edit(
        full(),
        |x| x.root().cputune(x).expect("t").set_vcpupin(x, 0, None),
        &["    <vcpupin vcpu='0' cpuset='0'/>"],
        &[],
    );
    check_edit(
        full(),
        |x| {
            let cpu = x.root().cpu(x).expect("cpu");
            cpu.set_topology(
                x,
                Some(Topology {
                    sockets: 2,
                    dies: 1,
                    cores: 1,
                    threads: 2,
                }),
            );
        },
        &["    <topology sockets='1' dies='1' cores='2' threads='2'/>"],
        &["    <topology sockets='2' dies='1' cores='1' threads='2'/>"],
    );
    check_edit(
        full(),
        |x| {
            let disk = x.root().devices(x).expect("d").disks(x)[0];
            disk.set_source(x, &DiskSource::File("/var/lib/images/new.qcow2".into()));
        },
        &["      <source file='/tmp/xc-disk.qcow2'/>"],
        &["      <source file='/var/lib/images/new.qcow2'/>"],
    );
    check_edit(
        full(),
        |x| {
            let disk = x.root().devices(x).expect("d").disks(x)[0];
            disk.set_readonly(x, true);
        },
        &[],
        &["      <readonly/>"],
    );
    check_edit(
        full(),
        |x| {
            let nic = x.root().devices(x).expect("d").interfaces(x)[1];
            nic.set_link_state(x, Some("up"));
        },
        &["      <link state='down'/>"],
        &["      <link state='up'/>"],
    );
    check_edit(
        full(),
        |x| x.root().set_title(x, None),
        &["  <title>Everything machine</title>"],
        &[],
    );
    check_edit(
        full(),
        |x| {
            x.root()
                .os(x)
                .expect("os")
                .set_boot_order(x, &["cdrom", "hd"])
        },
        &[],
        &["    <boot dev='cdrom'/>", "    <boot dev='hd'/>"],
    );
    check_edit(
        full(),
        |x| {
            let g = x.root().devices(x).expect("d").graphics(x)[0];
            g.set_listen(x, Some("0.0.0.0"));
        },
        &[
            "    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>",
            "      <listen type='address' address='127.0.0.1'/>",
        ],
        &[
            "    <graphics type='vnc' port='-1' autoport='yes' listen='0.0.0.0'>",
            "      <listen type='address' address='0.0.0.0'/>",
        ],
    );
}

#[test]
fn adding_and_removing_devices() {
    check_edit(
        full(),
        |x| {
            let devs = x.root().devices(x).expect("d");
            devs.add_xml(x, "<disk type='file' device='disk'>\n  <source file='/x.img'/>\n  <target dev='vde' bus='virtio'/>\n</disk>")
                .expect("add");
        },
        &[],
        &[
            "    <disk type='file' device='disk'>",
            "      <source file='/x.img'/>",
            "      <target dev='vde' bus='virtio'/>",
            "    </disk>",
        ],
    );
    let mut x = full();
    let devs = x.root().devices(&x).expect("d");
    let dev = devs
        .add_xml(
            &mut x,
            "<disk type='file' device='disk'><target dev='vde'/></disk>",
        )
        .expect("add");
    let disks = devs.disks(&x);
    assert_eq!(disks.len(), 7);
    assert_eq!(disks[6].node(), dev.node(), "added after the last disk");
    devs.remove(&mut x, dev);
    assert_eq!(
        x.to_string(),
        full().to_string(),
        "add then remove restores the document"
    );
    check_edit(
        full(),
        |x| {
            let devs = x.root().devices(x).expect("d");
            let wd = devs.of_kind(x, DeviceKind::Watchdog)[0];
            devs.remove(x, wd);
        },
        &[
            "    <watchdog model='i6300esb' action='reset'>",
            "      <address type='pci' domain='0x0000' bus='0x00' slot='0x13' function='0x0'/>",
            "    </watchdog>",
        ],
        &[],
    );
}
