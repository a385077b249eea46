//! Async client for libvirt's remote protocol, on tokio.
//!
//! [`Connection::open`] connects to a daemon, authenticates and opens the driver the URI names.
//! The handle is cheap to clone; one task per connection owns the socket, so calls from many
//! tasks are pipelined on it.
//!
//! Transports: unix sockets, TCP, TLS (`+tls`, rustls, libvirt's PKI files; failures are
//! [`TlsError`]s), ssh (`+ssh`, and `+libssh`/`+libssh2` with their parameters as ssh options: the
//! system's `ssh` with one control master per host; failures are [`SshError`]s; [`Channel`]s
//! reach other sockets on the host through it) and external commands (`+ext`). Authentication: none, polkit, and SASL (SCRAM-SHA-256; PLAIN
//! over TLS or unix). User names, passwords and ssh passphrases come from the
//! [`CredentialPrompt`] set with [`ConnectOptions::with_credentials`]; ssh reaches it through
//! the askpass program named with [`ConnectOptions::askpass_program`], which calls
//! [`askpass::run_helper`].

pub mod askpass;
pub mod channel;
mod connect;
mod connection;
pub mod credentials;
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

pub use channel::{Channel, ChannelTarget};
pub use connect::{CpuMap, NodeInfo, split_version};
pub use connection::{CloseReason, ConnectOptions, Connection, KeepaliveConfig};
pub use credentials::{
    CredentialKind, CredentialPrompt, CredentialRequest, Credentials, FixedCredentials,
    PromptFuture,
};
pub use domain::{Domain, DomainInfo, DomainState, DomainStats};
pub use error::{Error, ErrorCode, ErrorDomain, ErrorLevel, Result};
pub use events::{DomainEvent, DomainEventId, Events, LifecycleEvent, ObjectEvent};
pub use interface::Interface;
pub use network::Network;
pub use secret::Secret;
pub use storage::{PoolInfo, StoragePool, StorageVol};
pub use stream::{Stream, StreamData};
pub use transport::{
    PkiPaths, SshError, TlsError, control_dir as ssh_control_dir, control_path as ssh_control_path,
};
pub use uri::{ConnectUri, UriError};
pub use virt_proto::remote::{TypedParam, TypedParamValue};
