//! The main window from the keyboard, with key events that come through the X server (Xvfb)
//! as a user's do (`xdotool`, through XTEST): Ctrl+F opens the search with its entry focused
//! so that what is typed next filters the list, typing in the list starts a search, and
//! Ctrl+comma opens the preferences.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

use adw::prelude::*;
use hangar::cli::Options;
use hangar::ui::MainWindow;
use relm4::prelude::*;
use support::wait_until;
use testbed::{Libvirtd, vm};

/// Runs `xdotool ARGS` while the main loop turns (the app answers the X server meanwhile);
/// its standard output.
fn xdotool(args: &[&str]) -> String {
    let child = Command::new("xdotool")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("xdotool (apt package xdotool) is needed for keyboard tests");
    let pid = child.id();
    let out = std::sync::Arc::new(std::sync::Mutex::new(None));
    let o = out.clone();
    std::thread::spawn(move || {
        let result = child.wait_with_output();
        *o.lock().unwrap() = Some(result);
    });
    assert!(
        wait_until(20, || out.lock().unwrap().is_some()),
        "xdotool {args:?} (pid {pid}) did not finish"
    );
    let result = out.lock().unwrap().take().unwrap().unwrap();
    assert!(
        result.status.success(),
        "xdotool {args:?}: {:?}",
        result.status
    );
    String::from_utf8_lossy(&result.stdout).trim().to_string()
}

/// A main window on a host with VMs big-0 … big-19, its title unique, with the X input focus.
fn focused_window(title: &str) -> (relm4::Controller<MainWindow>, String) {
    support::init_gui();
    let settings = hangar::settings::AppSettings::open().unwrap();
    settings.set_connections(&[]);
    let d = Libvirtd::shared();
    let uri = d.fixture_uri(title, &vm::test_node_xml("big", 20)).unwrap();
    let window = MainWindow::builder()
        .launch(Options {
            connect: vec![uri.clone()],
            ..Options::default()
        })
        .detach();
    // As in the app: the window belongs to the (started) application, whose accelerators it
    // takes.
    let app = relm4::main_application();
    if !app.is_registered() {
        app.set_flags(gtk::gio::ApplicationFlags::NON_UNIQUE);
        app.register(None::<&gtk::gio::Cancellable>).unwrap();
    }
    window.widget().set_application(Some(&app));
    let title = format!("{title}-{}", std::process::id());
    window.widget().set_title(Some(&title));
    window.widget().present();
    let conn = window.model().list().connection(&uri).unwrap();
    assert!(wait_until(30, || conn.vms().n_items() == 20));
    let id = xdotool(&["search", "--sync", "--name", &format!("^{title}$")]);
    let id = id.lines().next().unwrap().to_string();
    xdotool(&["windowfocus", "--sync", &id]);
    assert!(
        wait_until(10, || window.widget().is_active()),
        "the window did not get the focus"
    );
    (window, id)
}

fn search_entry(window: &relm4::Controller<MainWindow>) -> gtk::SearchEntry {
    support::hardware::descendants(window.widget().upcast_ref())
        .into_iter()
        .find_map(|w| w.downcast::<gtk::SearchEntry>().ok())
        .unwrap()
}

/// Whether the focus of `window` is in `widget` (a search entry's focus is on its text).
fn focus_in(window: &impl IsA<gtk::Root>, widget: &impl IsA<gtk::Widget>) -> bool {
    window
        .focus()
        .is_some_and(|f| &f == widget.upcast_ref() || f.is_ancestor(widget))
}

#[gtk::test]
fn ctrl_f_focuses_the_search_and_typing_filters_the_list() {
    let (window, _) = focused_window("keys-ctrl-f");
    let list = window.model().list().clone();
    assert_eq!(list.n_rows(), 21);
    let entry = search_entry(&window);
    assert!(!entry.is_mapped());

    xdotool(&["key", "--clearmodifiers", "ctrl+f"]);
    assert!(
        wait_until(5, || entry.is_mapped()),
        "Ctrl+F opens the search"
    );
    assert!(
        wait_until(5, || focus_in(window.widget(), &entry)),
        "the search entry has the focus, not {:?}",
        gtk::prelude::RootExt::focus(window.widget()).map(|w| w.type_().name())
    );
    xdotool(&["type", "--delay", "20", "big-1"]);
    assert!(
        wait_until(5, || list.n_rows() == 12),
        "typing after Ctrl+F filters (big-1, big-10 … big-19 and the host): {} rows, entry “{}”",
        list.n_rows(),
        entry.text()
    );
    assert_eq!(entry.text(), "big-1");

    // Escape closes the search and shows every VM again.
    xdotool(&["key", "Escape"]);
    assert!(wait_until(5, || !entry.is_mapped() && list.n_rows() == 21));
    window.widget().destroy();
}

#[gtk::test]
fn typing_in_the_list_starts_a_search() {
    let (window, _) = focused_window("keys-type");
    let list = window.model().list().clone();
    let entry = search_entry(&window);
    list.widget().grab_focus();
    assert!(!entry.is_mapped());
    xdotool(&["type", "--delay", "20", "big-7"]);
    assert!(
        wait_until(5, || entry.is_mapped() && list.n_rows() == 2),
        "typing opens the search and filters: {} rows, entry “{}”",
        list.n_rows(),
        entry.text()
    );
    assert_eq!(entry.text(), "big-7");
    window.widget().destroy();
}

#[gtk::test]
fn ctrl_comma_opens_the_preferences() {
    let (window, _) = focused_window("keys-prefs");
    assert!(window.model().preferences().is_none());
    xdotool(&["key", "--clearmodifiers", "ctrl+comma"]);
    assert!(
        wait_until(5, || window
            .model()
            .preferences()
            .is_some_and(|p| p.widget().is_visible())),
        "Ctrl+comma opens the preferences"
    );
    window.model().preferences().unwrap().widget().close();
    window.widget().destroy();
}
