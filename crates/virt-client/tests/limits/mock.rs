//! A mock daemon for the limit tests: one client on a unix socket, served by a thread with
//! blocking I/O, so that it writes exactly as fast as the client reads and can pass file
//! descriptors with any packet.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};

use serde::Serialize;
use virt_proto::Rpc;
use virt_proto::packet::{self, Header, MessageType, Status};
use virt_proto::remote as p;

/// A packet from the client.
pub struct Call {
    pub header: Header,
    pub body: Vec<u8>,
}

impl Call {
    /// Whether this is a call of `C` (not a stream packet of a stream it opened).
    pub fn is<C: Rpc>(&self) -> bool {
        matches!(
            self.header.type_,
            MessageType::Call | MessageType::CallWithFds
        ) && self.header.prog == C::PROGRAM
            && self.header.proc_ == C::PROCEDURE
    }

    pub fn args<'a, T: serde::Deserialize<'a>>(&'a self) -> T {
        virt_proto::xdr::from_bytes(&self.body).unwrap()
    }

    /// The header of a reply (or stream packet) to this call.
    pub fn answer(&self, type_: MessageType, status: Status) -> Header {
        Header {
            type_,
            status,
            ..self.header
        }
    }
}

/// The mock's end of the socket.
pub struct Peer {
    pub s: UnixStream,
}

impl Peer {
    /// Writes `bytes`; false once the client is gone.
    pub fn send(&mut self, bytes: &[u8]) -> bool {
        self.s.write_all(bytes).is_ok()
    }

    /// A successful reply with `body`.
    pub fn reply<T: Serialize>(&mut self, call: &Call, body: &T) -> bool {
        let h = call.answer(MessageType::Reply, Status::Ok);
        self.send(&packet::encode_packet(&h, body).unwrap())
    }

    /// Sends `bytes` in one `sendmsg` with `fds` attached.
    pub fn send_with_fds(&mut self, bytes: &[u8], fds: &[RawFd]) -> bool {
        let space = unsafe { libc::CMSG_SPACE(std::mem::size_of_val(fds) as u32) } as usize;
        let mut control = vec![0u64; space.div_ceil(8)];
        let mut iov = libc::iovec {
            iov_base: bytes.as_ptr() as *mut _,
            iov_len: bytes.len(),
        };
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = space as _;
        let n = unsafe {
            let cmsg = libc::CMSG_FIRSTHDR(&msg);
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of_val(fds) as u32) as _;
            std::ptr::copy_nonoverlapping(
                fds.as_ptr(),
                libc::CMSG_DATA(cmsg).cast::<RawFd>(),
                fds.len(),
            );
            libc::sendmsg(self.s.as_raw_fd(), &msg, libc::MSG_NOSIGNAL)
        };
        n == bytes.len() as isize
    }

    /// Answers the open sequence: no authentication, no features, `CONNECT_OPEN` accepted.
    /// False when `call` is not part of it.
    pub fn open_ok(&mut self, call: &Call) -> bool {
        if call.is::<p::AuthListArgs>() {
            self.reply(
                call,
                &p::AuthListRet {
                    types: vec![p::AuthType::None],
                },
            )
        } else if call.is::<p::ConnectSupportsFeatureArgs>() {
            self.reply(call, &p::ConnectSupportsFeatureRet { supported: 0 })
        } else if call.is::<p::ConnectOpenArgs>() {
            self.reply(call, &())
        } else {
            false
        }
    }
}

/// Reads one packet; `None` once the client is gone.
fn read_packet(s: &mut UnixStream) -> Option<Call> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).ok()?;
    let mut buf = vec![0u8; u32::from_be_bytes(len) as usize];
    buf[..4].copy_from_slice(&len);
    s.read_exact(&mut buf[4..]).ok()?;
    let pkt = packet::Packet::parse(&buf).unwrap();
    Some(Call {
        header: pkt.header,
        body: pkt.body.to_vec(),
    })
}

/// A listening mock daemon; `uri` reaches it.
pub struct Mock {
    pub uri: String,
    _dir: tempfile::TempDir,
}

/// Serves one client on a thread: `serve` gets every packet it sends and returns false to hang
/// up.
pub fn start(mut serve: impl FnMut(&Call, &mut Peer) -> bool + Send + 'static) -> Mock {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sock");
    let listener = UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        let mut peer = Peer {
            s: s.try_clone().unwrap(),
        };
        let mut reader = s;
        while let Some(call) = read_packet(&mut reader) {
            if !serve(&call, &mut peer) {
                return;
            }
        }
    });
    Mock {
        uri: format!("test+unix:///default?socket={}", path.display()),
        _dir: dir,
    }
}

/// A domain as the mock describes it.
pub fn domain(name: &str) -> p::Domain {
    p::Domain {
        name: name.into(),
        uuid: Default::default(),
        id: 1,
    }
}

/// Answers a domain lookup by name with [`domain`]; false when `call` is none.
pub fn lookup(call: &Call, peer: &mut Peer) -> Option<bool> {
    call.is::<p::DomainLookupByNameArgs>().then(|| {
        let name: p::DomainLookupByNameArgs = call.args();
        peer.reply(
            call,
            &p::DomainLookupByNameRet {
                dom: domain(&name.name),
            },
        )
    })
}

/// A stream data packet (`status` continue) or the end (`status` ok) for the stream of `call`.
pub fn stream_packet(call: &Call, status: Status, data: &[u8]) -> Vec<u8> {
    packet::encode_packet_raw(&call.answer(MessageType::Stream, status), data).unwrap()
}

/// A hole of `length` bytes in the stream of `call`.
pub fn hole_packet(call: &Call, length: i64) -> Vec<u8> {
    let h = call.answer(MessageType::StreamHole, Status::Continue);
    packet::encode_packet(&h, &packet::StreamHole { length, flags: 0 }).unwrap()
}
