//! Two private daemons on this machine to migrate between, and what virsh says about them.
#![allow(dead_code)]

use testbed::Libvirtd;
use virt_client::{Connection, Domain};

/// Two daemons, each a host of its own (host UUID, migration ports), and a connection to each.
pub struct Pair {
    pub src: Libvirtd,
    pub dst: Libvirtd,
    pub s: Connection,
    pub d: Connection,
}

pub async fn pair() -> Pair {
    let src = Libvirtd::start().unwrap();
    let dst = Libvirtd::start().unwrap();
    assert_ne!(src.host_uuid(), dst.host_uuid());
    let s = Connection::open(&src.qemu_uri()).await.unwrap();
    let d = Connection::open(&dst.qemu_uri()).await.unwrap();
    Pair { src, dst, s, d }
}

/// virsh's `domstate` of `name` on `d`, or its error.
pub fn domstate(d: &Libvirtd, name: &str) -> String {
    match d.virsh(&d.qemu_uri(), &["domstate", name]) {
        Ok(s) => s.trim().to_string(),
        Err(e) => e.to_string(),
    }
}

/// virsh's `Persistent:` line of `dominfo`.
pub fn persistent(d: &Libvirtd, name: &str) -> String {
    let info = d.virsh(&d.qemu_uri(), &["dominfo", name]).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Persistent:"))
        .unwrap()
        .trim()
        .to_string()
}

pub fn gone(d: &Libvirtd, name: &str) -> bool {
    domstate(d, name).contains("failed to get domain")
}

/// Starts the tiny VM on the source: transient, or defined first when `persistent`.
pub async fn start_tiny(p: &Pair, name: &str, persistent: bool) -> Domain {
    let xml = testbed::vm::tiny_xml(name);
    if persistent {
        let dom = Domain::define_xml(&p.s, &xml, 0).await.unwrap();
        dom.create(0).await.unwrap()
    } else {
        Domain::create_xml(&p.s, &xml, 0).await.unwrap()
    }
}
