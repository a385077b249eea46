//! What both console displays (VNC and SPICE) do alike with the host's input: the event
//! controllers that unpack GTK's events and hand them to the display, the keyboard grab
//! (system shortcuts inhibited, a capture-phase key controller on the window so that its own
//! shortcuts go to the guest too, a hint over the display for a few seconds) and the release
//! keys that end it.
//!
//! Each display implements [`ConsoleInput`] with what differs: how a key, a button, a motion
//! or a scroll reaches its server.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use gtk::glib::translate::IntoGlib;
use gtk::prelude::*;
use gtk::{gdk, glib};

use crate::widgets::release_keys::{ReleaseKeys, ReleaseTracker};

/// How long the "keyboard grabbed" hint stays up.
const HINT_TIME: Duration = Duration::from_secs(4);

/// The keyboard grab's state, kept by each display.
#[derive(Debug, Default)]
pub(crate) struct KeyboardGrab {
    grabbed: Cell<bool>,
    /// The window's capture-phase key controller while grabbed.
    keys: RefCell<Option<(glib::WeakRef<gtk::Widget>, gtk::EventControllerKey)>>,
    hint_visible: Cell<bool>,
    hint_timeout: RefCell<Option<glib::SourceId>>,
    /// The keys that end the grab, and the keys held towards them.
    release: RefCell<ReleaseTracker>,
}

impl KeyboardGrab {
    /// Whether the keyboard is grabbed.
    pub(crate) fn grabbed(&self) -> bool {
        self.grabbed.get()
    }

    /// The keys that end a grab, and the keys held towards them.
    pub(crate) fn release(&self) -> &RefCell<ReleaseTracker> {
        &self.release
    }

    /// The hint's text while it is over the display.
    pub(crate) fn hint(&self) -> Option<String> {
        self.hint_visible.get().then(|| {
            crate::i18n::gettext_f(
                "Keyboard grabbed — press {} to release it",
                &[&self.release.borrow().keys().label()],
            )
        })
    }

    /// Sets the keys that end a grab; whether the display must be drawn again (the hint shows
    /// other keys now).
    pub(crate) fn set_release_keys(&self, keys: ReleaseKeys) -> bool {
        self.release.borrow_mut().set_keys(keys) && self.hint_visible.get()
    }
}

/// A console display as its input controllers and keyboard grab see it.
pub(crate) trait ConsoleInput: IsA<gtk::Widget> {
    /// The grab's state.
    fn keyboard_grab(&self) -> &KeyboardGrab;
    /// The display's name for the window's key controller while grabbed.
    fn grab_controller_name(&self) -> &'static str;
    /// Whether a session is open (a click then grabs the keyboard).
    fn session_open(&self) -> bool;
    /// A key went down or up; whether it went to the guest.
    fn key(&self, keyval: u32, keycode: u32, pressed: bool) -> bool;
    /// Lets every key the guest thinks is down go (the release keys' state too).
    fn release_held_keys(&self);
    /// The display got the focus.
    fn focus_entered(&self);
    /// A button went down or up at widget coordinates (`x`, `y`).
    fn button(&self, button: u32, pressed: bool, x: f64, y: f64);
    /// The pointer moved to widget coordinates (`x`, `y`).
    fn motion(&self, x: f64, y: f64);
    /// The pointer left the widget.
    fn pointer_left(&self);
    /// A wheel turned (discrete steps).
    fn scroll(&self, dx: f64, dy: f64);
    /// The grab started or ended (for the `keyboard-grabbed` property).
    fn grab_changed(&self);
}

/// Puts the controllers for keys, focus, clicks, motion and the wheel on `display`.
pub(crate) fn attach_controllers<D: ConsoleInput>(display: &D) {
    display.add_controller(key_controller(display, None));

    let focus = gtk::EventControllerFocus::new();
    let weak = display.downgrade();
    focus.connect_leave(move |_| {
        if let Some(d) = weak.upgrade() {
            d.release_held_keys();
            release_keyboard(&d);
        }
    });
    let weak = display.downgrade();
    focus.connect_enter(move |_| {
        if let Some(d) = weak.upgrade() {
            d.focus_entered();
        }
    });
    display.add_controller(focus);

    let click = gtk::GestureClick::new();
    click.set_button(0);
    let weak = display.downgrade();
    click.connect_pressed(move |g, _n, x, y| {
        if let Some(d) = weak.upgrade() {
            d.grab_focus();
            if !d.keyboard_grab().grabbed() && d.session_open() {
                grab_keyboard(&d);
            }
            d.button(g.current_button(), true, x, y);
        }
    });
    let weak = display.downgrade();
    click.connect_released(move |g, _n, x, y| {
        if let Some(d) = weak.upgrade() {
            d.button(g.current_button(), false, x, y);
        }
    });
    display.add_controller(click);

    let motion = gtk::EventControllerMotion::new();
    let weak = display.downgrade();
    motion.connect_motion(move |_, x, y| {
        if let Some(d) = weak.upgrade() {
            d.motion(x, y);
        }
    });
    let weak = display.downgrade();
    motion.connect_leave(move |_| {
        if let Some(d) = weak.upgrade() {
            d.pointer_left();
        }
    });
    display.add_controller(motion);

    let scroll = gtk::EventControllerScroll::new(
        gtk::EventControllerScrollFlags::BOTH_AXES | gtk::EventControllerScrollFlags::DISCRETE,
    );
    let weak = display.downgrade();
    scroll.connect_scroll(move |_, dx, dy| {
        if let Some(d) = weak.upgrade() {
            d.scroll(dx, dy);
        }
        glib::Propagation::Stop
    });
    display.add_controller(scroll);
}

