//! Data streams tied to a call (consoles, screenshots, volume transfers), and the graphics
//! descriptor.
//!
//! What the daemon sends waits for the reader in a queue of a few MiB; while it is full the
//! connection stops reading its socket, so a slow reader slows the daemon down rather than
//! filling memory (see `ConnectOptions::stream_stall_limit` for a reader that stops). Holes
//! of sparse streams arrive as lengths ([`StreamData::Hole`]), never as buffers of zeros.

use std::os::fd::OwnedFd;
use std::time::Duration;

use bytes::Bytes;
use virt_proto::packet::{
    self, Header, MessageType, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, Status,
};
use virt_proto::remote as p;

use crate::Connection;
use crate::connection::CallOptions;
use crate::connection::owner::{Command, StreamMsg, StreamSource, stream_queue};
use crate::domain::Domain;
use crate::error::{Error, Result};

/// Largest data chunk per stream packet (`VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX`).
const CHUNK: usize = packet::MESSAGE_LEGACY_PAYLOAD_MAX;

/// `VIR_DOMAIN_CONSOLE_FORCE`: take the console from another client.
pub const CONSOLE_FORCE: u32 = 1;
/// `VIR_DOMAIN_CONSOLE_SAFE`.
pub const CONSOLE_SAFE: u32 = 2;

/// Largest run of zeros [`Stream::recv`] hands out at once for a hole.
const HOLE_ZEROS: u64 = 1024 * 1024;

/// One piece of a sparse stream, as [`Stream::recv_sparse`] returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamData {
    /// Bytes of data.
    Data(Bytes),
    /// A hole of this many bytes: zeros that were not sent.
    Hole(u64),
}

/// A stream opened by a call: data in both directions with the call's serial.
pub struct Stream {
    conn: Connection,
    proc_: i32,
    serial: u32,
    rx: StreamSource,
    ended: bool,
    /// Zeros of a hole that [`Stream::recv`] has not handed out yet.
    pending_zeros: u64,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("proc", &self.proc_)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

impl Stream {
    /// Makes the call `args` and returns the stream it opens, together with the reply body.
    pub(crate) async fn open<C: virt_proto::Rpc>(
        conn: &Connection,
        args: &C,
    ) -> Result<(Stream, C::Reply)> {
        let serial = conn.next_serial();
        let header = C::header(serial);
        let (tx, rx) = stream_queue(header);
        let reply = conn
            .call_raw(
                header,
                args,
                CallOptions {
                    stream: Some(tx),
                    ..CallOptions::default()
                },
            )
            .await?;
        let ret = virt_proto::xdr::from_bytes(&reply.body)?;
        Ok((
            Stream {
                conn: conn.clone(),
                proc_: C::PROCEDURE,
                serial,
                rx,
                ended: false,
                pending_zeros: 0,
            },
            ret,
        ))
    }

    /// The next chunk of data; `None` once the peer has sent everything (then call
    /// [`finish`](Self::finish)). Holes of a sparse stream read as zeros.
    pub async fn recv(&mut self) -> Result<Option<Bytes>> {
        if self.pending_zeros == 0 {
            match self.recv_sparse().await? {
                None => return Ok(None),
                Some(StreamData::Data(b)) => return Ok(Some(b)),
                Some(StreamData::Hole(len)) => self.pending_zeros = len,
            }
        }
        let n = self.pending_zeros.min(HOLE_ZEROS);
        self.pending_zeros -= n;
        // n <= HOLE_ZEROS, which fits any usize.
        Ok(Some(Bytes::from(vec![0; n as usize])))
    }

    /// The next piece of data or hole; `None` once the peer has sent everything (then call
    /// [`finish`](Self::finish)). Holes only come when the stream was opened as sparse, e.g.
    /// with [`VOL_TRANSFER_SPARSE`](crate::storage::VOL_TRANSFER_SPARSE).
    pub async fn recv_sparse(&mut self) -> Result<Option<StreamData>> {
        loop {
            if self.ended {
                return Ok(None);
            }
            let msg = self.rx.recv().await;
            return match msg {
                Some(StreamMsg::Data(b)) if !b.is_empty() => Ok(Some(StreamData::Data(b))),
                Some(StreamMsg::Hole(0)) => continue,
                Some(StreamMsg::Hole(len)) => Ok(Some(StreamData::Hole(len))),
                // An empty data packet is how the daemon says it has no more data; it then
                // waits for our finish (or abort).
                Some(StreamMsg::Data(_) | StreamMsg::End) => {
                    self.ended = true;
                    Ok(None)
                }
                Some(StreamMsg::Error(e)) => {
                    self.ended = true;
                    Err(e)
                }
                None => {
                    self.ended = true;
                    Err(self.conn.close_reason().map_or(
                        Error::ConnectionLost("the connection task ended".into()),
                        |r| r.to_error(),
                    ))
                }
            };
        }
    }

