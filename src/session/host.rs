//! `HostSession`: one per connection. Owns the client, follows domain events, carries out
//! lifecycle actions, and reconnects with back-off when the connection drops.
//!
//! It runs on tokio (started from a relm4 command) and reports to the UI through a callback
//! of [`HostUpdate`]s; the UI talks to it with [`HostRequest`]s over a channel.

use std::collections::HashSet;
use std::time::Duration;

use tokio::sync::mpsc;
use virt_client::events::{DomainEvent, DomainEventId, LifecycleEvent};
use virt_client::{Connection, Domain};

use super::model::{VmAction, VmState, VmSummary};
use crate::i18n::{gettext, gettext_f};

/// What the UI learns from a session.
#[derive(Debug, Clone)]
pub enum HostUpdate {
    /// Opening the connection.
    Connecting,
    /// Connected to `hostname`; the VM list follows.
    Connected {
        /// The host's name.
        hostname: String,
    },
    /// The connection dropped or could not be opened; trying again in `retry_in`.
    Reconnecting {
        /// Why the connection is gone.
        reason: String,
        /// When the next attempt starts.
        retry_in: Duration,
    },
    /// Opening failed in a way retrying will not fix (bad URI, no such driver).
    Failed(String),
    /// The user disconnected.
    Disconnected,
    /// Every VM on the host, replacing what was shown.
    AllVms(Vec<VmSummary>),
    /// One VM appeared or changed.
    Vm(VmSummary),
    /// The VM with this UUID is gone.
    VmRemoved(String),
    /// Work on a VM started (`true`) or ended (`false`).
    Busy {
        /// The VM's UUID.
        uuid: String,
        /// Whether work is in flight.
        busy: bool,
    },
    /// An action failed; the message is libvirt's.
    ActionFailed {
        /// The VM's name.
        name: String,
        /// What went wrong.
        message: String,
    },
}

/// What the UI asks of a session.
#[derive(Debug, Clone)]
pub enum HostRequest {
    /// Do `action` to the VM with this UUID.
    Act {
        /// The VM's UUID.
        uuid: String,
        /// What to do.
        action: VmAction,
    },
    /// Close the connection and stop.
    Disconnect,
}

/// Back-off between reconnect attempts: 1 s, 2 s, 4 s … up to 30 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.min(5)).min(Duration::from_secs(30))
}

const LIST_PERSISTENT: u32 = 4;
const LIST_MANAGEDSAVE: u32 = 256;
const LIST_AUTOSTART: u32 = 1024;
const METADATA_TITLE: i32 = 1;
const UNDEFINE_MANAGED_SAVE: u32 = 1;
const UNDEFINE_SNAPSHOTS_METADATA: u32 = 2;
const UNDEFINE_NVRAM: u32 = 4;

/// Runs the session for `uri` until the user disconnects or `report` says the UI is gone.
pub async fn run(
    uri: String,
    mut requests: mpsc::UnboundedReceiver<HostRequest>,
    report: impl Fn(HostUpdate) -> bool + Send + Sync + Clone + 'static,
) {
    let mut attempt = 0u32;
    loop {
        if !report(HostUpdate::Connecting) {
            return;
        }
        let reason = match Connection::open(&uri).await {
            Ok(conn) => {
                attempt = 0;
                match serve(&conn, &mut requests, &report).await {
                    Served::Stop => {
                        let _ = conn.close().await;
                        report(HostUpdate::Disconnected);
                        return;
                    }
                    Served::Lost(reason) => reason,
                }
            }
            Err(e) if is_permanent(&e) => {
                report(HostUpdate::Failed(e.to_string()));
                // Wait for the user to remove or retry the connection.
                while let Some(req) = requests.recv().await {
                    if matches!(req, HostRequest::Disconnect) {
                        break;
                    }
                }
                return;
            }
            Err(e) => e.to_string(),
        };
        let retry_in = backoff(attempt);
        attempt += 1;
        if !report(HostUpdate::Reconnecting { reason, retry_in }) {
            return;
        }
        let sleep = tokio::time::sleep(retry_in);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                () = &mut sleep => break,
                req = requests.recv() => match req {
                    None | Some(HostRequest::Disconnect) => {
                        report(HostUpdate::Disconnected);
                        return;
                    }
                    Some(HostRequest::Act { .. }) => {}
                },
            }
        }
    }
}

