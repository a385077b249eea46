//! The main window's side of each connection's `HostSession`: starting and stopping sessions
//! and sending them the user's actions (their updates go to the list in `updates`).

use gtk::prelude::*;
use relm4::prelude::*;
use tokio::sync::mpsc;

use super::actions::VmVerb;
use super::confirm;
use super::saved::{PathPrompt, ask_path, default_save_path};
use super::updates::{self, Batch};
use super::{MainWindow, MainWindowCmd, MainWindowMsg};
use crate::i18n::{gettext, gettext_f};
use crate::session::host::{self, HostRequest};
use crate::session::model::VmAction;
use crate::session::prestart;
use crate::session::sampler::{SamplerHandle, Want};
use crate::ui::stats::HostStats;
use crate::ui::vm_list::{ConnectionStatus, VmList};
use crate::ui::vm_window::{VmPage, VmWindowMsg};

/// Connects the list's signals (selection, activation, right-click) to the window.
pub fn wire_list(list: &VmList, sender: &ComponentSender<MainWindow>) {
    let s = sender.clone();
    list.selection().connect_selection_changed(move |_, _, _| {
        s.input(MainWindowMsg::SelectionChanged);
    });
    let s = sender.clone();
    list.widget().connect_activate(move |_, position| {
        s.input(MainWindowMsg::Activate(position));
    });
    let click = gtk::GestureClick::new();
    click.set_button(gtk::gdk::BUTTON_SECONDARY);
    let s = sender.clone();
    click.connect_pressed(move |gesture, _, x, y| {
        gesture.set_state(gtk::EventSequenceState::Claimed);
        s.input(MainWindowMsg::ContextMenu(x, y));
    });
    list.widget().add_controller(click);
}

/// Lists the connection to `uri` (if new) and starts its session, or takes over the one
/// started for it before the window existed.
pub fn open(window: &mut MainWindow, uri: &str, sender: &ComponentSender<MainWindow>) {
    if window.sessions.contains_key(uri) {
        return;
    }
    window
        .list
        .add_connection(uri, &super::connection_title(uri));
    let tag = uri.to_string();
    if let Some(early) = prestart::take(uri) {
        window.sessions.insert(uri.to_string(), early.requests);
        stats_for(window, uri, Some(early.sampler));
        // What already arrived goes into the list now, before the window's first frame.
        let mut updates = early.updates;
        let mut batch = Batch::default();
        while let Ok(update) = updates.try_recv() {
            updates::apply(window, uri, update, &mut batch, sender);
        }
        updates::finish(window, batch, sender);
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    while let Some(update) = updates.recv().await {
                        if out.send(MainWindowCmd::Host(tag.clone(), update)).is_err() {
                            break;
                        }
                    }
                })
                .drop_on_shutdown()
        });
        return;
    }
    let (tx, rx) = mpsc::unbounded_channel();
    window.sessions.insert(uri.to_string(), tx);
    let stats = stats_for(window, uri, None);
    let sampler = stats.sampler().clone();
    let uri = uri.to_string();
    sender.command(move |out, shutdown| {
        shutdown
            .register(async move {
                host::run_with(uri, rx, sampler, move |update| {
                    out.send(MainWindowCmd::Host(tag.clone(), update)).is_ok()
                })
                .await;
            })
            .drop_on_shutdown()
    });
}

/// Lists the connection to `uri` (if new) without opening it: the user connects from its row.
pub fn list_closed(window: &MainWindow, uri: &str) {
    let conn = window
        .list
        .add_connection(uri, &super::connection_title(uri));
    if conn.connection_status() == ConnectionStatus::Disconnected {
        conn.set_connection_status(ConnectionStatus::Disconnected, &not_connected_text());
    }
}

pub(super) fn not_connected_text() -> String {
    gettext("Not connected")
}

/// Connects now: opens the session of `uri`, or tells a waiting one to try at once.
pub fn connect_now(window: &mut MainWindow, uri: &str, sender: &ComponentSender<MainWindow>) {
    match window.sessions.get(uri) {
        Some(tx) => {
            if tx.send(HostRequest::Retry).is_err() {
                window.sessions.remove(uri);
                open(window, uri, sender);
            }
        }
        None => open(window, uri, sender),
    }
}

