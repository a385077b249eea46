//! What Hangar keeps about a connected host between protocol calls: statistics history.

pub mod series;
