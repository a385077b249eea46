//! Storage pools.

use crate::call::Call;
use crate::remote::limits::STORAGE_VOL_LIST_MAX;
use crate::remote::{Procedure, StoragePool, StorageVol};
use crate::xdr::{Uuid, limit};
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::StoragePoolLookupByUuid`] (`remote_storage_pool_lookup_by_uuid_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolLookupByUuidArgs {
    pub uuid: Uuid,
}

/// Reply of [`Procedure::StoragePoolLookupByUuid`] (`remote_storage_pool_lookup_by_uuid_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolLookupByUuidRet {
    pub pool: StoragePool,
}

/// Arguments of [`Procedure::StoragePoolLookupByName`] (`remote_storage_pool_lookup_by_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolLookupByNameArgs {
    pub name: String,
}

/// Reply of [`Procedure::StoragePoolLookupByName`] (`remote_storage_pool_lookup_by_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolLookupByNameRet {
    pub pool: StoragePool,
}

/// Arguments of [`Procedure::StoragePoolLookupByVolume`] (`remote_storage_pool_lookup_by_volume_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolLookupByVolumeArgs {
    pub vol: StorageVol,
}

/// Reply of [`Procedure::StoragePoolLookupByVolume`] (`remote_storage_pool_lookup_by_volume_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolLookupByVolumeRet {
    pub pool: StoragePool,
}

/// Arguments of [`Procedure::StoragePoolLookupByTargetPath`] (`remote_storage_pool_lookup_by_target_path_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolLookupByTargetPathArgs {
    pub path: String,
}

/// Reply of [`Procedure::StoragePoolLookupByTargetPath`] (`remote_storage_pool_lookup_by_target_path_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolLookupByTargetPathRet {
    pub pool: StoragePool,
}

/// Arguments of [`Procedure::StoragePoolCreateXml`] (`remote_storage_pool_create_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolCreateXmlArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::StoragePoolCreateXml`] (`remote_storage_pool_create_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolCreateXmlRet {
    pub pool: StoragePool,
}

/// Arguments of [`Procedure::StoragePoolDefineXml`] (`remote_storage_pool_define_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolDefineXmlArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::StoragePoolDefineXml`] (`remote_storage_pool_define_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolDefineXmlRet {
    pub pool: StoragePool,
}

/// Arguments of [`Procedure::StoragePoolBuild`] (`remote_storage_pool_build_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolBuildArgs {
    pub pool: StoragePool,
    pub flags: u32,
}

/// Arguments of [`Procedure::StoragePoolUndefine`] (`remote_storage_pool_undefine_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolUndefineArgs {
    pub pool: StoragePool,
}

/// Arguments of [`Procedure::StoragePoolCreate`] (`remote_storage_pool_create_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolCreateArgs {
    pub pool: StoragePool,
    pub flags: u32,
}

/// Arguments of [`Procedure::StoragePoolDestroy`] (`remote_storage_pool_destroy_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolDestroyArgs {
    pub pool: StoragePool,
}

/// Arguments of [`Procedure::StoragePoolDelete`] (`remote_storage_pool_delete_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolDeleteArgs {
    pub pool: StoragePool,
    pub flags: u32,
}

/// Arguments of [`Procedure::StoragePoolRefresh`] (`remote_storage_pool_refresh_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolRefreshArgs {
    pub pool: StoragePool,
    pub flags: u32,
}

/// Arguments of [`Procedure::StoragePoolGetXmlDesc`] (`remote_storage_pool_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolGetXmlDescArgs {
    pub pool: StoragePool,
    pub flags: u32,
}

/// Reply of [`Procedure::StoragePoolGetXmlDesc`] (`remote_storage_pool_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::StoragePoolGetInfo`] (`remote_storage_pool_get_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolGetInfoArgs {
    pub pool: StoragePool,
}

/// Reply of [`Procedure::StoragePoolGetInfo`] (`remote_storage_pool_get_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolGetInfoRet {
    pub state: u8,
    pub capacity: u64,
    pub allocation: u64,
    pub available: u64,
}

/// Arguments of [`Procedure::StoragePoolGetAutostart`] (`remote_storage_pool_get_autostart_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolGetAutostartArgs {
    pub pool: StoragePool,
}

/// Reply of [`Procedure::StoragePoolGetAutostart`] (`remote_storage_pool_get_autostart_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolGetAutostartRet {
    pub autostart: i32,
}

