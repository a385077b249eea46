//! Packet framing: the length word, the 24-byte header, fd counts, and whole packets.
//!
//! Every packet on a libvirt connection is:
//!
//! | bytes | content                                                         |
//! |-------|-----------------------------------------------------------------|
//! | 4     | total length in bytes, *including* this word                    |
//! | 24    | [`Header`]: program, version, procedure, type, serial, status   |
//! | 4     | number of passed file descriptors, only for `*_WITH_FDS` types  |
//! | rest  | body: XDR arguments, reply, event, error, or raw stream data     |
//!
//! Reading from a socket is the caller's business: [`frame_len`] says how long the packet in
//! front of a buffer is (checking the bounds before anyone allocates room for it), and
//! [`decode_packet`] or [`Packet::parse`] split a complete packet.

mod header;

pub use header::{Header, MessageType, Status};

use crate::error::{Error, Result};
use crate::xdr;
use serde::{Deserialize, Serialize};

/// Initial buffer size libvirt uses for a message (`VIR_NET_MESSAGE_INITIAL`).
pub const MESSAGE_INITIAL: usize = 65_536;
/// Payload limit of libvirt before 0.9 enlarged buffers (`VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX`).
pub const MESSAGE_LEGACY_PAYLOAD_MAX: usize = 262_120;
/// Largest message, header included, length word excluded (`VIR_NET_MESSAGE_MAX`): 32 MiB.
pub const MESSAGE_MAX: usize = 33_554_432;
/// Size of the encoded header (`VIR_NET_MESSAGE_HEADER_MAX`).
pub const HEADER_LEN: usize = 24;
/// Largest body (`VIR_NET_MESSAGE_PAYLOAD_MAX`).
pub const PAYLOAD_MAX: usize = MESSAGE_MAX - HEADER_LEN;
/// Size of the length word (`VIR_NET_MESSAGE_LEN_MAX`).
pub const LEN_WORD: usize = 4;
/// Most file descriptors one message may pass (`VIR_NET_MESSAGE_NUM_FDS_MAX`).
pub const NUM_FDS_MAX: u32 = 32;
/// Smallest valid packet: length word and header.
pub const PACKET_MIN: usize = LEN_WORD + HEADER_LEN;
/// Largest valid packet, as counted by the length word: [`MESSAGE_MAX`] plus the word itself.
pub const PACKET_MAX: usize = MESSAGE_MAX + LEN_WORD;

/// Program number of the main remote protocol (`REMOTE_PROGRAM`).
pub const REMOTE_PROGRAM: u32 = 0x2000_8086;
/// Version of the main remote protocol (`REMOTE_PROTOCOL_VERSION`).
pub const REMOTE_PROTOCOL_VERSION: u32 = 1;
/// Program number of the QEMU-specific protocol (`QEMU_PROGRAM`).
pub const QEMU_PROGRAM: u32 = 0x2000_8087;
/// Version of the QEMU-specific protocol (`QEMU_PROTOCOL_VERSION`).
pub const QEMU_PROTOCOL_VERSION: u32 = 1;
/// Program number of the LXC-specific protocol (`LXC_PROGRAM`).
pub const LXC_PROGRAM: u32 = 0x0006_8000;
/// Version of the LXC-specific protocol (`LXC_PROTOCOL_VERSION`).
pub const LXC_PROTOCOL_VERSION: u32 = 1;
/// Program number of the keepalive protocol (`KEEPALIVE_PROGRAM`, "keep" in ASCII).
pub const KEEPALIVE_PROGRAM: u32 = 0x6b65_6570;
/// Version of the keepalive protocol (`KEEPALIVE_PROTOCOL_VERSION`).
pub const KEEPALIVE_PROTOCOL_VERSION: u32 = 1;
/// Program number of the daemon administration protocol (`ADMIN_PROGRAM`).
pub const ADMIN_PROGRAM: u32 = 0x0690_0690;
/// Version of the daemon administration protocol (`ADMIN_PROTOCOL_VERSION`).
pub const ADMIN_PROTOCOL_VERSION: u32 = 1;

/// Body of a `StreamHole` packet (`virNetStreamHole`): a gap in a sparse stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamHole {
    /// Length of the hole in bytes.
    pub length: i64,
    /// Flags, currently always 0.
    pub flags: u32,
}

/// Encodes a packet whose body is the XDR encoding of `body`.
pub fn encode_packet<T: Serialize + ?Sized>(header: &Header, body: &T) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(PACKET_MIN + 64);
    encode_packet_into(&mut out, header, None, body)?;
    Ok(out)
}

