//! Listing and counting objects: names, ids, and the `LIST_ALL_*` calls.

use crate::call::Call;
use crate::remote::limits::{
    DOMAIN_LIST_MAX, INTERFACE_LIST_MAX, NETWORK_LIST_MAX, NODE_DEVICE_LIST_MAX,
    NWFILTER_BINDING_LIST_MAX, NWFILTER_LIST_MAX, SECRET_LIST_MAX, STORAGE_POOL_LIST_MAX,
};
use crate::remote::{
    Domain, Interface, Network, NodeDevice, NwFilter, NwFilterBinding, Procedure, Secret,
    StoragePool,
};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::ConnectListDomains`] (`remote_connect_list_domains_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDomainsArgs {
    pub maxids: i32,
}

/// Reply of [`Procedure::ConnectListDomains`] (`remote_connect_list_domains_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDomainsRet {
    /// At most [`DOMAIN_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_LIST_MAX }>")]
    pub ids: Vec<i32>,
}

/// Reply of [`Procedure::ConnectNumOfDomains`] (`remote_connect_num_of_domains_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDomainsRet {
    pub num: i32,
}

/// Arguments of [`Procedure::ConnectListDefinedDomains`] (`remote_connect_list_defined_domains_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDefinedDomainsArgs {
    pub maxnames: i32,
}

/// Reply of [`Procedure::ConnectListDefinedDomains`] (`remote_connect_list_defined_domains_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDefinedDomainsRet {
    /// At most [`DOMAIN_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Reply of [`Procedure::ConnectNumOfDefinedDomains`] (`remote_connect_num_of_defined_domains_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDefinedDomainsRet {
    pub num: i32,
}

/// Reply of [`Procedure::ConnectNumOfNetworks`] (`remote_connect_num_of_networks_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfNetworksRet {
    pub num: i32,
}

/// Arguments of [`Procedure::ConnectListNetworks`] (`remote_connect_list_networks_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListNetworksArgs {
    pub maxnames: i32,
}

/// Reply of [`Procedure::ConnectListNetworks`] (`remote_connect_list_networks_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListNetworksRet {
    /// At most [`NETWORK_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NETWORK_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Reply of [`Procedure::ConnectNumOfDefinedNetworks`] (`remote_connect_num_of_defined_networks_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDefinedNetworksRet {
    pub num: i32,
}

/// Arguments of [`Procedure::ConnectListDefinedNetworks`] (`remote_connect_list_defined_networks_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDefinedNetworksArgs {
    pub maxnames: i32,
}

/// Reply of [`Procedure::ConnectListDefinedNetworks`] (`remote_connect_list_defined_networks_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDefinedNetworksRet {
    /// At most [`NETWORK_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NETWORK_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Reply of [`Procedure::ConnectNumOfNwFilters`] (`remote_connect_num_of_nwfilters_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfNwFiltersRet {
    pub num: i32,
}

/// Arguments of [`Procedure::ConnectListNwFilters`] (`remote_connect_list_nwfilters_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListNwFiltersArgs {
    pub maxnames: i32,
}

/// Reply of [`Procedure::ConnectListNwFilters`] (`remote_connect_list_nwfilters_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListNwFiltersRet {
    /// At most [`NWFILTER_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NWFILTER_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Reply of [`Procedure::ConnectNumOfInterfaces`] (`remote_connect_num_of_interfaces_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfInterfacesRet {
    pub num: i32,
}

/// Arguments of [`Procedure::ConnectListInterfaces`] (`remote_connect_list_interfaces_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListInterfacesArgs {
    pub maxnames: i32,
}

/// Reply of [`Procedure::ConnectListInterfaces`] (`remote_connect_list_interfaces_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListInterfacesRet {
    /// At most [`INTERFACE_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { INTERFACE_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Reply of [`Procedure::ConnectNumOfDefinedInterfaces`] (`remote_connect_num_of_defined_interfaces_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDefinedInterfacesRet {
    pub num: i32,
}

/// Arguments of [`Procedure::ConnectListDefinedInterfaces`] (`remote_connect_list_defined_interfaces_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDefinedInterfacesArgs {
    pub maxnames: i32,
}

/// Reply of [`Procedure::ConnectListDefinedInterfaces`] (`remote_connect_list_defined_interfaces_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDefinedInterfacesRet {
    /// At most [`INTERFACE_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { INTERFACE_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Reply of [`Procedure::ConnectNumOfStoragePools`] (`remote_connect_num_of_storage_pools_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfStoragePoolsRet {
    pub num: i32,
}

/// Arguments of [`Procedure::ConnectListStoragePools`] (`remote_connect_list_storage_pools_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListStoragePoolsArgs {
    pub maxnames: i32,
}

