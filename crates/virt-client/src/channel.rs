//! Byte channels to the daemon's host over the connection's ssh control master, for what the
//! protocol does not carry itself: a VM's VNC display on the far side is reached with netcat
//! (`nc HOST PORT`, or `nc -U SOCKET`) run through the same master, so no second login is
//! needed.
//!
//! The caller gets one end of a socket pair; ssh's stdin and stdout are the other end, so the
//! descriptor can go to anything that takes a socket (gtk-vnc's `open_fd`). For a server
//! that only speaks TLS, [`tls`] ends the TLS session here and hands out the plain bytes.

mod tls;

use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Child;

use crate::Connection;
use crate::askpass::AskpassServer;
use crate::error::{Error, Result};
use crate::transport::{self, SshError};
use crate::uri::TransportKind;

/// How long a server that speaks first may stay silent.
const FIRST_BYTE_LIMIT: Duration = Duration::from_secs(30);

/// What a channel connects to on the daemon's host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelTarget {
    /// A TCP address as seen from the host (`127.0.0.1` for a display on the loopback).
    Tcp {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
    },
    /// A unix socket on the host.
    Unix(String),
}

/// An open channel: the local end of the socket pair and the ssh process behind it (and, for
/// a TLS server, the task that carries bytes between the pair and the TLS session). Dropping
/// it stops ssh and that task (once the descriptor is taken, the descriptor's user closing it
/// also ends the channel).
pub struct Channel {
    fd: Option<OwnedFd>,
    child: Child,
    /// Answers ssh's questions for as long as it runs (when the master had to be started).
    _askpass: Option<AskpassServer>,
    /// The task between the socket pair and a TLS session, if the channel ends TLS here.
    pump: Option<tokio::task::AbortHandle>,
}

impl Drop for Channel {
    fn drop(&mut self) {
        if let Some(pump) = &self.pump {
            pump.abort();
        }
    }
}

impl std::fmt::Debug for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channel")
            .field("fd", &self.fd)
            .field("pid", &self.child.id())
            .finish_non_exhaustive()
    }
}

impl Channel {
    /// Takes the local end of the channel (only once).
    pub fn take_fd(&mut self) -> Option<OwnedFd> {
        self.fd.take()
    }

    /// Whether ssh still runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Connection {
    /// Opens a byte channel to `target` on the daemon's host, for `+ssh` connections, through
    /// the host's control master. When `server_speaks_first` (VNC servers do), it waits until
    /// the first byte from the far side is there, so a failure comes back as a typed
    /// [`SshError`] rather than as an empty stream.
    pub async fn open_channel(
        &self,
        target: &ChannelTarget,
        server_speaks_first: bool,
    ) -> Result<Channel> {
        let uri = self.connect_uri();
        if !matches!(
            uri.transport(),
            TransportKind::Ssh | TransportKind::Libssh | TransportKind::Libssh2
        ) {
            return Err(Error::Unsupported(format!(
                "channels need an ssh connection, not '{}'",
                uri.transport().name()
            )));
        }
        let remote = match target {
            ChannelTarget::Tcp { host, port } => {
                transport::netcat_command(uri, &[host, &port.to_string()])
            }
            ChannelTarget::Unix(path) => transport::netcat_command(uri, &["-U", path]),
        };
        let mut settings = self.ssh_settings();
        settings.failure = Default::default();
        let (mut cmd, program, askpass) = transport::ssh_command(uri, &settings, &remote)?;
        let (ours, theirs) = UnixStream::pair()?;
        let theirs_out = theirs.try_clone()?;
        cmd.stdin(Stdio::from(OwnedFd::from(theirs)))
            .stdout(Stdio::from(OwnedFd::from(theirs_out)))
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("cannot run {program}: {e}")))?;
        // The command holds ssh's end too: without dropping it, ssh's exit would go unseen.
        drop(cmd);
        let stderr = child
            .stderr
            .take()
            .map(transport::collect_stderr)
            .ok_or_else(|| io::Error::other("ssh's stderr is missing"))?;
        let host = uri.host().unwrap_or("localhost").to_owned();
        if server_speaks_first {
            let ours = tokio::net::UnixStream::from_std({
                ours.set_nonblocking(true)?;
                ours
            })?;
            let first = tokio::time::timeout(FIRST_BYTE_LIMIT, wait_first_byte(&ours, &mut child))
                .await
                .map_err(|_| {
                    Error::Timeout(format!(
                        "the far side of the channel to {target:?} said nothing"
                    ))
                })?;
            let ours = ours.into_std()?;
            ours.set_nonblocking(false)?;
            match first {
                Ok(true) => {
                    return Ok(Channel {
                        fd: Some(OwnedFd::from(ours)),
                        child,
                        _askpass: askpass,
                        pump: None,
                    });
                }
                Ok(false) => {
                    let status = tokio::time::timeout(Duration::from_secs(2), child.wait())
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .and_then(|s| s.code());
                    let text = stderr.await;
                    // netcat says nothing when the connection is refused; ssh would have.
                    let e = match SshError::classify(&host, &text, status) {
                        Some(SshError::Other { stderr, .. }) if stderr.is_empty() => {
                            SshError::TargetRefused {
                                detail: format!("nothing answered at {target:?}"),
                            }
                        }
                        Some(e) => e,
                        None => SshError::Other {
                            status,
                            stderr: "the channel closed before the far side said anything".into(),
                        },
                    };
                    return Err(Error::Ssh(e));
                }
                Err(e) => return Err(Error::Io(e)),
            }
        }
        tokio::spawn(async move {
            let text = stderr.await;
            if !text.trim().is_empty() {
                tracing::debug!("ssh channel to {host}: {}", text.trim());
            }
        });
        Ok(Channel {
            fd: Some(OwnedFd::from(ours)),
            child,
            _askpass: askpass,
            pump: None,
        })
    }
}

/// Waits until `sock` has a byte to read (`true`) or reaches its end (`false`), without
/// consuming anything.
async fn wait_first_byte(sock: &tokio::net::UnixStream, child: &mut Child) -> io::Result<bool> {
    let mut exited = false;
    loop {
        if exited {
            // ssh ended; whatever it wrote before is still in the socket.
            return match peek(sock.as_raw_fd()) {
                Ok(n) => Ok(n > 0),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(false),
                Err(e) => Err(e),
            };
        }
        tokio::select! {
            r = sock.readable() => r?,
            _ = child.wait() => {
                exited = true;
                continue;
            }
        }
        match sock.try_io(tokio::io::Interest::READABLE, || peek(sock.as_raw_fd())) {
            Ok(n) => return Ok(n > 0),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Peeks at one byte: 1 data, 0 end of stream, `WouldBlock` nothing yet.
fn peek(fd: std::os::fd::RawFd) -> io::Result<usize> {
    let mut b = [0u8; 1];
    // SAFETY: `fd` is open for the caller's borrow and `b` is a valid 1-byte buffer.
    let n = unsafe {
        libc::recv(
            fd,
            b.as_mut_ptr().cast(),
            1,
            libc::MSG_PEEK | libc::MSG_DONTWAIT,
        )
    };
    if n >= 0 {
        Ok(n.unsigned_abs())
    } else {
        Err(io::Error::last_os_error())
    }
}
