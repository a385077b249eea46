//! Packet framing, byte for byte: headers, length words, fd counts, keepalive, errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use virt_proto::packet::{
    self, Header, MessageType, PACKET_MAX, PACKET_MIN, Packet, REMOTE_PROGRAM, Status, StreamHole,
};
use virt_proto::remote::{
    ConnectOpenArgs, DomainOpenGraphicsFdArgs, Procedure, RemoteError, error::codes,
};
use virt_proto::{Call, Error, Rpc, keepalive, xdr};

/// CONNECT_OPEN of `test:///default`, flags 0, serial 1, computed by hand from the XDR rules.
const CONNECT_OPEN: [u8; 56] = [
    0, 0, 0, 56, // length, including itself
    0x20, 0x00, 0x80, 0x86, // REMOTE_PROGRAM
    0, 0, 0, 1, // version
    0, 0, 0, 1, // REMOTE_PROC_CONNECT_OPEN
    0, 0, 0, 0, // VIR_NET_CALL
    0, 0, 0, 1, // serial
    0, 0, 0, 0, // VIR_NET_OK
    0, 0, 0, 1, // name is present
    0, 0, 0, 15, // 15 bytes
    b't', b'e', b's', b't', b':', b'/', b'/', b'/', b'd', b'e', b'f', b'a', b'u', b'l', b't', 0, 0,
    0, 0, 0, // flags
];

#[test]
fn connect_open_is_byte_exact() {
    let args = ConnectOpenArgs {
        name: Some("test:///default".into()),
        flags: 0,
    };
    let bytes = packet::encode_packet(&ConnectOpenArgs::header(1), &args).unwrap();
    assert_eq!(bytes, CONNECT_OPEN);

    assert_eq!(packet::frame_len(&bytes).unwrap(), Some(56));
    let (header, body) = packet::decode_packet(&bytes).unwrap();
    assert_eq!(header, Header::call(REMOTE_PROGRAM, 1, 1, 1));
    assert_eq!(xdr::from_bytes::<ConnectOpenArgs>(body).unwrap(), args);
}

#[test]
fn call_trait_names_procedure_and_program() {
    assert_eq!(ConnectOpenArgs::PROC, Procedure::ConnectOpen);
    assert_eq!(<ConnectOpenArgs as Rpc>::PROGRAM, REMOTE_PROGRAM);
    assert_eq!(<ConnectOpenArgs as Rpc>::PROCEDURE, 1);
    let h = <virt_proto::qemu::DomainMonitorCommandArgs as Rpc>::header(3);
    assert_eq!((h.prog, h.proc_, h.serial), (0x2000_8087, 1, 3));
}

#[test]
fn frame_len_needs_four_bytes_and_checks_bounds() {
    assert_eq!(packet::frame_len(&[]).unwrap(), None);
    assert_eq!(packet::frame_len(&[0, 0, 0]).unwrap(), None);
    assert_eq!(packet::frame_len(&[0, 0, 0, 28]).unwrap(), Some(PACKET_MIN));
    assert!(matches!(
        packet::frame_len(&[0, 0, 0, 27]),
        Err(Error::PacketLength { len: 27, .. })
    ));
    assert_eq!(
        packet::frame_len(&(PACKET_MAX as u32).to_be_bytes()).unwrap(),
        Some(PACKET_MAX)
    );
    assert!(packet::frame_len(&(PACKET_MAX as u32 + 1).to_be_bytes()).is_err());
    assert!(packet::frame_len(&u32::MAX.to_be_bytes()).is_err());
    assert_eq!(PACKET_MAX, 32 * 1024 * 1024 + 4);
}

#[test]
fn decode_packet_rejects_bad_headers_and_sizes() {
    let mut bytes = CONNECT_OPEN.to_vec();
    assert!(matches!(
        packet::decode_packet(&bytes[..40]),
        Err(Error::PacketSizeMismatch {
            declared: 56,
            actual: 40
        })
    ));
    bytes[19] = 7; // message type 7 does not exist
    assert!(matches!(
        packet::decode_packet(&bytes),
        Err(Error::InvalidValue { .. })
    ));
    bytes[19] = 0;
    bytes[27] = 3; // status 3 does not exist
    assert!(packet::decode_packet(&bytes).is_err());
}

