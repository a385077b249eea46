//! Opaque data: [`Opaque`] (variable length) and [`Uuid`] (16 fixed bytes).

use super::FIXED_OPAQUE;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;

/// Variable-length opaque data (`opaque x<N>`): a length word, the bytes, zero padding.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Opaque(pub Vec<u8>);

impl fmt::Debug for Opaque {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Opaque({} bytes)", self.0.len())
    }
}

impl Deref for Opaque {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl DerefMut for Opaque {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl From<Vec<u8>> for Opaque {
    fn from(v: Vec<u8>) -> Self {
        Opaque(v)
    }
}

impl From<&[u8]> for Opaque {
    fn from(v: &[u8]) -> Self {
        Opaque(v.to_vec())
    }
}

impl From<Opaque> for Vec<u8> {
    fn from(v: Opaque) -> Self {
        v.0
    }
}

impl Serialize for Opaque {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Opaque {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_byte_buf(BytesVisitor { fixed: None })
            .map(Opaque)
    }
}

/// Accepts bytes, or a sequence of bytes for formats without a bytes type.
pub(crate) struct BytesVisitor {
    /// Exact length required, for fixed-length opaque data.
    pub(crate) fixed: Option<usize>,
}

impl BytesVisitor {
    fn check<E: de::Error>(&self, len: usize) -> Result<(), E> {
        match self.fixed {
            Some(n) if n != len => Err(E::invalid_length(len, self)),
            _ => Ok(()),
        }
    }
}

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fixed {
            Some(n) => write!(f, "{n} bytes of opaque data"),
            None => f.write_str("opaque data"),
        }
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
        self.check(v.len())?;
        Ok(v.to_vec())
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
        self.check(v.len())?;
        Ok(v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(b) = seq.next_element()? {
            out.push(b);
        }
        self.check(out.len())?;
        Ok(out)
    }
}

/// A libvirt UUID (`remote_uuid`, fixed opaque of 16 bytes): 16 raw bytes, no length word.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(pub [u8; 16]);

impl Uuid {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl From<[u8; 16]> for Uuid {
    fn from(v: [u8; 16]) -> Self {
        Uuid(v)
    }
}

/// Formats as the usual `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` lower-case hex form.
impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uuid({self})")
    }
}

/// The text was not a UUID of 32 hex digits (dashes anywhere are ignored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid UUID {0:?}")]
pub struct ParseUuidError(pub String);

impl FromStr for Uuid {
    type Err = ParseUuidError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseUuidError(s.to_owned());
        let mut out = [0u8; 16];
        let mut digits = s.chars().filter(|c| *c != '-');
        for byte in &mut out {
            let hi = digits.next().and_then(|c| c.to_digit(16)).ok_or_else(err)?;
            let lo = digits.next().and_then(|c| c.to_digit(16)).ok_or_else(err)?;
            *byte = (hi * 16 + lo) as u8;
        }
        if digits.next().is_some() {
            return Err(err());
        }
        Ok(Uuid(out))
    }
}

struct RawBytes<'a>(&'a [u8]);

impl Serialize for RawBytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl Serialize for Uuid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(FIXED_OPAQUE, &RawBytes(&self.0))
    }
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes =
            d.deserialize_tuple_struct(FIXED_OPAQUE, 16, BytesVisitor { fixed: Some(16) })?;
        let arr: [u8; 16] = bytes
            .try_into()
            .map_err(|v: Vec<u8>| de::Error::invalid_length(v.len(), &"16 bytes"))?;
        Ok(Uuid(arr))
    }
}
