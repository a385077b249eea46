//! Statistics of a domain's background job (migration, save, dump, backup…): what
//! `DOMAIN_GET_JOB_STATS` reports, typed, with the raw parameters kept.

use virt_proto::remote as p;

use super::Domain;
use crate::TypedParam;
use crate::error::Result;

/// `VIR_DOMAIN_JOB_STATS_COMPLETED`: the statistics of the last completed job.
pub const JOB_STATS_COMPLETED: u32 = 1;
/// `VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED`: do not forget them while reading them.
pub const JOB_STATS_KEEP_COMPLETED: u32 = 2;

/// The kind of job (`virDomainJobType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobType {
    /// No job (`VIR_DOMAIN_JOB_NONE`).
    None,
    /// A job with a known end (`BOUNDED`).
    Bounded,
    /// A job without a known end, such as a migration (`UNBOUNDED`).
    Unbounded,
    /// The job completed (`COMPLETED`, only with [`JOB_STATS_COMPLETED`]).
    Completed,
    /// The job failed (`FAILED`).
    Failed,
    /// The job was cancelled (`CANCELLED`).
    Cancelled,
    /// A number this client does not know.
    Other(i32),
}

impl JobType {
    /// From the wire value.
    pub fn from_raw(v: i32) -> Self {
        match v {
            0 => Self::None,
            1 => Self::Bounded,
            2 => Self::Unbounded,
            3 => Self::Completed,
            4 => Self::Failed,
            5 => Self::Cancelled,
            n => Self::Other(n),
        }
    }

    /// The word virsh prints for it.
    pub fn virsh_name(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Bounded => "Bounded",
            Self::Unbounded => "Unbounded",
            Self::Completed => "Completed",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
            Self::Other(_) => "unknown",
        }
    }

    /// Whether a job is in progress.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Bounded | Self::Unbounded)
    }
}

/// A domain job's statistics. Absent parameters read as `None`; every parameter the daemon
/// sent is in [`params`](Self::params), in its order.
#[derive(Debug, Clone, PartialEq)]
pub struct JobStats {
    /// What kind of job.
    pub job_type: JobType,
    /// `operation` (`VIR_DOMAIN_JOB_OPERATION_*`: 4 incoming, 5 outgoing migration…).
    pub operation: Option<i32>,
    /// `time_elapsed`, ms.
    pub time_elapsed_ms: Option<u64>,
    /// `time_remaining`, ms (bounded jobs).
    pub time_remaining_ms: Option<u64>,
    /// `downtime`, ms: expected while running, real once completed.
    pub downtime_ms: Option<u64>,
    /// `setup_time`, ms.
    pub setup_time_ms: Option<u64>,
    /// `data_total`, bytes.
    pub data_total: Option<u64>,
    /// `data_processed`, bytes.
    pub data_processed: Option<u64>,
    /// `data_remaining`, bytes.
    pub data_remaining: Option<u64>,
    /// `memory_total`, bytes.
    pub memory_total: Option<u64>,
    /// `memory_processed`, bytes.
    pub memory_processed: Option<u64>,
    /// `memory_remaining`, bytes.
    pub memory_remaining: Option<u64>,
    /// `memory_bps`, bytes per second.
    pub memory_bps: Option<u64>,
    /// `memory_dirty_rate`, pages per second.
    pub memory_dirty_rate: Option<u64>,
    /// `memory_iteration`: how many passes over memory.
    pub memory_iteration: Option<u64>,
    /// `disk_total`, bytes (storage copied along).
    pub disk_total: Option<u64>,
    /// `disk_processed`, bytes.
    pub disk_processed: Option<u64>,
    /// `disk_remaining`, bytes.
    pub disk_remaining: Option<u64>,
    /// `auto_converge_throttle`, percent of vCPU time taken away.
    pub auto_converge_throttle: Option<i32>,
    /// `success` (completed jobs).
    pub success: Option<bool>,
    /// `errmsg` (failed jobs).
    pub error_message: Option<String>,
    /// Every parameter, as sent.
    pub params: Vec<TypedParam>,
}

impl JobStats {
    /// Types the reply of `DOMAIN_GET_JOB_STATS`.
    pub fn from_params(job_type: i32, params: Vec<TypedParam>) -> Self {
        let find = |name: &str| params.iter().find(|p| p.field == name).map(|p| &p.value);
        let u = |name: &str| find(name).and_then(|v| v.as_u64());
        JobStats {
            job_type: JobType::from_raw(job_type),
            operation: find("operation")
                .and_then(|v| v.as_i64())
                .and_then(|v| i32::try_from(v).ok()),
            time_elapsed_ms: u("time_elapsed"),
            time_remaining_ms: u("time_remaining"),
            downtime_ms: u("downtime"),
            setup_time_ms: u("setup_time"),
            data_total: u("data_total"),
            data_processed: u("data_processed"),
            data_remaining: u("data_remaining"),
            memory_total: u("memory_total"),
            memory_processed: u("memory_processed"),
            memory_remaining: u("memory_remaining"),
            memory_bps: u("memory_bps"),
            memory_dirty_rate: u("memory_dirty_rate"),
            memory_iteration: u("memory_iteration"),
            disk_total: u("disk_total"),
            disk_processed: u("disk_processed"),
            disk_remaining: u("disk_remaining"),
            auto_converge_throttle: find("auto_converge_throttle")
                .and_then(|v| v.as_i64())
                .and_then(|v| i32::try_from(v).ok()),
            success: find("success").and_then(|v| v.as_bool()),
            error_message: find("errmsg").and_then(|v| v.as_str()).map(Into::into),
            params,
        }
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&crate::TypedParamValue> {
        self.params
            .iter()
            .find(|p| p.field == name)
            .map(|p| &p.value)
    }

    /// How far the job is, 0.0 to 1.0, from data processed against data in total.
    pub fn progress(&self) -> Option<f64> {
        let total = self.data_total.filter(|t| *t > 0)?;
        let done = total.saturating_sub(self.data_remaining.unwrap_or(0));
        Some(done as f64 / total as f64)
    }
}

impl Domain {
    /// Statistics of the current job, or with [`JOB_STATS_COMPLETED`] of the last completed
    /// one (which the daemon then forgets unless [`JOB_STATS_KEEP_COMPLETED`] is added).
    pub async fn job_stats(&self, flags: u32) -> Result<JobStats> {
        let r = self
            .conn
            .call(&p::DomainGetJobStatsArgs {
                dom: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(JobStats::from_params(r.type_, r.params))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TypedParamValue as V;

    #[test]
    fn typed_fields_come_from_their_parameters() {
        let s = JobStats::from_params(
            2,
            vec![
                TypedParam::new("operation", V::Int(5)),
                TypedParam::new("time_elapsed", V::ULLong(1500)),
                TypedParam::new("data_total", V::ULLong(1000)),
                TypedParam::new("data_remaining", V::ULLong(250)),
                TypedParam::new("downtime", V::ULLong(300)),
                TypedParam::new("errmsg", V::String("x".into())),
            ],
        );
        assert_eq!(s.job_type, JobType::Unbounded);
        assert!(s.job_type.is_active());
        assert_eq!(s.operation, Some(5));
        assert_eq!(s.time_elapsed_ms, Some(1500));
        assert_eq!(s.downtime_ms, Some(300));
        assert_eq!(s.memory_total, None);
        assert_eq!(s.error_message.as_deref(), Some("x"));
        assert_eq!(s.progress(), Some(0.75));
        assert_eq!(JobType::from_raw(9), JobType::Other(9));
    }
}
