//! Remote transports and authentication against real daemons: TLS with generated
//! certificates, ssh through a private sshd, SASL, and keepalive against a stopped daemon.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "remote/pki.rs"]
mod pki;
#[path = "remote/ssh.rs"]
mod ssh;
#[path = "remote/ssh_channel.rs"]
mod ssh_channel;
#[path = "remote/ssh_errors.rs"]
mod ssh_errors;
#[path = "remote/ssh_tls_channel.rs"]
mod ssh_tls_channel;
#[path = "remote/ssh_trust.rs"]
mod ssh_trust;
#[path = "remote/sshd.rs"]
mod sshd;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use testbed::{Libvirtd, Options};
use virt_client::{
    CloseReason, ConnectOptions, Connection, CredentialKind, CredentialPrompt, CredentialRequest,
    Error, FixedCredentials, KeepaliveConfig, TlsError,
};

use pki::Ca;

/// A rustls server's configuration with a certificate for `names` signed by `ca` (`expired`:
/// one that ran out), for servers that stand in for what a real daemon cannot be.
fn tls_server_config(ca: &Ca, names: &[&str], expired: bool) -> rustls::ServerConfig {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let (cert, key) = ca.leaf(names, true, expired);
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()],
            PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
        )
        .unwrap()
}
use sshd::Sshd;

/// A daemon with a TLS listener whose certificate (from `ca`) is for `localhost` only.
fn tls_daemon(ca: &Ca, require_client_cert: bool, more: Options) -> Libvirtd {
    let dir = tempfile::Builder::new()
        .prefix("hangar-tls-")
        .tempdir()
        .unwrap();
    ca.write_server(&dir.path().join("pki"), &["localhost"]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Libvirtd::start_in(
        dir,
        Options {
            tls_port: Some(port),
            require_client_cert,
            ..more
        },
    )
    .unwrap()
}

fn tls_uri(host: &str, d: &Libvirtd, pki: &Path, extra: &str) -> String {
    format!(
        "qemu+tls://{host}:{}/system?pkipath={}{extra}",
        d.tls_port().unwrap(),
        pki.display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_connects_and_rejects_bad_certificates() {
    let ca = Ca::new("Hangar test CA");
    let other = Ca::new("Somebody else's CA");
    let d = tls_daemon(&ca, false, Options::default());
    let pki = tempfile::tempdir().unwrap();
    let good = pki.path().join("good");
    ca.write_client(&good, &ca, true);
    let wrong_ca = pki.path().join("wrong-ca");
    ca.write_client(&wrong_ca, &other, true);

    let c = Connection::open(&tls_uri("localhost", &d, &good, ""))
        .await
        .unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    assert!(!c.is_server_unverified());
    assert_eq!(
        c.hostname().await.unwrap(),
        d.virsh(&d.qemu_uri(), &["hostname"]).unwrap().trim()
    );
    c.close().await.unwrap();

    let err = Connection::open(&tls_uri("localhost", &d, &wrong_ca, ""))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Tls(TlsError::UnknownCa { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("not signed by a trusted CA"),
        "{err}"
    );

    // The certificate is for "localhost", not for the address.
    let err = Connection::open(&tls_uri("127.0.0.1", &d, &good, ""))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Tls(TlsError::NameMismatch { ref host }) if host == "127.0.0.1"),
        "{err:?}"
    );

    // no_verify=1 lets both through, and says so.
    for (host, dir) in [("127.0.0.1", &good), ("localhost", &wrong_ca)] {
        let c = Connection::open(&tls_uri(host, &d, dir, "&no_verify=1"))
            .await
            .unwrap();
        assert!(c.is_server_unverified());
        assert_eq!(c.get_type().await.unwrap(), "QEMU");
        c.close().await.unwrap();
    }

    // A missing CA file is named.
    let err = Connection::open(&tls_uri("localhost", &d, Path::new("/nonexistent"), ""))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/cacert.pem"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_client_certificate_required_by_the_daemon() {
    let ca = Ca::new("Hangar test CA");
    let other = Ca::new("Somebody else's CA");
    let d = tls_daemon(&ca, true, Options::default());
    let pki = tempfile::tempdir().unwrap();
    let good = pki.path().join("good");
    ca.write_client(&good, &ca, true);
    let none = pki.path().join("none");
    ca.write_client(&none, &ca, false);
    let foreign = pki.path().join("foreign");
    other.write_client(&foreign, &ca, true);

    let c = Connection::open(&tls_uri("localhost", &d, &good, ""))
        .await
        .unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();

    let err = Connection::open(&tls_uri("localhost", &d, &none, ""))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Tls(TlsError::ClientCertRequired { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("clientcert.pem"), "{err}");

    let err = Connection::open(&tls_uri("localhost", &d, &foreign, ""))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Tls(TlsError::ClientCertRejected(_))),
        "{err:?}"
    );
}

/// libvirtd refuses to start with an expired certificate of its own, so a plain rustls server
/// stands in for a host whose certificate ran out.
#[tokio::test]
async fn tls_expired_server_certificate_is_named() {
    let ca = Ca::new("Hangar test CA");
    let config = tls_server_config(&ca, &["localhost"], true);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let _ = acceptor.accept(sock).await;
        }
    });
    let pki = tempfile::tempdir().unwrap();
    ca.write_client(pki.path(), &ca, true);
    let uri = format!(
        "qemu+tls://localhost:{port}/system?pkipath={}",
        pki.path().display()
    );
    let err = Connection::open(&uri).await.unwrap_err();
    assert!(
        matches!(err, Error::Tls(TlsError::Expired { ref host }) if host == "localhost"),
        "{err:?}"
    );
    assert!(err.to_string().contains("expired"), "{err}");
}

