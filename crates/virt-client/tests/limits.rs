//! Limits against a hostile daemon, each shown with a mock daemon (a real one never does
//! these things): absurd SCRAM iteration counts, descriptors nobody asked for, huge holes in
//! sparse streams, and floods of stream data and events that the client must not buffer
//! without bound.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "limits/mock.rs"]
mod mock;

use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use virt_client::{ConnectOptions, Connection, Domain, Error, FixedCredentials};
use virt_proto::packet::{self, MessageType, Status};
use virt_proto::remote as p;

fn opts() -> ConnectOptions {
    ConnectOptions::new().timeout(Duration::from_secs(10))
}

/// Waits until `cond` holds, failing after `limit` with `what`.
async fn wait_for(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < limit,
            "{what} did not happen within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn absurd_scram_iteration_count_is_refused_at_once() {
    let m = mock::start(|call, peer| {
        if call.is::<p::AuthListArgs>() {
            peer.reply(
                call,
                &p::AuthListRet {
                    types: vec![p::AuthType::Sasl],
                },
            )
        } else if call.is::<p::AuthSaslInitArgs>() {
            peer.reply(
                call,
                &p::AuthSaslInitRet {
                    mechlist: "SCRAM-SHA-256".into(),
                },
            )
        } else if call.is::<p::AuthSaslStartArgs>() {
            let args: p::AuthSaslStartArgs = call.args();
            let first: Vec<u8> = args.data.iter().map(|&b| b as u8).collect();
            let first = String::from_utf8(first).unwrap();
            let nonce = first.split(",r=").nth(1).unwrap();
            let server_first = format!("r={nonce}mock,s=c2FsdHNhbHQ=,i=4000000000");
            peer.reply(
                call,
                &p::AuthSaslStartRet {
                    complete: 0,
                    nil: 0,
                    data: server_first.bytes().map(|b| b as i8).collect(),
                },
            )
        } else {
            peer.open_ok(call)
        }
    });
    let creds = std::sync::Arc::new(FixedCredentials::new(Some("alice"), "secret"));
    let start = Instant::now();
    let err = Connection::open_with(&m.uri, opts().with_credentials(creds))
        .await
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert!(
        matches!(err, Error::Auth(ref m) if m.contains("4000000000") && m.contains("1000000")),
        "{err:?}"
    );
}

/// A pipe whose read end goes to the client; the write end tells when the client closed it.
fn pipe() -> (OwnedFd, std::fs::File) {
    let (r, w) = std::io::pipe().unwrap();
    (OwnedFd::from(r), std::fs::File::from(OwnedFd::from(w)))
}

/// Whether the read end of the pipe behind `w` is closed everywhere.
fn reader_gone(w: &mut std::fs::File) -> bool {
    match w.write_all(b"x") {
        Err(e) => e.kind() == std::io::ErrorKind::BrokenPipe,
        Ok(()) => false,
    }
}

#[tokio::test]
async fn unasked_descriptors_are_closed() {
    let (writers_tx, writers) = mpsc::channel();
    let mut n = 0;
    let m = mock::start(move |call, peer| {
        if !call.is::<p::ConnectGetTypeArgs>() {
            return peer.open_ok(call);
        }
        let ret = p::ConnectGetTypeRet {
            type_: "QEMU".into(),
        };
        n += 1;
        if n == 1 {
            // A plain reply with a descriptor it does not announce.
            let (r, w) = pipe();
            let h = call.answer(MessageType::Reply, Status::Ok);
            let ok =
                peer.send_with_fds(&packet::encode_packet(&h, &ret).unwrap(), &[r.as_raw_fd()]);
            writers_tx.send(vec![w]).unwrap();
            ok
        } else {
            // Announces one, passes three with its byte.
            let fds: Vec<_> = (0..3).map(|_| pipe()).collect();
            let h = call.answer(MessageType::ReplyWithFds, Status::Ok);
            let raw: Vec<_> = fds.iter().map(|(r, _)| r.as_raw_fd()).collect();
            let ok = peer.send(&packet::encode_packet_with_fds(&h, 1, &ret).unwrap())
                && peer.send_with_fds(&[0], &raw);
            writers_tx
                .send(fds.into_iter().map(|(_, w)| w).collect())
                .unwrap();
            ok
        }
    });
    let c = Connection::open_with(&m.uri, opts()).await.unwrap();
    for _ in 0..2 {
        assert_eq!(c.get_type().await.unwrap(), "QEMU");
        let mut ws = writers.recv().unwrap();
        let n = ws.len();
        wait_for(
            Duration::from_secs(5),
            &format!("the client closing all {n} descriptors"),
            || ws.iter_mut().all(reader_gone),
        )
        .await;
    }
    assert!(c.is_alive());
}

#[tokio::test]
async fn announced_descriptor_is_not_mixed_up_with_unasked_ones() {
    let (keep_tx, keep) = mpsc::channel();
    let m = mock::start(move |call, peer| {
        if call.is::<p::DomainLookupByNameArgs>() {
            // A stale descriptor along with the lookup's reply.
            let (r, mut w) = pipe();
            w.write_all(b"stale").unwrap();
            let h = call.answer(MessageType::Reply, Status::Ok);
            let ret = p::DomainLookupByNameRet {
                dom: mock::domain("vm"),
            };
            let ok =
                peer.send_with_fds(&packet::encode_packet(&h, &ret).unwrap(), &[r.as_raw_fd()]);
            keep_tx.send(w).unwrap();
            ok
        } else if call.is::<p::DomainOpenGraphicsFdArgs>() {
            let (r, mut w) = pipe();
            w.write_all(b"graphics").unwrap();
            let h = call.answer(MessageType::ReplyWithFds, Status::Ok);
            let ok = peer.send(&packet::encode_packet_with_fds(&h, 1, &()).unwrap())
                && peer.send_with_fds(&[0], &[r.as_raw_fd()]);
            keep_tx.send(w).unwrap();
            ok
        } else {
            peer.open_ok(call)
        }
    });
    let c = Connection::open_with(&m.uri, opts()).await.unwrap();
    let dom = Domain::lookup_by_name(&c, "vm").await.unwrap();
    let fd = dom.open_graphics_fd(0, 0).await.unwrap();
    let _writers: Vec<_> = keep.try_iter().collect();
    let mut got = [0u8; 8];
    let n = std::io::Read::read(&mut std::fs::File::from(fd), &mut got).unwrap();
    assert_eq!(&got[..n], b"graphics");
}
