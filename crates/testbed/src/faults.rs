//! A fault-injecting proxy between a client and a real daemon's unix socket: it forwards
//! everything until told to cut the connection, cut a reply midway, corrupt a byte of a reply,
//! or delay replies, counting the daemon's packets from the moment it is told.
//!
//! The daemon → client direction is read packet by packet (libvirt's 4-byte length prefix), so
//! faults land at chosen packets and offsets: "the third packet from now, after 10 of its bytes"
//! is the middle of a reply, an event or a stream chunk.

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

struct State {
    fault: Fault,
    /// Packets forwarded since the fault was set.
    seen: u64,
    /// Connections to close when a cut happens (both ends of each).
    open: Vec<(UnixStream, UnixStream)>,
    /// Every fault that has struck so far.
    struck: u64,
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
            seen: 0,
            open: Vec::new(),
            struck: 0,
        }));
        let upstream = upstream.to_path_buf();
        let shared = state.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
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
    // Client → daemon: plain copy.
    let (mut from_client, mut to_daemon) = (client.try_clone()?, daemon.try_clone()?);
    std::thread::spawn(move || {
        let _ = io::copy(&mut from_client, &mut to_daemon);
        let _ = to_daemon.shutdown(std::net::Shutdown::Write);
    });
    // Daemon → client: packet by packet, with the faults.
    let state = state.clone();
    std::thread::spawn(move || {
        let _ = packets(daemon, client, &state);
    });
    Ok(())
}

fn packets(mut daemon: UnixStream, mut client: UnixStream, state: &Mutex<State>) -> io::Result<()> {
    loop {
        let mut len = [0u8; 4];
        daemon.read_exact(&mut len)?;
        let total = u32::from_be_bytes(len) as usize;
        let mut packet = len.to_vec();
        packet.resize(total.max(4), 0);
        daemon.read_exact(&mut packet[4..])?;
        let fault = {
            let mut s = lock(state);
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
