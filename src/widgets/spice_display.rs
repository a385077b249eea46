//! `HangarSpiceDisplay`: a guest's graphical console over SPICE (spice-client-glib), as a GTK 4
//! widget.
//!
//! The SPICE session runs on the GLib main loop of the GTK thread. The widget opens it from a
//! socket fd (libvirt's DOMAIN_OPEN_GRAPHICS_FD, or a channel through an ssh master) or a host
//! and port (plain, or TLS with the server's certificate checked against a CA). Over an fd,
//! every further channel (display, inputs, …) needs a socket of its own: the widget asks for
//! one with the `channel-fd-wanted` signal and takes it with [`SpiceDisplay::give_channel_fd`]. The display
//! channel's primary surface is shown in place (damaged rectangles redrawn, a copy taken only
//! when the surface goes away), drawn like the VNC display's framebuffer (scaled to fit or 1:1).
//!
//! Split by concern, each file adding `impl imp::SpiceDisplay { … }`: `session` (open,
//! channels, fds, authentication, end), `render` (the surface shown, drawing, screenshots), `input`
//! (keyboard by scan code, pointer in server and client mode, grab), `clipboard` (text and
//! images both ways through the guest's agent), `guest_size` (the guest's display resized to
//! the widget through the agent), `audio` (the guest's sound, mute, the microphone when
//! shared), `usb` (host USB devices redirected to the guest, by hand or as they are plugged
//! in), `transfer` (files dropped on the display sent to the guest through its agent),
//! `folder` (a folder of this machine shared with the guest over WebDAV).
//!
//! It shares [`DisplayState`], [`VncStatus`], [`Scaling`] and [`KeyCombo`] with the VNC
//! display, so the console page treats both alike.

mod audio;
mod clipboard;
mod folder;
mod guest_size;
mod input;
pub(crate) mod render;
mod session;
mod signals;
mod transfer;
mod usb;

use std::os::fd::OwnedFd;
use std::path::Path;

use gtk::glib;
use gtk::glib::subclass::prelude::*;
use gtk::prelude::*;

pub use crate::widgets::vnc_display::{DisplayState, KeyCombo, Scaling, VncStatus};
pub use usb::{UsbDeviceEntry, explain_usb_error};

/// The TLS side of a SPICE server reached over TCP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpiceTls {
    /// The server's TLS port.
    pub port: u16,
    /// The CA certificate (PEM) the server's certificate must be signed by.
    pub ca_file: std::path::PathBuf,
}

/// Errors of the display's methods.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpiceError {
    /// `open_*` was called while a session is open: close it first.
    #[error("the display already has a session")]
    AlreadyOpen,
    /// spice-client-glib refused to open the session.
    #[error("cannot open the SPICE session: {0}")]
    Open(String),
    /// The operation needs a connected display.
    #[error("the display is not connected")]
    NotConnected,
    /// The picture could not be created or saved.
    #[error("picture: {0}")]
    Picture(String),
    /// Files are already being sent to the guest.
    #[error("files are already being sent to the guest")]
    Busy,
    /// The guest runs no SPICE agent (spice-vdagent) to take files.
    #[error("the guest runs no SPICE agent (spice-vdagent), which receives files")]
    NoAgent,
}

mod imp {
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeMap;
    use std::sync::OnceLock;

    use gtk::glib::subclass::Signal;
    use gtk::subclass::prelude::*;
    use gtk::{glib, prelude::*};

    use super::{DisplayState, Scaling, VncStatus};

    /// The open session and its channels.
    pub(super) struct Live {
        pub(super) id: u64,
        pub(super) session: spice_client_glib::Session,
        pub(super) main: Option<spice_client_glib::MainChannel>,
        pub(super) display: Option<spice_client_glib::DisplayChannel>,
        pub(super) inputs: Option<spice_client_glib::InputsChannel>,
        /// Channels waiting for a socket, by request number.
        pub(super) fd_wanted: BTreeMap<u64, spice_client_glib::Channel>,
        /// The server's channels, by SPICE's names, as announced.
        pub(super) offered: Vec<String>,
        /// The audio back-end, once the server offered sound.
        pub(super) audio: Option<spice_client_glib::Audio>,
        /// The playback channel, once offered.
        pub(super) playback: Option<spice_client_glib::PlaybackChannel>,
        /// The record channel, once offered.
        pub(super) record: Option<spice_client_glib::RecordChannel>,
        /// The USB device manager, once made.
        pub(super) usb: Option<spice_client_glib::UsbDeviceManager>,
        /// The WebDAV channel (for a shared folder), once offered.
        pub(super) webdav: Option<spice_client_glib::WebdavChannel>,
        /// The monitors after the first, by display channel.
        pub(super) monitors: Vec<crate::widgets::spice_monitor::SpiceMonitor>,
    }

