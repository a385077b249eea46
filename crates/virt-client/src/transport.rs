//! Byte transports to the daemon, split into a read half and a write half.
//!
//! Unix sockets also carry file descriptors (`SCM_RIGHTS`); other transports are plain byte
//! streams. TLS and SSH fit in as [`Reader::Stream`] / [`Writer::Stream`].

mod child;
mod ssh;
mod tcp;
mod tls;
mod unix;

use std::collections::VecDeque;
use std::io;
use std::os::fd::OwnedFd;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub(crate) use child::collect_stderr;
pub(crate) use child::connect_ext;
pub use ssh::{SshError, control_dir, control_path};
pub(crate) use ssh::{SshSettings, connect_ssh, netcat_command, offer_trust, ssh_command};
pub(crate) use tcp::connect_tcp;
pub use tls::{PkiPaths, TlsError};
pub(crate) use tls::{TlsSettings, connect_tls, handshake};
pub(crate) use unix::{connect_unix, connect_unix_autostart};

/// The read half of a transport.
pub(crate) enum Reader {
    /// A unix socket: bytes and the descriptors that arrive with them.
    Unix(unix::UnixReader),
    /// TCP.
    Tcp(tokio::net::tcp::OwnedReadHalf),
    /// Any other byte stream (TLS, a child process).
    Stream(Box<dyn AsyncRead + Send + Unpin>),
}

/// The write half of a transport.
pub(crate) enum Writer {
    /// A unix socket.
    Unix(tokio::net::unix::OwnedWriteHalf),
    /// TCP.
    Tcp(tokio::net::tcp::OwnedWriteHalf),
    /// Any other byte stream.
    Stream(Box<dyn AsyncWrite + Send + Unpin>),
}

impl Reader {
    /// Reads some bytes into `buf`; 0 means end of stream. Cancel-safe.
    pub(crate) async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Reader::Unix(r) => r.read(buf).await,
            Reader::Tcp(r) => r.read(buf).await,
            Reader::Stream(r) => r.read(buf).await,
        }
    }

    /// The descriptors received so far and not yet taken, oldest first.
    pub(crate) fn fds(&mut self) -> Option<&mut VecDeque<OwnedFd>> {
        match self {
            Reader::Unix(r) => Some(&mut r.fds),
            _ => None,
        }
    }
}

impl Writer {
    /// Writes some of `buf`. Cancel-safe.
    pub(crate) async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Writer::Unix(w) => w.write(buf).await,
            Writer::Tcp(w) => w.write(buf).await,
            Writer::Stream(w) => w.write(buf).await,
        }
    }

    /// Sends one descriptor with a single zero byte, as libvirt does after a message that
    /// announces descriptors. Only unix sockets can.
    pub(crate) async fn send_fd(&mut self, fd: std::os::fd::BorrowedFd<'_>) -> io::Result<()> {
        match self {
            Writer::Unix(w) => unix::send_fd(w, fd).await,
            _ => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "file descriptors can only be passed over a unix socket",
            )),
        }
    }

    /// Flushes and shuts the write direction down.
    pub(crate) async fn shutdown(&mut self) -> io::Result<()> {
        match self {
            Writer::Unix(w) => w.shutdown().await,
            Writer::Tcp(w) => w.shutdown().await,
            Writer::Stream(w) => w.shutdown().await,
        }
    }
}
