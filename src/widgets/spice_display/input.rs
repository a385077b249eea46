//! Keyboard and pointer: GTK events to the SPICE inputs channel, and the keyboard grab with its
//! hint and the release keys.
//!
//! Keys go as PC XT (set 1) scan codes, from the VNC display's evdev → qnum table: a qnum folds
//! the `E0` prefix into bit 7, spice-client-glib wants it as bit 8 (`0x1xx`). The pointer goes
//! as absolute positions in SPICE's client mouse mode (a tablet or the agent in the guest),
//! else as relative motion in whole guest pixels (server mode). The controllers only unpack
//! events and call `process_*`, which tests can call directly.

use std::time::Duration;

use gtk::glib::translate::IntoGlib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, glib};
use spice_client_glib::InputsChannel;

use super::{KeyCombo, SpiceError, imp};
use crate::widgets::vnc_display::keymap;

/// How long the "keyboard grabbed" hint stays up.
const HINT_TIME: Duration = Duration::from_secs(4);

/// Name of the capture-phase key controller a grab puts on the window.
pub(super) const GRAB_CONTROLLER_NAME: &str = "hangar-spice-keyboard-grab";

/// spice-client-glib's scan code for a qnum: the `E0` prefix as bit 8 instead of bit 7.
pub(crate) fn scancode_from_qnum(qnum: u16) -> u32 {
    let q = u32::from(qnum);
    if (0x80..0x100).contains(&q) {
        0x100 | (q & 0x7f)
    } else {
        q
    }
}

/// SPICE's button number and button-state bit for a GTK button (1 left, 2 middle, 3 right).
fn spice_button(button: u32) -> Option<(i32, i32)> {
    match button {
        1 => Some((1, 1)),
        2 => Some((2, 2)),
        3 => Some((3, 4)),
        _ => None,
    }
}

/// SPICE's wheel buttons.
const BUTTON_UP: i32 = 4;
const BUTTON_DOWN: i32 = 5;

/// A key controller that hands keys to the display (`capture`: for the window, in a grab).
fn key_controller(display: &super::SpiceDisplay, capture: bool) -> gtk::EventControllerKey {
    let keys = gtk::EventControllerKey::new();
    if capture {
        keys.set_name(Some(GRAB_CONTROLLER_NAME));
        keys.set_propagation_phase(gtk::PropagationPhase::Capture);
    }
    let weak = display.downgrade();
    keys.connect_key_pressed(move |_, keyval, keycode, _| {
        let handled = weak
            .upgrade()
            .is_some_and(|o| o.imp().process_key(keyval.into_glib(), keycode, true));
        if handled {
            glib::Propagation::Stop
        } else {
            glib::Propagation::Proceed
        }
    });
    let weak = display.downgrade();
    keys.connect_key_released(move |_, keyval, keycode, _| {
        if let Some(o) = weak.upgrade() {
            o.imp().process_key(keyval.into_glib(), keycode, false);
        }
    });
    keys
}

impl imp::SpiceDisplay {
    pub(super) fn setup_input(&self) {
        let obj = self.obj();
        obj.add_controller(key_controller(&obj, false));

        let focus = gtk::EventControllerFocus::new();
        let weak = obj.downgrade();
        focus.connect_leave(move |_| {
            if let Some(o) = weak.upgrade() {
                let imp = o.imp();
                imp.release_held_keys_with(imp.inputs().as_ref());
                imp.release_keyboard();
            }
        });
        let weak = obj.downgrade();
        focus.connect_enter(move |_| {
            if let Some(o) = weak.upgrade() {
                o.imp().on_focus_in_clipboard();
            }
        });
        obj.add_controller(focus);

        let click = gtk::GestureClick::new();
        click.set_button(0);
        let weak = obj.downgrade();
        click.connect_pressed(move |g, _n, x, y| {
            if let Some(o) = weak.upgrade() {
                o.grab_focus();
                if !o.imp().keyboard_grabbed.get() && o.imp().live.borrow().is_some() {
                    o.imp().grab_keyboard();
                }
                o.imp().process_button(g.current_button(), true, x, y);
            }
        });
        let weak = obj.downgrade();
        click.connect_released(move |g, _n, x, y| {
            if let Some(o) = weak.upgrade() {
                o.imp().process_button(g.current_button(), false, x, y);
            }
        });
        obj.add_controller(click);

        let motion = gtk::EventControllerMotion::new();
        let weak = obj.downgrade();
        motion.connect_motion(move |_, x, y| {
            if let Some(o) = weak.upgrade() {
                o.imp().process_motion(x, y);
            }
        });
        let weak = obj.downgrade();
        motion.connect_leave(move |_| {
            if let Some(o) = weak.upgrade() {
                o.imp().relative_from.set(None);
            }
        });
        obj.add_controller(motion);

        let scroll = gtk::EventControllerScroll::new(
            gtk::EventControllerScrollFlags::BOTH_AXES | gtk::EventControllerScrollFlags::DISCRETE,
        );
        let weak = obj.downgrade();
        scroll.connect_scroll(move |_, dx, dy| {
            if let Some(o) = weak.upgrade() {
                o.imp().process_scroll(dx, dy);
            }
            glib::Propagation::Stop
        });
        obj.add_controller(scroll);
    }

