//! Domain state, info and job info.

use virt_proto::remote as p;

use super::Domain;
use crate::error::Result;

/// A domain's state (`virDomainState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainState {
    /// `VIR_DOMAIN_NOSTATE`.
    NoState,
    /// `VIR_DOMAIN_RUNNING`.
    Running,
    /// `VIR_DOMAIN_BLOCKED`: blocked on a resource.
    Blocked,
    /// `VIR_DOMAIN_PAUSED`.
    Paused,
    /// `VIR_DOMAIN_SHUTDOWN`: being shut down.
    Shutdown,
    /// `VIR_DOMAIN_SHUTOFF`.
    Shutoff,
    /// `VIR_DOMAIN_CRASHED`.
    Crashed,
    /// `VIR_DOMAIN_PMSUSPENDED`: suspended by guest power management.
    PmSuspended,
    /// A state number this client does not know.
    Other(i32),
}

impl DomainState {
    /// From the wire value.
    pub fn from_raw(v: i32) -> Self {
        match v {
            0 => Self::NoState,
            1 => Self::Running,
            2 => Self::Blocked,
            3 => Self::Paused,
            4 => Self::Shutdown,
            5 => Self::Shutoff,
            6 => Self::Crashed,
            7 => Self::PmSuspended,
            n => Self::Other(n),
        }
    }

    /// The words virsh prints for this state.
    pub fn virsh_name(self) -> &'static str {
        match self {
            Self::NoState => "no state",
            Self::Running => "running",
            Self::Blocked => "idle",
            Self::Paused => "paused",
            Self::Shutdown => "in shutdown",
            Self::Shutoff => "shut off",
            Self::Crashed => "crashed",
            Self::PmSuspended => "pmsuspended",
            Self::Other(_) => "unknown",
        }
    }
}

/// `virDomainInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DomainInfo {
    /// State.
    pub state: DomainState,
    /// Most memory the domain may use, KiB.
    pub max_mem_kib: u64,
    /// Memory in use, KiB.
    pub memory_kib: u64,
    /// Virtual CPUs.
    pub nr_virt_cpu: u32,
    /// CPU time used, ns.
    pub cpu_time_ns: u64,
}

/// `virDomainJobInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobInfo {
    /// `VIR_DOMAIN_JOB_*`: 0 none, 1 bounded, 2 unbounded, 3 completed, 4 failed, 5 cancelled.
    pub job_type: i32,
    /// ms elapsed.
    pub time_elapsed: u64,
    /// ms remaining (bounded jobs).
    pub time_remaining: u64,
    /// Bytes in total, processed, remaining.
    pub data: (u64, u64, u64),
    /// Memory bytes in total, processed, remaining.
    pub mem: (u64, u64, u64),
    /// File bytes in total, processed, remaining.
    pub file: (u64, u64, u64),
}

impl Domain {
    /// State, memory, vCPUs and CPU time.
    pub async fn info(&self) -> Result<DomainInfo> {
        let r = self
            .conn
            .call(&p::DomainGetInfoArgs {
                dom: self.raw.clone(),
            })
            .await?;
        Ok(DomainInfo {
            state: DomainState::from_raw(i32::from(r.state)),
            max_mem_kib: r.max_mem,
            memory_kib: r.memory,
            nr_virt_cpu: u32::from(r.nr_virt_cpu),
            cpu_time_ns: r.cpu_time,
        })
    }

    /// State and the reason for it (`VIR_DOMAIN_<STATE>_*` reason numbers).
    pub async fn state(&self) -> Result<(DomainState, i32)> {
        let r = self
            .conn
            .call(&p::DomainGetStateArgs {
                dom: self.raw.clone(),
                flags: 0,
            })
            .await?;
        Ok((DomainState::from_raw(r.state), r.reason))
    }

    /// Whether the domain runs.
    pub async fn is_active(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::DomainIsActiveArgs {
                dom: self.raw.clone(),
            })
            .await?;
        Ok(r.active != 0)
    }

    /// Whether the domain has a persistent definition.
    pub async fn is_persistent(&self) -> Result<bool> {
        let r = self
            .conn
            .call(&p::DomainIsPersistentArgs {
                dom: self.raw.clone(),
            })
            .await?;
        Ok(r.persistent != 0)
    }

    /// The OS type (`hvm`, `linux`, …).
    pub async fn os_type(&self) -> Result<String> {
        let r = self
            .conn
            .call(&p::DomainGetOsTypeArgs {
                dom: self.raw.clone(),
            })
            .await?;
        Ok(r.type_)
    }

    /// Progress of the current job.
    pub async fn job_info(&self) -> Result<JobInfo> {
        let r = self
            .conn
            .call(&p::DomainGetJobInfoArgs {
                dom: self.raw.clone(),
            })
            .await?;
        Ok(JobInfo {
            job_type: r.type_,
            time_elapsed: r.time_elapsed,
            time_remaining: r.time_remaining,
            data: (r.data_total, r.data_processed, r.data_remaining),
            mem: (r.mem_total, r.mem_processed, r.mem_remaining),
            file: (r.file_total, r.file_processed, r.file_remaining),
        })
    }
}
