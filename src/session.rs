//! The session layer: one `HostSession` per connection, publishing typed updates to the UI,
//! and the statistics history it keeps between calls.

pub mod errors;
pub mod host;
pub mod keyring;
pub mod media;
pub mod model;
pub mod prestart;
mod prompt;
pub mod sampler;
pub mod series;
