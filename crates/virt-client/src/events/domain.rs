//! Typed domain events.

use virt_proto::Event as _;
use virt_proto::remote as p;

use crate::connection::owner::RawEvent;
use crate::error::Result;

/// Kinds of domain events to subscribe to (`VIR_DOMAIN_EVENT_ID_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
#[non_exhaustive]
pub enum DomainEventId {
    /// Started, stopped, defined…
    Lifecycle = 0,
    /// The guest rebooted.
    Reboot = 1,
    /// The guest changed its RTC.
    RtcChange = 2,
    /// The watchdog fired.
    Watchdog = 3,
    /// A disk I/O error.
    IoError = 4,
    /// A graphics client connected or disconnected.
    Graphics = 5,
    /// A disk I/O error, with the reason.
    IoErrorReason = 6,
    /// Control of the domain failed.
    ControlError = 7,
    /// A block job finished or failed.
    BlockJob = 8,
    /// Removable media changed.
    DiskChange = 9,
    /// A tray opened or closed.
    TrayChange = 10,
    /// The guest woke up.
    PmWakeup = 11,
    /// The guest suspended to RAM.
    PmSuspend = 12,
    /// The balloon size changed.
    BalloonChange = 13,
    /// The guest suspended to disk.
    PmSuspendDisk = 14,
    /// A device was removed.
    DeviceRemoved = 15,
    /// A block job (second form).
    BlockJob2 = 16,
    /// A tunable changed.
    Tunable = 17,
    /// The guest agent connected or disconnected.
    AgentLifecycle = 18,
    /// A device was added.
    DeviceAdded = 19,
    /// A migration iteration.
    MigrationIteration = 20,
    /// A job completed.
    JobCompleted = 21,
    /// Removing a device failed.
    DeviceRemovalFailed = 22,
    /// Metadata changed.
    MetadataChange = 23,
}

impl DomainEventId {
    /// Every kind this client decodes into a typed event.
    pub const ALL: [DomainEventId; 24] = [
        Self::Lifecycle,
        Self::Reboot,
        Self::RtcChange,
        Self::Watchdog,
        Self::IoError,
        Self::Graphics,
        Self::IoErrorReason,
        Self::ControlError,
        Self::BlockJob,
        Self::DiskChange,
        Self::TrayChange,
        Self::PmWakeup,
        Self::PmSuspend,
        Self::BalloonChange,
        Self::PmSuspendDisk,
        Self::DeviceRemoved,
        Self::BlockJob2,
        Self::Tunable,
        Self::AgentLifecycle,
        Self::DeviceAdded,
        Self::MigrationIteration,
        Self::JobCompleted,
        Self::DeviceRemovalFailed,
        Self::MetadataChange,
    ];
}

/// Life cycle events (`virDomainEventType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifecycleEvent {
    /// Defined (detail: 0 added, 1 updated, 2 renamed, 3 from snapshot).
    Defined,
    /// Undefined (detail: 0 removed, 1 renamed).
    Undefined,
    /// Started (detail: 0 booted, 1 migrated, 2 restored, 3 from snapshot, 4 wakeup).
    Started,
    /// Suspended (detail: 0 paused, 1 migrated, 2 I/O error, 3 watchdog, 4 restored,
    /// 5 from snapshot, 6 API error, 7 postcopy, 8 postcopy failed).
    Suspended,
    /// Resumed (detail: 0 unpaused, 1 migrated, 2 from snapshot, 3 postcopy).
    Resumed,
    /// Stopped (detail: 0 shutdown, 1 destroyed, 2 crashed, 3 migrated, 4 saved, 5 failed,
    /// 6 from snapshot).
    Stopped,
    /// Shut down by the guest (detail: 0 finished, 1 guest, 2 host).
    Shutdown,
    /// Suspended by guest power management.
    PmSuspended,
    /// The guest crashed.
    Crashed,
    /// A number this client does not know.
    Other(i32),
}

impl LifecycleEvent {
    /// From the wire value.
    pub fn from_raw(v: i32) -> Self {
        match v {
            0 => Self::Defined,
            1 => Self::Undefined,
            2 => Self::Started,
            3 => Self::Suspended,
            4 => Self::Resumed,
            5 => Self::Stopped,
            6 => Self::Shutdown,
            7 => Self::PmSuspended,
            8 => Self::Crashed,
            n => Self::Other(n),
        }
    }
}

