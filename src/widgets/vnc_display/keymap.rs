//! Key codes for the VNC display: Linux evdev (and X11 = evdev + 8) key codes to QEMU "qnum"
//! codes, and the key combinations the app offers in a "Send key" menu.
//!
//! A qnum is the PC's XT scan code set 1 with the `0xE0` prefix folded into the high bit: a key
//! that sends `E0 1D` (Right Ctrl) has qnum `0x9D`. QEMU's extended key event carries it, so the
//! guest sees the physical key whatever the keyboard layout of the host.

use crate::i18n::gettext;

/// Evdev key code → qnum, for every key of a standard PC keyboard and the common multimedia
/// keys. Sorted by evdev code; each evdev code appears once.
const EVDEV_TO_QNUM: &[(u16, u16)] = &[
    (1, 0x01),   // Escape
    (2, 0x02),   // 1
    (3, 0x03),   // 2
    (4, 0x04),   // 3
    (5, 0x05),   // 4
    (6, 0x06),   // 5
    (7, 0x07),   // 6
    (8, 0x08),   // 7
    (9, 0x09),   // 8
    (10, 0x0a),  // 9
    (11, 0x0b),  // 0
    (12, 0x0c),  // minus
    (13, 0x0d),  // equal
    (14, 0x0e),  // Backspace
    (15, 0x0f),  // Tab
    (16, 0x10),  // Q
    (17, 0x11),  // W
    (18, 0x12),  // E
    (19, 0x13),  // R
    (20, 0x14),  // T
    (21, 0x15),  // Y
    (22, 0x16),  // U
    (23, 0x17),  // I
    (24, 0x18),  // O
    (25, 0x19),  // P
    (26, 0x1a),  // [
    (27, 0x1b),  // ]
    (28, 0x1c),  // Enter
    (29, 0x1d),  // Left Ctrl
    (30, 0x1e),  // A
    (31, 0x1f),  // S
    (32, 0x20),  // D
    (33, 0x21),  // F
    (34, 0x22),  // G
    (35, 0x23),  // H
    (36, 0x24),  // J
    (37, 0x25),  // K
    (38, 0x26),  // L
    (39, 0x27),  // ;
    (40, 0x28),  // '
    (41, 0x29),  // `
    (42, 0x2a),  // Left Shift
    (43, 0x2b),  // backslash
    (44, 0x2c),  // Z
    (45, 0x2d),  // X
    (46, 0x2e),  // C
    (47, 0x2f),  // V
    (48, 0x30),  // B
    (49, 0x31),  // N
    (50, 0x32),  // M
    (51, 0x33),  // ,
    (52, 0x34),  // .
    (53, 0x35),  // /
    (54, 0x36),  // Right Shift
    (55, 0x37),  // Keypad *
    (56, 0x38),  // Left Alt
    (57, 0x39),  // Space
    (58, 0x3a),  // Caps Lock
    (59, 0x3b),  // F1
    (60, 0x3c),  // F2
    (61, 0x3d),  // F3
    (62, 0x3e),  // F4
    (63, 0x3f),  // F5
    (64, 0x40),  // F6
    (65, 0x41),  // F7
    (66, 0x42),  // F8
    (67, 0x43),  // F9
    (68, 0x44),  // F10
    (69, 0x45),  // Num Lock
    (70, 0x46),  // Scroll Lock
    (71, 0x47),  // Keypad 7
    (72, 0x48),  // Keypad 8
    (73, 0x49),  // Keypad 9
    (74, 0x4a),  // Keypad -
    (75, 0x4b),  // Keypad 4
    (76, 0x4c),  // Keypad 5
    (77, 0x4d),  // Keypad 6
    (78, 0x4e),  // Keypad +
    (79, 0x4f),  // Keypad 1
    (80, 0x50),  // Keypad 2
    (81, 0x51),  // Keypad 3
    (82, 0x52),  // Keypad 0
    (83, 0x53),  // Keypad .
    (85, 0x76),  // Zenkaku/Hankaku
    (86, 0x56),  // the extra key left of Z on ISO keyboards (<>)
    (87, 0x57),  // F11
    (88, 0x58),  // F12
    (89, 0x73),  // Ro
    (90, 0x78),  // Katakana
    (91, 0x77),  // Hiragana
    (92, 0x79),  // Henkan
    (93, 0x70),  // Katakana/Hiragana
    (94, 0x7b),  // Muhenkan
    (95, 0x5c),  // Keypad JP comma
    (96, 0x9c),  // Keypad Enter
    (97, 0x9d),  // Right Ctrl
    (98, 0xb5),  // Keypad /
    (99, 0xb7),  // Print Screen (Linux calls the key SysRq); see `SYSRQ_WITH_ALT`
    (100, 0xb8), // Right Alt (AltGr)
    (102, 0xc7), // Home
    (103, 0xc8), // Up
    (104, 0xc9), // Page Up
    (105, 0xcb), // Left
    (106, 0xcd), // Right
    (107, 0xcf), // End
    (108, 0xd0), // Down
    (109, 0xd1), // Page Down
    (110, 0xd2), // Insert
    (111, 0xd3), // Delete
    (113, 0xa0), // Mute
    (114, 0xae), // Volume Down
    (115, 0xb0), // Volume Up
    (116, 0xde), // Power
    (117, 0x59), // Keypad =
    (118, 0xce), // Keypad ±
    (119, 0xc6), // Pause (QEMU turns it into the E1 1D 45 sequence)
    (121, 0x7e), // Keypad comma
    (122, 0xf2), // Hangeul
    (123, 0xf1), // Hanja
    (124, 0x7d), // Yen
    (125, 0xdb), // Left Super (Windows key)
    (126, 0xdc), // Right Super
    (127, 0xdd), // Menu (Compose)
    (128, 0xe8), // Stop
    (129, 0x85), // Again
    (130, 0x86), // Props
    (131, 0x87), // Undo
    (132, 0x8c), // Front
    (133, 0xf8), // Copy
    (134, 0x64), // Open
    (135, 0x65), // Paste
    (136, 0xc1), // Find
    (137, 0xbc), // Cut
    (138, 0xf5), // Help
    (139, 0x9e), // Menu (the media key)
    (140, 0xa1), // Calculator
    (142, 0xdf), // Sleep
    (143, 0xe3), // Wake Up
    (150, 0x82), // WWW
    (152, 0x92), // Screen Lock
    (155, 0xec), // Mail
    (156, 0xe6), // Bookmarks
    (157, 0xeb), // My Computer
    (158, 0xea), // Back
    (159, 0xe9), // Forward
    (160, 0xa3), // Close CD
    (161, 0x6c), // Eject CD
    (163, 0x99), // Next Song
    (164, 0xa2), // Play/Pause
    (165, 0x90), // Previous Song
    (166, 0xa4), // Stop CD
    (167, 0xb1), // Record
    (168, 0x98), // Rewind
    (171, 0x81), // Config
    (172, 0xb2), // Home Page
    (173, 0xe7), // Refresh
    (183, 0x5d), // F13
    (184, 0x5e), // F14
    (185, 0x5f), // F15
    (186, 0x55), // F16
    (187, 0x83), // F17
    (188, 0xf7), // F18
    (189, 0x84), // F19
    (190, 0x5a), // F20
    (191, 0x74), // F21
    (192, 0xf9), // F22
    (193, 0x6d), // F23
    (194, 0x6f), // F24
    (200, 0xa8), // Play CD
    (201, 0xa9), // Pause CD
    (205, 0xa5), // Suspend
    (207, 0xb3), // Play
    (208, 0xb4), // Fast Forward
    (210, 0xb9), // Print
    (217, 0xe5), // Search
    (224, 0xcc), // Brightness Down
    (225, 0xd4), // Brightness Up
    (226, 0xed), // Media
];

