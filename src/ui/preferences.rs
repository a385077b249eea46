//! The Preferences window: the statistics interval and which performance graphs show, console
//! defaults, which actions ask first, and what the new-VM assistant chooses first.
//!
//! Every control writes its GSettings key at once; the parts that use a setting follow its
//! key's `changed` signal, so a change applies to open windows without a restart. The window
//! follows the keys too (the console toolbar changes the same console settings).

pub mod release_keys;

use adw::prelude::*;
use gtk::gio;
use relm4::prelude::*;

use crate::i18n::gettext;
use crate::settings::{AppSettings, keys};
use crate::widgets::release_keys::ReleaseKeys;
use release_keys::ReleaseKeysRow;

/// The on/off preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// The CPU graphs (total and per virtual CPU).
    GraphCpu,
    /// The memory graph.
    GraphMemory,
    /// The disk I/O graph.
    GraphDisk,
    /// The network I/O graph.
    GraphNetwork,
    /// Scale consoles to the window.
    ScaleToFit,
    /// Resize the guest's display with the window.
    ResizeGuest,
    /// Share the clipboard with guests.
    ShareClipboard,
    /// Ask before Force Off and Reset.
    ConfirmForceOff,
    /// Ask before deleting a VM.
    ConfirmDelete,
}

impl Switch {
    /// Every switch, in the window's order.
    pub const ALL: [Switch; 9] = [
        Self::GraphCpu,
        Self::GraphMemory,
        Self::GraphDisk,
        Self::GraphNetwork,
        Self::ScaleToFit,
        Self::ResizeGuest,
        Self::ShareClipboard,
        Self::ConfirmForceOff,
        Self::ConfirmDelete,
    ];

    /// The GSettings key it sets.
    pub fn key(self) -> &'static str {
        match self {
            Self::GraphCpu => keys::GRAPH_CPU,
            Self::GraphMemory => keys::GRAPH_MEMORY,
            Self::GraphDisk => keys::GRAPH_DISK,
            Self::GraphNetwork => keys::GRAPH_NETWORK,
            Self::ScaleToFit => keys::CONSOLE_SCALE_TO_FIT,
            Self::ResizeGuest => keys::CONSOLE_RESIZE_GUEST,
            Self::ShareClipboard => keys::CONSOLE_SHARE_CLIPBOARD,
            Self::ConfirmForceOff => keys::CONFIRM_FORCE_OFF,
            Self::ConfirmDelete => keys::CONFIRM_DELETE,
        }
    }

    fn title(self) -> String {
        match self {
            Self::GraphCpu => gettext("CPU Graphs"),
            Self::GraphMemory => gettext("Memory Graph"),
            Self::GraphDisk => gettext("Disk I/O Graph"),
            Self::GraphNetwork => gettext("Network I/O Graph"),
            Self::ScaleToFit => gettext("Scale to Window"),
            Self::ResizeGuest => gettext("Resize Guest to Window"),
            Self::ShareClipboard => gettext("Share Clipboard"),
            Self::ConfirmForceOff => gettext("Ask Before Force Off and Reset"),
            Self::ConfirmDelete => gettext("Ask Before Deleting"),
        }
    }

    fn subtitle(self) -> Option<String> {
        Some(match self {
            Self::GraphCpu => gettext("Total and per virtual CPU"),
            Self::ScaleToFit => gettext("Else the guest’s screen shows at its own size"),
            Self::ResizeGuest => gettext("Where the guest’s graphics support it"),
            Self::ShareClipboard => gettext("Text copied in the guest or on this computer"),
            Self::ConfirmDelete => gettext("Without the question, the disks are kept"),
            _ => return None,
        })
    }
}

/// The two names the new-VM assistant chooses first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameField {
    /// The storage pool for a new disk.
    Pool,
    /// The virtual network.
    Network,
}

impl NameField {
    /// The GSettings key it sets.
    pub fn key(self) -> &'static str {
        match self {
            Self::Pool => keys::NEW_VM_POOL,
            Self::Network => keys::NEW_VM_NETWORK,
        }
    }
}

/// What the window shows: the stored values.
#[derive(Debug, Clone, PartialEq)]
pub struct PreferenceValues {
    /// Seconds between two statistics readings.
    pub interval_secs: f64,
    /// Each switch's state, in [`Switch::ALL`] order.
    pub switches: [bool; 9],
    /// The storage pool new VMs' disks go to first ("" for the assistant's own choice).
    pub pool: String,
    /// The network new VMs join first ("" for the network "default").
    pub network: String,
    /// The keys that end a console's keyboard grab.
    pub release_keys: ReleaseKeys,
}

