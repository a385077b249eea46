//! Lossless reading and editing of libvirt's XML documents.
//!
//! [`Document`] keeps every byte it parsed; typed views (handles such as [`domain::Disk`])
//! read and edit it in place, so an edit changes only the markup it touches.

pub mod cpuset;
pub mod error;
pub mod tree;
pub mod units;

pub use cpuset::CpuSet;
pub use error::{Error, Result};
pub use tree::{Document, NodeId, NodeKind};
pub use units::{Size, Unit};
