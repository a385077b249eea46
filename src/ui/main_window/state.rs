//! What the main window starts with and keeps between runs: the connections to open at start
//! and the window's size.

use adw::prelude::*;

use crate::cli::Options;
use crate::settings::AppSettings;

/// The connections to list at start: the saved ones, then those asked for on the command line;
/// on the very first start with none of either, the local hypervisor. Each says whether it is
/// opened at once.
pub fn initial_connections(
    settings: Option<&AppSettings>,
    options: &Options,
) -> Vec<StartConnection> {
    let saved = settings.map(AppSettings::connections).unwrap_or_default();
    let autoconnect = settings.map(AppSettings::autoconnect).unwrap_or_default();
    let first_start = settings.is_some_and(AppSettings::first_start);
    fn add(list: &mut Vec<StartConnection>, uri: &str, open: bool) {
        match list.iter_mut().find(|c| c.uri == uri) {
            Some(c) => c.open |= open,
            None => list.push(StartConnection {
                uri: uri.to_string(),
                open,
            }),
        }
    }
    let mut initial = Vec::new();
    for uri in &saved {
        add(&mut initial, uri, autoconnect.contains(uri));
    }
    for uri in &options.connect {
        add(&mut initial, uri, true);
    }
    if first_start && initial.is_empty() {
        add(&mut initial, local_uri(), true);
    }
    initial
}

/// A connection listed at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartConnection {
    /// Its URI.
    pub uri: String,
    /// Whether it is opened at once (saved with autoconnect, or asked for on the command line);
    /// else it is listed as not connected.
    pub open: bool,
}

/// The local hypervisor to add on the very first start: the system daemon when its socket is
/// there, else the user's session daemon (which the client starts when nothing answers).
pub fn local_uri() -> &'static str {
    let system = ["/run/libvirt/libvirt-sock", "/run/libvirt/virtqemud-sock"];
    if system.iter().any(|p| std::path::Path::new(p).exists()) {
        "qemu:///system"
    } else {
        "qemu:///session"
    }
}

pub(super) fn restore_window_state(window: &adw::ApplicationWindow, settings: &AppSettings) {
    let s = settings.gio();
    window.set_default_size(
        s.int("window-width").max(360),
        s.int("window-height").max(300),
    );
    if s.boolean("window-maximized") {
        window.maximize();
    }
}

pub(super) fn save_window_state(window: &adw::ApplicationWindow, settings: &AppSettings) {
    let s = settings.gio();
    let (w, h) = window.default_size();
    let _ = s.set_int("window-width", w);
    let _ = s.set_int("window-height", h);
    let _ = s.set_boolean("window-maximized", window.is_maximized());
}
