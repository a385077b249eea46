//! Connection-level and host calls: driver facts, capabilities, host CPU and memory, and
//! listing domains.

use virt_proto::remote as p;

use crate::Connection;
use crate::domain::Domain;
use crate::error::{Error, Result};

/// Host facts (`virNodeInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// CPU model.
    pub model: String,
    /// Memory in KiB.
    pub memory_kib: u64,
    /// Active CPUs.
    pub cpus: u32,
    /// CPU frequency in MHz.
    pub mhz: u32,
    /// NUMA nodes.
    pub nodes: u32,
    /// Sockets per node.
    pub sockets: u32,
    /// Cores per socket.
    pub cores: u32,
    /// Threads per core.
    pub threads: u32,
}

/// The host's CPUs: which exist and which are online.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuMap {
    /// Number of CPUs the host has (online or not).
    pub count: u32,
    /// Bitmap of online CPUs, CPU 0 in the lowest bit of the first byte.
    pub online_map: Vec<u8>,
    /// Number of online CPUs.
    pub online: u32,
}

/// A libvirt version number `major * 1_000_000 + minor * 1000 + release`, split.
pub fn split_version(v: u64) -> (u64, u64, u64) {
    (v / 1_000_000, (v / 1000) % 1000, v % 1000)
}

impl Connection {
    /// The driver's name (`QEMU`, `TEST`, …).
    pub async fn get_type(&self) -> Result<String> {
        Ok(self.call(&p::ConnectGetTypeArgs).await?.type_)
    }

    /// The hypervisor's version (`major * 1_000_000 + minor * 1000 + release`).
    pub async fn version(&self) -> Result<u64> {
        Ok(self.call(&p::ConnectGetVersionArgs).await?.hv_ver)
    }

    /// The daemon's libvirt version.
    pub async fn lib_version(&self) -> Result<u64> {
        Ok(self.call(&p::ConnectGetLibVersionArgs).await?.lib_ver)
    }

    /// The host's name.
    pub async fn hostname(&self) -> Result<String> {
        Ok(self.call(&p::ConnectGetHostnameArgs).await?.hostname)
    }

    /// The canonical URI of the driver the daemon opened.
    pub async fn uri(&self) -> Result<String> {
        Ok(self.call(&p::ConnectGetUriArgs).await?.uri)
    }

    /// The capabilities XML.
    pub async fn capabilities(&self) -> Result<String> {
        Ok(self
            .call(&p::ConnectGetCapabilitiesArgs)
            .await?
            .capabilities)
    }

    /// The domain capabilities XML for an emulator, architecture, machine and virt type.
    pub async fn domain_capabilities(
        &self,
        emulator: Option<&str>,
        arch: Option<&str>,
        machine: Option<&str>,
        virttype: Option<&str>,
        flags: u32,
    ) -> Result<String> {
        let args = p::ConnectGetDomainCapabilitiesArgs {
            emulatorbin: emulator.map(Into::into),
            arch: arch.map(Into::into),
            machine: machine.map(Into::into),
            virttype: virttype.map(Into::into),
            flags,
        };
        Ok(self.call(&args).await?.capabilities)
    }

    /// The host's SMBIOS data as XML.
    pub async fn sysinfo(&self) -> Result<String> {
        Ok(self
            .call(&p::ConnectGetSysinfoArgs { flags: 0 })
            .await?
            .sysinfo)
    }

    /// Most vCPUs a guest of virt type `type_` may have.
    pub async fn max_vcpus(&self, type_: Option<&str>) -> Result<u32> {
        let r = self
            .call(&p::ConnectGetMaxVcpusArgs {
                type_: type_.map(Into::into),
            })
            .await?;
        non_negative(r.max_vcpus, "max vcpus")
    }

    /// Whether the connection is secure (encrypted or local).
    pub async fn is_secure(&self) -> Result<bool> {
        Ok(self.call(&p::ConnectIsSecureArgs).await?.secure != 0)
    }

    /// Host CPU and memory facts.
    pub async fn node_info(&self) -> Result<NodeInfo> {
        let r = self.call(&p::NodeGetInfoArgs).await?;
        let model: Vec<u8> = r
            .model
            .iter()
            .map(|&c| c as u8)
            .take_while(|&c| c != 0)
            .collect();
        Ok(NodeInfo {
            model: String::from_utf8_lossy(&model).into_owned(),
            memory_kib: r.memory,
            cpus: non_negative(r.cpus, "cpus")?,
            mhz: non_negative(r.mhz, "mhz")?,
            nodes: non_negative(r.nodes, "nodes")?,
            sockets: non_negative(r.sockets, "sockets")?,
            cores: non_negative(r.cores, "cores")?,
            threads: non_negative(r.threads, "threads")?,
        })
    }

    /// Which host CPUs exist and are online.
    pub async fn node_cpu_map(&self) -> Result<CpuMap> {
        let r = self
            .call(&p::NodeGetCpuMapArgs {
                need_map: 1,
                need_online: 1,
                flags: 0,
            })
            .await?;
        Ok(CpuMap {
            count: non_negative(r.ret, "cpu count")?,
            online_map: r.cpumap.0,
            online: r.online,
        })
    }

    /// Free host memory in bytes.
    pub async fn free_memory(&self) -> Result<u64> {
        Ok(self.call(&p::NodeGetFreeMemoryArgs).await?.free_mem)
    }

    /// Free memory in bytes of `max` NUMA cells from `start`.
    pub async fn cells_free_memory(&self, start: i32, max: i32) -> Result<Vec<u64>> {
        let r = self
            .call(&p::NodeGetCellsFreeMemoryArgs {
                start_cell: start,
                maxcells: max,
            })
            .await?;
        Ok(r.cells)
    }

    /// Host CPU time counters (`cpu` = -1 for all CPUs): field name and value in ns.
    pub async fn node_cpu_stats(&self, cpu: i32) -> Result<Vec<(String, u64)>> {
        let count = self
            .call(&p::NodeGetCpuStatsArgs {
                cpu_num: cpu,
                nparams: 0,
                flags: 0,
            })
            .await?
            .nparams;
        let r = self
            .call(&p::NodeGetCpuStatsArgs {
                cpu_num: cpu,
                nparams: count,
                flags: 0,
            })
            .await?;
        Ok(r.params.into_iter().map(|s| (s.field, s.value)).collect())
    }

    /// Host memory counters in KiB (`cell` = -1 for the whole host).
    pub async fn node_memory_stats(&self, cell: i32) -> Result<Vec<(String, u64)>> {
        let count = self
            .call(&p::NodeGetMemoryStatsArgs {
                nparams: 0,
                cell_num: cell,
                flags: 0,
            })
            .await?
            .nparams;
        let r = self
            .call(&p::NodeGetMemoryStatsArgs {
                nparams: count,
                cell_num: cell,
                flags: 0,
            })
            .await?;
        Ok(r.params.into_iter().map(|s| (s.field, s.value)).collect())
    }

    /// Domains matching `flags` (`VIR_CONNECT_LIST_DOMAINS_*`; 0 for all).
    pub async fn list_all_domains(&self, flags: u32) -> Result<Vec<Domain>> {
        let r = self
            .call(&p::ConnectListAllDomainsArgs {
                need_results: 1,
                flags,
            })
            .await?;
        Ok(r.domains
            .into_iter()
            .map(|d| Domain::from_raw(self.clone(), d))
            .collect())
    }
}

pub(crate) fn non_negative(v: i32, what: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| Error::Unexpected(format!("negative {what}: {v}")))
}
