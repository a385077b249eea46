//! Storage pools and volumes.

mod pool;
mod vol;

pub use pool::*;
pub use vol::*;