    #[derive(Default, glib::Properties)]
    #[properties(wrapper_type = super::SpiceDisplay)]
    pub struct SpiceDisplay {
        /// Coarse connection state.
        #[property(get, builder(VncStatus::Idle))]
        pub(super) status: Cell<VncStatus>,
        /// How the picture maps to the widget.
        #[property(get, set = Self::set_scaling_mode, builder(Scaling::Fit))]
        pub(super) scaling: Cell<Scaling>,
        /// Whether the keyboard is grabbed (system shortcuts go to the guest).
        #[property(get = Self::is_keyboard_grabbed)]
        pub(super) keyboard_grabbed: std::marker::PhantomData<bool>,
        /// The keyboard grab, its hint and the keys that end it.
        pub(super) grab: crate::widgets::console_input::KeyboardGrab,
        /// Whether the server takes absolute pointer positions (SPICE's client mouse mode: a
        /// tablet or the agent in the guest).
        #[property(get)]
        pub(super) absolute_pointer: Cell<bool>,
        /// Whether the guest's display follows the widget's size (through the guest's agent,
        /// while the picture is fitted to the widget).
        #[property(get, set = Self::set_resize_guest_mode)]
        pub(super) resize_guest: Cell<bool>,
        pub(super) guest_resize_timer: RefCell<Option<glib::SourceId>>,
        /// The monitors' sizes last asked of the guest.
        pub(super) guest_size_asked: RefCell<Option<super::guest_size::Layout>>,
        /// Whether the guest's sound is silenced here.
        #[property(get, set = Self::set_muted_mode)]
        pub(super) muted: Cell<bool>,
        /// Whether the server offers the guest's sound (the VM has a sound card).
        #[property(get)]
        pub(super) has_audio: Cell<bool>,
        /// Whether the server offers USB redirection (the VM has SPICE USB redirection ports).
        #[property(get)]
        pub(super) has_usb: Cell<bool>,
        /// Whether the guest's sound channel is open (offered and not muted).
        #[property(get)]
        pub(super) plays_audio: Cell<bool>,
        /// Whether the guest may record from the host's microphone (off: the record channel
        /// is not kept open, so the microphone is never read).
        #[property(get, set = Self::set_share_microphone_mode)]
        pub(super) share_microphone: Cell<bool>,
        /// Whether the record channel is open.
        #[property(get)]
        pub(super) record_open: Cell<bool>,
        /// Whether USB devices plugged into the host while the session is open go to the
        /// guest (spice-client-glib's `auto-connect`; HID devices excepted).
        #[property(get, set = Self::set_usb_auto_redirect_mode)]
        pub(super) usb_auto_redirect: Cell<bool>,
        /// Whether clipboard text goes between host and guest through the guest's agent
        /// (off: nothing is offered, sent or taken).
        #[property(get, set = Self::set_share_clipboard_mode)]
        pub(super) share_clipboard: Cell<bool>,
        /// The guest's last clipboard text put on the host (not offered back).
        pub(super) guest_clipboard: RefCell<Option<String>>,
        /// The host clipboard's content made for the guest's last picture (not offered back).
        pub(super) guest_image: RefCell<Option<gtk::gdk::ContentProvider>>,
        /// The host's text waits to be offered (for the focus, or the agent).
        pub(super) clipboard_pending: Cell<bool>,
        /// The display holds the guest's clipboard for the host's text.
        pub(super) clipboard_grabbed: Cell<bool>,
        pub(super) clipboard_handler: RefCell<Option<glib::SignalHandlerId>>,
        /// The folder of this machine shared with the guest ("" for none).
        #[property(get, set = Self::set_shared_folder_mode)]
        pub(super) shared_folder: RefCell<String>,
        /// Whether the guest may only read the shared folder.
        #[property(get, set = Self::set_shared_folder_read_only_mode)]
        pub(super) shared_folder_read_only: Cell<bool>,
        /// Whether the server offers a channel for a shared folder (the VM has one).
        #[property(get)]
        pub(super) has_shared_folder_channel: Cell<bool>,
        /// Whether that channel is connected.
        pub(super) shared_folder_open: Cell<bool>,
        /// Whether an agent runs in the guest (clipboard, display size and files need one).
        #[property(get)]
        pub(super) has_agent: Cell<bool>,
        /// Whether files are being sent to the guest.
        #[property(get)]
        pub(super) transferring: Cell<bool>,
        /// How much of the files being sent has gone, from 0 to 1.
        #[property(get)]
        pub(super) transfer_progress: Cell<f64>,
        pub(super) transfer: RefCell<Option<super::transfer::Transfer>>,
        pub(super) transfer_batches: Cell<u64>,

