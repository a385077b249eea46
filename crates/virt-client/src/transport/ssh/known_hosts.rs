//! Host keys as OpenSSH writes them: `ssh-keyscan` lines, SHA256 fingerprints as ssh prints
//! them, what `ssh -G` says about where and how keys are recorded, and `known_hosts` lines
//! (plain or hashed).

use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

/// One public host key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostKey {
    /// The key type (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …).
    pub(crate) key_type: String,
    /// The key blob, base64 as in `known_hosts`.
    pub(crate) base64: String,
    blob: Vec<u8>,
}

impl HostKey {
    /// Reads one line of `ssh-keyscan` output (`host keytype base64`); `None` for comments and
    /// lines that are no key.
    pub(crate) fn parse_scan_line(line: &str) -> Option<HostKey> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut fields = line.split_ascii_whitespace();
        let _host = fields.next()?;
        let key_type = fields.next()?;
        let base64 = fields.next()?;
        let blob = STANDARD.decode(base64).ok()?;
        // The blob starts with its own type name.
        let n = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
        if blob.get(4..4 + n)? != key_type.as_bytes() {
            return None;
        }
        Some(HostKey {
            key_type: key_type.to_owned(),
            base64: base64.to_owned(),
            blob,
        })
    }

    /// The fingerprint as ssh prints it: `SHA256:` and the unpadded base64 of the blob's
    /// SHA-256.
    pub(crate) fn fingerprint(&self) -> String {
        fingerprint_sha256(&self.blob)
    }

    /// ssh's name for the key's type: `ED25519`, `ECDSA`, `RSA`, …
    pub(crate) fn label(&self) -> &str {
        match self.key_type.as_str() {
            "ssh-ed25519" => "ED25519",
            "ssh-rsa" => "RSA",
            "ssh-dss" => "DSA",
            "sk-ssh-ed25519@openssh.com" => "ED25519-SK",
            "sk-ecdsa-sha2-nistp256@openssh.com" => "ECDSA-SK",
            t if t.starts_with("ecdsa-sha2-") => "ECDSA",
            t => t,
        }
    }

    /// ssh's line about the key: `ED25519 key fingerprint is SHA256:….`
    pub(crate) fn describe(&self) -> String {
        format!(
            "{} key fingerprint is {}.",
            self.label(),
            self.fingerprint()
        )
    }
}

/// The SHA256 fingerprint of a public key blob as ssh prints it.
pub(crate) fn fingerprint_sha256(blob: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, blob);
    format!("SHA256:{}", STANDARD_NO_PAD.encode(digest.as_ref()))
}

/// What `ssh -G` says about the host a connection goes to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The host name ssh connects to.
    pub(crate) hostname: String,
    /// The port.
    pub(crate) port: u16,
    /// The file new keys are recorded in (the first `UserKnownHostsFile`).
    pub(crate) known_hosts: Option<PathBuf>,
    /// `HashKnownHosts`.
    pub(crate) hash: bool,
    /// `HostKeyAlias`, the name keys are recorded under instead of the host.
    pub(crate) alias: Option<String>,
    /// `HostKeyAlgorithms`, most preferred first.
    pub(crate) algorithms: Vec<String>,
    /// Whether the host is reached through another (`ProxyJump`, `ProxyCommand`).
    pub(crate) proxied: bool,
}

impl Resolved {
    /// Reads `ssh -G` output.
    pub(crate) fn parse(text: &str) -> Resolved {
        let mut r = Resolved {
            port: 22,
            ..Resolved::default()
        };
        for line in text.lines() {
            let Some((key, value)) = line.trim().split_once(' ') else {
                continue;
            };
            let value = value.trim();
            match key {
                "hostname" => r.hostname = value.to_owned(),
                "port" => r.port = value.parse().unwrap_or(22),
                "userknownhostsfile" => {
                    r.known_hosts = value.split_ascii_whitespace().next().map(PathBuf::from);
                }
                "hashknownhosts" => r.hash = value == "yes" || value == "true",
                "hostkeyalias" if value != "none" => r.alias = Some(value.to_owned()),
                "hostkeyalgorithms" => {
                    r.algorithms = value.split(',').map(str::to_owned).collect();
                }
                "proxyjump" | "proxycommand" if value != "none" => r.proxied = true,
                _ => {}
            }
        }
        r
    }

    /// The name the host's keys are recorded under, as ssh writes it: the alias, the host
    /// name, or `[host]:port` for another port than 22.
    pub(crate) fn host_pattern(&self) -> String {
        match &self.alias {
            Some(a) => a.clone(),
            None if self.port == 22 => self.hostname.clone(),
            None => format!("[{}]:{}", self.hostname, self.port),
        }
    }

