//! The VM window's console page: the VM's graphical display (VNC or SPICE, by the VM's
//! `<graphics type>`) or one of its serial consoles, switched at the top, with a toolbar for keys the host would catch, screenshots,
//! scaling and fullscreen. It opens the console when the VM runs and opens it again after the
//! VM starts or reboots, or the connection comes back.
//!
//! [`graphics`] reads the VM's devices and reaches its display, [`serial`] pumps a console
//! stream, `control` handles messages and background results, `view` holds the toolbar and
//! fullscreen helpers, `transfer` the bar shown while files dropped on a SPICE display go to
//! the guest, `shared_folder` the choice of a folder shared with a SPICE guest, `monitors`
//! the windows of a SPICE VM's further monitors, `usb` the SPICE USB menu, `choices` what is
//! remembered per VM (the clipboard, USB, microphone and shared folder choices), `queries` what
//! the page holds and shows.

mod choices;
mod control;
pub mod graphics;
mod monitors;
pub mod password;
mod queries;
pub mod screenshot;
pub mod serial;
mod shared_folder;
mod transfer;
pub mod typing;
mod usb;
mod view;

use adw::prelude::*;
use relm4::prelude::*;
use virt_client::Connection;

use crate::i18n::gettext;
use crate::widgets::screen::SessionSignals;
use crate::widgets::serial_console::SerialConsole;
use crate::widgets::spice_display::SpiceDisplay;
use crate::widgets::vnc_display::{KeyCombo, VncDisplay};
pub use graphics::{ConsoleInfo, GraphicsInfo, Route, SerialDevice};
pub use serial::SerialState;

/// What the page shows.
#[derive(Debug, Clone)]
pub struct ConsoleInit {
    /// The VM's name.
    pub name: String,
    /// The URI of its connection (which way the display is reached).
    pub uri: String,
    /// The connection to its host, while connected.
    pub connection: Option<Connection>,
}

/// Which console the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConsoleMode {
    /// The graphical display (VNC or SPICE).
    #[default]
    Graphical,
    /// A serial console.
    Serial,
}

/// Messages to the console page.
#[derive(Debug)]
pub enum ConsoleMsg {
    /// The connection changed (reconnected, or gone).
    Connection(Option<Connection>),
    /// Read the VM's state and devices again and reopen what is closed.
    Reload,
    /// Show this console.
    Mode(ConsoleMode),
    /// Use serial device `.0` of the list.
    SerialDevice(usize),
    /// Take the serial console from the client holding it.
    TakeOver,
    /// Start the VM.
    Run,
    /// Show the VM's hardware.
    ShowHardware,
    /// Send a key combination to the display.
    SendKeys(KeyCombo),
    /// Type the host clipboard's text into the display.
    TypeClipboard,
    /// Type this text into the display (`confirmed`: the user agreed to a long text).
    TypeText {
        /// The text.
        text: String,
        /// Whether a long text was confirmed.
        confirmed: bool,
    },
    /// Typing ended (with the error that stopped it).
    TypingDone(Result<(), String>),
    /// Share the clipboard with this VM, or stop (remembered for the VM).
    ShareClipboard(bool),
    /// The default clipboard sharing (for VMs without a choice) changed.
    ClipboardDefaultChanged,
    /// Give the guest USB devices plugged in while the console is open, or stop (SPICE;
    /// remembered for the VM).
    UsbAutoRedirect(bool),
    /// Let the guest record from the host's microphone, or stop (SPICE; remembered for the
    /// VM).
    ShareMicrophone(bool),
    /// Share this folder of this machine with the guest (with whether the guest may only read
    /// it), or none (SPICE; remembered for the VM).
    SharedFolder(Option<(String, bool)>),
    /// What became of a USB device: why it could not go to the guest (and what to do), or
    /// that a disc image went.
    UsbNotice(String),
    /// The keys that end the keyboard grab changed in the settings.
    ReleaseKeysChanged,
    /// Save the display as a PNG file.
    Screenshot,
    /// Enter (true) or leave fullscreen.
    Fullscreen(bool),
    /// The display connected.
    DisplayConnected,
    /// The guest takes pointer movements, not positions (no tablet).
    PointerRelative,
    /// The display's session ended (with the reason; empty for a clean close).
    DisplayDisconnected(String),
    /// The display asks for its password.
    AuthRequired,
    /// A channel of the SPICE display wants a socket (request `.0`).
    SpiceFdWanted(u64),
    /// The user's answer to the password dialog (`None`: cancelled).
    Password {
        /// The password.
        password: Option<String>,
        /// Whether to remember it in the keyring.
        remember: bool,
    },
}

