//! Fault cases with a small mock daemon: malformed replies, cut connections, oversized
//! lengths, and a silent peer. Each gives a clear error and no panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixListener;
use virt_client::{ConnectOptions, Connection, Error, KeepaliveConfig};

/// Serves one client: answers every call with `answer(header_bytes)` (None = stay silent).
async fn mock(answer: fn(&[u8]) -> Option<Vec<u8>>) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sock");
    let listener = UnixListener::bind(&path).unwrap();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        loop {
            let mut len = [0u8; 4];
            if s.read_exact(&mut len).await.is_err() {
                return;
            }
            let mut rest = vec![0u8; u32::from_be_bytes(len) as usize - 4];
            if s.read_exact(&mut rest).await.is_err() {
                return;
            }
            match answer(&rest) {
                Some(bytes) if bytes.is_empty() => return,
                Some(bytes) if s.write_all(&bytes).await.is_err() => return,
                Some(_) => {}
                None => {}
            }
        }
    });
    let uri = format!("test+unix:///default?socket={}", path.display());
    (uri, dir)
}

/// A reply header (28 bytes incl. length) for the call header `h` with `body`.
fn reply(h: &[u8], status: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&((28 + body.len()) as u32).to_be_bytes());
    out.extend_from_slice(&h[0..12]);
    out.extend_from_slice(&1u32.to_be_bytes());
    out.extend_from_slice(&h[16..20]);
    out.extend_from_slice(&status.to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn proc_of(h: &[u8]) -> u32 {
    u32::from_be_bytes([h[8], h[9], h[10], h[11]])
}

/// Answers the open sequence (auth list: none; features: no) and fails CONNECT_OPEN in `f`.
fn open_ok(h: &[u8]) -> Option<Vec<u8>> {
    match proc_of(h) {
        66 => Some(reply(h, 0, &0u32.to_be_bytes())),
        60 => Some(reply(h, 0, &0u32.to_be_bytes())),
        1 => Some(reply(h, 0, &[])),
        _ => None,
    }
}

fn opts() -> ConnectOptions {
    ConnectOptions::new().timeout(Duration::from_secs(5))
}

#[tokio::test]
async fn malformed_reply_is_a_protocol_error() {
    let (uri, _d) = mock(|h| match proc_of(h) {
        // AUTH_LIST claims 1000 auth types but sends none.
        66 => Some(reply(h, 0, &1000u32.to_be_bytes())),
        _ => open_ok(h),
    })
    .await;
    let err = Connection::open_with(&uri, opts()).await.unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err:?}");
    assert!(err.to_string().starts_with("protocol error"), "{err}");
}

#[tokio::test]
async fn cut_connection_mid_call_fails_pending_calls() {
    let (uri, _d) = mock(|h| match proc_of(h) {
        // CONNECT_GET_TYPE (3): hang up instead of answering.
        3 => Some(Vec::new()),
        _ => open_ok(h),
    })
    .await;
    let c = Connection::open_with(&uri, opts()).await.unwrap();
    let err = c.get_type().await.unwrap_err();
    assert!(matches!(err, Error::ConnectionLost(_)), "{err:?}");
    assert!(err.to_string().contains("closed the connection"), "{err}");
    // The failed call and the connection agree at once that it is gone.
    assert!(!c.is_alive());
    assert!(c.get_type().await.unwrap_err().is_connection_gone());
}

#[tokio::test]
async fn oversized_length_word_is_refused_before_allocating() {
    let (uri, _d) = mock(|h| match proc_of(h) {
        3 => Some(0xffff_fff0u32.to_be_bytes().to_vec()),
        _ => open_ok(h),
    })
    .await;
    let c = Connection::open_with(&uri, opts()).await.unwrap();
    let err = c.get_type().await.unwrap_err();
    assert!(
        matches!(err, Error::ConnectionLost(ref m) if m.contains("length")),
        "{err:?}"
    );
}

#[tokio::test]
async fn error_reply_with_garbage_body_is_a_protocol_error() {
    let (uri, _d) = mock(|h| match proc_of(h) {
        3 => Some(reply(h, 1, &[0, 0, 0])),
        _ => open_ok(h),
    })
    .await;
    let c = Connection::open_with(&uri, opts()).await.unwrap();
    assert!(matches!(c.get_type().await, Err(Error::Protocol(_))));
    // The connection survives a bad body.
    assert!(c.is_alive());
}

#[tokio::test]
async fn silent_peer_is_declared_dead_by_keepalive() {
    let (uri, _d) = mock(|h| match proc_of(h) {
        // Keepalive PINGs go unanswered.
        _ if h[0..4] == 0x6b65_6570u32.to_be_bytes() => None,
        // Claims keepalive support, then never answers anything else (nor PINGs).
        60 => Some(reply(h, 0, &1u32.to_be_bytes())),
        3 => None,
        _ => open_ok(h),
    })
    .await;
    let ka = KeepaliveConfig {
        interval: Duration::from_millis(100),
        count: 3,
    };
    let c = Connection::open_with(&uri, opts().keepalive(Some(ka)))
        .await
        .unwrap();
    let err = tokio::time::timeout(Duration::from_secs(5), c.get_type())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(err, Error::ConnectionLost(ref m) if m.contains("keepalive")),
        "{err:?}"
    );
    assert_eq!(c.closed().await, virt_client::CloseReason::KeepaliveTimeout);
}

#[tokio::test]
async fn sasl_only_daemon_gives_a_clear_auth_error() {
    let (uri, _d) = mock(|h| match proc_of(h) {
        66 => {
            let mut b = 1u32.to_be_bytes().to_vec();
            b.extend_from_slice(&1u32.to_be_bytes());
            Some(reply(h, 0, &b))
        }
        _ => open_ok(h),
    })
    .await;
    let err = Connection::open_with(&uri, opts()).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(ref m) if m.contains("SASL")),
        "{err:?}"
    );
}

#[tokio::test]
async fn nothing_listening_is_an_io_error_naming_the_socket() {
    let err = Connection::open("test+unix:///default?socket=/nonexistent/sock")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io(_)), "{err:?}");
    assert!(err.to_string().contains("/nonexistent/sock"), "{err}");
    let err = Connection::open("qemu+foo:///system").await.unwrap_err();
    assert!(matches!(err, Error::Uri(_)));
}
