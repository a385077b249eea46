//! Host (node) facts: CPU, memory, NUMA cells, power management.

use crate::call::Call;
use crate::remote::limits::{
    CPUMAP_MAX, NODE_CPU_STATS_MAX, NODE_DEVICE_LIST_MAX, NODE_MAX_CELLS,
    NODE_MEMORY_PARAMETERS_MAX, NODE_MEMORY_STATS_MAX, NODE_SEV_INFO_MAX, SECURITY_DOI_MAX,
    SECURITY_MODEL_MAX,
};
use crate::remote::{Procedure, TypedParam};
use crate::xdr::{Opaque, limit};
use serde::{Deserialize, Serialize};

/// Wire struct `remote_node_get_cpu_stats`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetCpuStats {
    pub field: String,
    pub value: u64,
}

/// Wire struct `remote_node_get_memory_stats`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetMemoryStats {
    pub field: String,
    pub value: u64,
}

/// Reply of [`Procedure::NodeGetInfo`] (`remote_node_get_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetInfoRet {
    pub model: [i8; 32],
    pub memory: u64,
    pub cpus: i32,
    pub mhz: i32,
    pub nodes: i32,
    pub sockets: i32,
    pub cores: i32,
    pub threads: i32,
}

/// Arguments of [`Procedure::NodeGetCpuStats`] (`remote_node_get_cpu_stats_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetCpuStatsArgs {
    pub cpu_num: i32,
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeGetCpuStats`] (`remote_node_get_cpu_stats_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetCpuStatsRet {
    /// At most [`NODE_CPU_STATS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_CPU_STATS_MAX }>")]
    pub params: Vec<NodeGetCpuStats>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::NodeGetMemoryStats`] (`remote_node_get_memory_stats_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetMemoryStatsArgs {
    pub nparams: i32,
    pub cell_num: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeGetMemoryStats`] (`remote_node_get_memory_stats_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetMemoryStatsRet {
    /// At most [`NODE_MEMORY_STATS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_MEMORY_STATS_MAX }>")]
    pub params: Vec<NodeGetMemoryStats>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::NodeGetCellsFreeMemory`] (`remote_node_get_cells_free_memory_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetCellsFreeMemoryArgs {
    pub start_cell: i32,
    pub maxcells: i32,
}

/// Reply of [`Procedure::NodeGetCellsFreeMemory`] (`remote_node_get_cells_free_memory_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetCellsFreeMemoryRet {
    /// At most [`NODE_MAX_CELLS`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_MAX_CELLS }>")]
    pub cells: Vec<u64>,
}

/// Reply of [`Procedure::NodeGetFreeMemory`] (`remote_node_get_free_memory_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetFreeMemoryRet {
    pub free_mem: u64,
}

/// Reply of [`Procedure::NodeGetSecurityModel`] (`remote_node_get_security_model_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetSecurityModelRet {
    /// At most [`SECURITY_MODEL_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { SECURITY_MODEL_MAX }>")]
    pub model: Vec<i8>,
    /// At most [`SECURITY_DOI_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { SECURITY_DOI_MAX }>")]
    pub doi: Vec<i8>,
}

/// Arguments of [`Procedure::NodeNumOfDevices`] (`remote_node_num_of_devices_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeNumOfDevicesArgs {
    pub cap: Option<String>,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeNumOfDevices`] (`remote_node_num_of_devices_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeNumOfDevicesRet {
    pub num: i32,
}