/// What a PC keyboard sends for the Print Screen key while Alt is held: SysRq.
pub const SYSRQ_WITH_ALT: u16 = 0x54;

/// The evdev code of the key Linux calls SysRq (Print Screen on PC keyboards).
pub const EVDEV_SYSRQ: u16 = 99;

/// X11 (and GDK) key codes are evdev codes plus 8.
pub const X11_KEYCODE_OFFSET: u32 = 8;

/// The qnum of an evdev key code, when the key exists on a PC keyboard.
pub fn qnum_from_evdev(code: u16) -> Option<u16> {
    EVDEV_TO_QNUM
        .binary_search_by_key(&code, |&(evdev, _)| evdev)
        .ok()
        .map(|i| EVDEV_TO_QNUM[i].1)
}

/// The qnum of a GDK hardware key code (X11 and Wayland both give evdev + 8).
pub fn qnum_from_keycode(keycode: u32) -> Option<u16> {
    let evdev = keycode.checked_sub(X11_KEYCODE_OFFSET)?;
    qnum_from_evdev(u16::try_from(evdev).ok()?)
}

/// Every (evdev, qnum) pair of the table, for tests and diagnostics.
pub fn table() -> &'static [(u16, u16)] {
    EVDEV_TO_QNUM
}

/// X11 key symbols of the keys [`KeyCombo`] sends (the RFB key event carries both).
mod keysym {
    pub const CONTROL_L: u32 = 0xffe3;
    pub const ALT_L: u32 = 0xffe9;
    pub const DELETE: u32 = 0xffff;
    pub const BACKSPACE: u32 = 0xff08;
    pub const PRINT: u32 = 0xff61;
    pub const SYS_REQ: u32 = 0xff15;
    pub const F1: u32 = 0xffbe;
}

