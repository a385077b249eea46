//! Domain jobs: progress, statistics, abort, backup.

use crate::call::Call;
use crate::remote::limits::DOMAIN_JOB_STATS_MAX;
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::DomainGetJobInfo`] (`remote_domain_get_job_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetJobInfoArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainGetJobInfo`] (`remote_domain_get_job_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetJobInfoRet {
    pub type_: i32,
    pub time_elapsed: u64,
    pub time_remaining: u64,
    pub data_total: u64,
    pub data_processed: u64,
    pub data_remaining: u64,
    pub mem_total: u64,
    pub mem_processed: u64,
    pub mem_remaining: u64,
    pub file_total: u64,
    pub file_processed: u64,
    pub file_remaining: u64,
}

/// Arguments of [`Procedure::DomainGetJobStats`] (`remote_domain_get_job_stats_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetJobStatsArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetJobStats`] (`remote_domain_get_job_stats_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetJobStatsRet {
    pub type_: i32,
    /// At most [`DOMAIN_JOB_STATS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_JOB_STATS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Arguments of [`Procedure::DomainAbortJob`] (`remote_domain_abort_job_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAbortJobArgs {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainAbortJobFlags`] (`remote_domain_abort_job_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAbortJobFlagsArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetControlInfo`] (`remote_domain_get_control_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetControlInfoArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetControlInfo`] (`remote_domain_get_control_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetControlInfoRet {
    pub state: u32,
    pub details: u32,
    pub state_time: u64,
}

/// Arguments of [`Procedure::DomainBackupBegin`] (`remote_domain_backup_begin_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBackupBeginArgs {
    pub dom: Domain,
    pub backup_xml: String,
    pub checkpoint_xml: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainBackupGetXmlDesc`] (`remote_domain_backup_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBackupGetXmlDescArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainBackupGetXmlDesc`] (`remote_domain_backup_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBackupGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::DomainStartDirtyRateCalc`] (`remote_domain_start_dirty_rate_calc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainStartDirtyRateCalcArgs {
    pub dom: Domain,
    pub seconds: i32,
    pub flags: u32,
}

calls! {
    DomainGetJobInfoArgs => DomainGetJobInfo, DomainGetJobInfoRet;
    DomainAbortJobArgs => DomainAbortJob, ();
    DomainGetControlInfoArgs => DomainGetControlInfo, DomainGetControlInfoRet;
    DomainGetJobStatsArgs => DomainGetJobStats, DomainGetJobStatsRet;
    DomainBackupBeginArgs => DomainBackupBegin, ();
    DomainBackupGetXmlDescArgs => DomainBackupGetXmlDesc, DomainBackupGetXmlDescRet;
    DomainStartDirtyRateCalcArgs => DomainStartDirtyRateCalc, ();
    DomainAbortJobFlagsArgs => DomainAbortJobFlags, ();
}
