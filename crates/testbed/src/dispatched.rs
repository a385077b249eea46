//! Counting the calls a daemon dispatched, from its debug log of the RPC server program.
//!
//! What a client did is not always visible from outside (a callback registered for events, a
//! stats call made on a tick); the daemon logs every call it dispatches once asked to, through
//! its admin socket. Tests wait on these counts instead of sleeping.

use std::io;
use std::path::PathBuf;
use std::process::Command;

use crate::Libvirtd;

/// `REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY`.
pub const EVENT_REGISTER: u32 = 316;
/// `REMOTE_PROC_DOMAIN_OPEN_CONSOLE`.
pub const OPEN_CONSOLE: u32 = 201;
/// `REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS`.
pub const ALL_DOMAIN_STATS: u32 = 344;

/// A daemon's log of dispatched calls.
#[derive(Debug, Clone)]
pub struct Dispatched {
    log: PathBuf,
}

impl Dispatched {
    /// Turns on `d`'s debug log of dispatched calls, keeping its usual log; calling it again
    /// for the same daemon is harmless.
    pub fn enable(d: &Libvirtd) -> io::Result<Dispatched> {
        let log = d.dir().join("rpc-debug.log");
        let admin = format!(
            "libvirtd:///system?socket={}",
            d.dir().join("sock/libvirt-admin-sock").display()
        );
        let outputs = format!(
            "3:file:{} 1:file:{}",
            d.dir().join("libvirtd.log").display(),
            log.display()
        );
        for args in [
            ["daemon-log-filters", "1:rpc.netserverprogram"],
            ["daemon-log-outputs", outputs.as_str()],
        ] {
            let out = Command::new("virt-admin")
                .args(["-c", &admin])
                .args(args)
                .output()?;
            if !out.status.success() {
                return Err(io::Error::other(format!(
                    "virt-admin {args:?}: {}",
                    String::from_utf8_lossy(&out.stderr)
                )));
            }
        }
        Ok(Dispatched { log })
    }

    /// How many calls of remote procedure `proc_` the daemon dispatched since [`enable`].
    ///
    /// [`enable`]: Dispatched::enable
    pub fn count(&self, proc_: u32) -> usize {
        let tail = format!(" proc={proc_}");
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("virNetServerProgramDispatch:") && l.ends_with(&tail))
            .count()
    }

    /// The calls among procedures `procs` the daemon dispatched since [`enable`], in order.
    ///
    /// [`enable`]: Dispatched::enable
    pub fn sequence(&self, procs: &[u32]) -> Vec<u32> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("virNetServerProgramDispatch:"))
            .filter_map(|l| l.rsplit_once(" proc=")?.1.parse().ok())
            .filter(|p| procs.contains(p))
            .collect()
    }
}
