//! Limits against a hostile daemon, each shown with a mock daemon (a real one never does
//! these things): absurd SCRAM iteration counts, descriptors nobody asked for, huge holes in
//! sparse streams, and floods of stream data and events that the client must not buffer
//! without bound.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "limits/mock.rs"]
mod mock;

use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use virt_client::{
    ConnectOptions, Connection, Domain, DomainEvent, DomainEventId, Error, FixedCredentials,
    KeepaliveConfig, StreamData,
};
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
        // Poll interval of this wait on the condition; async, as the mock and the client run
        // on this (single-threaded) runtime.
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

#[tokio::test]
async fn huge_hole_is_a_length_not_a_buffer() {
    let mut opened = 0;
    let m = mock::start(move |call, peer| {
        if let Some(ok) = mock::lookup(call, peer) {
            return ok;
        }
        if !call.is::<p::DomainOpenConsoleArgs>() {
            // Finishing a stream needs no answer here.
            return call.header.type_ == MessageType::Stream || peer.open_ok(call);
        }
        opened += 1;
        let hole = match opened {
            1 | 2 => 1 << 60,
            _ => -5,
        };
        peer.reply(call, &())
            && peer.send(&mock::hole_packet(call, hole))
            && peer.send(&mock::stream_packet(call, Status::Continue, b"tail"))
            && peer.send(&mock::stream_packet(call, Status::Ok, &[]))
    });
    let c = Connection::open_with(&m.uri, opts()).await.unwrap();
    let dom = Domain::lookup_by_name(&c, "vm").await.unwrap();

    let mut st = dom.open_console(None, 0).await.unwrap();
    assert_eq!(
        st.recv_sparse().await.unwrap(),
        Some(StreamData::Hole(1 << 60))
    );
    assert_eq!(
        st.recv_sparse().await.unwrap(),
        Some(StreamData::Data(bytes::Bytes::from_static(b"tail")))
    );
    assert_eq!(st.recv_sparse().await.unwrap(), None);
    st.finish().await.unwrap();

    // Read whole, the hole counts against the limit before anything is allocated.
    let mut st = dom.open_console(None, 0).await.unwrap();
    let err = st.recv_all(1 << 20).await.unwrap_err();
    assert!(err.to_string().contains("exceeds the limit"), "{err}");

    let mut st = dom.open_console(None, 0).await.unwrap();
    let err = st.recv().await.unwrap_err();
    assert!(
        matches!(err, Error::Violation(ref m) if m.contains("negative")),
        "{err:?}"
    );
    assert!(c.is_alive());
}

/// Size of the stream packets the flooding mock sends (libvirt's usual chunk).
const CHUNK: usize = packet::MESSAGE_LEGACY_PAYLOAD_MAX;
/// What the client may hold for a stream nobody reads, plus what the socket's buffers, one
/// read and one packet under way can hold.
const IN_FLIGHT_MAX: usize = 4 * 1024 * 1024 + 2 * 1024 * 1024;

/// A mock whose console stream sends `chunks` packets of [`CHUNK`] bytes (packet `i` filled
/// with `i as u8`), counting in `written` what it handed to the socket, then ends the stream.
fn flooding_mock(chunks: usize, written: Arc<AtomicUsize>) -> mock::Mock {
    mock::start(move |call, peer| {
        if let Some(ok) = mock::lookup(call, peer) {
            return ok;
        }
        if call.is::<p::ConnectGetTypeArgs>() {
            return peer.reply(
                call,
                &p::ConnectGetTypeRet {
                    type_: "QEMU".into(),
                },
            );
        }
        if call.is::<p::ConnectSupportsFeatureArgs>() {
            // Keepalive (10) only.
            let args: p::ConnectSupportsFeatureArgs = call.args();
            let supported = i32::from(args.feature == 10);
            return peer.reply(call, &p::ConnectSupportsFeatureRet { supported });
        }
        if !call.is::<p::DomainOpenConsoleArgs>() {
            // Stream packets (finish, abort) and keepalive PINGs go unanswered.
            return call.header.type_ != MessageType::Call || peer.open_ok(call);
        }
        if !peer.reply(call, &()) {
            return false;
        }
        for i in 0..chunks {
            let data = vec![i as u8; CHUNK];
            if !peer.send(&mock::stream_packet(call, Status::Continue, &data)) {
                return false;
            }
            written.fetch_add(CHUNK, Ordering::SeqCst);
        }
        peer.send(&mock::stream_packet(call, Status::Ok, &[]))
    })
}

