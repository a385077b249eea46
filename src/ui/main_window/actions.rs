//! The main window's actions (`win.*`): what they do, their shortcuts, and which are enabled.

use gtk::prelude::*;
use gtk::{gio, glib};
use relm4::ComponentSender;

use super::{MainWindow, MainWindowMsg};
use crate::i18n::gettext;
use crate::session::model::{VmAction, VmState};
use crate::ui::vm_list::VmObject;

/// A VM action the window offers: its action name, shortcut and menu label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmVerb {
    /// Start, or restore a saved VM.
    Run,
    /// Pause.
    Pause,
    /// Resume from pause.
    Resume,
    /// Shut down through the guest.
    ShutDown,
    /// Reboot through the guest.
    Reboot,
    /// Hardware reset.
    Reset,
    /// Pull the plug.
    ForceOff,
    /// Managed save.
    Save,
    /// Remove the managed save image.
    DiscardSave,
    /// Save the memory to a file on the host and stop.
    SaveToFile,
    /// Start from a file saved on the host.
    RestoreFromFile,
    /// Open the Clone dialog.
    Clone,
    /// Delete the definition (and maybe storage).
    Delete,
    /// Rename.
    Rename,
    /// Toggle autostart.
    Autostart,
    /// Open the VM's window.
    Open,
    /// Move to another open connection's host.
    Migrate,
}

impl VmVerb {
    /// Every verb, in menu order.
    pub const ALL: [VmVerb; 17] = [
        Self::Open,
        Self::Run,
        Self::Pause,
        Self::Resume,
        Self::ShutDown,
        Self::Reboot,
        Self::Reset,
        Self::ForceOff,
        Self::Save,
        Self::DiscardSave,
        Self::SaveToFile,
        Self::RestoreFromFile,
        Self::Rename,
        Self::Clone,
        Self::Migrate,
        Self::Autostart,
        Self::Delete,
    ];

    /// The action's name without the `win.` prefix.
    pub fn name(self) -> &'static str {
        match self {
            Self::Run => "vm-run",
            Self::Pause => "vm-pause",
            Self::Resume => "vm-resume",
            Self::ShutDown => "vm-shutdown",
            Self::Reboot => "vm-reboot",
            Self::Reset => "vm-reset",
            Self::ForceOff => "vm-force-off",
            Self::Save => "vm-save",
            Self::DiscardSave => "vm-discard-save",
            Self::SaveToFile => "vm-save-to-file",
            Self::RestoreFromFile => "vm-restore-from-file",
            Self::Clone => "vm-clone",
            Self::Delete => "vm-delete",
            Self::Rename => "vm-rename",
            Self::Autostart => "vm-autostart",
            Self::Open => "vm-open",
            Self::Migrate => "vm-migrate",
        }
    }

    /// The label in menus.
    pub fn label(self) -> String {
        match self {
            Self::Run => gettext("_Run"),
            Self::Pause => gettext("_Pause"),
            Self::Resume => gettext("Res_ume"),
            Self::ShutDown => gettext("_Shut Down"),
            Self::Reboot => gettext("Re_boot"),
            Self::Reset => gettext("R_eset"),
            Self::ForceOff => gettext("_Force Off"),
            Self::Save => gettext("Sa_ve"),
            Self::DiscardSave => gettext("Discard Saved S_tate…"),
            Self::SaveToFile => gettext("Save to F_ile…"),
            Self::RestoreFromFile => gettext("Restore from Fi_le…"),
            Self::Clone => gettext("_Clone…"),
            Self::Delete => gettext("_Delete…"),
            Self::Rename => gettext("Re_name…"),
            Self::Autostart => gettext("Start with _Host"),
            Self::Open => gettext("_Open"),
            Self::Migrate => gettext("_Migrate…"),
        }
    }

    /// Keyboard shortcuts.
    pub fn accels(self) -> &'static [&'static str] {
        match self {
            Self::Run => &["<primary><shift>r"],
            Self::Pause => &["<primary><shift>p"],
            Self::Resume => &["<primary><shift>u"],
            Self::ShutDown => &["<primary><shift>s"],
            Self::Reboot => &["<primary><shift>b"],
            Self::ForceOff => &["<primary><shift>f"],
            Self::Delete => &["Delete"],
            Self::Rename => &["F2"],
            Self::Open => &["<primary>o"],
            Self::Reset
            | Self::Save
            | Self::DiscardSave
            | Self::SaveToFile
            | Self::RestoreFromFile
            | Self::Clone
            | Self::Autostart
            | Self::Migrate => &[],
        }
    }

    /// Whether the verb applies to `vm` as it is now.
    pub fn applies_to(self, vm: &VmObject) -> bool {
        let summary = vm.summary();
        if vm.busy() {
            return false;
        }
        match self {
            Self::Open => true,
            // A running VM moves live; one that does not run moves as its definition.
            Self::Migrate => summary.state.is_active() || summary.persistent,
            Self::Autostart => VmAction::SetAutostart(true).allowed_for(&summary),
            Self::Rename => VmAction::Rename(String::new()).allowed_for(&summary),
            Self::SaveToFile => VmAction::SaveToFile(String::new()).allowed_for(&summary),
            Self::RestoreFromFile => VmAction::RestoreFromFile(String::new()).allowed_for(&summary),
            // Disks that a running guest writes to cannot be copied; paused or off they can.
            Self::Clone => !matches!(summary.state, VmState::Running | VmState::Blocked),
            Self::Delete => VmAction::Delete { storage: vec![] }.allowed_for(&summary),
            other => other
                .simple_action()
                .is_some_and(|a| a.allowed_for(&summary)),
        }
    }

    /// The action for verbs that need no further input.
    pub fn simple_action(self) -> Option<VmAction> {
        Some(match self {
            Self::Run => VmAction::Run,
            Self::Pause => VmAction::Pause,
            Self::Resume => VmAction::Resume,
            Self::ShutDown => VmAction::ShutDown,
            Self::Reboot => VmAction::Reboot,
            Self::Reset => VmAction::Reset,
            Self::ForceOff => VmAction::ForceOff,
            Self::Save => VmAction::Save,
            Self::DiscardSave => VmAction::DiscardSave,
            Self::Delete
            | Self::Rename
            | Self::Autostart
            | Self::Open
            | Self::Migrate
            | Self::SaveToFile
            | Self::RestoreFromFile
            | Self::Clone => {
                return None;
            }
        })
    }
}

