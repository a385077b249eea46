//! The read side of the owner task: complete packets from the read buffer become replies
//! for callers, events for subscribers and data for streams.

use std::sync::atomic::Ordering;

use bytes::Bytes;
use virt_proto::packet::{
    self, Header, KEEPALIVE_PROGRAM, MessageType, Packet, QEMU_PROGRAM, REMOTE_PROGRAM, Status,
};

use super::{FdWait, Owner, PROC_PING, PROC_PONG, PendingCall, RawEvent, Reply, StreamMsg};
use crate::error::Error;

impl Owner {
    /// Handles every complete packet in the read buffer.
    pub(super) fn process(&mut self) -> Result<(), Error> {
        loop {
            if self.fd_wait.is_some() {
                if !self.collect_fds()? {
                    return Ok(());
                }
                continue;
            }
            let avail = self.rbuf.filled();
            let Some(len) = packet::frame_len(avail)? else {
                self.idle();
                return Ok(());
            };
            if avail.len() < len {
                self.rbuf.fit(len);
                self.idle();
                return Ok(());
            }
            let pkt = Packet::parse(&avail[..len])?;
            let header = pkt.header;
            let num_fds = pkt.num_fds;
            let body = Bytes::copy_from_slice(pkt.body);
            self.rbuf.consume(len);
            self.dispatch(header, num_fds, body)?;
        }
    }

    /// Every complete packet has been handled: the read buffer shrinks back after a large
    /// one, and descriptors that came unasked are closed.
    fn idle(&mut self) {
        self.rbuf.shrink();
        self.close_unasked_fds();
    }

    /// Closes descriptors nobody announced. Every complete packet has been handled and none
    /// waits for descriptors, so whatever is queued came unasked (a plain reply carrying some,
    /// or more than a reply announced): kept, they would pile up, and the next reply that
    /// announces descriptors would be handed these instead of its own.
    fn close_unasked_fds(&mut self) {
        if self.fd_wait.is_some() {
            return;
        }
        if let Some(q) = self.reader.fds()
            && !q.is_empty()
        {
            tracing::debug!(
                count = q.len(),
                "closing file descriptors the daemon sent unasked"
            );
            q.clear();
        }
    }

    /// Takes announced descriptors (each arrives with one zero byte after the packet).
    /// Returns false when more bytes must be read first.
    fn collect_fds(&mut self) -> Result<bool, Error> {
        let Some(mut w) = self.fd_wait.take() else {
            return Ok(true);
        };
        while w.remaining > 0 && !self.rbuf.filled().is_empty() {
            let fd = self
                .reader
                .fds()
                .and_then(|q| q.pop_front())
                .ok_or_else(|| {
                    Error::violation("a reply announced file descriptors that did not arrive")
                })?;
            w.fds.push(fd);
            self.rbuf.consume(1);
            w.remaining -= 1;
        }
        if w.remaining > 0 {
            self.fd_wait = Some(w);
            return Ok(false);
        }
        let reply = Reply {
            header: w.header,
            body: w.body,
            fds: w.fds,
        };
        self.deliver_reply(w.serial, reply);
        Ok(true)
    }

    fn dispatch(&mut self, header: Header, num_fds: u32, body: Bytes) -> Result<(), Error> {
        if header.prog == KEEPALIVE_PROGRAM {
            if header.type_ == MessageType::Message && header.proc_ == PROC_PING {
                self.queue_keepalive(PROC_PONG);
            }
            return Ok(());
        }
        match header.type_ {
            MessageType::Reply => {
                let reply = Reply {
                    header,
                    body,
                    fds: Vec::new(),
                };
                self.deliver_reply(header.serial, reply);
            }
            MessageType::ReplyWithFds => {
                if self.reader.fds().is_none() {
                    return Err(Error::violation(
                        "the daemon passed file descriptors over a transport that cannot carry them",
                    ));
                }
                self.fd_wait = Some(FdWait {
                    serial: header.serial,
                    header,
                    body,
                    fds: Vec::new(),
                    remaining: num_fds,
                });
            }
            MessageType::Message => {
                if header.prog == REMOTE_PROGRAM || header.prog == QEMU_PROGRAM {
                    self.route_event(header.proc_, body);
                }
            }
            MessageType::Stream | MessageType::StreamHole => {
                self.route_stream(header, body);
            }
            MessageType::Call | MessageType::CallWithFds => {
                return Err(Error::violation("the daemon sent a call to the client"));
            }
        }
        Ok(())
    }

    fn deliver_reply(&mut self, serial: u32, reply: Reply) {
        let Some(p) = self.pending.remove(&serial) else {
            tracing::debug!(serial, "reply for a call nobody waits for");
            return;
        };
        let reply_tx = match p {
            PendingCall::Caller(tx) => tx,
            PendingCall::Registry(purpose) => {
                let call = self.registry.on_reply(purpose, &reply, &mut || {
                    self.serials.fetch_add(1, Ordering::Relaxed)
                });
                self.queue_internal(call);
                self.ack_quiesced();
                return;
            }
        };
        if reply.header.status != Status::Ok {
            // A failed call has no stream.
            self.streams.remove(&serial);
        }
        if reply_tx.send(Ok(reply)).is_ok() {
            self.woken += 1;
        }
    }

    fn route_event(&mut self, proc_: i32, body: Bytes) {
        let call = self.registry.route(RawEvent { proc_, body }, &mut || {
            self.serials.fetch_add(1, Ordering::Relaxed)
        });
        self.queue_internal(call);
    }

    fn route_stream(&mut self, header: Header, body: Bytes) {
        let serial = header.serial;
        let Some(sink) = self.streams.get(&serial) else {
            tracing::trace!(serial, len = body.len(), "stream packet for no open stream");
            return;
        };
        let (msg, last) = match (header.type_, header.status) {
            // Only the length is kept: a hole may span exabytes.
            (MessageType::StreamHole, _) => {
                match virt_proto::xdr::from_bytes::<packet::StreamHole>(&body) {
                    Ok(h) => match u64::try_from(h.length) {
                        Ok(len) => (StreamMsg::Hole(len), false),
                        Err(_) => (
                            StreamMsg::Error(Error::violation(format!(
                                "a stream hole of negative length {}",
                                h.length
                            ))),
                            true,
                        ),
                    },
                    Err(e) => (StreamMsg::Error(Error::Protocol(e)), true),
                }
            }
            (_, Status::Continue) => (StreamMsg::Data(body), false),
            (_, Status::Ok) => (StreamMsg::End, true),
            (_, Status::Error) => {
                let err = match virt_proto::xdr::from_bytes::<virt_proto::RemoteError>(&body) {
                    Ok(e) => Error::from_remote(e),
                    Err(e) => Error::Protocol(e),
                };
                (StreamMsg::Error(err), true)
            }
        };
        if !sink.send(msg) || last {
            self.streams.remove(&serial);
        }
    }
}
