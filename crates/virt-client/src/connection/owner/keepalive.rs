//! Keepalive: PINGs after a quiet interval, and giving up on a peer that answers none.

use std::time::Duration;

use virt_proto::packet::{
    self, Header, KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, MessageType, Status,
};

use super::{Owner, PROC_PING, Step};
use crate::connection::CloseReason;

pub(super) struct Keepalive {
    pub(super) interval: Duration,
    pub(super) count: u32,
    pub(super) unanswered: u32,
    pub(super) timer: tokio::time::Interval,
}

impl Owner {
    pub(super) fn on_keepalive_tick(&mut self) -> Step {
        let Some(k) = &mut self.keepalive else {
            return Step::Continue;
        };
        if self.last_rx.elapsed() < k.interval {
            return Step::Continue;
        }
        if self.stalled_since.is_some() {
            // Reading is paused, so no answer can be seen; the daemon is evidently alive (it
            // sends faster than the stream is read). The PING keeps its own keepalive content.
            k.unanswered = 0;
            self.queue_keepalive(PROC_PING);
            return Step::Continue;
        }
        if k.unanswered >= k.count {
            return Step::Stop(CloseReason::KeepaliveTimeout);
        }
        k.unanswered += 1;
        self.queue_keepalive(PROC_PING);
        Step::Continue
    }

    pub(super) fn queue_keepalive(&mut self, proc_: i32) {
        let header = Header {
            prog: KEEPALIVE_PROGRAM,
            vers: KEEPALIVE_PROTOCOL_VERSION,
            proc_,
            type_: MessageType::Message,
            serial: 0,
            status: Status::Ok,
        };
        self.clear_if_drained();
        // An empty body cannot fail to encode.
        let _ = packet::encode_packet_into(&mut self.wbuf, &header, None, &());
    }
}

pub(super) async fn tick(k: &mut Option<Keepalive>) {
    match k {
        Some(k) => {
            k.timer.tick().await;
        }
        None => std::future::pending().await,
    }
}