/// What the page asks of its window.
#[derive(Debug)]
pub enum ConsoleOutput {
    /// Start the VM.
    Run,
    /// Show the VM's hardware (to add a device the console lacks).
    ShowHardware,
}

/// Background results.
#[derive(Debug)]
pub enum ConsoleCmd {
    /// The VM was read (for load `.0`).
    Loaded(u64, Result<Box<ConsoleInfo>, String>),
    /// A socket to the display (for load `.0`).
    GraphicsFd(u64, Result<std::os::fd::OwnedFd, String>),
    /// A socket for request `.0` of a SPICE channel.
    SpiceChannelFd(u64, Result<std::os::fd::OwnedFd, String>),
    /// A channel to the display through the ssh master (for load `.0`).
    GraphicsChannel(u64, Result<Box<virt_client::Channel>, String>),
    /// A channel through the ssh master for request `.0` of a SPICE channel.
    SpiceSshChannel(u64, Result<Box<virt_client::Channel>, String>),
    /// The VM started, stopped or rebooted.
    Event,
    /// The serial session `.0` changed state.
    Serial(u64, SerialState),
    /// Bytes from the serial session `.0`.
    SerialData(u64, Vec<u8>),
    /// Time to try the display again (for load `.0`).
    Retry(u64),
    /// The keyring's password for the display, if it has one.
    Remembered(Option<String>),
    /// Keyring work finished.
    KeyringDone,
}

/// The console page.
#[derive(Debug)]
pub struct ConsolePage {
    name: String,
    uri: String,
    connection: Option<Connection>,
    generation: u64,
    info: Option<ConsoleInfo>,
    failure: Option<String>,
    /// Why the graphical display could not be reached, until the next try.
    display_failure: Option<String>,
    mode: ConsoleMode,
    display: VncDisplay,
    spice: SpiceDisplay,
    serial: SerialConsole,
    serial_index: usize,
    serial_state: SerialState,
    serial_gen: u64,
    serial_stop: Option<tokio::sync::oneshot::Sender<()>>,
    input: serial::Input,
    events_stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// Giving the display its password.
    password: password::PasswordState,
    /// The ssh channel the display runs over, if any.
    channel: Option<Box<virt_client::Channel>>,
    /// The ssh channels of the SPICE session's other channels.
    spice_channels: Vec<virt_client::Channel>,
    /// Display reopenings since it last connected.
    retries: u32,
    fullscreen: Option<view::Fullscreen>,
    toast: adw::ToastOverlay,
    /// Whether the page has said that the guest's pointer is relative (said once).
    pointer_hint_shown: bool,
    /// Whether text is being typed into the display.
    typing: bool,
    /// Following the default clipboard sharing in the settings.
    clipboard_default: Option<(gtk::gio::Settings, gtk::glib::SignalHandlerId)>,
    /// Following the keys that end the keyboard grab in the settings.
    release_keys: Option<(gtk::gio::Settings, gtk::glib::SignalHandlerId)>,
    /// The windows of the SPICE session's further monitors.
    monitor_windows: monitors::Windows,
}

/// What the status page says instead of a console, and which button it offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The heading.
    pub title: String,
    /// More detail.
    pub description: String,
    /// The button's action.
    pub action: Option<StatusAction>,
}

/// A status page's button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    /// Start the VM.
    Run,
    /// Take the serial console over.
    TakeOver,
    /// Try again.
    Retry,
}

#[relm4::component(pub)]
impl Component for ConsolePage {
    type Init = ConsoleInit;
    type Input = ConsoleMsg;
    type Output = ConsoleOutput;
    type CommandOutput = ConsoleCmd;

