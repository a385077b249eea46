//! TLS over TCP (`+tls`) with rustls, using libvirt's PKI file layout and its post-handshake
//! confirmation byte.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::net::TcpStream;

use super::{Reader, Writer};

/// Why a TLS connection could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A certificate or key file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
    /// A certificate or key file holds no usable PEM data.
    #[error("{}: {reason}", path.display())]
    BadPem {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The server's certificate is not signed by the CA in `cacert`.
    #[error(
        "the certificate of '{host}' is not signed by a trusted CA (CA certificate: {})",
        cacert.display()
    )]
    UnknownCa {
        /// The host connected to.
        host: String,
        /// The CA certificate file used.
        cacert: PathBuf,
    },
    /// The server's certificate is for another host name.
    #[error("the server's certificate does not match the host name '{host}'")]
    NameMismatch {
        /// The host connected to.
        host: String,
    },
    /// The server's certificate has expired.
    #[error("the certificate of '{host}' has expired")]
    Expired {
        /// The host connected to.
        host: String,
    },
    /// The server's certificate is not valid yet.
    #[error("the certificate of '{host}' is not valid yet")]
    NotYetValid {
        /// The host connected to.
        host: String,
    },
    /// The server's certificate is unusable for another reason.
    #[error("the certificate of '{host}' is not acceptable: {reason}")]
    BadCertificate {
        /// The host connected to.
        host: String,
        /// rustls's reason.
        reason: String,
    },
    /// The server wants a client certificate and this client has none.
    #[error(
        "the server requires a client certificate, and none was found ({} / {})",
        cert.display(),
        key.display()
    )]
    ClientCertRequired {
        /// Where the client certificate was looked for.
        cert: PathBuf,
        /// Where the client key was looked for.
        key: PathBuf,
    },
    /// The server refused this client's certificate (or its address).
    #[error("the server rejected this client's certificate or address: {0}")]
    ClientCertRejected(String),
    /// The handshake failed for another reason.
    #[error("TLS handshake failed: {0}")]
    Handshake(String),
}

/// Where the CA certificate, client certificate and client key are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkiPaths {
    /// The CA certificate(s) that sign the server's certificate.
    pub cacert: PathBuf,
    /// This client's certificate.
    pub clientcert: PathBuf,
    /// This client's private key.
    pub clientkey: PathBuf,
}

impl PkiPaths {
    /// libvirt's layout: `pkipath/{cacert,clientcert,clientkey}.pem` when `pkipath` is given;
    /// else `~/.pki/libvirt/` for users (each file falling back to the system one when
    /// missing), and `/etc/pki/CA/cacert.pem`, `/etc/pki/libvirt/clientcert.pem`,
    /// `/etc/pki/libvirt/private/clientkey.pem` for root.
    pub fn resolve(pkipath: Option<&str>, euid: u32, home: Option<&Path>) -> PkiPaths {
        if let Some(dir) = pkipath {
            let dir = Path::new(dir);
            return PkiPaths {
                cacert: dir.join("cacert.pem"),
                clientcert: dir.join("clientcert.pem"),
                clientkey: dir.join("clientkey.pem"),
            };
        }
        let system = PkiPaths {
            cacert: "/etc/pki/CA/cacert.pem".into(),
            clientcert: "/etc/pki/libvirt/clientcert.pem".into(),
            clientkey: "/etc/pki/libvirt/private/clientkey.pem".into(),
        };
        let Some(home) = home.filter(|_| euid != 0) else {
            return system;
        };
        let user = home.join(".pki/libvirt");
        let pick = |name: &str, fallback: PathBuf| {
            let p = user.join(name);
            if p.exists() { p } else { fallback }
        };
        PkiPaths {
            cacert: pick("cacert.pem", system.cacert),
            clientcert: pick("clientcert.pem", system.clientcert),
            clientkey: pick("clientkey.pem", system.clientkey),
        }
    }
}