    /// A key went down or up. Returns whether it was sent to the guest.
    pub(super) fn process_key(&self, keyval: u32, keycode: u32, pressed: bool) -> bool {
        let Some(inputs) = self.inputs() else {
            return false;
        };
        if self.picture.borrow().is_none() {
            return false;
        }
        if pressed {
            self.track_release_combo(keyval, true);
            let mut held = self.held_keys.borrow_mut();
            let scancode = match held.iter().find(|(k, _)| *k == keycode) {
                Some((_, s)) => *s,
                None => {
                    let s = self.scancode_for(keycode);
                    held.push((keycode, s));
                    s
                }
            };
            drop(held);
            if scancode != 0 {
                inputs.key_press(scancode);
            }
        } else {
            let key = {
                let mut held = self.held_keys.borrow_mut();
                let pos = held.iter().position(|(k, _)| *k == keycode);
                pos.map(|i| held.remove(i))
            };
            // A release without its press (focus came in with the key down) is not sent.
            let Some((_, scancode)) = key else {
                return false;
            };
            if scancode != 0 {
                inputs.key_release(scancode);
            }
            self.track_release_combo(keyval, false);
        }
        true
    }

    /// The scan code for a key code; Print Screen with Alt down is SysRq, as on a PC.
    fn scancode_for(&self, keycode: u32) -> u32 {
        let evdev = keycode.checked_sub(keymap::X11_KEYCODE_OFFSET);
        if evdev == Some(u32::from(keymap::EVDEV_SYSRQ)) && self.release.borrow().alt_down() {
            return scancode_from_qnum(keymap::SYSRQ_WITH_ALT);
        }
        keymap::qnum_from_keycode(keycode).map_or(0, scancode_from_qnum)
    }

    /// The release keys pressed together and let go (with nothing else typed) end the grab,
    /// or without one move the focus on to the next control.
    fn track_release_combo(&self, keyval: u32, pressed: bool) {
        if pressed {
            self.release.borrow_mut().press(keyval);
            return;
        }
        if !self.release.borrow_mut().release(keyval) {
            return;
        }
        if self.keyboard_grabbed.get() {
            self.release_keyboard();
        } else {
            // Without a grab (the focus came by keyboard) the display would otherwise keep
            // every key, Tab included: the release keys hand the focus on, as Tab would.
            let obj = self.obj();
            if let Some(root) = obj.root() {
                root.child_focus(gtk::DirectionType::TabForward);
            }
        }
    }

    /// Lets every key the guest thinks is down go.
    pub(super) fn release_held_keys_with(&self, inputs: Option<&InputsChannel>) {
        let held = self.held_keys.take();
        if let Some(inputs) = inputs {
            for (_, scancode) in held.iter().rev().filter(|(_, s)| *s != 0) {
                inputs.key_release(*scancode);
            }
        }
        self.release.borrow_mut().clear();
    }

    pub(super) fn send_combo(&self, combo: KeyCombo) -> Result<(), SpiceError> {
        self.send_key_group(&combo.keys())
    }

    /// Presses `keys` in order and releases them in reverse.
    pub(super) fn send_key_group(
        &self,
        keys: &[crate::widgets::vnc_display::keymap::Key],
    ) -> Result<(), SpiceError> {
        let inputs = self.inputs().ok_or(SpiceError::NotConnected)?;
        for key in keys {
            inputs.key_press(scancode_from_qnum(key.qnum));
        }
        for key in keys.iter().rev() {
            inputs.key_release(scancode_from_qnum(key.qnum));
        }
        Ok(())
    }

    pub(super) fn process_motion(&self, x: f64, y: f64) {
        self.send_pointer(x, y);
    }

    pub(super) fn process_button(&self, button: u32, pressed: bool, x: f64, y: f64) {
        let Some((number, bit)) = spice_button(button) else {
            return;
        };
        // The position first, so the click lands where the pointer is.
        self.send_pointer(x, y);
        let Some(inputs) = self.inputs() else { return };
        let mask = self.button_mask.get();
        let mask = if pressed { mask | bit } else { mask & !bit };
        self.button_mask.set(mask);
        if pressed {
            inputs.button_press(number, mask);
        } else {
            inputs.button_release(number, mask);
        }
    }

