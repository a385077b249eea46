//! The main window: every connection with its VMs, lifecycle controls, search and filters.

mod actions;
mod clone;
mod confirm;
mod connections;
mod migrate;
mod saved;
mod sessions;
mod state;
mod updates;
mod windows;

pub use actions::{VmVerb, WindowActions};
pub use confirm::{confirmation_for, validate_name};
pub use state::{StartConnection, initial_connections, local_uri};
use state::{restore_window_state, save_window_state};

use std::collections::HashMap;

use adw::prelude::*;
use relm4::prelude::*;
use tokio::sync::mpsc;

use crate::cli::Options;
use crate::i18n::gettext;
use crate::session::host::{HostRequest, HostUpdate};
use crate::session::model::VmAction;
use crate::settings::AppSettings;
use crate::ui::a11y;
use crate::ui::about;
use crate::ui::add_connection::{AddConnection, AddConnectionMsg, AddConnectionOutput};
use crate::ui::preferences::{Preferences, PreferencesMsg, PreferencesOutput};
use crate::ui::uri_title::describe_uri;
use crate::ui::vm_list::{SortKey, StateFilter, VmList, row_at};
use crate::ui::vm_window::{VmPage, VmWindow};
use crate::ui::wizard::{NewVmWizard, NewVmWizardOutput};

/// The main window's state.
pub struct MainWindow {
    settings: Option<AppSettings>,
    list: VmList,
    sessions: HashMap<String, mpsc::UnboundedSender<HostRequest>>,
    connections: HashMap<String, virt_client::Connection>,
    /// The "Add Connection" dialog, made the first time it is asked for.
    add_dialog: Option<Controller<AddConnection>>,
    /// The Preferences window, made the first time it is asked for.
    preferences: Option<Controller<Preferences>>,
    toaster: relm4::abstractions::Toaster,
    actions: Option<WindowActions>,
    window: adw::ApplicationWindow,
    search_visible: bool,
    context_connection: Option<String>,
    popover: gtk::PopoverMenu,
    vm_windows: HashMap<String, Controller<VmWindow>>,
    wizard: Option<Controller<NewVmWizard>>,
    /// The migration dialog while it is open.
    migrate: Option<Controller<crate::ui::migrate::MigrateDialog>>,
    /// The Clone dialog while it is open.
    clone_dialog: Option<Controller<crate::ui::clone::CloneDialog>>,
    /// A VM to show as soon as a connection lists it (`--show-domain-*`).
    pending_show: Option<(VmPage, String)>,
    /// Open host overview windows, by connection URI.
    host_windows: HashMap<String, crate::ui::host_window::HostWindow>,
    /// Show the first connection's overview once it connects (`--show-host-summary`).
    pending_host_summary: bool,
    /// Show the first connection's storage page once it connects (`--show-host-storage`).
    pending_host_storage: bool,
    /// Show the first connection's networks once it connects (`--show-host-networks`).
    pending_host_networks: bool,
    /// Open the new-VM wizard on the first connection once it connects
    /// (`--show-domain-creator`).
    pending_creator: bool,
    /// Session updates not applied yet, oldest first, with their connection's URI.
    pending: std::collections::VecDeque<(String, HostUpdate)>,
    /// Whether a slice of `pending` is asked for.
    slice_scheduled: bool,
}

impl std::fmt::Debug for MainWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MainWindow")
            .field("connections", &self.connection_uris())
            .finish_non_exhaustive()
    }
}

/// Results of background work that land on the main loop.
#[derive(Debug)]
pub enum MainWindowCmd {
    /// A session's update for the connection to this URI.
    Host(String, HostUpdate),
    /// The VMs to delete, each as `((connection URI, UUID), name, disk paths)`, ready to ask.
    DeletePlan(Vec<((String, String), String, Vec<String>)>),
}

