//! The client's error type: libvirt's own errors with their numbers, and what goes wrong on
//! this side of the wire.

mod codes;

pub use codes::{ErrorCode, ErrorDomain, ErrorLevel};

use std::io;

use crate::transport::{SshError, TlsError};
use crate::uri::UriError;

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a call or connection failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The daemon reported an error (`remote_error`): libvirt's code, domain and level are kept.
    #[error("{message} ({code}, from {domain})")]
    Libvirt {
        /// What went wrong (`VIR_ERR_*`).
        code: ErrorCode,
        /// Which part of libvirt reported it (`VIR_FROM_*`).
        domain: ErrorDomain,
        /// How bad it is.
        level: ErrorLevel,
        /// libvirt's message.
        message: String,
        /// The extra strings and numbers libvirt attaches (`str1..3`, `int1..2`).
        details: Box<ErrorDetails>,
    },
    /// The transport failed (connect, read or write).
    #[error("I/O error talking to the daemon: {0}")]
    Io(#[from] io::Error),
    /// Reading or writing a local file (e.g. of a volume transfer) failed.
    #[error("local file: {0}")]
    LocalFile(io::Error),
    /// The TLS connection could not be set up (certificates, keys, handshake).
    #[error("TLS: {0}")]
    Tls(#[from] TlsError),
    /// The ssh channel could not be opened (host key, login, missing program on the host…).
    #[error("{0}")]
    Ssh(#[from] SshError),
    /// The peer sent bytes that are not valid protocol, or a value could not be encoded.
    #[error("protocol error: {0}")]
    Protocol(#[from] virt_proto::Error),
    /// The peer's answer breaks the protocol's rules (wrong packet type, missing descriptors…).
    #[error("protocol violation: {0}")]
    Violation(String),
    /// The connection was closed on purpose; no more calls can be made.
    #[error("the connection is closed")]
    Closed,
    /// The connection broke (peer gone, keepalive timeout, malformed data): pending and later
    /// calls fail with this.
    #[error("connection to the daemon lost: {0}")]
    ConnectionLost(String),
    /// A deadline passed.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The connection URI cannot be used.
    #[error("invalid connection URI: {0}")]
    Uri(#[from] UriError),
    /// Authentication failed or needs a method this client cannot do yet.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// The request needs something this client does not support (yet).
    #[error("not supported by this client: {0}")]
    Unsupported(String),
    /// An event subscriber did not take its events in time: this many of the oldest were
    /// dropped. State mirrored from events should be read afresh.
    #[error("{0} events were dropped because they were not taken in time")]
    EventsLost(u64),
    /// An argument cannot be used (e.g. migration options that exclude each other).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A migration failed in `phase`; `location` says where the domain is active now.
    #[error("migration failed in its {phase} step and the domain {location}: {source}")]
    Migration {
        /// The step that failed.
        phase: crate::domain::MigrationPhase,
        /// Where the domain is active afterwards, as both hosts reported it.
        location: crate::domain::VmLocation,
        /// Why it failed.
        source: Box<Error>,
    },
    /// The daemon answered with a value this API cannot represent.
    #[error("unexpected answer from the daemon: {0}")]
    Unexpected(String),
}

/// The optional fields of a libvirt error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorDetails {
    /// `str1`.
    pub str1: Option<String>,
    /// `str2`.
    pub str2: Option<String>,
    /// `str3`.
    pub str3: Option<String>,
    /// `int1`.
    pub int1: i32,
    /// `int2`.
    pub int2: i32,
    /// The domain's name, when the error is about one.
    pub domain_name: Option<String>,
    /// The network's name, when the error is about one.
    pub network_name: Option<String>,
}

impl Error {
    /// libvirt's error code, when the daemon reported the error.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Libvirt { code, .. } => Some(*code),
            Error::Migration { source, .. } => source.code(),
            _ => None,
        }
    }

    /// Whether the daemon reported error `code`.
    pub fn is(&self, code: ErrorCode) -> bool {
        self.code() == Some(code)
    }

    /// Whether the connection is gone (closed or lost); a new connection is needed.
    pub fn is_connection_gone(&self) -> bool {
        match self {
            Error::Closed | Error::ConnectionLost(_) => true,
            Error::Migration { source, .. } => source.is_connection_gone(),
            _ => false,
        }
    }

    pub(crate) fn from_remote(e: virt_proto::RemoteError) -> Self {
        Error::Libvirt {
            code: ErrorCode(e.code),
            domain: ErrorDomain(e.domain),
            level: ErrorLevel::from_raw(e.level),
            message: e
                .message
                .unwrap_or_else(|| format!("unknown error ({})", ErrorCode(e.code))),
            details: Box::new(ErrorDetails {
                str1: e.str1,
                str2: e.str2,
                str3: e.str3,
                int1: e.int1,
                int2: e.int2,
                domain_name: e.dom.map(|d| d.name),
                network_name: e.net.map(|n| n.name),
            }),
        }
    }

    pub(crate) fn violation(msg: impl Into<String>) -> Self {
        Error::Violation(msg.into())
    }
}
