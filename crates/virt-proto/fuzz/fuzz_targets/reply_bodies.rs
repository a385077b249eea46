//! Fuzzes body decoding of several reply, event and error types. The first byte picks the
//! type; whatever decodes must encode again and decode to an equal value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use virt_proto::remote::*;
use virt_proto::xdr;

/// Decodes `body` as a `T`; if that works, checks the re-encoding round trip.
fn check<T: Serialize + DeserializeOwned + Debug>(body: &[u8], compare: fn(&T, &T) -> bool) {
    let Ok(value) = xdr::from_bytes::<T>(body) else {
        return;
    };
    let encoded = xdr::to_bytes(&value).expect("a decoded value encodes again");
    let again = xdr::from_bytes::<T>(&encoded).expect("a re-encoded value decodes");
    assert!(compare(&value, &again), "{value:?} != {again:?}");
}

/// Equality, except that NaN doubles never compare equal.
fn eq<T: PartialEq>(a: &T, b: &T) -> bool {
    a == b
}

/// Compares through the debug form, in which NaN prints the same each time.
fn debug_eq<T: Debug>(a: &T, b: &T) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 12 {
        0 => check::<RemoteError>(body, eq),
        1 => check::<ConnectGetAllDomainStatsRet>(body, debug_eq),
        2 => check::<ConnectListAllDomainsRet>(body, eq),
        3 => check::<DomainGetInfoRet>(body, eq),
        4 => check::<NodeGetInfoRet>(body, eq),
        5 => check::<DomainEventCallbackLifecycleMsg>(body, eq),
        6 => check::<AuthListRet>(body, eq),
        7 => check::<DomainGetVcpuPinInfoRet>(body, eq),
        8 => check::<NetworkGetDhcpLeasesRet>(body, eq),
        9 => check::<DomainInterfaceAddressesRet>(body, eq),
        10 => check::<DomainGetJobStatsRet>(body, debug_eq),
        _ => check::<DomainGetVcpusRet>(body, eq),
    }
});
