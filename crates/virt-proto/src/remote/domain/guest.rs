//! Calls answered by the guest agent: file systems, guest info, users, time.

use crate::call::Call;
use crate::remote::limits::{
    DOMAIN_AUTHORIZED_SSH_KEYS_MAX, DOMAIN_FSFREEZE_MOUNTPOINTS_MAX, DOMAIN_FSINFO_DISKS_MAX,
    DOMAIN_FSINFO_MAX, DOMAIN_GUEST_INFO_PARAMS_MAX, DOMAIN_INTERFACE_MAX, DOMAIN_IP_ADDR_MAX,
    DOMAIN_MESSAGES_MAX,
};
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::DomainGetHostname`] (`remote_domain_get_hostname_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetHostnameArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetHostname`] (`remote_domain_get_hostname_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetHostnameRet {
    pub hostname: String,
}

/// Arguments of [`Procedure::DomainFstrim`] (`remote_domain_fstrim_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainFstrimArgs {
    pub dom: Domain,
    pub mount_point: Option<String>,
    pub minimum: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetTime`] (`remote_domain_get_time_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetTimeArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetTime`] (`remote_domain_get_time_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetTimeRet {
    pub seconds: i64,
    pub nseconds: u32,
}

/// Arguments of [`Procedure::DomainSetTime`] (`remote_domain_set_time_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetTimeArgs {
    pub dom: Domain,
    pub seconds: i64,
    pub nseconds: u32,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainFsfreeze`] (`remote_domain_fsfreeze_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainFsfreezeArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_FSFREEZE_MOUNTPOINTS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_FSFREEZE_MOUNTPOINTS_MAX }>")]
    pub mountpoints: Vec<String>,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainFsfreeze`] (`remote_domain_fsfreeze_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainFsfreezeRet {
    pub filesystems: i32,
}

/// Arguments of [`Procedure::DomainFsthaw`] (`remote_domain_fsthaw_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainFsthawArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_FSFREEZE_MOUNTPOINTS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_FSFREEZE_MOUNTPOINTS_MAX }>")]
    pub mountpoints: Vec<String>,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainFsthaw`] (`remote_domain_fsthaw_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainFsthawRet {
    pub filesystems: i32,
}

/// Wire struct `remote_domain_fsinfo`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainFsinfo {
    pub mountpoint: String,
    pub name: String,
    pub fstype: String,
    /// At most [`DOMAIN_FSINFO_DISKS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_FSINFO_DISKS_MAX }>")]
    pub dev_aliases: Vec<String>,
}

/// Arguments of [`Procedure::DomainGetFsinfo`] (`remote_domain_get_fsinfo_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetFsinfoArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetFsinfo`] (`remote_domain_get_fsinfo_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetFsinfoRet {
    /// At most [`DOMAIN_FSINFO_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_FSINFO_MAX }>")]
    pub info: Vec<DomainFsinfo>,
    pub ret: u32,
}

/// Wire struct `remote_domain_ip_addr`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainIpAddr {
    pub type_: i32,
    pub addr: String,
    pub prefix: u32,
}

/// Wire struct `remote_domain_interface`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainInterface {
    pub name: String,
    pub hwaddr: Option<String>,
    /// At most [`DOMAIN_IP_ADDR_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_IP_ADDR_MAX }>")]
    pub addrs: Vec<DomainIpAddr>,
}

/// Arguments of [`Procedure::DomainInterfaceAddresses`] (`remote_domain_interface_addresses_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainInterfaceAddressesArgs {
    pub dom: Domain,
    pub source: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainInterfaceAddresses`] (`remote_domain_interface_addresses_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainInterfaceAddressesRet {
    /// At most [`DOMAIN_INTERFACE_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_INTERFACE_MAX }>")]
    pub ifaces: Vec<DomainInterface>,
}

/// Arguments of [`Procedure::DomainSetUserPassword`] (`remote_domain_set_user_password_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetUserPasswordArgs {
    pub dom: Domain,
    pub user: Option<String>,
    pub password: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetGuestInfo`] (`remote_domain_get_guest_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetGuestInfoArgs {
    pub dom: Domain,
    pub types: u32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetGuestInfo`] (`remote_domain_get_guest_info_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainGetGuestInfoRet {
    /// At most [`DOMAIN_GUEST_INFO_PARAMS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_GUEST_INFO_PARAMS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Arguments of [`Procedure::DomainAgentSetResponseTimeout`] (`remote_domain_agent_set_response_timeout_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAgentSetResponseTimeoutArgs {
    pub dom: Domain,
    pub timeout: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainAgentSetResponseTimeout`] (`remote_domain_agent_set_response_timeout_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAgentSetResponseTimeoutRet {
    pub result: i32,
}

/// Arguments of [`Procedure::DomainAuthorizedSshKeysGet`] (`remote_domain_authorized_ssh_keys_get_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAuthorizedSshKeysGetArgs {
    pub dom: Domain,
    pub user: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainAuthorizedSshKeysGet`] (`remote_domain_authorized_ssh_keys_get_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAuthorizedSshKeysGetRet {
    /// At most [`DOMAIN_AUTHORIZED_SSH_KEYS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_AUTHORIZED_SSH_KEYS_MAX }>")]
    pub keys: Vec<String>,
}

/// Arguments of [`Procedure::DomainAuthorizedSshKeysSet`] (`remote_domain_authorized_ssh_keys_set_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainAuthorizedSshKeysSetArgs {
    pub dom: Domain,
    pub user: String,
    /// At most [`DOMAIN_AUTHORIZED_SSH_KEYS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_AUTHORIZED_SSH_KEYS_MAX }>")]
    pub keys: Vec<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetMessages`] (`remote_domain_get_messages_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetMessagesArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetMessages`] (`remote_domain_get_messages_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetMessagesRet {
    /// At most [`DOMAIN_MESSAGES_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_MESSAGES_MAX }>")]
    pub msgs: Vec<String>,
}

calls! {
    DomainGetHostnameArgs => DomainGetHostname, DomainGetHostnameRet;
    DomainFstrimArgs => DomainFstrim, ();
    DomainFsfreezeArgs => DomainFsfreeze, DomainFsfreezeRet;
    DomainFsthawArgs => DomainFsthaw, DomainFsthawRet;
    DomainGetTimeArgs => DomainGetTime, DomainGetTimeRet;
    DomainSetTimeArgs => DomainSetTime, ();
    DomainGetFsinfoArgs => DomainGetFsinfo, DomainGetFsinfoRet;
    DomainInterfaceAddressesArgs => DomainInterfaceAddresses, DomainInterfaceAddressesRet;
    DomainSetUserPasswordArgs => DomainSetUserPassword, ();
    DomainGetGuestInfoArgs => DomainGetGuestInfo, DomainGetGuestInfoRet;
    DomainAgentSetResponseTimeoutArgs => DomainAgentSetResponseTimeout, DomainAgentSetResponseTimeoutRet;
    DomainAuthorizedSshKeysGetArgs => DomainAuthorizedSshKeysGet, DomainAuthorizedSshKeysGetRet;
    DomainAuthorizedSshKeysSetArgs => DomainAuthorizedSshKeysSet, ();
    DomainGetMessagesArgs => DomainGetMessages, DomainGetMessagesRet;
}
