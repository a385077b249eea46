//! Events as async streams: domain, network, storage pool and node device events, registered
//! with the `*_REGISTER_ANY` procedures and routed by callback id.

mod domain;

pub use domain::{DomainEvent, DomainEventId, LifecycleEvent};

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::oneshot;
use virt_proto::remote as p;
use virt_proto::{Event as _, Rpc};

use crate::Connection;
use crate::connection::owner::{
    Command, EventSource, RawEvent, Received, RegKey, Subscribe, Unsubscribe, event_queue,
};
use crate::error::Error;
use crate::error::Result;

/// A network, storage pool or node device life cycle event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjectEvent {
    /// `VIR_NETWORK_EVENT_*`: 0 defined, 1 undefined, 2 started, 3 stopped.
    Network {
        /// The network's name.
        name: String,
        /// Event number.
        event: i32,
        /// Detail number.
        detail: i32,
    },
    /// `VIR_STORAGE_POOL_EVENT_*`: 0 defined, 1 undefined, 2 started, 3 stopped, 4 created,
    /// 5 deleted.
    Pool {
        /// The pool's name.
        name: String,
        /// Event number.
        event: i32,
        /// Detail number.
        detail: i32,
    },
    /// A pool was refreshed.
    PoolRefresh {
        /// The pool's name.
        name: String,
    },
    /// `VIR_NODE_DEVICE_EVENT_*`: 0 created, 1 deleted, 2 defined, 3 undefined.
    NodeDevice {
        /// The device's name.
        name: String,
        /// Event number.
        event: i32,
        /// Detail number.
        detail: i32,
    },
    /// A node device changed.
    NodeDeviceUpdate {
        /// The device's name.
        name: String,
    },
}

/// A subscription: events arrive in order until it is dropped or the connection ends.
///
/// At most 1024 events (and 4 MiB of them) wait to be taken; should more arrive, the oldest
/// are dropped and the next item is [`Error::EventsLost`] with their number. The connection
/// reads past events it drops, so a slow subscriber holds up neither memory nor other calls.
///
/// Subscriptions to the same kind of event for the same object share one registration on
/// the daemon (which refuses a second one from the same connection); it is undone when the
/// last of them is dropped or deregistered.
pub struct Events<T> {
    conn: Connection,
    token: u64,
    keys: Vec<RegKey>,
    rx: EventSource,
    decode: fn(RawEvent) -> Option<Result<T>>,
}

impl<T> std::fmt::Debug for Events<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("registrations", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl<T> Events<T> {
    /// The next event; `None` when the connection ended. [`Error::EventsLost`] says events
    /// were dropped because they were not taken in time.
    pub async fn next(&mut self) -> Option<Result<T>> {
        loop {
            match self.rx.recv().await? {
                Received::Event(raw) => {
                    if let Some(ev) = (self.decode)(raw) {
                        return Some(ev);
                    }
                }
                Received::Lost(n) => return Some(Err(Error::EventsLost(n))),
            }
        }
    }

    /// Ends the subscription and waits until the daemon dropped any registration no other
    /// subscription of this connection still uses.
    pub async fn deregister(mut self) -> Result<()> {
        let keys = std::mem::take(&mut self.keys);
        let mut waits = Vec::with_capacity(keys.len());
        for key in keys {
            let (tx, rx) = oneshot::channel();
            self.conn.command(Command::Unsubscribe(Unsubscribe {
                key,
                token: self.token,
                done: Some(tx),
            }))?;
            waits.push(rx);
        }
        let mut first_err = None;
        for rx in waits {
            match rx.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    first_err.get_or_insert(e);
                }
                Err(_) => {
                    first_err.get_or_insert(self.conn.gone());
                }
            }
        }
        first_err.map_or(Ok(()), Err)
    }
}

impl<T> Drop for Events<T> {
    fn drop(&mut self) {
        for key in self.keys.drain(..) {
            let _ = self.conn.command(Command::Unsubscribe(Unsubscribe {
                key,
                token: self.token,
                done: None,
            }));
        }
    }
}

