//! `HostSession`: one per connection. Owns the client, follows domain events, carries out
//! lifecycle actions, and reconnects with back-off when the connection drops.
//!
//! It runs on tokio (started from a relm4 command) and reports to the UI through a callback
//! of [`HostUpdate`]s; the UI talks to it with [`HostRequest`]s over a channel.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tokio::sync::mpsc;
use virt_client::{Connection, Domain, DomainEvent, DomainEventId, DomainStats};

use super::model::{VmAction, VmState, VmSummary};
use super::sampler::{self, SamplerHandle};
use crate::i18n::gettext;

/// What the UI learns from a session.
#[derive(Debug, Clone)]
pub enum HostUpdate {
    /// Opening the connection.
    Connecting,
    /// Connected; the VM list has been sent.
    Connected {
        /// What the host is.
        details: HostDetails,
        /// The connection, for views that talk to the host themselves (consoles, editors).
        connection: Connection,
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
    /// The host asks for a user name, password or passphrase; answer through the request.
    AskCredential(CredentialAsk),
    /// An action failed; the message is libvirt's.
    ActionFailed {
        /// The VM's name.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// A statistics tick from the sampler (see [`super::sampler`]).
    Stats(std::sync::Arc<super::sampler::StatsTick>),
}

pub use super::prompt::CredentialAsk;
use super::prompt::UiPrompt;

/// What a host is: shown in the connection's details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostDetails {
    /// Host name.
    pub hostname: String,
    /// Hypervisor driver (`QEMU`, `Test`…).
    pub hypervisor: String,
    /// Hypervisor version, `major.minor.micro`.
    pub hypervisor_version: String,
    /// libvirt's version on the host.
    pub libvirt_version: String,
    /// CPU model.
    pub cpu_model: String,
    /// Active host CPUs.
    pub cpus: u32,
    /// Host memory in KiB.
    pub memory_kib: u64,
}

fn version_text(v: u64) -> String {
    let (major, minor, micro) = virt_client::split_version(v);
    format!("{major}.{minor}.{micro}")
}

async fn host_details(conn: &Connection) -> HostDetails {
    let (hostname, hypervisor, hv, lib, node) = tokio::join!(
        conn.hostname(),
        conn.get_type(),
        conn.version(),
        conn.lib_version(),
        conn.node_info(),
    );
    let node = node.ok();
    HostDetails {
        hostname: hostname.unwrap_or_default(),
        hypervisor: hypervisor.unwrap_or_default(),
        hypervisor_version: hv.map(version_text).unwrap_or_default(),
        libvirt_version: lib.map(version_text).unwrap_or_default(),
        cpu_model: node.as_ref().map(|n| n.model.clone()).unwrap_or_default(),
        cpus: node.as_ref().map_or(0, |n| n.cpus),
        memory_kib: node.as_ref().map_or(0, |n| n.memory_kib),
    }
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
    requests: mpsc::UnboundedReceiver<HostRequest>,
    report: impl Fn(HostUpdate) -> bool + Send + Sync + Clone + 'static,
) {
    run_with(uri, requests, SamplerHandle::new(), report).await;
}

/// Like [`run`], with a statistics sampler that reports [`HostUpdate::Stats`] while `sampler`
/// has subscribers (across reconnects).
pub async fn run_with(
    uri: String,
    mut requests: mpsc::UnboundedReceiver<HostRequest>,
    sampler: SamplerHandle,
    report: impl Fn(HostUpdate) -> bool + Send + Sync + Clone + 'static,
) {
    let mut attempt = 0u32;
    let (target, read_only) = split_read_only(&uri);
    let ui_prompt =
        std::sync::Arc::new(UiPrompt::new(std::sync::Arc::new(report.clone()), &target));
    let prompt: std::sync::Arc<dyn virt_client::CredentialPrompt> = ui_prompt.clone();
    loop {
        if !report(HostUpdate::Connecting) {
            return;
        }
        let mut options = virt_client::ConnectOptions::new()
            .read_only(read_only)
            .with_credentials(prompt.clone());
        // ssh asks for passwords and passphrases through this binary (or the one named in
        // HANGAR_ASKPASS), which forwards the question to the running app.
        let askpass = std::env::var_os("HANGAR_ASKPASS")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::current_exe().ok());
        if let Some(exe) = askpass {
            options = options.askpass_program(exe);
        }
        let opened = Connection::open_with(&target, options).await;
        ui_prompt.finish(opened.as_ref().map(|_| ())).await;
        let reason = match opened {
            Ok(conn) => {
                crate::startup::mark("connection-opened");
                attempt = 0;
                let stats = {
                    let report = report.clone();
                    tokio::spawn(sampler::run(conn.clone(), sampler.clone(), move |tick| {
                        report(HostUpdate::Stats(std::sync::Arc::new(tick)))
                    }))
                };
                let served = serve(&conn, &mut requests, &report).await;
                stats.abort();
                match served {
                    Served::Stop => {
                        let _ = conn.close().await;
                        report(HostUpdate::Disconnected);
                        return;
                    }
                    Served::Lost(reason) => reason,
                }
            }
            Err(e) if super::errors::is_permanent(&e) => {
                report(HostUpdate::Failed(super::errors::describe(&e)));
                // Wait for the user to remove or retry the connection.
                while let Some(req) = requests.recv().await {
                    if matches!(req, HostRequest::Disconnect) {
                        break;
                    }
                }
                return;
            }
            Err(e) => super::errors::describe(&e),
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

/// Hangar marks read-only connections with `readonly=1` in the saved URI; libvirt's URIs have
/// no such parameter, so it is taken out before connecting.
pub fn split_read_only(uri: &str) -> (String, bool) {
    let Some((base, query)) = uri.split_once('?') else {
        return (uri.to_string(), false);
    };
    let mut read_only = false;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|p| {
            let ro = matches!(*p, "readonly=1" | "readonly");
            read_only |= ro;
            !ro && !p.is_empty()
        })
        .collect();
    if rest.is_empty() {
        (base.to_string(), read_only)
    } else {
        (format!("{base}?{}", rest.join("&")), read_only)
    }
}

enum Served {
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

async fn serve(
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
    match list_vms(conn).await {
        Ok(listed) => {
            crate::startup::mark("list-read");
            let mut vms = Vec::with_capacity(listed.len());
            for (dom, vm) in listed {
                known.insert(dom);
                vms.push(vm);
            }
            if !report(HostUpdate::AllVms(vms)) {
                return Served::Stop;
            }
        }
        Err(e) => return Served::Lost(e.to_string()),
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
                    let dom = known.doms.get(&uuid).cloned();
                    let report = report.clone();
                    tokio::spawn(async move { act(dom, &uuid, action, &report).await });
                }
            },
            reason = conn.closed() => return Served::Lost(reason.to_string()),
        }
    }
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

const STATS_STATE: u32 = 1;
const STATS_BALLOON: u32 = 4;
const STATS_VCPU: u32 = 8;

/// Every domain on the host, described for the list: one bulk stats call for state, vCPUs and
/// memory, three filtered list calls for persistence, autostart and saved state, and the
/// titles (pipelined on the one connection).
pub async fn list_vms(conn: &Connection) -> virt_client::Result<Vec<(Domain, VmSummary)>> {
    let (stats, persistent, autostart, managed) = tokio::try_join!(
        conn.all_domain_stats(&[], STATS_STATE | STATS_BALLOON | STATS_VCPU, 0),
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
    let mut tasks = tokio::task::JoinSet::new();
    for (i, record) in stats.into_iter().enumerate() {
        let vm = from_stats(&record, &flags);
        let known = flags.of(&record.domain.uuid().to_string());
        tasks.spawn(async move {
            let dom = record.domain;
            let vm = match vm {
                Some(mut vm) => {
                    vm.title = title(&dom).await;
                    vm
                }
                // Drivers without vCPU or balloon statistics (the test driver): the info
                // call gives them, alongside the title.
                None => summarize(&dom, Some(known)).await?,
            };
            Ok::<_, virt_client::Error>((i, dom, vm))
        });
    }
    let mut out = Vec::with_capacity(tasks.len());
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(item)) => out.push(item),
            // A domain undefined between the list and its description is simply gone.
            Ok(Err(e)) if e.is(virt_client::ErrorCode::NO_DOMAIN) => {}
            Ok(Err(e)) => return Err(e),
            Err(e) => tracing::warn!("describing a domain failed: {e}"),
        }
    }
    out.sort_by_key(|(i, _, _)| *i);
    Ok(out.into_iter().map(|(_, dom, vm)| (dom, vm)).collect())
}

