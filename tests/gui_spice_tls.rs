//! SPICE consoles over TLS against QEMU's own SPICE server (`spice_tls` in the private daemon's
//! `qemu.conf`, a VM whose channels must be secure): over a `qemu+tcp` connection the console
//! page checks the server's certificate against the connection's CA (`pkipath`) and shows
//! SeaBIOS; with another CA the session is refused and the page says why. Over a `qemu+ssh`
//! connection (a private sshd) the TLS port is reached through the ssh master with TLS ended
//! by Hangar, with the same checks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[path = "../crates/virt-client/tests/remote/pki.rs"]
#[allow(dead_code)]
mod pki;

#[path = "../crates/virt-client/tests/remote/sshd.rs"]
#[allow(dead_code)]
mod sshd;

use std::path::Path;

use adw::prelude::*;
use relm4::prelude::*;

use hangar::ui::vm_window::console::StatusAction;
use hangar::widgets::screen::SessionSignals;
use hangar::widgets::vnc_display::DisplayState;
use support::{connect, wait_until};
use testbed::{Libvirtd, Options, unique_name, vm};

/// A daemon whose QEMU serves SPICE over TLS with a certificate for 127.0.0.1 (and
/// `hangar-test`, the private sshd's name) signed by `ca`.
fn tls_daemon(ca: &pki::Ca) -> Libvirtd {
    let dir = tempfile::Builder::new()
        .prefix("hangar-libvirtd-")
        .tempdir()
        .unwrap();
    let spice = dir.path().join("spice-pki");
    std::fs::create_dir_all(&spice).unwrap();
    let (cert, key) = ca.leaf(&["127.0.0.1", "hangar-test"], true, false);
    std::fs::write(spice.join("ca-cert.pem"), ca.pem()).unwrap();
    std::fs::write(spice.join("server-cert.pem"), cert).unwrap();
    std::fs::write(spice.join("server-key.pem"), key).unwrap();
    let options = Options {
        extra_qemu_conf: format!(
            "spice_tls = 1\nspice_tls_x509_cert_dir = \"{}\"\n",
            spice.display()
        ),
        ..Options::default()
    };
    Libvirtd::start_in(dir, options).unwrap()
}

/// A running VM whose SPICE channels all need TLS (so only a TLS port is opened).
fn secure_vm(d: &Libvirtd, name: &str) {
    let xml = vm::tiny_spice_xml(name).replace(
        "<graphics type='spice'",
        "<graphics type='spice' defaultMode='secure'",
    );
    let path = d.dir().join(format!("{name}.xml"));
    std::fs::write(&path, xml).unwrap();
    d.virsh(&d.qemu_uri(), &["define", path.to_str().unwrap()])
        .unwrap();
    d.virsh(&d.qemu_uri(), &["start", name]).unwrap();
}

/// The console page of the VM `name` over `uri`, its SPICE display, and whether that display
/// ever connected.
fn page_watching(
    name: &str,
    uri: &str,
) -> (
    adw::Window,
    relm4::Controller<hangar::ui::vm_window::console::ConsolePage>,
    hangar::widgets::spice_display::SpiceDisplay,
    std::rc::Rc<std::cell::Cell<bool>>,
) {
    let (win, page) = support::console_page(name, uri, connect(uri));
    let spice = page.model().spice_display().clone();
    let connected = std::rc::Rc::new(std::cell::Cell::new(false));
    let c = connected.clone();
    spice.connect_connected(move |_| c.set(true));
    (win, page, spice, connected)
}

/// A `qemu+tcp` URI whose `pkipath` trusts `ca`.
fn uri_trusting(d: &Libvirtd, ca: &pki::Ca, dir: &Path) -> String {
    ca.write_client(dir, ca, false);
    format!("{}?pkipath={}", d.qemu_tcp_uri(), dir.display())
}

