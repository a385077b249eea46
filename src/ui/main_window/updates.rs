//! Session updates into the main window's list: queued as they arrive and applied in slices
//! that keep the main loop responsive, with filter, order and actions brought up to date once
//! per slice rather than once per update.

use std::time::{Duration, Instant};

use relm4::prelude::*;

use super::confirm;
use super::sessions::{not_connected_text, tell_vm_windows};
use super::{MainWindow, MainWindowMsg};
use crate::i18n::{gettext, gettext_f};
use crate::session::host::{HostDetails, HostUpdate};
use crate::ui::host_window::HostPage;
use crate::ui::stats::HostStats;
use crate::ui::vm_list::{ConnectionStatus, VmChange, memory_text};

/// How long one slice of queued updates may keep the main loop: a backlog (thousands of events
/// after a burst on the host) spreads over frames instead of freezing the window.
const SLICE: Duration = Duration::from_millis(8);

/// What a run of updates left to do once, after the last of them.
#[derive(Debug, Default)]
pub(super) struct Batch {
    /// What VMs changed of what the list filters and orders by.
    moved: VmChange,
    /// Statistics arrived (the order by CPU use may have changed).
    stats: bool,
    /// Something other than statistics arrived (actions and pending windows to look at).
    changed: bool,
}

/// Queues a session's update; the list shows it in the next slice (see [`apply_pending`]).
pub fn queue(
    window: &mut MainWindow,
    uri: String,
    update: HostUpdate,
    sender: &ComponentSender<MainWindow>,
) {
    window.pending.push_back((uri, update));
    schedule(window, sender);
}

/// Asks for a slice of queued updates once the main loop has nothing more urgent (input,
/// drawing) to do, unless one is asked for already.
fn schedule(window: &mut MainWindow, sender: &ComponentSender<MainWindow>) {
    if window.slice_scheduled || window.pending.is_empty() {
        return;
    }
    window.slice_scheduled = true;
    let input = sender.input_sender().clone();
    gtk::glib::idle_add_local_full(gtk::glib::Priority::DEFAULT_IDLE, move || {
        input.emit(MainWindowMsg::ApplyPending);
        gtk::glib::ControlFlow::Break
    });
}

/// Applies queued updates for at most one [`SLICE`], then re-filters and re-sorts the list
/// once for all of them; what is left waits for the next slice.
pub fn apply_pending(window: &mut MainWindow, sender: &ComponentSender<MainWindow>) {
    window.slice_scheduled = false;
    let started = Instant::now();
    let mut batch = Batch::default();
    while let Some((uri, update)) = window.pending.pop_front() {
        apply(window, &uri, update, &mut batch, sender);
        if started.elapsed() >= SLICE {
            break;
        }
    }
    finish(window, batch, sender);
    schedule(window, sender);
}

/// Does once what a run of updates asked for.
pub(super) fn finish(window: &mut MainWindow, batch: Batch, sender: &ComponentSender<MainWindow>) {
    window.list.changed(batch.moved, batch.stats);
    if batch.changed {
        window.refresh_actions();
        show_pending(window, sender);
    }
}

