//! Async client for libvirt's remote protocol, on tokio.
//!
//! [`Connection::open`] connects to a daemon (unix socket or plain TCP), authenticates and
//! opens the driver the URI names. The handle is cheap to clone; one task per connection owns
//! the socket, so calls from many tasks are pipelined on it.

mod connect;
mod connection;
pub mod domain;
pub mod error;
pub mod events;
pub mod interface;
pub mod network;
mod node_device;
pub mod secret;
pub mod storage;
pub mod stream;
mod transport;
pub mod uri;

pub use connect::{CpuMap, NodeInfo, split_version};
pub use connection::{CloseReason, ConnectOptions, Connection, KeepaliveConfig};
pub use domain::{Domain, DomainInfo, DomainState, DomainStats};
pub use error::{Error, ErrorCode, ErrorDomain, ErrorLevel, Result};
pub use events::{DomainEvent, DomainEventId, Events, LifecycleEvent, ObjectEvent};
pub use interface::Interface;
pub use network::Network;
pub use secret::Secret;
pub use storage::{PoolInfo, StoragePool, StorageVol};
pub use stream::Stream;
pub use uri::{ConnectUri, UriError};
pub use virt_proto::remote::{TypedParam, TypedParamValue};
