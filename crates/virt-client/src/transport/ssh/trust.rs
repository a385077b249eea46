//! Trusting a host whose key ssh does not know. When ssh refused an unknown host without
//! asking (`StrictHostKeyChecking=yes`, or no way to ask), the key is read with
//! `ssh-keyscan`, its SHA256 fingerprint is shown to the user as ssh prints it, and only on
//! the user's yes is it added to the known hosts file ssh uses (hashed when ssh's
//! `HashKnownHosts` says so); the caller then connects again. When ssh asked the question
//! itself (through askpass) and the user said no, that answer stands.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::process::Command;

use super::known_hosts::{HostKey, Resolved, known_hosts_line};
use super::{SshError, SshSettings, ssh_args};
use crate::credentials::{CredentialKind, CredentialPrompt, CredentialRequest, PromptFuture};
use crate::uri::ConnectUri;

/// How long reading the configuration and scanning the key may take.
const SCAN_LIMIT: Duration = Duration::from_secs(20);

/// Passes questions on, noting the host key question ssh asked itself.
pub(crate) struct NoteHostKeyQuestion {
    pub(crate) inner: Arc<dyn CredentialPrompt>,
    pub(crate) asked: Arc<OnceLock<String>>,
}

impl CredentialPrompt for NoteHostKeyQuestion {
    fn ask<'a>(&'a self, request: &'a CredentialRequest) -> PromptFuture<'a> {
        if request.kind == CredentialKind::Confirm {
            let _ = self.asked.set(request.prompt.clone());
        }
        self.inner.ask(request)
    }
}

/// After ssh refused `uri`'s host for an unknown key (`unknown`): asks the user to trust the
/// key and records it. `Ok` when recorded (connect again); else the error to report: the
/// user's no, or `unknown` itself when the user cannot be asked or the key not read.
pub(crate) async fn offer_trust(
    uri: &ConnectUri,
    settings: &SshSettings,
    unknown: SshError,
) -> Result<(), SshError> {
    let host = uri.host().unwrap_or("localhost").to_owned();
    if let Some(prompt) = settings.host_key_asked.get() {
        // ssh asked, and the user did not say yes.
        let key = prompt
            .lines()
            .find(|l| l.contains("key fingerprint is"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        return Err(SshError::HostKeyNotTrusted { host, key });
    }
    let Some(creds) = &settings.credentials else {
        return Err(unknown);
    };
    if uri.params().no_tty {
        return Err(unknown);
    }
    let (resolved, keys) = match tokio::time::timeout(SCAN_LIMIT, scan(uri)).await {
        Ok(Ok(found)) => found,
        Ok(Err(why)) => {
            tracing::warn!("cannot offer to trust the host key of {host}: {why}");
            return Err(unknown);
        }
        Err(_) => {
            tracing::warn!("cannot offer to trust the host key of {host}: the scan took too long");
            return Err(unknown);
        }
    };
    let Some(key) = resolved.preferred(&keys) else {
        tracing::warn!("{host} offers no host key of a type ssh accepts");
        return Err(unknown);
    };
    let Some(file) = resolved.known_hosts.clone() else {
        return Err(unknown);
    };
    let pattern = resolved.host_pattern();
    let shown = if pattern == host {
        format!("'{host}'")
    } else {
        format!("'{host}' ({pattern})")
    };
    let request = CredentialRequest::new(
        CredentialKind::Confirm,
        format!(
            "The authenticity of host {shown} can't be established.\n{}\n\
             Are you sure you want to trust this key and continue connecting?",
            key.describe()
        ),
    );
    if creds.0.ask(&request).await.as_deref() != Some("yes") {
        return Err(SshError::HostKeyNotTrusted {
            host,
            key: key.describe(),
        });
    }
    let salt = if resolved.hash {
        let mut salt = [0u8; 20];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
            .map_err(|_| record_error(&file, "no random numbers for hashing"))?;
        Some(salt)
    } else {
        None
    };
    append_line(&file, &known_hosts_line(&pattern, key, salt.as_ref()))
        .map_err(|e| record_error(&file, &e.to_string()))?;
    tracing::info!(
        "recorded the host key of {host} ({}) in {}",
        key.describe(),
        file.display()
    );
    Ok(())
}

fn record_error(file: &Path, why: &str) -> SshError {
    SshError::Other {
        status: None,
        stderr: format!("cannot record the host key in {}: {why}", file.display()),
    }
}

/// Reads the effective configuration with `ssh -G` (same options as the connection) and the
/// host's keys with `ssh-keyscan`.
async fn scan(uri: &ConnectUri) -> Result<(Resolved, Vec<HostKey>), String> {
    let host = uri.host().unwrap_or("localhost");
    let program = uri.params().command.as_deref().unwrap_or("ssh");
    let mut cmd = Command::new(program);
    ssh_args(&mut cmd, uri).map_err(|e| e.to_string())?;
    let out = cmd
        .arg("-G")
        .arg("--")
        .arg(host)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} -G failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let resolved = Resolved::parse(&String::from_utf8_lossy(&out.stdout));
    if resolved.proxied {
        return Err("the host is reached through a proxy, which ssh-keyscan cannot".to_owned());
    }
    let out = Command::new("ssh-keyscan")
        .args(["-T", "10", "-p"])
        .arg(resolved.port.to_string())
        .arg("--")
        .arg(&resolved.hostname)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| format!("cannot run ssh-keyscan: {e}"))?;
    let keys: Vec<HostKey> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(HostKey::parse_scan_line)
        .collect();
    if keys.is_empty() {
        return Err(format!(
            "ssh-keyscan read no key: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok((resolved, keys))
}

/// Appends `line` to `file` (made, with a private directory, when missing), on a line of its
/// own.
fn append_line(file: &Path, line: &str) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = file.parent()
        && !dir.as_os_str().is_empty()
        && !dir.exists()
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let needs_newline = std::fs::read(file)
        .map(|b| b.last().is_some_and(|c| *c != b'\n'))
        .unwrap_or(false);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o644)
        .open(file)?;
    let text = if needs_newline {
        format!("\n{line}\n")
    } else {
        format!("{line}\n")
    };
    f.write_all(text.as_bytes())
}