#[test]
fn fd_count_follows_the_header() {
    let args = DomainOpenGraphicsFdArgs {
        dom: Default::default(),
        idx: 0,
        flags: 0,
    };
    let mut header = DomainOpenGraphicsFdArgs::header(9);
    header.type_ = MessageType::CallWithFds;
    let bytes = packet::encode_packet_with_fds(&header, 1, &args).unwrap();
    assert_eq!(&bytes[28..32], &[0, 0, 0, 1]);
    let p = Packet::parse(&bytes).unwrap();
    assert_eq!(p.num_fds, 1);
    assert_eq!(p.body::<DomainOpenGraphicsFdArgs>().unwrap(), args);

    assert!(packet::encode_packet_with_fds(&header, 33, &args).is_err());
    let mut bad = bytes.clone();
    bad[31] = 33;
    assert!(matches!(
        Packet::parse(&bad),
        Err(Error::LimitExceeded { .. })
    ));
}

#[test]
fn keepalive_ping_and_pong() {
    let ping = keepalive::Procedure::Ping.packet();
    assert_eq!(
        ping,
        [
            0, 0, 0, 28, 0x6b, 0x65, 0x65, 0x70, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0,
            0, 0, 0
        ]
    );
    let (h, body) = packet::decode_packet(&ping).unwrap();
    assert!(body.is_empty());
    assert_eq!(
        keepalive::Procedure::of(&h),
        Some(keepalive::Procedure::Ping)
    );
    let (h, _) = packet::decode_packet(&keepalive::Procedure::Pong.packet()).unwrap();
    assert_eq!(
        keepalive::Procedure::of(&h),
        Some(keepalive::Procedure::Pong)
    );
    assert_eq!(keepalive::Procedure::of(&ConnectOpenArgs::header(1)), None);
}

#[test]
fn error_replies_decode_and_display() {
    let mut body = Vec::new();
    for w in [42u32, 10, 1] {
        body.extend_from_slice(&w.to_be_bytes());
    }
    body.extend_from_slice(&[0, 0, 0, 4, b'g', b'o', b'n', b'e']);
    body.extend_from_slice(&2u32.to_be_bytes()); // level
    body.extend_from_slice(&[0; 4 * 4]); // dom, str1, str2, str3 absent
    body.extend_from_slice(&[0; 8]); // int1, int2
    body.extend_from_slice(&[0; 4]); // net absent
    let header = Header {
        type_: MessageType::Reply,
        status: Status::Error,
        ..ConnectOpenArgs::header(5)
    };
    let bytes = packet::encode_packet_raw(&header, &body).unwrap();
    let p = Packet::parse(&bytes).unwrap();
    assert_eq!(p.header.status, Status::Error);
    let err: RemoteError = p.body().unwrap();
    assert_eq!((err.code, err.domain, err.level), (codes::NO_DOMAIN, 10, 2));
    assert_eq!(err.to_string(), "gone");
    assert_eq!(err.code_name(), Some("VIR_ERR_NO_DOMAIN"));
    assert_eq!(err.domain_name(), Some("VIR_FROM_QEMU"));
    let anonymous = RemoteError {
        message: None,
        ..err
    };
    assert_eq!(
        anonymous.to_string(),
        "libvirt error VIR_ERR_NO_DOMAIN from VIR_FROM_QEMU"
    );
}

#[test]
fn stream_hole_body() {
    let hole = StreamHole {
        length: 1 << 32,
        flags: 0,
    };
    assert_eq!(
        xdr::to_bytes(&hole).unwrap(),
        [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    );
}

#[test]
fn oversized_packets_are_refused_on_encode() {
    let data = vec![0u8; PACKET_MAX];
    let header = Header {
        type_: MessageType::Stream,
        status: Status::Continue,
        ..ConnectOpenArgs::header(1)
    };
    assert!(matches!(
        packet::encode_packet_raw(&header, &data),
        Err(Error::LimitExceeded { what: "packet", .. })
    ));
    let mut out = vec![1, 2];
    let big = virt_proto::xdr::Opaque(data);
    assert!(packet::encode_packet_into(&mut out, &header, None, &big).is_err());
    assert_eq!(out, [1, 2], "buffer restored after a failed encode");
}
