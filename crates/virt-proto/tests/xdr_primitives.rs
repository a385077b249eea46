//! Byte-exact encodings and round trips of every XDR primitive.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::fmt::Debug;
use virt_proto::remote::{AuthType, TypedParam, TypedParamValue};
use virt_proto::xdr::{self, Opaque, Uuid};

/// Encodes `value`, checks the bytes, decodes them back and checks the value.
fn exact<T>(value: T, bytes: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let encoded = xdr::to_bytes(&value).unwrap();
    assert_eq!(encoded, bytes, "encoding of {value:?}");
    let decoded: T = xdr::from_bytes(bytes).unwrap();
    assert_eq!(decoded, value);
}

#[test]
fn integers_take_four_or_eight_bytes() {
    exact(0x0102_0304u32, &[1, 2, 3, 4]);
    exact(-2i32, &[0xff, 0xff, 0xff, 0xfe]);
    exact(0x0102_0304_0506_0708u64, &[1, 2, 3, 4, 5, 6, 7, 8]);
    exact(-1i64, &[0xff; 8]);
}

#[test]
fn chars_and_shorts_widen_to_four_bytes() {
    exact(-3i8, &[0xff, 0xff, 0xff, 0xfd]);
    exact(200u8, &[0, 0, 0, 200]);
    exact(-300i16, &[0xff, 0xff, 0xfe, 0xd4]);
    exact(65_000u16, &[0, 0, 0xfd, 0xe8]);
}

#[test]
fn narrow_integers_out_of_range_are_errors() {
    assert!(matches!(
        xdr::from_bytes::<u8>(&[0, 0, 1, 0]),
        Err(virt_proto::Error::InvalidValue { .. })
    ));
    assert!(xdr::from_bytes::<i8>(&[0, 0, 0, 128]).is_err());
    assert!(xdr::from_bytes::<u16>(&[0, 1, 0, 0]).is_err());
}

#[test]
fn booleans_are_zero_or_one() {
    exact(true, &[0, 0, 0, 1]);
    exact(false, &[0, 0, 0, 0]);
    assert_eq!(
        xdr::from_bytes::<bool>(&[0, 0, 0, 2]),
        Err(virt_proto::Error::InvalidBool(2))
    );
}

#[test]
fn floats_are_ieee754_big_endian() {
    exact(1.5f64, &[0x3f, 0xf8, 0, 0, 0, 0, 0, 0]);
    exact(-2.0f32, &[0xc0, 0, 0, 0]);
}

#[test]
fn strings_have_length_and_padding() {
    exact(String::new(), &[0, 0, 0, 0]);
    exact("a".to_string(), &[0, 0, 0, 1, b'a', 0, 0, 0]);
    exact("abcd".to_string(), &[0, 0, 0, 4, b'a', b'b', b'c', b'd']);
    exact(
        "hello".to_string(),
        &[0, 0, 0, 5, b'h', b'e', b'l', b'l', b'o', 0, 0, 0],
    );
}

#[test]
fn invalid_utf8_decodes_lossily() {
    let s: String = xdr::from_bytes(&[0, 0, 0, 3, b'a', 0xff, b'b', 0]).unwrap();
    assert_eq!(s, "a\u{fffd}b");
}

#[test]
fn opaque_and_uuid() {
    exact(Opaque(vec![1, 2, 3]), &[0, 0, 0, 3, 1, 2, 3, 0]);
    exact(Opaque(vec![]), &[0, 0, 0, 0]);
    let uuid = Uuid(*b"0123456789abcdef");
    exact(uuid, b"0123456789abcdef");
}

#[test]
fn uuid_text_form() {
    let u: Uuid = "c7a5fdbd-cdaf-9455-926a-d65c16db1809".parse().unwrap();
    assert_eq!(u.to_string(), "c7a5fdbd-cdaf-9455-926a-d65c16db1809");
    assert_eq!(u.0[0], 0xc7);
    assert!("c7a5fdbd".parse::<Uuid>().is_err());
    assert!("zz".repeat(16).parse::<Uuid>().is_err());
    assert!("00".repeat(17).parse::<Uuid>().is_err());
}