/// A key the display sends on its own: an X11 key symbol and its qnum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The X11 key symbol (used when the server lacks QEMU's extended key events).
    pub keysym: u32,
    /// The scan code in QEMU's qnum form.
    pub qnum: u16,
}

/// The key combinations of a "Send key" menu: keys the host would otherwise act on itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCombo {
    /// Ctrl+Alt+Delete.
    CtrlAltDelete,
    /// Ctrl+Alt+Backspace.
    CtrlAltBackspace,
    /// Ctrl+Alt+F1 … Ctrl+Alt+F12 (switches virtual terminals); the number is 1–12.
    CtrlAltF(u8),
    /// Print Screen.
    PrintScreen,
    /// SysRq (Alt+Print Screen on a PC keyboard).
    SysRq,
}

impl KeyCombo {
    /// Every combination, in menu order.
    pub fn all() -> Vec<KeyCombo> {
        let mut all = vec![KeyCombo::CtrlAltDelete, KeyCombo::CtrlAltBackspace];
        all.extend((1..=12).map(KeyCombo::CtrlAltF));
        all.extend([KeyCombo::PrintScreen, KeyCombo::SysRq]);
        all
    }

    /// The keys to press in order (and to release in reverse order). Empty for an F-key
    /// number outside 1–12.
    pub fn keys(self) -> Vec<Key> {
        const CTRL: Key = Key {
            keysym: keysym::CONTROL_L,
            qnum: 0x1d,
        };
        const ALT: Key = Key {
            keysym: keysym::ALT_L,
            qnum: 0x38,
        };
        match self {
            KeyCombo::CtrlAltDelete => vec![
                CTRL,
                ALT,
                Key {
                    keysym: keysym::DELETE,
                    qnum: 0xd3,
                },
            ],
            KeyCombo::CtrlAltBackspace => vec![
                CTRL,
                ALT,
                Key {
                    keysym: keysym::BACKSPACE,
                    qnum: 0x0e,
                },
            ],
            KeyCombo::CtrlAltF(n @ 1..=12) => {
                // F1–F10 are 0x3b–0x44; F11 and F12 are 0x57 and 0x58.
                let qnum = match n {
                    11 => 0x57,
                    12 => 0x58,
                    n => 0x3a + u16::from(n),
                };
                vec![
                    CTRL,
                    ALT,
                    Key {
                        keysym: keysym::F1 + u32::from(n - 1),
                        qnum,
                    },
                ]
            }
            KeyCombo::CtrlAltF(_) => Vec::new(),
            KeyCombo::PrintScreen => vec![Key {
                keysym: keysym::PRINT,
                qnum: 0xb7,
            }],
            KeyCombo::SysRq => vec![
                ALT,
                Key {
                    keysym: keysym::SYS_REQ,
                    qnum: SYSRQ_WITH_ALT,
                },
            ],
        }
    }