    view! {
        gtk::Box {
            set_orientation: gtk::Orientation::Vertical,

            #[name = "toolbar"]
            gtk::Box {
                set_spacing: 6,
                set_margin_all: 6,
                gtk::Box {
                    add_css_class: "linked",
                    #[name = "graphical_button"]
                    gtk::ToggleButton {
                        set_label: &gettext("Graphical"),
                        #[watch]
                        set_active: model.mode == ConsoleMode::Graphical,
                        connect_toggled[sender] => move |b| if b.is_active() {
                            sender.input(ConsoleMsg::Mode(ConsoleMode::Graphical));
                        },
                    },
                    gtk::ToggleButton {
                        set_label: &gettext("Serial"),
                        set_group: Some(&graphical_button),
                        #[watch]
                        set_active: model.mode == ConsoleMode::Serial,
                        connect_toggled[sender] => move |b| if b.is_active() {
                            sender.input(ConsoleMsg::Mode(ConsoleMode::Serial));
                        },
                    },
                },
                #[name = "devices"]
                gtk::DropDown {
                    set_tooltip_text: Some(&gettext("Serial device")),
                    #[watch]
                    set_visible: model.mode == ConsoleMode::Serial
                        && model.info.as_ref().is_some_and(|i| i.serials.len() > 1),
                },
                gtk::Box { set_hexpand: true },
                #[name = "graphics_tools"]
                gtk::Box {
                    set_spacing: 6,
                    #[watch]
                    set_visible: model.mode == ConsoleMode::Graphical && model.status().is_none(),
                    #[watch]
                    set_sensitive: model.display_connected(),
                },
            },

            #[name = "toast"]
            adw::ToastOverlay {
                set_vexpand: true,
                #[name = "content"]
                gtk::Stack {
                    add_named[Some("status")] = &adw::StatusPage {
                        set_icon_name: Some("computer-symbolic"),
                        #[watch]
                        set_title: &model.status().map(|s| s.title).unwrap_or_default(),
                        #[watch]
                        set_description: model.status().map(|s| s.description).as_deref(),
                        #[name = "status_button"]
                        gtk::Button {
                            set_halign: gtk::Align::Center,
                            add_css_class: "pill",
                            add_css_class: "suggested-action",
                            #[watch]
                            set_visible: model.status().and_then(|s| s.action).is_some(),
                            #[watch]
                            set_label: &model.status().and_then(|s| s.action).map(view::action_label).unwrap_or_default(),
                        },
                    },
                },
            },
        }
    }

    fn init(
        init: Self::Init,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let display = VncDisplay::new();
        display.set_hexpand(true);
        display.set_vexpand(true);
        let s = sender.input_sender().clone();
        display.connect_connected(move |_| s.emit(ConsoleMsg::DisplayConnected));
        let s = sender.input_sender().clone();
        display.connect_absolute_pointer_notify(move |d| {
            if !d.absolute_pointer() {
                s.emit(ConsoleMsg::PointerRelative);
            }
        });
        let s = sender.input_sender().clone();
        display.connect_disconnected(move |_, reason| {
            s.emit(ConsoleMsg::DisplayDisconnected(reason.to_string()));
        });
        let spice = SpiceDisplay::new();
        spice.set_hexpand(true);
        spice.set_vexpand(true);
        // One scaling choice for both displays (the toolbar shows the VNC display's).
        display
            .bind_property("scaling", &spice, "scaling")
            .sync_create()
            .build();
        display
            .bind_property("share-clipboard", &spice, "share-clipboard")
            .sync_create()
            .build();
        let s = sender.input_sender().clone();
        spice.connect_connected(move |_| s.emit(ConsoleMsg::DisplayConnected));
        let s = sender.input_sender().clone();
        spice.connect_absolute_pointer_notify(move |d| {
            if !d.absolute_pointer() {
                s.emit(ConsoleMsg::PointerRelative);
            }
        });
        let s = sender.input_sender().clone();
        spice.connect_disconnected(move |_, reason| {
            s.emit(ConsoleMsg::DisplayDisconnected(reason.to_string()));
        });
        let s = sender.input_sender().clone();
        spice.connect_auth_required(move |_, _| s.emit(ConsoleMsg::AuthRequired));
        let s = sender.input_sender().clone();
        spice.connect_channel_fd_wanted(move |_, id| s.emit(ConsoleMsg::SpiceFdWanted(id)));
        let s = sender.input_sender().clone();
        spice.connect_usb_error(move |_, e| s.emit(ConsoleMsg::UsbNotice(e.to_string())));
        let serial = SerialConsole::new();
        serial.set_input_enabled(false);
        let input = std::sync::Arc::new(tokio::sync::Mutex::new(serial.input_channel()));
        let mut model = ConsolePage {
            name: init.name,
            uri: init.uri,
            connection: init.connection,
            generation: 0,
            info: None,
            failure: None,
            display_failure: None,
            mode: ConsoleMode::Graphical,
            display,
            spice,
            serial,
            serial_index: 0,
            serial_state: SerialState::Closed,
            serial_gen: 0,
            serial_stop: None,
            input,
            events_stop: None,
            channel: None,
            spice_channels: Vec::new(),
            password: password::PasswordState::default(),
            retries: 0,
            fullscreen: None,
            toast: adw::ToastOverlay::new(),
            pointer_hint_shown: false,
            typing: false,
            clipboard_default: None,
            release_keys: None,
            monitor_windows: Default::default(),
        };
        let widgets = view_output!();
        crate::ui::a11y::name(&widgets.devices, &gettext("Serial device"));
        model.toast = widgets.toast.clone();
        root.append(&transfer::bar(&model.spice, &model.toast));
        widgets
            .graphics_tools
            .append(&transfer::send_button(&model.spice, &model.toast));
        widgets
            .graphics_tools
            .append(&shared_folder::button(&model.spice, sender.input_sender()));
        let (windows, others) = monitors::follow(&model.spice, &model.name);
        model.monitor_windows = windows;
        widgets.graphics_tools.append(&others);
        view::build_tools(
            &widgets.graphics_tools,
            &model.display,
            &model.spice,
            sender.input_sender(),
        );
        view::add_shortcuts(&model.display, sender.input_sender());
        view::add_shortcuts(&model.spice, sender.input_sender());
        let s = sender.input_sender().clone();
        widgets.devices.connect_selected_notify(move |d| {
            s.emit(ConsoleMsg::SerialDevice(d.selected() as usize))
        });
        // The status button's action depends on the state shown.
        widgets.status_button.connect_clicked({
            let s = sender.input_sender().clone();
            move |b| {
                if let Some(action) = view::action_of(b) {
                    s.emit(match action {
                        StatusAction::Run => ConsoleMsg::Run,
                        StatusAction::TakeOver => ConsoleMsg::TakeOver,
                        StatusAction::Retry => ConsoleMsg::Reload,
                    });
                }
            }
        });
        widgets.content.add_named(&model.display, Some("graphical"));
        widgets.content.add_named(&model.spice, Some("spice"));
        widgets.content.add_named(&model.serial, Some("serial"));
        let s = sender.input_sender().clone();
        model
            .display
            .connect_auth_required(move |_, _| s.emit(ConsoleMsg::AuthRequired));
        if let Ok(settings) = crate::settings::AppSettings::open() {
            let s = sender.input_sender().clone();
            let gio = settings.gio().clone();
            let id = gio.connect_changed(
                Some(crate::settings::keys::CONSOLE_SHARE_CLIPBOARD),
                move |_, _| s.emit(ConsoleMsg::ClipboardDefaultChanged),
            );
            model.clipboard_default = Some((gio.clone(), id));
            let s = sender.input_sender().clone();
            let id = gio.connect_changed(
                Some(crate::settings::keys::CONSOLE_GRAB_KEYS),
                move |_, _| s.emit(ConsoleMsg::ReleaseKeysChanged),
            );
            model.release_keys = Some((gio, id));
            model.apply_release_keys();
        }
        model.start_load(&sender);
        ComponentParts { model, widgets }
    }

