//! Test harness for Hangar: a private `libvirtd` per test process and the tiny VMs tests run.
//!
//! [`Libvirtd::start`] runs a root-mode daemon in its own mount and PID namespace, with every
//! state directory bind-mounted from a temporary directory, so parallel test processes never
//! share sockets, ports, domains or state. Dropping the handle (or the test process ending, even
//! by a panic or a signal) stops the daemon and every QEMU it started.
//!
//! [`Libvirtd::shared`] gives one daemon per test process for tests that only need a daemon and
//! clean up after themselves; names from [`unique_name`] keep their domains apart.

mod daemon;
pub mod dispatched;
pub mod faults;
pub mod guest;
mod keeper;
pub mod keyring;
mod ports;
pub mod sasl;
pub mod vm;
pub mod wait;

pub use daemon::{Libvirtd, Options};

use std::sync::atomic::{AtomicU32, Ordering};

/// A name no other test process or test in this process uses: `prefix-PID-N`.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// Whether this process may start a root-mode daemon (namespaces and bind mounts need root).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}
