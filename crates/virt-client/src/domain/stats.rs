//! Bulk statistics of many domains in one call (`CONNECT_GET_ALL_DOMAIN_STATS`).

use virt_proto::remote::{self as p, TypedParam, TypedParamValue};

use super::Domain;
use crate::Connection;
use crate::connection::CallOptions;
use crate::error::Result;

/// One domain's statistics.
#[derive(Debug, Clone)]
pub struct DomainStats {
    /// The domain.
    pub domain: Domain,
    /// Its fields (`state.state`, `cpu.time`, `vcpu.0.time`, `balloon.current`, …).
    pub params: Vec<TypedParam>,
}

impl DomainStats {
    /// The value of field `name`.
    pub fn get(&self, name: &str) -> Option<&TypedParamValue> {
        self.params
            .iter()
            .find(|p| p.field == name)
            .map(|p| &p.value)
    }

    /// Field `name` as an unsigned number (any integer type).
    pub fn get_u64(&self, name: &str) -> Option<u64> {
        match self.get(name)? {
            TypedParamValue::Int(v) => u64::try_from(*v).ok(),
            TypedParamValue::UInt(v) => Some(u64::from(*v)),
            TypedParamValue::LLong(v) => u64::try_from(*v).ok(),
            TypedParamValue::ULLong(v) => Some(*v),
            TypedParamValue::Boolean(b) => Some(u64::from(*b)),
            _ => None,
        }
    }

    /// Field `name` as a string.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            TypedParamValue::String(s) => Some(s),
            _ => None,
        }
    }
}

impl Connection {
    /// Statistics of `domains` (all domains matching `flags` when empty). `stats` selects
    /// groups (`VIR_DOMAIN_STATS_*`; 0 for all the driver has).
    pub async fn all_domain_stats(
        &self,
        domains: &[Domain],
        stats: u32,
        flags: u32,
    ) -> Result<Vec<DomainStats>> {
        let args = p::ConnectGetAllDomainStatsArgs {
            doms: domains.iter().map(|d| d.raw().clone()).collect(),
            stats,
            flags,
        };
        // The reply can hold tens of thousands of parameters: the hand-written decoder.
        let reply = self.call_with(&args, CallOptions::default()).await?;
        let r = p::decode_all_domain_stats(&reply.body)?;
        Ok(r.ret_stats
            .into_iter()
            .map(|rec| DomainStats {
                domain: Domain::from_raw(self.clone(), rec.dom),
                params: rec.params,
            })
            .collect())
    }
}
