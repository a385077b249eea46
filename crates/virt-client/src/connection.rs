//! The connection handle: a cheap, cloneable `Connection` that sends calls to the owner task.

mod open;
pub(crate) mod owner;
mod sasl;

pub use open::{ConnectOptions, KeepaliveConfig};
pub use owner::CloseReason;

use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use serde::Serialize;
use tokio::sync::{mpsc, oneshot, watch};
use virt_proto::packet::{self, Header, MessageType, Status};
use virt_proto::{RemoteError, Rpc, xdr};

use crate::error::{Error, Result};
use crate::uri::ConnectUri;
use owner::{Command, Outgoing, Reply, StreamSink};

/// A connection to a libvirt daemon.
///
/// Cloning is cheap; every clone talks over the same socket, and calls from many tasks are
/// in flight at once. The connection ends when [`close`](Self::close) is called, when the
/// daemon goes away, or when the last clone (and every stream and event subscription made
/// from it) is dropped.
#[derive(Clone)]
pub struct Connection {
    inner: Arc<Inner>,
}

struct Inner {
    tx: mpsc::UnboundedSender<Command>,
    /// Shared with the owner task, which makes calls of its own for event registrations.
    serial: Arc<AtomicU32>,
    /// Tells event subscribers apart.
    tokens: AtomicU64,
    closing: AtomicBool,
    closed: watch::Receiver<Option<CloseReason>>,
    uri: ConnectUri,
    read_only: bool,
    /// How ssh was run, for channels to the same host.
    ssh: std::sync::OnceLock<crate::transport::SshSettings>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("uri", &self.inner.uri.as_str())
            .field("read_only", &self.inner.read_only)
            .finish_non_exhaustive()
    }
}

/// Extra things a call can carry or set up.
#[derive(Default)]
pub(crate) struct CallOptions {
    pub(crate) fds: Vec<OwnedFd>,
    pub(crate) stream: Option<StreamSink>,
}

impl Connection {
    pub(crate) fn from_parts(
        tx: mpsc::UnboundedSender<Command>,
        closed: watch::Receiver<Option<CloseReason>>,
        serial: Arc<AtomicU32>,
        uri: ConnectUri,
        read_only: bool,
    ) -> Self {
        Connection {
            inner: Arc::new(Inner {
                tx,
                serial,
                tokens: AtomicU64::new(0),
                closing: AtomicBool::new(false),
                closed,
                uri,
                read_only,
                ssh: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Records how ssh was run for this connection.
    pub(crate) fn set_ssh_settings(&self, settings: crate::transport::SshSettings) {
        let _ = self.inner.ssh.set(settings);
    }

    /// How ssh was run for this connection (default settings if it was not recorded).
    pub(crate) fn ssh_settings(&self) -> crate::transport::SshSettings {
        self.inner.ssh.get().cloned().unwrap_or_default()
    }

    /// The URI this connection was opened with.
    pub fn connect_uri(&self) -> &ConnectUri {
        &self.inner.uri
    }

    /// Whether the connection was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.inner.read_only
    }

    /// Why the connection ended, or `None` while it is open.
    pub fn close_reason(&self) -> Option<CloseReason> {
        self.inner.closed.borrow().clone()
    }

    /// Whether the connection is still open.
    pub fn is_alive(&self) -> bool {
        self.close_reason().is_none()
    }

    /// Waits until the connection ends and says why.
    pub async fn closed(&self) -> CloseReason {
        let mut rx = self.inner.closed.clone();
        loop {
            if let Some(r) = rx.borrow_and_update().clone() {
                return r;
            }
            if rx.changed().await.is_err() {
                return CloseReason::Error("the connection task ended".into());
            }
        }
    }

    /// Tells the daemon goodbye (`CONNECT_CLOSE`) and closes the socket. Pending calls fail with
    /// [`Error::Closed`]; so do later ones.
    pub async fn close(&self) -> Result<()> {
        self.inner.closing.store(true, Ordering::Relaxed);
        // No event deregistration may still run on the daemon while it closes the connection.
        let (tx, rx) = oneshot::channel();
        if self.inner.tx.send(Command::Quiesce(tx)).is_ok() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), rx).await;
        }
        let r = self
            .call::<virt_proto::remote::ConnectCloseArgs>(&virt_proto::remote::ConnectCloseArgs)
            .await;
        self.shutdown().await;
        match r {
            Err(e) if e.is_connection_gone() => Ok(()),
            other => other,
        }
    }