/// Encodes a `*_WITH_FDS` packet: the fd count word, then the XDR encoding of `body`.
pub fn encode_packet_with_fds<T: Serialize + ?Sized>(
    header: &Header,
    num_fds: u32,
    body: &T,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(PACKET_MIN + 68);
    encode_packet_into(&mut out, header, Some(num_fds), body)?;
    Ok(out)
}

/// Appends a packet to `out`: length word, header, the fd count if `num_fds` is given, and
/// the XDR encoding of `body`. On error `out` is left as it was.
pub fn encode_packet_into<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    header: &Header,
    num_fds: Option<u32>,
    body: &T,
) -> Result<()> {
    let start = out.len();
    let result = (|| {
        out.extend_from_slice(&[0; LEN_WORD]);
        header.encode(out);
        if let Some(n) = num_fds {
            if n > NUM_FDS_MAX {
                return Err(Error::limit(
                    "file descriptor count",
                    n as usize,
                    NUM_FDS_MAX as usize,
                ));
            }
            out.extend_from_slice(&n.to_be_bytes());
        }
        xdr::to_writer(out, body)?;
        finish_length(out, start)
    })();
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Encodes a packet whose body is `payload` as is (stream data, or a body encoded earlier).
pub fn encode_packet_raw(header: &Header, payload: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(PACKET_MIN + payload.len());
    out.extend_from_slice(&[0; LEN_WORD]);
    header.encode(&mut out);
    out.extend_from_slice(payload);
    finish_length(&mut out, 0)?;
    Ok(out)
}

/// Writes the length word of the packet starting at `start`, checking the maximum.
fn finish_length(out: &mut [u8], start: usize) -> Result<()> {
    let len = out.len() - start;
    if len > PACKET_MAX {
        return Err(Error::limit("packet", len, PACKET_MAX));
    }
    out[start..start + LEN_WORD].copy_from_slice(&(len as u32).to_be_bytes());
    Ok(())
}

/// Length of the packet at the front of `buf`, length word included.
///
/// `Ok(None)` while fewer than 4 bytes are there. The length is checked to lie within
/// [`PACKET_MIN`]`..=`[`PACKET_MAX`] before the caller reserves room for the rest.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>> {
    let Some(word) = buf.first_chunk::<LEN_WORD>() else {
        return Ok(None);
    };
    let len = u32::from_be_bytes(*word) as usize;
    if !(PACKET_MIN..=PACKET_MAX).contains(&len) {
        return Err(Error::PacketLength {
            len: len as u64,
            min: PACKET_MIN as u64,
            max: PACKET_MAX as u64,
        });
    }
    Ok(Some(len))
}

/// Splits a complete packet (exactly as long as its length word says) into its header and
/// its body. For `*_WITH_FDS` types the body still starts with the fd count: see
/// [`split_num_fds`] or use [`Packet::parse`].
pub fn decode_packet(buf: &[u8]) -> Result<(Header, &[u8])> {
    let len = frame_len(buf)?.ok_or(Error::eof(LEN_WORD, buf.len()))?;
    if len != buf.len() {
        return Err(Error::PacketSizeMismatch {
            declared: len,
            actual: buf.len(),
        });
    }
    let rest = &buf[LEN_WORD..];
    let header = Header::decode(rest)?;
    Ok((header, &rest[HEADER_LEN..]))
}

/// Splits the fd count word off the body of a `*_WITH_FDS` packet.
pub fn split_num_fds(body: &[u8]) -> Result<(u32, &[u8])> {
    let Some((word, rest)) = body.split_first_chunk::<4>() else {
        return Err(Error::eof(4, body.len()));
    };
    let n = u32::from_be_bytes(*word);
    if n > NUM_FDS_MAX {
        return Err(Error::limit(
            "file descriptor count",
            n as usize,
            NUM_FDS_MAX as usize,
        ));
    }
    Ok((n, rest))
}

/// A decoded packet: header, number of passed fds, and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    /// The header.
    pub header: Header,
    /// File descriptors announced by a `*_WITH_FDS` packet; 0 for the other types.
    pub num_fds: u32,
    /// The body after the header (and after the fd count word).
    pub body: &'a [u8],
}

impl<'a> Packet<'a> {
    /// Parses a complete packet, splitting off the fd count for `*_WITH_FDS` types.
    pub fn parse(buf: &'a [u8]) -> Result<Self> {
        let (header, body) = decode_packet(buf)?;
        let (num_fds, body) = if header.type_.has_fds() {
            split_num_fds(body)?
        } else {
            (0, body)
        };
        Ok(Packet {
            header,
            num_fds,
            body,
        })
    }

    /// Decodes the body as a `T`, requiring every byte to be used.
    pub fn body<T: Deserialize<'a>>(&self) -> Result<T> {
        xdr::from_bytes(self.body)
    }
}
