//! The error type of every decoding and encoding step in this crate.

use std::fmt;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a buffer could not be encoded or decoded.
///
/// Every variant is the answer to bad or hostile input: nothing in this crate panics or
/// allocates without bound on what a peer sends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before the value was complete.
    #[error("unexpected end of input: needed {needed} more bytes, {remaining} left")]
    UnexpectedEof {
        /// Bytes the next item needs.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },

    /// A length or count exceeds the protocol maximum for that item.
    #[error("{what} of length {len} exceeds the maximum of {max}")]
    LimitExceeded {
        /// What was being read or written (string, array, opaque data, message…).
        what: &'static str,
        /// The length found.
        len: u64,
        /// The largest length allowed.
        max: u64,
    },

    /// A count announces more items than the remaining input could hold.
    #[error("{what} announces {count} items but only {remaining} bytes are left")]
    CountTooLarge {
        /// What was being read.
        what: &'static str,
        /// The announced count.
        count: u64,
        /// Bytes left in the input.
        remaining: usize,
    },

    /// Bytes were left after the value was decoded.
    #[error("{0} trailing bytes after the decoded value")]
    TrailingBytes(usize),

    /// A boolean was neither 0 nor 1 (this covers optional-value markers too).
    #[error("invalid boolean value {0}")]
    InvalidBool(u32),

    /// An enum discriminant or other value is not one the protocol defines.
    #[error("invalid value {found}, expected {expected}")]
    InvalidValue {
        /// The value found, printed.
        found: String,
        /// What was expected.
        expected: String,
    },

    /// Padding bytes after a string or opaque value were not zero.
    #[error("non-zero padding bytes")]
    NonZeroPadding,

    /// A packet's length word is outside the range the protocol allows.
    #[error("packet length {len} outside the allowed range {min}..={max}")]
    PacketLength {
        /// The length word received.
        len: u64,
        /// Smallest valid packet.
        min: u64,
        /// Largest valid packet.
        max: u64,
    },

    /// The buffer given to a packet decoder does not match the packet's length word.
    #[error("packet length word says {declared} bytes but the buffer has {actual}")]
    PacketSizeMismatch {
        /// Length from the length word.
        declared: usize,
        /// Bytes actually given.
        actual: usize,
    },

    /// The value uses a serde feature XDR cannot express (maps, `deserialize_any`, …).
    #[error("XDR cannot express {0}")]
    Unsupported(&'static str),

    /// A message produced by a `Serialize` or `Deserialize` implementation.
    #[error("{0}")]
    Message(String),
}

impl Error {
    pub(crate) fn eof(needed: usize, remaining: usize) -> Self {
        Error::UnexpectedEof { needed, remaining }
    }

    pub(crate) fn limit(what: &'static str, len: usize, max: usize) -> Self {
        Error::LimitExceeded {
            what,
            len: len as u64,
            max: max as u64,
        }
    }
}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Message(msg.to_string())
    }
}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::Message(msg.to_string())
    }

    fn invalid_value(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Self {
        Error::InvalidValue {
            found: unexp.to_string(),
            expected: exp.to_string(),
        }
    }

    fn invalid_length(len: usize, exp: &dyn serde::de::Expected) -> Self {
        Error::InvalidValue {
            found: format!("length {len}"),
            expected: exp.to_string(),
        }
    }
}
