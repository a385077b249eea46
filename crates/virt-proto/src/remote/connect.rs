//! Connection-level calls: opening, authentication, host facts, object listings.

use crate::call::Call;
use crate::remote::limits::{
    AUTH_SASL_DATA_MAX, AUTH_TYPE_LIST_MAX, CONNECT_CPU_MODELS_MAX, CONNECT_IDENTITY_PARAMS_MAX,
    CPU_BASELINE_MAX,
};
use crate::remote::{AuthType, Procedure, TypedParam};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

mod list;
pub use list::*;

/// Arguments of [`Procedure::ConnectOpen`] (`remote_connect_open_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectOpenArgs {
    pub name: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::ConnectSupportsFeature`] (`remote_connect_supports_feature_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectSupportsFeatureArgs {
    pub feature: i32,
}

/// Reply of [`Procedure::ConnectSupportsFeature`] (`remote_connect_supports_feature_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectSupportsFeatureRet {
    pub supported: i32,
}

/// Reply of [`Procedure::ConnectGetType`] (`remote_connect_get_type_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetTypeRet {
    pub type_: String,
}

/// Reply of [`Procedure::ConnectGetVersion`] (`remote_connect_get_version_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetVersionRet {
    pub hv_ver: u64,
}

/// Reply of [`Procedure::ConnectGetLibVersion`] (`remote_connect_get_lib_version_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetLibVersionRet {
    pub lib_ver: u64,
}

/// Reply of [`Procedure::ConnectGetHostname`] (`remote_connect_get_hostname_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetHostnameRet {
    pub hostname: String,
}

/// Arguments of [`Procedure::ConnectGetSysinfo`] (`remote_connect_get_sysinfo_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetSysinfoArgs {
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectGetSysinfo`] (`remote_connect_get_sysinfo_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetSysinfoRet {
    pub sysinfo: String,
}

/// Reply of [`Procedure::ConnectGetUri`] (`remote_connect_get_uri_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetUriRet {
    pub uri: String,
}

/// Arguments of [`Procedure::ConnectGetMaxVcpus`] (`remote_connect_get_max_vcpus_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetMaxVcpusArgs {
    pub type_: Option<String>,
}

/// Reply of [`Procedure::ConnectGetMaxVcpus`] (`remote_connect_get_max_vcpus_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetMaxVcpusRet {
    pub max_vcpus: i32,
}

/// Reply of [`Procedure::ConnectGetCapabilities`] (`remote_connect_get_capabilities_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetCapabilitiesRet {
    pub capabilities: String,
}

/// Arguments of [`Procedure::ConnectGetDomainCapabilities`] (`remote_connect_get_domain_capabilities_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetDomainCapabilitiesArgs {
    pub emulatorbin: Option<String>,
    pub arch: Option<String>,
    pub machine: Option<String>,
    pub virttype: Option<String>,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectGetDomainCapabilities`] (`remote_connect_get_domain_capabilities_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetDomainCapabilitiesRet {
    pub capabilities: String,
}

/// Reply of [`Procedure::AuthList`] (`remote_auth_list_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthListRet {
    /// At most [`AUTH_TYPE_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { AUTH_TYPE_LIST_MAX }>")]
    pub types: Vec<AuthType>,
}

/// Reply of [`Procedure::AuthSaslInit`] (`remote_auth_sasl_init_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthSaslInitRet {
    pub mechlist: String,
}

/// Arguments of [`Procedure::AuthSaslStart`] (`remote_auth_sasl_start_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthSaslStartArgs {
    pub mech: String,
    pub nil: i32,
    /// At most [`AUTH_SASL_DATA_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { AUTH_SASL_DATA_MAX }>")]
    pub data: Vec<i8>,
}

/// Reply of [`Procedure::AuthSaslStart`] (`remote_auth_sasl_start_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthSaslStartRet {
    pub complete: i32,
    pub nil: i32,
    /// At most [`AUTH_SASL_DATA_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { AUTH_SASL_DATA_MAX }>")]
    pub data: Vec<i8>,
}

/// Arguments of [`Procedure::AuthSaslStep`] (`remote_auth_sasl_step_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthSaslStepArgs {
    pub nil: i32,
    /// At most [`AUTH_SASL_DATA_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { AUTH_SASL_DATA_MAX }>")]
    pub data: Vec<i8>,
}