/// A TLS daemon that wants SASL (SCRAM-SHA-256) with user `alice`, password `wonderland`;
/// the second value holds the SASL database and must outlive the daemon.
fn sasl_daemon(ca: &Ca) -> (Libvirtd, tempfile::TempDir) {
    let sasl = tempfile::tempdir().unwrap();
    let conf =
        testbed::sasl::user_db(sasl.path(), "alice", "wonderland", "scram-sha-256 plain").unwrap();
    let d = tls_daemon(
        ca,
        false,
        Options {
            auth_tls: Some("sasl".into()),
            sasl_conf: Some(conf),
            ..Options::default()
        },
    );
    (d, sasl)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sasl_scram_and_plain_over_tls() {
    let ca = Ca::new("Hangar test CA");
    let (d, _sasldb) = sasl_daemon(&ca);
    let pki = tempfile::tempdir().unwrap();
    ca.write_client(pki.path(), &ca, true);
    let uri = tls_uri("localhost", &d, pki.path(), "");
    let with = |secret: &str| {
        ConnectOptions::new()
            .with_credentials(Arc::new(FixedCredentials::new(Some("alice"), secret)))
    };
    let c = match Connection::open_with(&uri, with("wonderland")).await {
        Ok(c) => c,
        Err(e) => panic!(
            "{e}: {}",
            std::fs::read_to_string(d.dir().join("libvirtd.log")).unwrap_or_default()
        ),
    };
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();

    let err = Connection::open_with(&uri, with("looking-glass"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert!(
        err.to_string().contains("wrong user name or password"),
        "{err}"
    );

    let err = Connection::open(&uri).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(ref m) if m.contains("credential")),
        "{err:?}"
    );

    // PLAIN when asked for, over TLS.
    let plain = format!("{uri}&auth=sasl.plain");
    let c = Connection::open_with(&plain, with("wonderland"))
        .await
        .unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();
    let err = Connection::open_with(&plain, with("nope"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("wrong user name or password"),
        "{err}"
    );

    // Without a checked certificate the peer may be anyone: PLAIN is refused before the
    // password leaves, and SCRAM (which never sends it) still works.
    let unverified = format!("{uri}&no_verify=1");
    let err = Connection::open_with(&format!("{unverified}&auth=sasl.plain"), with("wonderland"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(ref m) if m.contains("PLAIN") && m.contains("no_verify=1")),
        "{err:?}"
    );
    let c = Connection::open_with(&unverified, with("wonderland"))
        .await
        .unwrap();
    assert!(c.is_server_unverified());
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();

    // Time spent answering does not count against the open timeout.
    let slow = ConnectOptions::new()
        .timeout(Duration::from_millis(700))
        .with_credentials(Arc::new(SlowUser));
    let c = Connection::open_with(&uri, slow).await.unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    c.close().await.unwrap();
}

/// A user who takes a second per answer.
struct SlowUser;

impl CredentialPrompt for SlowUser {
    fn ask<'a>(
        &'a self,
        request: &'a CredentialRequest,
    ) -> virt_client::credentials::PromptFuture<'a> {
        Box::pin(async move {
            // The user's slowness is what the test is about, not a synchronisation.
            tokio::time::sleep(Duration::from_secs(1)).await;
            Some(match request.kind {
                CredentialKind::Username => "alice".to_owned(),
                _ => "wonderland".to_owned(),
            })
        })
    }
}

