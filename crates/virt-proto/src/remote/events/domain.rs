//! Domain events (sent by the daemon as `Message` packets) and their registration.

use crate::call::{Call, Event};
use crate::remote::limits::{
    DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX, DOMAIN_EVENT_TUNABLE_MAX, DOMAIN_JOB_STATS_MAX,
};
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::limit;
use serde::{Deserialize, Serialize};

/// Reply of [`Procedure::ConnectDomainEventRegister`] (`remote_connect_domain_event_register_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainEventRegisterRet {
    pub cb_registered: i32,
}

/// Reply of [`Procedure::ConnectDomainEventDeregister`] (`remote_connect_domain_event_deregister_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainEventDeregisterRet {
    pub cb_registered: i32,
}

/// Event body of [`Procedure::DomainEventLifecycle`] (`remote_domain_event_lifecycle_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventLifecycleMsg {
    pub dom: Domain,
    pub event: i32,
    pub detail: i32,
}

/// Event body of [`Procedure::DomainEventCallbackLifecycle`] (`remote_domain_event_callback_lifecycle_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackLifecycleMsg {
    pub callback_id: i32,
    pub msg: DomainEventLifecycleMsg,
}

/// Arguments of [`Procedure::ConnectDomainEventRegisterAny`] (`remote_connect_domain_event_register_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainEventRegisterAnyArgs {
    pub event_id: i32,
}

/// Arguments of [`Procedure::ConnectDomainEventDeregisterAny`] (`remote_connect_domain_event_deregister_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainEventDeregisterAnyArgs {
    pub event_id: i32,
}

/// Arguments of [`Procedure::ConnectDomainEventCallbackRegisterAny`] (`remote_connect_domain_event_callback_register_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainEventCallbackRegisterAnyArgs {
    pub event_id: i32,
    pub dom: Option<Domain>,
}

/// Reply of [`Procedure::ConnectDomainEventCallbackRegisterAny`] (`remote_connect_domain_event_callback_register_any_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainEventCallbackRegisterAnyRet {
    pub callback_id: i32,
}

/// Arguments of [`Procedure::ConnectDomainEventCallbackDeregisterAny`] (`remote_connect_domain_event_callback_deregister_any_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainEventCallbackDeregisterAnyArgs {
    pub callback_id: i32,
}

/// Event body of [`Procedure::DomainEventReboot`] (`remote_domain_event_reboot_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventRebootMsg {
    pub dom: Domain,
}

/// Event body of [`Procedure::DomainEventCallbackReboot`] (`remote_domain_event_callback_reboot_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackRebootMsg {
    pub callback_id: i32,
    pub msg: DomainEventRebootMsg,
}

/// Event body of [`Procedure::DomainEventRtcChange`] (`remote_domain_event_rtc_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventRtcChangeMsg {
    pub dom: Domain,
    pub offset: i64,
}

/// Event body of [`Procedure::DomainEventCallbackRtcChange`] (`remote_domain_event_callback_rtc_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackRtcChangeMsg {
    pub callback_id: i32,
    pub msg: DomainEventRtcChangeMsg,
}

/// Event body of [`Procedure::DomainEventWatchdog`] (`remote_domain_event_watchdog_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventWatchdogMsg {
    pub dom: Domain,
    pub action: i32,
}

/// Event body of [`Procedure::DomainEventCallbackWatchdog`] (`remote_domain_event_callback_watchdog_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackWatchdogMsg {
    pub callback_id: i32,
    pub msg: DomainEventWatchdogMsg,
}

/// Event body of [`Procedure::DomainEventIoError`] (`remote_domain_event_io_error_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventIoErrorMsg {
    pub dom: Domain,
    pub src_path: String,
    pub dev_alias: String,
    pub action: i32,
}

/// Event body of [`Procedure::DomainEventCallbackIoError`] (`remote_domain_event_callback_io_error_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackIoErrorMsg {
    pub callback_id: i32,
    pub msg: DomainEventIoErrorMsg,
}

/// Event body of [`Procedure::DomainEventIoErrorReason`] (`remote_domain_event_io_error_reason_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventIoErrorReasonMsg {
    pub dom: Domain,
    pub src_path: String,
    pub dev_alias: String,
    pub action: i32,
    pub reason: String,
}