/// Stops the session of `uri`; its row stays until removed.
pub fn close(window: &mut MainWindow, uri: &str) {
    if let Some(tx) = window.sessions.remove(uri) {
        let _ = tx.send(HostRequest::Disconnect);
    }
    // What the closed session said but the list has not shown yet is stale now.
    window.pending.retain(|(u, _)| u != uri);
    window.connections.remove(uri);
    tell_vm_windows(window, uri, None);
    if let Some(conn) = window.list.connection(uri) {
        conn.clear_vms();
        conn.set_connection_status(ConnectionStatus::Disconnected, &not_connected_text());
    }
    window.refresh_actions();
}

/// Gives the VM windows and thumbnails of `uri` the connection, or tells them it is gone.
pub(super) fn tell_vm_windows(
    window: &mut MainWindow,
    uri: &str,
    connection: Option<&virt_client::Connection>,
) {
    for w in window.vm_windows.values() {
        if w.model().connection_uri() == uri {
            w.emit(VmWindowMsg::Connection(connection.cloned()));
        }
    }
    if let Some(w) = window.host_windows.get_mut(uri) {
        w.set_client(connection.cloned());
    }
    crate::ui::thumbnails::set_connection(uri, connection);
}

/// The statistics of `uri` for this window: kept across reconnects, made anew (on `sampler`
/// when given) for a window that did not have them yet. The list subscribes while it is on
/// screen.
fn stats_for(window: &MainWindow, uri: &str, sampler: Option<SamplerHandle>) -> HostStats {
    let list = window.list.widget();
    if let Some(stats) = HostStats::get(uri).filter(|s| s.owned_by(list)) {
        return stats;
    }
    let stats = match sampler {
        Some(sampler) => HostStats::open_with(uri, sampler),
        None => HostStats::open(uri),
    };
    stats.set_owner(list);
    stats.subscribe_while_mapped(list, Want::Domains);
    if let Some(settings) = &window.settings {
        stats.sampler().set_interval(settings.stats_interval());
    }
    stats
}

/// Carries out `verb` on the selected VMs, asking first where it destroys something.
pub fn verb(window: &mut MainWindow, verb: VmVerb, sender: &ComponentSender<MainWindow>) {
    let selected = window.list.selected_vms();
    let applicable: Vec<_> = selected
        .into_iter()
        .filter(|vm| verb.applies_to(vm))
        .collect();
    if applicable.is_empty() {
        return;
    }
    let targets: Vec<(String, String)> = applicable
        .iter()
        .map(|vm| (vm.connection_uri(), vm.uuid()))
        .collect();
    let names: Vec<String> = applicable.iter().map(|vm| vm.name()).collect();
    let action = match verb {
        VmVerb::Open => {
            for vm in &applicable {
                window.open_vm_window(vm, VmPage::Overview, sender);
            }
            return;
        }
        VmVerb::Rename => {
            let s = sender.clone();
            confirm::ask_rename(&window.window, &names[0], move |new_name| {
                s.input(MainWindowMsg::Act(
                    VmAction::Rename(new_name),
                    targets.clone(),
                ));
            });
            return;
        }
        VmVerb::Migrate => {
            window.open_migrate(&applicable[0], None, sender);
            return;
        }
        VmVerb::Clone => {
            window.open_clone(&applicable[0], sender);
            return;
        }
        VmVerb::SaveToFile | VmVerb::RestoreFromFile => {
            let (prompt, make): (_, fn(String) -> VmAction) = if verb == VmVerb::SaveToFile {
                (PathPrompt::Save, VmAction::SaveToFile)
            } else {
                (PathPrompt::Restore, VmAction::RestoreFromFile)
            };
            let path = default_save_path(&targets[0].0, &names[0]);
            let s = sender.clone();
            ask_path(&window.window, prompt, &names[0], &path, move |path| {
                s.input(MainWindowMsg::Act(make(path), targets.clone()));
            });
            return;
        }
        VmVerb::Autostart => VmAction::SetAutostart(!applicable.iter().all(|vm| vm.autostart())),
        VmVerb::Delete if !asks(window, &VmAction::Delete { storage: vec![] }) => {
            // Without the question, the disks are kept.
            act(window, VmAction::Delete { storage: vec![] }, targets);
            return;
        }
        VmVerb::Delete => {
            plan_delete(window, targets, names, sender);
            return;
        }
        other => match other.simple_action() {
            Some(a) => a,
            None => return,
        },
    };
    match confirm::confirmation_for(&action, &names).filter(|_| asks(window, &action)) {
        Some(question) => {
            let s = sender.clone();
            let action_for_dialog = action.clone();
            confirm::ask(&window.window, &question, None, move |_| {
                s.input(MainWindowMsg::Act(
                    action_for_dialog.clone(),
                    targets.clone(),
                ));
            });
        }
        None => act(window, action, targets),
    }
}