/// Messages to the main window.
#[derive(Debug)]
pub enum MainWindowMsg {
    /// Open the "Add Connection" dialog.
    ShowAddConnection,
    /// Open the new-VM wizard for the selected VM's connection (or the first connected one).
    NewVm,
    /// The wizard finished.
    Wizard(String, NewVmWizardOutput),
    /// The migration dialog's outcome.
    Migrate(crate::ui::migrate::MigrateOutput),
    /// A VM (connection URI, UUID) was dropped on another connection (URI): ask to migrate.
    MigrateTo(String, String, String),
    /// The Clone dialog's outcome.
    Clone(crate::ui::clone::CloneDialogOutput),
    /// Add a connection to this URI and open it (no-op if it is already listed).
    AddConnection(String),
    /// Close and forget the connection to this URI.
    RemoveConnection(String),
    /// Remove the connection whose row was right-clicked.
    RemoveSelectedConnection,
    /// Reconnect (or connect) the connection whose row was right-clicked.
    ReconnectSelectedConnection,
    /// Close the connection whose row was right-clicked, keeping it listed.
    DisconnectSelectedConnection,
    /// Open the connection whose row was right-clicked at start, or not.
    SetSelectedAutoconnect(bool),
    /// Connect to this URI now (or try again at once).
    Connect(String),
    /// Open the new-VM wizard for the connection to this URI.
    NewVmOn(String),
    /// Open (or raise) the window of the VM with this UUID on the connection to this URI, on
    /// this page.
    OpenVm(String, String, VmPage),
    /// Show the About window.
    ShowAbout,
    /// Show the Preferences window.
    ShowPreferences,
    /// Show an error to the user.
    Error(String),
    /// Show or hide the search bar.
    ToggleSearch,
    /// Show (true) or hide the search bar.
    SearchMode(bool),
    /// The search text changed.
    Search(String),
    /// The state filter changed.
    FilterState(StateFilter),
    /// The sort order changed.
    Sort(SortKey),
    /// The selection changed: update which actions are enabled.
    SelectionChanged,
    /// A VM action was activated (menu, toolbar, shortcut) for the selected VMs.
    Verb(VmVerb),
    /// Do `action` to these VMs (`(connection URI, UUID)`), already confirmed.
    Act(VmAction, Vec<(String, String)>),
    /// The row at this position was activated (double-click, Enter).
    Activate(u32),
    /// Right-click at these list coordinates.
    ContextMenu(f64, f64),
    /// Show the host overview of the connection whose row was right-clicked.
    ShowSelectedConnectionOverview,
    /// Show the host overview of the connection to this URI.
    ShowHostOverview(String),
    /// Apply a slice of the queued session updates (the window asks itself).
    ApplyPending,
}

impl MainWindow {
    /// The URIs of the listed connections, in order.
    pub fn connection_uris(&self) -> Vec<String> {
        self.list.connections().iter().map(|c| c.uri()).collect()
    }

    /// The VM list (for tests and the window's pages).
    pub fn list(&self) -> &VmList {
        &self.list
    }

    /// The Preferences window, once it was opened.
    pub fn preferences(&self) -> Option<&Controller<Preferences>> {
        self.preferences.as_ref()
    }

    /// The window's actions.
    pub fn actions(&self) -> Option<&WindowActions> {
        self.actions.as_ref()
    }

    fn save_connections(&self) {
        if let Some(settings) = &self.settings {
            settings.set_connections(&self.connection_uris());
        }
    }

    fn show_error(&self, message: &str) {
        let toast = adw::Toast::builder().title(message).timeout(6).build();
        a11y::add_toast(self.toaster.overlay_widget(), toast);
    }

    fn refresh_actions(&self) {
        if let Some(actions) = &self.actions {
            let selected = self.list.selected_vms();
            let connected = selected
                .iter()
                .all(|vm| self.connections.contains_key(&vm.connection_uri()));
            actions.update(&selected, connected);
        }
    }
}

#[relm4::component(pub)]
impl Component for MainWindow {
    type Init = Options;
    type Input = MainWindowMsg;
    type Output = ();
    type CommandOutput = MainWindowCmd;

