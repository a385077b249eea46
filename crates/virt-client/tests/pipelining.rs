//! Many calls in flight on one connection: replies that arrive in pieces or several in one
//! read, many callers on the single-threaded runtimes the application uses, where the
//! connection gathers the requests of callers that are about to send into one write, requests
//! larger than the socket takes at once (callers write to the socket themselves while it is
//! free), and a cut connection failing every caller that waits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "limits/mock.rs"]
mod mock;

use std::collections::HashSet;
use std::time::Duration;

use testbed::Libvirtd;
use virt_client::{ConnectOptions, Connection, Domain, Error};
use virt_proto::packet::{self, MessageType, Status};
use virt_proto::remote as p;

/// Three `CONNECT_GET_TYPE` calls are held until all have arrived; the first reply then comes
/// in three pieces with pauses between them (each read finds the socket empty afterwards),
/// the other two together in one write.
#[tokio::test(flavor = "current_thread")]
async fn replies_in_pieces_and_in_bunches() {
    let mut held = Vec::new();
    let m = mock::start(move |call, peer| {
        if !call.is::<p::ConnectGetTypeArgs>() {
            return peer.open_ok(call);
        }
        held.push(call.answer(MessageType::Reply, Status::Ok));
        if held.len() < 3 {
            return true;
        }
        let bytes: Vec<Vec<u8>> = held
            .iter()
            .map(|h| {
                let ret = p::ConnectGetTypeRet {
                    type_: format!("T{}", h.serial),
                };
                packet::encode_packet(h, &ret).unwrap()
            })
            .collect();
        let first = &bytes[0];
        for piece in [&first[..3], &first[3..30], &first[30..]] {
            if !peer.send(piece) {
                return false;
            }
            // The mock daemon dribbles the reply out in pieces: behaviour under test.
            std::thread::sleep(Duration::from_millis(50));
        }
        peer.send(&[bytes[2].as_slice(), bytes[1].as_slice()].concat())
    });
    let c = Connection::open_with(
        &m.uri,
        ConnectOptions::new().timeout(Duration::from_secs(10)),
    )
    .await
    .unwrap();
    let calls = async { tokio::join!(c.get_type(), c.get_type(), c.get_type()) };
    let (a, b, d) = tokio::time::timeout(Duration::from_secs(10), calls)
        .await
        .expect("the replies did not all arrive");
    let got: HashSet<String> = [a.unwrap(), b.unwrap(), d.unwrap()].into();
    assert_eq!(got.len(), 3, "each caller gets its own reply: {got:?}");
    assert!(got.iter().all(|t| t.starts_with('T')), "{got:?}");
}

/// 32 callers, 40 calls each, on one connection; each checks that the answers are about its
/// own domain.
async fn many_callers(prefix: &str) {
    let d = Libvirtd::shared();
    let uri = d
        .fixture_uri(prefix, &testbed::vm::test_node_xml(prefix, 32))
        .unwrap();
    let c = Connection::open(&uri).await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..32 {
        let c = c.clone();
        let name = format!("{prefix}-{t}");
        tasks.push(tokio::spawn(async move {
            let dom = Domain::lookup_by_name(&c, &name).await.unwrap();
            for _ in 0..40 {
                let info = dom.info().await.unwrap();
                assert_eq!(info.max_mem_kib, 131_072);
                let again = Domain::lookup_by_uuid(&c, *dom.uuid()).await.unwrap();
                assert_eq!(again.name(), name);
            }
        }));
    }
    for t in tasks {
        tokio::time::timeout(Duration::from_secs(60), t)
            .await
            .expect("a caller did not finish")
            .unwrap();
    }
    c.close().await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn many_callers_on_a_current_thread_runtime() {
    many_callers("pipe-ct").await;
}

/// The application's runtime: relm4's, with one worker thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn many_callers_on_one_worker_thread() {
    many_callers("pipe-mt").await;
}

/// The application's runtime on a machine with more cores: callers on other threads than the
/// one reading replies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_callers_on_two_worker_threads() {
    many_callers("pipe-mt2").await;
}

/// Eight callers each send a 1 MiB request while the daemon reads nothing: the first caller
/// writes part of its request itself and leaves the rest to the connection, the others queue
/// behind it. Every request must arrive whole (the mock parses each one) and every caller must
/// get the reply to its own request.
#[tokio::test(flavor = "current_thread")]
async fn requests_larger_than_the_socket_arrive_whole() {
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let mut waited = false;
    let m = mock::start(move |call, peer| {
        if call.is::<p::DomainLookupByNameArgs>() && !waited {
            // Reading stops until every caller has tried to send.
            waited = true;
            if go_rx.recv().is_err() {
                return false;
            }
        }
        mock::lookup(call, peer).unwrap_or_else(|| peer.open_ok(call))
    });
    let c = Connection::open_with(
        &m.uri,
        ConnectOptions::new().timeout(Duration::from_secs(30)),
    )
    .await
    .unwrap();
    let names: Vec<String> = (0..8)
        .map(|t| format!("{t}-").repeat(1 << 19)[..1 << 20].to_owned())
        .collect();
    let mut tasks = Vec::new();
    for name in &names {
        let (c, name) = (c.clone(), name.clone());
        tasks.push(tokio::spawn(async move {
            Domain::lookup_by_name(&c, &name).await
        }));
    }
    // On this runtime every spawned caller runs up to its first wait before this task resumes.
    tokio::task::yield_now().await;
    go_tx.send(()).unwrap();
    for (t, name) in tasks.into_iter().zip(&names) {
        let dom = tokio::time::timeout(Duration::from_secs(30), t)
            .await
            .expect("a caller did not finish")
            .unwrap()
            .unwrap();
        assert!(dom.name() == name, "a caller got another caller's reply");
    }
    c.close().await.unwrap();
}

/// Sixteen callers wait for replies that never come; the daemon then hangs up. Every one of
/// them fails with the connection lost, and so does a later call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_connection_fails_every_waiting_caller() {
    let mut held = 0;
    let m = mock::start(move |call, peer| {
        if !call.is::<p::ConnectGetTypeArgs>() {
            return peer.open_ok(call);
        }
        held += 1;
        // Hang up once all sixteen calls have arrived.
        held < 16
    });
    let c = Connection::open_with(
        &m.uri,
        ConnectOptions::new().timeout(Duration::from_secs(10)),
    )
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move { c.get_type().await }));
    }
    for t in tasks {
        let r = tokio::time::timeout(Duration::from_secs(10), t)
            .await
            .expect("a waiting caller was not told")
            .unwrap();
        assert!(matches!(r, Err(Error::ConnectionLost(_))), "{r:?}");
    }
    let later = c.get_type().await.unwrap_err();
    assert!(later.is_connection_gone(), "{later:?}");
}
