//! What tells one private daemon from another on the same machine: its own VNC and migration
//! port ranges and its own host UUID.

use std::io;
use std::sync::atomic::{AtomicU32, Ordering};

/// A number no other daemon of this process got, mixed with the process id so that parallel
/// test processes land on different slots.
fn slot(modulus: u32) -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    (std::process::id().wrapping_mul(7).wrapping_add(n * 131)) % modulus
}

/// Each daemon gets its own 16 VNC ports: daemons that share a range race for the same port
/// (each checks it is free, then both QEMUs bind it). Below the ephemeral range (32768+).
pub(crate) fn display_port_range() -> (u16, u16) {
    let min = 20000 + (slot(750) as u16) * 16;
    (min, min + 15)
}

/// Each daemon gets its own 8 ports for incoming migrations (`migration_port_min`/`max`), in
/// 12000..20000, below the VNC ranges.
pub(crate) fn migration_port_range() -> (u16, u16) {
    let min = 12000 + (slot(1000) as u16) * 8;
    (min, min + 7)
}

/// A fresh random UUID from the kernel.
pub(crate) fn host_uuid() -> io::Result<String> {
    Ok(std::fs::read_to_string("/proc/sys/kernel/random/uuid")?
        .trim()
        .to_string())
}
