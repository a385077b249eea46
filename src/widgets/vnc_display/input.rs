//! Keyboard and pointer: keys and pointer events to RFB key and pointer events, and key
//! combinations sent from a menu. The event controllers and the keyboard grab are the ones
//! both displays share ([`console_input`]); they only unpack events and call `process_*`, which
//! tests and automation can call directly (GTK 4.8 cannot synthesize input events).
//!
//! The pointer goes as absolute framebuffer coordinates while the server says it takes them (a
//! tablet in the guest). Otherwise (only a PS/2 mouse) it goes as motion: we announce QEMU's
//! pointer-type-change encoding, and QEMU then reads each position as a movement offset by
//! 0x7FFF on both axes, so the guest's pointer follows the host's by the same number of guest
//! pixels. Without a pointer grab (GTK 4 has no pointer warping) the two pointers can drift
//! apart at the widget's edges; the `absolute-pointer` property tells the app which mode the
//! server reported, e.g. to suggest adding a tablet.

use gtk::subclass::prelude::*;

use super::keymap::{self, KeyCombo};
use super::{VncError, imp};
use crate::widgets::console_input::{self, ConsoleInput, KeyboardGrab};

/// In QEMU's relative pointer mode, the position that means "no movement".
const RELATIVE_ORIGIN: u16 = 0x7fff;

/// A movement of `delta` guest pixels as a relative-mode coordinate.
fn relative(delta: f64) -> u16 {
    // Truncation is intended: the value is clamped into u16's range first.
    (f64::from(RELATIVE_ORIGIN) + delta).clamp(0.0, f64::from(u16::MAX)) as u16
}

/// RFB button-mask bits: left, middle, right, then the wheel as buttons 4–7.
fn button_bit(button: u32) -> Option<u8> {
    match button {
        1..=7 => Some(1 << (button - 1)),
        _ => None,
    }
}

impl imp::VncDisplay {
    pub(super) fn setup_input(&self) {
        console_input::attach_controllers(&*self.obj());
    }

    /// A key went down or up. Returns whether it was sent to the guest.
    pub(super) fn process_key(&self, keyval: u32, keycode: u32, pressed: bool) -> bool {
        let Some(conn) = self.connection.borrow().clone() else {
            return false;
        };
        if self.framebuffer.borrow().is_none() {
            return false;
        }
        if pressed {
            console_input::track_release_keys(&*self.obj(), keyval, true);
            let mut held = self.held_keys.borrow_mut();
            // Auto-repeat: the key is already down; send the press again, as a keyboard does.
            let key = match held.iter().find(|k| k.keycode == keycode) {
                Some(k) => *k,
                None => {
                    let key = imp::HeldKey {
                        keycode,
                        keysym: keyval,
                        qnum: self.qnum_for(keycode),
                    };
                    held.push(key);
                    key
                }
            };
            drop(held);
            send_key(&conn, true, key.keysym, key.qnum);
        } else {
            let key = {
                let mut held = self.held_keys.borrow_mut();
                let pos = held.iter().position(|k| k.keycode == keycode);
                pos.map(|i| held.remove(i))
            };
            // A release without its press (focus came in with the key down) is not sent.
            let Some(key) = key else { return false };
            send_key(&conn, false, key.keysym, key.qnum);
            console_input::track_release_keys(&*self.obj(), keyval, false);
        }
        true
    }

    /// The scan code for a key code; Print Screen with Alt down is SysRq, as on a PC.
    fn qnum_for(&self, keycode: u32) -> u16 {
        let evdev = keycode.checked_sub(keymap::X11_KEYCODE_OFFSET);
        if evdev == Some(u32::from(keymap::EVDEV_SYSRQ)) && self.grab.release().borrow().alt_down()
        {
            return keymap::SYSRQ_WITH_ALT;
        }
        keymap::qnum_from_keycode(keycode).unwrap_or(0)
    }

    /// Lets every key the guest thinks is down go (focus lost, grab ended by the host).
    pub(super) fn release_held_keys(&self) {
        let held = self.held_keys.take();
        if let Some(conn) = self.connection.borrow().clone() {
            for key in held.iter().rev() {
                send_key(&conn, false, key.keysym, key.qnum);
            }
        }
        self.grab.release().borrow_mut().clear();
    }

    pub(super) fn send_combo(&self, combo: KeyCombo) -> Result<(), VncError> {
        self.send_key_group(&combo.keys())
    }

