//! Calls acting on one domain (virtual machine), grouped by concern.

mod block;
mod cpu;
mod devices;
mod guest;
mod jobs;
mod lifecycle;
mod memory;
mod migration;

pub use block::*;
pub use cpu::*;
pub use devices::*;
pub use guest::*;
pub use jobs::*;
pub use lifecycle::*;
pub use memory::*;
pub use migration::*;