    /// The label for a menu, translated.
    pub fn label(self) -> String {
        match self {
            KeyCombo::CtrlAltDelete => gettext("Ctrl+Alt+Delete"),
            KeyCombo::CtrlAltBackspace => gettext("Ctrl+Alt+Backspace"),
            KeyCombo::CtrlAltF(n) => crate::i18n::gettext_f("Ctrl+Alt+F{}", &[&n.to_string()]),
            KeyCombo::PrintScreen => gettext("Print Screen"),
            KeyCombo::SysRq => gettext("SysRq"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn known_mappings() {
        let cases: &[(u16, u16, &str)] = &[
            (30, 0x1e, "A"),
            (44, 0x2c, "Z"),
            (2, 0x02, "1"),
            (11, 0x0b, "0"),
            (28, 0x1c, "Enter"),
            (96, 0x9c, "KP Enter"),
            (29, 0x1d, "Left Ctrl"),
            (97, 0x9d, "Right Ctrl"),
            (56, 0x38, "Left Alt"),
            (100, 0xb8, "Right Alt"),
            (42, 0x2a, "Left Shift"),
            (54, 0x36, "Right Shift"),
            (103, 0xc8, "Up"),
            (108, 0xd0, "Down"),
            (105, 0xcb, "Left"),
            (106, 0xcd, "Right"),
            (102, 0xc7, "Home"),
            (107, 0xcf, "End"),
            (110, 0xd2, "Insert"),
            (111, 0xd3, "Delete"),
            (59, 0x3b, "F1"),
            (68, 0x44, "F10"),
            (87, 0x57, "F11"),
            (88, 0x58, "F12"),
            (183, 0x5d, "F13"),
            (194, 0x6f, "F24"),
            (125, 0xdb, "Super L"),
            (126, 0xdc, "Super R"),
            (127, 0xdd, "Menu"),
            (119, 0xc6, "Pause"),
            (99, 0xb7, "Print Screen"),
            (98, 0xb5, "KP /"),
            (55, 0x37, "KP *"),
            (82, 0x52, "KP 0"),
            (83, 0x53, "KP ."),
            (113, 0xa0, "Mute"),
            (114, 0xae, "Volume Down"),
            (115, 0xb0, "Volume Up"),
            (164, 0xa2, "Play/Pause"),
            (1, 0x01, "Escape"),
            (57, 0x39, "Space"),
            (15, 0x0f, "Tab"),
            (14, 0x0e, "Backspace"),
            (58, 0x3a, "Caps Lock"),
            (69, 0x45, "Num Lock"),
            (70, 0x46, "Scroll Lock"),
            (86, 0x56, "ISO <>"),
        ];
        for &(evdev, qnum, name) in cases {
            assert_eq!(qnum_from_evdev(evdev), Some(qnum), "{name} (evdev {evdev})");
            assert_eq!(
                qnum_from_keycode(u32::from(evdev) + 8),
                Some(qnum),
                "{name} as an X11 key code"
            );
        }
    }

    #[test]
    fn unknown_and_out_of_range_codes() {
        assert_eq!(qnum_from_evdev(0), None);
        assert_eq!(qnum_from_evdev(84), None);
        assert_eq!(qnum_from_evdev(0x2ff), None);
        assert_eq!(qnum_from_keycode(0), None);
        assert_eq!(qnum_from_keycode(7), None);
        assert_eq!(qnum_from_keycode(u32::MAX), None);
    }

    #[test]
    fn table_is_sorted_and_both_columns_are_unique() {
        let table = table();
        assert!(table.windows(2).all(|w| w[0].0 < w[1].0), "not sorted");
        let qnums: HashSet<u16> = table.iter().map(|&(_, q)| q).collect();
        assert_eq!(qnums.len(), table.len(), "a qnum is used twice");
        assert!(!qnums.contains(&SYSRQ_WITH_ALT));
        assert!(table.iter().all(|&(_, q)| q != 0 && q <= 0xff));
        // Every key of a 105-key PC keyboard is there.
        assert!(table.len() >= 105, "only {} keys", table.len());
    }

    #[test]
    fn qnum_high_bit_marks_e0_keys() {
        // The E0-prefixed navigation cluster shares its low 7 bits with the keypad keys.
        for (nav, keypad) in [(102u16, 71u16), (103, 72), (104, 73), (105, 75), (106, 77)] {
            let nav = qnum_from_evdev(nav).unwrap();
            let keypad = qnum_from_evdev(keypad).unwrap();
            assert_eq!(nav, keypad | 0x80);
        }
    }

    #[test]
    fn combos() {
        let qnums = |c: KeyCombo| c.keys().iter().map(|k| k.qnum).collect::<Vec<_>>();
        assert_eq!(qnums(KeyCombo::CtrlAltDelete), [0x1d, 0x38, 0xd3]);
        assert_eq!(qnums(KeyCombo::CtrlAltBackspace), [0x1d, 0x38, 0x0e]);
        assert_eq!(qnums(KeyCombo::CtrlAltF(1)), [0x1d, 0x38, 0x3b]);
        assert_eq!(qnums(KeyCombo::CtrlAltF(10)), [0x1d, 0x38, 0x44]);
        assert_eq!(qnums(KeyCombo::CtrlAltF(12)), [0x1d, 0x38, 0x58]);
        assert!(KeyCombo::CtrlAltF(13).keys().is_empty());
        assert_eq!(qnums(KeyCombo::PrintScreen), [0xb7]);
        assert_eq!(qnums(KeyCombo::SysRq), [0x38, 0x54]);
        assert_eq!(KeyCombo::CtrlAltF(12).keys()[2].keysym, 0xffc9);
        assert_eq!(KeyCombo::all().len(), 16);
        // Each F key of the combos agrees with the table.
        for n in 1..=12u8 {
            let fkey = KeyCombo::CtrlAltF(n).keys()[2];
            let evdev = if n <= 10 {
                58 + u16::from(n)
            } else {
                76 + u16::from(n)
            };
            assert_eq!(qnum_from_evdev(evdev), Some(fkey.qnum), "F{n}");
        }
    }
}
