//! The queue between the owner task and one event subscriber: bounded, dropping the oldest.
//!
//! Events cannot slow the daemon down the way stream data does: they arrive between the
//! replies of every other call, so not reading the socket for a slow subscriber would stall
//! the whole connection. Instead each subscriber's queue holds at most [`EVENT_QUEUE_MAX`]
//! events and [`EVENT_QUEUE_BYTES`] bytes; when more arrive, the oldest are dropped, and the
//! subscriber learns how many it missed before its next event
//! ([`Error::EventsLost`](crate::Error::EventsLost)). The newest events are kept because they
//! describe the current state; a subscriber that mirrors state re-reads it after a loss.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use super::RawEvent;

/// Most events waiting for one subscriber.
pub(crate) const EVENT_QUEUE_MAX: usize = 1024;
/// Most bytes of events waiting for one subscriber (each event counted with 64 bytes on top of
/// its body).
pub(crate) const EVENT_QUEUE_BYTES: usize = 4 * 1024 * 1024;

const EVENT_COST: usize = 64;

struct State {
    queue: VecDeque<RawEvent>,
    bytes: usize,
    /// Dropped since the subscriber last heard of it.
    lost: u64,
    waker: Option<Waker>,
    senders: usize,
    subscribed: bool,
}

struct Shared(Mutex<State>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements; a panic elsewhere leaves it usable.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The owner's end; clones feed the same subscriber.
pub(crate) struct EventSink(Arc<Shared>);

/// The subscriber's end.
pub(crate) struct EventSource(Arc<Shared>);

/// What a subscriber receives.
#[derive(Debug)]
pub(crate) enum Received {
    Event(RawEvent),
    /// This many events were dropped, oldest first, before the next one.
    Lost(u64),
}

/// A queue for one subscriber.
pub(crate) fn event_queue() -> (EventSink, EventSource) {
    let shared = Arc::new(Shared(Mutex::new(State {
        queue: VecDeque::new(),
        bytes: 0,
        lost: 0,
        waker: None,
        senders: 1,
        subscribed: true,
    })));
    (EventSink(shared.clone()), EventSource(shared))
}

fn cost(ev: &RawEvent) -> usize {
    EVENT_COST + ev.body.len()
}

impl EventSink {
    /// Queues `ev`, dropping the oldest events beyond the bounds; false when the subscriber
    /// is gone.
    pub(crate) fn send(&self, ev: RawEvent) -> bool {
        let mut s = self.0.lock();
        if !s.subscribed {
            return false;
        }
        s.bytes += cost(&ev);
        s.queue.push_back(ev);
        while s.queue.len() > EVENT_QUEUE_MAX || (s.bytes > EVENT_QUEUE_BYTES && s.queue.len() > 1)
        {
            if let Some(old) = s.queue.pop_front() {
                s.bytes -= cost(&old);
                s.lost += 1;
            }
        }
        if let Some(w) = s.waker.take() {
            w.wake();
        }
        true
    }

    /// Whether the subscriber is gone.
    pub(crate) fn is_closed(&self) -> bool {
        !self.0.lock().subscribed
    }
}

impl Clone for EventSink {
    fn clone(&self) -> Self {
        self.0.lock().senders += 1;
        EventSink(self.0.clone())
    }
}

impl Drop for EventSink {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.senders -= 1;
        if s.senders == 0
            && let Some(w) = s.waker.take()
        {
            w.wake();
        }
    }
}

impl EventSource {
    /// The next event or loss report; `None` once no sink is left and all was taken.
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Received>> {
        let mut s = self.0.lock();
        if s.lost > 0 {
            let lost = std::mem::take(&mut s.lost);
            return Poll::Ready(Some(Received::Lost(lost)));
        }
        if let Some(ev) = s.queue.pop_front() {
            s.bytes -= cost(&ev);
            return Poll::Ready(Some(Received::Event(ev)));
        }
        if s.senders == 0 {
            return Poll::Ready(None);
        }
        s.waker = Some(cx.waker().clone());
        Poll::Pending
    }

    pub(crate) async fn recv(&mut self) -> Option<Received> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The next event if one waits (for tests of the owner's parts).
    #[cfg(test)]
    pub(crate) fn try_recv(&mut self) -> Result<RawEvent, &'static str> {
        let waker = std::task::Waker::noop();
        match self.poll_recv(&mut Context::from_waker(waker)) {
            Poll::Ready(Some(Received::Event(ev))) => Ok(ev),
            Poll::Ready(Some(Received::Lost(_))) => Err("events were lost"),
            Poll::Ready(None) => Err("closed"),
            Poll::Pending => Err("empty"),
        }
    }

    /// Events and bytes waiting.
    #[cfg(test)]
    fn waiting(&self) -> (usize, usize) {
        let s = self.0.lock();
        (s.queue.len(), s.bytes)
    }
}

impl Drop for EventSource {
    fn drop(&mut self) {
        let mut s = self.0.lock();
        s.subscribed = false;
        s.queue.clear();
        s.bytes = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn ev(n: u32, len: usize) -> RawEvent {
        let mut body = vec![0; len.max(4)];
        body[..4].copy_from_slice(&n.to_be_bytes());
        RawEvent {
            proc_: 1,
            body: Bytes::from(body),
        }
    }

    fn number(r: Received) -> u32 {
        match r {
            Received::Event(e) => u32::from_be_bytes(*e.body.first_chunk().unwrap()),
            Received::Lost(n) => panic!("lost {n}"),
        }
    }

    #[tokio::test]
    async fn keeps_the_newest_and_reports_the_loss() {
        let (tx, mut rx) = event_queue();
        for n in 0..5000 {
            assert!(tx.send(ev(n, 4)));
        }
        assert_eq!(rx.waiting().0, EVENT_QUEUE_MAX);
        match rx.recv().await.unwrap() {
            Received::Lost(n) => assert_eq!(n, 5000 - EVENT_QUEUE_MAX as u64),
            Received::Event(_) => panic!("the loss was not reported first"),
        }
        for n in 5000 - EVENT_QUEUE_MAX as u32..5000 {
            assert_eq!(number(rx.recv().await.unwrap()), n);
        }
        drop(tx);
        assert!(rx.recv().await.is_none());
    }

    #[tokio::test]
    async fn large_events_are_bounded_by_bytes() {
        let (tx, mut rx) = event_queue();
        for n in 0..100 {
            tx.send(ev(n, 1024 * 1024));
        }
        let (count, bytes) = rx.waiting();
        assert!(bytes <= EVENT_QUEUE_BYTES, "{bytes}");
        assert_eq!(count, 3);
        assert!(matches!(rx.recv().await, Some(Received::Lost(97))));
        assert_eq!(number(rx.recv().await.unwrap()), 97);
        // One event larger than the budget is still delivered, alone.
        tx.send(ev(1000, EVENT_QUEUE_BYTES * 2));
        assert_eq!(rx.waiting().0, 1);
    }

    #[tokio::test]
    async fn ends_when_every_sink_is_gone_and_refuses_after_the_subscriber_left() {
        let (tx, mut rx) = event_queue();
        let tx2 = tx.clone();
        drop(tx);
        tx2.send(ev(1, 4));
        let waiting = tokio::spawn(async move {
            let first = rx.recv().await.map(number);
            (first, rx.recv().await.is_none())
        });
        tokio::task::yield_now().await;
        drop(tx2);
        assert_eq!(waiting.await.unwrap(), (Some(1), true));

        let (tx, rx) = event_queue();
        assert!(!tx.is_closed());
        drop(rx);
        assert!(tx.is_closed());
        assert!(!tx.send(ev(1, 4)));
    }
}
