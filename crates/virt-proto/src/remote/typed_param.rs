//! Typed parameters (`remote_typed_param`): named values of one of seven types.

use compact_str::CompactString;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The value of a typed parameter (`remote_typed_param_value`, a union on the type).
///
/// On the wire: the type number (`VIR_TYPED_PARAM_INT` = 1 … `VIR_TYPED_PARAM_STRING` = 7),
/// then the value. Any other type number is an error.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedParamValue {
    /// `VIR_TYPED_PARAM_INT` (1).
    Int(i32),
    /// `VIR_TYPED_PARAM_UINT` (2).
    UInt(u32),
    /// `VIR_TYPED_PARAM_LLONG` (3).
    LLong(i64),
    /// `VIR_TYPED_PARAM_ULLONG` (4).
    ULLong(u64),
    /// `VIR_TYPED_PARAM_DOUBLE` (5).
    Double(f64),
    /// `VIR_TYPED_PARAM_BOOLEAN` (6), an `int` on the wire; any non-zero value is true.
    Boolean(bool),
    /// `VIR_TYPED_PARAM_STRING` (7).
    String(String),
}

impl TypedParamValue {
    /// The type number on the wire (1..=7).
    pub fn type_number(&self) -> i32 {
        match self {
            TypedParamValue::Int(_) => 1,
            TypedParamValue::UInt(_) => 2,
            TypedParamValue::LLong(_) => 3,
            TypedParamValue::ULLong(_) => 4,
            TypedParamValue::Double(_) => 5,
            TypedParamValue::Boolean(_) => 6,
            TypedParamValue::String(_) => 7,
        }
    }

    /// The value as an unsigned 64-bit number, for the integer types when it is not negative.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            TypedParamValue::Int(v) => u64::try_from(v).ok(),
            TypedParamValue::UInt(v) => Some(u64::from(v)),
            TypedParamValue::LLong(v) => u64::try_from(v).ok(),
            TypedParamValue::ULLong(v) => Some(v),
            _ => None,
        }
    }

    /// The value as a signed 64-bit number, for the integer types when it fits.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            TypedParamValue::Int(v) => Some(i64::from(v)),
            TypedParamValue::UInt(v) => Some(i64::from(v)),
            TypedParamValue::LLong(v) => Some(v),
            TypedParamValue::ULLong(v) => i64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as a floating-point number, for the numeric types.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            TypedParamValue::Double(v) => Some(v),
            TypedParamValue::Int(v) => Some(f64::from(v)),
            TypedParamValue::UInt(v) => Some(f64::from(v)),
            TypedParamValue::LLong(v) => Some(v as f64),
            TypedParamValue::ULLong(v) => Some(v as f64),
            _ => None,
        }
    }

    /// The value of a boolean parameter.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            TypedParamValue::Boolean(v) => Some(v),
            _ => None,
        }
    }

    /// The value of a string parameter.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            TypedParamValue::String(v) => Some(v),
            _ => None,
        }
    }
}

impl Serialize for TypedParamValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.type_number())?;
        match self {
            TypedParamValue::Int(v) => t.serialize_element(v)?,
            TypedParamValue::UInt(v) => t.serialize_element(v)?,
            TypedParamValue::LLong(v) => t.serialize_element(v)?,
            TypedParamValue::ULLong(v) => t.serialize_element(v)?,
            TypedParamValue::Double(v) => t.serialize_element(v)?,
            TypedParamValue::Boolean(v) => t.serialize_element(&i32::from(*v))?,
            TypedParamValue::String(v) => t.serialize_element(v)?,
        }
        t.end()
    }
}

impl<'de> Deserialize<'de> for TypedParamValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_tuple(2, ValueVisitor)
    }
}

struct ValueVisitor;

fn next<'de, A: SeqAccess<'de>, T: Deserialize<'de>>(
    seq: &mut A,
    v: &ValueVisitor,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(1, v))
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = TypedParamValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a typed parameter type 1..=7 and its value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TypedParamValue, A::Error> {
        let ty: i32 = next(&mut seq, &self)?;
        Ok(match ty {
            1 => TypedParamValue::Int(next(&mut seq, &self)?),
            2 => TypedParamValue::UInt(next(&mut seq, &self)?),
            3 => TypedParamValue::LLong(next(&mut seq, &self)?),
            4 => TypedParamValue::ULLong(next(&mut seq, &self)?),
            5 => TypedParamValue::Double(next(&mut seq, &self)?),
            6 => TypedParamValue::Boolean(next::<_, i32>(&mut seq, &self)? != 0),
            7 => TypedParamValue::String(next(&mut seq, &self)?),
            other => {
                return Err(de::Error::invalid_value(
                    de::Unexpected::Signed(i64::from(other)),
                    &self,
                ));
            }
        })
    }
}

/// A named value (`remote_typed_param`), as used by statistics, tuning and job calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypedParam {
    /// The parameter's name, such as `cpu.time`. Names of up to 24 bytes (nearly all of
    /// them) are stored inline, so decoding a statistics reply does not allocate for them.
    pub field: CompactString,
    /// The parameter's value.
    pub value: TypedParamValue,
}

impl TypedParam {
    /// A parameter with the given name and value.
    pub fn new(field: impl Into<CompactString>, value: TypedParamValue) -> Self {
        TypedParam {
            field: field.into(),
            value,
        }
    }
}
