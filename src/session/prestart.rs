//! Sessions started before the main window exists, so that each host's list loads while GTK
//! starts: the window takes a session over when it lists the connection and receives the
//! updates that arrived in the meantime.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::mpsc;

use super::host::{self, HostRequest, HostUpdate};
use super::sampler::SamplerHandle;

/// A running session that no window has taken over yet.
#[derive(Debug)]
pub struct Prestarted {
    /// The sampler the session feeds (its subscribers decide what it reads).
    pub sampler: SamplerHandle,
    /// Requests to the session.
    pub requests: mpsc::UnboundedSender<HostRequest>,
    /// The session's updates, from its start on.
    pub updates: mpsc::UnboundedReceiver<HostUpdate>,
}

fn waiting() -> &'static Mutex<HashMap<String, Prestarted>> {
    static WAITING: std::sync::OnceLock<Mutex<HashMap<String, Prestarted>>> =
        std::sync::OnceLock::new();
    WAITING.get_or_init(Mutex::default)
}

/// Starts the session of `uri` now, on the application's async runtime.
pub fn start(uri: &str) {
    let Ok(mut waiting) = waiting().lock() else {
        return;
    };
    if waiting.contains_key(uri) {
        return;
    }
    let sampler = SamplerHandle::new();
    let (requests, rx) = mpsc::unbounded_channel();
    let (tx, updates) = mpsc::unbounded_channel();
    relm4::spawn(host::run_with(
        uri.to_string(),
        rx,
        sampler.clone(),
        move |u| tx.send(u).is_ok(),
    ));
    waiting.insert(
        uri.to_string(),
        Prestarted {
            sampler,
            requests,
            updates,
        },
    );
}

/// Takes over the session started for `uri`, if any.
pub fn take(uri: &str) -> Option<Prestarted> {
    waiting().lock().ok()?.remove(uri)
}
