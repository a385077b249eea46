//! Per-field protocol maxima, for use with `#[serde(deserialize_with = …)]`.
//!
//! Most arrays in libvirt's protocol carry their own maximum (`remote_nonnull_domain
//! domains<REMOTE_DOMAIN_LIST_MAX>`). These functions make the XDR deserializer check the
//! count against that maximum right after reading it, before any item is decoded or any
//! memory is reserved:
//!
//! ```
//! use serde::Deserialize;
//! use virt_proto::xdr::{self, limit};
//!
//! #[derive(Deserialize)]
//! struct Names {
//!     #[serde(deserialize_with = "limit::seq::<_, _, 2>")]
//!     names: Vec<String>,
//! }
//!
//! let three = [0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
//! assert!(xdr::from_bytes::<Names>(&three).is_err());
//! ```
//!
//! Strings need no annotation: every libvirt string has the same maximum,
//! [`STRING_MAX`](super::STRING_MAX), which the deserializer always applies.

use super::opaque::BytesVisitor;
use super::{LIMITED_BYTES, LIMITED_SEQ, Opaque};
use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// Largest number of bytes reserved up front for a decoded array; longer arrays grow as
/// their items arrive.
const PREALLOC_BYTES: usize = 1 << 20;

/// Decodes an array of at most `MAX` items.
pub fn seq<'de, D, T, const MAX: usize>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_tuple_struct(LIMITED_SEQ, MAX, SeqVisitor::<T, MAX>(PhantomData))
}

/// Decodes variable-length opaque data of at most `MAX` bytes.
pub fn opaque<'de, D, const MAX: usize>(d: D) -> Result<Opaque, D::Error>
where
    D: Deserializer<'de>,
{
    let bytes = d.deserialize_tuple_struct(LIMITED_BYTES, MAX, BytesVisitor { fixed: None })?;
    if bytes.len() > MAX {
        return Err(de::Error::invalid_length(bytes.len(), &"fewer bytes"));
    }
    Ok(Opaque(bytes))
}

struct SeqVisitor<T, const MAX: usize>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const MAX: usize> Visitor<'de> for SeqVisitor<T, MAX> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of at most {MAX} items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let hint = seq.size_hint().unwrap_or(0);
        if hint > MAX {
            return Err(de::Error::invalid_length(hint, &self));
        }
        let cap = hint.min(PREALLOC_BYTES / std::mem::size_of::<T>().max(1));
        let mut out = Vec::with_capacity(cap);
        while let Some(item) = seq.next_element()? {
            if out.len() == MAX {
                return Err(de::Error::invalid_length(MAX + 1, &self));
            }
            out.push(item);
        }
        Ok(out)
    }
}