/// Event body of [`Procedure::DomainEventCallbackIoErrorReason`] (`remote_domain_event_callback_io_error_reason_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackIoErrorReasonMsg {
    pub callback_id: i32,
    pub msg: DomainEventIoErrorReasonMsg,
}

/// Wire struct `remote_domain_event_graphics_address`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventGraphicsAddress {
    pub family: i32,
    pub node: String,
    pub service: String,
}

/// Wire struct `remote_domain_event_graphics_identity`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventGraphicsIdentity {
    pub type_: String,
    pub name: String,
}

/// Event body of [`Procedure::DomainEventGraphics`] (`remote_domain_event_graphics_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventGraphicsMsg {
    pub dom: Domain,
    pub phase: i32,
    pub local: DomainEventGraphicsAddress,
    pub remote: DomainEventGraphicsAddress,
    pub auth_scheme: String,
    /// At most [`DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_EVENT_GRAPHICS_IDENTITY_MAX }>")]
    pub subject: Vec<DomainEventGraphicsIdentity>,
}

/// Event body of [`Procedure::DomainEventCallbackGraphics`] (`remote_domain_event_callback_graphics_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackGraphicsMsg {
    pub callback_id: i32,
    pub msg: DomainEventGraphicsMsg,
}

/// Event body of [`Procedure::DomainEventBlockJob`] (`remote_domain_event_block_job_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventBlockJobMsg {
    pub dom: Domain,
    pub path: String,
    pub type_: i32,
    pub status: i32,
}

/// Event body of [`Procedure::DomainEventCallbackBlockJob`] (`remote_domain_event_callback_block_job_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackBlockJobMsg {
    pub callback_id: i32,
    pub msg: DomainEventBlockJobMsg,
}

/// Event body of [`Procedure::DomainEventDiskChange`] (`remote_domain_event_disk_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventDiskChangeMsg {
    pub dom: Domain,
    pub old_src_path: Option<String>,
    pub new_src_path: Option<String>,
    pub dev_alias: String,
    pub reason: i32,
}

/// Event body of [`Procedure::DomainEventCallbackDiskChange`] (`remote_domain_event_callback_disk_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackDiskChangeMsg {
    pub callback_id: i32,
    pub msg: DomainEventDiskChangeMsg,
}

/// Event body of [`Procedure::DomainEventTrayChange`] (`remote_domain_event_tray_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventTrayChangeMsg {
    pub dom: Domain,
    pub dev_alias: String,
    pub reason: i32,
}

/// Event body of [`Procedure::DomainEventCallbackTrayChange`] (`remote_domain_event_callback_tray_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackTrayChangeMsg {
    pub callback_id: i32,
    pub msg: DomainEventTrayChangeMsg,
}

/// Event body of [`Procedure::DomainEventPmwakeup`] (`remote_domain_event_pmwakeup_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventPmwakeupMsg {
    pub dom: Domain,
}

/// Event body of [`Procedure::DomainEventCallbackPmwakeup`] (`remote_domain_event_callback_pmwakeup_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackPmwakeupMsg {
    pub callback_id: i32,
    pub reason: i32,
    pub msg: DomainEventPmwakeupMsg,
}

/// Event body of [`Procedure::DomainEventPmsuspend`] (`remote_domain_event_pmsuspend_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventPmsuspendMsg {
    pub dom: Domain,
}

/// Event body of [`Procedure::DomainEventCallbackPmsuspend`] (`remote_domain_event_callback_pmsuspend_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackPmsuspendMsg {
    pub callback_id: i32,
    pub reason: i32,
    pub msg: DomainEventPmsuspendMsg,
}

/// Event body of [`Procedure::DomainEventBalloonChange`] (`remote_domain_event_balloon_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventBalloonChangeMsg {
    pub dom: Domain,
    pub actual: u64,
}

/// Event body of [`Procedure::DomainEventCallbackBalloonChange`] (`remote_domain_event_callback_balloon_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackBalloonChangeMsg {
    pub callback_id: i32,
    pub msg: DomainEventBalloonChangeMsg,
}

/// Event body of [`Procedure::DomainEventPmsuspendDisk`] (`remote_domain_event_pmsuspend_disk_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventPmsuspendDiskMsg {
    pub dom: Domain,
}

/// Event body of [`Procedure::DomainEventCallbackPmsuspendDisk`] (`remote_domain_event_callback_pmsuspend_disk_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackPmsuspendDiskMsg {
    pub callback_id: i32,
    pub reason: i32,
    pub msg: DomainEventPmsuspendDiskMsg,
}

