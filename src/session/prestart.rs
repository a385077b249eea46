//! Sessions started before the main window exists, so that each host's list loads while GTK
//! starts: the window takes a session over when it lists the connection and receives the
//! updates that arrived in the meantime.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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
    /// Set once the session has sent its first full list of VMs.
    listed: Arc<AtomicBool>,
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
    let listed = Arc::new(AtomicBool::new(false));
    let seen = listed.clone();
    relm4::spawn(host::run_with(
        uri.to_string(),
        rx,
        sampler.clone(),
        move |u| {
            let all = matches!(u, HostUpdate::AllVms(_));
            let sent = tx.send(u).is_ok();
            if all {
                seen.store(true, Ordering::Release);
            }
            sent
        },
    ));
    waiting.insert(
        uri.to_string(),
        Prestarted {
            sampler,
            requests,
            updates,
            listed,
        },
    );
}

/// Whether the session started for `uri` and not yet taken over has listed its VMs (so a
/// window that takes it now finds the whole list waiting).
pub fn has_listed(uri: &str) -> bool {
    waiting()
        .lock()
        .ok()
        .and_then(|w| w.get(uri).map(|p| p.listed.load(Ordering::Acquire)))
        .unwrap_or(false)
}

/// Takes over the session started for `uri`, if any.
pub fn take(uri: &str) -> Option<Prestarted> {
    waiting().lock().ok()?.remove(uri)
}
