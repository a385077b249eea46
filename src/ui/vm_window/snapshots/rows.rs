//! A row of the snapshots list: indented by its depth in the tree, with its name, a tag for
//! the current one and for external ones, its description, when it was taken and the VM's
//! state then.

use adw::prelude::*;

use super::model::SnapInfo;
use crate::i18n::{gettext, gettext_f};

/// A row: indented by depth, name (and a "current" tag), when, state, description.
pub(super) fn row_for(s: &SnapInfo) -> gtk::ListBoxRow {
    let row = gtk::ListBoxRow::new();
    row.set_widget_name(&s.name);
    let outer = gtk::Box::new(gtk::Orientation::Horizontal, 12);
    outer.set_margin_top(6);
    outer.set_margin_bottom(6);
    outer.set_margin_end(12);
    outer.set_margin_start(12 + 24 * s.depth.min(12) as i32);
    let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
    text.set_hexpand(true);
    let title = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    let name = gtk::Label::new(Some(&s.name));
    name.set_xalign(0.0);
    name.add_css_class("heading");
    title.append(&name);
    if s.current {
        let tag = gtk::Label::new(Some(&gettext("current")));
        tag.add_css_class("accent");
        tag.add_css_class("caption-heading");
        title.append(&tag);
    }
    if s.external {
        let tag = gtk::Label::new(Some(&gettext("external")));
        tag.add_css_class("dim-label");
        tag.add_css_class("caption");
        title.append(&tag);
    }
    text.append(&title);
    if !s.description.is_empty() {
        let d = gtk::Label::new(Some(&s.description));
        d.set_xalign(0.0);
        d.set_wrap(true);
        d.add_css_class("dim-label");
        text.append(&d);
    }
    outer.append(&text);
    let when = gtk::Label::new(Some(&s.created_text()));
    when.add_css_class("numeric");
    outer.append(&when);
    let state = gtk::Label::new(Some(&s.state_text()));
    state.set_width_chars(10);
    state.set_xalign(1.0);
    outer.append(&state);
    row.set_child(Some(&outer));
    let label = if s.current {
        gettext_f("{} (current)", &[&s.name])
    } else {
        s.name.clone()
    };
    row.update_property(&[gtk::accessible::Property::Label(&label)]);
    row
}
