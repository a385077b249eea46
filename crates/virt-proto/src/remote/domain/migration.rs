//! Domain migration, in all its protocol versions.

use crate::call::Call;
use crate::remote::limits::{DOMAIN_MIGRATE_PARAM_LIST_MAX, MIGRATE_COOKIE_MAX};
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::{Opaque, limit};
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::DomainMigratePrepare`] (`remote_domain_migrate_prepare_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepareArgs {
    pub uri_in: Option<String>,
    pub flags: u64,
    pub dname: Option<String>,
    pub resource: u64,
}

/// Reply of [`Procedure::DomainMigratePrepare`] (`remote_domain_migrate_prepare_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepareRet {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie: Opaque,
    pub uri_out: Option<String>,
}

/// Arguments of [`Procedure::DomainMigratePerform`] (`remote_domain_migrate_perform_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePerformArgs {
    pub dom: Domain,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie: Opaque,
    pub uri: String,
    pub flags: u64,
    pub dname: Option<String>,
    pub resource: u64,
}

/// Arguments of [`Procedure::DomainMigrateFinish`] (`remote_domain_migrate_finish_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateFinishArgs {
    pub dname: String,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie: Opaque,
    pub uri: String,
    pub flags: u64,
}

/// Reply of [`Procedure::DomainMigrateFinish`] (`remote_domain_migrate_finish_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateFinishRet {
    pub ddom: Domain,
}

/// Arguments of [`Procedure::DomainMigratePrepare2`] (`remote_domain_migrate_prepare2_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepare2Args {
    pub uri_in: Option<String>,
    pub flags: u64,
    pub dname: Option<String>,
    pub resource: u64,
    pub dom_xml: String,
}

/// Reply of [`Procedure::DomainMigratePrepare2`] (`remote_domain_migrate_prepare2_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepare2Ret {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie: Opaque,
    pub uri_out: Option<String>,
}

/// Arguments of [`Procedure::DomainMigrateFinish2`] (`remote_domain_migrate_finish2_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateFinish2Args {
    pub dname: String,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie: Opaque,
    pub uri: String,
    pub flags: u64,
    pub retcode: i32,
}

/// Reply of [`Procedure::DomainMigrateFinish2`] (`remote_domain_migrate_finish2_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateFinish2Ret {
    pub ddom: Domain,
}

/// Arguments of [`Procedure::DomainMigratePrepareTunnel`] (`remote_domain_migrate_prepare_tunnel_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepareTunnelArgs {
    pub flags: u64,
    pub dname: Option<String>,
    pub resource: u64,
    pub dom_xml: String,
}

/// Arguments of [`Procedure::DomainMigrateGetMaxDowntime`] (`remote_domain_migrate_get_max_downtime_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateGetMaxDowntimeArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainMigrateGetMaxDowntime`] (`remote_domain_migrate_get_max_downtime_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateGetMaxDowntimeRet {
    pub downtime: u64,
}

/// Arguments of [`Procedure::DomainMigrateSetMaxDowntime`] (`remote_domain_migrate_set_max_downtime_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateSetMaxDowntimeArgs {
    pub dom: Domain,
    pub downtime: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainMigrateGetCompressionCache`] (`remote_domain_migrate_get_compression_cache_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateGetCompressionCacheArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainMigrateGetCompressionCache`] (`remote_domain_migrate_get_compression_cache_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateGetCompressionCacheRet {
    pub cache_size: u64,
}

/// Arguments of [`Procedure::DomainMigrateSetCompressionCache`] (`remote_domain_migrate_set_compression_cache_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateSetCompressionCacheArgs {
    pub dom: Domain,
    pub cache_size: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainMigrateSetMaxSpeed`] (`remote_domain_migrate_set_max_speed_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateSetMaxSpeedArgs {
    pub dom: Domain,
    pub bandwidth: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainMigrateGetMaxSpeed`] (`remote_domain_migrate_get_max_speed_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateGetMaxSpeedArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainMigrateGetMaxSpeed`] (`remote_domain_migrate_get_max_speed_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateGetMaxSpeedRet {
    pub bandwidth: u64,
}

/// Arguments of [`Procedure::DomainMigrateBegin3`] (`remote_domain_migrate_begin3_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateBegin3Args {
    pub dom: Domain,
    pub xmlin: Option<String>,
    pub flags: u64,
    pub dname: Option<String>,
    pub resource: u64,
}

