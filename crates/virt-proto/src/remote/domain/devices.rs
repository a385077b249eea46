//! Domain devices: hot-plug, interfaces, consoles, graphics, keys, security labels.

use crate::call::Call;
use crate::remote::limits::{
    DOMAIN_BLKIO_PARAMETERS_MAX, DOMAIN_INTERFACE_PARAMETERS_MAX,
    DOMAIN_LAUNCH_SECURITY_INFO_PARAMS_MAX, DOMAIN_LAUNCH_SECURITY_STATE_PARAMS_MAX,
    DOMAIN_SEND_KEY_MAX, SECURITY_LABEL_LIST_MAX, SECURITY_LABEL_MAX,
};
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::DomainSetBlkioParameters`] (`remote_domain_set_blkio_parameters_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetBlkioParametersArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_BLKIO_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_BLKIO_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetBlkioParameters`] (`remote_domain_get_blkio_parameters_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetBlkioParametersArgs {
    pub dom: Domain,
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetBlkioParameters`] (`remote_domain_get_blkio_parameters_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetBlkioParametersRet {
    /// At most [`DOMAIN_BLKIO_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_BLKIO_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::DomainInterfaceStats`] (`remote_domain_interface_stats_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainInterfaceStatsArgs {
    pub dom: Domain,
    pub device: String,
}

/// Reply of [`Procedure::DomainInterfaceStats`] (`remote_domain_interface_stats_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainInterfaceStatsRet {
    pub rx_bytes: i64,
    pub rx_packets: i64,
    pub rx_errs: i64,
    pub rx_drop: i64,
    pub tx_bytes: i64,
    pub tx_packets: i64,
    pub tx_errs: i64,
    pub tx_drop: i64,
}

/// Arguments of [`Procedure::DomainSetInterfaceParameters`] (`remote_domain_set_interface_parameters_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetInterfaceParametersArgs {
    pub dom: Domain,
    pub device: String,
    /// At most [`DOMAIN_INTERFACE_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_INTERFACE_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetInterfaceParameters`] (`remote_domain_get_interface_parameters_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetInterfaceParametersArgs {
    pub dom: Domain,
    pub device: String,
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetInterfaceParameters`] (`remote_domain_get_interface_parameters_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetInterfaceParametersRet {
    /// At most [`DOMAIN_INTERFACE_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_INTERFACE_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::DomainScreenshot`] (`remote_domain_screenshot_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainScreenshotArgs {
    pub dom: Domain,
    pub screen: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainScreenshot`] (`remote_domain_screenshot_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainScreenshotRet {
    pub mime: Option<String>,
}

/// Arguments of [`Procedure::DomainInjectNmi`] (`remote_domain_inject_nmi_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainInjectNmiArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSendKey`] (`remote_domain_send_key_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSendKeyArgs {
    pub dom: Domain,
    pub codeset: u32,
    pub holdtime: u32,
    /// At most [`DOMAIN_SEND_KEY_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SEND_KEY_MAX }>")]
    pub keycodes: Vec<u32>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSendProcessSignal`] (`remote_domain_send_process_signal_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSendProcessSignalArgs {
    pub dom: Domain,
    pub pid_value: i64,
    pub signum: u32,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetSecurityLabel`] (`remote_domain_get_security_label_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetSecurityLabelArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainGetSecurityLabel`] (`remote_domain_get_security_label_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetSecurityLabelRet {
    /// At most [`SECURITY_LABEL_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { SECURITY_LABEL_MAX }>")]
    pub label: Vec<i8>,
    pub enforcing: i32,
}

/// Arguments of [`Procedure::DomainGetSecurityLabelList`] (`remote_domain_get_security_label_list_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetSecurityLabelListArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainGetSecurityLabelList`] (`remote_domain_get_security_label_list_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetSecurityLabelListRet {
    /// At most [`SECURITY_LABEL_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { SECURITY_LABEL_LIST_MAX }>")]
    pub labels: Vec<DomainGetSecurityLabelRet>,
    pub ret: i32,
}

/// Arguments of [`Procedure::DomainAttachDevice`] (`remote_domain_attach_device_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAttachDeviceArgs {
    pub dom: Domain,
    pub xml: String,
}

