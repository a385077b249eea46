//! Lossless reading and editing of libvirt's XML documents.
//!
//! [`Document`] keeps every byte it parsed; typed views (handles such as [`domain::Disk`])
//! read and edit it in place, so an edit changes only the markup it touches.

mod any;
pub mod builder;
pub mod capabilities;
pub mod cpuset;
pub mod domain;
pub mod domcaps;
pub mod error;
pub mod network;
pub mod nodedev;
pub mod snapshot;
pub mod storage;
pub mod tree;
pub mod units;
mod view;

pub use any::AnyXml;
pub use capabilities::CapabilitiesXml;
pub use cpuset::CpuSet;
pub use domain::{DomainXml, validate_domain};
pub use domcaps::DomainCapsXml;
pub use error::{Error, Result};
pub use network::NetworkXml;
pub use nodedev::NodeDeviceXml;
pub use snapshot::SnapshotXml;
pub use storage::{PoolXml, VolumeXml};
pub use tree::{Document, NodeId, NodeKind};
pub use units::{Size, Unit};
