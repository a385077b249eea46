//! `HangarSerialConsole`: a guest's serial console as a VTE terminal.
//!
//! Bytes from the guest go in with [`SerialConsole::feed`]; what the user types (or pastes,
//! or what the terminal answers to queries such as the cursor position) comes out through
//! the `input` signal ([`SerialConsole::connect_input`]) or a channel
//! ([`SerialConsole::input_channel`]). A status line above the terminal tells the user when
//! the console is busy or disconnected.

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use vte4::prelude::*;

/// Lines kept above the screen.
pub const SCROLLBACK_LINES: i64 = 10_000;
/// Zoom limits and step (font scale).
const ZOOM_MIN: f64 = 0.5;
const ZOOM_MAX: f64 = 4.0;
const ZOOM_STEP: f64 = 1.1;

mod imp {
    use std::cell::RefCell;
    use std::sync::OnceLock;

    use gtk::glib::subclass::Signal;
    use gtk::subclass::prelude::*;
    use gtk::{glib, prelude::*};
    use vte4::prelude::*;

    #[derive(Default)]
    pub struct SerialConsole {
        pub terminal: vte4::Terminal,
        pub status_bar: gtk::InfoBar,
        pub status_label: gtk::Label,
        pub scrolled: gtk::ScrolledWindow,
        pub status: RefCell<Option<String>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for SerialConsole {
        const NAME: &'static str = "HangarSerialConsole";
        type Type = super::SerialConsole;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("serial-console");
            klass.set_layout_manager_type::<gtk::BoxLayout>();
        }
    }

    impl ObjectImpl for SerialConsole {
        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            if let Some(layout) = obj.layout_manager().and_downcast::<gtk::BoxLayout>() {
                layout.set_orientation(gtk::Orientation::Vertical);
            }

            self.status_label.set_wrap(true);
            self.status_label.set_xalign(0.0);
            self.status_label.set_hexpand(true);
            self.status_bar.set_message_type(gtk::MessageType::Warning);
            self.status_bar.add_child(&self.status_label);
            self.status_bar.set_revealed(false);
            self.status_bar.set_parent(&*obj);

            let term = &self.terminal;
            term.set_scrollback_lines(super::SCROLLBACK_LINES);
            term.set_scroll_on_output(true);
            term.set_scroll_on_keystroke(true);
            term.set_mouse_autohide(true);
            term.set_hexpand(true);
            term.set_vexpand(true);
            term.set_size(80, 24);
            let weak = obj.downgrade();
            term.connect_commit(move |_, text, _| {
                if let Some(o) = weak.upgrade() {
                    let bytes = glib::Bytes::from(text.as_bytes());
                    o.emit_by_name::<()>("input", &[&bytes]);
                }
            });
            let keys = gtk::EventControllerKey::new();
            keys.set_propagation_phase(gtk::PropagationPhase::Capture);
            let weak = obj.downgrade();
            keys.connect_key_pressed(move |_, keyval, _, state| {
                let handled = weak
                    .upgrade()
                    .is_some_and(|o| o.handle_shortcut(keyval, state));
                if handled {
                    glib::Propagation::Stop
                } else {
                    glib::Propagation::Proceed
                }
            });
            term.add_controller(keys);

            self.scrolled.set_hscrollbar_policy(gtk::PolicyType::Never);
            self.scrolled.set_vexpand(true);
            self.scrolled.set_child(Some(term));
            self.scrolled.set_parent(&*obj);
        }

        fn signals() -> &'static [Signal] {
            static SIGNALS: OnceLock<Vec<Signal>> = OnceLock::new();
            SIGNALS.get_or_init(|| {
                // Bytes for the guest: typed, pasted, or the terminal's answers.
                vec![
                    Signal::builder("input")
                        .param_types([glib::Bytes::static_type()])
                        .build(),
                ]
            })
        }

        fn dispose(&self) {
            self.status_bar.unparent();
            self.scrolled.unparent();
        }
    }

    impl WidgetImpl for SerialConsole {
        fn grab_focus(&self) -> bool {
            self.terminal.grab_focus()
        }
    }
}