    /// Of `keys`, the one ssh would ask for first (by `HostKeyAlgorithms`).
    pub(crate) fn preferred<'k>(&self, keys: &'k [HostKey]) -> Option<&'k HostKey> {
        let rank = |k: &HostKey| {
            self.algorithms.iter().position(|a| {
                a == &k.key_type || (k.key_type == "ssh-rsa" && a.starts_with("rsa-sha2-"))
            })
        };
        keys.iter()
            .filter_map(|k| rank(k).map(|r| (r, k)))
            .min_by_key(|(r, _)| *r)
            .map(|(_, k)| k)
    }
}

/// The `known_hosts` line for `key` under `pattern`; hashed (`|1|salt|hash`) with `salt`
/// when given.
pub(crate) fn known_hosts_line(pattern: &str, key: &HostKey, salt: Option<&[u8; 20]>) -> String {
    let host = match salt {
        Some(salt) => {
            let mac = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, salt);
            let tag = ring::hmac::sign(&mac, pattern.as_bytes());
            format!(
                "|1|{}|{}",
                STANDARD.encode(salt),
                STANDARD.encode(tag.as_ref())
            )
        }
        None => pattern.to_owned(),
    };
    format!("{host} {} {}", key.key_type, key.base64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str = "[127.0.0.1]:53213 ssh-ed25519 \
        AAAAC3NzaC1lZDI1NTE5AAAAIKopJFaGDOH4vkBeN/BNnRaJcD9fhAJefAiUwLV0+0Uj";
    const RSA: &str = "h ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDNvmIScdOiZVxcBglC/bSBrRzL2YyGK0wo\
        +OT88LtpwEtEK74ozkbSdEF1HzM7XkIKi2LZfMfs3Cg6mjNZENnuXeoO9kOYh2a1Pr6ALm3kn0L+anHIbAh27OhL\
        R7n9HqPyZTuIVtCkq6HHZYMhtw6qAvmkni9Xk05yysWYj1es3w==";

    #[test]
    fn fingerprints_match_ssh_keygen() {
        // Both values are what `ssh-keygen -lf` printed for these keys.
        let k = HostKey::parse_scan_line(ED25519).unwrap();
        assert_eq!(
            k.fingerprint(),
            "SHA256:zAXC8sSTCkhyI4MV9SKvzzL/m34LvVOmanUPIu1a1Lw"
        );
        assert_eq!(
            k.describe(),
            "ED25519 key fingerprint is SHA256:zAXC8sSTCkhyI4MV9SKvzzL/m34LvVOmanUPIu1a1Lw."
        );
        let r = HostKey::parse_scan_line(RSA).unwrap();
        assert_eq!(
            r.fingerprint(),
            "SHA256:bPJUJS0yjxNCObvutuidE+RGvguFBZ4oAHo0FaPbq+o"
        );
        assert_eq!(r.label(), "RSA");
        assert_eq!(
            HostKey::parse_scan_line("# 127.0.0.1:22 SSH-2.0-OpenSSH"),
            None
        );
        // A blob that does not name the type it is given as.
        assert_eq!(
            HostKey::parse_scan_line(&ED25519.replace("ssh-ed25519", "ssh-rsa")),
            None
        );
    }

    #[test]
    fn resolved_config_names_the_file_and_the_key() {
        let r = Resolved::parse(
            "hostname 127.0.0.1\nport 2222\nhashknownhosts no\n\
             userknownhostsfile /tmp/a /tmp/b\n\
             hostkeyalgorithms ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256,rsa-sha2-512,ssh-ed25519\n",
        );
        assert_eq!(
            r.known_hosts.as_deref(),
            Some(std::path::Path::new("/tmp/a"))
        );
        assert_eq!(r.host_pattern(), "[127.0.0.1]:2222");
        assert!(!r.proxied && !r.hash);
        let ed = HostKey::parse_scan_line(ED25519).unwrap();
        let rsa = HostKey::parse_scan_line(RSA).unwrap();
        let keys = [ed.clone(), rsa.clone()];
        assert_eq!(r.preferred(&keys), Some(&rsa));
        let r = Resolved::parse("hostname h\nport 22\nproxyjump gw\nhostkeyalias web\n");
        assert!(r.proxied);
        assert_eq!(r.host_pattern(), "web");
        assert_eq!(r.preferred(&keys), None);
    }

    #[test]
    fn known_hosts_lines_plain_and_hashed() {
        let k = HostKey::parse_scan_line(ED25519).unwrap();
        assert_eq!(
            known_hosts_line("[h]:2222", &k, None),
            format!("[h]:2222 ssh-ed25519 {}", k.base64)
        );
        // `ssh-keygen -F '[h]:2222'` finds this line.
        assert_eq!(
            known_hosts_line("[h]:2222", &k, Some(&[7; 20])),
            format!(
                "|1|BwcHBwcHBwcHBwcHBwcHBwcHBwc=|mfKE04zdI2x+UePQQIJl4+Z2yso= ssh-ed25519 {}",
                k.base64
            )
        );
    }
}
