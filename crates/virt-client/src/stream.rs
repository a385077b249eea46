//! Data streams tied to a call (consoles, screenshots, volume transfers), and the graphics
//! descriptor.
//!
//! What the daemon sends waits for the reader in a queue of a few MiB; while it is full the
//! connection stops reading its socket, so a slow reader slows the daemon down rather than
//! filling memory (see `ConnectOptions::stream_stall_limit` for a reader that stops). Holes
//! of sparse streams arrive as lengths ([`StreamChunk::Hole`]), never as buffers of zeros.

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

/// What a stream delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamChunk {
    /// Data.
    Data(Bytes),
    /// A hole of this many bytes in a sparse stream (reads as zeros).
    Hole(u64),
}

/// A stream opened by a call: data in both directions with the call's serial.
pub struct Stream {
    conn: Connection,
    proc_: i32,
    serial: u32,
    rx: StreamSource,
    ended: bool,
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
            },
            ret,
        ))
    }

    /// The next chunk of data or hole; `None` once the peer has sent everything (then call
    /// [`finish`](Self::finish)).
    pub async fn recv_chunk(&mut self) -> Result<Option<StreamChunk>> {
        if self.ended {
            return Ok(None);
        }
        let msg = self.rx.recv().await;
        match msg {
            Some(StreamMsg::Data(b)) if !b.is_empty() => Ok(Some(StreamChunk::Data(b))),
            Some(StreamMsg::Hole(len)) => Ok(Some(StreamChunk::Hole(len))),
            // An empty data packet is how the daemon says it has no more data; it then waits
            // for our finish (or abort).
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
        }
    }

    /// The next chunk of data; `None` once the peer has sent everything (then call
    /// [`finish`](Self::finish)). A hole is an error: read sparse streams with
    /// [`recv_chunk`](Self::recv_chunk).
    pub async fn recv(&mut self) -> Result<Option<Bytes>> {
        match self.recv_chunk().await? {
            Some(StreamChunk::Data(b)) => Ok(Some(b)),
            Some(StreamChunk::Hole(len)) => {
                self.ended = true;
                Err(Error::Unexpected(format!(
                    "a hole of {len} bytes in a stream read as plain data (sparse streams are \
                     read with recv_chunk)"
                )))
            }
            None => Ok(None),
        }
    }

    /// Reads everything until the peer finishes the stream, holes as zeros, refusing more than
    /// `limit` bytes.
    pub async fn recv_all(&mut self, limit: usize) -> Result<Vec<u8>> {
        let too_much =
            || Error::Unexpected(format!("stream data exceeds the limit of {limit} bytes"));
        let mut out = Vec::new();
        while let Some(chunk) = self.recv_chunk().await? {
            let len = match &chunk {
                StreamChunk::Data(b) => b.len(),
                StreamChunk::Hole(len) => usize::try_from(*len).map_err(|_| too_much())?,
            };
            if len > limit - out.len() {
                return Err(too_much());
            }
            match chunk {
                StreamChunk::Data(b) => out.extend_from_slice(&b),
                StreamChunk::Hole(_) => out.resize(out.len() + len, 0),
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
