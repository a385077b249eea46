//! The task that owns a connection's socket: it writes queued requests, reads packets,
//! matches replies to callers by serial, routes events and stream data, and keeps the
//! connection alive.

mod event_queue;
mod inbound;
mod keepalive;
mod messages;
mod readbuf;
mod registry;
mod stream_queue;

pub(crate) use event_queue::{EventSink, EventSource, Received, event_queue};
pub use messages::CloseReason;
pub(crate) use messages::{Command, Outgoing, RawEvent, Reply, StreamMsg};
pub(crate) use registry::{RegKey, Subscribe, Unsubscribe};
use stream_queue::taken;
pub(crate) use stream_queue::{StreamSink, StreamSource, stream_queue};

use std::collections::{HashMap, VecDeque};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, MissedTickBehavior};
use virt_proto::packet::Header;

use crate::error::Error;
use crate::transport::{Reader, Writer};
use keepalive::{Keepalive, tick};
use readbuf::ReadBuf;
use registry::{Internal, Purpose, Registry};

/// Keepalive procedure numbers.
const PROC_PING: i32 = 1;
const PROC_PONG: i32 = 2;

/// Stop taking new requests while this much is still unwritten.
const WRITE_HIGH_WATER: usize = 8 * 1024 * 1024;
/// How long a closing connection waits for registration calls in flight.
const REGISTRY_DRAIN: Duration = Duration::from_secs(2);
/// After a failed write, how long the read side gets to end by itself: the peer's end of
/// stream (with an ssh child, what it said on stderr, e.g. a refused host key) explains the
/// failure better than the broken pipe.
const WRITE_FAILED_GRACE: Duration = Duration::from_secs(3);

/// Who waits for a reply: a caller, or the event registry.
enum PendingCall {
    Caller(oneshot::Sender<Result<Reply, Error>>),
    Registry(Purpose),
}

/// Descriptors still to collect for a reply that announced them.
struct FdWait {
    serial: u32,
    header: Header,
    body: Bytes,
    fds: Vec<OwnedFd>,
    remaining: u32,
}

pub(crate) struct Owner {
    reader: Reader,
    writer: Writer,
    rx: mpsc::UnboundedReceiver<Command>,
    closed: watch::Sender<Option<CloseReason>>,
    rbuf: ReadBuf,
    wbuf: Vec<u8>,
    wpos: usize,
    fd_marks: VecDeque<(usize, OwnedFd)>,
    flush_waiters: VecDeque<(usize, oneshot::Sender<()>)>,
    pending: HashMap<u32, PendingCall>,
    streams: HashMap<u32, StreamSink>,
    registry: Registry,
    quiesced: Vec<oneshot::Sender<()>>,
    serials: Arc<AtomicU32>,
    fd_wait: Option<FdWait>,
    keepalive: Option<Keepalive>,
    last_rx: Instant,
    /// Since when reading is paused for a stream whose reader took nothing.
    stalled_since: Option<Instant>,
    /// How long a stream nobody reads may hold up waiting calls before it is aborted.
    stall_limit: Duration,
    /// Callers handed a reply since requests were last taken: they may be about to send more.
    woken: usize,
}

enum Step {
    Continue,
    Stop(CloseReason),
    /// Writing failed: the peer is going away.
    WriteFailed(String),
}

impl Owner {
    pub(crate) fn new(
        reader: Reader,
        writer: Writer,
        rx: mpsc::UnboundedReceiver<Command>,
        closed: watch::Sender<Option<CloseReason>>,
        serials: Arc<AtomicU32>,
        stall_limit: Duration,
    ) -> Self {
        Owner {
            reader,
            writer,
            rx,
            closed,
            rbuf: ReadBuf::new(),
            wbuf: Vec::with_capacity(64 * 1024),
            wpos: 0,
            fd_marks: VecDeque::new(),
            flush_waiters: VecDeque::new(),
            pending: HashMap::new(),
            streams: HashMap::new(),
            registry: Registry::default(),
            quiesced: Vec::new(),
            serials,
            fd_wait: None,
            keepalive: None,
            last_rx: Instant::now(),
            stalled_since: None,
            stall_limit,
            woken: 0,
        }
    }

