//! Shared event registrations: one daemon registration per (procedure, arguments) per
//! connection, fanned out to every subscriber; deregistered when the last subscriber leaves.
//!
//! The daemon keeps one callback per event kind and object for a connection and refuses a
//! second, so subscribers of the same kind share it. This is pure bookkeeping run inside the
//! owner task: it says which packets to send, the owner sends them and reports the replies.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use tokio::sync::oneshot;
use virt_proto::packet::{self, Header, Status};

use super::{EventSink, RawEvent, Reply};
use crate::error::Error;

/// Events held back while a registration's reply is outstanding (an event can overtake it),
/// at most this many and [`EARLY_BYTES`] of bodies.
const EARLY_MAX: usize = 1024;
const EARLY_BYTES: usize = 4 * 1024 * 1024;

/// What identifies a daemon registration: the register procedure and its encoded arguments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RegKey {
    pub(crate) prog: u32,
    pub(crate) vers: u32,
    pub(crate) proc_: i32,
    pub(crate) args: Vec<u8>,
}

/// A subscriber asks to join the registration `key`.
pub(crate) struct Subscribe {
    pub(crate) key: RegKey,
    /// The procedure that undoes it; its only argument is the callback id.
    pub(crate) dereg_proc: i32,
    pub(crate) token: u64,
    pub(crate) sink: EventSink,
    /// Told the callback id once the subscriber receives events, or why it cannot.
    pub(crate) done: oneshot::Sender<Result<i32, Error>>,
}

/// A subscriber leaves the registration `key`.
pub(crate) struct Unsubscribe {
    pub(crate) key: RegKey,
    pub(crate) token: u64,
    /// Told when the subscriber is out and, if it was the last one, the daemon confirmed.
    pub(crate) done: Option<oneshot::Sender<Result<(), Error>>>,
}

/// Why an internal call was made; its reply goes back to the registry.
pub(crate) enum Purpose {
    Register(Arc<RegKey>),
    Deregister(Arc<RegKey>),
}

/// A call the owner must send for the registry.
pub(crate) struct Internal {
    pub(crate) bytes: Vec<u8>,
    pub(crate) serial: u32,
    pub(crate) purpose: Purpose,
}

struct Waiting {
    token: u64,
    sink: EventSink,
    done: oneshot::Sender<Result<i32, Error>>,
}

enum State {
    /// The register call is in flight.
    Registering { waiters: Vec<Waiting> },
    /// Registered: events with this callback id go to every subscriber.
    Live {
        id: i32,
        subs: Vec<(u64, EventSink)>,
    },
    /// The deregister call is in flight; newcomers wait and register anew after it.
    Closing {
        waiters: Vec<Waiting>,
        done: Vec<oneshot::Sender<Result<(), Error>>>,
    },
}

struct Reg {
    dereg_proc: i32,
    state: State,
}

/// The registrations of one connection.
#[derive(Default)]
pub(crate) struct Registry {
    regs: HashMap<Arc<RegKey>, Reg>,
    by_id: HashMap<i32, Vec<Arc<RegKey>>>,
    early: VecDeque<RawEvent>,
    /// The connection is closing: nothing more is sent for registrations.
    quiet: bool,
}

impl Registry {
    /// The connection is about to close. The daemon drops its registrations with the
    /// connection, and libvirtd 9.0 crashes when a deregistration runs while it does so: from
    /// now on nothing is registered or deregistered any more.
    pub(crate) fn quiesce(&mut self) {
        self.quiet = true;
    }

    pub(crate) fn subscribe(
        &mut self,
        s: Subscribe,
        serial: &mut impl FnMut() -> u32,
    ) -> Option<Internal> {
        if self.quiet {
            let _ = s.done.send(Err(Error::Closed));
            return None;
        }
        let waiting = Waiting {
            token: s.token,
            sink: s.sink,
            done: s.done,
        };
        let Some(key) = self.regs.get_key_value(&s.key).map(|(k, _)| k.clone()) else {
            let key = Arc::new(s.key);
            self.regs.insert(
                key.clone(),
                Reg {
                    dereg_proc: s.dereg_proc,
                    state: State::Registering {
                        waiters: vec![waiting],
                    },
                },
            );
            return register_call(key, serial());
        };
        let reg = self.regs.get_mut(&key)?;
        match &mut reg.state {
            State::Registering { waiters } | State::Closing { waiters, .. } => {
                waiters.push(waiting);
                None
            }
            State::Live { id, subs } => {
                subs.retain(|(_, sink)| !sink.is_closed());
                if waiting.done.send(Ok(*id)).is_ok() {
                    subs.push((waiting.token, waiting.sink));
                }
                if subs.is_empty() {
                    return self.close(&key, Vec::new(), serial);
                }
                None
            }
        }
    }

