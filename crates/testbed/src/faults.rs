//! A fault-injecting proxy between a client and a real daemon's unix socket: it forwards
//! everything until told to cut the connection, cut a reply midway, corrupt a byte of a reply,
//! or delay replies, counting the daemon's packets from the moment it is told.
//!
//! The daemon → client direction is read packet by packet (libvirt's 4-byte length prefix), so
//! faults land at chosen packets and offsets: "the third packet from now, after 10 of its bytes"
//! is the middle of a reply, an event or a stream chunk.
//!
//! The client → daemon direction is read packet by packet too, for faults at the client's
//! side of a conversation ([`CallFault`]): a cut when a given procedure is called (so the call
//! never reaches the daemon), a cut after so many bytes of stream data the client sent (an
//! upload), or calls of a given procedure held back (a slow daemon).

use std::io::{self, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does to the daemon's packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything.
    Pass,
    /// Forward `packet - 1` whole packets, then `bytes` bytes of the next one, then close
    /// both sides of every proxied connection.
    Cut {
        /// Which packet from now (1 = the next one).
        packet: u64,
        /// How many of its bytes still go through.
        bytes: usize,
    },
    /// Flip every bit of the byte at `offset` of the `packet`-th packet from now.
    Corrupt {
        /// Which packet from now (1 = the next one).
        packet: u64,
        /// Which byte of it (0 = the first byte of the length prefix).
        offset: usize,
    },
    /// Hold every packet this long before forwarding it.
    Delay(Duration),
}

/// What the proxy does to the client's packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallFault {
    /// Forward everything.
    Pass,
    /// Forward calls until the `nth` call of `procedure` from now (1 = the next), then close
    /// every proxied connection instead of forwarding it: the daemon never sees that call.
    CutAtCall {
        /// The procedure number (`REMOTE_PROC_…`).
        procedure: u32,
        /// Which of its calls.
        nth: u64,
    },
    /// Forward the `nth` call of `procedure` from now, then close every proxied connection
    /// when its reply comes, before the client sees it: the daemon did what was asked, the
    /// client cannot know.
    CutAtReply {
        /// The procedure number.
        procedure: u32,
        /// Which of its calls.
        nth: u64,
    },
    /// Forward `bytes` bytes of stream data from the client (counted from now, without
    /// packet headers), then close every proxied connection midway through a packet.
    CutAfterData(u64),
    /// Hold every call of `procedure` this long before forwarding it (and so everything the
    /// client sends after it).
    DelayCall {
        /// The procedure number.
        procedure: u32,
        /// How long.
        delay: Duration,
    },
}

/// The size of a packet header: length, program, version, procedure, type, serial, status.
const HEADER: usize = 28;
/// The packet type of a call.
const CALL: u32 = 0;
/// The packet type of a reply.
const REPLY: u32 = 1;
/// The packet type of stream data.
const STREAM: u32 = 3;

struct State {
    fault: Fault,
    /// What happens to the client's packets.
    call_fault: CallFault,
    /// Calls of the procedure and stream bytes counted since `call_fault` was set.
    calls_seen: u64,
    data_seen: u64,
    /// The serial of the call whose reply is to be cut.
    cut_reply: Option<u32>,
    /// Packets forwarded since the fault was set.
    seen: u64,
    /// Connections to close when a cut happens (both ends of each).
    open: Vec<(UnixStream, UnixStream)>,
    /// Every fault that has struck so far.
    struck: u64,
    /// Whether new connections are closed at once after the first fault struck.
    refuse_after_cut: bool,
}

/// A running proxy. Connections through it end when it is dropped.
pub struct FaultProxy {
    path: PathBuf,
    state: Arc<Mutex<State>>,
    _dir: tempfile::TempDir,
}

