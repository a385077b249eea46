//! Domain vCPUs, CPU pinning, I/O threads, scheduler, NUMA and perf events.

use crate::call::Call;
use crate::remote::limits::{
    CPUMAP_MAX, CPUMAPS_MAX, DOMAIN_GET_CPU_STATS_MAX, DOMAIN_GUEST_VCPU_PARAMS_MAX,
    DOMAIN_IOTHREAD_PARAMS_MAX, DOMAIN_NUMA_PARAMETERS_MAX, DOMAIN_PERF_EVENTS_MAX,
    DOMAIN_SCHEDULER_PARAMETERS_MAX, IOTHREAD_INFO_MAX, VCPUINFO_MAX,
};
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::{Opaque, limit};
use serde::{Deserialize, Serialize};

/// Wire struct `remote_vcpu_info`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct VcpuInfo {
    pub number: u32,
    pub state: i32,
    pub cpu_time: u64,
    pub cpu: i32,
}

/// Arguments of [`Procedure::DomainGetSchedulerType`] (`remote_domain_get_scheduler_type_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetSchedulerTypeArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainGetSchedulerType`] (`remote_domain_get_scheduler_type_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetSchedulerTypeRet {
    pub type_: String,
    pub nparams: i32,
}

/// Arguments of [`Procedure::DomainGetSchedulerParameters`] (`remote_domain_get_scheduler_parameters_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetSchedulerParametersArgs {
    pub dom: Domain,
    pub nparams: i32,
}

/// Reply of [`Procedure::DomainGetSchedulerParameters`] (`remote_domain_get_scheduler_parameters_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetSchedulerParametersRet {
    /// At most [`DOMAIN_SCHEDULER_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SCHEDULER_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Arguments of [`Procedure::DomainGetSchedulerParametersFlags`] (`remote_domain_get_scheduler_parameters_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetSchedulerParametersFlagsArgs {
    pub dom: Domain,
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetSchedulerParametersFlags`] (`remote_domain_get_scheduler_parameters_flags_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetSchedulerParametersFlagsRet {
    /// At most [`DOMAIN_SCHEDULER_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SCHEDULER_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Arguments of [`Procedure::DomainSetSchedulerParameters`] (`remote_domain_set_scheduler_parameters_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetSchedulerParametersArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_SCHEDULER_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SCHEDULER_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Arguments of [`Procedure::DomainSetSchedulerParametersFlags`] (`remote_domain_set_scheduler_parameters_flags_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetSchedulerParametersFlagsArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_SCHEDULER_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SCHEDULER_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSetNumaParameters`] (`remote_domain_set_numa_parameters_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetNumaParametersArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_NUMA_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_NUMA_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetNumaParameters`] (`remote_domain_get_numa_parameters_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetNumaParametersArgs {
    pub dom: Domain,
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetNumaParameters`] (`remote_domain_get_numa_parameters_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetNumaParametersRet {
    /// At most [`DOMAIN_NUMA_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_NUMA_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::DomainSetPerfEvents`] (`remote_domain_set_perf_events_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetPerfEventsArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_PERF_EVENTS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_PERF_EVENTS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetPerfEvents`] (`remote_domain_get_perf_events_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetPerfEventsArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetPerfEvents`] (`remote_domain_get_perf_events_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetPerfEventsRet {
    /// At most [`DOMAIN_PERF_EVENTS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_PERF_EVENTS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Arguments of [`Procedure::DomainSetVcpus`] (`remote_domain_set_vcpus_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetVcpusArgs {
    pub dom: Domain,
    pub nvcpus: u32,
}

/// Arguments of [`Procedure::DomainSetVcpusFlags`] (`remote_domain_set_vcpus_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetVcpusFlagsArgs {
    pub dom: Domain,
    pub nvcpus: u32,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetVcpusFlags`] (`remote_domain_get_vcpus_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetVcpusFlagsArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetVcpusFlags`] (`remote_domain_get_vcpus_flags_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetVcpusFlagsRet {
    pub num: i32,
}

/// Arguments of [`Procedure::DomainPinVcpu`] (`remote_domain_pin_vcpu_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainPinVcpuArgs {
    pub dom: Domain,
    pub vcpu: u32,
    /// At most [`CPUMAP_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { CPUMAP_MAX }>")]
    pub cpumap: Opaque,
}

