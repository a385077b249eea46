//! XDR (RFC 4506) encoding with libvirt's conventions, as a serde data format.
//!
//! | Rust                                   | Wire                                            |
//! |----------------------------------------|-------------------------------------------------|
//! | `bool`                                 | 4-byte 0 or 1                                   |
//! | `i8` `i16` `i32` / `u8` `u16` `u32`    | 4 bytes, big endian (XDR `char`/`short` widen)  |
//! | `i64` `u64`                            | 8 bytes (`hyper`)                               |
//! | `f32` / `f64`                          | 4 / 8 bytes IEEE 754 (`float` / `double`)       |
//! | `String`                               | length, bytes, zero padding to 4               |
//! | [`Opaque`]                             | variable-length opaque: length, bytes, padding |
//! | [`Uuid`]                               | fixed opaque: 16 raw bytes, no length           |
//! | `Option<T>`                            | pointer / optional: 4-byte 0 or 1, then `T`     |
//! | `Vec<T>`                               | 4-byte count, then each item                    |
//! | `[T; N]`, tuples, structs              | each item in order, no count                    |
//! | unit, unit structs                     | nothing                                         |
//! | derived enums                          | 4-byte variant *index*, then the variant's data |
//!
//! Discriminated unions whose discriminants are not `0, 1, 2, …` (such as
//! [`TypedParamValue`](crate::remote::TypedParamValue)) implement `Serialize` and
//! `Deserialize` by hand: discriminant then arm, as a 2-tuple.
//!
//! # Limits
//!
//! Decoding never trusts a count or length: a string longer than
//! [`STRING_MAX`], an opaque value or array count that the remaining input cannot hold
//! (every array item takes at least 4 bytes), or a count above a field's own protocol
//! maximum (see [`limit`]) is an error before anything is allocated.
//!
//! # Strings
//!
//! libvirt strings are C strings: bytes without a declared encoding. They decode into
//! `String`; bytes that are not valid UTF-8 are replaced with U+FFFD (lossy decoding), so one
//! oddly named object never makes a whole listing fail. Fields that must keep exact bytes
//! are [`Opaque`].

mod de;
pub mod limit;
mod opaque;
mod ser;

pub use de::{DecodeError, Deserializer};
pub use opaque::{Opaque, Uuid};
pub use ser::Serializer;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Longest string accepted on the wire (`VIR_NET_MESSAGE_STRING_MAX`, also
/// `REMOTE_STRING_MAX`): 4 MiB.
pub const STRING_MAX: usize = 4_194_304;

/// Marker name: a newtype around bytes written as fixed-length opaque data.
pub(crate) const FIXED_OPAQUE: &str = "$xdr::fixed_opaque";
/// Marker name: an array whose protocol maximum travels in the tuple length.
pub(crate) const LIMITED_SEQ: &str = "$xdr::limited_seq";
/// Marker name: variable opaque data whose protocol maximum travels in the tuple length.
pub(crate) const LIMITED_BYTES: &str = "$xdr::limited_bytes";

/// Encodes `value` into a new buffer.
pub fn to_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    to_writer(&mut out, value)?;
    Ok(out)
}

/// Appends the encoding of `value` to `out`. On error `out` is left as it was.
pub fn to_writer<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<()> {
    let start = out.len();
    let result = value.serialize(&mut Serializer::new(out));
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Decodes a `T` that must use all of `input`; leftover bytes are [`Error::TrailingBytes`].
pub fn from_bytes<'de, T: Deserialize<'de>>(input: &'de [u8]) -> Result<T> {
    let (value, rest) = from_bytes_partial(input)?;
    if rest.is_empty() {
        Ok(value)
    } else {
        Err(Error::TrailingBytes(rest.len()))
    }
}

/// Decodes a `T` from the front of `input` and returns it with the bytes after it.
pub fn from_bytes_partial<'de, T: Deserialize<'de>>(input: &'de [u8]) -> Result<(T, &'de [u8])> {
    let mut de = Deserializer::new(input);
    let value = T::deserialize(&mut de).map_err(Error::from)?;
    Ok((value, de.remaining()))
}

/// Bytes of padding after `len` bytes of string or opaque data.
#[inline]
pub(crate) const fn padding(len: usize) -> usize {
    (4 - (len & 3)) & 3
}