/// Waits until `written` stops growing (unchanged for half a second) and returns it.
async fn settled(written: &AtomicUsize) -> usize {
    let mut last = usize::MAX;
    loop {
        let now = written.load(Ordering::SeqCst);
        if now == last {
            return now;
        }
        last = now;
        // Poll interval of this wait for a value that stops changing (async, like `wait_for`).
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn unread_stream_stops_the_socket_and_is_aborted_when_calls_wait() {
    let written = Arc::new(AtomicUsize::new(0));
    // 48 MiB nobody reads.
    let m = flooding_mock(192, written.clone());
    let ka = KeepaliveConfig {
        interval: Duration::from_millis(100),
        count: 3,
    };
    let o = opts()
        .stream_stall_limit(Duration::from_secs(1))
        .keepalive(Some(ka));
    let c = Connection::open_with(&m.uri, o).await.unwrap();
    let dom = Domain::lookup_by_name(&c, "vm").await.unwrap();
    let mut st = dom.open_console(None, 0).await.unwrap();

    // The daemon gets rid of little more than the stream's queue holds, then waits.
    let held = settled(&written).await;
    assert!(held >= 15 * CHUNK, "only {held} bytes were taken");
    assert!(
        held <= IN_FLIGHT_MAX,
        "{held} bytes were taken from the daemon"
    );
    // With no call waiting, the pause lasts; unseen keepalive answers do not end it.
    let closed = tokio::time::timeout(Duration::from_secs(1), c.closed()).await;
    assert!(closed.is_err(), "{closed:?}");
    assert_eq!(written.load(Ordering::SeqCst), held);

    // A call waits behind the stream's data until the stream is aborted.
    let start = Instant::now();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(written.load(Ordering::SeqCst), 192 * CHUNK);

    // The reader gets what was queued, then the reason.
    let mut got = 0;
    let err = loop {
        match st.recv().await {
            Ok(Some(b)) => got += b.len(),
            Ok(None) => panic!("the aborted stream ended normally"),
            Err(e) => break e,
        }
    };
    assert!((15 * CHUNK..=IN_FLIGHT_MAX).contains(&got), "{got}");
    assert!(
        matches!(err, Error::Timeout(ref m) if m.contains("aborted")),
        "{err:?}"
    );
    assert!(c.is_alive());
}

#[tokio::test]
async fn slow_reader_gets_everything_while_the_daemon_waits() {
    let written = Arc::new(AtomicUsize::new(0));
    // 24 MiB read at about 12 MiB/s: longer than the stall limit, with progress throughout.
    let chunks = 96;
    let m = flooding_mock(chunks, written.clone());
    let o = opts().stream_stall_limit(Duration::from_secs(1));
    let c = Connection::open_with(&m.uri, o).await.unwrap();
    let dom = Domain::lookup_by_name(&c, "vm").await.unwrap();
    let mut st = dom.open_console(None, 0).await.unwrap();
    // A call made meanwhile comes through once the daemon has sent the stream.
    let other = tokio::spawn({
        let c = c.clone();
        async move { c.get_type().await }
    });
    let mut read = 0;
    let mut most_ahead = 0;
    let mut i = 0usize;
    while let Some(b) = st.recv().await.unwrap() {
        assert_eq!(b.len(), CHUNK);
        assert!(b.iter().all(|&x| x == i as u8), "packet {i} is wrong");
        i += 1;
        read += b.len();
        // The mock counts a packet only after handing it over, so it may lag behind.
        most_ahead = most_ahead.max(written.load(Ordering::SeqCst).saturating_sub(read));
        // A slow reader, so the daemon would get ahead if nothing held it back.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(i, chunks);
    st.finish().await.unwrap();
    assert!(
        most_ahead <= IN_FLIGHT_MAX,
        "the daemon got {most_ahead} bytes ahead"
    );
    assert_eq!(other.await.unwrap().unwrap(), "QEMU");
}

#[tokio::test]
async fn event_flood_keeps_the_newest_and_other_calls_complete() {
    use virt_proto::Event as _;
    const FLOOD: i32 = 5000;
    let m = mock::start(|call, peer| {
        if call.is::<p::ConnectDomainEventCallbackRegisterAnyArgs>() {
            if !peer.reply(
                call,
                &p::ConnectDomainEventCallbackRegisterAnyRet { callback_id: 1 },
            ) {
                return false;
            }
            let header = packet::Header {
                prog: packet::REMOTE_PROGRAM,
                vers: packet::REMOTE_PROTOCOL_VERSION,
                proc_: p::DomainEventCallbackLifecycleMsg::PROC as i32,
                type_: MessageType::Message,
                serial: 0,
                status: Status::Ok,
            };
            (0..FLOOD).all(|detail| {
                let msg = p::DomainEventCallbackLifecycleMsg {
                    callback_id: 1,
                    msg: p::DomainEventLifecycleMsg {
                        dom: mock::domain("vm"),
                        event: 2,
                        detail,
                    },
                };
                peer.send(&packet::encode_packet(&header, &msg).unwrap())
            })
        } else if call.is::<p::ConnectDomainEventCallbackDeregisterAnyArgs>() {
            peer.reply(call, &())
        } else if call.is::<p::ConnectGetTypeArgs>() {
            peer.reply(
                call,
                &p::ConnectGetTypeRet {
                    type_: "QEMU".into(),
                },
            )
        } else {
            peer.open_ok(call)
        }
    });
    let c = Connection::open_with(&m.uri, opts()).await.unwrap();
    let mut ev = c
        .domain_events(&[DomainEventId::Lifecycle], None)
        .await
        .unwrap();
    // Nobody takes the events; a call answered after all of them still comes through.
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    let kept = 1024;
    match ev.next().await.unwrap() {
        Err(Error::EventsLost(n)) => assert_eq!(n, (FLOOD - kept) as u64),
        other => panic!("{other:?}"),
    }
    for want in FLOOD - kept..FLOOD {
        match ev.next().await.unwrap().unwrap() {
            DomainEvent::Lifecycle { detail, .. } => assert_eq!(detail, want),
            other => panic!("{other:?}"),
        }
    }
    ev.deregister().await.unwrap();
}
