//! `HostSession`: one per connection. Owns the client, follows domain events, carries out
//! lifecycle actions, and reconnects with back-off when the connection drops.
//!
//! It runs on tokio (started from a relm4 command) and reports to the UI through a callback
//! of [`HostUpdate`]s; the UI talks to it with [`HostRequest`]s over a channel.

mod actions;
mod events;
mod listing;

use std::time::Duration;

use tokio::sync::mpsc;
use virt_client::Connection;

use super::model::{VmAction, VmSummary};
use super::sampler::{self, SamplerHandle};
use events::{Served, serve};

pub use actions::disk_paths;
pub use listing::{HostDetails, list_vms};

/// What the UI learns from a session.
#[derive(Debug, Clone)]
pub enum HostUpdate {
    /// Opening the connection.
    Connecting,
    /// Connected; the VM list has been sent.
    Connected {
        /// What the host is.
        details: HostDetails,
        /// The connection, for views that talk to the host themselves (consoles, editors).
        connection: Connection,
    },
    /// The connection dropped or could not be opened; trying again in `retry_in`.
    Reconnecting {
        /// Why the connection is gone, in a sentence.
        reason: String,
        /// The client's own words for it, where they add something.
        detail: Option<String>,
        /// When the next attempt starts.
        retry_in: Duration,
    },
    /// Opening failed in a way retrying will not fix (bad URI, no such driver).
    Failed(String),
    /// The user disconnected.
    Disconnected,
    /// Every VM on the host, replacing what was shown.
    AllVms(Vec<VmSummary>),
    /// One VM appeared or changed.
    Vm(VmSummary),
    /// The VM with this UUID is gone.
    VmRemoved(String),
    /// Work on a VM started (`true`) or ended (`false`).
    Busy {
        /// The VM's UUID.
        uuid: String,
        /// Whether work is in flight.
        busy: bool,
    },
    /// The host asks for a user name, password or passphrase; answer through the request.
    AskCredential(CredentialAsk),
    /// An action failed; the message is libvirt's.
    ActionFailed {
        /// The VM's name.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// A statistics tick from the sampler (see [`super::sampler`]).
    Stats(std::sync::Arc<super::sampler::StatsTick>),
}

pub use super::prompt::CredentialAsk;
use super::prompt::UiPrompt;

/// What the UI asks of a session.
#[derive(Debug, Clone)]
pub enum HostRequest {
    /// Do `action` to the VM with this UUID.
    Act {
        /// The VM's UUID.
        uuid: String,
        /// What to do.
        action: VmAction,
    },
    /// Try to connect now: ends the wait before the next attempt, or retries after a failure
    /// that retrying alone would not fix (the user changed something). Ignored while connected.
    Retry,
    /// Close the connection and stop.
    Disconnect,
}

/// Back-off between reconnect attempts: 1 s, 2 s, 4 s … up to 30 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_secs(1u64 << attempt.min(5)).min(Duration::from_secs(30))
}

/// Runs the session for `uri` until the user disconnects or `report` says the UI is gone.
pub async fn run(
    uri: String,
    requests: mpsc::UnboundedReceiver<HostRequest>,
    report: impl Fn(HostUpdate) -> bool + Send + Sync + Clone + 'static,
) {
    run_with(uri, requests, SamplerHandle::new(), report).await;
}