/// Arguments of [`Procedure::DomainPinVcpuFlags`] (`remote_domain_pin_vcpu_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainPinVcpuFlagsArgs {
    pub dom: Domain,
    pub vcpu: u32,
    /// At most [`CPUMAP_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { CPUMAP_MAX }>")]
    pub cpumap: Opaque,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetVcpuPinInfo`] (`remote_domain_get_vcpu_pin_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetVcpuPinInfoArgs {
    pub dom: Domain,
    pub ncpumaps: i32,
    pub maplen: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetVcpuPinInfo`] (`remote_domain_get_vcpu_pin_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetVcpuPinInfoRet {
    /// At most [`CPUMAPS_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { CPUMAPS_MAX }>")]
    pub cpumaps: Opaque,
    pub num: i32,
}

/// Arguments of [`Procedure::DomainPinEmulator`] (`remote_domain_pin_emulator_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainPinEmulatorArgs {
    pub dom: Domain,
    /// At most [`CPUMAP_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { CPUMAP_MAX }>")]
    pub cpumap: Opaque,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetEmulatorPinInfo`] (`remote_domain_get_emulator_pin_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetEmulatorPinInfoArgs {
    pub dom: Domain,
    pub maplen: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetEmulatorPinInfo`] (`remote_domain_get_emulator_pin_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetEmulatorPinInfoRet {
    /// At most [`CPUMAPS_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { CPUMAPS_MAX }>")]
    pub cpumaps: Opaque,
    pub ret: i32,
}

/// Arguments of [`Procedure::DomainGetVcpus`] (`remote_domain_get_vcpus_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetVcpusArgs {
    pub dom: Domain,
    pub maxinfo: i32,
    pub maplen: i32,
}

/// Reply of [`Procedure::DomainGetVcpus`] (`remote_domain_get_vcpus_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetVcpusRet {
    /// At most [`VCPUINFO_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { VCPUINFO_MAX }>")]
    pub info: Vec<VcpuInfo>,
    /// At most [`CPUMAPS_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { CPUMAPS_MAX }>")]
    pub cpumaps: Opaque,
}

/// Arguments of [`Procedure::DomainGetMaxVcpus`] (`remote_domain_get_max_vcpus_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetMaxVcpusArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainGetMaxVcpus`] (`remote_domain_get_max_vcpus_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetMaxVcpusRet {
    pub num: i32,
}

/// Wire struct `remote_domain_iothread_info`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainIothreadInfo {
    pub iothread_id: u32,
    /// At most [`CPUMAP_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { CPUMAP_MAX }>")]
    pub cpumap: Opaque,
}

/// Arguments of [`Procedure::DomainGetIothreadInfo`] (`remote_domain_get_iothread_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetIothreadInfoArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetIothreadInfo`] (`remote_domain_get_iothread_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetIothreadInfoRet {
    /// At most [`IOTHREAD_INFO_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { IOTHREAD_INFO_MAX }>")]
    pub info: Vec<DomainIothreadInfo>,
    pub ret: u32,
}