#[test]
fn options_are_a_boolean_then_the_value() {
    exact(None::<u32>, &[0, 0, 0, 0]);
    exact(Some(7u32), &[0, 0, 0, 1, 0, 0, 0, 7]);
    exact(
        Some("x".to_string()),
        &[0, 0, 0, 1, 0, 0, 0, 1, b'x', 0, 0, 0],
    );
}

#[test]
fn arrays_have_a_count_and_fixed_arrays_none() {
    exact(vec![1u32, 2], &[0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
    exact(Vec::<u32>::new(), &[0, 0, 0, 0]);
    exact([1i8, -1], &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Pair {
    a: u32,
    b: Option<String>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Indexed {
    Zero,
    One(u32),
}

#[test]
fn structs_are_fields_in_order_and_enums_use_the_index() {
    exact(Pair { a: 1, b: None }, &[0, 0, 0, 1, 0, 0, 0, 0]);
    exact(Indexed::Zero, &[0, 0, 0, 0]);
    exact(Indexed::One(9), &[0, 0, 0, 1, 0, 0, 0, 9]);
    exact((), &[]);
}

#[test]
fn typed_param_values_use_libvirt_type_numbers() {
    exact(
        TypedParamValue::Int(-1),
        &[0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff],
    );
    exact(TypedParamValue::UInt(2), &[0, 0, 0, 2, 0, 0, 0, 2]);
    exact(
        TypedParamValue::LLong(-2),
        &[0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe],
    );
    exact(
        TypedParamValue::ULLong(3),
        &[0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 3],
    );
    exact(
        TypedParamValue::Double(1.5),
        &[0, 0, 0, 5, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
    );
    exact(TypedParamValue::Boolean(true), &[0, 0, 0, 6, 0, 0, 0, 1]);
    exact(
        TypedParamValue::String("ab".into()),
        &[0, 0, 0, 7, 0, 0, 0, 2, b'a', b'b', 0, 0],
    );
    exact(
        TypedParam::new("x", TypedParamValue::UInt(1)),
        &[0, 0, 0, 1, b'x', 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1],
    );
}

#[test]
fn typed_param_boolean_accepts_any_non_zero_int() {
    let v: TypedParamValue = xdr::from_bytes(&[0, 0, 0, 6, 0, 0, 0, 5]).unwrap();
    assert_eq!(v, TypedParamValue::Boolean(true));
}

#[test]
fn bad_discriminants_are_errors() {
    let err = xdr::from_bytes::<TypedParamValue>(&[0, 0, 0, 8, 0, 0, 0, 0]).unwrap_err();
    assert!(
        matches!(&err, virt_proto::Error::InvalidValue { found, .. } if found.contains('8')),
        "{err}"
    );
    assert!(xdr::from_bytes::<TypedParamValue>(&[0, 0, 0, 0]).is_err());
    exact(AuthType::Polkit, &[0, 0, 0, 2]);
    assert!(xdr::from_bytes::<AuthType>(&[0, 0, 0, 3]).is_err());
}

#[test]
fn to_writer_appends_and_partial_decoding_returns_the_rest() {
    let mut out = vec![9];
    xdr::to_writer(&mut out, &1u32).unwrap();
    assert_eq!(out, [9, 0, 0, 0, 1]);
    let (v, rest) = xdr::from_bytes_partial::<u32>(&[0, 0, 0, 5, 1, 2]).unwrap();
    assert_eq!((v, rest), (5, &[1u8, 2][..]));
    assert_eq!(
        xdr::from_bytes::<u32>(&[0, 0, 0, 5, 1, 2]),
        Err(virt_proto::Error::TrailingBytes(2))
    );
}

#[test]
fn maps_are_unsupported() {
    let mut m = std::collections::BTreeMap::new();
    m.insert(1u32, 2u32);
    assert!(matches!(
        xdr::to_bytes(&m),
        Err(virt_proto::Error::Unsupported(_))
    ));
}