    pub(crate) async fn run(mut self) {
        let mut shutdown_ack: Option<oneshot::Sender<()>> = None;
        let mut accepting = true;
        // Once nothing more is accepted, registration calls in flight get this long to be
        // answered before the socket closes (the daemon must not clean up while it runs one).
        let mut drain_until: Option<Instant> = None;
        // A failed write, and until when the read side may still end by itself.
        let mut write_failed: Option<(String, Instant)> = None;
        let reason = loop {
            if !accepting && drain_until.is_none() {
                self.registry.quiesce();
                drain_until = Some(Instant::now() + REGISTRY_DRAIN);
            }
            let has_output = write_failed.is_none()
                && (self.wpos < self.wbuf.len() || !self.fd_marks.is_empty());
            let draining = self.registry_busy() && drain_until.is_some_and(|d| Instant::now() < d);
            if !accepting && !has_output && !draining {
                break CloseReason::Requested;
            }
            let take_more = accepting
                && write_failed.is_none()
                && self.wbuf.len() - self.wpos < WRITE_HIGH_WATER;
            let ka_active = self.keepalive.is_some();
            // A full stream queue pauses reading (backpressure); see `stream_queue`.
            let blocked = self.full_stream();
            match (&blocked, self.stalled_since) {
                (Some(_), None) => self.stalled_since = Some(Instant::now()),
                (None, Some(_)) => self.stalled_since = None,
                _ => {}
            }
            let stall_at = match (&blocked, self.stalled_since) {
                (Some(_), Some(t)) if !self.pending.is_empty() => Some(t + self.stall_limit),
                _ => None,
            };
            let reading = blocked.is_none();
            let blocked_serial = blocked.as_ref().map(|(serial, _)| *serial);
            let step = tokio::select! {
                biased;
                r = self.reader.read(self.rbuf.spare()), if reading => self.on_read(r),
                () = taken(blocked.as_ref()), if !reading => {
                    // The reader made progress: the stall starts anew.
                    self.stalled_since = None;
                    Step::Continue
                }
                () = sleep_until_opt(stall_at), if stall_at.is_some() => {
                    if let Some(serial) = blocked_serial {
                        self.abort_stalled(serial);
                    }
                    Step::Continue
                }
                w = write_step(&mut self.writer, &self.wbuf, self.wpos, &mut self.fd_marks),
                    if has_output => self.on_written(w),
                cmd = self.rx.recv(), if take_more => match cmd {
                    Some(Command::Shutdown(ack)) => {
                        shutdown_ack = Some(ack);
                        accepting = false;
                        Step::Continue
                    }
                    Some(c) => {
                        let mut taken = 1;
                        self.on_command(c);
                        // Batch whatever else is queued into the same write.
                        if self.drain_commands(&mut taken, &mut shutdown_ack) {
                            accepting = false;
                        } else if taken < self.woken {
                            // Callers just handed a reply are about to send their next
                            // request: let them run first, so one write carries them all
                            // (fewer writes, and fewer wake-ups of the daemon).
                            tokio::task::yield_now().await;
                            if self.drain_commands(&mut taken, &mut shutdown_ack) {
                                accepting = false;
                            }
                        }
                        self.woken = 0;
                        Step::Continue
                    }
                    // Every handle is gone: nothing can be asked any more.
                    None => {
                        accepting = false;
                        Step::Continue
                    }
                },
                _ = tick(&mut self.keepalive), if ka_active => self.on_keepalive_tick(),
                _ = sleep_until_opt(drain_until), if draining => Step::Continue,
                () = sleep_until_opt(write_failed.as_ref().map(|(_, t)| *t)),
                    if write_failed.is_some() => {
                    let message = write_failed.take().map(|(m, _)| m).unwrap_or_default();
                    Step::Stop(CloseReason::Error(message))
                }
            };
            match step {
                Step::Continue => {}
                Step::Stop(reason) => break reason,
                Step::WriteFailed(message) => {
                    write_failed = Some((message, Instant::now() + WRITE_FAILED_GRACE));
                }
            }
        };
        // Closed before the callers hear of it: a caller whose call failed with the
        // connection finds it not alive.
        let _ = self.closed.send(Some(reason.clone()));
        self.fail_all(&reason);
        let _ = self.writer.shutdown().await;
        if let Some(ack) = shutdown_ack {
            let _ = ack.send(());
        }
    }

