//! The harness itself: a private daemon answers on its test and QEMU URIs, runs a TCG VM and
//! cleans up after itself.

use testbed::{Libvirtd, unique_name, vm};

#[test]
fn test_driver_answers_through_test_unix() {
    let d = Libvirtd::shared();
    let names = d
        .virsh(&d.test_uri(), &["list", "--all", "--name"])
        .unwrap();
    assert_eq!(names.split_whitespace().collect::<Vec<_>>(), ["test"]);
}

#[test]
fn fixture_file_lists_its_domains() {
    let d = Libvirtd::shared();
    let uri = d.fixture_uri("three", &vm::test_node_xml("fx", 3)).unwrap();
    let names = d.virsh(&uri, &["list", "--name"]).unwrap();
    assert_eq!(
        names.split_whitespace().collect::<Vec<_>>(),
        ["fx-0", "fx-1", "fx-2"]
    );
}

#[test]
fn tiny_tcg_vm_starts_and_is_destroyed() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = unique_name("tiny");
    let xml_path = d.dir().join(format!("{name}.xml"));
    std::fs::write(&xml_path, vm::tiny_xml(&name)).unwrap();
    d.virsh(&uri, &["define", xml_path.to_str().unwrap()])
        .unwrap();
    d.virsh(&uri, &["start", &name]).unwrap();
    assert_eq!(
        d.virsh(&uri, &["domstate", &name]).unwrap().trim(),
        "running"
    );
    let display = d.virsh(&uri, &["domdisplay", &name]).unwrap();
    assert!(display.starts_with("vnc://127.0.0.1:"), "{display}");
    d.virsh(&uri, &["destroy", &name]).unwrap();
    assert_eq!(
        d.virsh(&uri, &["domstate", &name]).unwrap().trim(),
        "shut off"
    );
    d.virsh(&uri, &["undefine", &name]).unwrap();
}

#[test]
fn own_daemon_stops_with_its_vms() {
    let d = Libvirtd::start().unwrap();
    let uri = d.qemu_uri();
    let name = unique_name("tinystop");
    let xml_path = d.dir().join("t.xml");
    std::fs::write(&xml_path, vm::tiny_xml(&name)).unwrap();
    d.virsh(&uri, &["create", xml_path.to_str().unwrap()])
        .unwrap();
    let qemu_running = || {
        std::process::Command::new("pgrep")
            .args(["-f", &format!("guest={name}")])
            .status()
            .unwrap()
            .success()
    };
    assert!(qemu_running());
    let socket = d.socket();
    drop(d);
    assert!(!qemu_running(), "QEMU outlived its daemon");
    assert!(!socket.exists());
}