glib::wrapper! {
    /// A serial console: a terminal fed with the guest's output that reports what is typed.
    pub struct SerialConsole(ObjectSubclass<imp::SerialConsole>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for SerialConsole {
    fn default() -> Self {
        Self::new()
    }
}

impl SerialConsole {
    /// An empty console, 80×24, with [`SCROLLBACK_LINES`] of scrollback.
    pub fn new() -> Self {
        glib::Object::new()
    }

    /// The VTE terminal inside, for colours, fonts and the like.
    pub fn terminal(&self) -> vte4::Terminal {
        self.imp().terminal.clone()
    }

    /// Shows bytes from the guest.
    pub fn feed(&self, bytes: &[u8]) {
        self.imp().terminal.feed(bytes);
    }

    /// Sends `text` to the guest as if typed (it comes out of the `input` signal).
    pub fn type_text(&self, text: &str) {
        self.imp().terminal.feed_child(text.as_bytes());
    }

    /// Runs `f` with every chunk of bytes for the guest.
    pub fn connect_input<F: Fn(&Self, &[u8]) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_local("input", false, move |args| {
            let obj = args.first()?.get::<Self>().ok()?;
            let bytes = args.get(1)?.get::<glib::Bytes>().ok()?;
            f(&obj, &bytes);
            None
        })
    }

    /// A channel that receives every chunk of bytes for the guest, for an async writer task.
    /// It stops receiving when the console is destroyed.
    pub fn input_channel(&self) -> tokio::sync::mpsc::UnboundedReceiver<Vec<u8>> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        self.connect_input(move |_, bytes| {
            // A closed receiver is fine: the writer stopped; later input is dropped.
            let _ = tx.send(bytes.to_vec());
        });
        rx
    }

    /// Shows `status` in a line above the terminal ("Console in use by another client",
    /// "Disconnected — reconnecting…"), or hides the line for `None`.
    pub fn set_status(&self, status: Option<&str>) {
        let imp = self.imp();
        imp.status.replace(status.map(str::to_owned));
        if let Some(text) = status {
            imp.status_label.set_text(text);
        }
        imp.status_bar.set_revealed(status.is_some());
    }

    /// The status line's text, when shown.
    pub fn status(&self) -> Option<String> {
        self.imp().status.borrow().clone()
    }

    /// Whether typing reaches the guest (turn off while disconnected).
    pub fn set_input_enabled(&self, enabled: bool) {
        self.imp().terminal.set_input_enabled(enabled);
    }

    /// The text on the screen and in the scrollback, rows separated by newlines.
    pub fn text(&self) -> String {
        use gtk::glib::translate::{FromGlibPtrFull, ToGlibPtr};
        let term = &self.imp().terminal;
        // SAFETY: `vte_terminal_get_text` (VTE 0.70; the binding lacks it) takes the terminal,
        // no selection callback, no user data and no attribute array, and returns a newly
        // allocated UTF-8 string or NULL, which `Option<GString>` takes ownership of.
        let text: Option<glib::GString> = unsafe {
            FromGlibPtrFull::from_glib_full(vte4::ffi::vte_terminal_get_text(
                term.to_glib_none().0,
                None,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            ))
        };
        text.map(|t| t.to_string()).unwrap_or_default()
    }

    /// Copies the selection to the clipboard.
    pub fn copy(&self) {
        self.imp()
            .terminal
            .copy_clipboard_format(vte4::Format::Text);
    }

    /// Pastes the clipboard into the terminal (it goes to the guest).
    pub fn paste(&self) {
        self.imp().terminal.paste_clipboard();
    }

    /// Makes the text bigger.
    pub fn zoom_in(&self) {
        self.set_zoom(self.zoom() * ZOOM_STEP);
    }

    /// Makes the text smaller.
    pub fn zoom_out(&self) {
        self.set_zoom(self.zoom() / ZOOM_STEP);
    }

    /// Back to the normal text size.
    pub fn zoom_reset(&self) {
        self.set_zoom(1.0);
    }

    /// The current font scale (1.0 is normal).
    pub fn zoom(&self) -> f64 {
        self.imp().terminal.font_scale()
    }

    fn set_zoom(&self, scale: f64) {
        self.imp()
            .terminal
            .set_font_scale(scale.clamp(ZOOM_MIN, ZOOM_MAX));
    }

    /// Clears the screen and the scrollback.
    pub fn clear(&self) {
        self.imp().terminal.reset(true, true);
    }

    /// Handles the console's shortcuts: Ctrl+Shift+C / Ctrl+Shift+V copy and paste,
    /// Ctrl + / Ctrl − / Ctrl 0 zoom. Returns whether the key was one of them (the key
    /// controller calls this; so can tests).
    pub fn handle_shortcut(&self, keyval: gtk::gdk::Key, state: gtk::gdk::ModifierType) -> bool {
        use gtk::gdk::{Key, ModifierType};
        let mods = state
            & (ModifierType::CONTROL_MASK | ModifierType::SHIFT_MASK | ModifierType::ALT_MASK);
        let ctrl = ModifierType::CONTROL_MASK;
        let ctrl_shift = ModifierType::CONTROL_MASK | ModifierType::SHIFT_MASK;
        let key = keyval.to_lower();
        if mods == ctrl_shift && key == Key::c {
            self.copy();
        } else if mods == ctrl_shift && key == Key::v {
            self.paste();
        } else if (mods == ctrl || mods == ctrl_shift)
            && matches!(keyval, Key::plus | Key::equal | Key::KP_Add)
        {
            self.zoom_in();
        } else if mods == ctrl && matches!(keyval, Key::minus | Key::KP_Subtract) {
            self.zoom_out();
        } else if mods == ctrl && matches!(keyval, Key::_0 | Key::KP_0) {
            self.zoom_reset();
        } else {
            return false;
        }
        true
    }
}