    /// Takes every queued command while the write buffer has room; true when one of them
    /// was `Shutdown` (its ack is kept in `shutdown_ack`).
    fn drain_commands(
        &mut self,
        taken: &mut usize,
        shutdown_ack: &mut Option<oneshot::Sender<()>>,
    ) -> bool {
        while self.wbuf.len() - self.wpos < WRITE_HIGH_WATER {
            match self.rx.try_recv() {
                Ok(Command::Shutdown(ack)) => {
                    *shutdown_ack = Some(ack);
                    return true;
                }
                Ok(c) => {
                    *taken += 1;
                    self.on_command(c);
                }
                Err(_) => break,
            }
        }
        false
    }

    fn fail_all(&mut self, reason: &CloseReason) {
        for (_, p) in self.pending.drain() {
            if let PendingCall::Caller(reply) = p {
                let _ = reply.send(Err(reason.to_error()));
            }
        }
        if let Some(w) = self.fd_wait.take() {
            drop(w);
        }
        for (_, s) in self.streams.drain() {
            s.send(StreamMsg::Error(reason.to_error()));
        }
        self.registry.fail_all(&|| reason.to_error());
        // Later requests find the channel closed.
        self.rx.close();
        while let Ok(cmd) = self.rx.try_recv() {
            match cmd {
                Command::Send(o) => {
                    if let Some(r) = o.reply {
                        let _ = r.send(Err(reason.to_error()));
                    }
                    if let Some(s) = o.stream {
                        s.send(StreamMsg::Error(reason.to_error()));
                    }
                }
                Command::Subscribe(s) => {
                    let _ = s.done.send(Err(reason.to_error()));
                }
                Command::Unsubscribe(u) => {
                    if let Some(d) = u.done {
                        let _ = d.send(Ok(()));
                    }
                }
                _ => {}
            }
        }
    }

    fn on_command(&mut self, cmd: Command) {
        match cmd {
            Command::Send(o) => {
                if let Some(reply) = o.reply {
                    self.pending.insert(o.serial, PendingCall::Caller(reply));
                }
                if let Some(s) = o.stream {
                    self.streams.insert(o.serial, s);
                }
                self.clear_if_drained();
                self.wbuf.extend_from_slice(&o.bytes);
                for fd in o.fds {
                    self.fd_marks.push_back((self.wbuf.len(), fd));
                }
                if let Some(w) = o.written {
                    if self.wbuf.len() <= self.wpos {
                        let _ = w.send(());
                    } else {
                        self.flush_waiters.push_back((self.wbuf.len(), w));
                    }
                }
            }
            Command::DropStream(serial) => {
                self.streams.remove(&serial);
            }
            Command::Subscribe(sub) => {
                let call = self
                    .registry
                    .subscribe(sub, &mut || self.serials.fetch_add(1, Ordering::Relaxed));
                self.queue_internal(call);
            }
            Command::Unsubscribe(unsub) => {
                let call = self
                    .registry
                    .unsubscribe(unsub, &mut || self.serials.fetch_add(1, Ordering::Relaxed));
                self.queue_internal(call);
            }
            Command::Keepalive { interval, count } => {
                let mut timer = tokio::time::interval_at(Instant::now() + interval, interval);
                timer.set_missed_tick_behavior(MissedTickBehavior::Delay);
                self.keepalive = Some(Keepalive {
                    interval,
                    count: count.max(1),
                    unanswered: 0,
                    timer,
                });
            }
            Command::Quiesce(ack) => {
                self.registry.quiesce();
                self.quiesced.push(ack);
                self.ack_quiesced();
            }
            Command::Shutdown(_) => {}
        }
    }

    /// Whether a registration call still waits for its reply.
    fn registry_busy(&self) -> bool {
        self.pending
            .values()
            .any(|p| matches!(p, PendingCall::Registry(_)))
    }

    /// Tells those waiting for a quiet registry once no registration call is in flight.
    fn ack_quiesced(&mut self) {
        if !self.quiesced.is_empty() && !self.registry_busy() {
            for ack in self.quiesced.drain(..) {
                let _ = ack.send(());
            }
        }
    }