    /// Presses `keys` in order and releases them in reverse.
    pub(super) fn send_key_group(&self, keys: &[super::keymap::Key]) -> Result<(), VncError> {
        let conn = self
            .connection
            .borrow()
            .clone()
            .ok_or(VncError::NotConnected)?;
        for key in keys {
            conn.key_event(true, key.keysym, key.qnum)
                .map_err(|e| VncError::Send(e.message.to_string()))?;
        }
        for key in keys.iter().rev() {
            conn.key_event(false, key.keysym, key.qnum)
                .map_err(|e| VncError::Send(e.message.to_string()))?;
        }
        Ok(())
    }

    pub(super) fn process_motion(&self, x: f64, y: f64) {
        self.send_pointer(x, y);
    }

    /// The pointer left the widget: in relative mode, its next motion starts from where it
    /// comes back in, not from where it left.
    pub(super) fn process_leave(&self) {
        self.relative_from.set(None);
    }

    pub(super) fn process_button(&self, button: u32, pressed: bool, x: f64, y: f64) {
        let Some(bit) = button_bit(button) else {
            return;
        };
        let mask = self.button_mask.get();
        self.button_mask
            .set(if pressed { mask | bit } else { mask & !bit });
        self.send_pointer(x, y);
    }

    /// Scrolling is wheel buttons 4 (up), 5 (down), 6 (left), 7 (right): a press and a
    /// release per step at the last pointer position.
    pub(super) fn process_scroll(&self, dx: f64, dy: f64) {
        let Some(conn) = self.connection.borrow().clone() else {
            return;
        };
        let (x, y) = if self.absolute_pointer.get() {
            self.last_pointer.get()
        } else {
            (RELATIVE_ORIGIN, RELATIVE_ORIGIN)
        };
        let steps = |v: f64| v.abs().round().clamp(0.0, 20.0) as u32;
        let mut clicks = Vec::new();
        if dy != 0.0 {
            clicks.push((if dy < 0.0 { 4 } else { 5 }, steps(dy).max(1)));
        }
        if dx != 0.0 {
            clicks.push((if dx < 0.0 { 6 } else { 7 }, steps(dx).max(1)));
        }
        let base = self.button_mask.get();
        for (button, n) in clicks {
            let Some(bit) = button_bit(button) else {
                continue;
            };
            for _ in 0..n {
                let _ = conn.pointer_event(base | bit, x, y);
                let _ = conn.pointer_event(base, x, y);
            }
        }
    }

    /// Sends the pointer position (widget coordinates) with the current buttons.
    fn send_pointer(&self, x: f64, y: f64) {
        let Some(conn) = self.connection.borrow().clone() else {
            return;
        };
        let Some((placement, fw, fh)) = self.placement() else {
            return;
        };
        let (fx, fy) = placement.framebuffer_point(x, y, fw, fh);
        self.last_pointer.set((fx, fy));
        let (px, py) = if self.absolute_pointer.get() {
            (fx, fy)
        } else {
            // Whole guest pixels moved since the last event; the fractions carry over
            // because both ends are floored the same way.
            let now = placement.framebuffer_position(x, y);
            let before = self.relative_from.replace(Some(now)).unwrap_or(now);
            (
                relative(now.0.floor() - before.0.floor()),
                relative(now.1.floor() - before.1.floor()),
            )
        };
        if conn.pointer_event(self.button_mask.get(), px, py).is_err() {
            tracing::debug!("cannot send a pointer event");
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

/// Name of the capture-phase key controller a grab puts on the window.
const GRAB_CONTROLLER_NAME: &str = "hangar-vnc-keyboard-grab";

impl ConsoleInput for super::VncDisplay {
    fn keyboard_grab(&self) -> &KeyboardGrab {
        &self.imp().grab
    }

    fn grab_controller_name(&self) -> &'static str {
        GRAB_CONTROLLER_NAME
    }

    fn session_open(&self) -> bool {
        self.imp().connection.borrow().is_some()
    }

    fn key(&self, keyval: u32, keycode: u32, pressed: bool) -> bool {
        self.imp().process_key(keyval, keycode, pressed)
    }

    fn release_held_keys(&self) {
        self.imp().release_held_keys();
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
        self.imp().process_leave();
    }

    fn scroll(&self, dx: f64, dy: f64) {
        self.imp().process_scroll(dx, dy);
    }

    fn grab_changed(&self) {
        self.notify_keyboard_grabbed();
    }
}

fn send_key(conn: &gvnc::Connection, down: bool, keysym: u32, qnum: u16) {
    if conn.key_event(down, keysym, qnum).is_err() {
        tracing::debug!("cannot send a key event");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_coordinates_are_offset_by_0x7fff_and_clamped() {
        assert_eq!(relative(0.0), 0x7fff);
        assert_eq!(relative(5.0), 0x8004);
        assert_eq!(relative(-3.0), 0x7ffc);
        assert_eq!(relative(-1e9), 0);
        assert_eq!(relative(1e9), u16::MAX);
    }
}
