//! `HangarVncDisplay`: a guest's graphical console over VNC (gvnc), as a GTK 4 widget.
//!
//! The gvnc `Connection` runs on the GLib main loop of the GTK thread. The widget opens it from
//! a socket fd (what libvirt's DOMAIN_OPEN_GRAPHICS_FD hands out) or a host and port, answers
//! the handshake, keeps a framebuffer in our own memory and draws it with cairo.
//!
//! Split by concern, each file adding `impl imp::VncDisplay { … }`:
//! `connection` (open, handshake, updates, auth), `render` (framebuffer memory, drawing,
//! screenshots), `input` (keyboard, pointer, grab), `keymap` (key codes → qnum),
//! `clipboard` (cut text both ways), `scaling` (placement and pointer mapping), `typing` (text
//! as key presses, for both displays).

mod clipboard;
mod connection;
mod guest_size;
mod input;
pub mod keymap;
mod render;
pub mod typing;

use std::os::fd::OwnedFd;
use std::path::Path;

use gtk::glib;
use gtk::glib::subclass::prelude::*;
use gtk::prelude::*;

pub use crate::widgets::screen::scaling::Scaling;
pub use keymap::KeyCombo;

/// Where the display's connection stands; also the `status` property (see [`VncStatus`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DisplayState {
    /// Never opened.
    #[default]
    Idle,
    /// Opened; the VNC handshake is under way.
    Connecting,
    /// Initialised: the guest's screen is `width`×`height`.
    Connected {
        /// Framebuffer width in guest pixels.
        width: u32,
        /// Framebuffer height in guest pixels.
        height: u32,
    },
    /// Closed, by [`VncDisplay::close`] (`reason` is `None`) or by the server or an error.
    Disconnected {
        /// What went wrong, for the user; `None` for a clean close.
        reason: Option<String>,
    },
}

/// The coarse state as a GObject enum, for property bindings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, glib::Enum)]
#[enum_type(name = "HangarVncStatus")]
pub enum VncStatus {
    /// Never opened.
    #[default]
    Idle,
    /// Handshake under way.
    Connecting,
    /// Showing the guest.
    Connected,
    /// Closed or failed.
    Disconnected,
}

impl DisplayState {
    /// The matching [`VncStatus`].
    pub fn status(&self) -> VncStatus {
        match self {
            DisplayState::Idle => VncStatus::Idle,
            DisplayState::Connecting => VncStatus::Connecting,
            DisplayState::Connected { .. } => VncStatus::Connected,
            DisplayState::Disconnected { .. } => VncStatus::Disconnected,
        }
    }
}

/// Errors of the display's methods.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VncError {
    /// `open_*` was called while a connection is open: close it first.
    #[error("the display already has a connection")]
    AlreadyOpen,
    /// gvnc refused to open the connection.
    #[error("cannot open the VNC connection: {0}")]
    Open(String),
    /// The operation needs a connected display.
    #[error("the display is not connected")]
    NotConnected,
    /// A message could not be sent to the server.
    #[error("cannot send to the VNC server: {0}")]
    Send(String),
    /// The framebuffer could not be created or saved.
    #[error("framebuffer: {0}")]
    Framebuffer(String),
}

mod imp {
    use std::cell::{Cell, RefCell};
    use std::sync::OnceLock;

    use gtk::glib::subclass::Signal;
    use gtk::subclass::prelude::*;
    use gtk::{gdk, glib, prelude::*};

    use super::render::Framebuffer;
    use super::{DisplayState, Scaling, VncStatus};

    /// A key held down in the guest: released with the same keysym and scan code.
    #[derive(Debug, Clone, Copy)]
    pub(super) struct HeldKey {
        pub(super) keycode: u32,
        pub(super) keysym: u32,
        pub(super) qnum: u16,
    }

    /// Credentials given ahead of time or in answer to `auth-required`.
    #[derive(Debug, Default)]
    pub(super) struct Credentials {
        pub(super) username: Option<String>,
        pub(super) password: Option<String>,
    }

