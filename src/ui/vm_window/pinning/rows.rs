//! The pinning page's per-row controls: the row's CPUs as editable text, where a vCPU runs
//! now, a typing error, and a conflict with a change made elsewhere.

use std::cell::Cell;
use std::rc::Rc;

use gtk::prelude::*;
use virt_xml::CpuSet;

use super::PinningMsg;
use crate::i18n::{gettext, gettext_f};
use crate::widgets::pinning_matrix::RowKind;

/// The widgets of one row.
#[derive(Debug)]
pub struct RowWidgets {
    /// The CPUs as text (`0-3,8`).
    pub entry: gtk::Entry,
    /// "on CPU 3" for a running vCPU.
    pub running: gtk::Label,
    /// Why the text is not a CPU list.
    pub error: gtk::Label,
    /// Shown while the row conflicts with a change made elsewhere.
    pub conflict: gtk::Box,
    /// The conflict's text.
    pub conflict_label: gtk::Label,
}

/// Parses a row's text; empty text is no CPU.
pub fn parse_text(text: &str) -> Option<CpuSet> {
    let t = text.trim();
    if t.is_empty() {
        Some(CpuSet::new())
    } else {
        t.parse().ok()
    }
}

/// Fills `grid` with one line per row (removing what it held).
pub fn build(
    grid: &gtk::Grid,
    rows: &[RowKind],
    syncing: &Rc<Cell<bool>>,
    sender: &relm4::Sender<PinningMsg>,
) -> Vec<RowWidgets> {
    while let Some(child) = grid.first_child() {
        grid.remove(&child);
    }
    let mut out = Vec::with_capacity(rows.len());
    for (i, kind) in rows.iter().enumerate() {
        let top = i as i32;
        let name = gtk::Label::builder()
            .label(kind.label())
            .xalign(0.0)
            .build();
        grid.attach(&name, 0, top, 1, 1);

        let entry = gtk::Entry::builder()
            .width_chars(12)
            .max_width_chars(24)
            .valign(gtk::Align::Center)
            .build();
        entry.update_property(&[gtk::accessible::Property::Label(&gettext_f(
            "Host CPUs of {}",
            &[&kind.label()],
        ))]);
        let (s, sync) = (sender.clone(), syncing.clone());
        entry.connect_changed(move |e| {
            if !sync.get() {
                s.emit(PinningMsg::RowText(i, e.text().to_string()));
            }
        });
        grid.attach(&entry, 1, top, 1, 1);

        let running = gtk::Label::builder().xalign(0.0).build();
        running.add_css_class("dim-label");
        running.add_css_class("numeric");
        grid.attach(&running, 2, top, 1, 1);

        let error = gtk::Label::builder()
            .xalign(0.0)
            .wrap(true)
            .visible(false)
            .build();
        error.add_css_class("error");

        let conflict_label = gtk::Label::builder().xalign(0.0).build();
        conflict_label.add_css_class("warning");
        let keep = gtk::Button::with_label(&gettext("Keep Yours"));
        let s = sender.clone();
        keep.connect_clicked(move |_| s.emit(PinningMsg::KeepMine(i)));
        let take = gtk::Button::with_label(&gettext("Take Theirs"));
        let s = sender.clone();
        take.connect_clicked(move |_| s.emit(PinningMsg::TakeTheirs(i)));
        let conflict = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        conflict.append(&conflict_label);
        conflict.append(&keep);
        conflict.append(&take);
        conflict.set_visible(false);

        let notes = gtk::Box::new(gtk::Orientation::Vertical, 2);
        notes.set_hexpand(true);
        notes.set_valign(gtk::Align::Center);
        notes.append(&error);
        notes.append(&conflict);
        grid.attach(&notes, 3, top, 1, 1);

        out.push(RowWidgets {
            entry,
            running,
            error,
            conflict,
            conflict_label,
        });
    }
    out
}

impl RowWidgets {
    /// Shows `text` unless the entry already says the same CPUs (so typing is not undone).
    pub fn sync_text(&self, text: &str, syncing: &Cell<bool>) {
        let current = self.entry.text();
        if parse_text(&current) == parse_text(text) {
            return;
        }
        syncing.set(true);
        self.entry.set_text(text);
        syncing.set(false);
        self.show_error(None);
    }

    /// Shows or hides the typing error.
    pub fn show_error(&self, error: Option<&str>) {
        self.error.set_label(error.unwrap_or(""));
        self.error.set_visible(error.is_some());
        if error.is_some() {
            self.entry.add_css_class("error");
        } else {
            self.entry.remove_css_class("error");
        }
    }

    /// Shows or hides the conflict with CPUs `theirs` set elsewhere.
    pub fn show_conflict(&self, theirs: Option<&CpuSet>) {
        if let Some(set) = theirs {
            self.conflict_label.set_label(&gettext_f(
                "Changed elsewhere to {}: keep yours or take theirs",
                &[&set.to_string()],
            ));
        }
        self.conflict.set_visible(theirs.is_some());
    }

    /// Shows the host CPU the vCPU runs on now.
    pub fn show_running(&self, cpu: Option<u32>) {
        match cpu {
            Some(c) => self
                .running
                .set_label(&gettext_f("on CPU {}", &[&c.to_string()])),
            None => self.running.set_label(""),
        }
    }
}