/// Reply of [`Procedure::ConnectListStoragePools`] (`remote_connect_list_storage_pools_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListStoragePoolsRet {
    /// At most [`STORAGE_POOL_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { STORAGE_POOL_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Reply of [`Procedure::ConnectNumOfDefinedStoragePools`] (`remote_connect_num_of_defined_storage_pools_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDefinedStoragePoolsRet {
    pub num: i32,
}

/// Arguments of [`Procedure::ConnectListDefinedStoragePools`] (`remote_connect_list_defined_storage_pools_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDefinedStoragePoolsArgs {
    pub maxnames: i32,
}

/// Reply of [`Procedure::ConnectListDefinedStoragePools`] (`remote_connect_list_defined_storage_pools_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListDefinedStoragePoolsRet {
    /// At most [`STORAGE_POOL_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { STORAGE_POOL_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Reply of [`Procedure::ConnectNumOfSecrets`] (`remote_connect_num_of_secrets_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfSecretsRet {
    pub num: i32,
}

/// Arguments of [`Procedure::ConnectListSecrets`] (`remote_connect_list_secrets_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListSecretsArgs {
    pub maxuuids: i32,
}

/// Reply of [`Procedure::ConnectListSecrets`] (`remote_connect_list_secrets_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListSecretsRet {
    /// At most [`SECRET_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { SECRET_LIST_MAX }>")]
    pub uuids: Vec<String>,
}

/// Arguments of [`Procedure::ConnectListAllDomains`] (`remote_connect_list_all_domains_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllDomainsArgs {
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectListAllDomains`] (`remote_connect_list_all_domains_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllDomainsRet {
    /// At most [`DOMAIN_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_LIST_MAX }>")]
    pub domains: Vec<Domain>,
    pub ret: u32,
}

/// Arguments of [`Procedure::ConnectListAllStoragePools`] (`remote_connect_list_all_storage_pools_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllStoragePoolsArgs {
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectListAllStoragePools`] (`remote_connect_list_all_storage_pools_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllStoragePoolsRet {
    /// At most [`STORAGE_POOL_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { STORAGE_POOL_LIST_MAX }>")]
    pub pools: Vec<StoragePool>,
    pub ret: u32,
}

/// Arguments of [`Procedure::ConnectListAllNetworks`] (`remote_connect_list_all_networks_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllNetworksArgs {
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectListAllNetworks`] (`remote_connect_list_all_networks_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllNetworksRet {
    /// At most [`NETWORK_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NETWORK_LIST_MAX }>")]
    pub nets: Vec<Network>,
    pub ret: u32,
}

/// Arguments of [`Procedure::ConnectListAllInterfaces`] (`remote_connect_list_all_interfaces_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllInterfacesArgs {
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectListAllInterfaces`] (`remote_connect_list_all_interfaces_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllInterfacesRet {
    /// At most [`INTERFACE_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { INTERFACE_LIST_MAX }>")]
    pub ifaces: Vec<Interface>,
    pub ret: u32,
}

/// Arguments of [`Procedure::ConnectListAllNodeDevices`] (`remote_connect_list_all_node_devices_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllNodeDevicesArgs {
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectListAllNodeDevices`] (`remote_connect_list_all_node_devices_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllNodeDevicesRet {
    /// At most [`NODE_DEVICE_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NODE_DEVICE_LIST_MAX }>")]
    pub devices: Vec<NodeDevice>,
    pub ret: u32,
}

/// Arguments of [`Procedure::ConnectListAllNwFilters`] (`remote_connect_list_all_nwfilters_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllNwFiltersArgs {
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectListAllNwFilters`] (`remote_connect_list_all_nwfilters_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllNwFiltersRet {
    /// At most [`NWFILTER_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NWFILTER_LIST_MAX }>")]
    pub filters: Vec<NwFilter>,
    pub ret: u32,
}

/// Arguments of [`Procedure::ConnectListAllSecrets`] (`remote_connect_list_all_secrets_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllSecretsArgs {
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectListAllSecrets`] (`remote_connect_list_all_secrets_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllSecretsRet {
    /// At most [`SECRET_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { SECRET_LIST_MAX }>")]
    pub secrets: Vec<Secret>,
    pub ret: u32,
}

/// Arguments of [`Procedure::ConnectListAllNwFilterBindings`] (`remote_connect_list_all_nwfilter_bindings_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllNwFilterBindingsArgs {
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectListAllNwFilterBindings`] (`remote_connect_list_all_nwfilter_bindings_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectListAllNwFilterBindingsRet {
    /// At most [`NWFILTER_BINDING_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { NWFILTER_BINDING_LIST_MAX }>")]
    pub bindings: Vec<NwFilterBinding>,
    pub ret: u32,
}

