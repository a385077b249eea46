//! The console page over a `qemu+ssh` connection to the private libvirtd through a private
//! sshd: the VM's VNC display comes through a channel of the connection's ssh master, a SPICE
//! display through one channel per SPICE channel; each shows SeaBIOS, and sshd sees a single
//! login for the connection and the display.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[path = "../crates/virt-client/tests/remote/sshd.rs"]
#[allow(dead_code)]
mod sshd;

use adw::prelude::*;
use hangar::widgets::vnc_display::DisplayState;
use relm4::prelude::*;
use support::{connect, wait_until};
use testbed::{Libvirtd, unique_name, vm};

#[gtk::test]
fn graphical_console_over_ssh_shows_seabios_on_one_login() {
    support::init_gui();
    let d = Libvirtd::shared();
    let name = unique_name("cpage-ssh");
    let path = d.dir().join(format!("{name}.xml"));
    std::fs::write(&path, vm::tiny_xml(&name)).unwrap();
    d.virsh(&d.qemu_uri(), &["define", path.to_str().unwrap()])
        .unwrap();
    d.virsh(&d.qemu_uri(), &["start", &name]).unwrap();
    let sshd = sshd::Sshd::start("");
    let uri = sshd.qemu_uri("hangar-test", &d.socket(), "&no_tty=1");
    let (win, page) = support::console_page(&name, &uri, connect(&uri));
    let display = page.model().display().clone();
    let ok = wait_until(40, || {
        display.state()
            == DisplayState::Connected {
                width: 720,
                height: 400,
            }
    });
    let state = display.state();
    let status = page.model().status();
    let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &name]);
    let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &name]);
    assert!(ok, "state {state:?}, status {status:?}");
    assert_eq!(status, None);
    assert_eq!(sshd.logins(), 1, "the display rides the connection's login");
    win.destroy();
}

#[gtk::test]
fn spice_console_over_ssh_shows_seabios_on_one_login() {
    support::init_gui();
    let d = Libvirtd::shared();
    let name = unique_name("cpage-ssh-spice");
    let path = d.dir().join(format!("{name}.xml"));
    std::fs::write(&path, vm::tiny_spice_xml(&name)).unwrap();
    d.virsh(&d.qemu_uri(), &["define", path.to_str().unwrap()])
        .unwrap();
    d.virsh(&d.qemu_uri(), &["start", &name]).unwrap();
    let sshd = sshd::Sshd::start("");
    let uri = sshd.qemu_uri("hangar-test", &d.socket(), "&no_tty=1");
    let (win, page) = support::console_page(&name, &uri, connect(&uri));
    let spice = page.model().spice_display().clone();
    // The picture needs the display channel, and keys the inputs channel: both came through
    // ssh channels of their own after the main channel's.
    let ok = wait_until(40, || {
        spice.state()
            == DisplayState::Connected {
                width: 720,
                height: 400,
            }
            && spice.has_inputs()
    });
    let state = spice.state();
    let status = page.model().status();
    let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &name]);
    let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &name]);
    assert!(ok, "state {state:?}, status {status:?}");
    assert_eq!(status, None);
    assert_eq!(
        sshd.logins(),
        1,
        "every SPICE channel rides the connection's login"
    );
    win.destroy();
}
