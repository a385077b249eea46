//! Domain checkpoints (for incremental backup).

use crate::call::Call;
use crate::remote::limits::DOMAIN_CHECKPOINT_LIST_MAX;
use crate::remote::{Domain, DomainCheckpoint, Procedure};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::DomainCheckpointCreateXml`] (`remote_domain_checkpoint_create_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointCreateXmlArgs {
    pub dom: Domain,
    pub xml_desc: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainCheckpointCreateXml`] (`remote_domain_checkpoint_create_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointCreateXmlRet {
    pub checkpoint: DomainCheckpoint,
}

/// Arguments of [`Procedure::DomainCheckpointGetXmlDesc`] (`remote_domain_checkpoint_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointGetXmlDescArgs {
    pub checkpoint: DomainCheckpoint,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainCheckpointGetXmlDesc`] (`remote_domain_checkpoint_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::DomainListAllCheckpoints`] (`remote_domain_list_all_checkpoints_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainListAllCheckpointsArgs {
    pub dom: Domain,
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainListAllCheckpoints`] (`remote_domain_list_all_checkpoints_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainListAllCheckpointsRet {
    /// At most [`DOMAIN_CHECKPOINT_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_CHECKPOINT_LIST_MAX }>")]
    pub checkpoints: Vec<DomainCheckpoint>,
    pub ret: i32,
}

/// Arguments of [`Procedure::DomainCheckpointListAllChildren`] (`remote_domain_checkpoint_list_all_children_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointListAllChildrenArgs {
    pub checkpoint: DomainCheckpoint,
    pub need_results: i32,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainCheckpointListAllChildren`] (`remote_domain_checkpoint_list_all_children_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointListAllChildrenRet {
    /// At most [`DOMAIN_CHECKPOINT_LIST_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_CHECKPOINT_LIST_MAX }>")]
    pub checkpoints: Vec<DomainCheckpoint>,
    pub ret: i32,
}

/// Arguments of [`Procedure::DomainCheckpointLookupByName`] (`remote_domain_checkpoint_lookup_by_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointLookupByNameArgs {
    pub dom: Domain,
    pub name: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainCheckpointLookupByName`] (`remote_domain_checkpoint_lookup_by_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointLookupByNameRet {
    pub checkpoint: DomainCheckpoint,
}

/// Arguments of [`Procedure::DomainCheckpointGetParent`] (`remote_domain_checkpoint_get_parent_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointGetParentArgs {
    pub checkpoint: DomainCheckpoint,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainCheckpointGetParent`] (`remote_domain_checkpoint_get_parent_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointGetParentRet {
    pub parent: DomainCheckpoint,
}

/// Arguments of [`Procedure::DomainCheckpointDelete`] (`remote_domain_checkpoint_delete_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpointDeleteArgs {
    pub checkpoint: DomainCheckpoint,
    pub flags: u32,
}

calls! {
    DomainCheckpointCreateXmlArgs => DomainCheckpointCreateXml, DomainCheckpointCreateXmlRet;
    DomainCheckpointGetXmlDescArgs => DomainCheckpointGetXmlDesc, DomainCheckpointGetXmlDescRet;
    DomainListAllCheckpointsArgs => DomainListAllCheckpoints, DomainListAllCheckpointsRet;
    DomainCheckpointListAllChildrenArgs => DomainCheckpointListAllChildren, DomainCheckpointListAllChildrenRet;
    DomainCheckpointLookupByNameArgs => DomainCheckpointLookupByName, DomainCheckpointLookupByNameRet;
    DomainCheckpointGetParentArgs => DomainCheckpointGetParent, DomainCheckpointGetParentRet;
    DomainCheckpointDeleteArgs => DomainCheckpointDelete, ();
}
