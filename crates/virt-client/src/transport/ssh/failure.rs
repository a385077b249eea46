//! Why an `ssh` channel failed, read from what ssh (or the command on the far side) wrote to
//! stderr and its exit status, so the user learns what to fix.

/// Why ssh could not open a channel.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SshError {
    /// The host's key is not in the known hosts files, and ssh was told not to add it.
    #[error(
        "ssh: the host key of {host} is unknown (host key verification failed); connect once \
         with ssh in a terminal to check and accept it"
    )]
    HostKeyUnknown {
        /// The host ssh named, or the URI's host.
        host: String,
    },
    /// The host's key was not known, and the user did not trust it when asked.
    #[error("ssh: the host key of {host} was not trusted ({key}); not connected")]
    HostKeyNotTrusted {
        /// The host.
        host: String,
        /// The key's type and fingerprint as ssh prints them
        /// (`ED25519 key fingerprint is SHA256:….`).
        key: String,
    },
    /// The host presents a different key than the one recorded: a reinstalled host, or
    /// someone in between.
    #[error(
        "ssh: the host key of {host} has CHANGED since it was recorded; someone may be \
         intercepting the connection, or the host was reinstalled. Check with its administrator, \
         then remove the old key from known_hosts"
    )]
    HostKeyChanged {
        /// The host.
        host: String,
    },
    /// The server refused every key and password offered.
    #[error("ssh: permission denied by {host} (no key or password offered was accepted): {detail}")]
    PermissionDenied {
        /// The host.
        host: String,
        /// ssh's line.
        detail: String,
    },
    /// Nothing listens on the ssh port.
    #[error("ssh: {host} refused the connection (is sshd running, and on this port?): {detail}")]
    ConnectionRefused {
        /// The host.
        host: String,
        /// ssh's line.
        detail: String,
    },
    /// The host name does not resolve.
    #[error("ssh: cannot resolve the host name {host}: {detail}")]
    UnknownHost {
        /// The host.
        host: String,
        /// ssh's line.
        detail: String,
    },
    /// The host cannot be reached in time (network down, firewall dropping packets).
    #[error("ssh: {host} cannot be reached: {detail}")]
    Unreachable {
        /// The host.
        host: String,
        /// ssh's line.
        detail: String,
    },
    /// The far side lacks a program the channel runs (`virt-ssh-helper`, `nc`).
    #[error(
        "the host has no '{program}' program: install libvirt's client tools (virt-ssh-helper) \
         or netcat there, or name another with the URI's netcat= parameter"
    )]
    HelperMissing {
        /// The missing program.
        program: String,
    },
    /// The daemon's or display's socket does not exist on the far side.
    #[error("the socket on the host is missing (is the daemon running?): {detail}")]
    RemoteSocketMissing {
        /// The line that says so.
        detail: String,
    },
    /// The far side could not connect to the TCP address the channel asked for.
    #[error("the host could not connect onwards: {detail}")]
    TargetRefused {
        /// The line that says so.
        detail: String,
    },
    /// Anything else: ssh's exit status (255 is ssh's own failure) and its last words.
    #[error("ssh failed{}: {stderr}", status.map(|s| format!(" (exit status {s})")).unwrap_or_default())]
    Other {
        /// The exit status, when known.
        status: Option<i32>,
        /// What was written to stderr.
        stderr: String,
    },
}

