//! Events as async streams: domain, network, storage pool and node device events, registered
//! with the `*_REGISTER_ANY` procedures and routed by callback id.

mod domain;

pub use domain::{DomainEvent, DomainEventId, LifecycleEvent};

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc;
use virt_proto::remote as p;
use virt_proto::{Event as _, Rpc};

use crate::Connection;
use crate::connection::CallOptions;
use crate::connection::owner::{Command, RawEvent};
use crate::error::Result;

/// Which kind of object an [`Events`] subscription watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Domain,
    Network,
    Pool,
    NodeDevice,
}

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
pub struct Events<T> {
    conn: Connection,
    kind: Kind,
    ids: Vec<i32>,
    rx: mpsc::UnboundedReceiver<RawEvent>,
    decode: fn(RawEvent) -> Option<Result<T>>,
}

impl<T> std::fmt::Debug for Events<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("callback_ids", &self.ids)
            .finish_non_exhaustive()
    }
}

impl<T> Events<T> {
    /// The next event; `None` when the connection ended.
    pub async fn next(&mut self) -> Option<Result<T>> {
        loop {
            let raw = self.rx.recv().await?;
            if let Some(ev) = (self.decode)(raw) {
                return Some(ev);
            }
        }
    }

    /// Stops the subscription on the daemon's side.
    pub async fn deregister(mut self) -> Result<()> {
        let ids = std::mem::take(&mut self.ids);
        for id in ids {
            let _ = self.conn.command(Command::DropEvents(id));
            match self.kind {
                Kind::Domain => {
                    self.conn
                        .call(&p::ConnectDomainEventCallbackDeregisterAnyArgs { callback_id: id })
                        .await?
                }
                Kind::Network => {
                    self.conn
                        .call(&p::ConnectNetworkEventDeregisterAnyArgs { callback_id: id })
                        .await?
                }
                Kind::Pool => {
                    self.conn
                        .call(&p::ConnectStoragePoolEventDeregisterAnyArgs { callback_id: id })
                        .await?
                }
                Kind::NodeDevice => {
                    self.conn
                        .call(&p::ConnectNodeDeviceEventDeregisterAnyArgs { callback_id: id })
                        .await?
                }
            }
        }
        Ok(())
    }
}

impl<T> Drop for Events<T> {
    fn drop(&mut self) {
        for id in &self.ids {
            let _ = self.conn.command(Command::DropEvents(*id));
        }
    }
}

impl<T> futures_core::Stream for Events<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(raw)) => {
                    if let Some(ev) = (self.decode)(raw) {
                        return Poll::Ready(Some(ev));
                    }
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Registers one callback per call in `registrations`, all feeding one channel.
async fn register<C, T>(
    conn: &Connection,
    kind: Kind,
    registrations: Vec<C>,
    decode: fn(RawEvent) -> Option<Result<T>>,
) -> Result<Events<T>>
where
    C: Rpc,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let mut ids = Vec::new();
    for args in registrations {
        let reply = conn
            .call_with(
                &args,
                CallOptions {
                    events: Some(tx.clone()),
                    ..CallOptions::default()
                },
            )
            .await?;
        let id: i32 = virt_proto::xdr::from_bytes(&reply.body)?;
        ids.push(id);
    }
    Ok(Events {
        conn: conn.clone(),
        kind,
        ids,
        rx,
        decode,
    })
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
        register(self, Kind::Domain, regs, domain::decode).await
    }

    /// Subscribes to network life cycle events (`VIR_NETWORK_EVENT_ID_LIFECYCLE`).
    pub async fn network_events(&self) -> Result<Events<ObjectEvent>> {
        let regs = vec![p::ConnectNetworkEventRegisterAnyArgs {
            event_id: 0,
            net: None,
        }];
        register(self, Kind::Network, regs, decode_object).await
    }

    /// Subscribes to storage pool life cycle and refresh events.
    pub async fn pool_events(&self) -> Result<Events<ObjectEvent>> {
        let regs = (0..2)
            .map(|event_id| p::ConnectStoragePoolEventRegisterAnyArgs {
                event_id,
                pool: None,
            })
            .collect();
        register(self, Kind::Pool, regs, decode_object).await
    }

    /// Subscribes to node device life cycle and update events.
    pub async fn node_device_events(&self) -> Result<Events<ObjectEvent>> {
        let regs = (0..2)
            .map(|event_id| p::ConnectNodeDeviceEventRegisterAnyArgs {
                event_id,
                dev: None,
            })
            .collect();
        register(self, Kind::NodeDevice, regs, decode_object).await
    }
}
