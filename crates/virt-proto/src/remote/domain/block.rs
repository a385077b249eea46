//! Domain disks: block statistics, jobs, resizing, copying, I/O tuning.

use crate::call::Call;
use crate::remote::limits::{
    DOMAIN_BLOCK_COPY_PARAMETERS_MAX, DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX,
    DOMAIN_BLOCK_PEEK_BUFFER_MAX, DOMAIN_BLOCK_STATS_PARAMETERS_MAX, DOMAIN_DISK_ERRORS_MAX,
};
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::{Opaque, limit};
use serde::{Deserialize, Serialize};

/// Wire struct `remote_domain_disk_error`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDiskError {
    pub disk: String,
    pub error: i32,
}

/// Arguments of [`Procedure::DomainBlockResize`] (`remote_domain_block_resize_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockResizeArgs {
    pub dom: Domain,
    pub disk: String,
    pub size: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainBlockStats`] (`remote_domain_block_stats_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockStatsArgs {
    pub dom: Domain,
    pub path: String,
}

/// Reply of [`Procedure::DomainBlockStats`] (`remote_domain_block_stats_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockStatsRet {
    pub rd_req: i64,
    pub rd_bytes: i64,
    pub wr_req: i64,
    pub wr_bytes: i64,
    pub errs: i64,
}

/// Arguments of [`Procedure::DomainBlockStatsFlags`] (`remote_domain_block_stats_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockStatsFlagsArgs {
    pub dom: Domain,
    pub path: String,
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainBlockStatsFlags`] (`remote_domain_block_stats_flags_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainBlockStatsFlagsRet {
    /// At most [`DOMAIN_BLOCK_STATS_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_BLOCK_STATS_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::DomainBlockPeek`] (`remote_domain_block_peek_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockPeekArgs {
    pub dom: Domain,
    pub path: String,
    pub offset: u64,
    pub size: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainBlockPeek`] (`remote_domain_block_peek_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockPeekRet {
    /// At most [`DOMAIN_BLOCK_PEEK_BUFFER_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { DOMAIN_BLOCK_PEEK_BUFFER_MAX }>")]
    pub buffer: Opaque,
}

/// Arguments of [`Procedure::DomainGetBlockInfo`] (`remote_domain_get_block_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetBlockInfoArgs {
    pub dom: Domain,
    pub path: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetBlockInfo`] (`remote_domain_get_block_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetBlockInfoRet {
    pub allocation: u64,
    pub capacity: u64,
    pub physical: u64,
}

/// Arguments of [`Procedure::DomainBlockJobAbort`] (`remote_domain_block_job_abort_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockJobAbortArgs {
    pub dom: Domain,
    pub path: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetBlockJobInfo`] (`remote_domain_get_block_job_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetBlockJobInfoArgs {
    pub dom: Domain,
    pub path: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetBlockJobInfo`] (`remote_domain_get_block_job_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetBlockJobInfoRet {
    pub found: i32,
    pub type_: i32,
    pub bandwidth: u64,
    pub cur: u64,
    pub end: u64,
}

/// Arguments of [`Procedure::DomainBlockJobSetSpeed`] (`remote_domain_block_job_set_speed_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockJobSetSpeedArgs {
    pub dom: Domain,
    pub path: String,
    pub bandwidth: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainBlockPull`] (`remote_domain_block_pull_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockPullArgs {
    pub dom: Domain,
    pub path: String,
    pub bandwidth: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainBlockRebase`] (`remote_domain_block_rebase_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockRebaseArgs {
    pub dom: Domain,
    pub path: String,
    pub base: Option<String>,
    pub bandwidth: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainBlockCopy`] (`remote_domain_block_copy_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainBlockCopyArgs {
    pub dom: Domain,
    pub path: String,
    pub destxml: String,
    /// At most [`DOMAIN_BLOCK_COPY_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_BLOCK_COPY_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainBlockCommit`] (`remote_domain_block_commit_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainBlockCommitArgs {
    pub dom: Domain,
    pub disk: String,
    pub base: Option<String>,
    pub top: Option<String>,
    pub bandwidth: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSetBlockIoTune`] (`remote_domain_set_block_io_tune_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetBlockIoTuneArgs {
    pub dom: Domain,
    pub disk: String,
    /// At most [`DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetBlockIoTune`] (`remote_domain_get_block_io_tune_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetBlockIoTuneArgs {
    pub dom: Domain,
    pub disk: Option<String>,
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetBlockIoTune`] (`remote_domain_get_block_io_tune_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetBlockIoTuneRet {
    /// At most [`DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::DomainGetDiskErrors`] (`remote_domain_get_disk_errors_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetDiskErrorsArgs {
    pub dom: Domain,
    pub maxerrors: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetDiskErrors`] (`remote_domain_get_disk_errors_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetDiskErrorsRet {
    /// At most [`DOMAIN_DISK_ERRORS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_DISK_ERRORS_MAX }>")]
    pub errors: Vec<DomainDiskError>,
    pub nerrors: i32,
}

/// Arguments of [`Procedure::DomainSetBlockThreshold`] (`remote_domain_set_block_threshold_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetBlockThresholdArgs {
    pub dom: Domain,
    pub dev: String,
    pub threshold: u64,
    pub flags: u32,
}

calls! {
    DomainBlockStatsArgs => DomainBlockStats, DomainBlockStatsRet;
    DomainBlockPeekArgs => DomainBlockPeek, DomainBlockPeekRet;
    DomainGetBlockInfoArgs => DomainGetBlockInfo, DomainGetBlockInfoRet;
    DomainBlockJobAbortArgs => DomainBlockJobAbort, ();
    DomainGetBlockJobInfoArgs => DomainGetBlockJobInfo, DomainGetBlockJobInfoRet;
    DomainBlockJobSetSpeedArgs => DomainBlockJobSetSpeed, ();
    DomainBlockPullArgs => DomainBlockPull, ();
    DomainBlockStatsFlagsArgs => DomainBlockStatsFlags, DomainBlockStatsFlagsRet;
    DomainBlockResizeArgs => DomainBlockResize, ();
    DomainSetBlockIoTuneArgs => DomainSetBlockIoTune, ();
    DomainGetBlockIoTuneArgs => DomainGetBlockIoTune, DomainGetBlockIoTuneRet;
    DomainGetDiskErrorsArgs => DomainGetDiskErrors, DomainGetDiskErrorsRet;
    DomainBlockRebaseArgs => DomainBlockRebase, ();
    DomainBlockCommitArgs => DomainBlockCommit, ();
    DomainBlockCopyArgs => DomainBlockCopy, ();
    DomainSetBlockThresholdArgs => DomainSetBlockThreshold, ();
}