    fn update_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        msg: Self::Input,
        sender: ComponentSender<Self>,
        root: &Self::Root,
    ) {
        self.update(msg, sender.clone(), root);
        self.sync(widgets);
        self.update_view(widgets, sender);
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>, _root: &Self::Root) {
        self.handle(msg, &sender);
    }

    fn update_cmd_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        msg: Self::CommandOutput,
        sender: ComponentSender<Self>,
        _root: &Self::Root,
    ) {
        self.handle_cmd(msg, &sender);
        self.sync(widgets);
        self.update_view(widgets, sender);
    }

    fn shutdown(&mut self, _widgets: &mut Self::Widgets, _output: relm4::Sender<Self::Output>) {
        self.events_stop.take();
        for (settings, id) in [self.clipboard_default.take(), self.release_keys.take()]
            .into_iter()
            .flatten()
        {
            settings.disconnect(id);
        }
        self.stop_serial();
        self.close_displays();
        monitors::close_all(&self.monitor_windows);
        if let Some(f) = self.fullscreen.take() {
            f.leave(&self.graphical());
        }
    }
}

impl ConsolePage {
    fn sync(&self, widgets: &ConsolePageWidgets) {
        let child = match (self.status(), self.mode) {
            (Some(_), _) => "status",
            (None, ConsoleMode::Graphical) if self.is_spice() => "spice",
            (None, ConsoleMode::Graphical) => "graphical",
            (None, ConsoleMode::Serial) => "serial",
        };
        if self.fullscreen.is_none() || !matches!(child, "graphical" | "spice") {
            widgets.content.set_visible_child_name(child);
        }
        view::set_action(&widgets.status_button, self.status().and_then(|s| s.action));
        view::sync_devices(&widgets.devices, self.info.as_ref(), self.serial_index);
    }
}