/// A domain event; `domain` is the domain's name.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DomainEvent {
    /// The domain's life cycle changed.
    Lifecycle {
        /// Domain name.
        domain: String,
        /// What happened.
        event: LifecycleEvent,
        /// The detail number (see [`LifecycleEvent`]).
        detail: i32,
    },
    /// The guest rebooted.
    Reboot {
        /// Domain name.
        domain: String,
    },
    /// The balloon's size changed.
    BalloonChange {
        /// Domain name.
        domain: String,
        /// Current size, KiB.
        actual_kib: u64,
    },
    /// A device was added.
    DeviceAdded {
        /// Domain name.
        domain: String,
        /// The device's alias.
        alias: String,
    },
    /// A device was removed.
    DeviceRemoved {
        /// Domain name.
        domain: String,
        /// The device's alias.
        alias: String,
    },
    /// Tunables changed (vCPU pinning, limits…).
    Tunable {
        /// Domain name.
        domain: String,
        /// The changed parameters.
        params: Vec<p::TypedParam>,
    },
    /// Metadata changed.
    MetadataChange {
        /// Domain name.
        domain: String,
        /// 0 description, 1 title, 2 element.
        kind: i32,
        /// Namespace of an element.
        nsuri: Option<String>,
    },
    /// The guest agent connected (state 1) or disconnected (2).
    AgentLifecycle {
        /// Domain name.
        domain: String,
        /// State.
        state: i32,
        /// Reason.
        reason: i32,
    },
    /// A job completed.
    JobCompleted {
        /// Domain name.
        domain: String,
        /// Job statistics.
        params: Vec<p::TypedParam>,
    },
    /// The guest changed its real-time clock.
    RtcChange {
        /// Domain name.
        domain: String,
        /// New offset from UTC, seconds.
        offset: i64,
    },
    /// The watchdog fired.
    Watchdog {
        /// Domain name.
        domain: String,
        /// `VIR_DOMAIN_EVENT_WATCHDOG_*`: 0 none, 1 pause, 2 reset, 3 poweroff, 4 shutdown,
        /// 5 debug, 6 inject NMI.
        action: i32,
    },
    /// A disk I/O error.
    IoError {
        /// Domain name.
        domain: String,
        /// The disk's source path.
        src_path: String,
        /// The disk's alias.
        dev_alias: String,
        /// `VIR_DOMAIN_EVENT_IO_ERROR_*`: 0 none, 1 pause, 2 report.
        action: i32,
        /// Why (`enospc`, …), when the daemon sent the event with a reason.
        reason: Option<String>,
    },
    /// A graphics client connected, authenticated or disconnected.
    Graphics {
        /// Domain name.
        domain: String,
        /// 0 connect, 1 initialize, 2 disconnect.
        phase: i32,
        /// The server's address.
        local: p::DomainEventGraphicsAddress,
        /// The client's address.
        remote: p::DomainEventGraphicsAddress,
        /// The authentication scheme.
        auth_scheme: String,
        /// Who the client authenticated as.
        subject: Vec<p::DomainEventGraphicsIdentity>,
    },
    /// A block job finished, failed, was cancelled or is ready to pivot.
    BlockJob {
        /// Domain name.
        domain: String,
        /// The disk: its path in the first form of the event, its target (`vda`) in the second.
        disk: String,
        /// `VIR_DOMAIN_BLOCK_JOB_TYPE_*`: 1 pull, 2 copy, 3 commit, 4 active commit, 5 backup.
        job_type: i32,
        /// `VIR_DOMAIN_BLOCK_JOB_*`: 0 completed, 1 failed, 2 cancelled, 3 ready.
        status: i32,
    },
    /// Removable media changed.
    DiskChange {
        /// Domain name.
        domain: String,
        /// The old source.
        old_src_path: Option<String>,
        /// The new source.
        new_src_path: Option<String>,
        /// The disk's alias.
        dev_alias: String,
        /// 0 missing on start, 1 dropped.
        reason: i32,
    },
    /// A removable disk's tray opened (reason 0) or closed (1).
    TrayChange {
        /// Domain name.
        domain: String,
        /// The disk's alias.
        dev_alias: String,
        /// 0 open, 1 close.
        reason: i32,
    },
    /// The guest woke up from a power-management suspend.
    PmWakeup {
        /// Domain name.
        domain: String,
        /// Reason (0 so far).
        reason: i32,
    },
    /// The guest suspended to RAM.
    PmSuspend {
        /// Domain name.
        domain: String,
        /// Reason (0 so far).
        reason: i32,
    },
    /// The guest suspended to disk.
    PmSuspendDisk {
        /// Domain name.
        domain: String,
        /// Reason (0 so far).
        reason: i32,
    },
    /// The daemon lost control of the domain (its monitor failed).
    ControlError {
        /// Domain name.
        domain: String,
    },
    /// An event this client does not decode into fields.
    Other {
        /// The event's procedure number.
        procedure: i32,
    },
}

