//! The SPICE agent played from the Linux test guest's serial shell, for tests of what goes
//! through QEMU's SPICE server and spice-client-glib to a guest agent: the guest (built with
//! virtio_console) opens a virtio port, copies what arrives into a file and writes messages with
//! `printf`; the test reads that file with `od`.

use std::fmt::Write as _;
use std::io::Write as _;

use super::guest::{open_serial, read_serial};
use super::wait_until;

/// Agent message types (`VD_AGENT_*`) the tests use.
pub const MOUSE_STATE: u32 = 1;
pub const MONITORS_CONFIG: u32 = 2;
pub const ANNOUNCE_CAPABILITIES: u32 = 6;
/// The capabilities the scripted agent announces: mouse state, monitors config, reply,
/// clipboard by demand, clipboard selection (so clipboard messages start with a 4-byte
/// selection header).
pub const CAPS: u32 = 1 | (1 << 1) | (1 << 2) | (1 << 5) | (1 << 6);

/// The agent played from the guest's serial shell.
pub struct Agent {
    serial: std::fs::File,
    out: String,
    commands: u32,
    /// What the guest read from the agent's port so far.
    bytes: Vec<u8>,
}

impl Agent {
    /// The serial shell of running VM `name`, once it prompts (the agent not started yet).
    pub fn boot(name: &str) -> Agent {
        let mut agent = Agent {
            serial: open_serial(name),
            out: String::new(),
            commands: 0,
            bytes: Vec::new(),
        };
        assert!(
            wait_until(120, || {
                read_serial(&mut agent.serial, &mut agent.out);
                agent.out.contains("guest# ")
            }),
            "the guest did not come up: {:?}",
            agent.out
        );
        agent
    }

    /// Starts the agent: its port (`com.redhat.spice.0`) opened (the server tells the client
    /// an agent is there) and copied into `/tmp/in`, its capabilities ([`CAPS`]) announced, the
    /// client's answer received.
    pub fn begin(&mut self) {
        self.open_port("com.redhat.spice.0", 3, "/tmp/in");
        self.send(ANNOUNCE_CAPABILITIES, &caps_message());
        self.wait_for(0, ANNOUNCE_CAPABILITIES, |_| true);
    }

    /// Runs `cmd` in the guest's shell and returns what it printed.
    pub fn run(&mut self, cmd: &str) -> String {
        self.commands += 1;
        let n = self.commands;
        // The markers as printed differ from the command as echoed.
        let line = format!("echo B-$(({n}*1)); {cmd}; echo E-$(({n}*1))\n");
        let mut rest = line.as_bytes();
        while !rest.is_empty() {
            match self.serial.write(rest) {
                Ok(k) => rest = &rest[k..],
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                Err(e) => panic!("cannot write to the guest's serial port: {e}"),
            }
        }
        let (begin, end) = (format!("B-{n}\r\n"), format!("E-{n}\r\n"));
        let done = wait_until(60, || {
            read_serial(&mut self.serial, &mut self.out);
            self.out.contains(&end)
        });
        assert!(done, "the guest did not run {cmd:?}: {:?}", self.out);
        let from = self.out.find(&begin).map_or(0, |i| i + begin.len());
        let to = self.out.find(&end).unwrap_or(self.out.len());
        let printed = self.out[from..to].to_string();
        self.out.drain(..to + end.len());
        printed
    }

    /// Writes `bytes` to the guest's file descriptor `fd` (an open port).
    pub fn write(&mut self, fd: u8, bytes: &[u8]) {
        let mut escaped = String::new();
        for b in bytes {
            write!(escaped, "\\{b:03o}").unwrap();
        }
        self.run(&format!("printf '{escaped}' >&{fd}"));
    }

    /// The bytes of the guest's file `path` from offset `from` on.
    pub fn read(&mut self, path: &str, from: usize) -> Vec<u8> {
        let hex = self.run(&format!("tail -c +{} {path} | od -An -v -tx1", from + 1));
        hex.split_whitespace()
            .filter(|t| t.len() == 2)
            .filter_map(|t| u8::from_str_radix(t, 16).ok())
            .collect()
    }

    /// Opens the virtio port named `name` on file descriptor `fd` and copies what arrives on
    /// it into `file`.
    pub fn open_port(&mut self, name: &str, fd: u8, file: &str) {
        let port = self.run(&format!(
            "for p in /sys/class/virtio-ports/*; do \
             [ \"$(cat $p/name)\" = {name} ] && echo /dev/${{p##*/}}; done"
        ));
        let port = port.trim().to_string();
        assert!(port.starts_with("/dev/vport"), "no port {name}: {port:?}");
        self.run(&format!(
            "exec {fd}<>{port}; cat <&{fd} >{file} & echo $! >{file}.pid"
        ));
    }

    /// Writes one agent message (a chunk for the client's port) to the agent's port.
    pub fn send(&mut self, kind: u32, data: &[u8]) {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&1u32.to_le_bytes()); // VDP_CLIENT_PORT
        bytes.extend_from_slice(&(20 + data.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes()); // VD_AGENT_PROTOCOL
        bytes.extend_from_slice(&kind.to_le_bytes());
        bytes.extend_from_slice(&0u64.to_le_bytes());
        bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
        bytes.extend_from_slice(data);
        self.write(3, &bytes);
    }

    /// Every message the client sent the agent so far: (type, data).
    pub fn received(&mut self) -> Vec<(u32, Vec<u8>)> {
        let new = self.read("/tmp/in", self.bytes.len());
        self.bytes.extend(new);
        messages(&self.bytes)
    }

    /// Waits until a message of `kind` for which `want` holds has arrived after the first
    /// `seen` messages; returns its data.
    pub fn wait_for(&mut self, seen: usize, kind: u32, want: impl Fn(&[u8]) -> bool) -> Vec<u8> {
        let mut found = None;
        let mut all = Vec::new();
        let arrived = wait_until(30, || {
            all = self.received();
            found = all
                .iter()
                .skip(seen)
                .find(|(k, d)| *k == kind && want(d))
                .map(|(_, d)| d.clone());
            found.is_some()
        });
        assert!(
            arrived,
            "no message of type {kind} came; got {:?}",
            all.iter().map(|(k, d)| (k, d.len())).collect::<Vec<_>>()
        );
        found.unwrap()
    }
}

/// An announcement of the capabilities [`CAPS`], asking for the client's.
pub fn caps_message() -> Vec<u8> {
    [1u32.to_le_bytes(), CAPS.to_le_bytes()].concat()
}

/// The agent messages in the byte stream of chunks the guest read (messages may span chunks).
pub fn messages(bytes: &[u8]) -> Vec<(u32, Vec<u8>)> {
    let word = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let mut payload = Vec::new();
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let size = word(bytes, at + 4) as usize;
        let Some(chunk) = bytes.get(at + 8..at + 8 + size) else {
            break;
        };
        payload.extend_from_slice(chunk);
        at += 8 + size;
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at + 20 <= payload.len() {
        let (kind, size) = (word(&payload, at + 4), word(&payload, at + 16) as usize);
        let Some(data) = payload.get(at + 20..at + 20 + size) else {
            break;
        };
        out.push((kind, data.to_vec()));
        at += 20 + size;
    }
    out
}

/// A little-endian word of `data` at `at`.
pub fn word(data: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(data[at..at + 4].try_into().unwrap())
}