impl SshError {
    /// Reads ssh's stderr (and exit status, if known) for a connection to `host`; `None` when
    /// nothing was said and the exit was clean.
    pub fn classify(host: &str, stderr: &str, status: Option<i32>) -> Option<SshError> {
        let text = stderr.trim();
        if text.is_empty() && matches!(status, None | Some(0)) {
            return None;
        }
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let line_with = |needle: &str| {
            lines
                .iter()
                .find(|l| l.to_ascii_lowercase().contains(needle))
                .map(|l| (*l).to_owned())
        };
        let host = host.to_owned();
        if text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
            || line_with("host key for").is_some_and(|l| l.contains("has changed"))
        {
            return Some(SshError::HostKeyChanged { host });
        }
        if line_with("host key verification failed").is_some()
            || line_with("no ").is_some_and(|l| l.contains("host key is known for"))
        {
            return Some(SshError::HostKeyUnknown { host });
        }
        if let Some(detail) = line_with("permission denied (") {
            return Some(SshError::PermissionDenied { host, detail });
        }
        if let Some(detail) = line_with("could not resolve hostname") {
            return Some(SshError::UnknownHost { host, detail });
        }
        if let Some(detail) = lines
            .iter()
            .find(|l| l.starts_with("ssh: connect to host"))
            .map(|l| (*l).to_owned())
        {
            let lower = detail.to_ascii_lowercase();
            return Some(if lower.contains("connection refused") {
                SshError::ConnectionRefused { host, detail }
            } else {
                SshError::Unreachable { host, detail }
            });
        }
        // "sh: 1: virt-ssh-helper: not found", "bash: nc: command not found".
        for l in &lines {
            if l.ends_with("not found") {
                let program = l
                    .trim_end_matches("command not found")
                    .trim_end_matches("not found")
                    .trim_end()
                    .trim_end_matches(':')
                    .rsplit(':')
                    .next()
                    .unwrap_or_default()
                    .trim();
                if !program.is_empty() {
                    return Some(SshError::HelperMissing {
                        program: program.to_owned(),
                    });
                }
            }
        }
        if status == Some(127) {
            return Some(SshError::HelperMissing {
                program: "nc".to_owned(),
            });
        }
        if let Some(detail) = line_with("no such file or directory") {
            return Some(SshError::RemoteSocketMissing { detail });
        }
        if let Some(detail) = line_with("connection refused") {
            return Some(SshError::TargetRefused { detail });
        }
        Some(SshError::Other {
            status,
            stderr: text.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_ssh_messages() {
        let c = |s: &str, st| SshError::classify("h", s, st);
        assert_eq!(c("", Some(0)), None);
        assert!(matches!(
            c(
                "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n",
                Some(255)
            ),
            Some(SshError::HostKeyUnknown { .. })
        ));
        assert!(matches!(
            c(
                "@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.",
                Some(255)
            ),
            Some(SshError::HostKeyChanged { .. })
        ));
        assert!(matches!(
            c("root@127.0.0.1: Permission denied (publickey).", Some(255)),
            Some(SshError::PermissionDenied { .. })
        ));
        assert!(matches!(
            c(
                "ssh: connect to host 127.0.0.1 port 1: Connection refused",
                Some(255)
            ),
            Some(SshError::ConnectionRefused { .. })
        ));
        assert!(matches!(
            c(
                "ssh: Could not resolve hostname nowhere.invalid: Name or service not known",
                Some(255)
            ),
            Some(SshError::UnknownHost { .. })
        ));
        assert_eq!(
            c("sh: 1: virt-ssh-helper: not found", Some(127)),
            Some(SshError::HelperMissing {
                program: "virt-ssh-helper".into()
            })
        );
        assert_eq!(
            c("bash: line 1: nc: command not found", Some(127)),
            Some(SshError::HelperMissing {
                program: "nc".into()
            })
        );
        assert!(matches!(
            c(
                "nc: unix connect failed: No such file or directory",
                Some(1)
            ),
            Some(SshError::RemoteSocketMissing { .. })
        ));
        assert!(matches!(
            c(
                "nc: connect to 127.0.0.1 port 5999 (tcp) failed: Connection refused",
                Some(1)
            ),
            Some(SshError::TargetRefused { .. })
        ));
        assert!(matches!(
            c("weird", Some(3)),
            Some(SshError::Other {
                status: Some(3),
                ..
            })
        ));
    }
}
