//! Channels to a TLS server on the daemon's host, with TLS ended here: a SPICE display that
//! only has a TLS port is reached through the ssh master, and since SPICE clients given a
//! socket speak plain SPICE on it, this client runs the TLS session itself.
//!
//! The server's certificate must be signed by the connection's CA and name the connection's
//! host, as for SPICE over TCP. After the handshake a task carries the bytes between one end of
//! a socket pair (the caller's descriptor) and the TLS session; when either side ends, both
//! are closed.

use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use super::{Channel, ChannelTarget};
use crate::Connection;
use crate::error::{Error, Result};
use crate::transport::{self, SshError, TlsError};

/// How long the handshake with the server may take.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(30);

/// How long ssh may take to exit after the handshake broke off.
const SSH_EXIT_LIMIT: Duration = Duration::from_secs(2);

impl Connection {
    /// Opens a channel to the TLS server at `target` on the daemon's host (`+ssh`
    /// connections), runs the TLS handshake here (the server's certificate must be signed by
    /// the CA in `cacert` and be for the connection's host name) and gives back a channel
    /// whose descriptor carries the plain bytes. A certificate that does not verify fails
    /// with [`Error::Tls`] before anything is handed out.
    pub async fn open_tls_channel(&self, target: &ChannelTarget, cacert: &Path) -> Result<Channel> {
        let host = self.connect_uri().host().unwrap_or("localhost").to_owned();
        let mut channel = self.open_channel(target, false).await?;
        let ssh_end = channel
            .take_fd()
            .ok_or_else(|| Error::Violation("the ssh channel has no socket".into()))?;
        let ssh_end = UnixStream::from(ssh_end);
        ssh_end.set_nonblocking(true)?;
        let ssh_end = tokio::net::UnixStream::from_std(ssh_end)?;
        let tls = match tokio::time::timeout(
            HANDSHAKE_LIMIT,
            transport::handshake(ssh_end, &host, cacert),
        )
        .await
        {
            Ok(Ok(tls)) => tls,
            Ok(Err(e)) => return Err(handshake_failure(&mut channel, target, e).await),
            Err(_) => {
                return Err(Error::Timeout(format!(
                    "the TLS server at {target:?} did not finish the handshake"
                )));
            }
        };
        let (theirs, ours) = UnixStream::pair()?;
        ours.set_nonblocking(true)?;
        let ours = tokio::net::UnixStream::from_std(ours)?;
        let what = format!("{target:?}");
        let task = tokio::spawn(pump(tls, ours, what));
        channel.fd = Some(OwnedFd::from(theirs));
        channel.pump = Some(task.abort_handle());
        Ok(channel)
    }
}

/// Why the handshake failed: a handshake cut short because ssh ended with a failure is the
/// channel's failure (nothing listens at `target`, or ssh itself failed), not TLS's.
async fn handshake_failure(channel: &mut Channel, target: &ChannelTarget, e: TlsError) -> Error {
    if !matches!(e, TlsError::Handshake(_)) {
        return Error::Tls(e);
    }
    let status = tokio::time::timeout(SSH_EXIT_LIMIT, channel.child.wait()).await;
    match status.ok().and_then(Result::ok).and_then(|s| s.code()) {
        Some(255) => Error::Ssh(SshError::Other {
            status: Some(255),
            stderr: "ssh failed during the TLS handshake".into(),
        }),
        Some(code) if code != 0 => Error::Ssh(SshError::TargetRefused {
            detail: format!("nothing answered at {target:?}"),
        }),
        _ => Error::Tls(e),
    }
}

/// Carries bytes both ways between the TLS session and the local socket until either side
/// ends; then both are closed (the TLS side after its close notification when the local side
/// ended first).
async fn pump(
    tls: tokio_rustls::client::TlsStream<tokio::net::UnixStream>,
    local: tokio::net::UnixStream,
    what: String,
) {
    let (mut tls_r, mut tls_w) = tokio::io::split(tls);
    let (mut local_r, mut local_w) = local.into_split();
    let up = async {
        let r = tokio::io::copy(&mut local_r, &mut tls_w).await;
        let _ = tls_w.shutdown().await;
        r
    };
    let down = async {
        let r = tokio::io::copy(&mut tls_r, &mut local_w).await;
        let _ = local_w.shutdown().await;
        r
    };
    let (side, r) = tokio::select! {
        r = up => ("local", r),
        r = down => ("server", r),
    };
    match r {
        Ok(n) => tracing::debug!("TLS channel to {what}: the {side} side ended after {n} bytes"),
        Err(e) => tracing::debug!("TLS channel to {what}: the {side} side failed: {e}"),
    }
}