/// A key controller that hands keys to `display`; named `capture` (for the window, in a grab)
/// it runs in the capture phase.
fn key_controller<D: ConsoleInput>(
    display: &D,
    capture: Option<&'static str>,
) -> gtk::EventControllerKey {
    let keys = gtk::EventControllerKey::new();
    if let Some(name) = capture {
        keys.set_name(Some(name));
        keys.set_propagation_phase(gtk::PropagationPhase::Capture);
    }
    let weak = display.downgrade();
    keys.connect_key_pressed(move |_, keyval, keycode, _| {
        let handled = weak
            .upgrade()
            .is_some_and(|d| d.key(keyval.into_glib(), keycode, true));
        if handled {
            glib::Propagation::Stop
        } else {
            glib::Propagation::Proceed
        }
    });
    let weak = display.downgrade();
    keys.connect_key_released(move |_, keyval, keycode, _| {
        if let Some(d) = weak.upgrade() {
            d.key(keyval.into_glib(), keycode, false);
        }
    });
    keys
}

/// Takes the keyboard: the toplevel stops acting on system shortcuts, the window's own
/// shortcuts (application accelerators fire in the capture phase, before the display sees the
/// key) are bypassed, and a hint says how to get the keyboard back.
pub(crate) fn grab_keyboard<D: ConsoleInput>(display: &D) {
    let grab = display.keyboard_grab();
    if grab.grabbed.replace(true) {
        return;
    }
    if let Some(toplevel) = toplevel_of(display) {
        toplevel.inhibit_system_shortcuts(None::<&gdk::Event>);
    }
    if let Some(root) = display.root() {
        let keys = key_controller(display, Some(display.grab_controller_name()));
        // Added last, so it runs first among the window's capture-phase controllers.
        root.add_controller(keys.clone());
        grab.keys
            .replace(Some((root.upcast::<gtk::Widget>().downgrade(), keys)));
    }
    set_hint(display, true);
    display.grab_changed();
}

/// Gives the keyboard back to the host.
pub(crate) fn release_keyboard<D: ConsoleInput>(display: &D) {
    let grab = display.keyboard_grab();
    if !grab.grabbed.replace(false) {
        return;
    }
    if let Some(toplevel) = toplevel_of(display) {
        toplevel.restore_system_shortcuts();
    }
    if let Some((root, keys)) = grab.keys.take()
        && let Some(root) = root.upgrade()
    {
        root.remove_controller(&keys);
    }
    set_hint(display, false);
    display.grab_changed();
}

/// Follows a key going down or up towards the release keys: pressed together and let go
/// (with nothing else typed) they end the grab, or without one move the focus on to the next
/// control.
pub(crate) fn track_release_keys<D: ConsoleInput>(display: &D, keyval: u32, pressed: bool) {
    let grab = display.keyboard_grab();
    if pressed {
        grab.release.borrow_mut().press(keyval);
        return;
    }
    if !grab.release.borrow_mut().release(keyval) {
        return;
    }
    if grab.grabbed() {
        release_keyboard(display);
    } else if let Some(root) = display.root() {
        // Without a grab (the focus came by keyboard) the display would otherwise keep every
        // key, Tab included: the release keys hand the focus on, as Tab would.
        root.child_focus(gtk::DirectionType::TabForward);
    }
}

/// Shows the hint for a while, or takes it away.
fn set_hint<D: ConsoleInput>(display: &D, visible: bool) {
    let grab = display.keyboard_grab();
    if let Some(id) = grab.hint_timeout.take() {
        id.remove();
    }
    grab.hint_visible.set(visible);
    if visible {
        let weak = display.downgrade();
        let id = glib::timeout_add_local_once(HINT_TIME, move || {
            if let Some(d) = weak.upgrade() {
                let grab = d.keyboard_grab();
                grab.hint_timeout.replace(None);
                grab.hint_visible.set(false);
                d.queue_draw();
            }
        });
        grab.hint_timeout.replace(Some(id));
    }
    display.queue_draw();
}

fn toplevel_of(widget: &impl IsA<gtk::Widget>) -> Option<gdk::Toplevel> {
    widget.native()?.surface()?.downcast::<gdk::Toplevel>().ok()
}
