//! Hostile input: huge counts, oversized strings, truncation. Errors, never panics or
//! large allocations.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use virt_proto::Error;
use virt_proto::remote::{
    AuthListRet, ConnectGetAllDomainStatsRet, ConnectListAllDomainsRet, DomainGetInfoRet,
    DomainPinVcpuArgs, RemoteError, limits,
};
use virt_proto::xdr;

fn be(v: u32) -> [u8; 4] {
    v.to_be_bytes()
}

#[test]
fn a_huge_count_with_little_input_fails_at_once() {
    let mut buf = be(1_000_000_000).to_vec();
    buf.extend_from_slice(&[0; 10]);
    let err = xdr::from_bytes::<Vec<u64>>(&buf).unwrap_err();
    assert!(
        matches!(
            err,
            Error::CountTooLarge {
                count: 1_000_000_000,
                remaining: 10,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_count_above_the_field_maximum_is_rejected_before_items() {
    // ConnectListAllDomainsRet: domains<REMOTE_DOMAIN_LIST_MAX>, then ret.
    let mut buf = be(limits::DOMAIN_LIST_MAX as u32 + 1).to_vec();
    buf.extend_from_slice(&[0; 8]);
    let err = xdr::from_bytes::<ConnectListAllDomainsRet>(&buf).unwrap_err();
    assert_eq!(
        err,
        Error::LimitExceeded {
            what: "array",
            len: limits::DOMAIN_LIST_MAX as u64 + 1,
            max: limits::DOMAIN_LIST_MAX as u64
        }
    );
    // 21 authentication types where 20 are allowed, even with enough input for them.
    let mut buf = be(21).to_vec();
    buf.extend_from_slice(&[0; 84]);
    assert!(matches!(
        xdr::from_bytes::<AuthListRet>(&buf),
        Err(Error::LimitExceeded { max: 20, .. })
    ));
}

#[test]
fn opaque_above_its_maximum_is_rejected() {
    // DomainPinVcpuArgs: dom (name "", uuid, id), vcpu, cpumap<REMOTE_CPUMAP_MAX>.
    let mut buf = vec![0; 4 + 16 + 4 + 4];
    buf.extend_from_slice(&be(limits::CPUMAP_MAX as u32 + 1));
    buf.extend(std::iter::repeat_n(0, limits::CPUMAP_MAX + 4));
    assert!(matches!(
        xdr::from_bytes::<DomainPinVcpuArgs>(&buf),
        Err(Error::LimitExceeded {
            what: "opaque data",
            ..
        })
    ));
}

#[test]
fn strings_longer_than_the_maximum_or_the_input_fail() {
    let buf = be(xdr::STRING_MAX as u32 + 1);
    assert!(matches!(
        xdr::from_bytes::<String>(&buf),
        Err(Error::LimitExceeded { what: "string", .. })
    ));
    let mut buf = be(100).to_vec();
    buf.extend_from_slice(b"short");
    assert!(matches!(
        xdr::from_bytes::<String>(&buf),
        Err(Error::UnexpectedEof {
            needed: 100,
            remaining: 5
        })
    ));
    let big = "x".repeat(xdr::STRING_MAX + 1);
    assert!(matches!(
        xdr::to_bytes(&big),
        Err(Error::LimitExceeded { what: "string", .. })
    ));
}

#[test]
fn string_padding_must_be_present() {
    assert!(matches!(
        xdr::from_bytes::<String>(&[0, 0, 0, 1, b'a']),
        Err(Error::UnexpectedEof { .. })
    ));
}

#[test]
fn every_truncation_of_a_valid_message_is_an_error() {
    let err = RemoteError {
        code: 42,
        domain: 10,
        message: Some("Domain not found".into()),
        level: 2,
        str1: Some("x".into()),
        ..Default::default()
    };
    let bytes = xdr::to_bytes(&err).unwrap();
    for cut in 0..bytes.len() {
        assert!(
            xdr::from_bytes::<RemoteError>(&bytes[..cut]).is_err(),
            "cut at {cut}"
        );
    }
    assert_eq!(xdr::from_bytes::<RemoteError>(&bytes).unwrap(), err);

    let info = DomainGetInfoRet {
        state: 1,
        max_mem: 1 << 20,
        memory: 1 << 19,
        nr_virt_cpu: 2,
        cpu_time: 123,
    };
    let bytes = xdr::to_bytes(&info).unwrap();
    assert_eq!(bytes.len(), 4 + 8 + 8 + 4 + 8);
    for cut in 0..bytes.len() {
        assert!(xdr::from_bytes::<DomainGetInfoRet>(&bytes[..cut]).is_err());
    }
}

#[test]
fn nested_huge_counts_inside_stats_records_fail() {
    // One record whose params count is enormous.
    let mut buf = be(1).to_vec();
    buf.extend_from_slice(&[0; 4 + 16 + 4]); // dom: "", uuid, id
    buf.extend_from_slice(&be(u32::MAX));
    let err = xdr::from_bytes::<ConnectGetAllDomainStatsRet>(&buf).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded { .. } | Error::CountTooLarge { .. }
        ),
        "{err}"
    );
}