/// Whether the preferences want a question before `action` (always, without settings).
fn asks(window: &MainWindow, action: &VmAction) -> bool {
    let Some(settings) = &window.settings else {
        return true;
    };
    match action {
        VmAction::ForceOff | VmAction::Reset => settings.confirm_force_off(),
        VmAction::Delete { .. } => settings.confirm_delete(),
        _ => true,
    }
}

/// Looks up the disks of the VMs to delete (in the background), then asks.
fn plan_delete(
    window: &MainWindow,
    targets: Vec<(String, String)>,
    names: Vec<String>,
    sender: &ComponentSender<MainWindow>,
) {
    let lookups: Vec<_> = targets
        .into_iter()
        .zip(names)
        .map(|(target, name)| (window.connections.get(&target.0).cloned(), target, name))
        .collect();
    sender.oneshot_command(async move {
        let mut plan = Vec::with_capacity(lookups.len());
        for (conn, target, name) in lookups {
            // A VM whose disks cannot be read is still deleted; only its disks stay.
            let paths = match conn {
                Some(conn) => host::disk_paths(&conn, &name).await.unwrap_or_default(),
                None => Vec::new(),
            };
            plan.push((target, name, paths));
        }
        MainWindowCmd::DeletePlan(plan)
    });
}

/// Asks whether to delete the VMs, and their disks too.
pub fn ask_delete(
    window: &MainWindow,
    plan: Vec<((String, String), String, Vec<String>)>,
    sender: &ComponentSender<MainWindow>,
) {
    let names: Vec<String> = plan.iter().map(|(_, n, _)| n.clone()).collect();
    let Some(question) = confirm::confirmation_for(
        &VmAction::Delete {
            storage: Vec::new(),
        },
        &names,
    ) else {
        return;
    };
    let all_paths: Vec<String> = plan.iter().flat_map(|(_, _, p)| p.clone()).collect();
    let check =
        (!all_paths.is_empty()).then(|| (gettext("Also delete _storage"), all_paths.join("\n")));
    let s = sender.clone();
    confirm::ask(&window.window, &question, check, move |with_storage| {
        for (target, _, paths) in &plan {
            let storage = if with_storage {
                paths.clone()
            } else {
                Vec::new()
            };
            s.input(MainWindowMsg::Act(
                VmAction::Delete { storage },
                vec![target.clone()],
            ));
        }
    });
}

/// Sends `action` for each `(connection URI, UUID)` to its session; a VM whose connection is
/// not open gets a clear error instead.
pub fn act(window: &mut MainWindow, action: VmAction, targets: Vec<(String, String)>) {
    for (uri, uuid) in targets {
        let sent = window.connections.contains_key(&uri)
            && window.sessions.get(&uri).is_some_and(|tx| {
                tx.send(HostRequest::Act {
                    uuid: uuid.clone(),
                    action: action.clone(),
                })
                .is_ok()
            });
        if !sent {
            let name = window
                .list
                .connection(&uri)
                .and_then(|c| c.vm(&uuid))
                .map_or(uuid, |vm| vm.name());
            window.show_error(&gettext_f(
                "{}: the connection to its host is not open; nothing was done.",
                &[&name],
            ));
        }
    }
}
