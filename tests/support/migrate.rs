//! Two private daemons' VMs for migration tests: start one, ask its state, and open the
//! migration dialog between two connections.

use adw::prelude::*;
use hangar::ui::migrate::{MigrateDialog, MigrateInit, MigrateOutput};
use relm4::prelude::*;
use testbed::Libvirtd;

pub fn domstate(d: &Libvirtd, name: &str) -> String {
    match d.virsh(&d.qemu_uri(), &["domstate", name]) {
        Ok(s) => s.trim().to_string(),
        Err(e) => e.to_string(),
    }
}

/// Whether `d` has no domain `name` (running or defined).
pub fn gone(d: &Libvirtd, name: &str) -> bool {
    domstate(d, name).contains("failed to get domain")
}

/// Starts the tiny VM (64 MiB, `fill_mib` of it random) on `src`; its UUID.
pub fn start(src: &Libvirtd, name: &str, fill_mib: u32) -> String {
    let fill = src.dir().join(format!("{name}.fill"));
    let xml = testbed::vm::tiny_filled_xml(name, 64, &fill, fill_mib).unwrap();
    start_xml(src, name, &xml)
}

/// Starts VM `name` from `xml` on `src`; its UUID.
pub fn start_xml(src: &Libvirtd, name: &str, xml: &str) -> String {
    let file = src.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    src.virsh(&src.qemu_uri(), &["create", file.to_str().unwrap()])
        .unwrap();
    src.virsh(&src.qemu_uri(), &["domuuid", name])
        .unwrap()
        .trim()
        .to_string()
}

/// What the dialog told its parent so far.
pub type Outputs = std::rc::Rc<std::cell::RefCell<Vec<MigrateOutput>>>;

/// The migration dialog for running VM `name` from `source` to `dest` (connections with their
/// labels), its address set to `address` (where the destination's QEMU listens), presented.
pub fn dialog(
    (source_label, source): (&str, virt_client::Connection),
    (dest_label, dest): (&str, virt_client::Connection),
    name: &str,
    uuid: &str,
    address: &str,
) -> (Controller<MigrateDialog>, Outputs) {
    let outputs: Outputs = Default::default();
    let sink = outputs.clone();
    let dialog = MigrateDialog::builder()
        .launch(MigrateInit {
            name: name.to_string(),
            uuid: uuid.to_string(),
            source_label: source_label.into(),
            source,
            active: true,
            destinations: vec![(dest_label.into(), dest)],
            chosen: 0,
        })
        .connect_receiver(move |_, out| sink.borrow_mut().push(out));
    dialog.widget().present();
    dialog.model().address_row().set_text(address);
    (dialog, outputs)
}
