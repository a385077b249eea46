//! The storage page of the host window: a connection's storage pools and their volumes.
//!
//! [`page`] is the Relm4 component, [`rows`] the list rows, [`forms`] its controls and layout,
//! [`ops`] the libvirt work it runs on tokio.

pub mod forms;
pub mod ops;
pub mod page;
pub mod rows;

pub use page::{Question, StoragePage, StoragePageInit, StoragePageMsg, StoragePageOutput};
