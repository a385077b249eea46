//! Lossless reading and editing of libvirt's XML documents.
//!
//! [`Document`] keeps every byte it parsed; typed views (handles such as [`domain::Disk`])
//! read and edit it in place, so an edit changes only the markup it touches.

pub mod error;
pub mod tree;

pub use error::{Error, Result};
pub use tree::{Document, NodeId, NodeKind};
