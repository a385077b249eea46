//! The remote program (`REMOTE_PROGRAM`): procedure numbers and every message body.
//!
//! Types are named after their wire structs without the `remote_` prefix, in Rust case:
//! `remote_domain_get_info_args` is [`DomainGetInfoArgs`], `remote_domain_get_info_ret` is
//! [`DomainGetInfoRet`], an event body `remote_domain_event_callback_lifecycle_msg` is
//! [`DomainEventCallbackLifecycleMsg`]. Object references drop `nonnull`:
//! `remote_nonnull_domain` is [`Domain`], and the nullable `remote_domain` is
//! `Option<Domain>`. Every type is re-exported here; the submodules only group them by the
//! object they act on.

mod auth;
mod checkpoint;
mod connect;
mod domain;
pub mod error;
mod events;
mod interface;
pub mod limits;
mod network;
mod node;
mod node_device;
mod nwfilter;
mod procedures;
mod secret;
mod snapshot;
mod stats;
mod storage;
mod typed_param;
mod types;

pub use auth::AuthType;
pub use checkpoint::*;
pub use connect::*;
pub use domain::*;
pub use error::RemoteError;
pub use events::*;
pub use interface::*;
pub use network::*;
pub use node::*;
pub use node_device::*;
pub use nwfilter::*;
pub use procedures::{Procedure, StreamDirection};
pub use secret::*;
pub use snapshot::*;
pub use stats::*;
pub use storage::*;
pub use typed_param::{TypedParam, TypedParamValue};
pub use types::*;
