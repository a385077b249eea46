//! Two private daemons' VMs for migration tests: start one, ask its state.

use testbed::Libvirtd;

pub fn domstate(d: &Libvirtd, name: &str) -> String {
    match d.virsh(&d.qemu_uri(), &["domstate", name]) {
        Ok(s) => s.trim().to_string(),
        Err(e) => e.to_string(),
    }
}

/// Starts the tiny VM (64 MiB, `fill_mib` of it random) on `src`; its UUID.
pub fn start(src: &Libvirtd, name: &str, fill_mib: u32) -> String {
    let fill = src.dir().join(format!("{name}.fill"));
    let xml = testbed::vm::tiny_filled_xml(name, 64, &fill, fill_mib).unwrap();
    let file = src.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    src.virsh(&src.qemu_uri(), &["create", file.to_str().unwrap()])
        .unwrap();
    src.virsh(&src.qemu_uri(), &["domuuid", name])
        .unwrap()
        .trim()
        .to_string()
}
