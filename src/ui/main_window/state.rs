//! What the main window starts with and keeps between runs: the connections to open at start
//! and the window's size.

use adw::prelude::*;

use crate::cli::Options;
use crate::settings::AppSettings;

/// The connections to open at start: the saved ones, then those asked for on the command line;
/// on the very first start with none of either, the local hypervisor.
pub fn initial_connections(settings: Option<&AppSettings>, options: &Options) -> Vec<String> {
    let saved = settings.map(AppSettings::connections).unwrap_or_default();
    let first_start = settings.is_some_and(AppSettings::first_start);
    let mut initial: Vec<String> = saved.into_iter().chain(options.connect.clone()).collect();
    if first_start && initial.is_empty() {
        initial.push(local_uri().to_string());
    }
    initial
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