impl PreferenceValues {
    fn read(settings: &gio::Settings) -> PreferenceValues {
        PreferenceValues {
            interval_secs: f64::from(settings.int(keys::STATS_INTERVAL_MS).clamp(500, 10_000))
                / 1000.0,
            switches: Switch::ALL.map(|s| settings.boolean(s.key())),
            pool: settings.string(NameField::Pool.key()).to_string(),
            network: settings.string(NameField::Network.key()).to_string(),
            release_keys: ReleaseKeys::parse_or_default(&settings.string(keys::CONSOLE_GRAB_KEYS)),
        }
    }

    /// Whether `switch` is on.
    pub fn switch(&self, switch: Switch) -> bool {
        Switch::ALL
            .iter()
            .position(|s| *s == switch)
            .is_some_and(|i| self.switches[i])
    }
}

/// The Preferences window's state.
pub struct Preferences {
    settings: Option<AppSettings>,
    values: Option<PreferenceValues>,
    handler: Option<gtk::glib::SignalHandlerId>,
    switches: Vec<(Switch, gtk::Switch)>,
    interval: gtk::SpinButton,
    pool: gtk::Entry,
    network: gtk::Entry,
    release_keys: Option<ReleaseKeysRow>,
}

impl std::fmt::Debug for Preferences {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Preferences")
            .field("values", &self.values)
            .finish_non_exhaustive()
    }
}

impl Preferences {
    /// The stored values the window shows (`None` when settings cannot be opened).
    pub fn values(&self) -> Option<&PreferenceValues> {
        self.values.as_ref()
    }

    /// The switch for `switch` (for tests and accessibility checks).
    pub fn switch_widget(&self, switch: Switch) -> Option<&gtk::Switch> {
        self.switches
            .iter()
            .find(|(s, _)| *s == switch)
            .map(|(_, w)| w)
    }

    /// The "Release Keyboard" row (for tests and accessibility checks).
    pub fn release_keys_row(&self) -> Option<&ReleaseKeysRow> {
        self.release_keys.as_ref()
    }

    /// Sets the controls to `values` where they differ (setting a control to what it shows
    /// already would echo back as a change).
    fn show_values(&self, values: &PreferenceValues) {
        for (switch, widget) in &self.switches {
            let on = values.switch(*switch);
            if widget.is_active() != on {
                widget.set_active(on);
            }
        }
        if (self.interval.value() - values.interval_secs).abs() > 1e-6 {
            self.interval.set_value(values.interval_secs);
        }
        if let Some(row) = &self.release_keys {
            row.show(&values.release_keys);
        }
        for (entry, text) in [(&self.pool, &values.pool), (&self.network, &values.network)] {
            if entry.text() != text.as_str() {
                entry.set_text(text);
            }
        }
    }
}

/// Reports a setting that could not be written.
fn report(sender: &ComponentSender<Preferences>, key: &str, result: Result<(), impl ToString>) {
    if let Err(e) = result {
        tracing::warn!("cannot save {key}: {}", e.to_string());
        let _ = sender.output(PreferencesOutput::Error(gettext(
            "The preference could not be saved.",
        )));
    }
}

/// Messages to the Preferences window.
#[derive(Debug)]
pub enum PreferencesMsg {
    /// Show (or raise) the window.
    Show,
    /// The statistics interval, in seconds.
    StatsInterval(f64),
    /// A switch was turned on or off.
    Toggle(Switch, bool),
    /// A name for new VMs was typed.
    Name(NameField, String),
    /// The keys that end a console's keyboard grab were chosen.
    ReleaseKeys(ReleaseKeys),
    /// Record keys of one's own to end a console's keyboard grab.
    RecordReleaseKeys,
    /// A setting changed (here or elsewhere): show the stored values.
    Reload,
}

/// What the window tells its parent.
#[derive(Debug)]
pub enum PreferencesOutput {
    /// Something went wrong the user should hear about.
    Error(String),
}

#[relm4::component(pub)]
impl Component for Preferences {
    type Init = ();
    type Input = PreferencesMsg;
    type Output = PreferencesOutput;
    type CommandOutput = ();