    view! {
        main_window = adw::ApplicationWindow {
            set_title: Some("Hangar"),
            set_icon_name: Some(crate::config::APP_ID),
            set_size_request: (360, 300),

            gtk::Box {
                set_orientation: gtk::Orientation::Vertical,

                adw::HeaderBar {
                    pack_start = &gtk::Button {
                        set_icon_name: "list-add-symbolic",
                        set_tooltip_text: Some(&gettext("New Virtual Machine")),
                        set_action_name: Some("win.new-vm"),
                        update_property: &[gtk::accessible::Property::Label(
                            &gettext("New Virtual Machine"))],
                    },
                    pack_start = &gtk::Box {
                        add_css_class: "linked",
                        gtk::Button {
                            set_icon_name: "media-playback-start-symbolic",
                            set_tooltip_text: Some(&gettext("Run")),
                            set_action_name: Some("win.vm-run"),
                            update_property: &[gtk::accessible::Property::Label(&gettext("Run"))],
                        },
                        gtk::Button {
                            set_icon_name: "media-playback-pause-symbolic",
                            set_tooltip_text: Some(&gettext("Pause")),
                            set_action_name: Some("win.vm-pause"),
                            update_property: &[gtk::accessible::Property::Label(&gettext("Pause"))],
                        },
                        gtk::Button {
                            set_icon_name: "media-skip-forward-symbolic",
                            set_tooltip_text: Some(&gettext("Resume")),
                            set_action_name: Some("win.vm-resume"),
                            update_property: &[gtk::accessible::Property::Label(&gettext("Resume"))],
                        },
                    },
                    #[name = "power_button"]
                    pack_start = &adw::SplitButton {
                        set_icon_name: "system-shutdown-symbolic",
                        set_tooltip_text: Some(&gettext("Shut Down")),
                        set_action_name: Some("win.vm-shutdown"),
                        set_menu_model: Some(&actions::power_menu()),
                        set_dropdown_tooltip: &gettext("More Power Actions"),
                    },
                    pack_end = &gtk::MenuButton {
                        set_icon_name: "open-menu-symbolic",
                        set_tooltip_text: Some(&gettext("Main Menu")),
                        set_menu_model: Some(&primary_menu),
                        set_primary: true,
                        update_property: &[gtk::accessible::Property::Label(&gettext("Main Menu"))],
                    },
                    pack_end = &gtk::ToggleButton {
                        set_icon_name: "system-search-symbolic",
                        set_tooltip_text: Some(&gettext("Search")),
                        #[watch]
                        set_active: model.search_visible,
                        connect_clicked => MainWindowMsg::ToggleSearch,
                        update_property: &[gtk::accessible::Property::Label(&gettext("Search"))],
                    },
                },

                #[name = "search_bar"]
                gtk::SearchBar {
                    #[watch]
                    set_search_mode: model.search_visible,
                    connect_search_mode_enabled_notify[sender] => move |bar| {
                        sender.input(MainWindowMsg::SearchMode(bar.is_search_mode()));
                    },
                    #[wrap(Some)]
                    set_child = &gtk::Box {
                        set_spacing: 6,
                        #[name = "search_entry"]
                        gtk::SearchEntry {
                            set_hexpand: true,
                            set_placeholder_text: Some(&gettext("Search by name or title")),
                            connect_search_changed[sender] => move |e| {
                                sender.input(MainWindowMsg::Search(e.text().to_string()));
                            },
                            connect_stop_search => MainWindowMsg::SearchMode(false),
                        },
                        #[name = "state_dropdown"]
                        gtk::DropDown::from_strings(&[&gettext("All"), &gettext("Running"), &gettext("Shut Off")]) {
                            set_tooltip_text: Some(&gettext("Show Only")),
                            connect_selected_notify[sender] => move |d| {
                                sender.input(MainWindowMsg::FilterState(match d.selected() {
                                    1 => StateFilter::Active,
                                    2 => StateFilter::Inactive,
                                    _ => StateFilter::All,
                                }));
                            },
                        },
                        #[name = "sort_dropdown"]
                        gtk::DropDown::from_strings(&[&gettext("By Name"), &gettext("By State"), &gettext("By CPU")]) {
                            set_tooltip_text: Some(&gettext("Sort")),
                            connect_selected_notify[sender] => move |d| {
                                sender.input(MainWindowMsg::Sort(match d.selected() {
                                    1 => SortKey::State,
                                    2 => SortKey::Cpu,
                                    _ => SortKey::Name,
                                }));
                            },
                        },
                    },
                },

                #[local_ref]
                toast_overlay -> adw::ToastOverlay {
                    set_vexpand: true,

                    #[name = "stack"]
                    gtk::Stack {
                        set_transition_type: gtk::StackTransitionType::Crossfade,

                        add_named[Some("empty")] = &adw::StatusPage {
                            set_icon_name: Some("network-server-symbolic"),
                            set_title: &gettext("No Connections"),
                            set_description: Some(&gettext(
                                "Connect to a hypervisor on this computer or on another host to see and run its virtual machines.")),

                            gtk::Button {
                                set_label: &gettext("_Add Connection…"),
                                set_use_underline: true,
                                set_halign: gtk::Align::Center,
                                add_css_class: "pill",
                                add_css_class: "suggested-action",
                                set_action_name: Some("win.add-connection"),
                            },
                        },

                        add_named[Some("connections")] = &gtk::ScrolledWindow {
                            set_hscrollbar_policy: gtk::PolicyType::Never,
                            #[local_ref]
                            list_view -> gtk::ListView {},
                        },

                    },
                },
            },

            connect_close_request[settings = model.settings.clone()] => move |window| {
                if let Some(s) = &settings {
                    save_window_state(window, s);
                }
                gtk::glib::Propagation::Proceed
            },
        }
    }

