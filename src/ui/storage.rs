//! The storage page of the host window: a connection's storage pools and their volumes.
//!
//! [`page`] is the Relm4 component, [`rows`] the list rows, [`forms`] its controls and
//! layout, [`pool_form`] the new-pool form, [`words`] its error line and questions. [`ops`] is
//! the libvirt work it runs on tokio, [`transfer`] uploads and downloads, [`copy`] wiping and
//! cloning; [`volume_tools`] and [`activity`] are their controls and progress.

pub mod activity;
pub mod copy;
pub mod forms;
pub mod ops;
pub mod page;
pub mod pool_form;
pub mod rows;
pub mod transfer;
pub mod volume_tools;
pub mod words;

pub use page::{Question, StoragePage, StoragePageInit, StoragePageMsg, StoragePageOutput};
