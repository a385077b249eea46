//! The key combination that ends a console's keyboard grab (Ctrl+Alt unless the user chose
//! another), how it is written in the settings and shown to people, and the tracker both
//! displays feed their key events to.
//!
//! Stored form: key names joined by `+`, modifiers first (`Control+Alt`, `Control+Alt+Shift`,
//! `Control+F12`). Left and right modifiers count as one key (`Control`, `Alt`, `Shift`,
//! `Super`); any other key goes by its GDK name. The combination fires when exactly its keys
//! were down together and one of them is let go, with no other key typed in between.

use gtk::gdk;
use gtk::glib::translate::IntoGlib;

/// The most keys a combination holds.
pub const MAX_KEYS: usize = 4;

/// A modifier key, left and right alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Modifier {
    /// Either Ctrl key.
    Control,
    /// Either Alt (or Meta) key.
    Alt,
    /// Either Shift key.
    Shift,
    /// Either Super (or Hyper) key.
    Super,
}

impl Modifier {
    const ALL: [Modifier; 4] = [Self::Control, Self::Alt, Self::Shift, Self::Super];

    fn stored(self) -> &'static str {
        match self {
            Self::Control => "Control",
            Self::Alt => "Alt",
            Self::Shift => "Shift",
            Self::Super => "Super",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Control => "Ctrl",
            Self::Alt => "Alt",
            Self::Shift => "Shift",
            Self::Super => "Super",
        }
    }

    fn of(keyval: gdk::Key) -> Option<Modifier> {
        use gdk::Key;
        Some(match keyval {
            Key::Control_L | Key::Control_R => Self::Control,
            Key::Alt_L | Key::Alt_R | Key::Meta_L | Key::Meta_R => Self::Alt,
            Key::Shift_L | Key::Shift_R => Self::Shift,
            Key::Super_L | Key::Super_R | Key::Hyper_L | Key::Hyper_R => Self::Super,
            _ => return None,
        })
    }
}

/// One key of a combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReleaseKey {
    /// A modifier, either side.
    Modifier(Modifier),
    /// Any other key, by its (lower-case) GDK key value.
    Other(u32),
}

impl ReleaseKey {
    /// The key a GDK key value stands for (letters without their case).
    pub fn from_keyval(keyval: u32) -> ReleaseKey {
        let key = key_of(keyval);
        match Modifier::of(key) {
            Some(m) => ReleaseKey::Modifier(m),
            None => ReleaseKey::Other(key.to_lower().into_glib()),
        }
    }

    fn parse(name: &str) -> Option<ReleaseKey> {
        let name = name.trim();
        if let Some(m) = Modifier::ALL
            .into_iter()
            .find(|m| m.stored().eq_ignore_ascii_case(name))
        {
            return Some(ReleaseKey::Modifier(m));
        }
        if name.eq_ignore_ascii_case("Ctrl") {
            return Some(ReleaseKey::Modifier(Modifier::Control));
        }
        let key = gdk::Key::from_name(name)?;
        if key == gdk::Key::VoidSymbol {
            return None;
        }
        Some(ReleaseKey::from_keyval(key.into_glib()))
    }

    fn stored(self) -> String {
        match self {
            Self::Modifier(m) => m.stored().to_string(),
            Self::Other(v) => key_of(v)
                .name()
                .map_or_else(|| format!("{v:#x}"), |n| n.to_string()),
        }
    }

    fn label(self) -> String {
        match self {
            Self::Modifier(m) => m.label().to_string(),
            Self::Other(v) => {
                let key = key_of(v);
                match key.to_unicode().filter(|c| c.is_alphanumeric()) {
                    Some(c) => c.to_uppercase().to_string(),
                    None => key.name().map_or_else(String::new, |n| n.replace('_', " ")),
                }
            }
        }
    }
}

/// A `gdk::Key` from its numeric value.
fn key_of(keyval: u32) -> gdk::Key {
    use gtk::glib::translate::FromGlib;
    // SAFETY: `gdk::Key` is a plain wrapper of a key value; every u32 is one.
    unsafe { gdk::Key::from_glib(keyval) }
}

/// The keys that end a keyboard grab.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleaseKeys {
    /// Modifiers first (Control, Alt, Shift, Super), then other keys in the order given.
    keys: Vec<ReleaseKey>,
}

impl Default for ReleaseKeys {
    /// Ctrl+Alt.
    fn default() -> Self {
        Self::ctrl_alt()
    }
}