    fn init(
        options: Self::Init,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        crate::startup::mark("window-init");
        crate::startup::watch_window(&root);
        let toaster = relm4::abstractions::Toaster::default();
        let (settings, settings_error) = match AppSettings::open() {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let list = VmList::new();
        let popover = gtk::PopoverMenu::from_model(None::<&gtk::gio::MenuModel>);
        popover.set_has_arrow(false);
        popover.set_halign(gtk::Align::Start);
        popover.set_parent(list.widget());
        // A widget's children must leave before it is finalized.
        let weak = popover.downgrade();
        list.widget().connect_destroy(move |_| {
            if let Some(p) = weak.upgrade() {
                p.unparent();
            }
        });

        let mut model = MainWindow {
            settings,
            list,
            sessions: HashMap::new(),
            connections: HashMap::new(),
            add_dialog: None,
            preferences: None,
            toaster,
            actions: None,
            window: root.clone(),
            search_visible: false,
            context_connection: None,
            popover,
            vm_windows: HashMap::new(),
            wizard: None,
            migrate: None,
            clone_dialog: None,
            pending_show: options
                .show_domain
                .clone()
                .map(|(view, name)| (view.into(), name)),
            host_windows: HashMap::new(),
            pending_host_summary: options.show_host_summary,
            pending_host_storage: options.show_host_storage,
            pending_host_networks: options.show_host_networks,
            pending_creator: options.show_domain_creator,
            pending: std::collections::VecDeque::new(),
            slice_scheduled: false,
        };

        let primary_menu = gtk::gio::Menu::new();
        primary_menu.append(Some(&gettext("_New Virtual Machine…")), Some("win.new-vm"));
        primary_menu.append(
            Some(&gettext("Add _Connection…")),
            Some("win.add-connection"),
        );
        primary_menu.append(Some(&gettext("_Preferences")), Some("win.preferences"));
        primary_menu.append(
            Some(&gettext("_Keyboard Shortcuts")),
            Some("win.show-help-overlay"),
        );
        primary_menu.append(Some(&gettext("_About Hangar")), Some("win.about"));

        let toast_overlay = model.toaster.overlay_widget();
        let list_view = model.list.widget().clone();
        let widgets = view_output!();
        a11y::name_split_button(
            &widgets.power_button,
            &gettext("Shut Down"),
            &gettext("More Power Actions"),
        );
        a11y::name(&widgets.search_entry, &gettext("Search by name or title"));
        a11y::name(&widgets.state_dropdown, &gettext("Show Only"));
        a11y::name(&widgets.sort_dropdown, &gettext("Sort"));

        // The page follows the list itself: connections can be added before the first view
        // update (sessions started before the window report at once) and with no message after.
        let stack = widgets.stack.clone();
        model.list.follow_connection_count(move |n| {
            if n == 0 {
                stack.set_visible_child_name("empty");
            } else {
                if stack.visible_child_name().as_deref() != Some("connections") {
                    crate::startup::mark("connections-shown");
                }
                stack.set_visible_child_name("connections");
            }
        });
        // The bar focuses its entry when it opens and closes on Escape; typing anywhere in
        // the window (outside other text fields) starts a search.
        widgets.search_bar.connect_entry(&widgets.search_entry);
        widgets.search_bar.set_key_capture_widget(Some(&root));
        sessions::wire_list(&model.list, &sender);
        let s = sender.clone();
        model.list.connect_vm_dropped(move |uri, uuid, dest| {
            s.input(MainWindowMsg::MigrateTo(uri, uuid, dest));
        });
        model.actions = Some(WindowActions::install(&root, &sender));
        if let Some(s) = &model.settings {
            restore_window_state(&root, s);
            let settings = s.clone();
            s.gio()
                .connect_changed(Some("stats-interval-ms"), move |_, _| {
                    crate::ui::stats::HostStats::set_interval_everywhere(settings.stats_interval());
                });
        }
        let initial = initial_connections(model.settings.as_ref(), &options);
        if let Some(s) = &model.settings {
            s.set_initialized();
            // A connection new to the saved ones (command line, first start) opens at start
            // next time too.
            let saved = s.connections();
            for start in initial.iter().filter(|c| c.open) {
                if !saved.contains(&start.uri) && !s.autoconnects(&start.uri) {
                    s.set_autoconnect(&start.uri, true);
                }
            }
        }
        for start in initial {
            if start.open {
                sessions::open(&mut model, &start.uri, &sender);
            } else {
                sessions::list_closed(&model, &start.uri);
            }
        }
        model.save_connections();
        if let Some(e) = settings_error {
            sender.input(MainWindowMsg::Error(e));
        }
        if options.show_preferences {
            sender.input(MainWindowMsg::ShowPreferences);
        }
        crate::startup::mark("window-built");
        ComponentParts { model, widgets }
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>, _root: &Self::Root) {
        match msg {
            MainWindowMsg::ShowAddConnection => {
                let window = &self.window;
                self.add_dialog
                    .get_or_insert_with(|| {
                        AddConnection::builder()
                            .transient_for(window)
                            .launch(())
                            .forward(sender.input_sender(), |out| match out {
                                AddConnectionOutput::Added(uri) => {
                                    MainWindowMsg::AddConnection(uri)
                                }
                            })
                    })
                    .emit(AddConnectionMsg::Show);
            }
            MainWindowMsg::NewVm => self.open_wizard(&sender),
            MainWindowMsg::Wizard(uri, out) => self.wizard_done(&uri, out, &sender),
            MainWindowMsg::Migrate(out) => self.migrate_done(out),
            MainWindowMsg::MigrateTo(uri, uuid, dest) => {
                self.migrate_dropped(&uri, &uuid, &dest, &sender);
            }
            MainWindowMsg::Clone(out) => self.clone_done(out),
            MainWindowMsg::AddConnection(_)
            | MainWindowMsg::RemoveConnection(_)
            | MainWindowMsg::RemoveSelectedConnection
            | MainWindowMsg::ReconnectSelectedConnection
            | MainWindowMsg::DisconnectSelectedConnection
            | MainWindowMsg::SetSelectedAutoconnect(_) => connections::update(self, msg, &sender),
            MainWindowMsg::Connect(uri) => sessions::connect_now(self, &uri, &sender),
            MainWindowMsg::NewVmOn(uri) => self.open_wizard_on(Some(uri), &sender),
            MainWindowMsg::OpenVm(uri, uuid, page) => {
                if let Some(vm) = self.list.connection(&uri).and_then(|c| c.vm(&uuid)) {
                    self.open_vm_window(&vm, page, &sender);
                }
            }
            MainWindowMsg::ShowAbout => about::show(&self.window),
            MainWindowMsg::ShowPreferences => {
                let window = &self.window;
                self.preferences
                    .get_or_insert_with(|| {
                        Preferences::builder()
                            .transient_for(window)
                            .launch(())
                            .forward(sender.input_sender(), |out| match out {
                                PreferencesOutput::Error(e) => MainWindowMsg::Error(e),
                            })
                    })
                    .emit(PreferencesMsg::Show);
            }
            MainWindowMsg::Error(message) => self.show_error(&message),
            MainWindowMsg::ToggleSearch => {
                sender.input(MainWindowMsg::SearchMode(!self.search_visible));
            }
            MainWindowMsg::SearchMode(on) => {
                self.search_visible = on;
                if !on {
                    self.list.set_search("");
                }
            }
            MainWindowMsg::Search(text) => self.list.set_search(&text),
            MainWindowMsg::FilterState(state) => self.list.set_state_filter(state),
            MainWindowMsg::Sort(key) => self.list.set_sort(key),
            MainWindowMsg::SelectionChanged => self.refresh_actions(),
            MainWindowMsg::Verb(verb) => sessions::verb(self, verb, &sender),
            MainWindowMsg::Act(action, targets) => sessions::act(self, action, targets),
            MainWindowMsg::Activate(position) => {
                if let Some(vm) = self.list.vm_at(position) {
                    self.list.select_vm(&vm);
                    sessions::verb(self, VmVerb::Open, &sender);
                }
            }
            MainWindowMsg::ContextMenu(x, y) => connections::context_menu(self, x, y),
            MainWindowMsg::ShowSelectedConnectionOverview => {
                if let Some(uri) = self.context_connection.clone() {
                    self.open_host_window(&uri);
                }
            }
            MainWindowMsg::ShowHostOverview(uri) => self.open_host_window(&uri),
            MainWindowMsg::ApplyPending => updates::apply_pending(self, &sender),
        }
    }

    fn update_cmd(
        &mut self,
        cmd: Self::CommandOutput,
        sender: ComponentSender<Self>,
        _root: &Self::Root,
    ) {
        match cmd {
            MainWindowCmd::Host(uri, update) => updates::queue(self, uri, update, &sender),
            MainWindowCmd::DeletePlan(plan) => sessions::ask_delete(self, plan, &sender),
        }
    }
}

/// A title for the connection to `uri` (used for its row).
pub fn connection_title(uri: &str) -> String {
    describe_uri(uri)
}
