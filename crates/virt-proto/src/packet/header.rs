//! The 24-byte packet header (`virNetMessageHeader`) and its two enums.

use crate::error::{Error, Result};

/// Kind of packet (`virNetMessageType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum MessageType {
    /// Client to server: the arguments of a call (`VIR_NET_CALL`).
    Call = 0,
    /// Server to client: the reply or error of a call (`VIR_NET_REPLY`).
    Reply = 1,
    /// Either way: an asynchronous message such as an event (`VIR_NET_MESSAGE`).
    Message = 2,
    /// Either way: stream data (`VIR_NET_STREAM`).
    Stream = 3,
    /// Client to server: a call passing file descriptors (`VIR_NET_CALL_WITH_FDS`).
    CallWithFds = 4,
    /// Server to client: a reply passing file descriptors (`VIR_NET_REPLY_WITH_FDS`).
    ReplyWithFds = 5,
    /// Either way: a hole in a sparse stream (`VIR_NET_STREAM_HOLE`).
    StreamHole = 6,
}

impl MessageType {
    /// Whether a fd count word follows the header.
    pub fn has_fds(self) -> bool {
        matches!(self, MessageType::CallWithFds | MessageType::ReplyWithFds)
    }
}

impl TryFrom<u32> for MessageType {
    type Error = Error;

    fn try_from(v: u32) -> Result<Self> {
        Ok(match v {
            0 => MessageType::Call,
            1 => MessageType::Reply,
            2 => MessageType::Message,
            3 => MessageType::Stream,
            4 => MessageType::CallWithFds,
            5 => MessageType::ReplyWithFds,
            6 => MessageType::StreamHole,
            _ => {
                return Err(Error::InvalidValue {
                    found: v.to_string(),
                    expected: "a message type 0..=6".into(),
                });
            }
        })
    }
}

/// Outcome carried by a packet (`virNetMessageStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum Status {
    /// Calls, events, successful replies, and the end of a stream (`VIR_NET_OK`).
    Ok = 0,
    /// A failed call or stream; the body is a [`RemoteError`](crate::RemoteError)
    /// (`VIR_NET_ERROR`).
    Error = 1,
    /// Stream data with more to follow (`VIR_NET_CONTINUE`).
    Continue = 2,
}

impl TryFrom<u32> for Status {
    type Error = Error;

    fn try_from(v: u32) -> Result<Self> {
        Ok(match v {
            0 => Status::Ok,
            1 => Status::Error,
            2 => Status::Continue,
            _ => {
                return Err(Error::InvalidValue {
                    found: v.to_string(),
                    expected: "a message status 0..=2".into(),
                });
            }
        })
    }
}

/// The header after a packet's length word (`virNetMessageHeader`), 24 bytes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// Program number, e.g. [`REMOTE_PROGRAM`](super::REMOTE_PROGRAM).
    pub prog: u32,
    /// Program version.
    pub vers: u32,
    /// Procedure number within the program.
    pub proc_: i32,
    /// Kind of packet.
    pub type_: MessageType,
    /// Serial chosen by the caller; replies and stream packets repeat it, events carry 0.
    pub serial: u32,
    /// Outcome.
    pub status: Status,
}

impl Header {
    /// The header of a call: type [`MessageType::Call`], status [`Status::Ok`].
    pub fn call(prog: u32, vers: u32, proc_: i32, serial: u32) -> Self {
        Header {
            prog,
            vers,
            proc_,
            type_: MessageType::Call,
            serial,
            status: Status::Ok,
        }
    }

    /// Appends the 24 encoded bytes to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        for word in [
            self.prog,
            self.vers,
            self.proc_ as u32,
            self.type_ as u32,
            self.serial,
            self.status as u32,
        ] {
            out.extend_from_slice(&word.to_be_bytes());
        }
    }

    /// Decodes a header from the first 24 bytes of `buf`.
    pub fn decode(buf: &[u8]) -> Result<Self> {
        let Some(bytes) = buf.first_chunk::<24>() else {
            return Err(Error::eof(24, buf.len()));
        };
        let word = |i: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&bytes[i * 4..i * 4 + 4]);
            u32::from_be_bytes(w)
        };
        Ok(Header {
            prog: word(0),
            vers: word(1),
            proc_: word(2) as i32,
            type_: MessageType::try_from(word(3))?,
            serial: word(4),
            status: Status::try_from(word(5))?,
        })
    }
}
