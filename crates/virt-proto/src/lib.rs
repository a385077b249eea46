//! Sans-I/O wire format of libvirt's remote protocol: XDR, packets, messages.
//!
//! Nothing here reads or writes a socket. The crate turns Rust values into packet bytes and
//! packet bytes back into Rust values, rejecting anything malformed or oversized with a typed
//! [`Error`] before allocating for it.
//!
//! - [`xdr`]: the XDR data format (serde): [`xdr::to_bytes`], [`xdr::to_writer`],
//!   [`xdr::from_bytes`], [`xdr::from_bytes_partial`].
//! - [`packet`]: framing: [`packet::frame_len`], [`packet::encode_packet`],
//!   [`packet::decode_packet`], [`packet::Packet`], the [`packet::Header`] and its enums,
//!   program numbers and size limits.
//! - [`remote`]: the remote program: [`remote::Procedure`] (every procedure number), every
//!   argument, reply and event body, typed parameters, [`RemoteError`].
//! - [`keepalive`], [`qemu`]: the keepalive and QEMU programs.
//!
//! # Calling a procedure
//!
//! Every argument type implements [`Call`], which names its procedure and its reply type;
//! [`Rpc`] generalises it to every program. A client frames a call and decodes its reply
//! without knowing the message:
//!
//! ```
//! use virt_proto::packet::{self, MessageType, Packet, Status};
//! use virt_proto::remote::{ConnectGetTypeArgs, ConnectGetTypeRet};
//! use virt_proto::{Rpc, RemoteError, xdr};
//!
//! fn call_bytes<C: Rpc>(args: &C, serial: u32) -> virt_proto::Result<Vec<u8>> {
//!     packet::encode_packet(&C::header(serial), args)
//! }
//!
//! fn read_reply<C: Rpc>(bytes: &[u8]) -> virt_proto::Result<Result<C::Reply, RemoteError>> {
//!     let packet = Packet::parse(bytes)?;
//!     Ok(match packet.header.status {
//!         Status::Error => Err(packet.body()?),
//!         _ => Ok(xdr::from_bytes(packet.body)?),
//!     })
//! }
//!
//! let out = call_bytes(&ConnectGetTypeArgs, 7).unwrap();
//! assert_eq!(out.len(), 28);
//!
//! // The daemon's reply, as it would arrive:
//! let mut header = ConnectGetTypeArgs::header(7);
//! header.type_ = MessageType::Reply;
//! let reply = packet::encode_packet(&header, &ConnectGetTypeRet { type_: "QEMU".into() }).unwrap();
//! let ret = read_reply::<ConnectGetTypeArgs>(&reply).unwrap().unwrap();
//! assert_eq!(ret.type_, "QEMU");
//! ```
//!
//! Events arrive as [`Message`](packet::MessageType::Message) packets of the remote program;
//! each event body type implements [`Event`], whose `PROC` identifies it.

#[macro_use]
mod call;
mod error;
pub mod keepalive;
pub mod packet;
pub mod qemu;
pub mod remote;
pub mod xdr;

pub use call::{Call, Event, Rpc};
pub use error::{Error, Result};
pub use remote::RemoteError;