/// Reply of [`Procedure::AuthSaslStep`] (`remote_auth_sasl_step_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthSaslStepRet {
    pub complete: i32,
    pub nil: i32,
    /// At most [`AUTH_SASL_DATA_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { AUTH_SASL_DATA_MAX }>")]
    pub data: Vec<i8>,
}

/// Reply of [`Procedure::AuthPolkit`] (`remote_auth_polkit_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthPolkitRet {
    pub complete: i32,
}

/// Arguments of [`Procedure::ConnectFindStoragePoolSources`] (`remote_connect_find_storage_pool_sources_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectFindStoragePoolSourcesArgs {
    pub type_: String,
    pub src_spec: Option<String>,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectFindStoragePoolSources`] (`remote_connect_find_storage_pool_sources_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectFindStoragePoolSourcesRet {
    pub xml: String,
}

/// Arguments of [`Procedure::ConnectDomainXmlFromNative`] (`remote_connect_domain_xml_from_native_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainXmlFromNativeArgs {
    pub native_format: String,
    pub native_config: String,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectDomainXmlFromNative`] (`remote_connect_domain_xml_from_native_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainXmlFromNativeRet {
    pub domain_xml: String,
}

/// Arguments of [`Procedure::ConnectDomainXmlToNative`] (`remote_connect_domain_xml_to_native_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainXmlToNativeArgs {
    pub native_format: String,
    pub domain_xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectDomainXmlToNative`] (`remote_connect_domain_xml_to_native_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainXmlToNativeRet {
    pub native_config: String,
}

/// Reply of [`Procedure::ConnectIsSecure`] (`remote_connect_is_secure_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectIsSecureRet {
    pub secure: i32,
}

/// Arguments of [`Procedure::ConnectCompareCpu`] (`remote_connect_compare_cpu_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectCompareCpuArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectCompareCpu`] (`remote_connect_compare_cpu_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectCompareCpuRet {
    pub result: i32,
}

/// Arguments of [`Procedure::ConnectBaselineCpu`] (`remote_connect_baseline_cpu_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectBaselineCpuArgs {
    /// At most [`CPU_BASELINE_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { CPU_BASELINE_MAX }>")]
    pub xml_cp_us: Vec<String>,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectBaselineCpu`] (`remote_connect_baseline_cpu_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectBaselineCpuRet {
    pub cpu: String,
}

/// Arguments of [`Procedure::ConnectGetCpuModelNames`] (`remote_connect_get_cpu_model_names_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetCpuModelNamesArgs {
    pub arch: String,
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectGetCpuModelNames`] (`remote_connect_get_cpu_model_names_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetCpuModelNamesRet {
    /// At most [`CONNECT_CPU_MODELS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { CONNECT_CPU_MODELS_MAX }>")]
    pub models: Vec<String>,
    pub ret: i32,
}

/// Arguments of [`Procedure::ConnectCompareHypervisorCpu`] (`remote_connect_compare_hypervisor_cpu_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectCompareHypervisorCpuArgs {
    pub emulator: Option<String>,
    pub arch: Option<String>,
    pub machine: Option<String>,
    pub virttype: Option<String>,
    pub xml_cpu: String,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectCompareHypervisorCpu`] (`remote_connect_compare_hypervisor_cpu_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectCompareHypervisorCpuRet {
    pub result: i32,
}

/// Arguments of [`Procedure::ConnectBaselineHypervisorCpu`] (`remote_connect_baseline_hypervisor_cpu_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectBaselineHypervisorCpuArgs {
    pub emulator: Option<String>,
    pub arch: Option<String>,
    pub machine: Option<String>,
    pub virttype: Option<String>,
    /// At most [`CPU_BASELINE_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { CPU_BASELINE_MAX }>")]
    pub xml_cp_us: Vec<String>,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectBaselineHypervisorCpu`] (`remote_connect_baseline_hypervisor_cpu_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectBaselineHypervisorCpuRet {
    pub cpu: String,
}

/// Arguments of [`Procedure::ConnectGetStoragePoolCapabilities`] (`remote_connect_get_storage_pool_capabilities_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetStoragePoolCapabilitiesArgs {
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectGetStoragePoolCapabilities`] (`remote_connect_get_storage_pool_capabilities_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetStoragePoolCapabilitiesRet {
    pub capabilities: String,
}

