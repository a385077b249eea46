//! Memory and I/O statistics of a domain.

use virt_proto::remote as p;

use super::Domain;
use crate::error::Result;

impl Domain {
    /// Sets the current memory in KiB (affect flags: 1 live, 2 config, 4 maximum).
    pub async fn set_memory(&self, kib: u64, flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainSetMemoryFlagsArgs {
                dom: self.raw.clone(),
                memory: kib,
                flags,
            })
            .await
    }

    /// Sets the most memory the domain may have, KiB.
    pub async fn set_max_memory(&self, kib: u64) -> Result<()> {
        self.conn
            .call(&p::DomainSetMaxMemoryArgs {
                dom: self.raw.clone(),
                memory: kib,
            })
            .await
    }

    /// The most memory the domain may have, KiB.
    pub async fn max_memory(&self) -> Result<u64> {
        let r = self
            .conn
            .call(&p::DomainGetMaxMemoryArgs {
                dom: self.raw.clone(),
            })
            .await?;
        Ok(r.memory)
    }

    /// Balloon statistics: `VIR_DOMAIN_MEMORY_STAT_*` tag and value.
    pub async fn memory_stats(&self) -> Result<Vec<(i32, u64)>> {
        let r = self
            .conn
            .call(&p::DomainMemoryStatsArgs {
                dom: self.raw.clone(),
                max_stats: 64,
                flags: 0,
            })
            .await?;
        Ok(r.stats.into_iter().map(|s| (s.tag, s.val)).collect())
    }

    /// Sets how often the balloon driver refreshes its statistics, seconds.
    pub async fn set_memory_stats_period(&self, seconds: i32, flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainSetMemoryStatsPeriodArgs {
                dom: self.raw.clone(),
                period: seconds,
                flags,
            })
            .await
    }

    /// Block device counters: read requests, read bytes, write requests, write bytes, errors.
    pub async fn block_stats(&self, disk: &str) -> Result<p::DomainBlockStatsRet> {
        self.conn
            .call(&p::DomainBlockStatsArgs {
                dom: self.raw.clone(),
                path: disk.into(),
            })
            .await
    }

    /// Network interface counters.
    pub async fn interface_stats(&self, device: &str) -> Result<p::DomainInterfaceStatsRet> {
        self.conn
            .call(&p::DomainInterfaceStatsArgs {
                dom: self.raw.clone(),
                device: device.into(),
            })
            .await
    }
}
