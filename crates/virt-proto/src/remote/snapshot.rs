//! Domain snapshots.

use crate::call::Call;
use crate::remote::limits::DOMAIN_SNAPSHOT_LIST_MAX;
use crate::remote::{Domain, DomainSnapshot, Procedure};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::DomainSnapshotCreateXml`] (`remote_domain_snapshot_create_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotCreateXmlArgs {
    pub dom: Domain,
    pub xml_desc: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotCreateXml`] (`remote_domain_snapshot_create_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotCreateXmlRet {
    pub snap: DomainSnapshot,
}

/// Arguments of [`Procedure::DomainSnapshotGetXmlDesc`] (`remote_domain_snapshot_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotGetXmlDescArgs {
    pub snap: DomainSnapshot,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotGetXmlDesc`] (`remote_domain_snapshot_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::DomainSnapshotNum`] (`remote_domain_snapshot_num_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotNumArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotNum`] (`remote_domain_snapshot_num_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotNumRet {
    pub num: i32,
}

/// Arguments of [`Procedure::DomainSnapshotListNames`] (`remote_domain_snapshot_list_names_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotListNamesArgs {
    pub dom: Domain,
    pub maxnames: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotListNames`] (`remote_domain_snapshot_list_names_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotListNamesRet {
    /// At most [`DOMAIN_SNAPSHOT_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SNAPSHOT_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Arguments of [`Procedure::DomainListAllSnapshots`] (`remote_domain_list_all_snapshots_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainListAllSnapshotsArgs {
    pub dom: Domain,
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainListAllSnapshots`] (`remote_domain_list_all_snapshots_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainListAllSnapshotsRet {
    /// At most [`DOMAIN_SNAPSHOT_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SNAPSHOT_LIST_MAX }>")]
    pub snapshots: Vec<DomainSnapshot>,
    pub ret: i32,
}

/// Arguments of [`Procedure::DomainSnapshotNumChildren`] (`remote_domain_snapshot_num_children_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotNumChildrenArgs {
    pub snap: DomainSnapshot,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotNumChildren`] (`remote_domain_snapshot_num_children_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotNumChildrenRet {
    pub num: i32,
}

/// Arguments of [`Procedure::DomainSnapshotListChildrenNames`] (`remote_domain_snapshot_list_children_names_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotListChildrenNamesArgs {
    pub snap: DomainSnapshot,
    pub maxnames: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotListChildrenNames`] (`remote_domain_snapshot_list_children_names_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotListChildrenNamesRet {
    /// At most [`DOMAIN_SNAPSHOT_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SNAPSHOT_LIST_MAX }>")]
    pub names: Vec<String>,
}

/// Arguments of [`Procedure::DomainSnapshotListAllChildren`] (`remote_domain_snapshot_list_all_children_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotListAllChildrenArgs {
    pub snapshot: DomainSnapshot,
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotListAllChildren`] (`remote_domain_snapshot_list_all_children_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotListAllChildrenRet {
    /// At most [`DOMAIN_SNAPSHOT_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SNAPSHOT_LIST_MAX }>")]
    pub snapshots: Vec<DomainSnapshot>,
    pub ret: i32,
}

/// Arguments of [`Procedure::DomainSnapshotLookupByName`] (`remote_domain_snapshot_lookup_by_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotLookupByNameArgs {
    pub dom: Domain,
    pub name: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotLookupByName`] (`remote_domain_snapshot_lookup_by_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotLookupByNameRet {
    pub snap: DomainSnapshot,
}

/// Arguments of [`Procedure::DomainHasCurrentSnapshot`] (`remote_domain_has_current_snapshot_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainHasCurrentSnapshotArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainHasCurrentSnapshot`] (`remote_domain_has_current_snapshot_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainHasCurrentSnapshotRet {
    pub result: i32,
}

/// Arguments of [`Procedure::DomainSnapshotGetParent`] (`remote_domain_snapshot_get_parent_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotGetParentArgs {
    pub snap: DomainSnapshot,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotGetParent`] (`remote_domain_snapshot_get_parent_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotGetParentRet {
    pub snap: DomainSnapshot,
}

/// Arguments of [`Procedure::DomainSnapshotCurrent`] (`remote_domain_snapshot_current_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotCurrentArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotCurrent`] (`remote_domain_snapshot_current_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotCurrentRet {
    pub snap: DomainSnapshot,
}

/// Arguments of [`Procedure::DomainSnapshotIsCurrent`] (`remote_domain_snapshot_is_current_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotIsCurrentArgs {
    pub snap: DomainSnapshot,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotIsCurrent`] (`remote_domain_snapshot_is_current_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotIsCurrentRet {
    pub current: i32,
}

/// Arguments of [`Procedure::DomainSnapshotHasMetadata`] (`remote_domain_snapshot_has_metadata_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotHasMetadataArgs {
    pub snap: DomainSnapshot,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSnapshotHasMetadata`] (`remote_domain_snapshot_has_metadata_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotHasMetadataRet {
    pub metadata: i32,
}

/// Arguments of [`Procedure::DomainRevertToSnapshot`] (`remote_domain_revert_to_snapshot_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainRevertToSnapshotArgs {
    pub snap: DomainSnapshot,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSnapshotDelete`] (`remote_domain_snapshot_delete_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshotDeleteArgs {
    pub snap: DomainSnapshot,
    pub flags: u32,
}

calls! {
    DomainSnapshotCreateXmlArgs => DomainSnapshotCreateXml, DomainSnapshotCreateXmlRet;
    DomainSnapshotGetXmlDescArgs => DomainSnapshotGetXmlDesc, DomainSnapshotGetXmlDescRet;
    DomainSnapshotNumArgs => DomainSnapshotNum, DomainSnapshotNumRet;
    DomainSnapshotListNamesArgs => DomainSnapshotListNames, DomainSnapshotListNamesRet;
    DomainSnapshotLookupByNameArgs => DomainSnapshotLookupByName, DomainSnapshotLookupByNameRet;
    DomainHasCurrentSnapshotArgs => DomainHasCurrentSnapshot, DomainHasCurrentSnapshotRet;
    DomainSnapshotCurrentArgs => DomainSnapshotCurrent, DomainSnapshotCurrentRet;
    DomainRevertToSnapshotArgs => DomainRevertToSnapshot, ();
    DomainSnapshotDeleteArgs => DomainSnapshotDelete, ();
    DomainSnapshotGetParentArgs => DomainSnapshotGetParent, DomainSnapshotGetParentRet;
    DomainSnapshotNumChildrenArgs => DomainSnapshotNumChildren, DomainSnapshotNumChildrenRet;
    DomainSnapshotListChildrenNamesArgs => DomainSnapshotListChildrenNames, DomainSnapshotListChildrenNamesRet;
    DomainSnapshotIsCurrentArgs => DomainSnapshotIsCurrent, DomainSnapshotIsCurrentRet;
    DomainSnapshotHasMetadataArgs => DomainSnapshotHasMetadata, DomainSnapshotHasMetadataRet;
    DomainListAllSnapshotsArgs => DomainListAllSnapshots, DomainListAllSnapshotsRet;
    DomainSnapshotListAllChildrenArgs => DomainSnapshotListAllChildren, DomainSnapshotListAllChildrenRet;
}
