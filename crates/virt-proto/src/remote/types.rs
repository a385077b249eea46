//! Object references and small records shared by many messages.

use crate::xdr::Uuid;
use serde::{Deserialize, Serialize};

/// Wire struct `remote_nonnull_domain`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Domain {
    pub name: String,
    pub uuid: Uuid,
    pub id: i32,
}

/// Wire struct `remote_nonnull_network`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Network {
    pub name: String,
    pub uuid: Uuid,
}

/// Wire struct `remote_nonnull_network_port`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkPort {
    pub net: Network,
    pub uuid: Uuid,
}

/// Wire struct `remote_nonnull_nwfilter`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilter {
    pub name: String,
    pub uuid: Uuid,
}

/// Wire struct `remote_nonnull_nwfilter_binding`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterBinding {
    pub portdev: String,
    pub filtername: String,
}

/// Wire struct `remote_nonnull_interface`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Interface {
    pub name: String,
    pub mac: String,
}

/// Wire struct `remote_nonnull_storage_pool`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePool {
    pub name: String,
    pub uuid: Uuid,
}

/// Wire struct `remote_nonnull_storage_vol`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StorageVol {
    pub pool: String,
    pub name: String,
    pub key: String,
}

/// Wire struct `remote_nonnull_node_device`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDevice {
    pub name: String,
}

/// Wire struct `remote_nonnull_secret`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Secret {
    pub uuid: Uuid,
    pub usage_type: i32,
    pub usage_id: String,
}

/// Wire struct `remote_nonnull_domain_checkpoint`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCheckpoint {
    pub name: String,
    pub dom: Domain,
}

/// Wire struct `remote_nonnull_domain_snapshot`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSnapshot {
    pub name: String,
    pub dom: Domain,
}