/// Reply of [`Procedure::DomainMigrateBegin3`] (`remote_domain_migrate_begin3_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateBegin3Ret {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
    pub xml: String,
}

/// Arguments of [`Procedure::DomainMigratePrepare3`] (`remote_domain_migrate_prepare3_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepare3Args {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub uri_in: Option<String>,
    pub flags: u64,
    pub dname: Option<String>,
    pub resource: u64,
    pub dom_xml: String,
}

/// Reply of [`Procedure::DomainMigratePrepare3`] (`remote_domain_migrate_prepare3_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepare3Ret {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
    pub uri_out: Option<String>,
}

/// Arguments of [`Procedure::DomainMigratePrepareTunnel3`] (`remote_domain_migrate_prepare_tunnel3_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepareTunnel3Args {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub flags: u64,
    pub dname: Option<String>,
    pub resource: u64,
    pub dom_xml: String,
}

/// Reply of [`Procedure::DomainMigratePrepareTunnel3`] (`remote_domain_migrate_prepare_tunnel3_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepareTunnel3Ret {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
}

/// Arguments of [`Procedure::DomainMigratePerform3`] (`remote_domain_migrate_perform3_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePerform3Args {
    pub dom: Domain,
    pub xmlin: Option<String>,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub dconnuri: Option<String>,
    pub uri: Option<String>,
    pub flags: u64,
    pub dname: Option<String>,
    pub resource: u64,
}

/// Reply of [`Procedure::DomainMigratePerform3`] (`remote_domain_migrate_perform3_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePerform3Ret {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
}

/// Arguments of [`Procedure::DomainMigrateFinish3`] (`remote_domain_migrate_finish3_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateFinish3Args {
    pub dname: String,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub dconnuri: Option<String>,
    pub uri: Option<String>,
    pub flags: u64,
    pub cancelled: i32,
}

/// Reply of [`Procedure::DomainMigrateFinish3`] (`remote_domain_migrate_finish3_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateFinish3Ret {
    pub dom: Domain,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
}

/// Arguments of [`Procedure::DomainMigrateConfirm3`] (`remote_domain_migrate_confirm3_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateConfirm3Args {
    pub dom: Domain,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub flags: u64,
    pub cancelled: i32,
}

/// Arguments of [`Procedure::DomainMigrateBegin3Params`] (`remote_domain_migrate_begin3_params_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainMigrateBegin3ParamsArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_MIGRATE_PARAM_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MIGRATE_PARAM_LIST_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainMigrateBegin3Params`] (`remote_domain_migrate_begin3_params_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateBegin3ParamsRet {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
    pub xml: String,
}

/// Arguments of [`Procedure::DomainMigratePrepare3Params`] (`remote_domain_migrate_prepare3_params_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepare3ParamsArgs {
    /// At most [`DOMAIN_MIGRATE_PARAM_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MIGRATE_PARAM_LIST_MAX }>")]
    pub params: Vec<TypedParam>,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainMigratePrepare3Params`] (`remote_domain_migrate_prepare3_params_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepare3ParamsRet {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
    pub uri_out: Option<String>,
}

/// Arguments of [`Procedure::DomainMigratePrepareTunnel3Params`] (`remote_domain_migrate_prepare_tunnel3_params_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepareTunnel3ParamsArgs {
    /// At most [`DOMAIN_MIGRATE_PARAM_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MIGRATE_PARAM_LIST_MAX }>")]
    pub params: Vec<TypedParam>,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainMigratePrepareTunnel3Params`] (`remote_domain_migrate_prepare_tunnel3_params_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePrepareTunnel3ParamsRet {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
}

/// Arguments of [`Procedure::DomainMigratePerform3Params`] (`remote_domain_migrate_perform3_params_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainMigratePerform3ParamsArgs {
    pub dom: Domain,
    pub dconnuri: Option<String>,
    /// At most [`DOMAIN_MIGRATE_PARAM_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MIGRATE_PARAM_LIST_MAX }>")]
    pub params: Vec<TypedParam>,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainMigratePerform3Params`] (`remote_domain_migrate_perform3_params_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigratePerform3ParamsRet {
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
}

