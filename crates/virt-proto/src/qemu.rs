//! The QEMU program (`QEMU_PROGRAM`): monitor and guest agent pass-through.

use crate::call::Rpc;
use crate::packet::{QEMU_PROGRAM, QEMU_PROTOCOL_VERSION};
use crate::remote::Domain;
use serde::{Deserialize, Serialize};

/// A procedure of the QEMU program (`qemu_procedure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
#[non_exhaustive]
pub enum Procedure {
    /// `QEMU_PROC_DOMAIN_MONITOR_COMMAND`
    DomainMonitorCommand = 1,
    /// `QEMU_PROC_DOMAIN_ATTACH`
    DomainAttach = 2,
    /// `QEMU_PROC_DOMAIN_AGENT_COMMAND`
    DomainAgentCommand = 3,
    /// `QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER`
    ConnectDomainMonitorEventRegister = 4,
    /// `QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER`
    ConnectDomainMonitorEventDeregister = 5,
    /// `QEMU_PROC_DOMAIN_MONITOR_EVENT` (an event sent by the daemon)
    DomainMonitorEvent = 6,
    /// `QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES`
    DomainMonitorCommandWithFiles = 7,
}

/// Arguments of [`Procedure::DomainMonitorCommand`] (`qemu_domain_monitor_command_args`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DomainMonitorCommandArgs {
    /// The domain whose monitor receives the command.
    pub dom: Domain,
    /// A QMP command (JSON), or an HMP command with the HMP flag.
    pub cmd: String,
    /// `virDomainQemuMonitorCommandFlags`.
    pub flags: u32,
}

/// Reply of [`Procedure::DomainMonitorCommand`] (`qemu_domain_monitor_command_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DomainMonitorCommandRet {
    /// The monitor's answer.
    pub result: String,
}

/// Arguments of [`Procedure::DomainAgentCommand`] (`qemu_domain_agent_command_args`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DomainAgentCommandArgs {
    /// The domain whose guest agent receives the command.
    pub dom: Domain,
    /// The guest agent command (JSON).
    pub cmd: String,
    /// Timeout in seconds, or a `VIR_DOMAIN_QEMU_AGENT_COMMAND_*` value.
    pub timeout: i32,
    /// Unused, 0.
    pub flags: u32,
}

/// Reply of [`Procedure::DomainAgentCommand`] (`qemu_domain_agent_command_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DomainAgentCommandRet {
    /// The agent's answer, if any.
    pub result: Option<String>,
}

/// Arguments of [`Procedure::ConnectDomainMonitorEventRegister`]
/// (`qemu_connect_domain_monitor_event_register_args`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConnectDomainMonitorEventRegisterArgs {
    /// Only events of this domain, or of all domains.
    pub dom: Option<Domain>,
    /// Only events of this name (or pattern, with flags), or all events.
    pub event: Option<String>,
    /// `virConnectDomainQemuMonitorEventRegisterFlags`.
    pub flags: u32,
}

/// Reply of [`Procedure::ConnectDomainMonitorEventRegister`]
/// (`qemu_connect_domain_monitor_event_register_ret`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConnectDomainMonitorEventRegisterRet {
    /// Identifies the registration in events and in deregistration.
    pub callback_id: i32,
}

/// Arguments of [`Procedure::ConnectDomainMonitorEventDeregister`]
/// (`qemu_connect_domain_monitor_event_deregister_args`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConnectDomainMonitorEventDeregisterArgs {
    /// The registration to end.
    pub callback_id: i32,
}

/// Event body of [`Procedure::DomainMonitorEvent`] (`qemu_domain_monitor_event_msg`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DomainMonitorEventMsg {
    /// The registration this event answers.
    pub callback_id: i32,
    /// The domain whose monitor sent it.
    pub dom: Domain,
    /// Event name.
    pub event: String,
    /// Time of the event: seconds part.
    pub seconds: i64,
    /// Time of the event: microseconds part.
    pub micros: u32,
    /// Event details (JSON), if any.
    pub details: Option<String>,
}

macro_rules! qemu_calls {
    ($($args:ty => $proc:ident, $ret:ty;)*) => {$(
        impl Rpc for $args {
            const PROGRAM: u32 = QEMU_PROGRAM;
            const VERSION: u32 = QEMU_PROTOCOL_VERSION;
            const PROCEDURE: i32 = Procedure::$proc as i32;
            type Reply = $ret;
        }
    )*};
}

qemu_calls! {
    DomainMonitorCommandArgs => DomainMonitorCommand, DomainMonitorCommandRet;
    DomainAgentCommandArgs => DomainAgentCommand, DomainAgentCommandRet;
    ConnectDomainMonitorEventRegisterArgs => ConnectDomainMonitorEventRegister, ConnectDomainMonitorEventRegisterRet;
    ConnectDomainMonitorEventDeregisterArgs => ConnectDomainMonitorEventDeregister, ();
}
