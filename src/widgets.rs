//! Hangar's own widgets: GObject subclasses used by the app's pages.

pub mod serial_console;
pub mod vnc_display;
