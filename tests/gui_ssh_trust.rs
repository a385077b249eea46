//! A new ssh host from the main window: the question whether to trust its key reaches the UI
//! with the fingerprint `ssh-keygen -lf` computes; "Cancel" leaves the known hosts file as it
//! was and says why the connection failed; "Trust and Connect" records the key and connects.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[path = "../crates/virt-client/tests/remote/sshd.rs"]
#[allow(dead_code)]
mod sshd;

use adw::prelude::*;
use hangar::cli::Options;
use hangar::ui::MainWindow;
use hangar::ui::vm_list::{ConnectionObject, ConnectionStatus};
use relm4::prelude::*;
use support::wait_until;
use testbed::Libvirtd;

fn launch(uri: &str) -> (relm4::Controller<MainWindow>, ConnectionObject) {
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![uri.to_string()],
            ..Options::default()
        })
        .detach();
    window.widget().present();
    let conn = window
        .model()
        .list()
        .connection(uri)
        .expect("connection listed");
    (window, conn)
}

/// The visible question about a host key, once it is there.
fn trust_dialog() -> adw::MessageDialog {
    let mut dialog = None;
    let found = wait_until(30, || {
        dialog = gtk::Window::list_toplevels()
            .into_iter()
            .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
            .find(|w| w.is_visible());
        dialog.is_some()
    });
    assert!(found, "no question shown");
    dialog.unwrap()
}

fn respond(dialog: &adw::MessageDialog, response: &str) {
    MessageDialogExt::response(dialog, response);
    dialog.close();
}

#[gtk::test]
fn new_ssh_host_key_is_trusted_from_the_window() {
    support::init_gui();
    hangar::settings::AppSettings::open()
        .unwrap()
        .set_connections(&[]);
    let d = Libvirtd::shared();
    let sshd = sshd::Sshd::start("");
    let line = sshd.host_key_fingerprint();
    let fp = line.split_whitespace().nth(1).unwrap().to_owned();
    let kh = sshd.dir.path().join("app_known_hosts");
    std::fs::write(&kh, "").unwrap();
    let uri = format!(
        "qemu+ssh://hangar-stranger/system?socket={}&command={}&known_hosts={}",
        d.socket().display(),
        sshd.ssh().display(),
        kh.display()
    );

    // Cancel: not connected, the reason says so, nothing recorded.
    let (window, conn) = launch(&uri);
    let dialog = trust_dialog();
    assert_eq!(dialog.heading().unwrap(), "Unknown Host Key");
    let body = dialog.body();
    assert!(
        body.contains(&format!("ED25519 key fingerprint is {fp}.")),
        "{body}"
    );
    respond(&dialog, "cancel");
    assert!(
        wait_until(20, || conn.connection_status() == ConnectionStatus::Failed),
        "status {:?}: {}",
        conn.connection_status(),
        conn.status_text()
    );
    assert!(
        conn.status_text().contains("not trusted"),
        "{}",
        conn.status_text()
    );
    assert_eq!(std::fs::read_to_string(&kh).unwrap(), "");
    window.widget().destroy();

    // Trust: recorded, connected.
    let (window, conn) = launch(&uri);
    let dialog = trust_dialog();
    assert!(dialog.body().contains(&fp));
    respond(&dialog, "trust");
    assert!(
        wait_until(30, || conn.connection_status()
            == ConnectionStatus::Connected),
        "status {:?}: {}",
        conn.connection_status(),
        conn.status_text()
    );
    let text = std::fs::read_to_string(&kh).unwrap();
    assert!(
        text.starts_with(&format!("[127.0.0.1]:{} ssh-ed25519 ", sshd.port)),
        "{text}"
    );
    assert_eq!(sshd.logins(), 1);
    window.widget().destroy();
}
