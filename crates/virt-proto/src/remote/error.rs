//! Errors reported by the daemon (`remote_error`), the body of every failed reply.

pub mod codes;
pub mod domains;

use crate::remote::{Domain, Network};
use serde::{Deserialize, Serialize};
use std::fmt;

/// `VIR_ERR_WARNING`: the [`RemoteError::level`] of a warning.
pub const LEVEL_WARNING: i32 = 1;
/// `VIR_ERR_ERROR`: the [`RemoteError::level`] of an error.
pub const LEVEL_ERROR: i32 = 2;

/// A libvirt error as sent by the daemon (`remote_error`): the body of a reply or stream
/// packet with status [`Error`](crate::packet::Status::Error).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RemoteError {
    /// Error code (`virErrorNumber`), see [`codes`].
    pub code: i32,
    /// Part of libvirt that raised it (`virErrorDomain`), see [`domains`].
    pub domain: i32,
    /// Human-readable message.
    pub message: Option<String>,
    /// Severity: [`LEVEL_WARNING`] or [`LEVEL_ERROR`].
    pub level: i32,
    /// Unused by current daemons.
    pub dom: Option<Domain>,
    /// Extra information, depending on the error.
    pub str1: Option<String>,
    /// Extra information, depending on the error.
    pub str2: Option<String>,
    /// Extra information, depending on the error.
    pub str3: Option<String>,
    /// Extra information, depending on the error.
    pub int1: i32,
    /// Extra information, depending on the error.
    pub int2: i32,
    /// Unused by current daemons.
    pub net: Option<Network>,
}

impl RemoteError {
    /// The libvirt name of the code, such as `VIR_ERR_NO_DOMAIN`.
    pub fn code_name(&self) -> Option<&'static str> {
        codes::name(self.code)
    }

    /// The libvirt name of the domain, such as `VIR_FROM_QEMU`.
    pub fn domain_name(&self) -> Option<&'static str> {
        domains::name(self.domain)
    }
}

/// The daemon's message, or the code and domain when it sent none.
impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => f.write_str(m),
            None => {
                f.write_str("libvirt error ")?;
                match self.code_name() {
                    Some(n) => f.write_str(n)?,
                    None => write!(f, "code {}", self.code)?,
                }
                match self.domain_name() {
                    Some(n) => write!(f, " from {n}"),
                    None => write!(f, " from domain {}", self.domain),
                }
            }
        }
    }
}

impl std::error::Error for RemoteError {}