fn is_permanent(e: &virt_client::Error) -> bool {
    matches!(e, virt_client::Error::Uri(_))
}

enum Served {
    Stop,
    Lost(String),
}

async fn serve(
    conn: &Connection,
    requests: &mut mpsc::UnboundedReceiver<HostRequest>,
    report: &(impl Fn(HostUpdate) -> bool + Send + Sync + Clone + 'static),
) -> Served {
    let events = conn
        .domain_events(&[DomainEventId::Lifecycle, DomainEventId::MetadataChange], None)
        .await;
    let mut events = match events {
        Ok(ev) => ev,
        Err(e) => return Served::Lost(e.to_string()),
    };
    let hostname = conn.hostname().await.unwrap_or_default();
    match list_vms(conn).await {
        Ok(vms) => {
            if !report(HostUpdate::AllVms(vms)) {
                return Served::Stop;
            }
        }
        Err(e) => return Served::Lost(e.to_string()),
    }
    if !report(HostUpdate::Connected { hostname }) {
        return Served::Stop;
    }
    loop {
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    if !on_event(conn, ev, report).await {
                        return Served::Stop;
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
                Some(HostRequest::Act { uuid, action }) => {
                    let conn = conn.clone();
                    let report = report.clone();
                    tokio::spawn(async move { act(&conn, &uuid, action, &report).await });
                }
            },
            reason = conn.closed() => return Served::Lost(reason.to_string()),
        }
    }
}

async fn on_event(
    conn: &Connection,
    ev: DomainEvent,
    report: &(impl Fn(HostUpdate) -> bool + Send + Sync),
) -> bool {
    let name = match &ev {
        DomainEvent::Lifecycle { domain, .. } | DomainEvent::MetadataChange { domain, .. } => {
            domain.clone()
        }
        _ => return true,
    };
    match Domain::lookup_by_name(conn, &name).await {
        Ok(dom) => match summarize(&dom, None).await {
            Ok(vm) => report(HostUpdate::Vm(vm)),
            Err(e) => {
                tracing::debug!("cannot describe {name}: {e}");
                true
            }
        },
        Err(_) => {
            // Undefined (or a transient domain that stopped): gone from the host.
            if let DomainEvent::Lifecycle { uuid, .. } = &ev {
                return report(HostUpdate::VmRemoved(uuid.clone()));
            }
            let _ = LifecycleEvent::Undefined;
            true
        }
    }
}

/// Every domain on the host, described for the list.
pub async fn list_vms(conn: &Connection) -> virt_client::Result<Vec<VmSummary>> {
    let (all, persistent, autostart, managed) = tokio::try_join!(
        conn.list_all_domains(0),
        conn.list_all_domains(LIST_PERSISTENT),
        conn.list_all_domains(LIST_AUTOSTART),
        conn.list_all_domains(LIST_MANAGEDSAVE),
    )?;
    let set = |doms: Vec<Domain>| -> HashSet<String> {
        doms.iter().map(|d| d.uuid().to_string()).collect()
    };
    let flags = Flags {
        persistent: set(persistent),
        autostart: set(autostart),
        managed: set(managed),
    };
    let futures = all.iter().map(|d| summarize(d, Some(&flags)));
    let results = futures_util::future::join_all(futures).await;
    let mut vms = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(vm) => vms.push(vm),
            // A domain undefined between the list and its description is simply gone.
            Err(e) if e.is(virt_client::ErrorCode::NoDomain) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(vms)
}

struct Flags {
    persistent: HashSet<String>,
    autostart: HashSet<String>,
    managed: HashSet<String>,
}

