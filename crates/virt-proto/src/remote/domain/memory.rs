//! Domain memory: balloon size, memory statistics, memory tuning, peeking.

use crate::call::Call;
use crate::remote::limits::{
    DOMAIN_MEMORY_PARAMETERS_MAX, DOMAIN_MEMORY_PEEK_BUFFER_MAX, DOMAIN_MEMORY_STATS_MAX,
};
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::{Opaque, limit};
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::DomainSetMemoryParameters`] (`remote_domain_set_memory_parameters_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetMemoryParametersArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_MEMORY_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MEMORY_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetMemoryParameters`] (`remote_domain_get_memory_parameters_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetMemoryParametersArgs {
    pub dom: Domain,
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetMemoryParameters`] (`remote_domain_get_memory_parameters_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetMemoryParametersRet {
    /// At most [`DOMAIN_MEMORY_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MEMORY_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::DomainMemoryStats`] (`remote_domain_memory_stats_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMemoryStatsArgs {
    pub dom: Domain,
    pub max_stats: u32,
    pub flags: u32,
}

/// Wire struct `remote_domain_memory_stat`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMemoryStat {
    pub tag: i32,
    pub val: u64,
}

/// Reply of [`Procedure::DomainMemoryStats`] (`remote_domain_memory_stats_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMemoryStatsRet {
    /// At most [`DOMAIN_MEMORY_STATS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MEMORY_STATS_MAX }>")]
    pub stats: Vec<DomainMemoryStat>,
}

/// Arguments of [`Procedure::DomainMemoryPeek`] (`remote_domain_memory_peek_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMemoryPeekArgs {
    pub dom: Domain,
    pub offset: u64,
    pub size: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainMemoryPeek`] (`remote_domain_memory_peek_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMemoryPeekRet {
    /// At most [`DOMAIN_MEMORY_PEEK_BUFFER_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { DOMAIN_MEMORY_PEEK_BUFFER_MAX }>")]
    pub buffer: Opaque,
}

/// Arguments of [`Procedure::DomainGetMaxMemory`] (`remote_domain_get_max_memory_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetMaxMemoryArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainGetMaxMemory`] (`remote_domain_get_max_memory_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetMaxMemoryRet {
    pub memory: u64,
}

/// Arguments of [`Procedure::DomainSetMaxMemory`] (`remote_domain_set_max_memory_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetMaxMemoryArgs {
    pub dom: Domain,
    pub memory: u64,
}

/// Arguments of [`Procedure::DomainSetMemory`] (`remote_domain_set_memory_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetMemoryArgs {
    pub dom: Domain,
    pub memory: u64,
}

/// Arguments of [`Procedure::DomainSetMemoryFlags`] (`remote_domain_set_memory_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetMemoryFlagsArgs {
    pub dom: Domain,
    pub memory: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSetMemoryStatsPeriod`] (`remote_domain_set_memory_stats_period_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetMemoryStatsPeriodArgs {
    pub dom: Domain,
    pub period: i32,
    pub flags: u32,
}

calls! {
    DomainGetMaxMemoryArgs => DomainGetMaxMemory, DomainGetMaxMemoryRet;
    DomainSetMaxMemoryArgs => DomainSetMaxMemory, ();
    DomainSetMemoryArgs => DomainSetMemory, ();
    DomainMemoryPeekArgs => DomainMemoryPeek, DomainMemoryPeekRet;
    DomainMemoryStatsArgs => DomainMemoryStats, DomainMemoryStatsRet;
    DomainSetMemoryParametersArgs => DomainSetMemoryParameters, ();
    DomainGetMemoryParametersArgs => DomainGetMemoryParameters, DomainGetMemoryParametersRet;
    DomainSetMemoryFlagsArgs => DomainSetMemoryFlags, ();
    DomainSetMemoryStatsPeriodArgs => DomainSetMemoryStatsPeriod, ();
}
