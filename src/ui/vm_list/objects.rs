//! GObjects behind the VM list: one per connection (a tree node, [`connection`]) and one per
//! VM (a leaf, [`vm`]).

mod connection;
mod vm;

pub use connection::{ConnectionObject, ConnectionStatus};
pub use vm::{VmChange, VmObject};
