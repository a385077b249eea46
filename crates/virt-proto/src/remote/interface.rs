//! Host network interfaces.

use crate::call::Call;
use crate::remote::{Interface, Procedure};
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::InterfaceLookupByName`] (`remote_interface_lookup_by_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceLookupByNameArgs {
    pub name: String,
}

/// Reply of [`Procedure::InterfaceLookupByName`] (`remote_interface_lookup_by_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceLookupByNameRet {
    pub iface: Interface,
}

/// Arguments of [`Procedure::InterfaceLookupByMacString`] (`remote_interface_lookup_by_mac_string_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceLookupByMacStringArgs {
    pub mac: String,
}

/// Reply of [`Procedure::InterfaceLookupByMacString`] (`remote_interface_lookup_by_mac_string_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceLookupByMacStringRet {
    pub iface: Interface,
}

/// Arguments of [`Procedure::InterfaceGetXmlDesc`] (`remote_interface_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceGetXmlDescArgs {
    pub iface: Interface,
    pub flags: u32,
}

/// Reply of [`Procedure::InterfaceGetXmlDesc`] (`remote_interface_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::InterfaceDefineXml`] (`remote_interface_define_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceDefineXmlArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::InterfaceDefineXml`] (`remote_interface_define_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceDefineXmlRet {
    pub iface: Interface,
}

/// Arguments of [`Procedure::InterfaceUndefine`] (`remote_interface_undefine_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceUndefineArgs {
    pub iface: Interface,
}

/// Arguments of [`Procedure::InterfaceCreate`] (`remote_interface_create_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceCreateArgs {
    pub iface: Interface,
    pub flags: u32,
}

/// Arguments of [`Procedure::InterfaceDestroy`] (`remote_interface_destroy_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceDestroyArgs {
    pub iface: Interface,
    pub flags: u32,
}

/// Arguments of [`Procedure::InterfaceChangeBegin`] (`remote_interface_change_begin_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceChangeBeginArgs {
    pub flags: u32,
}

/// Arguments of [`Procedure::InterfaceChangeCommit`] (`remote_interface_change_commit_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceChangeCommitArgs {
    pub flags: u32,
}

/// Arguments of [`Procedure::InterfaceChangeRollback`] (`remote_interface_change_rollback_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceChangeRollbackArgs {
    pub flags: u32,
}

/// Arguments of [`Procedure::InterfaceIsActive`] (`remote_interface_is_active_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceIsActiveArgs {
    pub iface: Interface,
}

/// Reply of [`Procedure::InterfaceIsActive`] (`remote_interface_is_active_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct InterfaceIsActiveRet {
    pub active: i32,
}

calls! {
    InterfaceLookupByNameArgs => InterfaceLookupByName, InterfaceLookupByNameRet;
    InterfaceLookupByMacStringArgs => InterfaceLookupByMacString, InterfaceLookupByMacStringRet;
    InterfaceGetXmlDescArgs => InterfaceGetXmlDesc, InterfaceGetXmlDescRet;
    InterfaceDefineXmlArgs => InterfaceDefineXml, InterfaceDefineXmlRet;
    InterfaceUndefineArgs => InterfaceUndefine, ();
    InterfaceCreateArgs => InterfaceCreate, ();
    InterfaceDestroyArgs => InterfaceDestroy, ();
    InterfaceIsActiveArgs => InterfaceIsActive, InterfaceIsActiveRet;
    InterfaceChangeBeginArgs => InterfaceChangeBegin, ();
    InterfaceChangeCommitArgs => InterfaceChangeCommit, ();
    InterfaceChangeRollbackArgs => InterfaceChangeRollback, ();
}
