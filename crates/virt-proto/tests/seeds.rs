//! The fuzz seed packets, made by hand from the XDR rules outside Rust, decode to the values
//! they were made from: an independent check of struct layouts and framing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use virt_proto::packet::{MessageType, Packet, Status};
use virt_proto::remote::*;
use virt_proto::{keepalive, xdr};

fn seed(target: &str, name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fuzz", "seeds", target, name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn packet(name: &str) -> Vec<u8> {
    seed("packet", name)
}

#[test]
fn connect_open_call() {
    let bytes = packet("connect_open_call");
    let p = Packet::parse(&bytes).unwrap();
    assert_eq!(p.header.proc_, Procedure::ConnectOpen.number());
    let args: ConnectOpenArgs = p.body().unwrap();
    assert_eq!(args.name.as_deref(), Some("test:///default"));
    assert_eq!(
        virt_proto::packet::encode_packet(&p.header, &args).unwrap(),
        bytes
    );
}

#[test]
fn all_domain_stats_reply() {
    let bytes = packet("all_domain_stats_reply");
    let p = Packet::parse(&bytes).unwrap();
    assert_eq!(p.header.type_, MessageType::Reply);
    let ret: ConnectGetAllDomainStatsRet = p.body().unwrap();
    let rec = &ret.ret_stats[0];
    assert_eq!(rec.dom.name, "vm-1");
    assert_eq!(rec.dom.id, 3);
    assert_eq!(
        rec.dom.uuid.to_string(),
        "00010203-0405-0607-0809-0a0b0c0d0e0f"
    );
    let fields: Vec<(&str, &TypedParamValue)> = rec
        .params
        .iter()
        .map(|p| (p.field.as_str(), &p.value))
        .collect();
    assert_eq!(
        fields,
        [
            ("cpu.time", &TypedParamValue::ULLong(123)),
            ("block.0.name", &TypedParamValue::String("vda".into())),
            ("balloon.current", &TypedParamValue::ULLong(2_097_152)),
        ]
    );
}

#[test]
fn error_reply() {
    let bytes = packet("error_reply");
    let p = Packet::parse(&bytes).unwrap();
    assert_eq!(p.header.status, Status::Error);
    let err: RemoteError = p.body().unwrap();
    assert_eq!(err.code, error::codes::NO_DOMAIN);
    assert_eq!(err.to_string(), "Domain not found");
    assert_eq!(
        (err.str1.as_deref(), err.str2.as_deref()),
        (Some("x"), None)
    );
}

#[test]
fn events_and_small_replies() {
    let bytes = packet("lifecycle_event");
    let p = Packet::parse(&bytes).unwrap();
    assert_eq!((p.header.type_, p.header.serial), (MessageType::Message, 0));
    let ev: DomainEventCallbackLifecycleMsg = p.body().unwrap();
    assert_eq!(
        (ev.callback_id, ev.msg.event, ev.msg.dom.name.as_str()),
        (1, 2, "vm-1")
    );

    let info: DomainGetInfoRet = Packet::parse(&packet("domain_get_info_reply"))
        .unwrap()
        .body()
        .unwrap();
    assert_eq!((info.state, info.nr_virt_cpu, info.cpu_time), (1, 2, 99));

    let list: ConnectListAllDomainsRet = Packet::parse(&packet("list_all_domains_reply"))
        .unwrap()
        .body()
        .unwrap();
    assert_eq!((list.domains.len(), list.ret), (1, 1));

    let bytes = packet("reply_with_fds");
    let p = Packet::parse(&bytes).unwrap();
    assert_eq!((p.header.type_, p.num_fds), (MessageType::ReplyWithFds, 1));
    assert!(p.body.is_empty());

    let bytes = packet("keepalive_ping");
    assert_eq!(bytes, keepalive::Procedure::Ping.packet());
}

#[test]
fn node_info_model_is_32_wide_chars() {
    let body = seed("reply_bodies", "node_get_info");
    let info: NodeGetInfoRet = xdr::from_bytes(&body[1..]).unwrap();
    let model: String = info
        .model
        .iter()
        .take_while(|c| **c != 0)
        .map(|c| *c as u8 as char)
        .collect();
    assert_eq!(model, "x86_64");
    assert_eq!((info.memory, info.cpus), (8 << 20, 4));
    let auth: AuthListRet = xdr::from_bytes(&seed("reply_bodies", "auth_list")[1..]).unwrap();
    assert_eq!(auth.types, [AuthType::None, AuthType::Polkit]);
}
