//! Bulk statistics of many domains in one call (`CONNECT_GET_ALL_DOMAIN_STATS`).

mod fast;

pub use fast::{decode_all_domain_stats, decode_typed_params};

use crate::call::Call;
use crate::remote::limits::{CONNECT_GET_ALL_DOMAIN_STATS_MAX, DOMAIN_LIST_MAX};
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

/// Wire struct `remote_domain_stats_record`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainStatsRecord {
    pub dom: Domain,
    /// At most [`CONNECT_GET_ALL_DOMAIN_STATS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { CONNECT_GET_ALL_DOMAIN_STATS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Arguments of [`Procedure::ConnectGetAllDomainStats`] (`remote_connect_get_all_domain_stats_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetAllDomainStatsArgs {
    /// At most [`DOMAIN_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_LIST_MAX }>")]
    pub doms: Vec<Domain>,
    pub stats: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectGetAllDomainStats`] (`remote_connect_get_all_domain_stats_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConnectGetAllDomainStatsRet {
    /// At most [`DOMAIN_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_LIST_MAX }>")]
    pub ret_stats: Vec<DomainStatsRecord>,
}

calls! {
    ConnectGetAllDomainStatsArgs => ConnectGetAllDomainStats, ConnectGetAllDomainStatsRet;
}
