//! Text typed as key presses, for both displays: each character becomes the keys a US PC
//! keyboard presses for it (with Shift where needed), taken from the shared evdev → qnum table.
//! A character without such a key (accented letters, emoji, control characters) is refused
//! before anything is sent, so the guest never gets half a text.
//!
//! The guest is assumed to use the US layout: the scan codes name physical keys, and a guest
//! with another layout reads some of them as other characters.

use super::keymap::{Key, qnum_from_evdev};

/// Texts longer than this many characters are typed only after the user confirms.
pub const CONFIRM_ABOVE: usize = 200;

/// Texts longer than this many characters are refused (typing them would take minutes).
pub const MAX_CHARS: usize = 5000;

/// The time between two typed characters. QEMU's PS/2 keyboard queue holds only 16 scan codes,
/// which a slow (emulated) guest may not drain at once: a typist's pace keeps them all.
pub const CHAR_INTERVAL: std::time::Duration = std::time::Duration::from_millis(25);

/// Evdev code and X11 key symbol of Shift.
const SHIFT: (u16, u32) = (42, 0xffe1);

/// Why a text cannot be typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypingError {
    /// A character has no key on a US keyboard (`.1` is its position, counting characters
    /// from 1).
    #[error("the character {0:?} (at position {1}) cannot be typed")]
    Untypable(char, usize),
    /// The text is longer than [`MAX_CHARS`].
    #[error("the text has {0} characters; at most {MAX_CHARS} can be typed")]
    TooLong(usize),
}

/// The unshifted and shifted characters of the US layout's printable keys, by evdev code.
const US_KEYS: &[(u16, char, char)] = &[
    (2, '1', '!'),
    (3, '2', '@'),
    (4, '3', '#'),
    (5, '4', '$'),
    (6, '5', '%'),
    (7, '6', '^'),
    (8, '7', '&'),
    (9, '8', '*'),
    (10, '9', '('),
    (11, '0', ')'),
    (12, '-', '_'),
    (13, '=', '+'),
    (16, 'q', 'Q'),
    (17, 'w', 'W'),
    (18, 'e', 'E'),
    (19, 'r', 'R'),
    (20, 't', 'T'),
    (21, 'y', 'Y'),
    (22, 'u', 'U'),
    (23, 'i', 'I'),
    (24, 'o', 'O'),
    (25, 'p', 'P'),
    (26, '[', '{'),
    (27, ']', '}'),
    (30, 'a', 'A'),
    (31, 's', 'S'),
    (32, 'd', 'D'),
    (33, 'f', 'F'),
    (34, 'g', 'G'),
    (35, 'h', 'H'),
    (36, 'j', 'J'),
    (37, 'k', 'K'),
    (38, 'l', 'L'),
    (39, ';', ':'),
    (40, '\'', '"'),
    (41, '`', '~'),
    (43, '\\', '|'),
    (44, 'z', 'Z'),
    (45, 'x', 'X'),
    (46, 'c', 'C'),
    (47, 'v', 'V'),
    (48, 'b', 'B'),
    (49, 'n', 'N'),
    (50, 'm', 'M'),
    (51, ',', '<'),
    (52, '.', '>'),
    (53, '/', '?'),
    (57, ' ', ' '),
];

fn key(evdev: u16, keysym: u32) -> Option<Key> {
    Some(Key {
        keysym,
        qnum: qnum_from_evdev(evdev)?,
    })
}

/// The keys to press together (in order; released in reverse) for one character.
pub fn keys_for_char(c: char) -> Option<Vec<Key>> {
    match c {
        '\n' => return Some(vec![key(28, 0xff0d)?]),
        '\t' => return Some(vec![key(15, 0xff09)?]),
        _ => {}
    }
    let &(evdev, plain, _) = US_KEYS.iter().find(|&&(_, p, s)| p == c || s == c)?;
    // Printable ASCII key symbols are the characters' codes.
    let sym = u32::from(c);
    if c == plain {
        Some(vec![key(evdev, sym)?])
    } else {
        Some(vec![key(SHIFT.0, SHIFT.1)?, key(evdev, sym)?])
    }
}

