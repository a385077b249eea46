//! SASL authentication over `AUTH_SASL_INIT` / `START` / `STEP`: SCRAM-SHA-256 (RFC 5802,
//! RFC 7677), and PLAIN where the channel is already private and goes to the right peer (TLS
//! with a checked certificate, or a unix socket). Neither negotiates a security layer, so the
//! stream stays as it is after authentication.
//!
//! SCRAM's key derivation (PBKDF2 with the server's iteration count) runs on a blocking
//! thread, and a count above [`SCRAM_MAX_ITERATIONS`] is refused: the server picks the count,
//! and a hostile one could otherwise keep the client busy for hours.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ring::{digest, hmac, pbkdf2, rand::SecureRandom};
use virt_proto::remote::{AuthSaslInitArgs, AuthSaslStartArgs, AuthSaslStepArgs};

use super::Connection;
use crate::credentials::{CredentialKind, CredentialRequest, Credentials};
use crate::error::{Error, ErrorCode, Result};
use crate::uri::TransportKind;

const SCRAM: &str = "SCRAM-SHA-256";
const PLAIN: &str = "PLAIN";

/// Most PBKDF2 iterations a server may ask SCRAM for. libvirt's SASL library (cyrus-sasl)
/// uses 4096 and its own client refuses more than 65536; current advice for PBKDF2-SHA256 is
/// around 600 000. A million leaves room for all of them and costs well under a second.
pub(crate) const SCRAM_MAX_ITERATIONS: u32 = 1_000_000;

