//! NoCloud seeds for cloud images: the `user-data` (a `#cloud-config` with the user, their
//! password or SSH keys, and the host name) and `meta-data` that cloud-init reads at first
//! boot, packed into an ISO 9660 image labelled `cidata` ([`iso`]) with no outside tools.

pub mod iso;

use crate::i18n::gettext_f;

/// The volume label cloud-init's NoCloud data source looks for.
pub const LABEL: &str = "cidata";

/// The least size of a seed image: 128 KiB.
const MIN_SEED: usize = 128 << 10;

/// Who can log in to the new system, and its name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudConfig {
    /// The user to create.
    pub user: String,
    /// A password for the user, if any.
    pub password: Option<String>,
    /// SSH public keys (one line each) allowed to log in as the user.
    pub ssh_keys: Vec<String>,
    /// The host name.
    pub hostname: String,
}

/// The key types an `authorized_keys` line may start with.
const KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "ssh-rsa",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// The public key in `text` (the contents of a `.pub` file) as one line, or why it is not one;
/// `source` names the file in the message.
pub fn public_key(text: &str, source: &str) -> Result<String, String> {
    let line = text.trim();
    let mut parts = line.split_whitespace();
    let kind = parts.next().unwrap_or_default();
    let blob = parts.next().unwrap_or_default();
    let valid_blob = blob.len() >= 16
        && blob.starts_with("AAAA")
        && blob
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if line.lines().count() == 1 && KEY_TYPES.contains(&kind) && valid_blob {
        Ok(line.to_owned())
    } else {
        Err(gettext_f(
            "“{}” is not an SSH public key (a line such as “ssh-ed25519 AAAA… user@host”, as in ~/.ssh/id_ed25519.pub).",
            &[source],
        ))
    }
}

impl CloudConfig {
    /// Why the configuration cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let user = self.user.trim();
        let valid_user = !user.is_empty()
            && user.len() <= 32
            && user
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'))
            && !user.starts_with('-');
        if !valid_user {
            return Some(crate::i18n::gettext(
                "Give a user name of lower-case letters, digits, “-” and “_”.",
            ));
        }
        if self.password.as_deref().is_none_or(str::is_empty) && self.ssh_keys.is_empty() {
            return Some(crate::i18n::gettext(
                "Give the user a password or an SSH key, or nobody can log in.",
            ));
        }
        let host = self.hostname.trim();
        let valid_host = !host.is_empty()
            && host.len() <= 63
            && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !host.starts_with('-');
        if !valid_host {
            return Some(gettext_f(
                "“{}” is not a host name (letters, digits and “-”).",
                &[host],
            ));
        }
        None
    }

    /// The `user-data`: a `#cloud-config` document.
    pub fn user_data(&self) -> String {
        let mut y = String::from("#cloud-config\n");
        y += &format!("hostname: {}\n", quoted(self.hostname.trim()));
        y += "users:\n";
        y += &format!("  - name: {}\n", quoted(self.user.trim()));
        y += "    shell: /bin/bash\n";
        y += "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n";
        match self.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => {
                y += "    lock_passwd: false\n";
                y += &format!("    plain_text_passwd: {}\n", quoted(p));
            }
            None => y += "    lock_passwd: true\n",
        }
        if !self.ssh_keys.is_empty() {
            y += "    ssh_authorized_keys:\n";
            for k in &self.ssh_keys {
                y += &format!("      - {}\n", quoted(k.trim()));
            }
        }
        if self.password.as_deref().is_some_and(|p| !p.is_empty()) {
            y += "ssh_pwauth: true\nchpasswd:\n  expire: false\n";
        }
        y
    }

    /// The `meta-data`, with `instance_id` (a new one makes cloud-init run again).
    pub fn meta_data(&self, instance_id: &str) -> String {
        format!(
            "instance-id: {}\nlocal-hostname: {}\n",
            quoted(instance_id),
            quoted(self.hostname.trim())
        )
    }

    /// The seed image: an ISO 9660 image labelled `cidata` with `user-data` and `meta-data`.
    pub fn seed(&self, instance_id: &str) -> Vec<u8> {
        let user = self.user_data();
        let meta = self.meta_data(instance_id);
        let mut image = iso::image(
            LABEL,
            &[
                ("user-data", user.as_bytes()),
                ("meta-data", meta.as_bytes()),
            ],
        );
        // Zeros after the image: busybox's blkid and findfs read the first 68 KiB at once
        // and find nothing on a smaller device.
        if image.len() < MIN_SEED {
            image.resize(MIN_SEED, 0);
        }
        image
    }
}

/// `s` as a YAML double-quoted scalar (JSON's escapes are YAML's).
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out += "\\\"",
            '\\' => out += "\\\\",
            '\n' => out += "\\n",
            c if c.is_control() => out += &format!("\\u{:04x}", c as u32),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7x3Ckq1 me@host";

    fn config() -> CloudConfig {
        CloudConfig {
            user: "ada".into(),
            password: None,
            ssh_keys: vec![KEY.into()],
            hostname: "lovelace".into(),
        }
    }

    #[test]
    fn public_keys_are_told_from_other_files() {
        assert_eq!(public_key(&format!("{KEY}\n"), "k.pub").unwrap(), KEY);
        assert!(public_key("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAy x", "k").is_ok());
        for bad in [
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n",
            "ssh-ed25519",
            "hello world",
            "ssh-rsa not-base64!",
            "",
        ] {
            let e = public_key(bad, "id_ed25519").unwrap_err();
            assert!(e.contains("id_ed25519") && e.contains("public key"), "{e}");
        }
    }

    #[test]
    fn user_data_has_the_user_keys_password_and_host() {
        let c = config();
        assert_eq!(c.problem(), None);
        let y = c.user_data();
        assert!(y.starts_with("#cloud-config\n"), "{y}");
        assert!(y.contains("hostname: \"lovelace\"\n"), "{y}");
        assert!(y.contains("  - name: \"ada\"\n"), "{y}");
        assert!(y.contains(&format!("      - \"{KEY}\"\n")), "{y}");
        assert!(y.contains("lock_passwd: true"), "{y}");
        assert!(!y.contains("chpasswd"), "{y}");
        let mut p = c.clone();
        p.password = Some("se\"cret".into());
        let y = p.user_data();
        assert!(y.contains("plain_text_passwd: \"se\\\"cret\""), "{y}");
        assert!(y.contains("chpasswd:\n  expire: false\n"), "{y}");
        assert_eq!(
            c.meta_data("i-1"),
            "instance-id: \"i-1\"\nlocal-hostname: \"lovelace\"\n"
        );
        // Large enough for busybox's findfs, which reads 68 KiB at once.
        assert_eq!(c.seed("i-1").len(), 128 << 10);
    }

    #[test]
    fn bad_users_hosts_and_no_way_in_are_refused() {
        let mut c = config();
        c.user = "Root User".into();
        assert!(c.problem().unwrap().contains("user name"));
        c = config();
        c.ssh_keys.clear();
        assert!(c.problem().unwrap().contains("password or an SSH key"));
        c.password = Some("x".into());
        assert_eq!(c.problem(), None);
        c.hostname = "a.b c".into();
        assert!(c.problem().unwrap().contains("host name"));
    }
}