fn de<'a, M: serde::Deserialize<'a>>(b: &'a [u8]) -> Result<M> {
    Ok(virt_proto::xdr::from_bytes(b)?)
}

pub(super) fn decode(raw: RawEvent) -> Option<Result<DomainEvent>> {
    let proc_ = raw.proc_;
    if super::is_object_event(proc_) {
        return None;
    }
    let b = &raw.body[..];
    let is = |n: p::Procedure| proc_ == n as i32;
    Some(if is(p::DomainEventCallbackLifecycleMsg::PROC) {
        de::<p::DomainEventCallbackLifecycleMsg>(b).map(|m| DomainEvent::Lifecycle {
            domain: m.msg.dom.name,
            event: LifecycleEvent::from_raw(m.msg.event),
            detail: m.msg.detail,
        })
    } else if is(p::DomainEventCallbackRebootMsg::PROC) {
        de::<p::DomainEventCallbackRebootMsg>(b).map(|m| DomainEvent::Reboot {
            domain: m.msg.dom.name,
        })
    } else if is(p::DomainEventCallbackBalloonChangeMsg::PROC) {
        de::<p::DomainEventCallbackBalloonChangeMsg>(b).map(|m| DomainEvent::BalloonChange {
            domain: m.msg.dom.name,
            actual_kib: m.msg.actual,
        })
    } else if is(p::DomainEventCallbackDeviceAddedMsg::PROC) {
        de::<p::DomainEventCallbackDeviceAddedMsg>(b).map(|m| DomainEvent::DeviceAdded {
            domain: m.dom.name,
            alias: m.dev_alias,
        })
    } else if is(p::DomainEventCallbackDeviceRemovedMsg::PROC) {
        de::<p::DomainEventCallbackDeviceRemovedMsg>(b).map(|m| DomainEvent::DeviceRemoved {
            domain: m.msg.dom.name,
            alias: m.msg.dev_alias,
        })
    } else if is(p::DomainEventCallbackTunableMsg::PROC) {
        de::<p::DomainEventCallbackTunableMsg>(b).map(|m| DomainEvent::Tunable {
            domain: m.dom.name,
            params: m.params,
        })
    } else if is(p::DomainEventCallbackMetadataChangeMsg::PROC) {
        de::<p::DomainEventCallbackMetadataChangeMsg>(b).map(|m| DomainEvent::MetadataChange {
            domain: m.dom.name,
            kind: m.type_,
            nsuri: m.nsuri,
        })
    } else if is(p::DomainEventCallbackAgentLifecycleMsg::PROC) {
        de::<p::DomainEventCallbackAgentLifecycleMsg>(b).map(|m| DomainEvent::AgentLifecycle {
            domain: m.dom.name,
            state: m.state,
            reason: m.reason,
        })
    } else if is(p::DomainEventCallbackJobCompletedMsg::PROC) {
        de::<p::DomainEventCallbackJobCompletedMsg>(b).map(|m| DomainEvent::JobCompleted {
            domain: m.dom.name,
            params: m.params,
        })
    } else if is(p::DomainEventCallbackRtcChangeMsg::PROC) {
        de::<p::DomainEventCallbackRtcChangeMsg>(b).map(|m| DomainEvent::RtcChange {
            domain: m.msg.dom.name,
            offset: m.msg.offset,
        })
    } else if is(p::DomainEventCallbackWatchdogMsg::PROC) {
        de::<p::DomainEventCallbackWatchdogMsg>(b).map(|m| DomainEvent::Watchdog {
            domain: m.msg.dom.name,
            action: m.msg.action,
        })
    } else if is(p::DomainEventCallbackIoErrorMsg::PROC) {
        de::<p::DomainEventCallbackIoErrorMsg>(b).map(|m| DomainEvent::IoError {
            domain: m.msg.dom.name,
            src_path: m.msg.src_path,
            dev_alias: m.msg.dev_alias,
            action: m.msg.action,
            reason: None,
        })
    } else if is(p::DomainEventCallbackIoErrorReasonMsg::PROC) {
        de::<p::DomainEventCallbackIoErrorReasonMsg>(b).map(|m| DomainEvent::IoError {
            domain: m.msg.dom.name,
            src_path: m.msg.src_path,
            dev_alias: m.msg.dev_alias,
            action: m.msg.action,
            reason: Some(m.msg.reason),
        })
    } else if is(p::DomainEventCallbackGraphicsMsg::PROC) {
        de::<p::DomainEventCallbackGraphicsMsg>(b).map(|m| DomainEvent::Graphics {
            domain: m.msg.dom.name,
            phase: m.msg.phase,
            local: m.msg.local,
            remote: m.msg.remote,
            auth_scheme: m.msg.auth_scheme,
            subject: m.msg.subject,
        })
    } else if is(p::DomainEventCallbackBlockJobMsg::PROC) {
        de::<p::DomainEventCallbackBlockJobMsg>(b).map(|m| DomainEvent::BlockJob {
            domain: m.msg.dom.name,
            disk: m.msg.path,
            job_type: m.msg.type_,
            status: m.msg.status,
        })
    } else if is(p::DomainEventBlockJob2Msg::PROC) {
        de::<p::DomainEventBlockJob2Msg>(b).map(|m| DomainEvent::BlockJob {
            domain: m.dom.name,
            disk: m.dst,
            job_type: m.type_,
            status: m.status,
        })
    } else if is(p::DomainEventCallbackDiskChangeMsg::PROC) {
        de::<p::DomainEventCallbackDiskChangeMsg>(b).map(|m| DomainEvent::DiskChange {
            domain: m.msg.dom.name,
            old_src_path: m.msg.old_src_path,
            new_src_path: m.msg.new_src_path,
            dev_alias: m.msg.dev_alias,
            reason: m.msg.reason,
        })
    } else if is(p::DomainEventCallbackTrayChangeMsg::PROC) {
        de::<p::DomainEventCallbackTrayChangeMsg>(b).map(|m| DomainEvent::TrayChange {
            domain: m.msg.dom.name,
            dev_alias: m.msg.dev_alias,
            reason: m.msg.reason,
        })
    } else if is(p::DomainEventCallbackPmwakeupMsg::PROC) {
        de::<p::DomainEventCallbackPmwakeupMsg>(b).map(|m| DomainEvent::PmWakeup {
            domain: m.msg.dom.name,
            reason: m.reason,
        })
    } else if is(p::DomainEventCallbackPmsuspendMsg::PROC) {
        de::<p::DomainEventCallbackPmsuspendMsg>(b).map(|m| DomainEvent::PmSuspend {
            domain: m.msg.dom.name,
            reason: m.reason,
        })
    } else if is(p::DomainEventCallbackPmsuspendDiskMsg::PROC) {
        de::<p::DomainEventCallbackPmsuspendDiskMsg>(b).map(|m| DomainEvent::PmSuspendDisk {
            domain: m.msg.dom.name,
            reason: m.reason,
        })
    } else if is(p::DomainEventCallbackControlErrorMsg::PROC) {
        de::<p::DomainEventCallbackControlErrorMsg>(b).map(|m| DomainEvent::ControlError {
            domain: m.msg.dom.name,
        })
    } else {
        Ok(DomainEvent::Other { procedure: proc_ })
    })
}

#[cfg(test)]
mod tests;
