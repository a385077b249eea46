//! The connections the main window lists: adding and removing one (remembered in the
//! settings, with its autoconnect choice), reconnecting or disconnecting the one a context
//! menu was opened on, and that context menu (a VM's or a connection's).

use gtk::prelude::*;
use relm4::prelude::*;

use super::{MainWindow, MainWindowMsg, actions, row_at, sessions};
use crate::ui::vm_list::VmObject;

/// Handles a connection message of the window.
pub(super) fn update(w: &mut MainWindow, msg: MainWindowMsg, sender: &ComponentSender<MainWindow>) {
    match msg {
        MainWindowMsg::AddConnection(uri) => {
            sessions::open(w, &uri, sender);
            w.save_connections();
            if let Some(settings) = &w.settings
                && !settings.autoconnects(&uri)
            {
                settings.set_autoconnect(&uri, true);
            }
        }
        MainWindowMsg::RemoveConnection(uri) => {
            sessions::close(w, &uri);
            if let Some(host) = w.host_windows.remove(&uri) {
                host.window().destroy();
            }
            crate::ui::stats::HostStats::close(&uri);
            w.list.remove_connection(&uri);
            w.save_connections();
            if let Some(settings) = &w.settings {
                settings.set_autoconnect(&uri, false);
            }
        }
        MainWindowMsg::RemoveSelectedConnection => {
            if let Some(uri) = w.context_connection.take() {
                sender.input(MainWindowMsg::RemoveConnection(uri));
            }
        }
        MainWindowMsg::ReconnectSelectedConnection => {
            if let Some(uri) = w.context_connection.clone() {
                sessions::close(w, &uri);
                sessions::open(w, &uri, sender);
            }
        }
        MainWindowMsg::DisconnectSelectedConnection => {
            if let Some(uri) = w.context_connection.clone() {
                sessions::close(w, &uri);
            }
        }
        MainWindowMsg::SetSelectedAutoconnect(on) => {
            if let (Some(uri), Some(settings)) = (&w.context_connection, &w.settings) {
                settings.set_autoconnect(uri, on);
            }
        }
        // The window handles the others itself.
        _ => {}
    }
}

/// Shows the context menu for the row at (`x`, `y`) of the list.
pub(super) fn context_menu(w: &mut MainWindow, x: f64, y: f64) {
    let Some(row) = row_at(w.list.widget(), x, y) else {
        return;
    };
    let Some(item) = row.item() else { return };
    let menu = if let Some(vm) = item.downcast_ref::<VmObject>() {
        if !w.list.selected_vms().contains(vm) {
            w.list.select_vm(vm);
        }
        actions::vm_menu()
    } else if let Some(conn) = item.downcast_ref::<crate::ui::vm_list::ConnectionObject>() {
        let uri = conn.uri();
        if let (Some(actions), Some(settings)) = (&w.actions, &w.settings) {
            actions.show_autoconnect(settings.autoconnects(&uri));
        }
        let open = w.sessions.contains_key(&uri);
        w.context_connection = Some(uri);
        actions::connection_menu(open)
    } else {
        return;
    };
    w.popover.set_menu_model(Some(&menu));
    w.popover
        .set_pointing_to(Some(&gtk::gdk::Rectangle::new(x as i32, y as i32, 1, 1)));
    w.popover.popup();
}
