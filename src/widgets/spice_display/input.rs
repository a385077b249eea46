//! Keyboard and pointer: GTK events to the SPICE inputs channel, and the keyboard grab with its
//! hint and the release keys.
//!
//! Keys go as PC XT (set 1) scan codes, from the VNC display's evdev → qnum table: a qnum folds
//! the `E0` prefix into bit 7, spice-client-glib wants it as bit 8 (`0x1xx`). The pointer goes
//! as absolute positions in SPICE's client mouse mode (a tablet or the agent in the guest),
//! else as relative motion in whole guest pixels (server mode). The event controllers and the
//! keyboard grab are the ones both displays share ([`console_input`]); they only unpack events
//! and call `process_*`, which tests can call directly.

use gtk::subclass::prelude::*;
use spice_client_glib::InputsChannel;

use super::{KeyCombo, SpiceError, imp};
use crate::widgets::console_input::{self, ConsoleInput, KeyboardGrab};
use crate::widgets::vnc_display::keymap;

/// Name of the capture-phase key controller a grab puts on the window.
const GRAB_CONTROLLER_NAME: &str = "hangar-spice-keyboard-grab";

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

impl imp::SpiceDisplay {
    pub(super) fn setup_input(&self) {
        console_input::attach_controllers(&*self.obj());
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
            console_input::track_release_keys(&*self.obj(), keyval, true);
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
            console_input::track_release_keys(&*self.obj(), keyval, false);
        }
        true
    }

    /// The scan code for a key code; Print Screen with Alt down is SysRq, as on a PC.
    fn scancode_for(&self, keycode: u32) -> u32 {
        let evdev = keycode.checked_sub(keymap::X11_KEYCODE_OFFSET);
        if evdev == Some(u32::from(keymap::EVDEV_SYSRQ)) && self.grab.release().borrow().alt_down()
        {
            return scancode_from_qnum(keymap::SYSRQ_WITH_ALT);
        }
        keymap::qnum_from_keycode(keycode).map_or(0, scancode_from_qnum)
    }

    /// Lets every key the guest thinks is down go.
    pub(super) fn release_held_keys_with(&self, inputs: Option<&InputsChannel>) {
        let held = self.held_keys.take();
        if let Some(inputs) = inputs {
            for (_, scancode) in held.iter().rev().filter(|(_, s)| *s != 0) {
                inputs.key_release(*scancode);
            }
        }
        self.grab.release().borrow_mut().clear();
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

    /// The pointer at point (`x`, `y`) of monitor `number`'s picture, with `button` pressed
    /// or released there if given. Only in client mode (absolute positions, which name their
    /// monitor); in server mode the pointer moves relatively and stays on the first monitor.
    pub(super) fn monitor_pointer(
        &self,
        number: u32,
        (x, y): (u16, u16),
        button: Option<(u32, bool)>,
    ) {
        let Some(inputs) = self.inputs() else { return };
        if !self.absolute_pointer.get() {
            return;
        }
        let id = i32::try_from(number).unwrap_or(0);
        let mut mask = self.button_mask.get();
        inputs.position(i32::from(x), i32::from(y), id, mask);
        let Some((button, pressed)) = button else {
            return;
        };
        let Some((spice, bit)) = spice_button(button) else {
            return;
        };
        mask = if pressed { mask | bit } else { mask & !bit };
        self.button_mask.set(mask);
        if pressed {
            inputs.button_press(spice, mask);
        } else {
            inputs.button_release(spice, mask);
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

    /// Takes the keyboard (see [`console_input::grab_keyboard`]).
    pub(super) fn grab_keyboard(&self) {
        console_input::grab_keyboard(&*self.obj());
    }

    /// Gives the keyboard back to the host.
    pub(super) fn release_keyboard(&self) {
        console_input::release_keyboard(&*self.obj());
    }
}

impl ConsoleInput for super::SpiceDisplay {
    fn keyboard_grab(&self) -> &KeyboardGrab {
        &self.imp().grab
    }

    fn grab_controller_name(&self) -> &'static str {
        GRAB_CONTROLLER_NAME
    }

    fn session_open(&self) -> bool {
        self.imp().live.borrow().is_some()
    }

    fn key(&self, keyval: u32, keycode: u32, pressed: bool) -> bool {
        self.imp().process_key(keyval, keycode, pressed)
    }

    fn release_held_keys(&self) {
        let imp = self.imp();
        imp.release_held_keys_with(imp.inputs().as_ref());
    }

    fn focus_entered(&self) {
        self.imp().on_focus_in_clipboard();
    }

    fn button(&self, button: u32, pressed: bool, x: f64, y: f64) {
        self.imp().process_button(button, pressed, x, y);
    }

    fn motion(&self, x: f64, y: f64) {
        self.imp().process_motion(x, y);
    }

    fn pointer_left(&self) {
        self.imp().relative_from.set(None);
    }

    fn scroll(&self, dx: f64, dy: f64) {
        self.imp().process_scroll(dx, dy);
    }

    fn grab_changed(&self) {
        self.notify_keyboard_grabbed();
    }
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