/// Settings of one TLS connection.
#[derive(Debug, Clone)]
pub(crate) struct TlsSettings {
    pub(crate) pki: PkiPaths,
    /// Skip checking the server's certificate (`no_verify=1`).
    pub(crate) no_verify: bool,
}

/// Connects to `host:port`, runs the TLS handshake with the server name checked against
/// `host`, and waits for the daemon's confirmation that it accepts this client.
pub(crate) async fn connect_tls(
    host: &str,
    port: u16,
    settings: &TlsSettings,
) -> Result<(Reader, Writer), crate::Error> {
    let config = client_config(settings)?;
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| TlsError::Handshake(format!("'{host}' is not a valid server name: {e}")))?;
    let tcp = TcpStream::connect((host, port))
        .await
        .map_err(|e| io::Error::new(e.kind(), format!("cannot connect to {host}:{port}: {e}")))?;
    tcp.set_nodelay(true)?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let has_client_cert = settings.pki.clientcert.exists();
    let mut stream = connector
        .connect(name, tcp)
        .await
        .map_err(|e| classify(e, host, settings, has_client_cert))?;
    // The daemon checks our certificate and address after the handshake, then sends one byte:
    // 1 when it accepts us. TLS 1.3 alerts about our certificate also arrive here.
    let mut byte = [0u8; 1];
    match stream.read(&mut byte).await {
        Ok(1) if byte[0] == 1 => {}
        Ok(_) if !has_client_cert => {
            return Err(TlsError::ClientCertRequired {
                cert: settings.pki.clientcert.clone(),
                key: settings.pki.clientkey.clone(),
            }
            .into());
        }
        Ok(_) => {
            return Err(TlsError::ClientCertRejected(
                "the daemon closed the connection after the handshake".into(),
            )
            .into());
        }
        Err(e) => return Err(classify(e, host, settings, has_client_cert).into()),
    }
    let (r, w) = tokio::io::split(stream);
    Ok((Reader::Stream(Box::new(r)), Writer::Stream(Box::new(w))))
}

fn client_config(settings: &TlsSettings) -> Result<ClientConfig, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Handshake(e.to_string()))?;
    let builder = if settings.no_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
    } else {
        builder.with_root_certificates(roots(&settings.pki.cacert)?)
    };
    let (cert, key) = (&settings.pki.clientcert, &settings.pki.clientkey);
    if cert.exists() {
        let chain = read_certs(cert)?;
        let bytes = read_file(key)?;
        let key_der = PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| TlsError::BadPem {
            path: key.clone(),
            reason: format!("no private key: {e}"),
        })?;
        builder
            .with_client_auth_cert(chain, key_der)
            .map_err(|e| TlsError::BadPem {
                path: key.clone(),
                reason: format!("the key does not fit the client certificate: {e}"),
            })
    } else {
        Ok(builder.with_no_client_auth())
    }
}

/// The CA certificates in `path`, as the roots a server's certificate must chain to.
fn roots(path: &Path) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for cert in read_certs(path)? {
        roots.add(cert).map_err(|e| TlsError::BadPem {
            path: path.to_owned(),
            reason: format!("not a usable CA certificate: {e}"),
        })?;
    }
    Ok(roots)
}

/// Runs a TLS client handshake over `io` for a server that is not the daemon (a SPICE
/// display's TLS port): its certificate must be signed by the CA in `cacert` and name `host`;
/// no client certificate is offered, as SPICE clients offer none.
pub(crate) async fn handshake<IO>(
    io: IO,
    host: &str,
    cacert: &Path,
) -> Result<tokio_rustls::client::TlsStream<IO>, TlsError>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Handshake(e.to_string()))?
        .with_root_certificates(roots(cacert)?)
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| TlsError::Handshake(format!("'{host}' is not a valid server name: {e}")))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    connector.connect(name, io).await.map_err(|e| {
        let tls = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
        match tls {
            Some(rustls::Error::InvalidCertificate(c)) => certificate_error(c, host, cacert),
            Some(other) => TlsError::Handshake(other.to_string()),
            None if e.kind() == io::ErrorKind::UnexpectedEof => {
                TlsError::Handshake("the server closed the connection during the handshake".into())
            }
            None => TlsError::Handshake(e.to_string()),
        }
    })
}

