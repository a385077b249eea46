//! Virtual networks and their ports.

use crate::call::Call;
use crate::remote::limits::{
    NETWORK_DHCP_LEASES_MAX, NETWORK_PORT_LIST_MAX, NETWORK_PORT_PARAMETERS_MAX,
};
use crate::remote::{Network, NetworkPort, Procedure, TypedParam};
use crate::xdr::{Uuid, limit};
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::NetworkLookupByUuid`] (`remote_network_lookup_by_uuid_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkLookupByUuidArgs {
    pub uuid: Uuid,
}

/// Reply of [`Procedure::NetworkLookupByUuid`] (`remote_network_lookup_by_uuid_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkLookupByUuidRet {
    pub net: Network,
}

/// Arguments of [`Procedure::NetworkLookupByName`] (`remote_network_lookup_by_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkLookupByNameArgs {
    pub name: String,
}

/// Reply of [`Procedure::NetworkLookupByName`] (`remote_network_lookup_by_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkLookupByNameRet {
    pub net: Network,
}

/// Arguments of [`Procedure::NetworkCreateXml`] (`remote_network_create_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkCreateXmlArgs {
    pub xml: String,
}

/// Reply of [`Procedure::NetworkCreateXml`] (`remote_network_create_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkCreateXmlRet {
    pub net: Network,
}

/// Arguments of [`Procedure::NetworkCreateXmlFlags`] (`remote_network_create_xml_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkCreateXmlFlagsArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::NetworkCreateXmlFlags`] (`remote_network_create_xml_flags_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkCreateXmlFlagsRet {
    pub net: Network,
}

/// Arguments of [`Procedure::NetworkDefineXml`] (`remote_network_define_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkDefineXmlArgs {
    pub xml: String,
}

/// Reply of [`Procedure::NetworkDefineXml`] (`remote_network_define_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkDefineXmlRet {
    pub net: Network,
}

/// Arguments of [`Procedure::NetworkDefineXmlFlags`] (`remote_network_define_xml_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkDefineXmlFlagsArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::NetworkDefineXmlFlags`] (`remote_network_define_xml_flags_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkDefineXmlFlagsRet {
    pub net: Network,
}

/// Arguments of [`Procedure::NetworkUndefine`] (`remote_network_undefine_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkUndefineArgs {
    pub net: Network,
}

/// Arguments of [`Procedure::NetworkUpdate`] (`remote_network_update_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkUpdateArgs {
    pub net: Network,
    pub command: u32,
    pub section: u32,
    pub parent_index: i32,
    pub xml: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::NetworkCreate`] (`remote_network_create_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkCreateArgs {
    pub net: Network,
}

/// Arguments of [`Procedure::NetworkDestroy`] (`remote_network_destroy_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkDestroyArgs {
    pub net: Network,
}

/// Arguments of [`Procedure::NetworkGetXmlDesc`] (`remote_network_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkGetXmlDescArgs {
    pub net: Network,
    pub flags: u32,
}

/// Reply of [`Procedure::NetworkGetXmlDesc`] (`remote_network_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::NetworkGetBridgeName`] (`remote_network_get_bridge_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkGetBridgeNameArgs {
    pub net: Network,
}

/// Reply of [`Procedure::NetworkGetBridgeName`] (`remote_network_get_bridge_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkGetBridgeNameRet {
    pub name: String,
}

/// Arguments of [`Procedure::NetworkGetAutostart`] (`remote_network_get_autostart_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkGetAutostartArgs {
    pub net: Network,
}

/// Reply of [`Procedure::NetworkGetAutostart`] (`remote_network_get_autostart_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkGetAutostartRet {
    pub autostart: i32,
}

/// Arguments of [`Procedure::NetworkSetAutostart`] (`remote_network_set_autostart_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkSetAutostartArgs {
    pub net: Network,
    pub autostart: i32,
}

/// Arguments of [`Procedure::NetworkIsActive`] (`remote_network_is_active_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkIsActiveArgs {
    pub net: Network,
}

/// Reply of [`Procedure::NetworkIsActive`] (`remote_network_is_active_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkIsActiveRet {
    pub active: i32,
}

/// Arguments of [`Procedure::NetworkIsPersistent`] (`remote_network_is_persistent_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkIsPersistentArgs {
    pub net: Network,
}

/// Reply of [`Procedure::NetworkIsPersistent`] (`remote_network_is_persistent_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkIsPersistentRet {
    pub persistent: i32,
}

/// Wire struct `remote_network_dhcp_lease`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkDhcpLease {
    pub iface: String,
    pub expirytime: i64,
    pub type_: i32,
    pub mac: Option<String>,
    pub iaid: Option<String>,
    pub ipaddr: String,
    pub prefix: u32,
    pub hostname: Option<String>,
    pub clientid: Option<String>,
}