    /// Scrolling is SPICE's wheel buttons (up, down): a press and a release per step.
    pub(super) fn process_scroll(&self, _dx: f64, dy: f64) {
        let Some(inputs) = self.inputs() else { return };
        if dy == 0.0 {
            return;
        }
        let button = if dy < 0.0 { BUTTON_UP } else { BUTTON_DOWN };
        // Truncation is intended: the value is clamped first.
        let steps = dy.abs().round().clamp(1.0, 20.0) as u32;
        let mask = self.button_mask.get();
        for _ in 0..steps {
            inputs.button_press(button, mask);
            inputs.button_release(button, mask);
        }
    }

    /// Sends the pointer (widget coordinates): a position in client mode, whole guest pixels
    /// moved in server mode.
    fn send_pointer(&self, x: f64, y: f64) {
        let Some(inputs) = self.inputs() else { return };
        let Some((placement, fw, fh)) = self.placement() else {
            return;
        };
        let mask = self.button_mask.get();
        if self.absolute_pointer.get() {
            let (fx, fy) = placement.framebuffer_point(x, y, fw, fh);
            inputs.position(i32::from(fx), i32::from(fy), 0, mask);
        } else {
            let now = placement.framebuffer_position(x, y);
            let before = self.relative_from.replace(Some(now)).unwrap_or(now);
            // Truncation is intended: whole pixels, the fractions carry over.
            let dx = (now.0.floor() - before.0.floor()) as i32;
            let dy = (now.1.floor() - before.1.floor()) as i32;
            if dx != 0 || dy != 0 {
                inputs.motion(dx, dy, mask);
            }
        }
    }

    /// Takes the keyboard: the toplevel stops acting on system shortcuts, the window's own
    /// shortcuts are bypassed, and a hint says how to get the keyboard back.
    pub(super) fn grab_keyboard(&self) {
        let obj = self.obj();
        if self.keyboard_grabbed.replace(true) {
            return;
        }
        if let Some(toplevel) = toplevel_of(&obj) {
            toplevel.inhibit_system_shortcuts(None::<&gdk::Event>);
        }
        if let Some(root) = obj.root() {
            let keys = key_controller(&obj, true);
            root.add_controller(keys.clone());
            self.grab_keys
                .replace(Some((root.upcast::<gtk::Widget>().downgrade(), keys)));
        }
        self.set_hint(true);
        obj.notify_keyboard_grabbed();
    }

    pub(super) fn release_keyboard(&self) {
        if !self.keyboard_grabbed.replace(false) {
            return;
        }
        let obj = self.obj();
        if let Some(toplevel) = toplevel_of(&obj) {
            toplevel.restore_system_shortcuts();
        }
        if let Some((root, keys)) = self.grab_keys.take()
            && let Some(root) = root.upgrade()
        {
            root.remove_controller(&keys);
        }
        self.set_hint(false);
        obj.notify_keyboard_grabbed();
    }

    fn set_hint(&self, visible: bool) {
        if let Some(id) = self.hint_timeout.take() {
            id.remove();
        }
        self.hint_visible.set(visible);
        if visible {
            let weak = self.obj().downgrade();
            let id = glib::timeout_add_local_once(HINT_TIME, move || {
                if let Some(o) = weak.upgrade() {
                    o.imp().hint_timeout.replace(None);
                    o.imp().hint_visible.set(false);
                    o.queue_draw();
                }
            });
            self.hint_timeout.replace(Some(id));
        }
        self.obj().queue_draw();
    }
}

fn toplevel_of(widget: &super::SpiceDisplay) -> Option<gdk::Toplevel> {
    widget.native()?.surface()?.downcast::<gdk::Toplevel>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qnums_become_spice_scancodes() {
        // Escape, A, Enter: plain set-1 codes.
        assert_eq!(scancode_from_qnum(0x01), 0x01);
        assert_eq!(scancode_from_qnum(0x1e), 0x1e);
        assert_eq!(scancode_from_qnum(0x1c), 0x1c);
        // Right Ctrl (E0 1D), keypad Enter (E0 1C), Delete (E0 53): bit 8.
        assert_eq!(scancode_from_qnum(0x9d), 0x11d);
        assert_eq!(scancode_from_qnum(0x9c), 0x11c);
        assert_eq!(scancode_from_qnum(0xd3), 0x153);
        // Every key of the shared table maps to a code spice-client-glib takes (≤ 0x17f).
        for &(_, qnum) in keymap::table() {
            let s = scancode_from_qnum(qnum);
            assert!(s != 0 && s <= 0x17f, "qnum {qnum:#x} → {s:#x}");
        }
    }
}
