//! The main window's side of each connection's `HostSession`: starting and stopping sessions,
//! applying their updates to the list, and sending them the user's actions.

use gtk::prelude::*;
use relm4::prelude::*;
use tokio::sync::mpsc;

use super::actions::VmVerb;
use super::confirm;
use super::{MainWindow, MainWindowMsg};
use crate::i18n::{gettext, gettext_f};
use crate::session::host::{self, HostRequest, HostUpdate};
use crate::session::model::VmAction;
use crate::ui::vm_list::{ConnectionStatus, VmList};

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

/// Lists the connection to `uri` (if new) and starts its session.
pub fn open(window: &mut MainWindow, uri: &str, sender: &ComponentSender<MainWindow>) {
    if window.sessions.contains_key(uri) {
        return;
    }
    window
        .list
        .add_connection(uri, &super::connection_title(uri));
    let (tx, rx) = mpsc::unbounded_channel();
    window.sessions.insert(uri.to_string(), tx);
    let uri = uri.to_string();
    sender.command(move |out, shutdown| {
        shutdown
            .register(async move {
                let tag = uri.clone();
                host::run(uri, rx, move |update| {
                    out.send((tag.clone(), update)).is_ok()
                })
                .await;
            })
            .drop_on_shutdown()
    });
}

/// Stops the session of `uri`; its row stays until removed.
pub fn close(window: &mut MainWindow, uri: &str) {
    if let Some(tx) = window.sessions.remove(uri) {
        let _ = tx.send(HostRequest::Disconnect);
    }
    if let Some(conn) = window.list.connection(uri) {
        conn.clear_vms();
        conn.set_connection_status(ConnectionStatus::Disconnected, &gettext("Not connected"));
    }
}

/// Applies a session's update to the list.
pub fn apply(window: &mut MainWindow, uri: &str, update: HostUpdate) {
    let Some(conn) = window.list.connection(uri) else {
        return;
    };
    match update {
        HostUpdate::Connecting => {
            conn.set_connection_status(ConnectionStatus::Connecting, &gettext("Connecting…"));
        }
        HostUpdate::Connected { hostname } => {
            let text = if hostname.is_empty() {
                gettext("Connected")
            } else {
                gettext_f("Connected to {}", &[&hostname])
            };
            conn.set_connection_status(ConnectionStatus::Connected, &text);
        }
        HostUpdate::Reconnecting { reason, retry_in } => {
            let text = gettext_f(
                "Reconnecting in {} s… ({})",
                &[&retry_in.as_secs().max(1).to_string(), &reason],
            );
            conn.set_connection_status(ConnectionStatus::Reconnecting, &text);
        }
        HostUpdate::Failed(message) => {
            conn.clear_vms();
            conn.set_connection_status(ConnectionStatus::Failed, &message);
        }
        HostUpdate::Disconnected => {
            conn.clear_vms();
            conn.set_connection_status(ConnectionStatus::Disconnected, &gettext("Not connected"));
        }
        HostUpdate::AllVms(vms) => {
            conn.set_vms(&vms);
            window.list.refilter();
        }
        HostUpdate::Vm(vm) => {
            conn.upsert_vm(&vm);
            window.list.refilter();
        }
        HostUpdate::VmRemoved(uuid) => conn.remove_vm(&uuid),
        HostUpdate::Busy { uuid, busy } => {
            if let Some(vm) = conn.vm(&uuid) {
                vm.set_busy(busy);
            }
        }
        HostUpdate::ActionFailed { name, message } => {
            window.show_error(&gettext_f("{}: {}", &[&name, &message]));
        }
    }
    window.refresh_actions();
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
            // The VM window comes with its pages; until then, say what is there.
            window.show_error(&gettext_f("{} is selected", &[&names.join(", ")]));
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
        VmVerb::Autostart => VmAction::SetAutostart(!applicable.iter().all(|vm| vm.autostart())),
        VmVerb::Delete => VmAction::Delete {
            storage: Vec::new(),
        },
        other => match other.simple_action() {
            Some(a) => a,
            None => return,
        },
    };
    match confirm::confirmation_for(&action, &names) {
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

/// Sends `action` for each `(connection URI, UUID)` to its session.
pub fn act(window: &mut MainWindow, action: VmAction, targets: Vec<(String, String)>) {
    for (uri, uuid) in targets {
        match window.sessions.get(&uri) {
            Some(tx) => {
                let _ = tx.send(HostRequest::Act {
                    uuid,
                    action: action.clone(),
                });
            }
            None => window.show_error(&gettext("That connection is closed.")),
        }
    }
}