    view! {
        adw::PreferencesWindow {
            set_title: Some(&gettext("Preferences")),
            set_hide_on_close: true,
            set_search_enabled: false,
            set_default_size: (560, 680),

            add = &adw::PreferencesPage {
                set_title: &gettext("General"),
                set_icon_name: Some("preferences-system-symbolic"),
                #[watch]
                set_sensitive: model.values.is_some(),

                #[name = "graphs_group"]
                add = &adw::PreferencesGroup {
                    set_title: &gettext("Performance"),
                    set_description: Some(&gettext("Statistics of running virtual machines and their hosts")),

                    adw::ActionRow {
                        set_title: &gettext("Statistics Interval"),
                        set_subtitle: &gettext("Seconds between two readings"),
                        #[name = "interval"]
                        add_suffix = &gtk::SpinButton::with_range(0.5, 10.0, 0.5) {
                            set_valign: gtk::Align::Center,
                            set_digits: 1,
                            set_numeric: true,
                            update_property: &[gtk::accessible::Property::Label(
                                &gettext("Statistics interval in seconds"))],
                            connect_value_changed[sender] => move |s| {
                                sender.input(PreferencesMsg::StatsInterval(s.value()));
                            },
                        },
                        set_activatable_widget: Some(&interval),
                    },
                },

                #[name = "console_group"]
                add = &adw::PreferencesGroup {
                    set_title: &gettext("Consoles"),
                    set_description: Some(&gettext("How graphical consoles open")),
                },

                #[name = "confirm_group"]
                add = &adw::PreferencesGroup {
                    set_title: &gettext("Confirmations"),
                },

                add = &adw::PreferencesGroup {
                    set_title: &gettext("New Virtual Machines"),
                    set_description: Some(&gettext(
                        "What the assistant chooses first, where the host has it. Leave empty for its own choice.")),

                    adw::ActionRow {
                        set_title: &gettext("Storage Pool"),
                        #[name = "pool"]
                        add_suffix = &gtk::Entry {
                            set_valign: gtk::Align::Center,
                            set_placeholder_text: Some(&gettext("First active pool")),
                            update_property: &[gtk::accessible::Property::Label(
                                &gettext("Storage pool for new virtual machines"))],
                            connect_changed[sender] => move |e| {
                                sender.input(PreferencesMsg::Name(NameField::Pool, e.text().to_string()));
                            },
                        },
                        set_activatable_widget: Some(&pool),
                    },
                    adw::ActionRow {
                        set_title: &gettext("Network"),
                        #[name = "network"]
                        add_suffix = &gtk::Entry {
                            set_valign: gtk::Align::Center,
                            set_placeholder_text: Some("default"),
                            update_property: &[gtk::accessible::Property::Label(
                                &gettext("Network for new virtual machines"))],
                            connect_changed[sender] => move |e| {
                                sender.input(PreferencesMsg::Name(NameField::Network, e.text().to_string()));
                            },
                        },
                        set_activatable_widget: Some(&network),
                    },
                },
            },
        }
    }

    fn init((): (), root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        // Where settings cannot be opened, the main window has said so; the page stays off.
        let settings = AppSettings::open().ok();
        let values = settings.as_ref().map(|s| PreferenceValues::read(s.gio()));
        let mut model = Preferences {
            values: values.clone(),
            handler: None,
            settings,
            switches: Vec::new(),
            interval: gtk::SpinButton::with_range(0.5, 10.0, 0.5),
            pool: gtk::Entry::new(),
            network: gtk::Entry::new(),
            release_keys: None,
        };
        let widgets = view_output!();
        model.interval = widgets.interval.clone();
        model.pool = widgets.pool.clone();
        model.network = widgets.network.clone();
        // libadwaita's search entry (searching is off, but the entry is there) has no name.
        for w in crate::ui::a11y::descendants(root.upcast_ref()) {
            if w.is::<gtk::SearchEntry>() {
                crate::ui::a11y::name(&w, &gettext("Search Preferences"));
            }
        }
        // Their own names only (the rows would add their titles).
        for w in [
            model.interval.upcast_ref::<gtk::Widget>(),
            model.pool.upcast_ref(),
            model.network.upcast_ref(),
        ] {
            w.reset_relation(gtk::AccessibleRelation::LabelledBy);
        }
        for switch in Switch::ALL {
            let group = match switch {
                Switch::GraphCpu
                | Switch::GraphMemory
                | Switch::GraphDisk
                | Switch::GraphNetwork => &widgets.graphs_group,
                Switch::ScaleToFit | Switch::ResizeGuest | Switch::ShareClipboard => {
                    &widgets.console_group
                }
                Switch::ConfirmForceOff | Switch::ConfirmDelete => &widgets.confirm_group,
            };
            let (row, widget) = switch_row(switch, &sender);
            group.add(&row);
            model.switches.push((switch, widget));
        }
        let (chosen, record) = (sender.input_sender().clone(), sender.input_sender().clone());
        let row = ReleaseKeysRow::new(
            move |keys| chosen.emit(PreferencesMsg::ReleaseKeys(keys)),
            move || record.emit(PreferencesMsg::RecordReleaseKeys),
        );
        widgets.console_group.add(&row.row);
        model.release_keys = Some(row);
        if let Some(values) = &values {
            model.show_values(values);
        }
        // Connected after the controls show the values, so that showing them writes nothing.
        model.handler = model.settings.as_ref().map(|s| {
            let input = sender.input_sender().clone();
            s.gio()
                .connect_changed(None, move |_, _| input.emit(PreferencesMsg::Reload))
        });
        ComponentParts { model, widgets }
    }

