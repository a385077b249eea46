//! What the user reads when a connection cannot be opened: ssh's failures explained in the
//! user's language, other errors as the client words them.

use virt_client::uri::TransportKind;
use virt_client::{ConnectUri, Error, SshError};

use crate::i18n::{gettext, gettext_f};

/// A sentence for `e`, translated where the client gave a typed reason.
pub fn describe(e: &Error) -> String {
    match e {
        Error::Ssh(ssh) => describe_ssh(ssh),
        other => other.to_string(),
    }
}

/// A sentence for `e` from opening `uri`: what is wrong and what the user can do about it,
/// then the client's own words for the details.
pub fn describe_for(uri: &str, e: &Error) -> String {
    match explain_for(uri, e) {
        (summary, Some(detail)) => format!("{summary} ({detail})"),
        (summary, None) => summary,
    }
}

/// What [`describe_for`] says, split: the sentence a person reads first, and the client's own
/// words when they add something (for a tooltip or a details line).
pub fn explain_for(uri: &str, e: &Error) -> (String, Option<String>) {
    let Ok(parsed) = ConnectUri::parse(uri) else {
        return (describe(e), None);
    };
    let explained = match e {
        Error::Io(io) => match parsed.transport() {
            TransportKind::Unix => describe_local(&parsed, io),
            TransportKind::Tcp | TransportKind::Tls => describe_network(&parsed, io),
            _ => None,
        },
        Error::Auth(_) => Some(gettext_f(
            "{} did not accept the login.",
            &[parsed.host().unwrap_or("The daemon")],
        )),
        Error::Timeout(_) => Some(gettext_f(
            "{} did not answer in time.",
            &[parsed.host().unwrap_or("The daemon")],
        )),
        _ => None,
    };
    match explained {
        Some(text) => (text, Some(describe(e))),
        None => (describe(e), None),
    }
}

/// A local daemon that is not there, not started, or not ours to use.
fn describe_local(uri: &ConnectUri, io: &std::io::Error) -> Option<String> {
    use std::io::ErrorKind;
    let session = uri.path() == Some("/session");
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let custom_socket = uri.params().socket.is_some();
    Some(match io.kind() {
        ErrorKind::PermissionDenied => gettext(
            "You may not use this libvirt daemon. Add your user to the “libvirt” group (sudo adduser $USER libvirt), then log out and in again.",
        ),
        ErrorKind::NotFound if session && !root && io.to_string().contains("cannot start") => {
            gettext(
                "Your own libvirt daemon could not be started: libvirt's daemon is not installed. Install it (sudo apt install libvirt-daemon qemu-system-x86), then retry.",
            )
        }
        ErrorKind::NotFound | ErrorKind::ConnectionRefused if session && !root => gettext(
            "Your own libvirt daemon was started but did not answer. Its log is in ~/.cache/libvirt/libvirtd.log.",
        ),
        ErrorKind::NotFound | ErrorKind::ConnectionRefused if custom_socket => {
            gettext("No libvirt daemon is listening on this socket. Is it running?")
        }
        ErrorKind::NotFound | ErrorKind::ConnectionRefused => gettext(
            "The libvirt daemon is not running on this computer. Start it with “sudo systemctl enable --now libvirtd”, then retry.",
        ),
        _ => return None,
    })
}

/// A remote daemon over TCP or TLS that cannot be reached.
fn describe_network(uri: &ConnectUri, io: &std::io::Error) -> Option<String> {
    use std::io::ErrorKind;
    let host = uri.host().unwrap_or("localhost");
    let port = uri
        .effective_port()
        .map(|p| p.to_string())
        .unwrap_or_default();
    Some(match io.kind() {
        ErrorKind::ConnectionRefused => gettext_f(
            "{} refused the connection on port {}. Is libvirtd running there and listening for remote connections?",
            &[host, &port],
        ),
        ErrorKind::TimedOut | ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => {
            gettext_f("{} cannot be reached over the network.", &[host])
        }
        _ if io.to_string().contains("failed to lookup address") => {
            gettext_f("The host name {} cannot be resolved.", &[host])
        }
        _ => return None,
    })
}

/// Whether retrying by itself cannot help: the user has to act first.
pub fn is_permanent(e: &Error) -> bool {
    matches!(
        e,
        Error::Uri(_)
            | Error::Ssh(
                SshError::HostKeyUnknown { .. }
                    | SshError::HostKeyNotTrusted { .. }
                    | SshError::HostKeyChanged { .. }
                    | SshError::PermissionDenied { .. }
                    | SshError::HelperMissing { .. }
                    | SshError::UnknownHost { .. }
            )
    )
}

fn describe_ssh(e: &SshError) -> String {
    match e {
        SshError::HostKeyUnknown { host } => gettext_f(
            "The identity of {} is unknown to SSH. Connect once with ssh in a terminal to check and accept its host key.",
            &[host],
        ),
        SshError::HostKeyNotTrusted { host, key } => gettext_f(
            "The host key of {} was not trusted, so no connection was made ({}).",
            &[host, key],
        ),
        SshError::HostKeyChanged { host } => gettext_f(
            "The host key of {} has CHANGED. Someone may be intercepting the connection, or the host was reinstalled. Check with its administrator before removing the old key from known_hosts.",
            &[host],
        ),
        SshError::PermissionDenied { host, .. } => gettext_f(
            "{} refused the SSH login: no key or password offered was accepted.",
            &[host],
        ),
        SshError::ConnectionRefused { host, .. } => gettext_f(
            "{} refused the SSH connection. Is sshd running there, on this port?",
            &[host],
        ),
        SshError::UnknownHost { host, .. } => {
            gettext_f("The host name {} cannot be resolved.", &[host])
        }
        SshError::Unreachable { host, .. } => {
            gettext_f("{} cannot be reached over the network.", &[host])
        }
        SshError::HelperMissing { program } => gettext_f(
            "The host has no {} program. Install libvirt's client tools or netcat there.",
            &[program],
        ),
        SshError::RemoteSocketMissing { .. } => {
            gettext("The libvirt socket is missing on the host. Is the daemon running there?")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_errors_are_explained() {
        let e = Error::Ssh(SshError::HostKeyChanged { host: "h".into() });
        assert!(describe(&e).contains("CHANGED"));
        assert!(is_permanent(&e));
        let e = Error::Ssh(SshError::ConnectionRefused {
            host: "h".into(),
            detail: String::new(),
        });
        assert!(describe(&e).contains("refused"));
        assert!(!is_permanent(&e));
        let e = Error::Ssh(SshError::HostKeyNotTrusted {
            host: "h".into(),
            key: "ED25519 key fingerprint is SHA256:x.".into(),
        });
        assert!(describe(&e).contains("SHA256:x"));
        assert!(is_permanent(&e));
    }
}