impl FaultProxy {
    /// Listens on a new socket and forwards each connection to `upstream`.
    pub fn start(upstream: &Path) -> io::Result<FaultProxy> {
        let dir = tempfile::Builder::new().prefix("hangar-proxy-").tempdir()?;
        let path = dir.path().join("sock");
        let listener = UnixListener::bind(&path)?;
        let state = Arc::new(Mutex::new(State {
            fault: Fault::Pass,
            call_fault: CallFault::Pass,
            calls_seen: 0,
            data_seen: 0,
            cut_reply: None,
            seen: 0,
            open: Vec::new(),
            struck: 0,
            refuse_after_cut: false,
        }));
        let upstream = upstream.to_path_buf();
        let shared = state.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                {
                    let s = lock(&shared);
                    if s.refuse_after_cut && s.struck > 0 {
                        drop(client);
                        continue;
                    }
                }
                let Ok(daemon) = UnixStream::connect(&upstream) else {
                    continue;
                };
                if let Err(e) = serve(client, daemon, &shared) {
                    eprintln!("fault proxy: {e}");
                }
            }
        });
        Ok(FaultProxy {
            path,
            state,
            _dir: dir,
        })
    }

    /// The socket clients connect to.
    pub fn socket(&self) -> &Path {
        &self.path
    }

    /// Applies `fault` from the next packet on.
    pub fn set(&self, fault: Fault) {
        let mut s = lock(&self.state);
        s.fault = fault;
        s.seen = 0;
    }

    /// Applies `fault` to the client's packets from the next one on.
    pub fn set_calls(&self, fault: CallFault) {
        let mut s = lock(&self.state);
        s.call_fault = fault;
        s.calls_seen = 0;
        s.data_seen = 0;
        s.cut_reply = None;
    }

    /// Closes new connections at once from the first fault on: the daemon looks gone to a
    /// client that reconnects after a cut.
    pub fn refuse_after_cut(&self) {
        lock(&self.state).refuse_after_cut = true;
    }

    /// How many faults have struck (cuts and corruptions).
    pub fn struck(&self) -> u64 {
        lock(&self.state).struck
    }

    /// Closes every proxied connection now.
    pub fn cut_now(&self) {
        close_all(&mut lock(&self.state));
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

fn close_all(s: &mut State) {
    for (a, b) in s.open.drain(..) {
        let _ = a.shutdown(std::net::Shutdown::Both);
        let _ = b.shutdown(std::net::Shutdown::Both);
    }
}

fn serve(client: UnixStream, daemon: UnixStream, state: &Arc<Mutex<State>>) -> io::Result<()> {
    lock(state)
        .open
        .push((client.try_clone()?, daemon.try_clone()?));
    // Client → daemon: packet by packet, with the call faults.
    let (from_client, to_daemon) = (client.try_clone()?, daemon.try_clone()?);
    let calls_state = state.clone();
    std::thread::spawn(move || {
        let _ = calls(from_client, &to_daemon, &calls_state);
        let _ = to_daemon.shutdown(std::net::Shutdown::Write);
    });
    // Daemon → client: packet by packet, with the faults.
    let state = state.clone();
    std::thread::spawn(move || {
        let _ = packets(daemon, client, &state);
    });
    Ok(())
}

/// Reads one packet (its length prefix included).
fn read_packet(from: &mut UnixStream) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    from.read_exact(&mut len)?;
    let total = u32::from_be_bytes(len) as usize;
    let mut packet = len.to_vec();
    packet.resize(total.max(4), 0);
    from.read_exact(&mut packet[4..])?;
    Ok(packet)
}

/// The big-endian word at `at` of a packet's header.
fn word(packet: &[u8], at: usize) -> Option<u32> {
    let b = packet.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn calls(mut client: UnixStream, mut daemon: &UnixStream, state: &Mutex<State>) -> io::Result<()> {
    loop {
        let packet = read_packet(&mut client)?;
        let (procedure, kind) = (word(&packet, 12), word(&packet, 16));
        let mut delay = None;
        let mut cut_at = None;
        {
            let mut s = lock(state);
            match s.call_fault {
                CallFault::CutAtCall { procedure: p, nth }
                    if kind == Some(CALL) && procedure == Some(p) =>
                {
                    s.calls_seen += 1;
                    if s.calls_seen == nth {
                        cut_at = Some(0);
                    }
                }
                CallFault::CutAtReply { procedure: p, nth }
                    if kind == Some(CALL) && procedure == Some(p) =>
                {
                    s.calls_seen += 1;
                    if s.calls_seen == nth {
                        s.cut_reply = word(&packet, 20);
                        s.call_fault = CallFault::Pass;
                    }
                }
                CallFault::CutAfterData(limit) if kind == Some(STREAM) => {
                    let data = packet.len().saturating_sub(HEADER) as u64;
                    if s.data_seen + data > limit {
                        cut_at = Some(HEADER + (limit - s.data_seen) as usize);
                    } else {
                        s.data_seen += data;
                    }
                }
                CallFault::DelayCall {
                    procedure: p,
                    delay: d,
                } if kind == Some(CALL) && procedure == Some(p) => {
                    delay = Some(d);
                }
                _ => {}
            }
        }
        if let Some(bytes) = cut_at {
            daemon.write_all(&packet[..bytes.min(packet.len())])?;
            daemon.flush()?;
            let mut s = lock(state);
            s.struck += 1;
            s.call_fault = CallFault::Pass;
            close_all(&mut s);
            return Ok(());
        }
        if let Some(d) = delay {
            // The injected fault itself, not a synchronisation.
            std::thread::sleep(d);
        }
        daemon.write_all(&packet)?;
    }
}

fn packets(mut daemon: UnixStream, mut client: UnixStream, state: &Mutex<State>) -> io::Result<()> {
    loop {
        let mut packet = read_packet(&mut daemon)?;
        let fault = {
            let mut s = lock(state);
            if s.cut_reply.is_some()
                && word(&packet, 16) == Some(REPLY)
                && word(&packet, 20) == s.cut_reply
            {
                s.cut_reply = None;
                s.struck += 1;
                close_all(&mut s);
                return Ok(());
            }
            s.seen += 1;
            (s.fault, s.seen)
        };
        match fault {
            (Fault::Cut { packet: at, bytes }, seen) if seen == at => {
                client.write_all(&packet[..bytes.min(packet.len())])?;
                client.flush()?;
                let mut s = lock(state);
                s.struck += 1;
                s.fault = Fault::Pass;
                close_all(&mut s);
                return Ok(());
            }
            (Fault::Corrupt { packet: at, offset }, seen) if seen == at => {
                if let Some(b) = packet.get_mut(offset) {
                    *b = !*b;
                }
                let mut s = lock(state);
                s.struck += 1;
                s.fault = Fault::Pass;
            }
            // The injected fault itself, not a synchronisation.
            (Fault::Delay(d), _) => std::thread::sleep(d),
            _ => {}
        }
        client.write_all(&packet)?;
    }
}