/// Arguments of [`Procedure::DomainMigrateFinish3Params`] (`remote_domain_migrate_finish3_params_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainMigrateFinish3ParamsArgs {
    /// At most [`DOMAIN_MIGRATE_PARAM_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MIGRATE_PARAM_LIST_MAX }>")]
    pub params: Vec<TypedParam>,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub flags: u32,
    pub cancelled: i32,
}

/// Reply of [`Procedure::DomainMigrateFinish3Params`] (`remote_domain_migrate_finish3_params_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateFinish3ParamsRet {
    pub dom: Domain,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_out: Opaque,
}

/// Arguments of [`Procedure::DomainMigrateConfirm3Params`] (`remote_domain_migrate_confirm3_params_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainMigrateConfirm3ParamsArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_MIGRATE_PARAM_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MIGRATE_PARAM_LIST_MAX }>")]
    pub params: Vec<TypedParam>,
    /// At most [`MIGRATE_COOKIE_MAX`] bytes.
    #[serde(deserialize_with = "limit::opaque::<_, { MIGRATE_COOKIE_MAX }>")]
    pub cookie_in: Opaque,
    pub flags: u32,
    pub cancelled: i32,
}

/// Arguments of [`Procedure::DomainMigrateStartPostCopy`] (`remote_domain_migrate_start_post_copy_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainMigrateStartPostCopyArgs {
    pub dom: Domain,
    pub flags: u32,
}

calls! {
    DomainMigratePrepareArgs => DomainMigratePrepare, DomainMigratePrepareRet;
    DomainMigratePerformArgs => DomainMigratePerform, ();
    DomainMigrateFinishArgs => DomainMigrateFinish, DomainMigrateFinishRet;
    DomainMigratePrepare2Args => DomainMigratePrepare2, DomainMigratePrepare2Ret;
    DomainMigrateFinish2Args => DomainMigrateFinish2, DomainMigrateFinish2Ret;
    DomainMigratePrepareTunnelArgs => DomainMigratePrepareTunnel, ();
    DomainMigrateSetMaxDowntimeArgs => DomainMigrateSetMaxDowntime, ();
    DomainMigrateSetMaxSpeedArgs => DomainMigrateSetMaxSpeed, ();
    DomainMigrateBegin3Args => DomainMigrateBegin3, DomainMigrateBegin3Ret;
    DomainMigratePrepare3Args => DomainMigratePrepare3, DomainMigratePrepare3Ret;
    DomainMigratePrepareTunnel3Args => DomainMigratePrepareTunnel3, DomainMigratePrepareTunnel3Ret;
    DomainMigratePerform3Args => DomainMigratePerform3, DomainMigratePerform3Ret;
    DomainMigrateFinish3Args => DomainMigrateFinish3, DomainMigrateFinish3Ret;
    DomainMigrateConfirm3Args => DomainMigrateConfirm3, ();
    DomainMigrateGetMaxSpeedArgs => DomainMigrateGetMaxSpeed, DomainMigrateGetMaxSpeedRet;
    DomainMigrateGetCompressionCacheArgs => DomainMigrateGetCompressionCache, DomainMigrateGetCompressionCacheRet;
    DomainMigrateSetCompressionCacheArgs => DomainMigrateSetCompressionCache, ();
    DomainMigrateBegin3ParamsArgs => DomainMigrateBegin3Params, DomainMigrateBegin3ParamsRet;
    DomainMigratePrepare3ParamsArgs => DomainMigratePrepare3Params, DomainMigratePrepare3ParamsRet;
    DomainMigratePrepareTunnel3ParamsArgs => DomainMigratePrepareTunnel3Params, DomainMigratePrepareTunnel3ParamsRet;
    DomainMigratePerform3ParamsArgs => DomainMigratePerform3Params, DomainMigratePerform3ParamsRet;
    DomainMigrateFinish3ParamsArgs => DomainMigrateFinish3Params, DomainMigrateFinish3ParamsRet;
    DomainMigrateConfirm3ParamsArgs => DomainMigrateConfirm3Params, ();
    DomainMigrateStartPostCopyArgs => DomainMigrateStartPostCopy, ();
    DomainMigrateGetMaxDowntimeArgs => DomainMigrateGetMaxDowntime, DomainMigrateGetMaxDowntimeRet;
}
