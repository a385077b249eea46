//! The session layer: one `HostSession` per connection, publishing typed updates to the UI,
//! and the statistics history it keeps between calls.

pub mod host;
pub mod model;
pub mod prestart;
pub mod sampler;
pub mod series;
