//! The console page's display password against a real Secret Service (gnome-keyring on a
//! private bus): asked when the live XML cannot give it (a read-only connection), remembered
//! when the user ticks "Remember", given without asking the next time, and forgotten (and the
//! user asked) when the remembered one is wrong.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::session::keyring;
use hangar::ui::vm_window::console::{ConsolePage, password};
use hangar::widgets::vnc_display::DisplayState;
use relm4::prelude::*;
use support::{block, wait_until};
use testbed::{Libvirtd, unique_name, vm};
use virt_client::{ConnectOptions, Connection};

fn open_page(name: &str, uri: &str) -> (adw::Window, relm4::Controller<ConsolePage>) {
    let target = uri.to_string();
    let conn = block(async move {
        Connection::open_with(&target, ConnectOptions::new().read_only(true)).await
    })
    .unwrap();
    support::console_page(name, uri, conn)
}

/// The visible password dialog, if any.
fn dialog() -> Option<adw::MessageDialog> {
    gtk::Window::list_toplevels()
        .into_iter()
        .filter_map(|w| w.downcast::<adw::MessageDialog>().ok())
        .find(|w| w.is_visible())
}

/// Types `password` into the dialog, ticks "Remember" when `remember`, and connects.
fn answer(dialog: &adw::MessageDialog, password: &str, remember: bool) {
    let extra = dialog.extra_child().unwrap();
    let entry = extra.first_child().and_downcast::<gtk::Editable>().unwrap();
    entry.set_text(password);
    let check = extra
        .last_child()
        .and_downcast::<gtk::CheckButton>()
        .unwrap();
    check.set_active(remember);
    MessageDialogExt::response(dialog, "connect");
    dialog.close();
}

fn connected(page: &relm4::Controller<ConsolePage>) -> bool {
    matches!(
        page.model().display().state(),
        DisplayState::Connected { .. }
    )
}

#[gtk::test]
fn display_password_is_remembered_in_the_keyring() {
    let service = testbed::keyring::SecretService::start().unwrap();
    // SAFETY: the app's threads do not read the environment before this.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", service.address()) };
    support::init_gui();
    let probe = keyring::SecretKey::new("probe", "password", "probe");
    let ready = block(async move {
        for _ in 0..150 {
            if keyring::store(&probe, "x").await.is_ok() {
                return true;
            }
            // Poll interval of this wait for the service (async: it runs on relm4's runtime).
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        false
    });
    assert!(ready, "no Secret Service");

    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let name = unique_name("cpage-kr");
    let xml = vm::tiny_xml(&name).replace(
        "<graphics type='vnc' port='-1'",
        "<graphics type='vnc' passwd='sesame' port='-1'",
    );
    let path = d.dir().join(format!("{name}.xml"));
    std::fs::write(&path, xml).unwrap();
    d.virsh(&uri, &["define", path.to_str().unwrap()]).unwrap();
    d.virsh(&uri, &["start", &name]).unwrap();
    let key = password::key(&uri, &name);
    let lookup = |key: &keyring::SecretKey| {
        let key = key.clone();
        block(async move { keyring::lookup(&key).await.unwrap() })
    };

    // Asked (a read-only connection gets no password from the XML); remembered once it works.
    let (win, page) = open_page(&name, &uri);
    assert!(wait_until(30, || dialog().is_some()), "no password dialog");
    answer(&dialog().unwrap(), "sesame", true);
    assert!(
        wait_until(30, || connected(&page)),
        "{:?}",
        page.model().display().state()
    );
    assert!(wait_until(10, || lookup(&key).as_deref() == Some("sesame")));
    win.destroy();
    drop(page);

    // Next time: connected without a dialog.
    let (win, page) = open_page(&name, &uri);
    assert!(wait_until(30, || connected(&page) || dialog().is_some()));
    assert!(dialog().is_none(), "asked although remembered");
    assert!(connected(&page));
    win.destroy();
    drop(page);

    // A wrong remembered password is forgotten and the user asked.
    let wrong = key.clone();
    block(async move { keyring::store(&wrong, "open-barley").await.unwrap() });
    let (win, page) = open_page(&name, &uri);
    assert!(
        wait_until(30, || dialog().is_some()),
        "not asked after a wrong password"
    );
    assert!(
        wait_until(10, || lookup(&key).is_none()),
        "the wrong password is still remembered"
    );
    answer(&dialog().unwrap(), "sesame", false);
    assert!(wait_until(30, || connected(&page)));
    assert_eq!(lookup(&key), None, "remembered without being asked to");
    win.destroy();
    let _ = d.virsh_output(&uri, &["destroy", &name]);
    let _ = d.virsh_output(&uri, &["undefine", &name]);
}