/// The window's action group and the VM actions in it.
#[derive(Debug, Clone)]
pub struct WindowActions {
    group: gio::SimpleActionGroup,
}

impl WindowActions {
    /// Creates every `win.*` action, installs it on `window` and sets the shortcuts.
    pub fn install(window: &adw::ApplicationWindow, sender: &ComponentSender<MainWindow>) -> Self {
        let group = gio::SimpleActionGroup::new();
        let add = |name: &str, msg: fn() -> MainWindowMsg| {
            let action = gio::SimpleAction::new(name, None);
            let sender = sender.clone();
            action.connect_activate(move |_, _| sender.input(msg()));
            group.add_action(&action);
        };
        add("add-connection", || MainWindowMsg::ShowAddConnection);
        add("new-vm", || MainWindowMsg::NewVm);
        add("about", || MainWindowMsg::ShowAbout);
        add("preferences", || MainWindowMsg::ShowPreferences);
        add("search", || MainWindowMsg::ToggleSearch);
        add("conn-remove", || MainWindowMsg::RemoveSelectedConnection);
        add("conn-overview", || {
            MainWindowMsg::ShowSelectedConnectionOverview
        });
        add("conn-reconnect", || {
            MainWindowMsg::ReconnectSelectedConnection
        });
        add("conn-disconnect", || {
            MainWindowMsg::DisconnectSelectedConnection
        });
        // Buttons on a connection's row name their connection.
        let add_for_uri = |name: &str, msg: fn(String) -> MainWindowMsg| {
            let action = gio::SimpleAction::new(name, Some(glib::VariantTy::STRING));
            let sender = sender.clone();
            action.connect_activate(move |_, target| {
                if let Some(uri) = target.and_then(|t| t.get::<String>()) {
                    sender.input(msg(uri));
                }
            });
            group.add_action(&action);
        };
        add_for_uri("conn-connect", MainWindowMsg::Connect);
        add_for_uri("conn-new-vm", MainWindowMsg::NewVmOn);
        let autoconnect =
            gio::SimpleAction::new_stateful("conn-autoconnect", None, &true.to_variant());
        {
            let sender = sender.clone();
            autoconnect.connect_activate(move |action, _| {
                let on = !action.state().and_then(|s| s.get::<bool>()).unwrap_or(true);
                action.set_state(&on.to_variant());
                sender.input(MainWindowMsg::SetSelectedAutoconnect(on));
            });
        }
        group.add_action(&autoconnect);
        for verb in VmVerb::ALL {
            let action = gio::SimpleAction::new(verb.name(), None);
            action.set_enabled(false);
            let sender = sender.clone();
            action.connect_activate(move |_, _| sender.input(MainWindowMsg::Verb(verb)));
            group.add_action(&action);
        }
        // Group activation gets to the window through the `win` prefix, merged with the actions
        // GtkApplicationWindow provides itself (show-help-overlay).
        window.insert_action_group("win", Some(&group));
        let app = relm4::main_application();
        app.set_accels_for_action("win.new-vm", &["<primary>n"]);
        app.set_accels_for_action("win.add-connection", &["<primary><shift>n"]);
        app.set_accels_for_action("win.search", &["<primary>f"]);
        app.set_accels_for_action("win.preferences", &["<primary>comma"]);
        app.set_accels_for_action("win.show-help-overlay", &["<primary>question", "F1"]);
        app.set_accels_for_action("window.close", &["<primary>w"]);
        for verb in VmVerb::ALL {
            app.set_accels_for_action(&format!("win.{}", verb.name()), verb.accels());
        }
        install_quit(&app);
        WindowActions { group }
    }

