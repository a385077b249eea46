//! What the user reads when a connection cannot be opened: ssh's failures explained in the
//! user's language, other errors as the client words them.

use virt_client::{Error, SshError};

use crate::i18n::{gettext, gettext_f};

/// A sentence for `e`, translated where the client gave a typed reason.
pub fn describe(e: &Error) -> String {
    match e {
        Error::Ssh(ssh) => describe_ssh(ssh),
        other => other.to_string(),
    }
}

/// Whether retrying by itself cannot help: the user has to act first.
pub fn is_permanent(e: &Error) -> bool {
    matches!(
        e,
        Error::Uri(_)
            | Error::Ssh(
                SshError::HostKeyUnknown { .. }
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
    }
}
