//! Listing a host's VMs for the UI (one bulk statistics call plus filtered lists, with a
//! per-domain fallback) and reading what the host itself is.

use std::collections::HashSet;

use virt_client::{Connection, Domain, DomainStats};

use crate::session::model::{VmState, VmSummary};

const LIST_PERSISTENT: u32 = 4;
const LIST_MANAGEDSAVE: u32 = 256;
const LIST_AUTOSTART: u32 = 1024;
const METADATA_TITLE: i32 = 1;

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

pub(super) async fn host_details(conn: &Connection) -> HostDetails {
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
pub(super) struct Persistence {
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
pub(super) async fn summarize(
    dom: &Domain,
    known: Option<Persistence>,
) -> virt_client::Result<VmSummary> {
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
