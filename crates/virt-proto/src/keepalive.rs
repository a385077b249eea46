//! The keepalive program (`KEEPALIVE_PROGRAM`): bodiless PING and PONG messages.
//!
//! Either side may send a PING as a [`Message`](MessageType::Message) packet with serial 0;
//! the other answers with a PONG the same way. Neither has a body.

use crate::packet::{Header, KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, MessageType, Status};

/// A keepalive procedure (`keepalive_procedure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Procedure {
    /// `KEEPALIVE_PROC_PING`: are you there?
    Ping = 1,
    /// `KEEPALIVE_PROC_PONG`: yes.
    Pong = 2,
}

impl Procedure {
    /// The header of this keepalive message.
    pub fn header(self) -> Header {
        Header {
            prog: KEEPALIVE_PROGRAM,
            vers: KEEPALIVE_PROTOCOL_VERSION,
            proc_: self as i32,
            type_: MessageType::Message,
            serial: 0,
            status: Status::Ok,
        }
    }

    /// The whole 28-byte packet of this keepalive message.
    pub fn packet(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(crate::packet::PACKET_MIN);
        out.extend_from_slice(&(crate::packet::PACKET_MIN as u32).to_be_bytes());
        self.header().encode(&mut out);
        out
    }

    /// The keepalive procedure a header carries, if it is a keepalive message.
    pub fn of(header: &Header) -> Option<Self> {
        if header.prog != KEEPALIVE_PROGRAM || header.type_ != MessageType::Message {
            return None;
        }
        match header.proc_ {
            1 => Some(Procedure::Ping),
            2 => Some(Procedure::Pong),
            _ => None,
        }
    }
}
