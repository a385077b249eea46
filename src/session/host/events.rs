//! Serving a live connection: sends the VM list and host details, then follows domain events
//! and hands the UI's requests to the actions until the connection drops or the user leaves.

use std::collections::HashMap;

use tokio::sync::mpsc;
use virt_client::{Connection, Domain, DomainEvent, DomainEventId};

use super::actions::act;
use super::listing::{host_details, list_vms, summarize};
use super::{HostRequest, HostUpdate};
use crate::i18n::gettext;

/// How serving a connection ended.
pub(super) enum Served {
    Stop,
    Lost(String),
}

/// The domains a session knows, by UUID, with the UUID of each name (events carry names).
#[derive(Default)]
struct Known {
    doms: HashMap<String, Domain>,
    uuids: HashMap<String, String>,
}

impl Known {
    fn insert(&mut self, dom: Domain) {
        let uuid = dom.uuid().to_string();
        self.uuids.retain(|_, u| *u != uuid);
        self.uuids.insert(dom.name().to_string(), uuid.clone());
        self.doms.insert(uuid, dom);
    }

    fn remove_name(&mut self, name: &str) -> Option<String> {
        let uuid = self.uuids.remove(name)?;
        self.doms.remove(&uuid);
        Some(uuid)
    }
}

pub(super) async fn serve(
    conn: &Connection,
    requests: &mut mpsc::UnboundedReceiver<HostRequest>,
    report: &(impl Fn(HostUpdate) -> bool + Send + Sync + Clone + 'static),
) -> Served {
    let events = conn
        .domain_events(
            &[DomainEventId::Lifecycle, DomainEventId::MetadataChange],
            None,
        )
        .await;
    let mut events = match events {
        Ok(ev) => ev,
        Err(e) => return Served::Lost(e.to_string()),
    };
    crate::startup::mark("events-registered");
    let details = host_details(conn).await;
    crate::startup::mark("details-read");
    let mut known = Known::default();
    if let Some(ended) = send_all(conn, &mut known, report).await {
        return ended;
    }
    if !report(HostUpdate::Connected {
        details,
        connection: conn.clone(),
    }) {
        return Served::Stop;
    }
    loop {
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    if !on_event(conn, ev, &mut known, report).await {
                        return Served::Stop;
                    }
                }
                Some(Err(virt_client::Error::EventsLost(n))) => {
                    // Events came faster than they were taken and the oldest were dropped:
                    // what they would have said is in a new full list.
                    tracing::info!("{n} domain events dropped; listing the host again");
                    if let Some(ended) = send_all(conn, &mut known, report).await {
                        return ended;
                    }
                }
                Some(Err(e)) => tracing::warn!("undecodable event: {e}"),
                None => {
                    let reason = conn.close_reason().map(|r| r.to_string())
                        .unwrap_or_else(|| gettext("The connection closed."));
                    return Served::Lost(reason);
                }
            },
            req = requests.recv() => match req {
                None | Some(HostRequest::Disconnect) => return Served::Stop,
                Some(HostRequest::Retry) => {}
                Some(HostRequest::Act { uuid, action }) => {
                    let dom = known.doms.get(&uuid).cloned();
                    let report = report.clone();
                    tokio::spawn(async move { act(dom, &uuid, action, &report).await });
                }
            },
            reason = conn.closed() => return Served::Lost(reason.to_string()),
        }
    }
}

/// Lists every VM into `known` (anew) and sends the list; how serving ends if it must.
async fn send_all(
    conn: &Connection,
    known: &mut Known,
    report: &(impl Fn(HostUpdate) -> bool + Send + Sync),
) -> Option<Served> {
    let listed = match list_vms(conn).await {
        Ok(listed) => listed,
        Err(e) => return Some(Served::Lost(e.to_string())),
    };
    crate::startup::mark("list-read");
    *known = Known::default();
    let mut vms = Vec::with_capacity(listed.len());
    for (dom, vm) in listed {
        known.insert(dom);
        vms.push(vm);
    }
    (!report(HostUpdate::AllVms(vms))).then_some(Served::Stop)
}

async fn on_event(
    conn: &Connection,
    ev: DomainEvent,
    known: &mut Known,
    report: &(impl Fn(HostUpdate) -> bool + Send + Sync),
) -> bool {
    let name = match &ev {
        DomainEvent::Lifecycle { domain, .. } | DomainEvent::MetadataChange { domain, .. } => {
            domain.clone()
        }
        _ => return true,
    };
    // Whatever happened, the domain as it is now tells: after an undefine a running domain is
    // still there (transient); a stopped transient or undefined one is gone.
    match Domain::lookup_by_name(conn, &name).await.ok() {
        Some(dom) => match summarize(&dom, None).await {
            Ok(vm) => {
                known.insert(dom);
                report(HostUpdate::Vm(vm))
            }
            Err(e) => {
                tracing::debug!("cannot describe {name}: {e}");
                true
            }
        },
        None => {
            // Renamed (the UUID still answers), or undefined / a transient domain that stopped.
            let renamed = match known.uuids.get(&name).and_then(|u| known.doms.get(u)) {
                Some(dom) => dom.refresh().await.ok(),
                None => None,
            };
            match renamed {
                Some(dom) => match summarize(&dom, None).await {
                    Ok(vm) => {
                        known.remove_name(&name);
                        known.insert(dom);
                        report(HostUpdate::Vm(vm))
                    }
                    Err(_) => true,
                },
                None => match known.remove_name(&name) {
                    Some(uuid) => report(HostUpdate::VmRemoved(uuid)),
                    None => true,
                },
            }
        }
    }
}