    pub(crate) fn unsubscribe(
        &mut self,
        u: Unsubscribe,
        serial: &mut impl FnMut() -> u32,
    ) -> Option<Internal> {
        let Some(key) = self.regs.get_key_value(&u.key).map(|(k, _)| k.clone()) else {
            if let Some(done) = u.done {
                let _ = done.send(Ok(()));
            }
            return None;
        };
        let reg = self.regs.get_mut(&key)?;
        match &mut reg.state {
            State::Registering { waiters } | State::Closing { waiters, .. } => {
                waiters.retain(|w| w.token != u.token);
                if let Some(done) = u.done {
                    let _ = done.send(Ok(()));
                }
                None
            }
            State::Live { subs, .. } => {
                subs.retain(|(t, sink)| *t != u.token && !sink.is_closed());
                if subs.is_empty() {
                    return self.close(&key, u.done.into_iter().collect(), serial);
                }
                if let Some(done) = u.done {
                    let _ = done.send(Ok(()));
                }
                None
            }
        }
    }

    /// Starts deregistering a live registration nobody listens to any more.
    fn close(
        &mut self,
        key: &Arc<RegKey>,
        done: Vec<oneshot::Sender<Result<(), Error>>>,
        serial: &mut impl FnMut() -> u32,
    ) -> Option<Internal> {
        let State::Live { id, .. } = self.regs.get(key)?.state else {
            return None;
        };
        self.unlink(id, key);
        if self.quiet {
            self.regs.remove(key);
            for d in done {
                let _ = d.send(Ok(()));
            }
            return None;
        }
        let reg = self.regs.get_mut(key)?;
        reg.state = State::Closing {
            waiters: Vec::new(),
            done,
        };
        let header = Header::call(key.prog, key.vers, reg.dereg_proc, serial());
        let bytes = match packet::encode_packet(&header, &id) {
            Ok(b) => b,
            Err(e) => {
                // An i32 always encodes; should it not, forget the registration.
                tracing::warn!("cannot encode an event deregistration: {e}");
                self.regs.remove(key);
                return None;
            }
        };
        Some(Internal {
            bytes,
            serial: header.serial,
            purpose: Purpose::Deregister(key.clone()),
        })
    }

    fn unlink(&mut self, id: i32, key: &Arc<RegKey>) {
        if let Some(keys) = self.by_id.get_mut(&id) {
            keys.retain(|k| k != key);
            if keys.is_empty() {
                self.by_id.remove(&id);
            }
        }
    }

    /// A register or deregister call was answered.
    pub(crate) fn on_reply(
        &mut self,
        purpose: Purpose,
        reply: &Reply,
        serial: &mut impl FnMut() -> u32,
    ) -> Option<Internal> {
        match purpose {
            Purpose::Register(key) => self.on_registered(key, reply, serial),
            Purpose::Deregister(key) => {
                let ok = reply.header.status == Status::Ok;
                let reg = self.regs.get_mut(&key)?;
                let State::Closing { waiters, done } = &mut reg.state else {
                    return None;
                };
                for d in done.drain(..) {
                    let _ = d.send(if ok { Ok(()) } else { Err(reply_error(reply)) });
                }
                waiters.retain(|w| !w.done.is_closed());
                if self.quiet {
                    for w in waiters.drain(..) {
                        let _ = w.done.send(Err(Error::Closed));
                    }
                }
                if waiters.is_empty() {
                    self.regs.remove(&key);
                    return None;
                }
                let waiters = std::mem::take(waiters);
                reg.state = State::Registering { waiters };
                register_call(key, serial())
            }
        }
    }