    /// Enables exactly the VM actions that apply to every VM in `selected`; while not all of
    /// their connections are open (`connected`), only opening their windows.
    pub fn update(&self, selected: &[VmObject], connected: bool) {
        for verb in VmVerb::ALL {
            let enabled = !selected.is_empty()
                && (connected || verb == VmVerb::Open)
                && selected.iter().all(|vm| verb.applies_to(vm))
                && (selected.len() == 1
                    || !matches!(
                        verb,
                        VmVerb::Rename
                            | VmVerb::Open
                            | VmVerb::Migrate
                            | VmVerb::Clone
                            | VmVerb::SaveToFile
                            | VmVerb::RestoreFromFile
                    ));
            if let Some(action) = self
                .group
                .lookup_action(verb.name())
                .and_downcast::<gio::SimpleAction>()
            {
                action.set_enabled(enabled);
            }
        }
    }

    /// Shows whether the connection a menu is about opens at start.
    pub fn show_autoconnect(&self, on: bool) {
        if let Some(action) = self
            .group
            .lookup_action("conn-autoconnect")
            .and_downcast::<gio::SimpleAction>()
        {
            action.set_state(&on.to_variant());
        }
    }

    /// Whether `win.NAME` is enabled now.
    pub fn is_enabled(&self, name: &str) -> bool {
        self.group
            .lookup_action(name)
            .is_some_and(|a| a.is_enabled())
    }

    /// Activates `win.NAME` (what a shortcut or menu item does).
    pub fn activate(&self, name: &str) {
        self.group.activate_action(name, None);
    }
}

fn install_quit(app: &gtk::Application) {
    if app.lookup_action("quit").is_none() {
        let quit = gio::SimpleAction::new("quit", None);
        let weak_app = app.downgrade();
        quit.connect_activate(move |_, _| {
            if let Some(app) = weak_app.upgrade() {
                for window in app.windows() {
                    window.close();
                }
                app.quit();
            }
        });
        app.add_action(&quit);
    }
    app.set_accels_for_action("app.quit", &["<primary>q"]);
}

/// The context menu for VM rows.
pub fn vm_menu() -> gio::Menu {
    let menu = gio::Menu::new();
    let sections: [&[VmVerb]; 4] = [
        &[VmVerb::Open],
        &[
            VmVerb::Run,
            VmVerb::Pause,
            VmVerb::Resume,
            VmVerb::ShutDown,
            VmVerb::Reboot,
        ],
        &[
            VmVerb::Reset,
            VmVerb::ForceOff,
            VmVerb::Save,
            VmVerb::SaveToFile,
            VmVerb::RestoreFromFile,
            VmVerb::DiscardSave,
        ],
        &[
            VmVerb::Rename,
            VmVerb::Clone,
            VmVerb::Migrate,
            VmVerb::Autostart,
            VmVerb::Delete,
        ],
    ];
    for verbs in sections {
        let section = gio::Menu::new();
        for verb in verbs {
            section.append(Some(&verb.label()), Some(&format!("win.{}", verb.name())));
        }
        menu.append_section(None, &section);
    }
    menu
}

/// The context menu for a connection's row; `open` tells whether a session runs for it.
pub fn connection_menu(open: bool) -> gio::Menu {
    let menu = gio::Menu::new();
    menu.append(Some(&gettext("Host _Overview")), Some("win.conn-overview"));
    let session = gio::Menu::new();
    if open {
        session.append(Some(&gettext("_Reconnect")), Some("win.conn-reconnect"));
        session.append(Some(&gettext("_Disconnect")), Some("win.conn-disconnect"));
    } else {
        session.append(Some(&gettext("_Connect")), Some("win.conn-reconnect"));
    }
    session.append(
        Some(&gettext("Connect at _Start")),
        Some("win.conn-autoconnect"),
    );
    menu.append_section(None, &session);
    menu.append(
        Some(&gettext("_Remove Connection")),
        Some("win.conn-remove"),
    );
    menu
}

/// The "more" menu next to Shut Down in the header bar.
pub fn power_menu() -> gio::Menu {
    let menu = gio::Menu::new();
    for verb in [
        VmVerb::Reboot,
        VmVerb::Reset,
        VmVerb::ForceOff,
        VmVerb::Save,
    ] {
        menu.append(Some(&verb.label()), Some(&format!("win.{}", verb.name())));
    }
    menu
}