    /// Queues a call the event registry asked for; its reply goes back to the registry.
    fn queue_internal(&mut self, call: Option<Internal>) {
        let Some(call) = call else { return };
        self.pending
            .insert(call.serial, PendingCall::Registry(call.purpose));
        self.clear_if_drained();
        self.wbuf.extend_from_slice(&call.bytes);
    }

    fn on_written(&mut self, r: std::io::Result<Wrote>) -> Step {
        let r = match r {
            Ok(Wrote::Fd) => {
                self.clear_if_drained();
                return Step::Continue;
            }
            Ok(Wrote::Bytes(n)) => Ok(n),
            Err(e) => Err(e),
        };
        match r {
            Ok(0) => Step::Stop(CloseReason::Error("the socket accepts no more data".into())),
            Ok(n) => {
                self.wpos += n;
                while let Some((at, _)) = self.flush_waiters.front() {
                    if *at > self.wpos {
                        break;
                    }
                    if let Some((_, w)) = self.flush_waiters.pop_front() {
                        let _ = w.send(());
                    }
                }
                self.clear_if_drained();
                Step::Continue
            }
            Err(e) => Step::WriteFailed(format!("write failed: {e}")),
        }
    }

    fn clear_if_drained(&mut self) {
        if self.wpos == self.wbuf.len() && self.fd_marks.is_empty() {
            self.wbuf.clear();
            self.wpos = 0;
        }
    }

    fn on_read(&mut self, r: std::io::Result<usize>) -> Step {
        match r {
            Ok(0) => Step::Stop(CloseReason::Eof),
            Ok(n) => {
                self.rbuf.commit(n);
                self.last_rx = Instant::now();
                if let Some(k) = &mut self.keepalive {
                    k.unanswered = 0;
                }
                match self.process() {
                    Ok(()) => Step::Continue,
                    Err(e) => Step::Stop(CloseReason::Error(e.to_string())),
                }
            }
            Err(e) => Step::Stop(CloseReason::Error(format!("read failed: {e}"))),
        }
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// What one write step did.
enum Wrote {
    Bytes(usize),
    Fd,
}

/// Sends the next descriptor if the write position reached it, else writes bytes up to the
/// next descriptor.
async fn write_step(
    writer: &mut Writer,
    wbuf: &[u8],
    wpos: usize,
    marks: &mut VecDeque<(usize, OwnedFd)>,
) -> std::io::Result<Wrote> {
    if let Some((at, fd)) = marks.front() {
        if *at <= wpos {
            writer.send_fd(fd.as_fd()).await?;
            marks.pop_front();
            return Ok(Wrote::Fd);
        }
        let end = (*at).min(wbuf.len());
        return writer.write(&wbuf[wpos..end]).await.map(Wrote::Bytes);
    }
    writer.write(&wbuf[wpos..]).await.map(Wrote::Bytes)
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    use crate::connection::ConnectOptions;
    use crate::transport::{Reader, Writer};
    use crate::uri::ConnectUri;

    /// A peer that is gone: every write fails with a broken pipe.
    struct Gone;

    impl AsyncWrite for Gone {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &[u8],
        ) -> Poll<io::Result<usize>> {
            Poll::Ready(Err(io::Error::from(io::ErrorKind::BrokenPipe)))
        }
        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    /// A read side that says why it ended a moment after the write failed (as an ssh child's
    /// stdout does once its stderr is read).
    struct EndsLater(Pin<Box<tokio::time::Sleep>>);

    impl AsyncRead for EndsLater {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            _: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            match self.0.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "ssh ended: Host key verification failed.",
                ))),
            }
        }
    }

    #[tokio::test]
    async fn a_failed_write_lets_the_read_side_say_why() {
        let reader = Reader::Stream(Box::new(EndsLater(Box::pin(tokio::time::sleep(
            std::time::Duration::from_millis(200),
        )))));
        let writer = Writer::Stream(Box::new(Gone));
        let uri = ConnectUri::parse("test:///default").unwrap();
        let conn = crate::Connection::start(reader, writer, uri, &ConnectOptions::default());
        let e = crate::Domain::lookup_by_name(&conn, "any")
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("Host key verification failed"),
            "{e}"
        );
    }
}
