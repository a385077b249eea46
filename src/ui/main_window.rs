//! The main window: the saved connections, or an invitation to add one.

use adw::prelude::*;
use relm4::actions::{AccelsPlus, RelmAction, RelmActionGroup};
use relm4::factory::{DynamicIndex, FactoryVecDeque};
use relm4::prelude::*;

use crate::cli::Options;
use crate::i18n::gettext;
use crate::settings::AppSettings;
use crate::ui::about;
use crate::ui::add_connection::{AddConnection, AddConnectionMsg, AddConnectionOutput};
use crate::ui::connection_row::{ConnectionRow, ConnectionRowOutput};

relm4::new_action_group!(WindowActionGroup, "win");
relm4::new_stateless_action!(AddConnectionAction, WindowActionGroup, "add-connection");
relm4::new_stateless_action!(AboutAction, WindowActionGroup, "about");

/// The main window's state.
pub struct MainWindow {
    settings: Option<AppSettings>,
    connections: FactoryVecDeque<ConnectionRow>,
    add_dialog: Controller<AddConnection>,
    toaster: relm4::abstractions::Toaster,
}

impl std::fmt::Debug for MainWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MainWindow")
            .field("connections", &self.connection_uris())
            .finish_non_exhaustive()
    }
}

/// Messages to the main window.
#[derive(Debug)]
pub enum MainWindowMsg {
    /// Open the "Add Connection" dialog.
    ShowAddConnection,
    /// Add a connection to this URI (no-op if it is already listed).
    AddConnection(String),
    /// Remove the connection at this position.
    RemoveConnection(DynamicIndex),
    /// Show the About window.
    ShowAbout,
    /// Show an error to the user.
    Error(String),
}

impl MainWindow {
    /// The URIs of the listed connections, in order.
    pub fn connection_uris(&self) -> Vec<String> {
        self.connections
            .iter()
            .map(|c| c.uri().to_string())
            .collect()
    }

    fn save_connections(&self) {
        if let Some(settings) = &self.settings {
            settings.set_connections(&self.connection_uris());
        }
    }

    fn show_error(&self, message: &str) {
        let toast = adw::Toast::builder().title(message).timeout(6).build();
        self.toaster.add_toast(toast);
    }
}