    #[derive(Default, glib::Properties)]
    #[properties(wrapper_type = super::VncDisplay)]
    pub struct VncDisplay {
        /// Coarse connection state.
        #[property(get, builder(VncStatus::Idle))]
        pub(super) status: Cell<VncStatus>,
        /// How the framebuffer maps to the widget.
        #[property(get, set = Self::set_scaling_mode, builder(Scaling::Fit))]
        pub(super) scaling: Cell<Scaling>,
        /// Whether the keyboard is grabbed (system shortcuts go to the guest).
        #[property(get = Self::is_keyboard_grabbed)]
        pub(super) keyboard_grabbed: std::marker::PhantomData<bool>,
        /// The keyboard grab, its hint and the keys that end it.
        pub(super) grab: crate::widgets::console_input::KeyboardGrab,
        /// Whether the server takes absolute pointer positions (a tablet in the guest).
        #[property(get)]
        pub(super) absolute_pointer: Cell<bool>,
        /// Whether the guest's display is asked to take the widget's size while the picture
        /// fits the widget (when the server supports it).
        #[property(get, set = Self::set_resize_guest_mode)]
        pub(super) resize_guest: Cell<bool>,
        /// Whether clipboard text goes between host and guest (off: nothing is sent to the
        /// guest and the guest's cut text is dropped).
        #[property(get, set = Self::set_share_clipboard_mode)]
        pub(super) share_clipboard: Cell<bool>,
        pub(super) guest_resize_timer: RefCell<Option<glib::SourceId>>,
        /// The last size asked of the guest on this connection.
        pub(super) guest_size_asked: Cell<Option<(u32, u32)>>,

        pub(super) state: RefCell<DisplayState>,
        pub(super) connection: RefCell<Option<gvnc::Connection>>,
        pub(super) framebuffer: RefCell<Option<Framebuffer>>,
        pub(super) last_error: RefCell<Option<String>>,
        pub(super) credentials: RefCell<Credentials>,
        pub(super) wanted_credentials: RefCell<Vec<gvnc::ConnectionCredential>>,
        pub(super) update_queued: Cell<bool>,
        /// An update request went out and no frame has been drawn since.
        pub(super) awaiting_paint: Cell<bool>,
        /// An update request waits for the next drawn frame.
        pub(super) request_after_paint: Cell<bool>,
        pub(super) extended_keys: Cell<bool>,

        pub(super) held_keys: RefCell<Vec<HeldKey>>,
        pub(super) button_mask: Cell<u8>,
        pub(super) last_pointer: Cell<(u16, u16)>,
        /// In relative mode: the last pointer position in framebuffer pixels (unclamped), from
        /// which the next motion is measured; `None` until the pointer moves in the widget.
        pub(super) relative_from: Cell<Option<(f64, f64)>>,
        pub(super) remote_cursor: RefCell<Option<gdk::Cursor>>,

        pub(super) server_clipboard: RefCell<Option<String>>,
        pub(super) clipboard_pending: Cell<bool>,
        pub(super) clipboard_handler: RefCell<Option<glib::SignalHandlerId>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for VncDisplay {
        const NAME: &'static str = "HangarVncDisplay";
        type Type = super::VncDisplay;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("vnc-display");
            klass.set_accessible_role(gtk::AccessibleRole::Img);
        }
    }

    #[glib::derived_properties]
    impl ObjectImpl for VncDisplay {
        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            obj.set_focusable(true);
            obj.set_focus_on_click(true);
            obj.set_overflow(gtk::Overflow::Hidden);
            self.setup_input();
            self.setup_clipboard();
        }

