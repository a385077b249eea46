//! Async client for libvirt's remote protocol, on tokio.

mod transport;
pub mod uri;

pub use uri::{ConnectUri, UriError};