    /// Reads everything until the peer finishes the stream, holes as zeros, refusing more than
    /// `limit` bytes.
    pub async fn recv_all(&mut self, limit: usize) -> Result<Vec<u8>> {
        let too_much =
            || Error::Unexpected(format!("stream data exceeds the limit of {limit} bytes"));
        let mut out = Vec::new();
        while let Some(chunk) = self.recv_sparse().await? {
            let len = match &chunk {
                StreamData::Data(b) => b.len(),
                StreamData::Hole(len) => usize::try_from(*len).map_err(|_| too_much())?,
            };
            if len > limit - out.len() {
                return Err(too_much());
            }
            match chunk {
                StreamData::Data(b) => out.extend_from_slice(&b),
                StreamData::Hole(_) => out.resize(out.len() + len, 0),
            }
        }
        Ok(out)
    }

    fn header(&self, status: Status) -> Header {
        Header {
            prog: REMOTE_PROGRAM,
            vers: REMOTE_PROTOCOL_VERSION,
            proc_: self.proc_,
            type_: MessageType::Stream,
            serial: self.serial,
            status,
        }
    }

    /// Sends data; resolves once it was handed to the socket.
    pub async fn send(&self, data: &[u8]) -> Result<()> {
        for chunk in data.chunks(CHUNK) {
            let bytes = packet::encode_packet_raw(&self.header(Status::Continue), chunk)?;
            self.conn.send_packet(bytes).await?;
        }
        Ok(())
    }

    /// Sends a hole of `len` bytes (zeros the peer creates without receiving them). Only for
    /// streams opened as sparse, e.g. with
    /// [`VOL_TRANSFER_SPARSE`](crate::storage::VOL_TRANSFER_SPARSE).
    pub async fn send_hole(&self, len: u64) -> Result<()> {
        let length = i64::try_from(len)
            .map_err(|_| Error::Unsupported(format!("a hole of {len} bytes is too long")))?;
        let mut header = self.header(Status::Continue);
        header.type_ = MessageType::StreamHole;
        let bytes = packet::encode_packet(&header, &packet::StreamHole { length, flags: 0 })?;
        self.conn.send_packet(bytes).await
    }

    /// Tells the peer no more data comes and waits until it confirms.
    pub async fn finish(mut self) -> Result<()> {
        let bytes = packet::encode_packet_raw(&self.header(Status::Ok), &[])?;
        self.conn.send_packet(bytes).await?;
        let wait = async {
            loop {
                match self.rx.recv().await {
                    Some(StreamMsg::End) | None => return Ok(()),
                    Some(StreamMsg::Error(e)) => return Err(e),
                    Some(_) => {}
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .map_err(|_| Error::Timeout("the daemon did not confirm the end of a stream".into()))?
    }

    /// Abandons the stream.
    pub async fn abort(self) -> Result<()> {
        let bytes = packet::encode_packet_raw(&self.header(Status::Error), &[])?;
        self.conn.send_packet(bytes).await
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        let _ = self.conn.command(Command::DropStream(self.serial));
    }
}

impl Domain {
    /// Opens the serial console (or the device `dev_name`) as a bidirectional stream.
    pub async fn open_console(&self, dev_name: Option<&str>, flags: u32) -> Result<Stream> {
        let args = p::DomainOpenConsoleArgs {
            dom: self.raw().clone(),
            dev_name: dev_name.map(Into::into),
            flags,
        };
        Ok(Stream::open(self.connection(), &args).await?.0)
    }

    /// Takes a screenshot of `screen`: the image's MIME type and bytes.
    pub async fn screenshot(&self, screen: u32) -> Result<(String, Vec<u8>)> {
        let args = p::DomainScreenshotArgs {
            dom: self.raw().clone(),
            screen,
            flags: 0,
        };
        let (mut stream, ret) = Stream::open(self.connection(), &args).await?;
        let data = stream.recv_all(256 * 1024 * 1024).await?;
        stream.finish().await?;
        Ok((ret.mime.unwrap_or_default(), data))
    }

    /// A connected socket to the domain's graphics server (VNC/SPICE) `idx`, passed over the
    /// unix socket. Flags: `VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH` = 1.
    pub async fn open_graphics_fd(&self, idx: u32, flags: u32) -> Result<OwnedFd> {
        let args = p::DomainOpenGraphicsFdArgs {
            dom: self.raw().clone(),
            idx,
            flags,
        };
        let reply = self
            .connection()
            .call_with(&args, CallOptions::default())
            .await?;
        reply
            .fds
            .into_iter()
            .next()
            .ok_or_else(|| Error::violation("the graphics reply carried no file descriptor"))
    }
}
