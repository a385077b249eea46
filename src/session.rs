//! The session layer: one `HostSession` per connection, publishing typed updates to the UI.

pub mod host;
pub mod model;
