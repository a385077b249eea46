//! Property tests: every value survives an encode/decode round trip, and arbitrary bytes
//! never make the decoder panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use virt_proto::remote::{
    ConnectGetAllDomainStatsRet, Domain, DomainEventCallbackLifecycleMsg, DomainStatsRecord,
    RemoteError, TypedParam, TypedParamValue,
};
use virt_proto::xdr::{self, Uuid};

fn value() -> impl Strategy<Value = TypedParamValue> {
    prop_oneof![
        any::<i32>().prop_map(TypedParamValue::Int),
        any::<u32>().prop_map(TypedParamValue::UInt),
        any::<i64>().prop_map(TypedParamValue::LLong),
        any::<u64>().prop_map(TypedParamValue::ULLong),
        any::<f64>()
            .prop_filter("NaN never equals itself", |f| !f.is_nan())
            .prop_map(TypedParamValue::Double),
        any::<bool>().prop_map(TypedParamValue::Boolean),
        ".{0,20}".prop_map(TypedParamValue::String),
    ]
}

fn domain() -> impl Strategy<Value = Domain> {
    (".{0,12}", any::<[u8; 16]>(), any::<i32>()).prop_map(|(name, uuid, id)| Domain {
        name,
        uuid: Uuid(uuid),
        id,
    })
}

fn record() -> impl Strategy<Value = DomainStatsRecord> {
    (
        domain(),
        prop::collection::vec(
            ("[a-z.0-9]{1,20}", value()).prop_map(|(f, v)| TypedParam::new(f, v)),
            0..8,
        ),
    )
        .prop_map(|(dom, params)| DomainStatsRecord { dom, params })
}

fn round_trip<T>(v: &T) -> T
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let bytes = xdr::to_bytes(v).unwrap();
    assert_eq!(
        bytes.len() % 4,
        0,
        "XDR output is always a multiple of 4 bytes"
    );
    xdr::from_bytes(&bytes).unwrap()
}

proptest! {
    #[test]
    fn primitives_round_trip(a: i32, b: u32, c: i64, d: u64, e: bool, f: i8, g: u16, s in ".{0,40}",
                             o: Option<u32>, v: Vec<u32>, bytes: Vec<u8>) {
        prop_assert_eq!(round_trip(&(a, b, c, d, e, f, g)), (a, b, c, d, e, f, g));
        prop_assert_eq!(round_trip(&s), s.clone());
        prop_assert_eq!(round_trip(&o), o);
        prop_assert_eq!(round_trip(&v), v.clone());
        let opaque = xdr::Opaque(bytes);
        prop_assert_eq!(round_trip(&opaque), opaque);
    }

    #[test]
    fn stats_replies_round_trip(records in prop::collection::vec(record(), 0..6)) {
        let ret = ConnectGetAllDomainStatsRet { ret_stats: records };
        prop_assert_eq!(round_trip(&ret), ret);
    }

    #[test]
    fn events_and_errors_round_trip(dom in domain(), event: i32, detail: i32, cb: i32,
                                    msg in proptest::option::of(".{0,30}")) {
        let ev = DomainEventCallbackLifecycleMsg {
            callback_id: cb,
            msg: virt_proto::remote::DomainEventLifecycleMsg { dom: dom.clone(), event, detail },
        };
        prop_assert_eq!(round_trip(&ev), ev);
        let err = RemoteError { code: event, message: msg, dom: Some(dom), ..Default::default() };
        prop_assert_eq!(round_trip(&err), err);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = xdr::from_bytes::<ConnectGetAllDomainStatsRet>(&bytes);
        let _ = xdr::from_bytes::<RemoteError>(&bytes);
        let _ = virt_proto::packet::Packet::parse(&bytes);
    }
}
