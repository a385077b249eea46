//! Host devices (node devices): lookup, XML, detach/reattach, mediated devices.

use crate::call::Call;
use crate::remote::limits::NODE_DEVICE_CAPS_LIST_MAX;
use crate::remote::{NodeDevice, Procedure};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::NodeDeviceLookupByName`] (`remote_node_device_lookup_by_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceLookupByNameArgs {
    pub name: String,
}

/// Reply of [`Procedure::NodeDeviceLookupByName`] (`remote_node_device_lookup_by_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceLookupByNameRet {
    pub dev: NodeDevice,
}

/// Arguments of [`Procedure::NodeDeviceLookupScsiHostByWwn`] (`remote_node_device_lookup_scsi_host_by_wwn_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceLookupScsiHostByWwnArgs {
    pub wwnn: String,
    pub wwpn: String,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeDeviceLookupScsiHostByWwn`] (`remote_node_device_lookup_scsi_host_by_wwn_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceLookupScsiHostByWwnRet {
    pub dev: NodeDevice,
}

/// Arguments of [`Procedure::NodeDeviceGetXmlDesc`] (`remote_node_device_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceGetXmlDescArgs {
    pub name: String,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeDeviceGetXmlDesc`] (`remote_node_device_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::NodeDeviceGetParent`] (`remote_node_device_get_parent_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceGetParentArgs {
    pub name: String,
}

/// Reply of [`Procedure::NodeDeviceGetParent`] (`remote_node_device_get_parent_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceGetParentRet {
    pub parent_name: Option<String>,
}

/// Arguments of [`Procedure::NodeDeviceNumOfCaps`] (`remote_node_device_num_of_caps_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceNumOfCapsArgs {
    pub name: String,
}

/// Reply of [`Procedure::NodeDeviceNumOfCaps`] (`remote_node_device_num_of_caps_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceNumOfCapsRet {
    pub num: i32,
}

/// Arguments of [`Procedure::NodeDeviceListCaps`] (`remote_node_device_list_caps_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceListCapsArgs {
    pub name: String,
    pub maxnames: i32,
}

/// Reply of [`Procedure::NodeDeviceListCaps`] (`remote_node_device_list_caps_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceListCapsRet {
    /// At most [`NODE_DEVICE_CAPS_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_DEVICE_CAPS_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Arguments of [`Procedure::NodeDeviceDettach`] (`remote_node_device_dettach_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceDettachArgs {
    pub name: String,
}

/// Arguments of [`Procedure::NodeDeviceDetachFlags`] (`remote_node_device_detach_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceDetachFlagsArgs {
    pub name: String,
    pub driver_name: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::NodeDeviceReAttach`] (`remote_node_device_re_attach_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceReAttachArgs {
    pub name: String,
}

/// Arguments of [`Procedure::NodeDeviceReset`] (`remote_node_device_reset_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceResetArgs {
    pub name: String,
}

/// Arguments of [`Procedure::NodeDeviceCreateXml`] (`remote_node_device_create_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceCreateXmlArgs {
    pub xml_desc: String,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeDeviceCreateXml`] (`remote_node_device_create_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceCreateXmlRet {
    pub dev: NodeDevice,
}

/// Arguments of [`Procedure::NodeDeviceDestroy`] (`remote_node_device_destroy_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceDestroyArgs {
    pub name: String,
}

/// Arguments of [`Procedure::NodeDeviceDefineXml`] (`remote_node_device_define_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceDefineXmlArgs {
    pub xml_desc: String,
    pub flags: u32,
}

/// Reply of [`Procedure::NodeDeviceDefineXml`] (`remote_node_device_define_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceDefineXmlRet {
    pub dev: NodeDevice,
}

/// Arguments of [`Procedure::NodeDeviceUndefine`] (`remote_node_device_undefine_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceUndefineArgs {
    pub name: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::NodeDeviceCreate`] (`remote_node_device_create_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceCreateArgs {
    pub name: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::NodeDeviceGetAutostart`] (`remote_node_device_get_autostart_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceGetAutostartArgs {
    pub name: String,
}

/// Reply of [`Procedure::NodeDeviceGetAutostart`] (`remote_node_device_get_autostart_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceGetAutostartRet {
    pub autostart: i32,
}

/// Arguments of [`Procedure::NodeDeviceSetAutostart`] (`remote_node_device_set_autostart_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceSetAutostartArgs {
    pub name: String,
    pub autostart: i32,
}

/// Arguments of [`Procedure::NodeDeviceIsPersistent`] (`remote_node_device_is_persistent_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceIsPersistentArgs {
    pub name: String,
}

/// Reply of [`Procedure::NodeDeviceIsPersistent`] (`remote_node_device_is_persistent_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceIsPersistentRet {
    pub persistent: i32,
}

/// Arguments of [`Procedure::NodeDeviceIsActive`] (`remote_node_device_is_active_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceIsActiveArgs {
    pub name: String,
}

/// Reply of [`Procedure::NodeDeviceIsActive`] (`remote_node_device_is_active_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceIsActiveRet {
    pub active: i32,
}

calls! {
    NodeDeviceLookupByNameArgs => NodeDeviceLookupByName, NodeDeviceLookupByNameRet;
    NodeDeviceGetXmlDescArgs => NodeDeviceGetXmlDesc, NodeDeviceGetXmlDescRet;
    NodeDeviceGetParentArgs => NodeDeviceGetParent, NodeDeviceGetParentRet;
    NodeDeviceNumOfCapsArgs => NodeDeviceNumOfCaps, NodeDeviceNumOfCapsRet;
    NodeDeviceListCapsArgs => NodeDeviceListCaps, NodeDeviceListCapsRet;
    NodeDeviceDettachArgs => NodeDeviceDettach, ();
    NodeDeviceReAttachArgs => NodeDeviceReAttach, ();
    NodeDeviceResetArgs => NodeDeviceReset, ();
    NodeDeviceCreateXmlArgs => NodeDeviceCreateXml, NodeDeviceCreateXmlRet;
    NodeDeviceDestroyArgs => NodeDeviceDestroy, ();
    NodeDeviceLookupScsiHostByWwnArgs => NodeDeviceLookupScsiHostByWwn, NodeDeviceLookupScsiHostByWwnRet;
    NodeDeviceDetachFlagsArgs => NodeDeviceDetachFlags, ();
    NodeDeviceDefineXmlArgs => NodeDeviceDefineXml, NodeDeviceDefineXmlRet;
    NodeDeviceUndefineArgs => NodeDeviceUndefine, ();
    NodeDeviceCreateArgs => NodeDeviceCreate, ();
    NodeDeviceGetAutostartArgs => NodeDeviceGetAutostart, NodeDeviceGetAutostartRet;
    NodeDeviceSetAutostartArgs => NodeDeviceSetAutostart, ();
    NodeDeviceIsPersistentArgs => NodeDeviceIsPersistent, NodeDeviceIsPersistentRet;
    NodeDeviceIsActiveArgs => NodeDeviceIsActive, NodeDeviceIsActiveRet;
}
