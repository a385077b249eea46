//! Async client for libvirt's remote protocol, on tokio.