/// Like [`run`], with a statistics sampler that reports [`HostUpdate::Stats`] while `sampler`
/// has subscribers (across reconnects).
pub async fn run_with(
    uri: String,
    mut requests: mpsc::UnboundedReceiver<HostRequest>,
    sampler: SamplerHandle,
    report: impl Fn(HostUpdate) -> bool + Send + Sync + Clone + 'static,
) {
    let mut attempt = 0u32;
    let (target, read_only) = split_read_only(&uri);
    let ui_prompt =
        std::sync::Arc::new(UiPrompt::new(std::sync::Arc::new(report.clone()), &target));
    let prompt: std::sync::Arc<dyn virt_client::CredentialPrompt> = ui_prompt.clone();
    loop {
        if !report(HostUpdate::Connecting) {
            return;
        }
        let mut options = virt_client::ConnectOptions::new()
            .read_only(read_only)
            .with_credentials(prompt.clone());
        // ssh asks for passwords and passphrases through this binary (or the one named in
        // HANGAR_ASKPASS), which forwards the question to the running app.
        let askpass = std::env::var_os("HANGAR_ASKPASS")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::current_exe().ok());
        if let Some(exe) = askpass {
            options = options.askpass_program(exe);
        }
        let opened = Connection::open_with(&target, options).await;
        ui_prompt.finish(opened.as_ref().map(|_| ())).await;
        let (reason, detail) = match opened {
            Ok(conn) => {
                crate::startup::mark("connection-opened");
                attempt = 0;
                let stats = {
                    let report = report.clone();
                    tokio::spawn(sampler::run(conn.clone(), sampler.clone(), move |tick| {
                        report(HostUpdate::Stats(std::sync::Arc::new(tick)))
                    }))
                };
                let served = serve(&conn, &mut requests, &report).await;
                stats.abort();
                match served {
                    Served::Stop => {
                        let _ = conn.close().await;
                        report(HostUpdate::Disconnected);
                        return;
                    }
                    Served::Lost(reason) => (reason, None),
                }
            }
            Err(e) if super::errors::is_permanent(&e) => {
                report(HostUpdate::Failed(super::errors::describe_for(&target, &e)));
                // Wait for the user to retry or remove the connection.
                match wait_for_user(&mut requests, None, &report).await {
                    Waited::Retry => {
                        attempt = 0;
                        continue;
                    }
                    Waited::Stop => return,
                }
            }
            Err(e) => super::errors::explain_for(&target, &e),
        };
        let retry_in = backoff(attempt);
        attempt += 1;
        let update = HostUpdate::Reconnecting {
            reason,
            detail,
            retry_in,
        };
        if !report(update) {
            return;
        }
        match wait_for_user(&mut requests, Some(retry_in), &report).await {
            Waited::Retry => {}
            Waited::Stop => return,
        }
    }
}

/// How a wait while not connected ended.
enum Waited {
    /// Time to connect again (the pause ran out, or the user asked).
    Retry,
    /// The user disconnected, or the UI is gone.
    Stop,
}

/// Waits for `pause` (for ever when `None`) or the user's retry. Actions asked for meanwhile
/// fail at once and say why, rather than vanish.
async fn wait_for_user(
    requests: &mut mpsc::UnboundedReceiver<HostRequest>,
    pause: Option<Duration>,
    report: &impl Fn(HostUpdate) -> bool,
) -> Waited {
    let sleep = async {
        match pause {
            Some(pause) => tokio::time::sleep(pause).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            () = &mut sleep => return Waited::Retry,
            req = requests.recv() => match req {
                None | Some(HostRequest::Disconnect) => {
                    report(HostUpdate::Disconnected);
                    return Waited::Stop;
                }
                Some(HostRequest::Retry) => return Waited::Retry,
                Some(HostRequest::Act { uuid, .. }) => {
                    let failed = HostUpdate::ActionFailed {
                        name: uuid,
                        message: crate::i18n::gettext(
                            "The connection to its host is not open; nothing was done.",
                        ),
                    };
                    if !report(failed) {
                        return Waited::Stop;
                    }
                }
            },
        }
    }
}

/// Hangar marks read-only connections with `readonly=1` in the saved URI; libvirt's URIs have
/// no such parameter, so it is taken out before connecting.
pub fn split_read_only(uri: &str) -> (String, bool) {
    let Some((base, query)) = uri.split_once('?') else {
        return (uri.to_string(), false);
    };
    let mut read_only = false;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|p| {
            let ro = matches!(*p, "readonly=1" | "readonly");
            read_only |= ro;
            !ro && !p.is_empty()
        })
        .collect();
    if rest.is_empty() {
        (base.to_string(), read_only)
    } else {
        (format!("{base}?{}", rest.join("&")), read_only)
    }
}

#[cfg(test)]
mod tests {
    use super::{backoff, split_read_only};

    #[test]
    fn read_only_marker_is_taken_out() {
        assert_eq!(
            split_read_only("qemu:///system"),
            ("qemu:///system".into(), false)
        );
        assert_eq!(
            split_read_only("qemu:///system?readonly=1"),
            ("qemu:///system".into(), true)
        );
        assert_eq!(
            split_read_only("qemu+unix:///system?socket=/s&readonly=1"),
            ("qemu+unix:///system?socket=/s".into(), true)
        );
    }
    use std::time::Duration;

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(4), Duration::from_secs(16));
        assert_eq!(backoff(5), Duration::from_secs(30));
        assert_eq!(backoff(40), Duration::from_secs(30));
    }
}