fn from_stats(record: &DomainStats, flags: &Flags) -> Option<VmSummary> {
    let uuid = record.domain.uuid().to_string();
    let state = record.get_u64("state.state")?;
    let vcpus = record
        .get_u64("vcpu.current")
        .or_else(|| record.get_u64("vcpu.maximum"))?;
    let memory_kib = record
        .get_u64("balloon.current")
        .or_else(|| record.get_u64("balloon.maximum"))?;
    Some(VmSummary {
        name: record.domain.name().to_string(),
        title: None,
        state: VmState::from_libvirt(i32::try_from(state).unwrap_or(0)),
        vcpus: u32::try_from(vcpus).unwrap_or(u32::MAX),
        memory_kib,
        persistent: flags.persistent.contains(&uuid),
        autostart: flags.autostart.contains(&uuid),
        has_managed_save: flags.managed.contains(&uuid),
        uuid,
    })
}

async fn title(dom: &Domain) -> Option<String> {
    dom.metadata(METADATA_TITLE, None, 0)
        .await
        .ok()
        .filter(|t| !t.is_empty())
}

struct Flags {
    persistent: HashSet<String>,
    autostart: HashSet<String>,
    managed: HashSet<String>,
}

/// Whether a domain is persistent, autostarts and has a saved state.
#[derive(Debug, Clone, Copy)]
struct Persistence {
    persistent: bool,
    autostart: bool,
    managed: bool,
}

