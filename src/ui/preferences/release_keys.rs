//! The "Release Keyboard" preference: a row choosing the keys that end a console's keyboard
//! grab (Ctrl+Alt, Ctrl+Alt+Shift or keys of one's own), and the small window that records
//! keys of one's own as they are pressed.

use adw::prelude::*;
use gtk::glib;
use gtk::glib::translate::IntoGlib;

use crate::i18n::{gettext, gettext_f};
use crate::widgets::release_keys::{MAX_KEYS, ReleaseKeys};

/// The row's choices, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Ctrl+Alt.
    CtrlAlt,
    /// Ctrl+Alt+Shift.
    CtrlAltShift,
    /// Keys recorded by the user.
    Custom,
}

impl Choice {
    const ALL: [Choice; 3] = [Self::CtrlAlt, Self::CtrlAltShift, Self::Custom];

    /// The choice that shows `keys`.
    pub fn of(keys: &ReleaseKeys) -> Choice {
        if *keys == ReleaseKeys::ctrl_alt() {
            Self::CtrlAlt
        } else if *keys == ReleaseKeys::ctrl_alt_shift() {
            Self::CtrlAltShift
        } else {
            Self::Custom
        }
    }

    fn position(self) -> u32 {
        Self::ALL.iter().position(|c| *c == self).unwrap_or(0) as u32
    }

    fn at(position: u32) -> Option<Choice> {
        Self::ALL.get(position as usize).copied()
    }
}

/// The row and what it needs to show a value.
#[derive(Debug, Clone)]
pub struct ReleaseKeysRow {
    /// The row (a combo row).
    pub row: adw::ComboRow,
    /// The names of its choices (the last one names the recorded keys).
    names: gtk::StringList,
    /// The button that records keys of one's own.
    pub record: gtk::Button,
    /// Set while the row shows a stored value (which is no choice of the user's).
    quiet: std::rc::Rc<std::cell::Cell<bool>>,
}

impl ReleaseKeysRow {
    /// A row calling `chosen` with a preset the user picks and `record` when the user asks to
    /// record keys (by choosing "Custom" or the row's button).
    pub fn new(chosen: impl Fn(ReleaseKeys) + 'static, record: impl Fn() + 'static) -> Self {
        let names = gtk::StringList::new(&[
            &ReleaseKeys::ctrl_alt().label(),
            &ReleaseKeys::ctrl_alt_shift().label(),
            &gettext("Custom…"),
        ]);
        let title = gettext("Release Keyboard");
        let row = adw::ComboRow::builder()
            .title(&title)
            .subtitle(gettext(
                "Keys that give the keyboard back from a console, pressed together",
            ))
            .model(&names)
            .build();
        let button = gtk::Button::builder()
            .icon_name("media-record-symbolic")
            .valign(gtk::Align::Center)
            .tooltip_text(gettext("Record Keys"))
            .css_classes(["flat"])
            .build();
        button.update_property(&[gtk::accessible::Property::Label(&gettext(
            "Record keys that release the keyboard",
        ))]);
        row.add_suffix(&button);
        let record = std::rc::Rc::new(record);
        let r = record.clone();
        button.connect_clicked(move |_| r());
        let quiet = std::rc::Rc::new(std::cell::Cell::new(false));
        let q = quiet.clone();
        row.connect_selected_notify(move |row| {
            if q.get() {
                return;
            }
            match Choice::at(row.selected()) {
                Some(Choice::CtrlAlt) => chosen(ReleaseKeys::ctrl_alt()),
                Some(Choice::CtrlAltShift) => chosen(ReleaseKeys::ctrl_alt_shift()),
                Some(Choice::Custom) => record(),
                None => {}
            }
        });
        ReleaseKeysRow {
            row,
            names,
            record: button,
            quiet,
        }
    }

    /// Shows the stored `keys` (recorded keys as the last choice's name), calling nothing back.
    pub fn show(&self, keys: &ReleaseKeys) {
        let choice = Choice::of(keys);
        let custom = match choice {
            Choice::Custom => keys.label(),
            _ => gettext("Custom…"),
        };
        self.quiet.set(true);
        if self.names.string(2).as_deref() != Some(custom.as_str()) {
            self.names.splice(2, 1, &[&custom]);
        }
        if self.row.selected() != choice.position() {
            self.row.set_selected(choice.position());
        }
        self.quiet.set(false);
    }