/// Freezes a private daemon under an open connection with a pending call; returns how long
/// the client took to declare it dead.
async fn dead_peer_detection(ka: KeepaliveConfig) -> Duration {
    let d = Libvirtd::start().unwrap();
    let c = Connection::open_with(&d.qemu_uri(), ConnectOptions::new().keepalive(Some(ka)))
        .await
        .unwrap();
    assert_eq!(c.get_type().await.unwrap(), "QEMU");
    d.freeze().unwrap();
    let start = Instant::now();
    let pending = tokio::spawn({
        let c = c.clone();
        async move { c.hostname().await }
    });
    let limit = ka.interval * (ka.count + 1) + Duration::from_secs(2);
    let reason = tokio::time::timeout(limit, c.closed()).await.unwrap();
    let took = start.elapsed();
    assert_eq!(reason, CloseReason::KeepaliveTimeout);
    let err = pending.await.unwrap().unwrap_err();
    assert!(matches!(err, Error::ConnectionLost(_)), "{err:?}");
    assert!(matches!(c.get_type().await, Err(Error::ConnectionLost(_))));
    d.thaw().unwrap();
    // The daemon itself is fine again.
    let again = Connection::open(&d.qemu_uri()).await.unwrap();
    assert_eq!(again.get_type().await.unwrap(), "QEMU");
    again.close().await.unwrap();
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frozen_daemon_is_declared_dead_by_keepalive() {
    let ka = KeepaliveConfig {
        interval: Duration::from_millis(200),
        count: 3,
    };
    let took = dead_peer_detection(ka).await;
    println!(
        "dead peer detected after {took:?} (interval {:?} x count {})",
        ka.interval, ka.count
    );
    assert!(
        took <= ka.interval * (ka.count + 1) + Duration::from_millis(300),
        "{took:?}"
    );
    assert!(took >= ka.interval * ka.count, "{took:?}");
}

/// The same with libvirt's default keepalive (5 s x 5): about half a minute.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "takes about 30 s; run with --ignored to measure"]
async fn frozen_daemon_detection_with_default_keepalive() {
    let ka = KeepaliveConfig::default();
    let took = dead_peer_detection(ka).await;
    println!("dead peer detected after {took:?} with default keepalive");
}

/// The `vsh` example reaches a daemon through every remote transport and prints what virsh
/// prints over the local socket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vsh_works_over_tcp_tls_and_ssh() {
    let ca = Ca::new("Hangar test CA");
    let d = tls_daemon(&ca, false, Options::default());
    let pki = tempfile::tempdir().unwrap();
    ca.write_client(pki.path(), &ca, true);
    let sshd = Sshd::start("");
    let vsh = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/vsh");
    assert!(
        vsh.exists(),
        "{} is missing: run `cargo test -p virt-client` (it builds the examples)",
        vsh.display()
    );
    let want = d.virsh(&d.qemu_uri(), &["hostname"]).unwrap();
    for uri in [
        format!("qemu+tcp://127.0.0.1:{}/system", d.tcp_port()),
        tls_uri("localhost", &d, pki.path(), ""),
        ssh::ssh_uri("hangar-test", &sshd, &d, "&no_tty=1"),
    ] {
        let out = tokio::process::Command::new(&vsh)
            .args(["-c", &uri, "hostname"])
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "{uri}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            want.trim(),
            "{uri}"
        );
    }
}
