//! Async client for libvirt's remote protocol, on tokio.

pub mod uri;

pub use uri::{ConnectUri, UriError};
