//! The vCPU pinning matrix.

pub mod model;
