//! Migration between two `qemu+ssh` hosts: the app reaches two private daemons through a
//! private sshd, both connections riding one ssh master. The dialog moves a running VM live
//! (the client coordinating both daemons) without a second login; then the destination's
//! daemon sends it back peer to peer, logging in to the source through ssh itself. virsh on
//! both daemons is the oracle.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[path = "../crates/virt-client/tests/remote/sshd.rs"]
#[allow(dead_code)]
mod sshd;

use adw::prelude::*;
use hangar::ui::migrate::{MigrateMsg, MigrateOutput};
use relm4::prelude::*;
use support::migrate::{dialog, domstate, gone, start};
use support::{block, connect, wait_until};
use testbed::Libvirtd;
use virt_client::Domain;
use virt_client::domain::MigrateOptions;

/// virsh's `Persistent:` line of `dominfo`.
fn persistent(d: &Libvirtd, name: &str) -> String {
    let info = d.virsh(&d.qemu_uri(), &["dominfo", name]).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("Persistent:"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[gtk::test]
fn a_vm_migrates_between_ssh_hosts_over_one_login_and_back_peer_to_peer() {
    support::init_gui();
    let (src, dst) = (Libvirtd::start().unwrap(), Libvirtd::start().unwrap());
    let sshd = sshd::Sshd::start("");
    // The same host for ssh, another daemon behind it: one master carries both connections.
    let ssh_uri = |d: &Libvirtd| sshd.qemu_uri("hangar-test", &d.socket(), "&no_tty=1");
    let name = testbed::unique_name("migssh");
    let uuid = start(&src, &name, 4);
    let s = connect(&ssh_uri(&src));
    let d = connect(&ssh_uri(&dst));
    let (dialog, outputs) = dialog(
        ("alpha", s),
        ("beta", d.clone()),
        &name,
        &uuid,
        // The daemons' QEMUs talk to each other directly, not through ssh.
        &dst.migrate_uri(),
    );
    dialog.emit(MigrateMsg::Start);
    assert!(
        wait_until(60, || !outputs.borrow().is_empty()),
        "no outcome; status: {:?}",
        dialog.model().status_text()
    );
    assert!(
        matches!(&outputs.borrow()[0], MigrateOutput::Migrated { name: n, dest } if *n == name && dest == "beta"),
        "{:?} / {:?}",
        outputs.borrow(),
        dialog.model().status_text()
    );
    assert_eq!(domstate(&dst, &name), "running");
    assert_eq!(
        persistent(&dst, &name),
        "yes",
        "the dialog keeps it defined"
    );
    assert!(gone(&src, &name), "the transient VM left the source");
    assert_eq!(sshd.logins(), 1, "both connections ride the one master");
    dialog.widget().destroy();

    // Back, peer to peer: the call goes through the master, and the daemon behind it logs in
    // to the source through the same sshd with its own ssh.
    let back = ssh_uri(&src);
    let opts = MigrateOptions {
        live: true,
        persistent: true,
        migrate_uri: Some(src.migrate_uri()),
        ..Default::default()
    };
    let n = name.clone();
    let r = block(async move {
        let dom = Domain::lookup_by_name(&d, &n).await?;
        dom.migrate_peer_to_peer(&back, &opts).await
    });
    r.unwrap();
    assert_eq!(domstate(&src, &name), "running");
    assert_eq!(persistent(&src, &name), "yes");
    // Only its definition stays behind.
    assert_eq!(domstate(&dst, &name), "shut off");
    assert_eq!(sshd.logins(), 2, "the daemon's own login");
}