impl<T> futures_core::Stream for Events<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(Received::Event(raw))) => {
                    if let Some(ev) = (self.decode)(raw) {
                        return Poll::Ready(Some(ev));
                    }
                }
                Poll::Ready(Some(Received::Lost(n))) => {
                    return Poll::Ready(Some(Err(Error::EventsLost(n))));
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Joins (or makes) the daemon registration of each call in `registrations`, all feeding one
/// channel; `D` is the matching deregistration.
async fn register<C, D, T>(
    conn: &Connection,
    registrations: Vec<C>,
    decode: fn(RawEvent) -> Option<Result<T>>,
) -> Result<Events<T>>
where
    C: Rpc,
    D: Rpc,
{
    let (tx, rx) = event_queue();
    let mut events = Events {
        conn: conn.clone(),
        token: conn.next_token(),
        keys: Vec::with_capacity(registrations.len()),
        rx,
        decode,
    };
    for args in registrations {
        let key = RegKey {
            prog: C::PROGRAM,
            vers: C::VERSION,
            proc_: C::PROCEDURE,
            args: virt_proto::xdr::to_bytes(&args)?,
        };
        if events.keys.contains(&key) {
            continue;
        }
        let (done, joined) = oneshot::channel();
        conn.command(Command::Subscribe(Subscribe {
            key: key.clone(),
            dereg_proc: D::PROCEDURE,
            token: events.token,
            sink: tx.clone(),
            done,
        }))?;
        // Listed before waiting: should this future be dropped, the drop leaves it again.
        events.keys.push(key);
        joined.await.map_err(|_| conn.gone())??;
    }
    Ok(events)
}

/// Whether `proc_` is an event of a network, storage pool, node device or secret. Callback ids
/// are counted per kind of object, so a domain subscription may share its id with one of these
/// and must leave their events alone.
fn is_object_event(proc_: i32) -> bool {
    [
        p::NetworkEventLifecycleMsg::PROC,
        p::StoragePoolEventLifecycleMsg::PROC,
        p::StoragePoolEventRefreshMsg::PROC,
        p::NodeDeviceEventLifecycleMsg::PROC,
        p::NodeDeviceEventUpdateMsg::PROC,
        p::SecretEventLifecycleMsg::PROC,
        p::SecretEventValueChangedMsg::PROC,
    ]
    .iter()
    .any(|n| *n as i32 == proc_)
}

fn decode_object(raw: RawEvent) -> Option<Result<ObjectEvent>> {
    fn de<'a, M: serde::Deserialize<'a>>(b: &'a [u8]) -> Result<M> {
        Ok(virt_proto::xdr::from_bytes(b)?)
    }
    let proc_ = raw.proc_;
    let b = &raw.body[..];
    Some(if proc_ == p::NetworkEventLifecycleMsg::PROC as i32 {
        de::<p::NetworkEventLifecycleMsg>(b).map(|m| ObjectEvent::Network {
            name: m.net.name,
            event: m.event,
            detail: m.detail,
        })
    } else if proc_ == p::StoragePoolEventLifecycleMsg::PROC as i32 {
        de::<p::StoragePoolEventLifecycleMsg>(b).map(|m| ObjectEvent::Pool {
            name: m.pool.name,
            event: m.event,
            detail: m.detail,
        })
    } else if proc_ == p::StoragePoolEventRefreshMsg::PROC as i32 {
        de::<p::StoragePoolEventRefreshMsg>(b)
            .map(|m| ObjectEvent::PoolRefresh { name: m.pool.name })
    } else if proc_ == p::NodeDeviceEventLifecycleMsg::PROC as i32 {
        de::<p::NodeDeviceEventLifecycleMsg>(b).map(|m| ObjectEvent::NodeDevice {
            name: m.dev.name,
            event: m.event,
            detail: m.detail,
        })
    } else if proc_ == p::NodeDeviceEventUpdateMsg::PROC as i32 {
        de::<p::NodeDeviceEventUpdateMsg>(b)
            .map(|m| ObjectEvent::NodeDeviceUpdate { name: m.dev.name })
    } else {
        return None;
    })
}

impl Connection {
    /// Subscribes to domain events of the given kinds, for one domain or all.
    pub async fn domain_events(
        &self,
        ids: &[DomainEventId],
        dom: Option<&crate::Domain>,
    ) -> Result<Events<DomainEvent>> {
        let regs = ids
            .iter()
            .map(|id| p::ConnectDomainEventCallbackRegisterAnyArgs {
                event_id: *id as i32,
                dom: dom.map(|d| d.raw().clone()),
            })
            .collect();
        register::<_, p::ConnectDomainEventCallbackDeregisterAnyArgs, _>(self, regs, domain::decode)
            .await
    }

    /// Subscribes to network life cycle events (`VIR_NETWORK_EVENT_ID_LIFECYCLE`).
    pub async fn network_events(&self) -> Result<Events<ObjectEvent>> {
        let regs = vec![p::ConnectNetworkEventRegisterAnyArgs {
            event_id: 0,
            net: None,
        }];
        register::<_, p::ConnectNetworkEventDeregisterAnyArgs, _>(self, regs, decode_object).await
    }

    /// Subscribes to storage pool life cycle and refresh events.
    pub async fn pool_events(&self) -> Result<Events<ObjectEvent>> {
        let regs = (0..2)
            .map(|event_id| p::ConnectStoragePoolEventRegisterAnyArgs {
                event_id,
                pool: None,
            })
            .collect();
        register::<_, p::ConnectStoragePoolEventDeregisterAnyArgs, _>(self, regs, decode_object)
            .await
    }

    /// Subscribes to node device life cycle and update events.
    pub async fn node_device_events(&self) -> Result<Events<ObjectEvent>> {
        let regs = (0..2)
            .map(|event_id| p::ConnectNodeDeviceEventRegisterAnyArgs {
                event_id,
                dev: None,
            })
            .collect();
        register::<_, p::ConnectNodeDeviceEventDeregisterAnyArgs, _>(self, regs, decode_object)
            .await
    }
}
