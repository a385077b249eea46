//! Test certificates made with rcgen: CAs, server and client certificates in libvirt's layout.

use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, date_time_ymd,
};

/// A certificate authority.
pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        Ca {
            issuer: CertifiedIssuer::self_signed(params, key).unwrap(),
        }
    }

    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A leaf certificate for `names`; `(cert, key)` in PEM.
    pub fn leaf(&self, names: &[&str], server: bool, expired: bool) -> (String, String) {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let mut params = CertificateParams::new(names.clone()).unwrap();
        params.distinguished_name.push(
            DnType::CommonName,
            names.first().cloned().unwrap_or_else(|| "client".into()),
        );
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![if server {
            ExtendedKeyUsagePurpose::ServerAuth
        } else {
            ExtendedKeyUsagePurpose::ClientAuth
        }];
        if expired {
            params.not_before = date_time_ymd(2020, 1, 1);
            params.not_after = date_time_ymd(2021, 1, 1);
        } else {
            params.not_before = date_time_ymd(2024, 1, 1);
            params.not_after = date_time_ymd(2100, 1, 1);
        }
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &*self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }

    /// Writes a daemon's `pki/` (CA, server certificate for `names`).
    pub fn write_server(&self, dir: &Path, names: &[&str]) {
        std::fs::create_dir_all(dir).unwrap();
        let (cert, key) = self.leaf(names, true, false);
        std::fs::write(dir.join("cacert.pem"), self.pem()).unwrap();
        std::fs::write(dir.join("servercert.pem"), cert).unwrap();
        std::fs::write(dir.join("serverkey.pem"), key).unwrap();
    }

    /// Writes a client's `pkipath` directory: `cacert.pem` of `trust`, and a client certificate
    /// signed by this CA when `with_cert`.
    pub fn write_client(&self, dir: &Path, trust: &Ca, with_cert: bool) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("cacert.pem"), trust.pem()).unwrap();
        if with_cert {
            let (cert, key) = self.leaf(&["client"], false, false);
            std::fs::write(dir.join("clientcert.pem"), cert).unwrap();
            std::fs::write(dir.join("clientkey.pem"), key).unwrap();
        }
    }
}