/// Arguments of [`Procedure::StoragePoolSetAutostart`] (`remote_storage_pool_set_autostart_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolSetAutostartArgs {
    pub pool: StoragePool,
    pub autostart: i32,
}

/// Arguments of [`Procedure::StoragePoolNumOfVolumes`] (`remote_storage_pool_num_of_volumes_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolNumOfVolumesArgs {
    pub pool: StoragePool,
}

/// Reply of [`Procedure::StoragePoolNumOfVolumes`] (`remote_storage_pool_num_of_volumes_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolNumOfVolumesRet {
    pub num: i32,
}

/// Arguments of [`Procedure::StoragePoolListVolumes`] (`remote_storage_pool_list_volumes_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolListVolumesArgs {
    pub pool: StoragePool,
    pub maxnames: i32,
}

/// Reply of [`Procedure::StoragePoolListVolumes`] (`remote_storage_pool_list_volumes_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolListVolumesRet {
    /// At most [`STORAGE_VOL_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { STORAGE_VOL_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Arguments of [`Procedure::StoragePoolIsActive`] (`remote_storage_pool_is_active_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolIsActiveArgs {
    pub pool: StoragePool,
}

/// Reply of [`Procedure::StoragePoolIsActive`] (`remote_storage_pool_is_active_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolIsActiveRet {
    pub active: i32,
}

/// Arguments of [`Procedure::StoragePoolIsPersistent`] (`remote_storage_pool_is_persistent_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolIsPersistentArgs {
    pub pool: StoragePool,
}

/// Reply of [`Procedure::StoragePoolIsPersistent`] (`remote_storage_pool_is_persistent_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolIsPersistentRet {
    pub persistent: i32,
}

/// Arguments of [`Procedure::StoragePoolListAllVolumes`] (`remote_storage_pool_list_all_volumes_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolListAllVolumesArgs {
    pub pool: StoragePool,
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::StoragePoolListAllVolumes`] (`remote_storage_pool_list_all_volumes_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolListAllVolumesRet {
    /// At most [`STORAGE_VOL_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { STORAGE_VOL_LIST_MAX }>")]
    pub vols: Vec<StorageVol>,
    pub ret: u32,
}

calls! {
    StoragePoolCreateXmlArgs => StoragePoolCreateXml, StoragePoolCreateXmlRet;
    StoragePoolDefineXmlArgs => StoragePoolDefineXml, StoragePoolDefineXmlRet;
    StoragePoolCreateArgs => StoragePoolCreate, ();
    StoragePoolBuildArgs => StoragePoolBuild, ();
    StoragePoolDestroyArgs => StoragePoolDestroy, ();
    StoragePoolDeleteArgs => StoragePoolDelete, ();
    StoragePoolUndefineArgs => StoragePoolUndefine, ();
    StoragePoolRefreshArgs => StoragePoolRefresh, ();
    StoragePoolLookupByNameArgs => StoragePoolLookupByName, StoragePoolLookupByNameRet;
    StoragePoolLookupByUuidArgs => StoragePoolLookupByUuid, StoragePoolLookupByUuidRet;
    StoragePoolLookupByVolumeArgs => StoragePoolLookupByVolume, StoragePoolLookupByVolumeRet;
    StoragePoolGetInfoArgs => StoragePoolGetInfo, StoragePoolGetInfoRet;
    StoragePoolGetXmlDescArgs => StoragePoolGetXmlDesc, StoragePoolGetXmlDescRet;
    StoragePoolGetAutostartArgs => StoragePoolGetAutostart, StoragePoolGetAutostartRet;
    StoragePoolSetAutostartArgs => StoragePoolSetAutostart, ();
    StoragePoolNumOfVolumesArgs => StoragePoolNumOfVolumes, StoragePoolNumOfVolumesRet;
    StoragePoolListVolumesArgs => StoragePoolListVolumes, StoragePoolListVolumesRet;
    StoragePoolIsActiveArgs => StoragePoolIsActive, StoragePoolIsActiveRet;
    StoragePoolIsPersistentArgs => StoragePoolIsPersistent, StoragePoolIsPersistentRet;
    StoragePoolListAllVolumesArgs => StoragePoolListAllVolumes, StoragePoolListAllVolumesRet;
    StoragePoolLookupByTargetPathArgs => StoragePoolLookupByTargetPath, StoragePoolLookupByTargetPathRet;
}