    fn on_registered(
        &mut self,
        key: Arc<RegKey>,
        reply: &Reply,
        serial: &mut impl FnMut() -> u32,
    ) -> Option<Internal> {
        let reg = self.regs.get_mut(&key)?;
        let State::Registering { waiters } = &mut reg.state else {
            return None;
        };
        let waiters = std::mem::take(waiters);
        let id = match reply.body.first_chunk::<4>() {
            Some(w) if reply.header.status == Status::Ok => i32::from_be_bytes(*w),
            _ => {
                for w in waiters {
                    let _ = w.done.send(Err(reply_error(reply)));
                }
                self.regs.remove(&key);
                self.trim_early();
                return None;
            }
        };
        let mut subs = Vec::with_capacity(waiters.len());
        for w in waiters {
            if w.done.send(Ok(id)).is_ok() {
                subs.push((w.token, w.sink));
            }
        }
        reg.state = State::Live { id, subs };
        self.by_id.entry(id).or_default().push(key.clone());
        let early: Vec<RawEvent> = self
            .early
            .iter()
            .filter(|e| e.id() == Some(id))
            .cloned()
            .collect();
        self.early.retain(|e| e.id() != Some(id));
        self.trim_early();
        let mut out = None;
        for ev in early {
            out = out.or(self.route(ev, serial));
        }
        match &self.regs.get(&key)?.state {
            State::Live { subs, .. } if subs.is_empty() => self.close(&key, Vec::new(), serial),
            _ => out,
        }
    }

    fn trim_early(&mut self) {
        if !self
            .regs
            .values()
            .any(|r| matches!(r.state, State::Registering { .. }))
        {
            self.early.clear();
        }
    }

    /// Hands an event to every subscriber of its callback id. A registration whose
    /// subscribers are all gone is deregistered.
    pub(crate) fn route(
        &mut self,
        ev: RawEvent,
        serial: &mut impl FnMut() -> u32,
    ) -> Option<Internal> {
        let id = ev.id()?;
        let Some(keys) = self.by_id.get(&id).cloned() else {
            let registering = self
                .regs
                .values()
                .any(|r| matches!(r.state, State::Registering { .. }));
            let early_bytes: usize = self.early.iter().map(|e| e.body.len()).sum();
            if registering
                && self.early.len() < EARLY_MAX
                && early_bytes + ev.body.len() <= EARLY_BYTES
            {
                self.early.push_back(ev);
            }
            return None;
        };
        let mut out = None;
        for key in keys {
            let Some(Reg {
                state: State::Live { subs, .. },
                ..
            }) = self.regs.get_mut(&key)
            else {
                continue;
            };
            subs.retain(|(_, sink)| sink.send(ev.clone()));
            if subs.is_empty() {
                // At most one registration shares an id within one kind of object.
                out = out.or(self.close(&key, Vec::new(), serial));
            }
        }
        out
    }

    /// The connection ended: every waiter learns why; nothing stays registered.
    pub(crate) fn fail_all(&mut self, err: &dyn Fn() -> Error) {
        for (_, reg) in self.regs.drain() {
            match reg.state {
                State::Registering { waiters } => {
                    for w in waiters {
                        let _ = w.done.send(Err(err()));
                    }
                }
                State::Closing { waiters, done } => {
                    for w in waiters {
                        let _ = w.done.send(Err(err()));
                    }
                    for d in done {
                        let _ = d.send(Err(err()));
                    }
                }
                State::Live { .. } => {}
            }
        }
        self.by_id.clear();
        self.early.clear();
    }
}

impl RawEvent {
    /// The callback id: the first word of every event body sent for a `*_REGISTER_ANY`
    /// registration.
    fn id(&self) -> Option<i32> {
        self.body.first_chunk::<4>().map(|w| i32::from_be_bytes(*w))
    }
}

fn register_call(key: Arc<RegKey>, serial: u32) -> Option<Internal> {
    let header = Header::call(key.prog, key.vers, key.proc_, serial);
    match packet::encode_packet_raw(&header, &key.args) {
        Ok(bytes) => Some(Internal {
            bytes,
            serial,
            purpose: Purpose::Register(key),
        }),
        Err(e) => {
            tracing::warn!("cannot frame an event registration: {e}");
            None
        }
    }
}

/// The error a failed reply carries, decoded afresh for each waiter.
fn reply_error(reply: &Reply) -> Error {
    match virt_proto::xdr::from_bytes::<virt_proto::RemoteError>(&reply.body) {
        Ok(e) if reply.header.status == Status::Error => Error::from_remote(e),
        Ok(_) => Error::violation("an event registration reply carried no callback id"),
        Err(e) => Error::Protocol(e),
    }
}

#[cfg(test)]
mod tests;