        pub(super) state: RefCell<DisplayState>,
        pub(super) live: RefCell<Option<Live>>,
        pub(super) sessions: Cell<u64>,
        pub(super) fd_requests: Cell<u64>,
        pub(super) password: RefCell<Option<String>>,
        pub(super) last_error: RefCell<Option<String>>,
        pub(super) picture: RefCell<Option<crate::widgets::screen::Screen>>,

        pub(super) held_keys: RefCell<Vec<(u32, u32)>>,
        pub(super) button_mask: Cell<i32>,
        pub(super) relative_from: Cell<Option<(f64, f64)>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for SpiceDisplay {
        const NAME: &'static str = "HangarSpiceDisplay";
        type Type = super::SpiceDisplay;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("spice-display");
            klass.set_accessible_role(gtk::AccessibleRole::Img);
        }
    }

    #[glib::derived_properties]
    impl ObjectImpl for SpiceDisplay {
        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            obj.set_focusable(true);
            obj.set_focus_on_click(true);
            obj.set_overflow(gtk::Overflow::Hidden);
            self.setup_input();
            self.setup_clipboard();
            self.setup_file_drop();
        }

        fn signals() -> &'static [Signal] {
            static SIGNALS: OnceLock<Vec<Signal>> = OnceLock::new();
            SIGNALS.get_or_init(super::signals::definitions)
        }

        fn dispose(&self) {
            self.shutdown(None);
            if let Some(id) = self.clipboard_handler.take() {
                self.obj().clipboard().disconnect(id);
            }
        }
    }

    impl WidgetImpl for SpiceDisplay {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            self.measure_picture(orientation)
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            self.draw(snapshot);
        }

        fn size_allocate(&self, width: i32, height: i32, baseline: i32) {
            self.parent_size_allocate(width, height, baseline);
            self.schedule_guest_resize();
        }
    }

    impl SpiceDisplay {
        fn is_keyboard_grabbed(&self) -> bool {
            self.grab.grabbed()
        }

        fn set_scaling_mode(&self, mode: Scaling) {
            if self.scaling.replace(mode) != mode {
                let obj = self.obj();
                obj.queue_resize();
                obj.queue_draw();
                self.schedule_guest_resize();
            }
        }

        fn set_resize_guest_mode(&self, on: bool) {
            if self.resize_guest.replace(on) != on {
                self.schedule_guest_resize();
            }
        }

        fn set_shared_folder_mode(&self, folder: String) {
            if *self.shared_folder.borrow() != folder {
                self.shared_folder.replace(folder);
                self.apply_shared_folder();
            }
        }

        fn set_shared_folder_read_only_mode(&self, on: bool) {
            if self.shared_folder_read_only.replace(on) != on {
                self.apply_shared_folder();
            }
        }

        pub(super) fn set_has_agent(&self, on: bool) {
            if self.has_agent.replace(on) != on {
                self.obj().notify_has_agent();
            }
        }

        /// Moves to `state`, updating the `status` property.
        pub(super) fn set_state(&self, state: DisplayState) {
            let status = state.status();
            self.state.replace(state);
            if self.status.replace(status) != status {
                self.obj().notify_status();
            }
        }
    }
}