impl ReleaseKeys {
    /// Ctrl+Alt, the default.
    pub fn ctrl_alt() -> ReleaseKeys {
        ReleaseKeys {
            keys: vec![
                ReleaseKey::Modifier(Modifier::Control),
                ReleaseKey::Modifier(Modifier::Alt),
            ],
        }
    }

    /// Ctrl+Alt+Shift.
    pub fn ctrl_alt_shift() -> ReleaseKeys {
        ReleaseKeys {
            keys: vec![
                ReleaseKey::Modifier(Modifier::Control),
                ReleaseKey::Modifier(Modifier::Alt),
                ReleaseKey::Modifier(Modifier::Shift),
            ],
        }
    }

    /// The combination of `keys` (in any order, repeats counted once), if it has 1 to
    /// [`MAX_KEYS`] keys.
    pub fn from_keys(keys: impl IntoIterator<Item = ReleaseKey>) -> Option<ReleaseKeys> {
        let mut list: Vec<ReleaseKey> = Vec::new();
        for key in keys {
            if !list.contains(&key) {
                list.push(key);
            }
        }
        if list.is_empty() || list.len() > MAX_KEYS {
            return None;
        }
        // Modifiers first in their fixed order; other keys keep theirs (a stable sort).
        list.sort_by_key(|k| match k {
            ReleaseKey::Modifier(m) => (0, Some(*m)),
            ReleaseKey::Other(_) => (1, None),
        });
        Some(ReleaseKeys { keys: list })
    }

    /// The combination from the GDK key values `keyvals` (see [`Self::from_keys`]).
    pub fn from_keyvals(keyvals: &[u32]) -> Option<ReleaseKeys> {
        Self::from_keys(keyvals.iter().map(|v| ReleaseKey::from_keyval(*v)))
    }

    /// Reads the stored form; `None` for an empty or unknown one.
    pub fn parse(stored: &str) -> Option<ReleaseKeys> {
        if stored.trim().is_empty() {
            return None;
        }
        let keys = stored
            .split('+')
            .map(ReleaseKey::parse)
            .collect::<Option<Vec<_>>>()?;
        Self::from_keys(keys)
    }

    /// Reads the stored form, falling back to Ctrl+Alt.
    pub fn parse_or_default(stored: &str) -> ReleaseKeys {
        Self::parse(stored).unwrap_or_default()
    }

    /// The stored form (`Control+Alt`).
    pub fn to_stored(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.stored())
            .collect::<Vec<_>>()
            .join("+")
    }

    /// The label people read (`Ctrl+Alt`).
    pub fn label(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("+")
    }

    /// Whether `key` is part of the combination.
    pub fn contains(&self, key: ReleaseKey) -> bool {
        self.keys.contains(&key)
    }

    /// The keys, modifiers first.
    pub fn keys(&self) -> &[ReleaseKey] {
        &self.keys
    }
}

impl std::fmt::Display for ReleaseKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// Follows the keys held down on a display and says when its release combination fired.
#[derive(Debug, Default)]
pub struct ReleaseTracker {
    combo: ReleaseKeys,
    down: Vec<ReleaseKey>,
    armed: bool,
}

impl ReleaseTracker {
    /// The combination that ends a grab.
    pub fn keys(&self) -> &ReleaseKeys {
        &self.combo
    }

    /// Follows `keys` from now on (forgetting the keys held); whether they differ from before.
    pub fn set_keys(&mut self, keys: ReleaseKeys) -> bool {
        if self.combo == keys {
            return false;
        }
        self.combo = keys;
        self.clear();
        true
    }

    /// A key went down. The combination is armed while exactly its keys are down.
    pub fn press(&mut self, keyval: u32) {
        let combo = &self.combo;
        let key = ReleaseKey::from_keyval(keyval);
        if !self.down.contains(&key) {
            self.down.push(key);
        }
        self.armed = combo.contains(key)
            && self.down.len() == combo.keys.len()
            && combo.keys.iter().all(|k| self.down.contains(k));
    }

    /// A key went up: whether that ended the combination (it was armed and this is one of its
    /// keys).
    pub fn release(&mut self, keyval: u32) -> bool {
        let combo = &self.combo;
        let key = ReleaseKey::from_keyval(keyval);
        self.down.retain(|k| *k != key);
        let fired = self.armed && combo.contains(key);
        if fired || !combo.contains(key) {
            self.armed = false;
        }
        fired
    }

    /// Forgets every key (focus lost, keys let go in the guest).
    pub fn clear(&mut self) {
        self.down.clear();
        self.armed = false;
    }

