//! Custom GTK widgets (GObject subclasses): time-series graphs, the vCPU pinning matrix, the
//! VNC and SPICE displays and the serial console.

pub mod graph;
pub mod pinning_matrix;
pub mod serial_console;
pub mod spice_display;
pub mod vnc_display;