fn read_file(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::File {
        path: path.to_owned(),
        source,
    })
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = read_file(path)?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::BadPem {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::BadPem {
            path: path.to_owned(),
            reason: "no certificate in the file".into(),
        });
    }
    Ok(certs)
}

/// Turns a handshake error into the reason a user can act on.
fn classify(e: io::Error, host: &str, settings: &TlsSettings, has_client_cert: bool) -> TlsError {
    let host = host.to_owned();
    let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        if e.kind() == io::ErrorKind::UnexpectedEof || e.kind() == io::ErrorKind::ConnectionReset {
            return if has_client_cert {
                TlsError::ClientCertRejected(e.to_string())
            } else {
                TlsError::ClientCertRequired {
                    cert: settings.pki.clientcert.clone(),
                    key: settings.pki.clientkey.clone(),
                }
            };
        }
        return TlsError::Handshake(e.to_string());
    };
    match tls {
        rustls::Error::InvalidCertificate(c) => certificate_error(c, &host, &settings.pki.cacert),
        rustls::Error::AlertReceived(
            AlertDescription::CertificateRequired
            | AlertDescription::HandshakeFailure
            | AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown
            | AlertDescription::AccessDenied,
        ) if !has_client_cert => TlsError::ClientCertRequired {
            cert: settings.pki.clientcert.clone(),
            key: settings.pki.clientkey.clone(),
        },
        rustls::Error::AlertReceived(
            a @ (AlertDescription::CertificateRequired
            | AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateUnknown
            | AlertDescription::AccessDenied),
        ) => TlsError::ClientCertRejected(format!("the server sent the alert {a:?}")),
        other => TlsError::Handshake(other.to_string()),
    }
}

/// Why the server's certificate was refused, in words a user can act on.
fn certificate_error(c: &CertificateError, host: &str, cacert: &Path) -> TlsError {
    let host = host.to_owned();
    match c {
        CertificateError::UnknownIssuer | CertificateError::BadSignature => TlsError::UnknownCa {
            host,
            cacert: cacert.to_owned(),
        },
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            TlsError::NameMismatch { host }
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            TlsError::Expired { host }
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            TlsError::NotYetValid { host }
        }
        other => TlsError::BadCertificate {
            host,
            reason: format!("{other:?}"),
        },
    }
}

/// Accepts any server certificate (`no_verify=1`) but still checks the handshake signatures,
/// so the session keys belong to whoever holds the presented certificate.
#[derive(Debug)]
struct NoVerify(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pki_layout_follows_libvirt() {
        let p = PkiPaths::resolve(Some("/x"), 1000, None);
        assert_eq!(p.cacert, Path::new("/x/cacert.pem"));
        assert_eq!(p.clientkey, Path::new("/x/clientkey.pem"));
        let root = PkiPaths::resolve(None, 0, Some(Path::new("/root")));
        assert_eq!(
            root.clientkey,
            Path::new("/etc/pki/libvirt/private/clientkey.pem")
        );
        assert_eq!(root.cacert, Path::new("/etc/pki/CA/cacert.pem"));
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".pki/libvirt")).unwrap();
        std::fs::write(home.path().join(".pki/libvirt/clientcert.pem"), "").unwrap();
        let user = PkiPaths::resolve(None, 1000, Some(home.path()));
        assert_eq!(
            user.clientcert,
            home.path().join(".pki/libvirt/clientcert.pem")
        );
        assert_eq!(user.cacert, Path::new("/etc/pki/CA/cacert.pem"));
    }
}
