//! Event registration and the events of networks, pools, node devices and secrets.

use crate::call::{Call, Event};
use crate::remote::{Network, NodeDevice, Procedure, Secret, StoragePool};
use serde::{Deserialize, Serialize};

mod domain;
pub use domain::*;

/// Event body of [`Procedure::ConnectEventConnectionClosed`] (`remote_connect_event_connection_closed_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectEventConnectionClosedMsg {
    pub reason: i32,
}

/// Arguments of [`Procedure::ConnectNetworkEventRegisterAny`] (`remote_connect_network_event_register_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNetworkEventRegisterAnyArgs {
    pub event_id: i32,
    pub net: Option<Network>,
}

/// Reply of [`Procedure::ConnectNetworkEventRegisterAny`] (`remote_connect_network_event_register_any_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNetworkEventRegisterAnyRet {
    pub callback_id: i32,
}

/// Arguments of [`Procedure::ConnectNetworkEventDeregisterAny`] (`remote_connect_network_event_deregister_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNetworkEventDeregisterAnyArgs {
    pub callback_id: i32,
}

/// Event body of [`Procedure::NetworkEventLifecycle`] (`remote_network_event_lifecycle_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NetworkEventLifecycleMsg {
    pub callback_id: i32,
    pub net: Network,
    pub event: i32,
    pub detail: i32,
}

/// Arguments of [`Procedure::ConnectStoragePoolEventRegisterAny`] (`remote_connect_storage_pool_event_register_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectStoragePoolEventRegisterAnyArgs {
    pub event_id: i32,
    pub pool: Option<StoragePool>,
}

/// Reply of [`Procedure::ConnectStoragePoolEventRegisterAny`] (`remote_connect_storage_pool_event_register_any_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectStoragePoolEventRegisterAnyRet {
    pub callback_id: i32,
}

/// Arguments of [`Procedure::ConnectStoragePoolEventDeregisterAny`] (`remote_connect_storage_pool_event_deregister_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectStoragePoolEventDeregisterAnyArgs {
    pub callback_id: i32,
}

/// Event body of [`Procedure::StoragePoolEventLifecycle`] (`remote_storage_pool_event_lifecycle_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolEventLifecycleMsg {
    pub callback_id: i32,
    pub pool: StoragePool,
    pub event: i32,
    pub detail: i32,
}

/// Event body of [`Procedure::StoragePoolEventRefresh`] (`remote_storage_pool_event_refresh_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct StoragePoolEventRefreshMsg {
    pub callback_id: i32,
    pub pool: StoragePool,
}

/// Arguments of [`Procedure::ConnectNodeDeviceEventRegisterAny`] (`remote_connect_node_device_event_register_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNodeDeviceEventRegisterAnyArgs {
    pub event_id: i32,
    pub dev: Option<NodeDevice>,
}

/// Reply of [`Procedure::ConnectNodeDeviceEventRegisterAny`] (`remote_connect_node_device_event_register_any_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNodeDeviceEventRegisterAnyRet {
    pub callback_id: i32,
}

/// Arguments of [`Procedure::ConnectNodeDeviceEventDeregisterAny`] (`remote_connect_node_device_event_deregister_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectNodeDeviceEventDeregisterAnyArgs {
    pub callback_id: i32,
}

/// Event body of [`Procedure::NodeDeviceEventLifecycle`] (`remote_node_device_event_lifecycle_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceEventLifecycleMsg {
    pub callback_id: i32,
    pub dev: NodeDevice,
    pub event: i32,
    pub detail: i32,
}

/// Event body of [`Procedure::NodeDeviceEventUpdate`] (`remote_node_device_event_update_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NodeDeviceEventUpdateMsg {
    pub callback_id: i32,
    pub dev: NodeDevice,
}

/// Arguments of [`Procedure::ConnectSecretEventRegisterAny`] (`remote_connect_secret_event_register_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectSecretEventRegisterAnyArgs {
    pub event_id: i32,
    pub secret: Option<Secret>,
}

/// Reply of [`Procedure::ConnectSecretEventRegisterAny`] (`remote_connect_secret_event_register_any_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectSecretEventRegisterAnyRet {
    pub callback_id: i32,
}

/// Arguments of [`Procedure::ConnectSecretEventDeregisterAny`] (`remote_connect_secret_event_deregister_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectSecretEventDeregisterAnyArgs {
    pub callback_id: i32,
}

/// Event body of [`Procedure::SecretEventLifecycle`] (`remote_secret_event_lifecycle_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretEventLifecycleMsg {
    pub callback_id: i32,
    pub secret: Secret,
    pub event: i32,
    pub detail: i32,
}

/// Event body of [`Procedure::SecretEventValueChanged`] (`remote_secret_event_value_changed_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SecretEventValueChangedMsg {
    pub callback_id: i32,
    pub secret: Secret,
}

calls! {
    ConnectNetworkEventRegisterAnyArgs => ConnectNetworkEventRegisterAny, ConnectNetworkEventRegisterAnyRet;
    ConnectNetworkEventDeregisterAnyArgs => ConnectNetworkEventDeregisterAny, ();
    ConnectStoragePoolEventRegisterAnyArgs => ConnectStoragePoolEventRegisterAny, ConnectStoragePoolEventRegisterAnyRet;
    ConnectStoragePoolEventDeregisterAnyArgs => ConnectStoragePoolEventDeregisterAny, ();
    ConnectNodeDeviceEventRegisterAnyArgs => ConnectNodeDeviceEventRegisterAny, ConnectNodeDeviceEventRegisterAnyRet;
    ConnectNodeDeviceEventDeregisterAnyArgs => ConnectNodeDeviceEventDeregisterAny, ();
    ConnectSecretEventRegisterAnyArgs => ConnectSecretEventRegisterAny, ConnectSecretEventRegisterAnyRet;
    ConnectSecretEventDeregisterAnyArgs => ConnectSecretEventDeregisterAny, ();
}

events! {
    NetworkEventLifecycleMsg => NetworkEventLifecycle,
    ConnectEventConnectionClosedMsg => ConnectEventConnectionClosed,
    StoragePoolEventLifecycleMsg => StoragePoolEventLifecycle,
    StoragePoolEventRefreshMsg => StoragePoolEventRefresh,
    NodeDeviceEventLifecycleMsg => NodeDeviceEventLifecycle,
    NodeDeviceEventUpdateMsg => NodeDeviceEventUpdate,
    SecretEventLifecycleMsg => SecretEventLifecycle,
    SecretEventValueChangedMsg => SecretEventValueChanged,
}