/// Arguments of [`Procedure::NetworkGetDhcpLeases`] (`remote_network_get_dhcp_leases_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkGetDhcpLeasesArgs {
    pub net: Network,
    pub mac: Option<String>,
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::NetworkGetDhcpLeases`] (`remote_network_get_dhcp_leases_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkGetDhcpLeasesRet {
    /// At most [`NETWORK_DHCP_LEASES_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NETWORK_DHCP_LEASES_MAX }>")]
    pub leases: Vec<NetworkDhcpLease>,
    pub ret: u32,
}

/// Arguments of [`Procedure::NetworkListAllPorts`] (`remote_network_list_all_ports_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkListAllPortsArgs {
    pub network: Network,
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::NetworkListAllPorts`] (`remote_network_list_all_ports_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkListAllPortsRet {
    /// At most [`NETWORK_PORT_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NETWORK_PORT_LIST_MAX }>")]
    pub ports: Vec<NetworkPort>,
    pub ret: u32,
}

/// Arguments of [`Procedure::NetworkPortLookupByUuid`] (`remote_network_port_lookup_by_uuid_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkPortLookupByUuidArgs {
    pub network: Network,
    pub uuid: Uuid,
}

/// Reply of [`Procedure::NetworkPortLookupByUuid`] (`remote_network_port_lookup_by_uuid_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkPortLookupByUuidRet {
    pub port: NetworkPort,
}

/// Arguments of [`Procedure::NetworkPortCreateXml`] (`remote_network_port_create_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkPortCreateXmlArgs {
    pub network: Network,
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::NetworkPortCreateXml`] (`remote_network_port_create_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkPortCreateXmlRet {
    pub port: NetworkPort,
}

/// Arguments of [`Procedure::NetworkPortSetParameters`] (`remote_network_port_set_parameters_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NetworkPortSetParametersArgs {
    pub port: NetworkPort,
    /// At most [`NETWORK_PORT_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NETWORK_PORT_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::NetworkPortGetParameters`] (`remote_network_port_get_parameters_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkPortGetParametersArgs {
    pub port: NetworkPort,
    pub nparams: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::NetworkPortGetParameters`] (`remote_network_port_get_parameters_ret`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NetworkPortGetParametersRet {
    /// At most [`NETWORK_PORT_PARAMETERS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NETWORK_PORT_PARAMETERS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub nparams: i32,
}

/// Arguments of [`Procedure::NetworkPortGetXmlDesc`] (`remote_network_port_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkPortGetXmlDescArgs {
    pub port: NetworkPort,
    pub flags: u32,
}

/// Reply of [`Procedure::NetworkPortGetXmlDesc`] (`remote_network_port_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkPortGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::NetworkPortDelete`] (`remote_network_port_delete_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkPortDeleteArgs {
    pub port: NetworkPort,
    pub flags: u32,
}

calls! {
    NetworkCreateArgs => NetworkCreate, ();
    NetworkCreateXmlArgs => NetworkCreateXml, NetworkCreateXmlRet;
    NetworkDefineXmlArgs => NetworkDefineXml, NetworkDefineXmlRet;
    NetworkDestroyArgs => NetworkDestroy, ();
    NetworkGetXmlDescArgs => NetworkGetXmlDesc, NetworkGetXmlDescRet;
    NetworkGetAutostartArgs => NetworkGetAutostart, NetworkGetAutostartRet;
    NetworkGetBridgeNameArgs => NetworkGetBridgeName, NetworkGetBridgeNameRet;
    NetworkLookupByNameArgs => NetworkLookupByName, NetworkLookupByNameRet;
    NetworkLookupByUuidArgs => NetworkLookupByUuid, NetworkLookupByUuidRet;
    NetworkSetAutostartArgs => NetworkSetAutostart, ();
    NetworkUndefineArgs => NetworkUndefine, ();
    NetworkIsActiveArgs => NetworkIsActive, NetworkIsActiveRet;
    NetworkIsPersistentArgs => NetworkIsPersistent, NetworkIsPersistentRet;
    NetworkUpdateArgs => NetworkUpdate, ();
    NetworkGetDhcpLeasesArgs => NetworkGetDhcpLeases, NetworkGetDhcpLeasesRet;
    NetworkListAllPortsArgs => NetworkListAllPorts, NetworkListAllPortsRet;
    NetworkPortLookupByUuidArgs => NetworkPortLookupByUuid, NetworkPortLookupByUuidRet;
    NetworkPortCreateXmlArgs => NetworkPortCreateXml, NetworkPortCreateXmlRet;
    NetworkPortGetParametersArgs => NetworkPortGetParameters, NetworkPortGetParametersRet;
    NetworkPortSetParametersArgs => NetworkPortSetParameters, ();
    NetworkPortGetXmlDescArgs => NetworkPortGetXmlDesc, NetworkPortGetXmlDescRet;
    NetworkPortDeleteArgs => NetworkPortDelete, ();
    NetworkDefineXmlFlagsArgs => NetworkDefineXmlFlags, NetworkDefineXmlFlagsRet;
    NetworkCreateXmlFlagsArgs => NetworkCreateXmlFlags, NetworkCreateXmlFlagsRet;
}
