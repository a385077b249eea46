//! One form for every device kind a `DeviceSpec` describes (video, serial port, console,
//! input, sound, TPM, RNG, watchdog, agent channel): its choice rows, used both to add a
//! device and to edit one in place, and which kinds a running VM can take hot-plugged.

use adw::prelude::*;
use virt_xml::domain::{self as dom, DeviceSpec};

use crate::i18n::gettext;

/// The kinds offered, by element name, in the order shown.
pub const KINDS: &[&str] = &[
    "video", "serial", "console", "input", "sound", "tpm", "rng", "watchdog", "channel", "redirdev",
];

/// The title of a kind.
pub fn kind_title(element: &str) -> String {
    match element {
        "video" => gettext("Video"),
        "serial" => gettext("Serial port"),
        "console" => gettext("Console"),
        "input" => gettext("Input"),
        "sound" => gettext("Sound"),
        "tpm" => gettext("TPM"),
        "rng" => gettext("Random number generator"),
        "watchdog" => gettext("Watchdog"),
        "channel" => gettext("Agent channel"),
        "redirdev" => gettext("USB redirection port"),
        other => other.to_owned(),
    }
}

/// A line on what a kind without choices adds.
pub fn kind_note(element: &str) -> String {
    match element {
        "serial" => gettext("A serial port on a pseudo-terminal"),
        "rng" => gettext("VirtIO, fed from the host’s /dev/urandom"),
        "tpm" => gettext("Emulated TPM 2.0 (needs swtpm on the host)"),
        "channel" => gettext(
            "The guest’s agents: clipboard sharing with a VNC or SPICE display (spice-vdagent in the guest), or the QEMU guest agent",
        ),
        "redirdev" => gettext(
            "For a SPICE display: takes a USB device or disc image of the computer showing the console (needs a USB controller)",
        ),
        _ => String::new(),
    }
}

/// The choice fields of a kind: (title, values).
fn fields(element: &str) -> Vec<(String, &'static [&'static str])> {
    match element {
        "video" => vec![(gettext("Model"), dom::VIDEO_MODELS)],
        "console" => vec![(gettext("Type"), dom::CONSOLE_TARGETS)],
        "input" => vec![
            (gettext("Type"), dom::INPUT_TYPES),
            (gettext("Bus"), dom::INPUT_BUSES),
        ],
        "sound" => vec![(gettext("Model"), dom::SOUND_MODELS)],
        "tpm" => vec![(gettext("Model"), dom::TPM_MODELS)],
        "watchdog" => vec![
            (gettext("Model"), dom::WATCHDOG_MODELS),
            (gettext("Action"), dom::WATCHDOG_ACTIONS),
        ],
        "channel" => vec![(gettext("Agent"), dom::CHANNEL_TYPES)],
        _ => Vec::new(),
    }
}

/// A readable label of a choice value.
fn label(value: &str) -> String {
    match value {
        "tablet" => gettext("Tablet"),
        "mouse" => gettext("Mouse"),
        "keyboard" => gettext("Keyboard"),
        "usb" => gettext("USB"),
        "ps2" => gettext("PS/2"),
        "virtio" => gettext("VirtIO"),
        "serial" => gettext("Serial"),
        "reset" => gettext("Reset"),
        "shutdown" => gettext("Shut down"),
        "poweroff" => gettext("Power off"),
        "pause" => gettext("Pause"),
        "none" => gettext("Do nothing"),
        "dump" => gettext("Dump memory"),
        "inject-nmi" => gettext("Send an NMI"),
        "qemu-vdagent" => gettext("Clipboard for a VNC display (qemu-vdagent)"),
        "spicevmc" => gettext("SPICE agent (spicevmc)"),
        "spiceport" => gettext("Shared folder for a SPICE display (WebDAV port)"),
        "unix" => gettext("QEMU guest agent"),
        other => other.to_owned(),
    }
}

