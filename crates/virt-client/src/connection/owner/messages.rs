//! What goes to and comes from the task that owns a connection's socket: the requests it
//! takes (packets to send, subscriptions, keepalive, shutdown), what it hands back (replies,
//! stream data, raw events) and why a connection ended.

use std::os::fd::OwnedFd;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::oneshot;
use virt_proto::packet::Header;

use super::{StreamSink, Subscribe, Unsubscribe};
use crate::error::Error;

/// A reply to a call.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) header: Header,
    pub(crate) body: Bytes,
    pub(crate) fds: Vec<OwnedFd>,
}

/// What arrives for a stream.
#[derive(Debug)]
pub(crate) enum StreamMsg {
    /// Data.
    Data(Bytes),
    /// A hole of this many bytes in a sparse stream.
    Hole(u64),
    /// The peer finished the stream (or confirmed our finish).
    End,
    /// The peer aborted the stream, or the connection broke.
    Error(Error),
}

/// An event packet (MESSAGE type on the remote or QEMU program).
#[derive(Debug, Clone)]
pub(crate) struct RawEvent {
    pub(crate) proc_: i32,
    pub(crate) body: Bytes,
}

/// A packet to send and what to do with the answers.
pub(crate) struct Outgoing {
    pub(crate) bytes: Vec<u8>,
    pub(crate) fds: Vec<OwnedFd>,
    pub(crate) serial: u32,
    /// Where the reply goes, for calls.
    pub(crate) reply: Option<oneshot::Sender<Result<Reply, Error>>>,
    /// Installed before the packet is written: stream packets with this serial go here.
    pub(crate) stream: Option<StreamSink>,
    /// Told when the bytes have been handed to the socket (flow control for stream writes).
    pub(crate) written: Option<oneshot::Sender<()>>,
}

/// Requests to the owner task.
pub(crate) enum Command {
    Send(Outgoing),
    DropStream(u32),
    Subscribe(Subscribe),
    Unsubscribe(Unsubscribe),
    Keepalive {
        interval: Duration,
        count: u32,
    },
    /// Stop sending registration calls; answered once none is in flight.
    Quiesce(oneshot::Sender<()>),
    Shutdown(oneshot::Sender<()>),
}

/// Why the connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// [`Connection::close`](crate::Connection::close) was called.
    Requested,
    /// The daemon closed the connection.
    Eof,
    /// No keepalive answer came in time.
    KeepaliveTimeout,
    /// Reading or writing failed, or the peer broke the protocol.
    Error(String),
}

impl std::fmt::Display for CloseReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloseReason::Requested => f.write_str("closed by the client"),
            CloseReason::Eof => f.write_str("the daemon closed the connection"),
            CloseReason::KeepaliveTimeout => {
                f.write_str("the daemon stopped answering keepalive messages")
            }
            CloseReason::Error(e) => f.write_str(e),
        }
    }
}

impl CloseReason {
    pub(crate) fn to_error(&self) -> Error {
        match self {
            CloseReason::Requested => Error::Closed,
            other => Error::ConnectionLost(other.to_string()),
        }
    }
}