/// Applies a session's update to the list; what must follow once for many updates (filter,
/// order, actions) goes into `batch` for [`finish`].
pub(super) fn apply(
    window: &mut MainWindow,
    uri: &str,
    update: HostUpdate,
    batch: &mut Batch,
    sender: &ComponentSender<MainWindow>,
) {
    let Some(conn) = window.list.connection(uri) else {
        return;
    };
    if let HostUpdate::Stats(tick) = update {
        // Every second: only numbers into series and properties, nothing else.
        if let Some(stats) = HostStats::get(uri) {
            stats.apply(&tick, Some(&conn));
        }
        batch.stats = true;
        return;
    }
    batch.changed = true;
    let connected = matches!(update, HostUpdate::Connected { .. });
    match update {
        HostUpdate::Connecting => {
            conn.set_connection_status(ConnectionStatus::Connecting, &gettext("Connecting…"));
        }
        HostUpdate::Connected {
            details,
            connection,
        } => {
            let mut text = if details.hostname.is_empty() {
                gettext("Connected")
            } else {
                gettext_f("Connected to {}", &[&details.hostname])
            };
            if connection.is_server_unverified() {
                // no_verify=1: say so wherever the connection shows.
                text = gettext_f(
                    "{} — not secure: the host's certificate is not checked",
                    &[&text],
                );
            }
            conn.set_details(details_text(&details));
            conn.set_connection_status(ConnectionStatus::Connected, &text);
            tell_vm_windows(window, uri, Some(&connection));
            window.connections.insert(uri.to_string(), connection);
        }
        HostUpdate::Reconnecting {
            reason,
            detail,
            retry_in,
        } => {
            if window.connections.remove(uri).is_some() {
                tell_vm_windows(window, uri, None);
            }
            // A time of day, not a countdown: nothing on screen changes until the next attempt.
            let at = gtk::glib::DateTime::now_local()
                .and_then(|now| now.add_seconds(retry_in.as_secs_f64()))
                .and_then(|t| t.format("%X"))
                .map(|t| t.to_string())
                .unwrap_or_default();
            let text = gettext_f(
                "Not connected: {} Next attempt at {}.",
                &[&sentence(&reason), &at],
            );
            conn.set_details(detail.unwrap_or_default());
            conn.set_connection_status(ConnectionStatus::Reconnecting, &text);
        }
        HostUpdate::Failed(message) => {
            if window.connections.remove(uri).is_some() {
                tell_vm_windows(window, uri, None);
            }
            conn.clear_vms();
            conn.set_connection_status(ConnectionStatus::Failed, &message);
        }
        HostUpdate::Disconnected => {
            if window.connections.remove(uri).is_some() {
                tell_vm_windows(window, uri, None);
            }
            conn.clear_vms();
            conn.set_connection_status(ConnectionStatus::Disconnected, &not_connected_text());
        }
        HostUpdate::AllVms(vms) => {
            crate::startup::mark("list-received");
            // The splice filters and sorts the new rows: no refilter of the whole list.
            conn.set_vms(&vms);
            let n = vms.len();
            conn.when_adopted(move || crate::startup::list_applied(n));
        }
        HostUpdate::Vm(vm) => batch.moved |= conn.upsert_vm(&vm),
        HostUpdate::VmRemoved(uuid) => conn.remove_vm(&uuid),
        HostUpdate::Busy { uuid, busy } => {
            if let Some(vm) = conn.vm(&uuid) {
                vm.set_busy(busy);
            }
        }
        HostUpdate::AskCredential(ask) => {
            confirm::ask_credential(&window.window, uri, ask);
        }
        HostUpdate::ActionFailed { name, message } => {
            // A session that is not connected knows the VM by its UUID only.
            let name = conn.vm(&name).map(|vm| vm.name()).unwrap_or(name);
            window.show_error(&gettext_f("{}: {}", &[&name, &message]));
        }
        HostUpdate::Stats(_) => {}
    }
    if connected
        && (window.pending_host_summary
            || window.pending_host_storage
            || window.pending_host_networks)
        && window.connection_uris().first().map(String::as_str) == Some(uri)
    {
        let page = if window.pending_host_networks {
            HostPage::Networks
        } else if window.pending_host_storage {
            HostPage::Storage
        } else {
            HostPage::Overview
        };
        window.pending_host_summary = false;
        window.pending_host_storage = false;
        window.pending_host_networks = false;
        window.open_host_page(uri, page);
    }
    if connected
        && window.pending_creator
        && window.connection_uris().first().map(String::as_str) == Some(uri)
    {
        window.pending_creator = false;
        window.open_wizard_on(Some(uri.to_owned()), sender);
    }
}

/// Opens the VM asked for on the command line once a connection lists it.
fn show_pending(window: &mut MainWindow, sender: &ComponentSender<MainWindow>) {
    let Some((page, wanted)) = window.pending_show.clone() else {
        return;
    };
    let found = window.list.connections().iter().find_map(|c| {
        c.flush_pending();
        c.listed_vms()
            .into_iter()
            .find(|vm| vm.name() == wanted || vm.uuid() == wanted)
    });
    if let Some(vm) = found {
        window.pending_show = None;
        window.list.select_vm(&vm);
        window.open_vm_window(&vm, page, sender);
    }
}

/// The host's details, one per line, for the connection row's tooltip.
fn details_text(d: &HostDetails) -> String {
    [
        gettext_f("Host: {}", &[&d.hostname]),
        gettext_f("Hypervisor: {} {}", &[&d.hypervisor, &d.hypervisor_version]),
        gettext_f("libvirt: {}", &[&d.libvirt_version]),
        gettext_f("CPUs: {} × {}", &[&d.cpus.to_string(), &d.cpu_model]),
        gettext_f("Memory: {}", &[&memory_text(d.memory_kib)]),
    ]
    .join("\n")
}

/// `text` as a sentence: with a full stop at its end.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?', ')']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}