impl Flags {
    fn of(&self, uuid: &str) -> Persistence {
        Persistence {
            persistent: self.persistent.contains(uuid),
            autostart: self.autostart.contains(uuid),
            managed: self.managed.contains(uuid),
        }
    }
}

/// Describes `dom` with its info call and title (together), and unless `known` tells them, the
/// calls for persistence, autostart and saved state.
async fn summarize(dom: &Domain, known: Option<Persistence>) -> virt_client::Result<VmSummary> {
    let uuid = dom.uuid().to_string();
    let (info, title) = tokio::join!(dom.info(), title(dom));
    let info = info?;
    let Persistence {
        persistent,
        autostart,
        managed: has_managed_save,
    } = match known {
        Some(known) => known,
        None => {
            let persistent = dom.is_persistent().await?;
            let autostart = if persistent {
                dom.autostart().await.unwrap_or(false)
            } else {
                false
            };
            let managed = if persistent {
                dom.has_managed_save().await.unwrap_or(false)
            } else {
                false
            };
            Persistence {
                persistent,
                autostart,
                managed,
            }
        }
    };
    Ok(VmSummary {
        uuid,
        name: dom.name().to_string(),
        title,
        state: state_of(info.state),
        vcpus: info.nr_virt_cpu,
        memory_kib: if info.memory_kib > 0 {
            info.memory_kib
        } else {
            info.max_mem_kib
        },
        persistent,
        autostart,
        has_managed_save,
    })
}

fn state_of(s: virt_client::DomainState) -> VmState {
    use virt_client::DomainState as D;
    match s {
        D::NoState | D::Other(_) => VmState::NoState,
        D::Running => VmState::Running,
        D::Blocked => VmState::Blocked,
        D::Paused => VmState::Paused,
        D::Shutdown => VmState::ShuttingDown,
        D::Shutoff => VmState::ShutOff,
        D::Crashed => VmState::Crashed,
        D::PmSuspended => VmState::PmSuspended,
    }
}

async fn act(
    dom: Option<Domain>,
    uuid: &str,
    action: VmAction,
    report: &(impl Fn(HostUpdate) -> bool + Send + Sync),
) {
    let Some(dom) = dom else {
        report(HostUpdate::ActionFailed {
            name: uuid.to_string(),
            message: gettext("This virtual machine no longer exists."),
        });
        return;
    };
    report(HostUpdate::Busy {
        uuid: uuid.to_string(),
        busy: true,
    });
    let result = perform(dom, &action).await;
    report(HostUpdate::Busy {
        uuid: uuid.to_string(),
        busy: false,
    });
    match result {
        Ok(Some(vm)) => {
            report(HostUpdate::Vm(vm));
        }
        Ok(None) => {
            report(HostUpdate::VmRemoved(uuid.to_string()));
        }
        Err((name, e)) => {
            report(HostUpdate::ActionFailed {
                name,
                message: e.to_string(),
            });
        }
    }
}

/// Does `action`; the VM as it is afterwards, or `None` when it no longer exists.
async fn perform(
    dom: Domain,
    action: &VmAction,
) -> Result<Option<VmSummary>, (String, virt_client::Error)> {
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
            delete_storage(dom.connection(), storage)
                .await
                .map_err(wrap)?;
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
        Err(e) if e.is(virt_client::ErrorCode::NO_DOMAIN) => Ok(None),
        Err(e) => Err((name, e)),
    }
}

/// Paths of the disks (not CD-ROMs or floppies) of the domain `name`, which Delete can remove
/// with it.
pub async fn disk_paths(conn: &Connection, name: &str) -> virt_client::Result<Vec<String>> {
    const XML_INACTIVE: u32 = 2;
    let dom = Domain::lookup_by_name(conn, name).await?;
    let xml = dom.xml_desc(XML_INACTIVE).await?;
    let Ok(doc) = virt_xml::DomainXml::parse(&xml) else {
        return Ok(Vec::new());
    };
    let Some(devices) = doc.root().devices(&doc) else {
        return Ok(Vec::new());
    };
    Ok(devices
        .disks(&doc)
        .into_iter()
        .filter(|d| d.device(&doc).as_deref().unwrap_or("disk") == "disk")
        .filter_map(|d| match d.source(&doc) {
            Ok(virt_xml::domain::DiskSource::File(p) | virt_xml::domain::DiskSource::Block(p)) => {
                Some(p)
            }
            _ => None,
        })
        .collect())
}

async fn delete_storage(conn: &Connection, paths: &[String]) -> virt_client::Result<()> {
    for path in paths {
        virt_client::StorageVol::lookup_by_path(conn, path)
            .await?
            .delete()
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{backoff, split_read_only};

    #[test]
    fn read_only_marker_is_taken_out() {
        assert_eq!(
            split_read_only("qemu:///system"),
            ("qemu:///system".into(), false)
        );
        assert_eq!(
            split_read_only("qemu:///system?readonly=1"),
            ("qemu:///system".into(), true)
        );
        assert_eq!(
            split_read_only("qemu+unix:///system?socket=/s&readonly=1"),
            ("qemu+unix:///system?socket=/s".into(), true)
        );
    }
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
