//! The XDR deserializer: reads values from a byte slice, borrowing where it can.

use super::{FIXED_OPAQUE, LIMITED_BYTES, LIMITED_SEQ, STRING_MAX, padding};
use crate::error::Error;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::fmt;

/// The error type the [`Deserializer`] reports through serde: an [`Error`] in a box, so that
/// every `Result` the decoder passes around stays two words wide. The `xdr::from_*`
/// functions unwrap it.
#[derive(Debug)]
pub struct DecodeError(pub Box<Error>);

impl From<Error> for DecodeError {
    #[cold]
    fn from(e: Error) -> Self {
        DecodeError(Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        *e.0
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        <Error as de::Error>::custom(msg).into()
    }

    #[cold]
    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        <Error as de::Error>::invalid_value(unexp, exp).into()
    }

    #[cold]
    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        <Error as de::Error>::invalid_length(len, exp).into()
    }
}

type Result<T, E = DecodeError> = std::result::Result<T, E>;

#[cold]
fn unsupported(what: &'static str) -> DecodeError {
    Error::Unsupported(what).into()
}

/// Serde deserializer reading XDR from a byte slice; see the [module docs](super).
pub struct Deserializer<'de> {
    input: &'de [u8],
}

impl<'de> Deserializer<'de> {
    /// A deserializer reading from the front of `input`.
    pub fn new(input: &'de [u8]) -> Self {
        Deserializer { input }
    }

    /// The input not consumed yet.
    pub fn remaining(&self) -> &'de [u8] {
        self.input
    }

    #[inline]
    fn take(&mut self, n: usize) -> Result<&'de [u8]> {
        if n > self.input.len() {
            return Err(Error::eof(n, self.input.len()).into());
        }
        let (head, tail) = self.input.split_at(n);
        self.input = tail;
        Ok(head)
    }

    #[inline]
    fn take_array<const N: usize>(&mut self) -> Result<[u8; N]> {
        match self.input.split_first_chunk::<N>() {
            Some((head, tail)) => {
                self.input = tail;
                Ok(*head)
            }
            None => Err(Error::eof(N, self.input.len()).into()),
        }
    }

    #[inline]
    fn u32(&mut self) -> Result<u32> {
        self.take_array::<4>().map(u32::from_be_bytes)
    }

    #[inline]
    fn i32(&mut self) -> Result<i32> {
        self.take_array::<4>().map(i32::from_be_bytes)
    }

    #[inline]
    fn u64(&mut self) -> Result<u64> {
        self.take_array::<8>().map(u64::from_be_bytes)
    }

    /// `len` bytes of data followed by padding to a multiple of four.
    #[inline]
    fn take_padded(&mut self, len: usize) -> Result<&'de [u8]> {
        let total = len + padding(len);
        let bytes = self.take(total)?;
        Ok(&bytes[..len])
    }

    /// A length word for data of `what`, checked against `max` and the input left.
    #[inline]
    fn length(&mut self, what: &'static str, max: usize) -> Result<usize> {
        let len = self.u32()? as usize;
        if len > max {
            return Err(Error::limit(what, len, max).into());
        }
        if len > self.input.len() {
            return Err(Error::eof(len, self.input.len()).into());
        }
        Ok(len)
    }

    /// An array count, checked against `max` and the input left (each item takes at least 4
    /// bytes, so a count the input cannot hold is rejected before any item is read).
    #[inline]
    fn count(&mut self, max: usize) -> Result<usize> {
        let count = self.u32()? as usize;
        if count > max {
            return Err(Error::limit("array", count, max).into());
        }
        if count > self.input.len() / 4 {
            return Err(Error::CountTooLarge {
                what: "array",
                count: count as u64,
                remaining: self.input.len(),
            }
            .into());
        }
        Ok(count)
    }

    fn bool(&mut self) -> Result<bool> {
        match self.u32()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(Error::InvalidBool(other).into()),
        }
    }

    fn narrow<T: TryFrom<i64>>(&mut self, v: i64, what: &str) -> Result<T> {
        T::try_from(v).map_err(|_| {
            Error::InvalidValue {
                found: v.to_string(),
                expected: format!("a value that fits in {what}"),
            }
            .into()
        })
    }

    fn visit_str<V: Visitor<'de>>(visitor: V, bytes: &'de [u8]) -> Result<V::Value> {
        match std::str::from_utf8(bytes) {
            Ok(s) => visitor.visit_borrowed_str(s),
            Err(_) => visitor.visit_string(String::from_utf8_lossy(bytes).into_owned()),
        }
    }
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = DecodeError;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(unsupported("self-describing decoding (deserialize_any)"))
    }
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_bool(self.bool()?)
    }
    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.i32()?;
        visitor.visit_i8(self.narrow(i64::from(v), "i8")?)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.i32()?;
        visitor.visit_i16(self.narrow(i64::from(v), "i16")?)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_i32(self.i32()?)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_i64(self.take_array::<8>().map(i64::from_be_bytes)?)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.u32()?;
        visitor.visit_u8(self.narrow(i64::from(v), "u8")?)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.u32()?;
        visitor.visit_u16(self.narrow(i64::from(v), "u16")?)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u32(self.u32()?)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u64(self.u64()?)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f32(f32::from_bits(self.u32()?))
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(f64::from_bits(self.u64()?))
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let v = self.u32()?;
        let c = char::from_u32(v).ok_or_else(|| Error::InvalidValue {
            found: v.to_string(),
            expected: "a Unicode scalar value".into(),
        })?;
        visitor.visit_char(c)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let len = self.length("string", STRING_MAX)?;
        let bytes = self.take_padded(len)?;
        Deserializer::visit_str(visitor, bytes)
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let len = self.length("opaque data", usize::MAX)?;
        visitor.visit_borrowed_bytes(self.take_padded(len)?)
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.bool()? {
            visitor.visit_some(self)
        } else {
            visitor.visit_none()
        }
    }
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_unit()
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let count = self.count(usize::MAX)?;
        visitor.visit_seq(Items {
            de: self,
            left: count,
        })
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        visitor.visit_seq(Items {
            de: self,
            left: len,
        })
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        match name {
            FIXED_OPAQUE => visitor.visit_borrowed_bytes(self.take_padded(len)?),
            LIMITED_SEQ => {
                let count = self.count(len)?;
                visitor.visit_seq(Items {
                    de: self,
                    left: count,
                })
            }
            LIMITED_BYTES => {
                let len = self.length("opaque data", len)?;
                visitor.visit_borrowed_bytes(self.take_padded(len)?)
            }
            _ => self.deserialize_tuple(len, visitor),
        }
    }
    fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(unsupported("maps"))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(fields.len(), visitor)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(self)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(unsupported("identifiers"))
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(unsupported("skipping values of unknown type"))
    }
}

/// Sequence access over a known number of items (array items, tuple or struct fields).
struct Items<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    left: usize,
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = DecodeError;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

impl<'de> de::EnumAccess<'de> for &mut Deserializer<'de> {
    type Error = DecodeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let index = self.u32()?;
        let value = seed.deserialize(IntoDeserializer::<DecodeError>::into_deserializer(index))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for &mut Deserializer<'de> {
    type Error = DecodeError;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_tuple(self, len, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_tuple(self, fields.len(), visitor)
    }
}