    fn update(&mut self, msg: PreferencesMsg, sender: ComponentSender<Self>, root: &Self::Root) {
        let Some(settings) = self.settings.clone() else {
            if matches!(msg, PreferencesMsg::Show) {
                root.present();
            }
            return;
        };
        let s = settings.gio();
        match msg {
            PreferencesMsg::Show => root.present(),
            PreferencesMsg::StatsInterval(secs) => {
                let ms = (secs * 1000.0).round().clamp(500.0, 10_000.0) as i32;
                if s.int(keys::STATS_INTERVAL_MS) != ms {
                    report(
                        &sender,
                        keys::STATS_INTERVAL_MS,
                        s.set_int(keys::STATS_INTERVAL_MS, ms),
                    );
                }
            }
            PreferencesMsg::Toggle(switch, on) => {
                if s.boolean(switch.key()) != on {
                    report(&sender, switch.key(), s.set_boolean(switch.key(), on));
                }
            }
            PreferencesMsg::Name(field, text) => {
                // Stored as typed (trimming here would take a space the user is typing away);
                // readers trim.
                if s.string(field.key()) != text.as_str() {
                    report(&sender, field.key(), s.set_string(field.key(), &text));
                }
            }
            PreferencesMsg::ReleaseKeys(chosen) => {
                let stored = chosen.to_stored();
                if s.string(keys::CONSOLE_GRAB_KEYS) != stored.as_str() {
                    report(
                        &sender,
                        keys::CONSOLE_GRAB_KEYS,
                        s.set_string(keys::CONSOLE_GRAB_KEYS, &stored),
                    );
                }
            }
            PreferencesMsg::RecordReleaseKeys => {
                let input = sender.input_sender().clone();
                release_keys::record(Some(root.upcast_ref()), move |keys| {
                    // Cancelled: the row shows the stored keys again.
                    input.emit(match keys {
                        Some(keys) => PreferencesMsg::ReleaseKeys(keys),
                        None => PreferencesMsg::Reload,
                    });
                });
            }
            PreferencesMsg::Reload => {
                let values = PreferenceValues::read(s);
                self.show_values(&values);
                self.values = Some(values);
            }
        }
    }

    fn shutdown(&mut self, _widgets: &mut Self::Widgets, _output: relm4::Sender<Self::Output>) {
        if let (Some(settings), Some(id)) = (&self.settings, self.handler.take()) {
            settings.gio().disconnect(id);
        }
    }
}

/// A row with a switch for `switch`.
fn switch_row(
    switch: Switch,
    sender: &ComponentSender<Preferences>,
) -> (adw::ActionRow, gtk::Switch) {
    let title = switch.title();
    let row = adw::ActionRow::builder().title(&title).build();
    if let Some(subtitle) = switch.subtitle() {
        row.set_subtitle(&subtitle);
    }
    let widget = gtk::Switch::builder().valign(gtk::Align::Center).build();
    widget.update_property(&[gtk::accessible::Property::Label(&title)]);
    let input = sender.input_sender().clone();
    widget.connect_active_notify(move |w| {
        input.emit(PreferencesMsg::Toggle(switch, w.is_active()));
    });
    row.add_suffix(&widget);
    crate::ui::a11y::row_widget(&row, &widget);
    (row, widget)
}
