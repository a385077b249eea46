//! The queue between the owner task and one stream's reader, and the backpressure on it.
//!
//! A stream's packets wait for its reader in a queue of at most [`STREAM_QUEUE_MAX`] bytes
//! (each packet counted with [`PACKET_COST`] on top of its data). While a queue is fuller, the
//! owner stops reading the socket: libvirtd sends a stream's next chunk only once the previous
//! one has left its socket, so the daemon waits instead of the client buffering without bound.
//! The owner keeps writing, taking new requests and sending keepalives meanwhile.
//!
//! No reply can come through while reading is paused. So that a stream nobody reads does not
//! hold the connection's other calls up for ever, a stream whose reader takes nothing for the
//! connection's stall limit (`ConnectOptions::stream_stall_limit`, 30 s by default) while
//! calls wait is aborted: its reader gets the data already queued, then an error, and reading
//! goes on.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Notify, mpsc};
use virt_proto::packet::{self, Header, MessageType, Status};

use super::{Owner, StreamMsg};
use crate::error::Error;

/// Bytes a stream's reader may have waiting before the socket is no longer read: 16 packets of
/// libvirt's usual 256 KiB stream chunks.
pub(crate) const STREAM_QUEUE_MAX: usize = 4 * 1024 * 1024;

/// What a queued packet counts beyond its data, so that a flood of empty packets or holes is
/// bounded too.
pub(crate) const PACKET_COST: usize = 64;

/// What both ends share: the bytes queued, and a signal when a reader of a full queue took
/// something.
pub(crate) struct Shared {
    queued: AtomicUsize,
    taken: Notify,
}

impl Shared {
    /// Resolves once the reader took something from a full queue (at once if it did since the
    /// last call).
    pub(crate) async fn taken(&self) {
        self.taken.notified().await;
    }
}

/// The owner's end.
pub(crate) struct StreamSink {
    tx: mpsc::UnboundedSender<StreamMsg>,
    shared: Arc<Shared>,
    /// The header of the call that opened the stream; stream packets carry its program,
    /// procedure and serial.
    call: Header,
}

impl StreamSink {
    /// Queues `msg`; false when the reader is gone.
    pub(crate) fn send(&self, msg: StreamMsg) -> bool {
        let cost = msg.cost();
        self.shared.queued.fetch_add(cost, Ordering::AcqRel);
        if self.tx.send(msg).is_err() {
            self.shared.queued.fetch_sub(cost, Ordering::AcqRel);
            return false;
        }
        true
    }

    /// Whether the reader has more than [`STREAM_QUEUE_MAX`] waiting.
    pub(crate) fn is_full(&self) -> bool {
        self.shared.queued.load(Ordering::Acquire) > STREAM_QUEUE_MAX
    }

    pub(crate) fn shared(&self) -> Arc<Shared> {
        self.shared.clone()
    }

    /// The packet that aborts the stream (status error, no body).
    pub(crate) fn abort_header(&self) -> Header {
        Header {
            type_: MessageType::Stream,
            status: Status::Error,
            ..self.call
        }
    }
}

/// The reader's end.
pub(crate) struct StreamSource {
    rx: mpsc::UnboundedReceiver<StreamMsg>,
    shared: Arc<Shared>,
}

impl StreamSource {
    /// The next packet; `None` once the owner dropped the stream.
    pub(crate) async fn recv(&mut self) -> Option<StreamMsg> {
        let msg = self.rx.recv().await?;
        let cost = msg.cost();
        let before = self.shared.queued.fetch_sub(cost, Ordering::AcqRel);
        if before > STREAM_QUEUE_MAX {
            self.shared.taken.notify_one();
        }
        Some(msg)
    }

    /// Bytes waiting, as counted against [`STREAM_QUEUE_MAX`].
    #[cfg(test)]
    pub(crate) fn queued(&self) -> usize {
        self.shared.queued.load(Ordering::Acquire)
    }
}

/// A queue for the stream opened by the call with header `call`.
pub(crate) fn stream_queue(call: Header) -> (StreamSink, StreamSource) {
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        queued: AtomicUsize::new(0),
        taken: Notify::new(),
    });
    (
        StreamSink {
            tx,
            shared: shared.clone(),
            call,
        },
        StreamSource { rx, shared },
    )
}

impl StreamMsg {
    fn cost(&self) -> usize {
        match self {
            StreamMsg::Data(b) => PACKET_COST + b.len(),
            _ => PACKET_COST,
        }
    }
}

impl Owner {
    /// The stream whose full queue pauses reading, if any.
    pub(super) fn full_stream(&self) -> Option<(u32, Arc<Shared>)> {
        self.streams
            .iter()
            .find(|(_, s)| s.is_full())
            .map(|(serial, s)| (*serial, s.shared()))
    }

    /// Aborts the stream `serial`, whose reader took nothing while calls waited behind its
    /// data: the daemon is told, the reader gets what is queued and then the reason, and the
    /// stream's later packets are dropped.
    pub(super) fn abort_stalled(&mut self, serial: u32) {
        self.stalled_since = None;
        let Some(sink) = self.streams.remove(&serial) else {
            return;
        };
        tracing::warn!(
            serial,
            "aborting a stream nobody reads; calls wait behind its data"
        );
        sink.send(StreamMsg::Error(Error::Timeout(format!(
            "the stream was not read for {:?} while other calls waited behind its data; it \
             was aborted",
            self.stall_limit
        ))));
        self.clear_if_drained();
        // An empty body cannot fail to encode.
        let _ = packet::encode_packet_into(&mut self.wbuf, &sink.abort_header(), None, &());
    }
}

/// Resolves when the reader of a full stream queue took something.
pub(super) async fn taken(blocked: Option<&(u32, Arc<Shared>)>) {
    match blocked {
        Some((_, shared)) => shared.taken().await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[tokio::test]
    async fn counts_what_waits_and_signals_a_full_queue_draining() {
        let (sink, mut source) = stream_queue(Header::call(1, 1, 1, 7));
        let chunk = Bytes::from(vec![0; 1024 * 1024]);
        for _ in 0..4 {
            assert!(sink.send(StreamMsg::Data(chunk.clone())));
        }
        assert!(sink.is_full());
        assert_eq!(source.queued(), 4 * (1024 * 1024 + PACKET_COST));
        let shared = sink.shared();
        let taken = shared.taken();
        tokio::pin!(taken);
        assert!(futures_poll(&mut taken).is_none());
        source.recv().await.unwrap();
        assert!(!sink.is_full());
        assert!(futures_poll(&mut taken).is_some());
        drop(source);
        assert!(!sink.send(StreamMsg::End));
    }

    fn futures_poll<F: std::future::Future + Unpin>(f: &mut F) -> Option<F::Output> {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        match std::pin::Pin::new(f).poll(&mut cx) {
            std::task::Poll::Ready(v) => Some(v),
            std::task::Poll::Pending => None,
        }
    }
}
