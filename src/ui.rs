//! Windows, pages and dialogs (Relm4 components).

pub mod a11y;
pub mod about;
pub mod add_connection;
pub mod clone;
pub mod file_chooser;
pub mod hardware;
pub mod host_window;
pub mod main_window;
pub mod migrate;
pub mod networks;
pub mod preferences;
pub mod stats;
pub mod storage;
pub mod thumbnails;
pub mod uri_title;
pub mod vm_list;
pub mod vm_window;
pub mod volume_browser;
pub mod volumes;
pub mod wizard;
pub mod xml_pane;

pub use main_window::{MainWindow, MainWindowMsg};