/// Arguments of [`Procedure::NodeListDevices`] (`remote_node_list_devices_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeListDevicesArgs {
    pub cap: Option<String>,
    pub maxnames: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeListDevices`] (`remote_node_list_devices_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeListDevicesRet {
    /// At most [`NODE_DEVICE_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_DEVICE_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Arguments of [`Procedure::NodeSuspendForDuration`] (`remote_node_suspend_for_duration_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeSuspendForDurationArgs {
    pub target: u32,
    pub duration: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::NodeSetMemoryParameters`] (`remote_node_set_memory_parameters_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NodeSetMemoryParametersArgs {
    /// At most [`NODE_MEMORY_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_MEMORY_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::NodeGetMemoryParameters`] (`remote_node_get_memory_parameters_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetMemoryParametersArgs {
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeGetMemoryParameters`] (`remote_node_get_memory_parameters_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NodeGetMemoryParametersRet {
    /// At most [`NODE_MEMORY_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_MEMORY_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::NodeGetCpuMap`] (`remote_node_get_cpu_map_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetCpuMapArgs {
    pub need_map: i32,
    pub need_online: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeGetCpuMap`] (`remote_node_get_cpu_map_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetCpuMapRet {
    /// At most [`CPUMAP_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { CPUMAP_MAX }>")]
    pub cpumap: Opaque,
    pub online: u32,
    pub ret: i32,
}

/// Arguments of [`Procedure::NodeGetFreePages`] (`remote_node_get_free_pages_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetFreePagesArgs {
    /// At most [`NODE_MAX_CELLS`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_MAX_CELLS }>")]
    pub pages: Vec<u32>,
    pub start_cell: i32,
    pub cell_count: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeGetFreePages`] (`remote_node_get_free_pages_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetFreePagesRet {
    /// At most [`NODE_MAX_CELLS`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_MAX_CELLS }>")]
    pub counts: Vec<u64>,
}

/// Arguments of [`Procedure::NodeAllocPages`] (`remote_node_alloc_pages_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeAllocPagesArgs {
    /// At most [`NODE_MAX_CELLS`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_MAX_CELLS }>")]
    pub page_sizes: Vec<u32>,
    /// At most [`NODE_MAX_CELLS`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_MAX_CELLS }>")]
    pub page_counts: Vec<u64>,
    pub start_cell: i32,
    pub cell_count: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeAllocPages`] (`remote_node_alloc_pages_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeAllocPagesRet {
    pub ret: i32,
}

/// Arguments of [`Procedure::NodeGetSevInfo`] (`remote_node_get_sev_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetSevInfoArgs {
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeGetSevInfo`] (`remote_node_get_sev_info_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NodeGetSevInfoRet {
    /// At most [`NODE_SEV_INFO_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_SEV_INFO_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::NodeGetInfo`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetInfoArgs;

/// Arguments of [`Procedure::NodeGetFreeMemory`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetFreeMemoryArgs;

/// Arguments of [`Procedure::NodeGetSecurityModel`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeGetSecurityModelArgs;

calls! {
    NodeGetInfoArgs => NodeGetInfo, NodeGetInfoRet;
    NodeGetCellsFreeMemoryArgs => NodeGetCellsFreeMemory, NodeGetCellsFreeMemoryRet;
    NodeGetFreeMemoryArgs => NodeGetFreeMemory, NodeGetFreeMemoryRet;
    NodeNumOfDevicesArgs => NodeNumOfDevices, NodeNumOfDevicesRet;
    NodeListDevicesArgs => NodeListDevices, NodeListDevicesRet;
    NodeGetSecurityModelArgs => NodeGetSecurityModel, NodeGetSecurityModelRet;
    NodeGetCpuStatsArgs => NodeGetCpuStats, NodeGetCpuStatsRet;
    NodeGetMemoryStatsArgs => NodeGetMemoryStats, NodeGetMemoryStatsRet;
    NodeSuspendForDurationArgs => NodeSuspendForDuration, ();
    NodeSetMemoryParametersArgs => NodeSetMemoryParameters, ();
    NodeGetMemoryParametersArgs => NodeGetMemoryParameters, NodeGetMemoryParametersRet;
    NodeGetCpuMapArgs => NodeGetCpuMap, NodeGetCpuMapRet;
    NodeGetFreePagesArgs => NodeGetFreePages, NodeGetFreePagesRet;
    NodeAllocPagesArgs => NodeAllocPages, NodeAllocPagesRet;
    NodeGetSevInfoArgs => NodeGetSevInfo, NodeGetSevInfoRet;
}