/// Arguments of [`Procedure::DomainPinIothread`] (`remote_domain_pin_iothread_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainPinIothreadArgs {
    pub dom: Domain,
    pub iothreads_id: u32,
    /// At most [`CPUMAP_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { CPUMAP_MAX }>")]
    pub cpumap: Opaque,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainAddIothread`] (`remote_domain_add_iothread_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAddIothreadArgs {
    pub dom: Domain,
    pub iothread_id: u32,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainDelIothread`] (`remote_domain_del_iothread_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDelIothreadArgs {
    pub dom: Domain,
    pub iothread_id: u32,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSetIothreadParams`] (`remote_domain_set_iothread_params_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetIothreadParamsArgs {
    pub dom: Domain,
    pub iothread_id: u32,
    /// At most [`DOMAIN_IOTHREAD_PARAMS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_IOTHREAD_PARAMS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetCpuStats`] (`remote_domain_get_cpu_stats_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetCpuStatsArgs {
    pub dom: Domain,
    pub nparams: u32,
    pub start_cpu: i32,
    pub ncpus: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetCpuStats`] (`remote_domain_get_cpu_stats_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetCpuStatsRet {
    /// At most [`DOMAIN_GET_CPU_STATS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_GET_CPU_STATS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::DomainGetGuestVcpus`] (`remote_domain_get_guest_vcpus_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetGuestVcpusArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetGuestVcpus`] (`remote_domain_get_guest_vcpus_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetGuestVcpusRet {
    /// At most [`DOMAIN_GUEST_VCPU_PARAMS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_GUEST_VCPU_PARAMS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Arguments of [`Procedure::DomainSetGuestVcpus`] (`remote_domain_set_guest_vcpus_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetGuestVcpusArgs {
    pub dom: Domain,
    pub cpumap: String,
    pub state: i32,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSetVcpu`] (`remote_domain_set_vcpu_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetVcpuArgs {
    pub dom: Domain,
    pub cpumap: String,
    pub state: i32,
    pub flags: u32,
}

calls! {
    DomainGetMaxVcpusArgs => DomainGetMaxVcpus, DomainGetMaxVcpusRet;
    DomainGetVcpusArgs => DomainGetVcpus, DomainGetVcpusRet;
    DomainPinVcpuArgs => DomainPinVcpu, ();
    DomainSetVcpusArgs => DomainSetVcpus, ();
    DomainGetSchedulerTypeArgs => DomainGetSchedulerType, DomainGetSchedulerTypeRet;
    DomainGetSchedulerParametersArgs => DomainGetSchedulerParameters, DomainGetSchedulerParametersRet;
    DomainSetSchedulerParametersArgs => DomainSetSchedulerParameters, ();
    DomainSetVcpusFlagsArgs => DomainSetVcpusFlags, ();
    DomainGetVcpusFlagsArgs => DomainGetVcpusFlags, DomainGetVcpusFlagsRet;
    DomainSetSchedulerParametersFlagsArgs => DomainSetSchedulerParametersFlags, ();
    DomainGetSchedulerParametersFlagsArgs => DomainGetSchedulerParametersFlags, DomainGetSchedulerParametersFlagsRet;
    DomainPinVcpuFlagsArgs => DomainPinVcpuFlags, ();
    DomainGetVcpuPinInfoArgs => DomainGetVcpuPinInfo, DomainGetVcpuPinInfoRet;
    DomainSetNumaParametersArgs => DomainSetNumaParameters, ();
    DomainGetNumaParametersArgs => DomainGetNumaParameters, DomainGetNumaParametersRet;
    DomainGetCpuStatsArgs => DomainGetCpuStats, DomainGetCpuStatsRet;
    DomainPinEmulatorArgs => DomainPinEmulator, ();
    DomainGetEmulatorPinInfoArgs => DomainGetEmulatorPinInfo, DomainGetEmulatorPinInfoRet;
    DomainGetIothreadInfoArgs => DomainGetIothreadInfo, DomainGetIothreadInfoRet;
    DomainPinIothreadArgs => DomainPinIothread, ();
    DomainAddIothreadArgs => DomainAddIothread, ();
    DomainDelIothreadArgs => DomainDelIothread, ();
    DomainGetPerfEventsArgs => DomainGetPerfEvents, DomainGetPerfEventsRet;
    DomainSetPerfEventsArgs => DomainSetPerfEvents, ();
    DomainGetGuestVcpusArgs => DomainGetGuestVcpus, DomainGetGuestVcpusRet;
    DomainSetGuestVcpusArgs => DomainSetGuestVcpus, ();
    DomainSetVcpuArgs => DomainSetVcpu, ();
    DomainSetIothreadParamsArgs => DomainSetIothreadParams, ();
}