/// The key groups for `text`, one per character (a `\r\n` or a lone `\r` is one Enter), or
/// why it cannot be typed.
pub fn keys_for_text(text: &str) -> Result<Vec<Vec<Key>>, TypingError> {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let count = normalized.chars().count();
    if count > MAX_CHARS {
        return Err(TypingError::TooLong(count));
    }
    normalized
        .chars()
        .enumerate()
        .map(|(i, c)| keys_for_char(c).ok_or(TypingError::Untypable(c, i + 1)))
        .collect()
}

/// Sends `groups` one per [`CHAR_INTERVAL`] on the GLib main loop through `send`, then calls
/// `done` with `Ok(())`, or with the first error (nothing more is sent after it). Dropping
/// the returned source id's timeout (`SourceId::remove`) stops the typing.
pub fn type_paced<E: 'static>(
    groups: Vec<Vec<Key>>,
    send: impl Fn(&[Key]) -> Result<(), E> + 'static,
    done: impl FnOnce(Result<(), E>) + 'static,
) -> gtk::glib::SourceId {
    let mut groups = groups.into_iter();
    let mut done = Some(done);
    gtk::glib::timeout_add_local(CHAR_INTERVAL, move || {
        let result = match groups.next() {
            Some(g) => match send(&g) {
                Ok(()) => return gtk::glib::ControlFlow::Continue,
                Err(e) => Err(e),
            },
            None => Ok(()),
        };
        if let Some(d) = done.take() {
            d(result);
        }
        gtk::glib::ControlFlow::Break
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qnums(text: &str) -> Vec<Vec<u16>> {
        keys_for_text(text)
            .unwrap()
            .iter()
            .map(|g| g.iter().map(|k| k.qnum).collect())
            .collect()
    }

    #[test]
    fn letters_digits_and_shifted_symbols() {
        assert_eq!(
            qnums("aZ1$\n"),
            [
                vec![0x1e],
                vec![0x2a, 0x2c],
                vec![0x02],
                vec![0x2a, 0x05],
                vec![0x1c]
            ]
        );
        let dollar = keys_for_char('$').unwrap();
        assert_eq!(dollar[0].keysym, 0xffe1);
        assert_eq!(dollar[1].keysym, u32::from('$'));
    }

    #[test]
    fn every_printable_ascii_character_is_typable_once() {
        use std::collections::HashSet;
        let mut seen = HashSet::new();
        for c in ' '..='~' {
            let keys = keys_for_char(c).unwrap_or_else(|| panic!("{c:?}"));
            let key: Vec<u16> = keys.iter().map(|k| k.qnum).collect();
            assert!(
                seen.insert(key),
                "{c:?} shares its keys with another character"
            );
        }
        assert_eq!(seen.len(), 95);
    }

    #[test]
    fn line_ends_become_one_enter() {
        assert_eq!(qnums("a\r\nb\rc"), qnums("a\nb\nc"));
        assert_eq!(qnums("\t"), [vec![0x0f]]);
    }

    #[test]
    fn untypable_characters_and_long_texts_are_refused() {
        assert_eq!(keys_for_text("ok é"), Err(TypingError::Untypable('é', 4)));
        assert_eq!(
            keys_for_text("a\u{7}"),
            Err(TypingError::Untypable('\u{7}', 2))
        );
        assert!(keys_for_text("🙂").is_err());
        let long = "x".repeat(MAX_CHARS + 1);
        assert_eq!(
            keys_for_text(&long),
            Err(TypingError::TooLong(MAX_CHARS + 1))
        );
        assert_eq!(keys_for_text(&long[1..]).unwrap().len(), MAX_CHARS);
    }
}
