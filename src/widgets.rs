//! Custom GTK widgets: time-series graphs and the vCPU pinning matrix.

pub mod graph;
pub mod pinning_matrix;
