//! A domain's IOThreads: where each may run, and pinning them.

use virt_proto::remote as p;
use virt_proto::xdr::Opaque;

use super::Domain;
use crate::error::Result;

/// One IOThread and the host CPUs it may run on (`virDomainIOThreadInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IothreadInfo {
    /// The IOThread's id (as in `<iothreadpin iothread='N'>`).
    pub id: u32,
    /// Bit `i` of byte `i / 8` is set when host CPU `i` is allowed.
    pub cpumap: Vec<u8>,
}

impl Domain {
    /// The domain's IOThreads (`VIR_DOMAIN_AFFECT_*` flags: live or persistent config).
    pub async fn iothread_info(&self, flags: u32) -> Result<Vec<IothreadInfo>> {
        let r = self
            .conn
            .call(&p::DomainGetIothreadInfoArgs {
                dom: self.raw.clone(),
                flags,
            })
            .await?;
        Ok(r.info
            .into_iter()
            .map(|i| IothreadInfo {
                id: i.iothread_id,
                cpumap: i.cpumap.0,
            })
            .collect())
    }

    /// Pins IOThread `id` to the CPUs in `cpumap` (`VIR_DOMAIN_AFFECT_*` flags).
    pub async fn pin_iothread(&self, id: u32, cpumap: &[u8], flags: u32) -> Result<()> {
        self.conn
            .call(&p::DomainPinIothreadArgs {
                dom: self.raw.clone(),
                iothreads_id: id,
                cpumap: Opaque(cpumap.to_vec()),
                flags,
            })
            .await
    }
}