        fn signals() -> &'static [Signal] {
            static SIGNALS: OnceLock<Vec<Signal>> = OnceLock::new();
            SIGNALS.get_or_init(|| {
                let mut signals = crate::widgets::screen::session_signals();
                // The guest rang the bell (the display also beeps).
                signals.push(Signal::builder("bell").build());
                signals
            })
        }

        fn dispose(&self) {
            self.shutdown_connection(None);
            if let Some(id) = self.clipboard_handler.take() {
                self.obj().clipboard().disconnect(id);
            }
        }
    }

    impl WidgetImpl for VncDisplay {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            self.measure_framebuffer(orientation)
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            self.draw(snapshot);
        }

        fn size_allocate(&self, width: i32, height: i32, baseline: i32) {
            self.parent_size_allocate(width, height, baseline);
            self.schedule_guest_resize();
        }
    }

    impl VncDisplay {
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
    /// A VNC console: shows a guest's screen and sends it keyboard, pointer and clipboard.
    pub struct VncDisplay(ObjectSubclass<imp::VncDisplay>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for VncDisplay {
    fn default() -> Self {
        Self::new()
    }
}

impl VncDisplay {
    /// A display with nothing open; it draws a neutral background until connected.
    pub fn new() -> Self {
        glib::Object::new()
    }

    /// Opens a VNC session over a connected stream socket (from libvirt's
    /// DOMAIN_OPEN_GRAPHICS_FD, or any socket speaking RFB). The session owns the fd and
    /// closes it when it ends.
    pub fn open_fd(&self, fd: OwnedFd) -> Result<(), VncError> {
        self.imp().open_fd(fd)
    }

    /// Opens a VNC session to `host`:`port` over TCP.
    pub fn open_host(&self, host: &str, port: u16) -> Result<(), VncError> {
        self.imp().open_host(host, port)
    }

    /// Ends the session (state becomes `Disconnected` with no reason). Nothing happens when
    /// nothing is open.
    pub fn close(&self) {
        self.imp().shutdown_connection(None);
    }

    /// The connection state.
    pub fn state(&self) -> DisplayState {
        self.imp().state.borrow().clone()
    }

    /// The guest's screen size, once connected.
    pub fn framebuffer_size(&self) -> Option<(u32, u32)> {
        self.imp().framebuffer_size()
    }

    /// Credentials to answer the server's authentication with: give them before opening, or
    /// in answer to `auth-required`.
    pub fn set_credentials(&self, username: Option<&str>, password: &str) {
        self.imp().set_credentials(username, password);
    }

    /// Sends a key combination the host would otherwise catch (press in order, release in
    /// reverse).
    pub fn send_keys(&self, combo: KeyCombo) -> Result<(), VncError> {
        self.imp().send_combo(combo)
    }

    /// Presses `keys` in order and releases them in reverse (one typed character, see
    /// [`crate::widgets::vnc_display::typing`]).
    pub fn send_key_group(
        &self,
        keys: &[crate::widgets::vnc_display::keymap::Key],
    ) -> Result<(), VncError> {
        self.imp().send_key_group(keys)
    }

    /// Grabs the keyboard: system shortcuts and the window's own shortcuts go to the guest
    /// until the release keys ([`Self::set_release_keys`], Ctrl+Alt unless changed) or
    /// [`Self::release_keyboard`]. A click into the display grabs too.
    /// Without a grab, a focused display gets the keys the window's shortcuts leave.
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

    /// The colour of one framebuffer pixel as (red, green, blue), once connected.
    pub fn pixel(&self, x: u32, y: u32) -> Option<(u8, u8, u8)> {
        self.imp().pixel(x, y)
    }

    /// Saves the guest's screen as a PNG file.
    pub fn save_screenshot(&self, path: &Path) -> Result<(), VncError> {
        self.imp().save_screenshot(path)
    }

    /// Handles a key press or release: what the key controller calls, with GTK's key value
    /// (an X11 keysym) and hardware key code (evdev + 8). Returns whether the key went to
    /// the guest.
    pub fn process_key(&self, keyval: u32, keycode: u32, pressed: bool) -> bool {
        self.imp().process_key(keyval, keycode, pressed)
    }

    /// Handles a pointer move to widget coordinates (`x`, `y`).
    pub fn process_motion(&self, x: f64, y: f64) {
        self.imp().process_motion(x, y);
    }

    /// Handles the pointer leaving the widget.
    pub fn process_leave(&self) {
        self.imp().process_leave();
    }

    /// Handles a button press or release (GTK numbering: 1 left, 2 middle, 3 right) at
    /// widget coordinates (`x`, `y`).
    pub fn process_button(&self, button: u32, pressed: bool, x: f64, y: f64) {
        self.imp().process_button(button, pressed, x, y);
    }

    /// Handles scrolling by whole steps (`dy` > 0: down, `dx` > 0: right).
    pub fn process_scroll(&self, dx: f64, dy: f64) {
        self.imp().process_scroll(dx, dy);
    }

    /// Whether the server accepted QEMU's extended key events (scan codes go with each key).
    pub fn has_extended_keys(&self) -> bool {
        self.imp().extended_keys.get()
    }
}

impl crate::widgets::screen::SessionSignals for VncDisplay {}