/// Arguments of [`Procedure::DomainAttachDeviceFlags`] (`remote_domain_attach_device_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAttachDeviceFlagsArgs {
    pub dom: Domain,
    pub xml: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainDetachDevice`] (`remote_domain_detach_device_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDetachDeviceArgs {
    pub dom: Domain,
    pub xml: String,
}

/// Arguments of [`Procedure::DomainDetachDeviceFlags`] (`remote_domain_detach_device_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDetachDeviceFlagsArgs {
    pub dom: Domain,
    pub xml: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainUpdateDeviceFlags`] (`remote_domain_update_device_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainUpdateDeviceFlagsArgs {
    pub dom: Domain,
    pub xml: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainDetachDeviceAlias`] (`remote_domain_detach_device_alias_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDetachDeviceAliasArgs {
    pub dom: Domain,
    pub alias: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainOpenConsole`] (`remote_domain_open_console_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainOpenConsoleArgs {
    pub dom: Domain,
    pub dev_name: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainOpenChannel`] (`remote_domain_open_channel_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainOpenChannelArgs {
    pub dom: Domain,
    pub name: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainOpenGraphics`] (`remote_domain_open_graphics_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainOpenGraphicsArgs {
    pub dom: Domain,
    pub idx: u32,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainOpenGraphicsFd`] (`remote_domain_open_graphics_fd_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainOpenGraphicsFdArgs {
    pub dom: Domain,
    pub idx: u32,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetLaunchSecurityInfo`] (`remote_domain_get_launch_security_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetLaunchSecurityInfoArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetLaunchSecurityInfo`] (`remote_domain_get_launch_security_info_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetLaunchSecurityInfoRet {
    /// At most [`DOMAIN_LAUNCH_SECURITY_INFO_PARAMS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_LAUNCH_SECURITY_INFO_PARAMS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Arguments of [`Procedure::DomainSetLaunchSecurityState`] (`remote_domain_set_launch_security_state_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSetLaunchSecurityStateArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_LAUNCH_SECURITY_STATE_PARAMS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_LAUNCH_SECURITY_STATE_PARAMS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainFdAssociate`] (`remote_domain_fd_associate_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainFdAssociateArgs {
    pub dom: Domain,
    pub name: String,
    pub flags: u32,
}

calls! {
    DomainAttachDeviceArgs => DomainAttachDevice, ();
    DomainDetachDeviceArgs => DomainDetachDevice, ();
    DomainInterfaceStatsArgs => DomainInterfaceStats, DomainInterfaceStatsRet;
    DomainGetSecurityLabelArgs => DomainGetSecurityLabel, DomainGetSecurityLabelRet;
    DomainAttachDeviceFlagsArgs => DomainAttachDeviceFlags, ();
    DomainDetachDeviceFlagsArgs => DomainDetachDeviceFlags, ();
    DomainUpdateDeviceFlagsArgs => DomainUpdateDeviceFlags, ();
    DomainOpenConsoleArgs => DomainOpenConsole, ();
    DomainSetBlkioParametersArgs => DomainSetBlkioParameters, ();
    DomainGetBlkioParametersArgs => DomainGetBlkioParameters, DomainGetBlkioParametersRet;
    DomainInjectNmiArgs => DomainInjectNmi, ();
    DomainScreenshotArgs => DomainScreenshot, DomainScreenshotRet;
    DomainSendKeyArgs => DomainSendKey, ();
    DomainOpenGraphicsArgs => DomainOpenGraphics, ();
    DomainSetInterfaceParametersArgs => DomainSetInterfaceParameters, ();
    DomainGetInterfaceParametersArgs => DomainGetInterfaceParameters, DomainGetInterfaceParametersRet;
    DomainGetSecurityLabelListArgs => DomainGetSecurityLabelList, DomainGetSecurityLabelListRet;
    DomainSendProcessSignalArgs => DomainSendProcessSignal, ();
    DomainOpenChannelArgs => DomainOpenChannel, ();
    DomainOpenGraphicsFdArgs => DomainOpenGraphicsFd, ();
    DomainDetachDeviceAliasArgs => DomainDetachDeviceAlias, ();
    DomainGetLaunchSecurityInfoArgs => DomainGetLaunchSecurityInfo, DomainGetLaunchSecurityInfoRet;
    DomainSetLaunchSecurityStateArgs => DomainSetLaunchSecurityState, ();
    DomainFdAssociateArgs => DomainFdAssociate, ();
}
