//! Storage volumes.

use crate::call::Call;
use crate::remote::{Procedure, StoragePool, StorageVol};
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::StorageVolLookupByName`] (`remote_storage_vol_lookup_by_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolLookupByNameArgs {
    pub pool: StoragePool,
    pub name: String,
}

/// Reply of [`Procedure::StorageVolLookupByName`] (`remote_storage_vol_lookup_by_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolLookupByNameRet {
    pub vol: StorageVol,
}

/// Arguments of [`Procedure::StorageVolLookupByKey`] (`remote_storage_vol_lookup_by_key_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolLookupByKeyArgs {
    pub key: String,
}

/// Reply of [`Procedure::StorageVolLookupByKey`] (`remote_storage_vol_lookup_by_key_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolLookupByKeyRet {
    pub vol: StorageVol,
}

/// Arguments of [`Procedure::StorageVolLookupByPath`] (`remote_storage_vol_lookup_by_path_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolLookupByPathArgs {
    pub path: String,
}

/// Reply of [`Procedure::StorageVolLookupByPath`] (`remote_storage_vol_lookup_by_path_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolLookupByPathRet {
    pub vol: StorageVol,
}

/// Arguments of [`Procedure::StorageVolCreateXml`] (`remote_storage_vol_create_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolCreateXmlArgs {
    pub pool: StoragePool,
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::StorageVolCreateXml`] (`remote_storage_vol_create_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolCreateXmlRet {
    pub vol: StorageVol,
}

/// Arguments of [`Procedure::StorageVolCreateXmlFrom`] (`remote_storage_vol_create_xml_from_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolCreateXmlFromArgs {
    pub pool: StoragePool,
    pub xml: String,
    pub clonevol: StorageVol,
    pub flags: u32,
}

/// Reply of [`Procedure::StorageVolCreateXmlFrom`] (`remote_storage_vol_create_xml_from_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolCreateXmlFromRet {
    pub vol: StorageVol,
}

/// Arguments of [`Procedure::StorageVolDelete`] (`remote_storage_vol_delete_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolDeleteArgs {
    pub vol: StorageVol,
    pub flags: u32,
}

/// Arguments of [`Procedure::StorageVolWipe`] (`remote_storage_vol_wipe_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolWipeArgs {
    pub vol: StorageVol,
    pub flags: u32,
}

/// Arguments of [`Procedure::StorageVolWipePattern`] (`remote_storage_vol_wipe_pattern_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolWipePatternArgs {
    pub vol: StorageVol,
    pub algorithm: u32,
    pub flags: u32,
}

/// Arguments of [`Procedure::StorageVolGetXmlDesc`] (`remote_storage_vol_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolGetXmlDescArgs {
    pub vol: StorageVol,
    pub flags: u32,
}

/// Reply of [`Procedure::StorageVolGetXmlDesc`] (`remote_storage_vol_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::StorageVolGetInfo`] (`remote_storage_vol_get_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolGetInfoArgs {
    pub vol: StorageVol,
}

/// Reply of [`Procedure::StorageVolGetInfo`] (`remote_storage_vol_get_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolGetInfoRet {
    pub type_: i8,
    pub capacity: u64,
    pub allocation: u64,
}

/// Arguments of [`Procedure::StorageVolGetInfoFlags`] (`remote_storage_vol_get_info_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolGetInfoFlagsArgs {
    pub vol: StorageVol,
    pub flags: u32,
}

/// Reply of [`Procedure::StorageVolGetInfoFlags`] (`remote_storage_vol_get_info_flags_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolGetInfoFlagsRet {
    pub type_: i8,
    pub capacity: u64,
    pub allocation: u64,
}

/// Arguments of [`Procedure::StorageVolGetPath`] (`remote_storage_vol_get_path_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolGetPathArgs {
    pub vol: StorageVol,
}

/// Reply of [`Procedure::StorageVolGetPath`] (`remote_storage_vol_get_path_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolGetPathRet {
    pub name: String,
}

/// Arguments of [`Procedure::StorageVolResize`] (`remote_storage_vol_resize_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolResizeArgs {
    pub vol: StorageVol,
    pub capacity: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::StorageVolUpload`] (`remote_storage_vol_upload_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolUploadArgs {
    pub vol: StorageVol,
    pub offset: u64,
    pub length: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::StorageVolDownload`] (`remote_storage_vol_download_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVolDownloadArgs {
    pub vol: StorageVol,
    pub offset: u64,
    pub length: u64,
    pub flags: u32,
}

calls! {
    StorageVolCreateXmlArgs => StorageVolCreateXml, StorageVolCreateXmlRet;
    StorageVolDeleteArgs => StorageVolDelete, ();
    StorageVolLookupByNameArgs => StorageVolLookupByName, StorageVolLookupByNameRet;
    StorageVolLookupByKeyArgs => StorageVolLookupByKey, StorageVolLookupByKeyRet;
    StorageVolLookupByPathArgs => StorageVolLookupByPath, StorageVolLookupByPathRet;
    StorageVolGetInfoArgs => StorageVolGetInfo, StorageVolGetInfoRet;
    StorageVolGetXmlDescArgs => StorageVolGetXmlDesc, StorageVolGetXmlDescRet;
    StorageVolGetPathArgs => StorageVolGetPath, StorageVolGetPathRet;
    StorageVolCreateXmlFromArgs => StorageVolCreateXmlFrom, StorageVolCreateXmlFromRet;
    StorageVolWipeArgs => StorageVolWipe, ();
    StorageVolUploadArgs => StorageVolUpload, ();
    StorageVolDownloadArgs => StorageVolDownload, ();
    StorageVolWipePatternArgs => StorageVolWipePattern, ();
    StorageVolResizeArgs => StorageVolResize, ();
    StorageVolGetInfoFlagsArgs => StorageVolGetInfoFlags, StorageVolGetInfoFlagsRet;
}