/// Arguments of [`Procedure::ConnectSetIdentity`] (`remote_connect_set_identity_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConnectSetIdentityArgs {
    /// At most [`CONNECT_IDENTITY_PARAMS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { CONNECT_IDENTITY_PARAMS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::ConnectClose`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectCloseArgs;

/// Arguments of [`Procedure::ConnectGetType`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetTypeArgs;

/// Arguments of [`Procedure::ConnectGetVersion`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetVersionArgs;

/// Arguments of [`Procedure::ConnectGetCapabilities`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetCapabilitiesArgs;

/// Arguments of [`Procedure::ConnectGetHostname`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetHostnameArgs;

/// Arguments of [`Procedure::AuthList`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthListArgs;

/// Arguments of [`Procedure::AuthSaslInit`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthSaslInitArgs;

/// Arguments of [`Procedure::AuthPolkit`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AuthPolkitArgs;

/// Arguments of [`Procedure::ConnectGetUri`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetUriArgs;

/// Arguments of [`Procedure::ConnectIsSecure`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectIsSecureArgs;

/// Arguments of [`Procedure::ConnectGetLibVersion`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectGetLibVersionArgs;

/// Arguments of [`Procedure::ConnectRegisterCloseCallback`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectRegisterCloseCallbackArgs;

/// Arguments of [`Procedure::ConnectUnregisterCloseCallback`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectUnregisterCloseCallbackArgs;

calls! {
    ConnectOpenArgs => ConnectOpen, ();
    ConnectCloseArgs => ConnectClose, ();
    ConnectGetTypeArgs => ConnectGetType, ConnectGetTypeRet;
    ConnectGetVersionArgs => ConnectGetVersion, ConnectGetVersionRet;
    ConnectGetMaxVcpusArgs => ConnectGetMaxVcpus, ConnectGetMaxVcpusRet;
    ConnectGetCapabilitiesArgs => ConnectGetCapabilities, ConnectGetCapabilitiesRet;
    ConnectGetHostnameArgs => ConnectGetHostname, ConnectGetHostnameRet;
    ConnectSupportsFeatureArgs => ConnectSupportsFeature, ConnectSupportsFeatureRet;
    AuthListArgs => AuthList, AuthListRet;
    AuthSaslInitArgs => AuthSaslInit, AuthSaslInitRet;
    AuthSaslStartArgs => AuthSaslStart, AuthSaslStartRet;
    AuthSaslStepArgs => AuthSaslStep, AuthSaslStepRet;
    AuthPolkitArgs => AuthPolkit, AuthPolkitRet;
    ConnectFindStoragePoolSourcesArgs => ConnectFindStoragePoolSources, ConnectFindStoragePoolSourcesRet;
    ConnectGetUriArgs => ConnectGetUri, ConnectGetUriRet;
    ConnectDomainXmlFromNativeArgs => ConnectDomainXmlFromNative, ConnectDomainXmlFromNativeRet;
    ConnectDomainXmlToNativeArgs => ConnectDomainXmlToNative, ConnectDomainXmlToNativeRet;
    ConnectIsSecureArgs => ConnectIsSecure, ConnectIsSecureRet;
    ConnectGetLibVersionArgs => ConnectGetLibVersion, ConnectGetLibVersionRet;
    ConnectCompareCpuArgs => ConnectCompareCpu, ConnectCompareCpuRet;
    ConnectBaselineCpuArgs => ConnectBaselineCpu, ConnectBaselineCpuRet;
    ConnectGetSysinfoArgs => ConnectGetSysinfo, ConnectGetSysinfoRet;
    ConnectGetCpuModelNamesArgs => ConnectGetCpuModelNames, ConnectGetCpuModelNamesRet;
    ConnectGetDomainCapabilitiesArgs => ConnectGetDomainCapabilities, ConnectGetDomainCapabilitiesRet;
    ConnectRegisterCloseCallbackArgs => ConnectRegisterCloseCallback, ();
    ConnectUnregisterCloseCallbackArgs => ConnectUnregisterCloseCallback, ();
    ConnectCompareHypervisorCpuArgs => ConnectCompareHypervisorCpu, ConnectCompareHypervisorCpuRet;
    ConnectBaselineHypervisorCpuArgs => ConnectBaselineHypervisorCpu, ConnectBaselineHypervisorCpuRet;
    ConnectGetStoragePoolCapabilitiesArgs => ConnectGetStoragePoolCapabilities, ConnectGetStoragePoolCapabilitiesRet;
    ConnectSetIdentityArgs => ConnectSetIdentity, ();
}
