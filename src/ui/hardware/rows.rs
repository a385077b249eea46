//! Small row builders shared by the hardware editor's sections, and the sender their signals
//! use.

use std::cell::Cell;
use std::rc::Rc;

use adw::prelude::*;
use relm4::prelude::*;

use super::{HardwareEditor, HardwareEditorMsg as Msg};
use crate::i18n::gettext;

/// Sends messages from widget signals, except while the editor rebuilds its widgets.
#[derive(Clone)]
pub struct Tx {
    pub(super) sender: ComponentSender<HardwareEditor>,
    pub(super) quiet: Rc<Cell<bool>>,
    /// The entry whose Browse button was clicked last, for the path chosen in the browser.
    pub(super) browse_entry: BrowseEntry,
}

/// The entry a path chosen in the storage browser goes into (held weakly: a rebuilt page
/// drops it).
pub type BrowseEntry = Rc<std::cell::RefCell<Option<gtk::glib::WeakRef<adw::EntryRow>>>>;

impl Tx {
    /// Sends `msg` unless the change came from a rebuild.
    pub fn send(&self, msg: Msg) {
        if !self.quiet.get() {
            self.sender.input(msg);
        }
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tx")
    }
}

/// A text row that sends `f(text)` when edited.
pub fn entry(
    group: &adw::PreferencesGroup,
    title: &str,
    value: &str,
    tx: &Tx,
    f: impl Fn(String) -> Msg + 'static,
) -> adw::EntryRow {
    let row = adw::EntryRow::new();
    row.set_title(title);
    row.set_text(value);
    let s = tx.clone();
    row.connect_changed(move |r| s.send(f(r.text().to_string())));
    group.add(&row);
    row
}

/// A number row that sends `f(value)` when changed.
pub fn spin(
    group: &adw::PreferencesGroup,
    title: &str,
    subtitle: &str,
    value: f64,
    range: (f64, f64),
    tx: &Tx,
    f: impl Fn(f64) -> Msg + 'static,
) -> gtk::SpinButton {
    let row = adw::ActionRow::new();
    row.set_title(title);
    if !subtitle.is_empty() {
        row.set_subtitle(subtitle);
    }
    let b = gtk::SpinButton::with_range(range.0, range.1, 1.0);
    crate::ui::a11y::name(&b, title);
    b.set_value(value);
    b.set_valign(gtk::Align::Center);
    b.set_numeric(true);
    let s = tx.clone();
    b.connect_value_changed(move |b| s.send(f(b.value())));
    row.add_suffix(&b);
    crate::ui::a11y::row_widget(&row, &b);
    group.add(&row);
    b
}

/// A text row that sends nothing by itself (read by a button).
pub fn text(group: &adw::PreferencesGroup, title: &str, value: &str) -> adw::EntryRow {
    let row = adw::EntryRow::new();
    row.set_title(title);
    row.set_text(value);
    group.add(&row);
    row
}

/// A number row that sends nothing by itself (read by a button).
pub fn number(
    group: &adw::PreferencesGroup,
    title: &str,
    value: f64,
    range: (f64, f64),
) -> gtk::SpinButton {
    let row = adw::ActionRow::new();
    row.set_title(title);
    let b = gtk::SpinButton::with_range(range.0, range.1, 1.0);
    crate::ui::a11y::name(&b, title);
    b.set_value(value);
    b.set_valign(gtk::Align::Center);
    b.set_numeric(true);
    row.add_suffix(&b);
    group.add(&row);
    b
}

/// An on/off row that sends `f(active)` when toggled.
pub fn switch(
    group: &adw::PreferencesGroup,
    title: &str,
    subtitle: &str,
    active: bool,
    tx: &Tx,
    f: impl Fn(bool) -> Msg + 'static,
) -> gtk::Switch {
    let row = adw::ActionRow::new();
    row.set_title(title);
    if !subtitle.is_empty() {
        row.set_subtitle(subtitle);
    }
    let w = gtk::Switch::new();
    crate::ui::a11y::name(&w, title);
    w.set_active(active);
    w.set_valign(gtk::Align::Center);
    let s = tx.clone();
    w.connect_active_notify(move |w| s.send(f(w.is_active())));
    row.add_suffix(&w);
    crate::ui::a11y::row_widget(&row, &w);
    group.add(&row);
    w
}

/// A choice row over `items` that sends `f(item)` when changed; `current` is selected (and
/// added when it is not among `items`).
pub fn combo(
    group: &adw::PreferencesGroup,
    title: &str,
    items: &[&str],
    current: &str,
    tx: &Tx,
    f: impl Fn(String) -> Msg + 'static,
) -> adw::ComboRow {
    let mut all: Vec<String> = items.iter().map(|s| (*s).to_owned()).collect();
    if !all.iter().any(|s| s == current) {
        all.insert(0, current.to_owned());
    }
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let row = adw::ComboRow::new();
    row.set_title(title);
    row.set_model(Some(&gtk::StringList::new(&refs)));
    let index = all.iter().position(|s| s == current).unwrap_or(0);
    row.set_selected(u32::try_from(index).unwrap_or(0));
    let s = tx.clone();
    row.connect_selected_notify(move |r| {
        if let Some(item) = all.get(r.selected() as usize) {
            s.send(f(item.clone()));
        }
    });
    group.add(&row);
    row
}

/// A read-only row.
pub fn info(group: &adw::PreferencesGroup, title: &str, value: &str) -> adw::ActionRow {
    let row = adw::ActionRow::new();
    row.set_title(title);
    row.set_subtitle(&gtk::glib::markup_escape_text(value));
    row.add_css_class("property");
    group.add(&row);
    row
}

/// A button row suffix that sends `msg()` when clicked.
pub fn button(label: &str, tx: &Tx, msg: impl Fn() -> Msg + 'static) -> gtk::Button {
    let b = gtk::Button::with_label(label);
    b.set_valign(gtk::Align::Center);
    let s = tx.clone();
    b.connect_clicked(move |_| s.send(msg()));
    b
}

/// A flat trash button that sends `msg()` when clicked, for the header of a device's row.
pub fn remove_button(tx: &Tx, msg: impl Fn() -> Msg + 'static) -> gtk::Button {
    let b = gtk::Button::from_icon_name("user-trash-symbolic");
    b.set_valign(gtk::Align::Center);
    b.add_css_class("flat");
    b.set_tooltip_text(Some(&gettext("Remove")));
    crate::ui::a11y::name(&b, &gettext("Remove"));
    let s = tx.clone();
    b.connect_clicked(move |_| s.send(msg()));
    b
}

/// A group with a title and, for a running VM, a note on when changes apply.
pub fn group(title: &str, note: Option<&str>) -> adw::PreferencesGroup {
    let g = adw::PreferencesGroup::new();
    g.set_title(title);
    if let Some(n) = note {
        g.set_description(Some(n));
    }
    g
}