async fn summarize(dom: &Domain, flags: Option<&Flags>) -> virt_client::Result<VmSummary> {
    let uuid = dom.uuid().to_string();
    let info = dom.info().await?;
    let title = dom.metadata(METADATA_TITLE, None, 0).await.ok().filter(|t| !t.is_empty());
    let (persistent, autostart, has_managed_save) = match flags {
        Some(f) => (
            f.persistent.contains(&uuid),
            f.autostart.contains(&uuid),
            f.managed.contains(&uuid),
        ),
        None => {
            let persistent = dom.is_persistent().await?;
            let autostart = if persistent { dom.autostart().await.unwrap_or(false) } else { false };
            let managed = if persistent { dom.has_managed_save().await.unwrap_or(false) } else { false };
            (persistent, autostart, managed)
        }
    };
    Ok(VmSummary {
        uuid,
        name: dom.name().to_string(),
        title,
        state: VmState::from_libvirt(info.state.to_raw()),
        vcpus: u32::from(info.nr_virt_cpu),
        memory_kib: if info.memory_kib > 0 { info.memory_kib } else { info.max_mem_kib },
        persistent,
        autostart,
        has_managed_save,
    })
}

async fn act(
    conn: &Connection,
    uuid: &str,
    action: VmAction,
    report: &(impl Fn(HostUpdate) -> bool + Send + Sync),
) {
    report(HostUpdate::Busy { uuid: uuid.to_string(), busy: true });
    let result = perform(conn, uuid, &action).await;
    report(HostUpdate::Busy { uuid: uuid.to_string(), busy: false });
    match result {
        Ok(Some(vm)) => {
            report(HostUpdate::Vm(vm));
        }
        Ok(None) => {
            report(HostUpdate::VmRemoved(uuid.to_string()));
        }
        Err((name, e)) => {
            report(HostUpdate::ActionFailed { name, message: e.to_string() });
        }
    }
}

/// Does `action`; the VM as it is afterwards, or `None` when it no longer exists.
async fn perform(
    conn: &Connection,
    uuid: &str,
    action: &VmAction,
) -> Result<Option<VmSummary>, (String, virt_client::Error)> {
    let parsed = uuid.parse().map_err(|_| {
        (uuid.to_string(), virt_client::Error::violation_public(gettext_f("not a UUID: {}", &[uuid])))
    })?;
    let dom = Domain::lookup_by_uuid(conn, parsed).await.map_err(|e| (uuid.to_string(), e))?;
    let name = dom.name().to_string();
    let wrap = |e| (name.clone(), e);
    let dom = match action {
        VmAction::Run => dom.create(0).await.map_err(wrap)?,
        VmAction::Pause => {
            dom.suspend().await.map_err(wrap)?;
            dom
        }
        VmAction::Resume => {
            dom.resume().await.map_err(wrap)?;
            dom
        }
        VmAction::ShutDown => {
            dom.shutdown(0).await.map_err(wrap)?;
            dom
        }
        VmAction::Reboot => {
            dom.reboot(0).await.map_err(wrap)?;
            dom
        }
        VmAction::Reset => {
            dom.reset(0).await.map_err(wrap)?;
            dom
        }
        VmAction::ForceOff => {
            dom.destroy(0).await.map_err(wrap)?;
            dom
        }
        VmAction::Save => {
            dom.managed_save(0).await.map_err(wrap)?;
            dom
        }
        VmAction::Delete { storage } => {
            delete_storage(conn, storage).await.map_err(wrap)?;
            let flags = UNDEFINE_MANAGED_SAVE | UNDEFINE_SNAPSHOTS_METADATA | UNDEFINE_NVRAM;
            dom.undefine(flags).await.map_err(wrap)?;
            return Ok(None);
        }
        VmAction::Rename(new_name) => dom.rename(new_name).await.map_err(wrap)?,
        VmAction::SetAutostart(on) => {
            dom.set_autostart(*on).await.map_err(wrap)?;
            dom
        }
    };
    match summarize(&dom, None).await {
        Ok(vm) => Ok(Some(vm)),
        Err(e) if e.is(virt_client::ErrorCode::NoDomain) => Ok(None),
        Err(e) => Err((name, e)),
    }
}

async fn delete_storage(conn: &Connection, paths: &[String]) -> virt_client::Result<()> {
    for path in paths {
        let vol = virt_client::storage::StorageVol::lookup_by_path(conn, path).await?;
        vol.delete(0).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(4), Duration::from_secs(16));
        assert_eq!(backoff(5), Duration::from_secs(30));
        assert_eq!(backoff(40), Duration::from_secs(30));
    }
}