    /// The choice the row shows.
    pub fn choice(&self) -> Option<Choice> {
        Choice::at(self.row.selected())
    }

    /// Picks `choice` as the user would.
    pub fn choose(&self, choice: Choice) {
        self.row.set_selected(choice.position());
    }
}

/// Title of the window that records keys.
pub fn recorder_title() -> String {
    gettext("Record Release Keys")
}

/// Opens a window over `parent` that records the keys pressed together, up to [`MAX_KEYS`];
/// letting them all go calls `done` with them. Escape alone or Cancel calls `done(None)`.
pub fn record(parent: Option<&gtk::Window>, done: impl Fn(Option<ReleaseKeys>) + 'static) {
    let window = adw::Window::builder()
        .title(recorder_title())
        .modal(true)
        .default_width(380)
        .build();
    window.set_transient_for(parent);
    let shown = gtk::Label::builder()
        .label(gettext("Press the keys together, then let them go"))
        .wrap(true)
        .justify(gtk::Justification::Center)
        .css_classes(["title-3"])
        .build();
    let explain = gtk::Label::builder()
        .label(gettext_f(
            "Up to {} keys. Escape alone cancels.",
            &[&MAX_KEYS.to_string()],
        ))
        .wrap(true)
        .css_classes(["dim-label"])
        .build();
    let cancel = gtk::Button::with_label(&gettext("Cancel"));
    cancel.set_halign(gtk::Align::Center);
    let body = gtk::Box::builder()
        .orientation(gtk::Orientation::Vertical)
        .spacing(12)
        .margin_top(24)
        .margin_bottom(24)
        .margin_start(24)
        .margin_end(24)
        .build();
    body.append(&shown);
    body.append(&explain);
    body.append(&cancel);
    let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
    content.append(&adw::HeaderBar::new());
    content.append(&body);
    window.set_content(Some(&content));

    let done = std::rc::Rc::new(done);
    // Keys pressed (in order) and the key codes still down.
    let state = std::rc::Rc::new(std::cell::RefCell::new((
        Vec::<u32>::new(),
        Vec::<u32>::new(),
    )));
    let finished = std::rc::Rc::new(std::cell::Cell::new(false));
    let finish = {
        let (window, done, finished) = (window.clone(), done.clone(), finished.clone());
        move |keys: Option<ReleaseKeys>| {
            if !finished.replace(true) {
                done(keys);
            }
            window.close();
        }
    };
    let finish = std::rc::Rc::new(finish);
    let keys = gtk::EventControllerKey::new();
    keys.set_propagation_phase(gtk::PropagationPhase::Capture);
    let (s, f, label) = (state.clone(), finish.clone(), shown.clone());
    keys.connect_key_pressed(move |_, keyval, keycode, _| {
        let mut st = s.borrow_mut();
        if st.0.is_empty() && keyval == gtk::gdk::Key::Escape {
            drop(st);
            f(None);
            return glib::Propagation::Stop;
        }
        if !st.1.contains(&keycode) {
            st.1.push(keycode);
        }
        let v = keyval.into_glib();
        if !st.0.contains(&v) && st.0.len() < MAX_KEYS {
            st.0.push(v);
        }
        if let Some(k) = ReleaseKeys::from_keyvals(&st.0) {
            label.set_label(&k.label());
        }
        glib::Propagation::Stop
    });
    let (s, f) = (state, finish.clone());
    keys.connect_key_released(move |_, _, keycode, _| {
        let mut st = s.borrow_mut();
        st.1.retain(|k| *k != keycode);
        if st.1.is_empty() && !st.0.is_empty() {
            let recorded = ReleaseKeys::from_keyvals(&st.0);
            drop(st);
            f(recorded);
        }
    });
    window.add_controller(keys);
    let f = finish.clone();
    cancel.connect_clicked(move |_| f(None));
    window.connect_close_request(move |_| {
        if !finished.replace(true) {
            done(None);
        }
        glib::Propagation::Proceed
    });
    window.present();
}
