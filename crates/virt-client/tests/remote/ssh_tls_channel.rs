//! Channels to a TLS server on the host with TLS ended by the client (a SPICE display's TLS
//! port reached over ssh): a rustls server behind the private sshd echoes what comes through
//! the plain descriptor, each side's end closes the other, and a certificate of another CA
//! or for another name fails before any descriptor is handed out, as does a port where nothing
//! listens.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use virt_client::{ChannelTarget, Connection, Error, SshError, TlsError};

use crate::pki::Ca;
use crate::ssh::ssh_uri;
use crate::sshd::Sshd;
use testbed::Libvirtd;

/// A TLS server on the loopback with a certificate for `names` signed by `ca`: a client
/// whose first byte is `e` gets its bytes echoed until it closes, then the server reports on
/// `done`; one whose first byte is `b` gets `bye` and the server closes.
async fn tls_server(
    ca: &Ca,
    names: &[&str],
    done: tokio::sync::mpsc::UnboundedSender<usize>,
) -> ChannelTarget {
    let config = crate::tls_server_config(ca, names, false);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let Ok(mut tls) = acceptor.accept(sock).await else {
                continue;
            };
            let done = done.clone();
            tokio::spawn(async move {
                let mut first = [0u8; 1];
                if tls.read_exact(&mut first).await.is_err() {
                    return;
                }
                if first[0] == b'b' {
                    let _ = tls.write_all(b"bye").await;
                    let _ = tls.shutdown().await;
                    return;
                }
                let mut total = 1;
                tls.write_all(&first).await.unwrap();
                let mut buf = [0u8; 4096];
                loop {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            total += n;
                            if tls.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    }
                }
                let _ = done.send(total);
            });
        }
    });
    ChannelTarget::Tcp {
        host: "127.0.0.1".into(),
        port,
    }
}

fn write_ca(dir: &Path, ca: &Ca) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("cacert.pem");
    std::fs::write(&path, ca.pem()).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_server_over_the_ssh_master_is_checked_and_carried_both_ways() {
    let d = Libvirtd::shared();
    let sshd = Sshd::start("");
    let conn = Connection::open(&ssh_uri("hangar-test", &sshd, d, "&no_tty=1"))
        .await
        .unwrap();
    let host_ca = Ca::new("Host CA");
    let other_ca = Ca::new("Other CA");
    let dir = tempfile::tempdir().unwrap();
    let trusted = write_ca(&dir.path().join("host"), &host_ca);
    let (done_tx, mut done) = tokio::sync::mpsc::unbounded_channel();
    let target = tls_server(&host_ca, &["hangar-test"], done_tx.clone()).await;

    // Plain bytes go through and come back; closing our end closes the server's.
    let mut ch = conn.open_tls_channel(&target, &trusted).await.unwrap();
    let mut sock = std::os::unix::net::UnixStream::from(ch.take_fd().unwrap());
    let sent: Vec<u8> = (0..100_000u32)
        .map(|i| b'e'.wrapping_add(i as u8))
        .collect();
    let echoed = tokio::task::spawn_blocking({
        let sent = sent.clone();
        move || {
            sock.set_read_timeout(Some(Duration::from_secs(20)))
                .unwrap();
            let mut reader = sock.try_clone().unwrap();
            let reading = std::thread::spawn(move || {
                let mut back = vec![0u8; 100_000];
                reader.read_exact(&mut back).unwrap();
                back
            });
            sock.write_all(&sent).unwrap();
            let back = reading.join().unwrap();
            drop(sock);
            back
        }
    })
    .await
    .unwrap();
    assert!(echoed == sent, "the bytes came back as sent");
    let total = tokio::time::timeout(Duration::from_secs(20), done.recv())
        .await
        .expect("the server saw the channel close");
    assert_eq!(total, Some(sent.len()));

    // The server closing ends the descriptor after what it sent.
    let mut ch2 = conn.open_tls_channel(&target, &trusted).await.unwrap();
    let mut sock = std::os::unix::net::UnixStream::from(ch2.take_fd().unwrap());
    let got = tokio::task::spawn_blocking(move || {
        sock.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        sock.write_all(b"b").unwrap();
        let mut got = Vec::new();
        sock.read_to_end(&mut got).unwrap();
        got
    })
    .await
    .unwrap();
    assert_eq!(got, b"bye");

    // Another CA's certificate, or one for another name, is refused before any descriptor.
    let untrusted = write_ca(&dir.path().join("other"), &other_ca);
    let err = conn
        .open_tls_channel(&target, &untrusted)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Tls(TlsError::UnknownCa { ref host, .. }) if host == "hangar-test"),
        "{err:?}"
    );
    let elsewhere = tls_server(&host_ca, &["elsewhere.example"], done_tx).await;
    let err = conn
        .open_tls_channel(&elsewhere, &trusted)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Tls(TlsError::NameMismatch { .. })),
        "{err:?}"
    );
    // Nothing listening at the port is the channel's failure, not TLS's.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = ChannelTarget::Tcp {
        host: "127.0.0.1".into(),
        port: closed,
    };
    let err = conn.open_tls_channel(&nowhere, &trusted).await.unwrap_err();
    assert!(
        matches!(err, Error::Ssh(SshError::TargetRefused { .. })),
        "{err:?}"
    );
    drop((ch, ch2));
    conn.close().await.unwrap();
    assert_eq!(sshd.logins(), 1, "connection and channels on one login");
}