    /// Whether an Alt key is down (Print Screen is then SysRq).
    pub fn alt_down(&self) -> bool {
        self.down.contains(&ReleaseKey::Modifier(Modifier::Alt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gdk::Key;

    fn v(k: Key) -> u32 {
        k.into_glib()
    }

    #[test]
    fn stored_forms_round_trip() {
        for (stored, label) in [
            ("Control+Alt", "Ctrl+Alt"),
            ("Control+Alt+Shift", "Ctrl+Alt+Shift"),
            ("Control+F12", "Ctrl+F12"),
            ("Super+Scroll_Lock", "Super+Scroll Lock"),
            ("Alt+g", "Alt+G"),
        ] {
            let keys = ReleaseKeys::parse(stored).unwrap();
            assert_eq!(keys.to_stored(), stored);
            assert_eq!(keys.label(), label);
        }
        assert_eq!(ReleaseKeys::default().to_stored(), "Control+Alt");
        assert_eq!(
            ReleaseKeys::ctrl_alt_shift().to_stored(),
            "Control+Alt+Shift"
        );
    }

    #[test]
    fn parsing_orders_modifiers_and_folds_sides_and_case() {
        let keys = ReleaseKeys::parse(" shift + ctrl+alt ").unwrap();
        assert_eq!(keys, ReleaseKeys::ctrl_alt_shift());
        assert_eq!(
            ReleaseKeys::parse("Control_R+Alt_L"),
            Some(ReleaseKeys::ctrl_alt())
        );
        assert_eq!(
            ReleaseKeys::parse("Meta_L+Control"),
            Some(ReleaseKeys::ctrl_alt())
        );
        assert_eq!(
            ReleaseKeys::parse("G+Control").unwrap().to_stored(),
            "Control+g"
        );
        assert_eq!(
            ReleaseKeys::parse("Control+Control+Alt"),
            Some(ReleaseKeys::ctrl_alt())
        );
    }

    #[test]
    fn bad_stored_forms_fall_back() {
        for bad in ["", "  ", "Control+", "Control+NoSuchKey", "+", "a+b+c+d+e"] {
            assert_eq!(ReleaseKeys::parse(bad), None, "{bad:?}");
            assert_eq!(ReleaseKeys::parse_or_default(bad), ReleaseKeys::ctrl_alt());
        }
    }

    #[test]
    fn recorded_keys_make_a_combination() {
        let keys = ReleaseKeys::from_keyvals(&[v(Key::F12), v(Key::Control_R)]).unwrap();
        assert_eq!(keys.to_stored(), "Control+F12");
        assert_eq!(ReleaseKeys::from_keyvals(&[]), None);
    }

    #[test]
    fn the_tracker_fires_on_exactly_the_combination() {
        let mut t = ReleaseTracker::default();
        assert_eq!(t.keys(), &ReleaseKeys::ctrl_alt());
        // Ctrl+Alt+Delete does not fire.
        t.press(v(Key::Control_L));
        t.press(v(Key::Alt_L));
        assert!(t.alt_down());
        t.press(v(Key::Delete));
        assert!(!t.release(v(Key::Delete)));
        assert!(!t.release(v(Key::Alt_L)));
        assert!(!t.release(v(Key::Control_L)));
        // Ctrl+Alt does, once.
        t.press(v(Key::Control_R));
        t.press(v(Key::Alt_L));
        assert!(t.release(v(Key::Alt_L)));
        assert!(!t.release(v(Key::Control_R)));
        // Ctrl+Alt+Shift is not Ctrl+Alt…
        for k in [Key::Control_L, Key::Alt_L, Key::Shift_L] {
            t.press(v(k));
        }
        assert!(!t.release(v(Key::Shift_L)));
        assert!(!t.release(v(Key::Alt_L)));
        t.release(v(Key::Control_L));
        // …but it is itself.
        assert!(t.set_keys(ReleaseKeys::ctrl_alt_shift()));
        assert!(!t.set_keys(ReleaseKeys::ctrl_alt_shift()));
        for k in [Key::Shift_R, Key::Control_L, Key::Alt_L] {
            t.press(v(k));
        }
        assert!(t.release(v(Key::Control_L)));
        t.clear();
        assert!(!t.alt_down());
        // A custom one with an ordinary key.
        assert!(t.set_keys(ReleaseKeys::parse("Control+F12").unwrap()));
        t.press(v(Key::Control_L));
        t.press(v(Key::F12));
        assert!(t.release(v(Key::F12)));
    }
}