/// Event body of [`Procedure::DomainEventControlError`] (`remote_domain_event_control_error_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventControlErrorMsg {
    pub dom: Domain,
}

/// Event body of [`Procedure::DomainEventCallbackControlError`] (`remote_domain_event_callback_control_error_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackControlErrorMsg {
    pub callback_id: i32,
    pub msg: DomainEventControlErrorMsg,
}

/// Event body of [`Procedure::DomainEventDeviceRemoved`] (`remote_domain_event_device_removed_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventDeviceRemovedMsg {
    pub dom: Domain,
    pub dev_alias: String,
}

/// Event body of [`Procedure::DomainEventCallbackDeviceRemoved`] (`remote_domain_event_callback_device_removed_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackDeviceRemovedMsg {
    pub callback_id: i32,
    pub msg: DomainEventDeviceRemovedMsg,
}

/// Event body of [`Procedure::DomainEventBlockJob2`] (`remote_domain_event_block_job_2_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventBlockJob2Msg {
    pub callback_id: i32,
    pub dom: Domain,
    pub dst: String,
    pub type_: i32,
    pub status: i32,
}

/// Event body of [`Procedure::DomainEventBlockThreshold`] (`remote_domain_event_block_threshold_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventBlockThresholdMsg {
    pub callback_id: i32,
    pub dom: Domain,
    pub dev: String,
    pub path: Option<String>,
    pub threshold: u64,
    pub excess: u64,
}

/// Event body of [`Procedure::DomainEventCallbackTunable`] (`remote_domain_event_callback_tunable_msg`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackTunableMsg {
    pub callback_id: i32,
    pub dom: Domain,
    /// At most [`DOMAIN_EVENT_TUNABLE_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_EVENT_TUNABLE_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Event body of [`Procedure::DomainEventCallbackDeviceAdded`] (`remote_domain_event_callback_device_added_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackDeviceAddedMsg {
    pub callback_id: i32,
    pub dom: Domain,
    pub dev_alias: String,
}

/// Event body of [`Procedure::DomainEventCallbackAgentLifecycle`] (`remote_domain_event_callback_agent_lifecycle_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackAgentLifecycleMsg {
    pub callback_id: i32,
    pub dom: Domain,
    pub state: i32,
    pub reason: i32,
}

/// Event body of [`Procedure::DomainEventCallbackMigrationIteration`] (`remote_domain_event_callback_migration_iteration_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackMigrationIterationMsg {
    pub callback_id: i32,
    pub dom: Domain,
    pub iteration: i32,
}

/// Event body of [`Procedure::DomainEventCallbackJobCompleted`] (`remote_domain_event_callback_job_completed_msg`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackJobCompletedMsg {
    pub callback_id: i32,
    pub dom: Domain,
    /// At most [`DOMAIN_JOB_STATS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_JOB_STATS_MAX }>")]
    pub params: Vec<TypedParam>,
}

/// Event body of [`Procedure::DomainEventCallbackDeviceRemovalFailed`] (`remote_domain_event_callback_device_removal_failed_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackDeviceRemovalFailedMsg {
    pub callback_id: i32,
    pub dom: Domain,
    pub dev_alias: String,
}

/// Event body of [`Procedure::DomainEventCallbackMetadataChange`] (`remote_domain_event_callback_metadata_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventCallbackMetadataChangeMsg {
    pub callback_id: i32,
    pub dom: Domain,
    pub type_: i32,
    pub nsuri: Option<String>,
}

/// Event body of [`Procedure::DomainEventMemoryFailure`] (`remote_domain_event_memory_failure_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventMemoryFailureMsg {
    pub callback_id: i32,
    pub dom: Domain,
    pub recipient: i32,
    pub action: i32,
    pub flags: u32,
}

/// Event body of [`Procedure::DomainEventMemoryDeviceSizeChange`] (`remote_domain_event_memory_device_size_change_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainEventMemoryDeviceSizeChangeMsg {
    pub callback_id: i32,
    pub dom: Domain,
    pub alias: String,
    pub size: u64,
}

/// Arguments of [`Procedure::ConnectDomainEventRegister`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainEventRegisterArgs;

/// Arguments of [`Procedure::ConnectDomainEventDeregister`], which takes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ConnectDomainEventDeregisterArgs;