/// The spec of `element` with the field values `v` (in [`fields`] order).
pub fn spec(element: &str, v: &[String]) -> Option<DeviceSpec> {
    let at = |i: usize| v.get(i).cloned();
    Some(match element {
        "video" => DeviceSpec::Video { model: at(0)? },
        "serial" => DeviceSpec::Serial,
        "console" => DeviceSpec::Console { target: at(0)? },
        "input" => DeviceSpec::Input {
            kind: at(0)?,
            bus: at(1)?,
        },
        "sound" => DeviceSpec::Sound { model: at(0)? },
        "tpm" => DeviceSpec::Tpm { model: at(0)? },
        "rng" => DeviceSpec::Rng,
        "watchdog" => DeviceSpec::Watchdog {
            model: at(0)?,
            action: at(1)?,
        },
        "channel" => DeviceSpec::Channel { kind: at(0)? },
        "redirdev" => DeviceSpec::UsbRedirection,
        _ => return None,
    })
}

/// The field values of a spec (in [`fields`] order).
fn values(s: &DeviceSpec) -> Vec<String> {
    match s {
        DeviceSpec::Serial | DeviceSpec::Rng | DeviceSpec::UsbRedirection => Vec::new(),
        DeviceSpec::Video { model } | DeviceSpec::Sound { model } | DeviceSpec::Tpm { model } => {
            vec![model.clone()]
        }
        DeviceSpec::Console { target } => vec![target.clone()],
        DeviceSpec::Channel { kind } => vec![kind.clone()],
        DeviceSpec::Input { kind, bus } => vec![kind.clone(), bus.clone()],
        DeviceSpec::Watchdog { model, action } => vec![model.clone(), action.clone()],
    }
}

/// Whether libvirt can hot-plug (and unplug) this device into a running VM.
pub fn hotpluggable(s: &DeviceSpec) -> bool {
    match s {
        DeviceSpec::Rng | DeviceSpec::Watchdog { .. } | DeviceSpec::UsbRedirection => true,
        DeviceSpec::Input { bus, .. } => bus != "ps2",
        _ => false,
    }
}

/// The choice rows of one device form.
#[derive(Debug, Clone)]
pub struct Form {
    element: &'static str,
    rows: Vec<(adw::ComboRow, Vec<String>)>,
}

impl Form {
    /// Choice rows for `element`, preset to `current` (or each list's first value).
    pub fn new(element: &'static str, current: Option<&DeviceSpec>) -> Form {
        let now = current.map(values).unwrap_or_default();
        let rows = fields(element)
            .into_iter()
            .enumerate()
            .map(|(i, (title, choices))| {
                let mut all: Vec<String> = choices.iter().map(|c| (*c).to_owned()).collect();
                if let Some(v) = now.get(i).filter(|v| !all.contains(v)) {
                    all.insert(0, v.clone());
                }
                let labels: Vec<String> = all.iter().map(|v| label(v)).collect();
                let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
                let row = adw::ComboRow::new();
                row.set_title(&title);
                row.set_model(Some(&gtk::StringList::new(&refs)));
                let pos = now
                    .get(i)
                    .and_then(|v| all.iter().position(|a| a == v))
                    .unwrap_or(0);
                row.set_selected(u32::try_from(pos).unwrap_or(0));
                (row, all)
            })
            .collect();
        Form { element, rows }
    }

    /// The rows, to add to an expander.
    pub fn rows(&self) -> impl Iterator<Item = &adw::ComboRow> {
        self.rows.iter().map(|(r, _)| r)
    }

    /// The spec the rows describe now.
    pub fn spec(&self) -> Option<DeviceSpec> {
        let v: Vec<String> = self
            .rows
            .iter()
            .filter_map(|(r, all)| all.get(r.selected() as usize).cloned())
            .collect();
        spec(self.element, &v)
    }

    /// Calls `f` with the new spec whenever a choice changes.
    pub fn on_change(&self, f: impl Fn(DeviceSpec) + Clone + 'static) {
        for (row, _) in &self.rows {
            let form = self.clone();
            let f = f.clone();
            row.connect_selected_notify(move |_| {
                if let Some(s) = form.spec() {
                    f(s);
                }
            });
        }
    }
}
