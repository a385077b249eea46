//! Remote transports and authentication against real daemons: TLS with generated
//! certificates, ssh through a private sshd, SASL, and keepalive against a stopped daemon.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "remote/pki.rs"]
mod pki;

use std::path::Path;
use std::sync::Arc;

use testbed::{Libvirtd, Options};
use virt_client::{Connection, Error, TlsError};

use pki::Ca;

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
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let ca = Ca::new("Hangar test CA");
    let (cert, key) = ca.leaf(&["localhost"], true, true);
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()],
        PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
    )
    .unwrap();
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