/// Arguments of [`Procedure::ConnectNumOfDefinedDomains`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDefinedDomainsArgs;

/// Arguments of [`Procedure::ConnectNumOfDefinedNetworks`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDefinedNetworksArgs;

/// Arguments of [`Procedure::ConnectNumOfDomains`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDomainsArgs;

/// Arguments of [`Procedure::ConnectNumOfNetworks`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfNetworksArgs;

/// Arguments of [`Procedure::ConnectNumOfStoragePools`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfStoragePoolsArgs;

/// Arguments of [`Procedure::ConnectNumOfDefinedStoragePools`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDefinedStoragePoolsArgs;

/// Arguments of [`Procedure::ConnectNumOfInterfaces`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfInterfacesArgs;

/// Arguments of [`Procedure::ConnectNumOfDefinedInterfaces`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfDefinedInterfacesArgs;

/// Arguments of [`Procedure::ConnectNumOfSecrets`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfSecretsArgs;

/// Arguments of [`Procedure::ConnectNumOfNwFilters`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNumOfNwFiltersArgs;

calls! {
    ConnectListDefinedDomainsArgs => ConnectListDefinedDomains, ConnectListDefinedDomainsRet;
    ConnectNumOfDefinedDomainsArgs => ConnectNumOfDefinedDomains, ConnectNumOfDefinedDomainsRet;
    ConnectListDefinedNetworksArgs => ConnectListDefinedNetworks, ConnectListDefinedNetworksRet;
    ConnectListDomainsArgs => ConnectListDomains, ConnectListDomainsRet;
    ConnectListNetworksArgs => ConnectListNetworks, ConnectListNetworksRet;
    ConnectNumOfDefinedNetworksArgs => ConnectNumOfDefinedNetworks, ConnectNumOfDefinedNetworksRet;
    ConnectNumOfDomainsArgs => ConnectNumOfDomains, ConnectNumOfDomainsRet;
    ConnectNumOfNetworksArgs => ConnectNumOfNetworks, ConnectNumOfNetworksRet;
    ConnectNumOfStoragePoolsArgs => ConnectNumOfStoragePools, ConnectNumOfStoragePoolsRet;
    ConnectListStoragePoolsArgs => ConnectListStoragePools, ConnectListStoragePoolsRet;
    ConnectNumOfDefinedStoragePoolsArgs => ConnectNumOfDefinedStoragePools, ConnectNumOfDefinedStoragePoolsRet;
    ConnectListDefinedStoragePoolsArgs => ConnectListDefinedStoragePools, ConnectListDefinedStoragePoolsRet;
    ConnectNumOfInterfacesArgs => ConnectNumOfInterfaces, ConnectNumOfInterfacesRet;
    ConnectListInterfacesArgs => ConnectListInterfaces, ConnectListInterfacesRet;
    ConnectNumOfDefinedInterfacesArgs => ConnectNumOfDefinedInterfaces, ConnectNumOfDefinedInterfacesRet;
    ConnectListDefinedInterfacesArgs => ConnectListDefinedInterfaces, ConnectListDefinedInterfacesRet;
    ConnectNumOfSecretsArgs => ConnectNumOfSecrets, ConnectNumOfSecretsRet;
    ConnectListSecretsArgs => ConnectListSecrets, ConnectListSecretsRet;
    ConnectNumOfNwFiltersArgs => ConnectNumOfNwFilters, ConnectNumOfNwFiltersRet;
    ConnectListNwFiltersArgs => ConnectListNwFilters, ConnectListNwFiltersRet;
    ConnectListAllDomainsArgs => ConnectListAllDomains, ConnectListAllDomainsRet;
    ConnectListAllStoragePoolsArgs => ConnectListAllStoragePools, ConnectListAllStoragePoolsRet;
    ConnectListAllNetworksArgs => ConnectListAllNetworks, ConnectListAllNetworksRet;
    ConnectListAllInterfacesArgs => ConnectListAllInterfaces, ConnectListAllInterfacesRet;
    ConnectListAllNodeDevicesArgs => ConnectListAllNodeDevices, ConnectListAllNodeDevicesRet;
    ConnectListAllNwFiltersArgs => ConnectListAllNwFilters, ConnectListAllNwFiltersRet;
    ConnectListAllSecretsArgs => ConnectListAllSecrets, ConnectListAllSecretsRet;
    ConnectListAllNwFilterBindingsArgs => ConnectListAllNwFilterBindings, ConnectListAllNwFilterBindingsRet;
}