calls! {
    ConnectDomainEventRegisterArgs => ConnectDomainEventRegister, ConnectDomainEventRegisterRet;
    ConnectDomainEventDeregisterArgs => ConnectDomainEventDeregister, ConnectDomainEventDeregisterRet;
    ConnectDomainEventRegisterAnyArgs => ConnectDomainEventRegisterAny, ();
    ConnectDomainEventDeregisterAnyArgs => ConnectDomainEventDeregisterAny, ();
    ConnectDomainEventCallbackRegisterAnyArgs => ConnectDomainEventCallbackRegisterAny, ConnectDomainEventCallbackRegisterAnyRet;
    ConnectDomainEventCallbackDeregisterAnyArgs => ConnectDomainEventCallbackDeregisterAny, ();
}

events! {
    DomainEventLifecycleMsg => DomainEventLifecycle,
    DomainEventRebootMsg => DomainEventReboot,
    DomainEventRtcChangeMsg => DomainEventRtcChange,
    DomainEventWatchdogMsg => DomainEventWatchdog,
    DomainEventIoErrorMsg => DomainEventIoError,
    DomainEventGraphicsMsg => DomainEventGraphics,
    DomainEventIoErrorReasonMsg => DomainEventIoErrorReason,
    DomainEventControlErrorMsg => DomainEventControlError,
    DomainEventBlockJobMsg => DomainEventBlockJob,
    DomainEventDiskChangeMsg => DomainEventDiskChange,
    DomainEventTrayChangeMsg => DomainEventTrayChange,
    DomainEventPmwakeupMsg => DomainEventPmwakeup,
    DomainEventPmsuspendMsg => DomainEventPmsuspend,
    DomainEventBalloonChangeMsg => DomainEventBalloonChange,
    DomainEventPmsuspendDiskMsg => DomainEventPmsuspendDisk,
    DomainEventDeviceRemovedMsg => DomainEventDeviceRemoved,
    DomainEventCallbackLifecycleMsg => DomainEventCallbackLifecycle,
    DomainEventCallbackRebootMsg => DomainEventCallbackReboot,
    DomainEventCallbackRtcChangeMsg => DomainEventCallbackRtcChange,
    DomainEventCallbackWatchdogMsg => DomainEventCallbackWatchdog,
    DomainEventCallbackIoErrorMsg => DomainEventCallbackIoError,
    DomainEventCallbackGraphicsMsg => DomainEventCallbackGraphics,
    DomainEventCallbackIoErrorReasonMsg => DomainEventCallbackIoErrorReason,
    DomainEventCallbackControlErrorMsg => DomainEventCallbackControlError,
    DomainEventCallbackBlockJobMsg => DomainEventCallbackBlockJob,
    DomainEventCallbackDiskChangeMsg => DomainEventCallbackDiskChange,
    DomainEventCallbackTrayChangeMsg => DomainEventCallbackTrayChange,
    DomainEventCallbackPmwakeupMsg => DomainEventCallbackPmwakeup,
    DomainEventCallbackPmsuspendMsg => DomainEventCallbackPmsuspend,
    DomainEventCallbackBalloonChangeMsg => DomainEventCallbackBalloonChange,
    DomainEventCallbackPmsuspendDiskMsg => DomainEventCallbackPmsuspendDisk,
    DomainEventCallbackDeviceRemovedMsg => DomainEventCallbackDeviceRemoved,
    DomainEventBlockJob2Msg => DomainEventBlockJob2,
    DomainEventCallbackTunableMsg => DomainEventCallbackTunable,
    DomainEventCallbackAgentLifecycleMsg => DomainEventCallbackAgentLifecycle,
    DomainEventCallbackDeviceAddedMsg => DomainEventCallbackDeviceAdded,
    DomainEventCallbackMigrationIterationMsg => DomainEventCallbackMigrationIteration,
    DomainEventCallbackJobCompletedMsg => DomainEventCallbackJobCompleted,
    DomainEventCallbackDeviceRemovalFailedMsg => DomainEventCallbackDeviceRemovalFailed,
    DomainEventCallbackMetadataChangeMsg => DomainEventCallbackMetadataChange,
    DomainEventBlockThresholdMsg => DomainEventBlockThreshold,
    DomainEventMemoryFailureMsg => DomainEventMemoryFailure,
    DomainEventMemoryDeviceSizeChangeMsg => DomainEventMemoryDeviceSizeChange,
}
