//! Custom GTK widgets (GObject subclasses): time-series graphs, the vCPU pinning matrix, the
//! VNC and SPICE displays (with the keys that end their keyboard grab, and a SPICE session's
//! further monitors) and the serial console.

pub(crate) mod console_input;
pub mod graph;
pub mod pinning_matrix;
pub mod release_keys;
pub mod screen;
pub mod serial_console;
pub mod spice_display;
pub mod spice_monitor;
pub mod vnc_display;