/// Runs the SASL exchange; `wanted` is the mechanism from `auth=sasl.MECH`, if any.
pub(crate) async fn authenticate(
    conn: &Connection,
    wanted: Option<&str>,
    credentials: Option<&Credentials>,
) -> Result<()> {
    let uri = conn.connect_uri().clone();
    let host = uri.host().unwrap_or("localhost").to_owned();
    let Some(creds) = credentials else {
        return Err(Error::Auth(format!(
            "the daemon on {host} requires SASL authentication, and no credential callback \
             was given"
        )));
    };
    let offered = conn.call(&AuthSaslInitArgs).await?.mechlist;
    let offered: Vec<String> = offered
        .split([',', ' '])
        .filter(|m| !m.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let unverified = uri.transport() == TransportKind::Tls && uri.params().no_verify;
    let private = match uri.transport() {
        TransportKind::Unix => true,
        // Without a checked certificate, the peer may be anyone: PLAIN would hand them the
        // password.
        TransportKind::Tls => !unverified,
        _ => false,
    };
    let mut usable = vec![SCRAM];
    if private {
        usable.push(PLAIN);
    }
    let mech = match wanted {
        Some(w) => {
            let w = w.to_ascii_uppercase();
            if w == PLAIN && unverified {
                return Err(Error::Auth(format!(
                    "SASL PLAIN would send the password in the clear to a server whose \
                     certificate is not checked (no_verify=1); use SCRAM-SHA-256 or check \
                     the certificate of {host}"
                )));
            }
            usable.into_iter().find(|m| *m == w).ok_or_else(|| {
                Error::Auth(format!(
                    "SASL mechanism '{w}' is not supported here (supported: SCRAM-SHA-256, and \
                     PLAIN over TLS with a checked certificate or a unix socket)"
                ))
            })?
        }
        None => usable
            .into_iter()
            .find(|m| offered.iter().any(|o| o == m))
            .ok_or_else(|| {
                let plain_refused = if unverified && offered.iter().any(|o| o == PLAIN) {
                    "; PLAIN is not used while the server's certificate is not checked \
                     (no_verify=1)"
                } else {
                    ""
                };
                Error::Auth(format!(
                    "the daemon offers SASL mechanisms [{}]; this client speaks SCRAM-SHA-256 \
                     (and PLAIN over TLS with a checked certificate or a unix socket){plain_refused}",
                    offered.join(", ")
                ))
            })?,
    };
    if !offered.iter().any(|o| o == mech) {
        return Err(Error::Auth(format!(
            "the daemon does not offer SASL mechanism {mech}"
        )));
    }
    let mut user_req = CredentialRequest::new(
        CredentialKind::Username,
        format!("User name for libvirt on {host}"),
    );
    user_req.default = uri.user().map(str::to_owned);
    let user = ask(creds, &user_req).await?;
    let pass_req = CredentialRequest::new(
        CredentialKind::Password,
        format!("Password for {user} (libvirt on {host})"),
    );
    let password = ask(creds, &pass_req).await?;
    let failed = |e: Error| match e {
        Error::Libvirt { code, message, .. } if code == ErrorCode::AUTH_FAILED => Error::Auth(
            format!("wrong user name or password for {user} on {host} ({message})"),
        ),
        other => other,
    };
    if mech == PLAIN {
        let mut msg = vec![0u8];
        msg.extend_from_slice(user.as_bytes());
        msg.push(0);
        msg.extend_from_slice(password.as_bytes());
        let ret = conn
            .call(&AuthSaslStartArgs {
                mech: mech.into(),
                nil: 0,
                data: to_i8(&msg),
            })
            .await
            .map_err(failed)?;
        return if ret.complete != 0 {
            Ok(())
        } else {
            Err(Error::Auth("PLAIN authentication did not complete".into()))
        };
    }
    let mut scram = Scram::new(&user)?;
    let ret = conn
        .call(&AuthSaslStartArgs {
            mech: mech.into(),
            nil: 0,
            data: to_i8(scram.client_first().as_bytes()),
        })
        .await
        .map_err(failed)?;
    let server_first = from_i8(&ret.data);
    let client_final = scram.client_final(&server_first, &password).await?;
    let ret = conn
        .call(&AuthSaslStepArgs {
            nil: 0,
            data: to_i8(client_final.as_bytes()),
        })
        .await
        .map_err(failed)?;
    scram.verify_server(&from_i8(&ret.data))?;
    if ret.complete == 0 {
        // The server wants one more (empty) round to finish.
        let ret = conn
            .call(&AuthSaslStepArgs {
                nil: 1,
                data: Vec::new(),
            })
            .await
            .map_err(failed)?;
        if ret.complete == 0 {
            return Err(Error::Auth("SCRAM authentication did not complete".into()));
        }
    }
    Ok(())
}

async fn ask(creds: &Credentials, req: &CredentialRequest) -> Result<String> {
    creds
        .0
        .ask(req)
        .await
        .ok_or_else(|| Error::Auth(format!("cancelled: {}", req.prompt)))
}

fn to_i8(b: &[u8]) -> Vec<i8> {
    b.iter().map(|&x| x as i8).collect()
}

fn from_i8(b: &[i8]) -> String {
    let bytes: Vec<u8> = b.iter().map(|&x| x as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The client side of one SCRAM-SHA-256 exchange.
struct Scram {
    first_bare: String,
    nonce: String,
    auth_message: Option<String>,
    server_key: Option<hmac::Key>,
}

impl Scram {
    fn new(user: &str) -> Result<Self> {
        let mut raw = [0u8; 24];
        ring::rand::SystemRandom::new()
            .fill(&mut raw)
            .map_err(|_| Error::Auth("no random numbers for the SCRAM nonce".into()))?;
        let nonce = B64.encode(raw);
        let name = user.replace('=', "=3D").replace(',', "=2C");
        Ok(Scram {
            first_bare: format!("n={name},r={nonce}"),
            nonce,
            auth_message: None,
            server_key: None,
        })
    }

    fn client_first(&self) -> String {
        format!("n,,{}", self.first_bare)
    }

    async fn client_final(&mut self, server_first: &str, password: &str) -> Result<String> {
        let bad = |what: &str| Error::Auth(format!("SCRAM: bad server-first message ({what})"));
        let (mut r, mut s, mut i) = (None, None, None);
        for part in server_first.split(',') {
            match part.split_once('=') {
                Some(("r", v)) => r = Some(v),
                Some(("s", v)) => s = Some(v),
                Some(("i", v)) => i = Some(v),
                Some(("e", v)) => return Err(Error::Auth(format!("SCRAM: server error: {v}"))),
                _ => {}
            }
        }
        let r = r.ok_or_else(|| bad("no nonce"))?;
        if !r.starts_with(&self.nonce) || r.len() == self.nonce.len() {
            return Err(bad("nonce does not extend ours"));
        }
        let salt = B64
            .decode(s.ok_or_else(|| bad("no salt"))?)
            .map_err(|_| bad("salt not base64"))?;
        let iters = i
            .and_then(|i| i.parse::<u64>().ok())
            .ok_or_else(|| bad("iteration count"))?;
        if iters > u64::from(SCRAM_MAX_ITERATIONS) {
            return Err(Error::Auth(format!(
                "SCRAM: the server asks for {iters} key derivation iterations; more than \
                 {SCRAM_MAX_ITERATIONS} are refused (libvirt's SASL library uses 4096)"
            )));
        }
        let iters = u32::try_from(iters)
            .ok()
            .and_then(std::num::NonZeroU32::new)
            .ok_or_else(|| bad("iteration count"))?;
        // Up to a second of hashing: not on the runtime's threads.
        let secret = password.as_bytes().to_vec();
        let salted = tokio::task::spawn_blocking(move || {
            let mut salted = [0u8; 32];
            pbkdf2::derive(
                pbkdf2::PBKDF2_HMAC_SHA256,
                iters,
                &salt,
                &secret,
                &mut salted,
            );
            salted
        })
        .await
        .map_err(|e| Error::Auth(format!("SCRAM: the key derivation failed: {e}")))?;
        let salted_key = hmac::Key::new(hmac::HMAC_SHA256, &salted);
        let client_key = hmac::sign(&salted_key, b"Client Key");
        let stored_key = digest::digest(&digest::SHA256, client_key.as_ref());
        let without_proof = format!("c={},r={r}", B64.encode("n,,"));
        let auth_message = format!("{},{server_first},{without_proof}", self.first_bare);
        let signature = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, stored_key.as_ref()),
            auth_message.as_bytes(),
        );
        let proof: Vec<u8> = client_key
            .as_ref()
            .iter()
            .zip(signature.as_ref())
            .map(|(a, b)| a ^ b)
            .collect();
        let server_key = hmac::sign(&salted_key, b"Server Key");
        self.server_key = Some(hmac::Key::new(hmac::HMAC_SHA256, server_key.as_ref()));
        self.auth_message = Some(auth_message);
        Ok(format!("{without_proof},p={}", B64.encode(proof)))
    }

    /// Checks the server's signature, proving it knows the password too.
    fn verify_server(&self, server_final: &str) -> Result<()> {
        if let Some(e) = server_final.strip_prefix("e=") {
            return Err(Error::Auth(format!("SCRAM: server error: {e}")));
        }
        let (Some(key), Some(msg)) = (&self.server_key, &self.auth_message) else {
            return Err(Error::Auth("SCRAM: exchange out of order".into()));
        };
        let v = server_final
            .split(',')
            .find_map(|p| p.strip_prefix("v="))
            .and_then(|v| B64.decode(v.trim_end_matches('\0')).ok())
            .ok_or_else(|| Error::Auth("SCRAM: the server sent no signature".into()))?;
        hmac::verify(key, msg.as_bytes(), &v).map_err(|_| {
            Error::Auth(
                "SCRAM: the server's signature is wrong (it does not know the password)".into(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7677's example exchange.
    #[tokio::test]
    async fn rfc7677_vector() {
        let mut s = Scram {
            first_bare: "n=user,r=rOprNGfwEbeRWgbNEkqO".into(),
            nonce: "rOprNGfwEbeRWgbNEkqO".into(),
            auth_message: None,
            server_key: None,
        };
        let fin = s
            .client_final(
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                 s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "pencil",
            )
            .await
            .unwrap();
        assert_eq!(
            fin,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
             p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        s.verify_server("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap();
        assert!(s.verify_server("v=AAAA").is_err());
    }

    fn scram() -> Scram {
        Scram {
            first_bare: "n=user,r=abc".into(),
            nonce: "abc".into(),
            auth_message: None,
            server_key: None,
        }
    }

    /// An absurd count is refused at once, before any hashing; the most libvirt's SASL library
    /// accepts is computed.
    #[tokio::test]
    async fn iteration_count_is_capped() {
        for count in [
            u64::from(SCRAM_MAX_ITERATIONS) + 1,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let start = std::time::Instant::now();
            let err = scram()
                .client_final(&format!("r=abcdef,s=c2FsdA==,i={count}"), "pw")
                .await
                .unwrap_err();
            assert!(start.elapsed() < std::time::Duration::from_millis(100));
            assert!(
                matches!(err, Error::Auth(ref m) if m.contains("iterations") && m.contains(&count.to_string())),
                "{err:?}"
            );
        }
        for bad in ["0", "-1", "x", ""] {
            let err = scram()
                .client_final(&format!("r=abcdef,s=c2FsdA==,i={bad}"), "pw")
                .await
                .unwrap_err();
            assert!(err.to_string().contains("iteration count"), "{err}");
        }
        let cyrus_max = "r=abcdef,s=c2FsdA==,i=65536";
        assert!(scram().client_final(cyrus_max, "pw").await.is_ok());
    }
}
