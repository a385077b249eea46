//! Fuzzes framing: `frame_len`, `Packet::parse`, and decoding the body of whatever remote
//! or keepalive packet comes out, as a client reading from a daemon would.

#![no_main]

use libfuzzer_sys::fuzz_target;
use virt_proto::packet::{self, MessageType, Packet, REMOTE_PROGRAM, Status};
use virt_proto::remote::{
    ConnectGetAllDomainStatsRet, ConnectListAllDomainsRet, DomainEventCallbackLifecycleMsg,
    DomainGetInfoRet, Procedure, RemoteError,
};
use virt_proto::{keepalive, xdr};

fuzz_target!(|data: &[u8]| {
    let Ok(Some(len)) = packet::frame_len(data) else {
        return;
    };
    assert!((packet::PACKET_MIN..=packet::PACKET_MAX).contains(&len));
    let Some(bytes) = data.get(..len) else {
        return;
    };
    let Ok(p) = Packet::parse(bytes) else {
        return;
    };
    let _ = keepalive::Procedure::of(&p.header);
    if p.header.prog != REMOTE_PROGRAM {
        return;
    }
    if p.header.status == Status::Error {
        let _ = xdr::from_bytes::<RemoteError>(p.body);
        return;
    }
    match (p.header.type_, Procedure::from_number(p.header.proc_)) {
        (MessageType::Reply, Some(Procedure::ConnectGetAllDomainStats)) => {
            let _ = xdr::from_bytes::<ConnectGetAllDomainStatsRet>(p.body);
        }
        (MessageType::Reply, Some(Procedure::ConnectListAllDomains)) => {
            let _ = xdr::from_bytes::<ConnectListAllDomainsRet>(p.body);
        }
        (MessageType::Reply, Some(Procedure::DomainGetInfo)) => {
            let _ = xdr::from_bytes::<DomainGetInfoRet>(p.body);
        }
        (MessageType::Message, Some(Procedure::DomainEventCallbackLifecycle)) => {
            let _ = xdr::from_bytes::<DomainEventCallbackLifecycleMsg>(p.body);
        }
        _ => {}
    }
});
