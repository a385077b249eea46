//! Traits tying each message type to its procedure, so a client can call generically.

use crate::packet::{Header, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION};
use crate::remote::Procedure;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A call of the remote program: implemented by every `…Args` type.
///
/// The value is the call's body; [`Call::PROC`] says which procedure it invokes and
/// [`Call::Ret`] what a successful reply decodes into (`()` when the reply body is empty).
/// Procedures without arguments have a unit struct (such as
/// [`ConnectGetTypeArgs`](crate::remote::ConnectGetTypeArgs)).
pub trait Call: Serialize {
    /// The procedure this call invokes.
    const PROC: Procedure;
    /// Body of a successful reply.
    type Ret: DeserializeOwned;
}

/// A call of any program (remote, QEMU, …): what is needed to frame it and read its reply.
///
/// Every [`Call`] is an `Rpc` of the remote program; calls of the other programs implement
/// it directly.
pub trait Rpc: Serialize {
    /// Program number.
    const PROGRAM: u32;
    /// Program version.
    const VERSION: u32;
    /// Procedure number within the program.
    const PROCEDURE: i32;
    /// Body of a successful reply.
    type Reply: DeserializeOwned;

    /// The header of this call with the given serial.
    fn header(serial: u32) -> Header {
        Header::call(Self::PROGRAM, Self::VERSION, Self::PROCEDURE, serial)
    }
}

impl<T: Call> Rpc for T {
    const PROGRAM: u32 = REMOTE_PROGRAM;
    const VERSION: u32 = REMOTE_PROTOCOL_VERSION;
    const PROCEDURE: i32 = T::PROC as i32;
    type Reply = T::Ret;
}

/// An event of the remote program, sent by the daemon in a
/// [`Message`](crate::packet::MessageType::Message) packet: implemented by every `…Msg` type.
pub trait Event: DeserializeOwned {
    /// The procedure number the event's packets carry.
    const PROC: Procedure;
}

/// Implements [`Call`] for argument types: `Args => Procedure variant, Ret;`.
macro_rules! calls {
    ($($args:ty => $proc:ident, $ret:ty;)*) => {$(
        impl Call for $args {
            const PROC: Procedure = Procedure::$proc;
            type Ret = $ret;
        }
    )*};
}

/// Implements [`Event`] for event body types: `Msg => Procedure variant,`.
macro_rules! events {
    ($($msg:ty => $proc:ident,)*) => {$(
        impl Event for $msg {
            const PROC: Procedure = Procedure::$proc;
        }
    )*};
}