    pub(crate) async fn shutdown(&self) {
        let (tx, rx) = oneshot::channel();
        if self.inner.tx.send(Command::Shutdown(tx)).is_ok() {
            let _ = rx.await;
        }
    }

    pub(crate) fn next_serial(&self) -> u32 {
        self.inner.serial.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn next_token(&self) -> u64 {
        self.inner.tokens.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn gone(&self) -> Error {
        if self.inner.closing.load(Ordering::Relaxed) {
            return Error::Closed;
        }
        match self.close_reason() {
            Some(r) => r.to_error(),
            None => Error::ConnectionLost("the connection task ended".into()),
        }
    }

    pub(crate) fn command(&self, cmd: Command) -> Result<()> {
        self.inner.tx.send(cmd).map_err(|_| self.gone())
    }

    /// Makes a call and decodes its reply.
    pub async fn call<C: Rpc>(&self, args: &C) -> Result<C::Reply> {
        let reply = self.call_with::<C>(args, CallOptions::default()).await?;
        Ok(xdr::from_bytes(&reply.body)?)
    }

    /// Makes a call with options; a reply with status error becomes [`Error::Libvirt`].
    pub(crate) async fn call_with<C: Rpc>(&self, args: &C, opts: CallOptions) -> Result<Reply> {
        let serial = self.next_serial();
        let mut header = C::header(serial);
        let with_fds = !opts.fds.is_empty();
        if with_fds {
            header.type_ = MessageType::CallWithFds;
        }
        self.call_raw(header, args, opts).await
    }

    pub(crate) async fn call_raw<A: Serialize + ?Sized>(
        &self,
        header: Header,
        args: &A,
        opts: CallOptions,
    ) -> Result<Reply> {
        let mut bytes = Vec::with_capacity(128);
        let nfds = header
            .type_
            .has_fds()
            .then(|| u32::try_from(opts.fds.len()).unwrap_or(u32::MAX));
        packet::encode_packet_into(&mut bytes, &header, nfds, args)?;
        let (tx, rx) = oneshot::channel();
        self.command(Command::Send(Outgoing {
            bytes,
            fds: opts.fds,
            serial: header.serial,
            reply: Some(tx),
            stream: opts.stream,
            written: None,
        }))?;
        let reply = rx.await.map_err(|_| self.gone())??;
        check_reply(&header, reply)
    }

    /// Queues a packet that expects no reply; resolves once it was handed to the socket.
    pub(crate) async fn send_packet(&self, bytes: Vec<u8>) -> Result<()> {
        let (tx, rx) = oneshot::channel();
        self.command(Command::Send(Outgoing {
            bytes,
            fds: Vec::new(),
            serial: 0,
            reply: None,
            stream: None,
            written: Some(tx),
        }))?;
        rx.await.map_err(|_| self.gone())
    }
}

fn check_reply(call: &Header, reply: Reply) -> Result<Reply> {
    let h = &reply.header;
    if (h.prog, h.vers, h.proc_) != (call.prog, call.vers, call.proc_) {
        // A damaged header, or a daemon answering another call under this serial.
        return Err(Error::violation(format!(
            "the reply to procedure {} of program {:#x} came as procedure {} of program {:#x}              version {}",
            call.proc_, call.prog, h.proc_, h.prog, h.vers
        )));
    }
    match reply.header.status {
        Status::Ok => Ok(reply),
        Status::Error => {
            let e: RemoteError = xdr::from_bytes(&reply.body)?;
            Err(Error::from_remote(e))
        }
        Status::Continue => Err(Error::violation(
            "a reply carried the stream status 'continue'",
        )),
    }
}