#[gtk::test]
fn spice_over_tls_checks_the_servers_certificate_against_the_connections_ca() {
    support::init_gui();
    let host_ca = pki::Ca::new("Host CA");
    let other_ca = pki::Ca::new("Other CA");
    let d = tls_daemon(&host_ca);
    let name = unique_name("spice-tls");
    secure_vm(&d, &name);
    let live = d.virsh(&d.qemu_uri(), &["dumpxml", &name]).unwrap();
    assert!(live.contains("tlsPort="), "{live}");
    let client = tempfile::tempdir().unwrap();

    // Trusting another CA, the session is refused and the page says it was TLS.
    let uri = uri_trusting(&d, &other_ca, &client.path().join("other"));
    let (win, page, spice, connected) = page_watching(&name, &uri);
    // (The page tries a few times, then shows the reason.)
    let refused = wait_until(60, || {
        page.model()
            .status()
            .is_some_and(|s| s.description.contains("TLS"))
    });
    let state = spice.state();
    let status = page.model().status();
    assert!(refused, "state {state:?}, status {status:?}");
    assert!(
        matches!(state, DisplayState::Disconnected { .. }),
        "{state:?}"
    );
    assert!(
        !connected.get(),
        "connected with a certificate of another CA"
    );
    win.destroy();
    drop(page);

    // Trusting the host's CA, SeaBIOS shows.
    let uri = uri_trusting(&d, &host_ca, &client.path().join("host"));
    let (win, page) = support::console_page(&name, &uri, connect(&uri));
    let spice = page.model().spice_display().clone();
    let ok = wait_until(40, || {
        spice.state()
            == DisplayState::Connected {
                width: 720,
                height: 400,
            }
    });
    let state = spice.state();
    let status = page.model().status();
    assert!(ok, "state {state:?}, status {status:?}");
    assert_eq!(status, None);
    win.destroy();
    let _ = d.virsh_output(&d.qemu_uri(), &["destroy", &name]);
    let _ = d.virsh_output(&d.qemu_uri(), &["undefine", &name]);
}

/// A `qemu+ssh` URI through `sshd` to `d` whose `pkipath` trusts `ca`.
fn ssh_uri_trusting(d: &Libvirtd, sshd: &sshd::Sshd, ca: &pki::Ca, dir: &Path) -> String {
    ca.write_client(dir, ca, false);
    let extra = format!("&no_tty=1&pkipath={}", dir.display());
    sshd.qemu_uri("hangar-test", &d.socket(), &extra)
}

#[gtk::test]
fn spice_tls_port_over_ssh_is_reached_with_tls_ended_here() {
    support::init_gui();
    let host_ca = pki::Ca::new("Host CA");
    let other_ca = pki::Ca::new("Other CA");
    let d = tls_daemon(&host_ca);
    let name = unique_name("spice-tls-ssh");
    secure_vm(&d, &name);
    let live = d.virsh(&d.qemu_uri(), &["dumpxml", &name]).unwrap();
    let g = hangar::ui::vm_window::console::graphics::parse_devices(&live).0;
    let ports = g.as_ref().map(|g| (g.port, g.tls_port.is_some()));
    assert_eq!(ports, Some((None, true)), "only a TLS port: {live}");
    let sshd = sshd::Sshd::start("");
    let client = tempfile::tempdir().unwrap();

    // Trusting another CA, no channel is handed to SPICE and the page says why.
    let uri = ssh_uri_trusting(&d, &sshd, &other_ca, &client.path().join("other"));
    let (win, page, spice, connected) = page_watching(&name, &uri);
    let refused = wait_until(60, || {
        page.model()
            .status()
            .is_some_and(|s| s.description.contains("TLS") && s.description.contains("certificate"))
    });
    let state = spice.state();
    let status = page.model().status();
    assert!(refused, "state {state:?}, status {status:?}");
    assert_eq!(
        status.map(|s| (s.title, s.action)),
        Some((
            "The display cannot be reached".to_string(),
            Some(StatusAction::Retry)
        ))
    );
    assert!(
        !matches!(state, DisplayState::Connected { .. }),
        "{state:?}"
    );
    assert!(
        !connected.get(),
        "connected with a certificate of another CA"
    );
    win.destroy();
    drop(page);

    // Trusting the host's CA, every SPICE channel comes through: SeaBIOS shows and keys go in.
    let uri = ssh_uri_trusting(&d, &sshd, &host_ca, &client.path().join("host"));
    let (win, page) = support::console_page(&name, &uri, connect(&uri));
    let spice = page.model().spice_display().clone();
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
    win.destroy();
}