#[relm4::component(pub)]
impl SimpleComponent for MainWindow {
    type Init = Options;
    type Input = MainWindowMsg;
    type Output = ();

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
                        set_tooltip_text: Some(&gettext("Add Connection")),
                        set_action_name: Some("win.add-connection"),
                        update_property: &[gtk::accessible::Property::Label(
                            &gettext("Add Connection"))],
                    },
                    pack_end = &gtk::MenuButton {
                        set_icon_name: "open-menu-symbolic",
                        set_tooltip_text: Some(&gettext("Main Menu")),
                        set_menu_model: Some(&primary_menu),
                        set_primary: true,
                        update_property: &[gtk::accessible::Property::Label(
                            &gettext("Main Menu"))],
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

                            adw::Clamp {
                                set_maximum_size: 720,

                                #[local_ref]
                                connection_list -> gtk::ListBox {
                                    add_css_class: "boxed-list",
                                    add_css_class: "connection-list",
                                    set_selection_mode: gtk::SelectionMode::None,
                                    set_valign: gtk::Align::Start,
                                    update_property: &[gtk::accessible::Property::Label(
                                        &gettext("Connections"))],
                                },
                            },
                        },

                        #[watch]
                        set_visible_child_name: if model.connections.is_empty() {
                            "empty"
                        } else {
                            "connections"
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
        let toaster = relm4::abstractions::Toaster::default();
        let (settings, settings_error) = match AppSettings::open() {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let connections = FactoryVecDeque::builder()
            .launch(gtk::ListBox::default())
            .forward(sender.input_sender(), |out| match out {
                ConnectionRowOutput::Remove(index) => MainWindowMsg::RemoveConnection(index),
            });
        let add_dialog = AddConnection::builder()
            .transient_for(&root)
            .launch(())
            .forward(sender.input_sender(), |out| match out {
                AddConnectionOutput::Added(uri) => MainWindowMsg::AddConnection(uri),
            });

        let mut model = MainWindow {
            settings,
            connections,
            add_dialog,
            toaster,
        };
        {
            let mut guard = model.connections.guard();
            let saved = model
                .settings
                .as_ref()
                .map(AppSettings::connections)
                .unwrap_or_default();
            let mut seen = Vec::new();
            for uri in saved.into_iter().chain(options.connect) {
                if !seen.contains(&uri) {
                    guard.push_back(uri.clone());
                    seen.push(uri);
                }
            }
        }
        model.save_connections();

        let primary_menu = gtk::gio::Menu::new();
        primary_menu.append(
            Some(&gettext("_Keyboard Shortcuts")),
            Some("win.show-help-overlay"),
        );
        primary_menu.append(Some(&gettext("_About Hangar")), Some("win.about"));

        let toast_overlay = model.toaster.overlay_widget();
        let connection_list = model.connections.widget();
        let widgets = view_output!();

        if let Some(s) = &model.settings {
            restore_window_state(&root, s);
        }
        register_actions(&root, &sender);
        if let Some(e) = settings_error {
            sender.input(MainWindowMsg::Error(e));
        }
        ComponentParts { model, widgets }
    }

    fn update(&mut self, msg: Self::Input, _sender: ComponentSender<Self>) {
        match msg {
            MainWindowMsg::ShowAddConnection => self.add_dialog.emit(AddConnectionMsg::Show),
            MainWindowMsg::AddConnection(uri) => {
                if !self.connection_uris().contains(&uri) {
                    self.connections.guard().push_back(uri);
                    self.save_connections();
                }
            }
            MainWindowMsg::RemoveConnection(index) => {
                self.connections.guard().remove(index.current_index());
                self.save_connections();
            }
            MainWindowMsg::ShowAbout => {
                if let Some(window) = self.toaster.overlay_widget().root()
                    && let Ok(window) = window.downcast::<gtk::Window>()
                {
                    about::show(&window);
                }
            }
            MainWindowMsg::Error(message) => self.show_error(&message),
        }
    }
}

fn register_actions(root: &adw::ApplicationWindow, sender: &ComponentSender<MainWindow>) {
    let add: RelmAction<AddConnectionAction> = RelmAction::new_stateless({
        let sender = sender.clone();
        move |_| sender.input(MainWindowMsg::ShowAddConnection)
    });
    let about: RelmAction<AboutAction> = RelmAction::new_stateless({
        let sender = sender.clone();
        move |_| sender.input(MainWindowMsg::ShowAbout)
    });
    let mut group = RelmActionGroup::<WindowActionGroup>::new();
    group.add_action(add);
    group.add_action(about);
    group.register_for_widget(root);

    let app = relm4::main_application();
    app.set_accelerators_for_action::<AddConnectionAction>(&["<primary>n"]);
    app.set_accels_for_action("win.show-help-overlay", &["<primary>question", "F1"]);
    app.set_accels_for_action("window.close", &["<primary>w"]);
    if app.lookup_action("quit").is_none() {
        let quit = gtk::gio::SimpleAction::new("quit", None);
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

fn restore_window_state(window: &adw::ApplicationWindow, settings: &AppSettings) {
    let s = settings.gio();
    window.set_default_size(
        s.int("window-width").max(360),
        s.int("window-height").max(300),
    );
    if s.boolean("window-maximized") {
        window.maximize();
    }
}

fn save_window_state(window: &adw::ApplicationWindow, settings: &AppSettings) {
    let s = settings.gio();
    let (w, h) = window.default_size();
    let _ = s.set_int("window-width", w);
    let _ = s.set_int("window-height", h);
    let _ = s.set_boolean("window-maximized", window.is_maximized());
}