glib::wrapper! {
    /// A SPICE console: shows a guest's screen and sends it keyboard and pointer.
    pub struct SpiceDisplay(ObjectSubclass<imp::SpiceDisplay>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for SpiceDisplay {
    fn default() -> Self {
        Self::new()
    }
}

impl SpiceDisplay {
    /// A display with nothing open; it draws a neutral background until connected.
    pub fn new() -> Self {
        glib::Object::new()
    }

    /// Opens a SPICE session whose main channel runs over `fd`, a connected stream socket
    /// (from libvirt's DOMAIN_OPEN_GRAPHICS_FD). The session owns the fd. The other channels
    /// ask for sockets of their own with `channel-fd-wanted`.
    pub fn open_fd(&self, fd: OwnedFd) -> Result<(), SpiceError> {
        self.imp().open_fd(fd)
    }

    /// Opens a SPICE session to `host`:`port` over TCP.
    pub fn open_host(&self, host: &str, port: u16) -> Result<(), SpiceError> {
        self.imp().open_host(host, port)
    }

    /// Opens a SPICE session to `host` over TLS on `tls.port` (and plain on `port` for the
    /// channels the server lets go unencrypted), checking the server's certificate against
    /// `tls.ca_file` and `host`.
    pub fn open_host_tls(
        &self,
        host: &str,
        port: Option<u16>,
        tls: &SpiceTls,
    ) -> Result<(), SpiceError> {
        self.imp().open_host_tls(host, port, tls)
    }

    /// The channels the server offers in this session, by SPICE's names (`main`, `display`,
    /// `inputs`, `cursor`, `playback`, `record`, `usbredir`, …), in the order announced. The
    /// display opens main, display and inputs, the audio back-end playback and record (record
    /// kept open only while the microphone is shared), the USB device manager the usbredir
    /// channels; the others stay unopened.
    pub fn offered_channels(&self) -> Vec<String> {
        self.imp()
            .live
            .borrow()
            .as_ref()
            .map(|l| l.offered.clone())
            .unwrap_or_default()
    }

    /// The host's USB devices that could go to the guest, with whether each is there now.
    pub fn usb_devices(&self) -> Result<Vec<UsbDeviceEntry>, String> {
        self.imp().usb_devices()
    }

    /// The USB device manager's `auto-connect` as it is now (`None` without USB redirection);
    /// it follows [`Self::usb_auto_redirect`].
    pub fn usb_manager_auto_connect(&self) -> Option<bool> {
        self.imp().usb_manager_auto_connect()
    }

    /// How many of the server's USB redirection ports are free.
    pub fn usb_free_channels(&self) -> Result<i32, String> {
        self.imp().usb_free_channels()
    }

    /// Gives the guest USB device `index` of [`Self::usb_devices`] (`on`) or takes it back;
    /// `done` gets the outcome.
    pub fn set_usb_redirected(
        &self,
        index: usize,
        on: bool,
        done: impl FnOnce(Result<(), String>) + 'static,
    ) {
        self.imp().set_usb_redirected(index, on, done);
    }

    /// Offers disc image `path` of this computer as a USB CD drive and gives it to the
    /// guest; `done` gets the outcome.
    pub fn share_disc_image(&self, path: &Path, done: impl FnOnce(Result<(), String>) + 'static) {
        self.imp().share_disc_image(path, done);
    }

    /// Whether the inputs channel is open: keys and the pointer reach the guest.
    pub fn has_inputs(&self) -> bool {
        self.imp().inputs().is_some()
    }

    /// Hands a socket to the channel that asked for it with request `id` (an error ends the
    /// session with that reason). Unknown or stale requests close the fd.
    pub fn give_channel_fd(&self, id: u64, fd: Result<OwnedFd, String>) {
        self.imp().give_channel_fd(id, fd);
    }

    /// Ends the session (state becomes `Disconnected` with no reason). Nothing happens when
    /// nothing is open.
    pub fn close(&self) {
        self.imp().shutdown(None);
    }

    /// The connection state.
    pub fn state(&self) -> DisplayState {
        self.imp().state.borrow().clone()
    }

    /// The guest's screen size, once connected.
    pub fn framebuffer_size(&self) -> Option<(u32, u32)> {
        self.imp().picture_size()
    }

    /// The password for the next session (SPICE sends it when the session opens). The user
    /// name is not used by SPICE.
    pub fn set_credentials(&self, _username: Option<&str>, password: &str) {
        self.imp().password.replace(Some(password.to_owned()));
    }

    /// Sends a key combination the host would otherwise catch (press in order, release in
    /// reverse).
    pub fn send_keys(&self, combo: KeyCombo) -> Result<(), SpiceError> {
        self.imp().send_combo(combo)
    }

    /// Presses `keys` in order and releases them in reverse (one typed character, see
    /// [`crate::widgets::vnc_display::typing`]).
    pub fn send_key_group(
        &self,
        keys: &[crate::widgets::vnc_display::keymap::Key],
    ) -> Result<(), SpiceError> {
        self.imp().send_key_group(keys)
    }

    /// Grabs the keyboard: system shortcuts and the window's own shortcuts go to the guest
    /// until the release keys ([`Self::set_release_keys`], Ctrl+Alt unless changed) or
    /// [`Self::release_keyboard`]. A click into the display grabs too.
    pub fn grab_keyboard(&self) {
        self.imp().grab_keyboard();
    }

    /// Gives the keyboard back to the host.
    pub fn release_keyboard(&self) {
        self.imp().release_keyboard();
    }

    /// The keys that end a keyboard grab.
    pub fn release_keys(&self) -> crate::widgets::release_keys::ReleaseKeys {
        self.imp().grab.release().borrow().keys().clone()
    }

    /// Sets the keys that end a keyboard grab (applies to a grab under way, and its hint).
    pub fn set_release_keys(&self, keys: crate::widgets::release_keys::ReleaseKeys) {
        if self.imp().grab.set_release_keys(keys) {
            self.queue_draw();
        }
    }

    /// The hint shown over the display while it is up (after a grab).
    pub fn grab_hint(&self) -> Option<String> {
        self.imp().grab.hint()
    }

    /// A copy of the guest's screen as a texture (RGB), once connected.
    pub fn texture(&self) -> Option<gtk::gdk::Texture> {
        self.imp().texture()
    }

    /// The colour of one pixel of the guest's screen as (red, green, blue), once connected.
    pub fn pixel(&self, x: u32, y: u32) -> Option<(u8, u8, u8)> {
        self.imp().pixel(x, y)
    }

    /// Saves the guest's screen as a PNG file.
    pub fn save_screenshot(&self, path: &Path) -> Result<(), SpiceError> {
        self.imp().save_screenshot(path)
    }

    /// Handles a key press or release: GTK's key value and hardware key code (evdev + 8).
    /// Returns whether the key went to the guest.
    pub fn process_key(&self, keyval: u32, keycode: u32, pressed: bool) -> bool {
        self.imp().process_key(keyval, keycode, pressed)
    }

    /// Handles a pointer move to widget coordinates (`x`, `y`).
    pub fn process_motion(&self, x: f64, y: f64) {
        self.imp().process_motion(x, y);
    }

    /// Handles the pointer leaving the widget.
    pub fn process_leave(&self) {
        self.imp().relative_from.set(None);
    }

    /// Handles a button press or release (GTK numbering: 1 left, 2 middle, 3 right) at
    /// widget coordinates (`x`, `y`).
    pub fn process_button(&self, button: u32, pressed: bool, x: f64, y: f64) {
        self.imp().process_button(button, pressed, x, y);
    }

    /// Handles scrolling by whole steps (`dy` > 0: down).
    pub fn process_scroll(&self, dx: f64, dy: f64) {
        self.imp().process_scroll(dx, dy);
    }

    /// Sends `files` (on this machine) to the guest through its SPICE agent, which saves them
    /// in the guest user's download folder; `transfer-finished` says how it ended.
    pub fn send_files(&self, files: &[gtk::gio::File]) -> Result<(), SpiceError> {
        self.imp().send_files(files)
    }

    /// Stops sending files to the guest.
    pub fn cancel_transfer(&self) {
        self.imp().cancel_transfer();
    }

    /// The pointer at point `at` of monitor `number`'s picture (a further monitor), with a
    /// button pressed or released there if given; only while the guest takes positions.
    pub(crate) fn monitor_pointer(&self, number: u32, at: (u16, u16), button: Option<(u32, bool)>) {
        self.imp().monitor_pointer(number, at, button);
    }

    /// A further monitor's widget changed size, or was shown or hidden: the guest's displays
    /// follow when they follow the widgets.
    pub(crate) fn monitor_layout_changed(&self) {
        self.imp().schedule_guest_resize();
    }

    /// The session's monitors after the first.
    pub fn monitors(&self) -> Vec<crate::widgets::spice_monitor::SpiceMonitor> {
        let live = self.imp().live.borrow();
        live.as_ref()
            .map(|l| l.monitors.clone())
            .unwrap_or_default()
    }
}
