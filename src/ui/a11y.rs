//! Names for assistive technologies.
//!
//! GTK 4.8 names a control after its label; a control without one (an icon button, a
//! drop-down, a search entry, a spin button, a text view) is reported by its type name
//! ("GtkMenuButton"), which a screen reader then reads out. Composite controls take focus on an
//! internal child (the toggle button inside a drop-down or a menu button), so that child is
//! named too: it is what a screen reader announces when the user tabs onto it.
//!
//! A name given here is a control's only name: GTK would otherwise add the names of the
//! widgets that label it (a menu button labels its inner button, a row its activatable
//! widget), and a screen reader would read "Send Key Send Key".

use adw::prelude::*;

use crate::i18n::gettext;

/// Names `widget` `label` for assistive technologies (and the internal button of a drop-down
/// or menu button, which is the part that takes focus).
pub fn name(widget: &impl IsA<gtk::Widget>, label: &str) {
    let widget = widget.as_ref();
    widget.update_property(&[gtk::accessible::Property::Label(label)]);
    let composite = widget.is::<gtk::DropDown>() || widget.is::<gtk::MenuButton>();
    if let Some(inner) = widget.first_child().filter(|_| composite) {
        inner.update_property(&[gtk::accessible::Property::Label(label)]);
        inner.reset_relation(gtk::AccessibleRelation::LabelledBy);
    }
}

/// Makes `widget` (named with [`name`]) the activatable widget of `row`, keeping the name it
/// has as its only one (libadwaita would add the row's title to it).
pub fn row_widget(row: &impl IsA<adw::ActionRow>, widget: &impl IsA<gtk::Widget>) {
    row.as_ref().set_activatable_widget(Some(widget));
    widget
        .as_ref()
        .reset_relation(gtk::AccessibleRelation::LabelledBy);
}

/// Names the two halves of a split button: its main button `main`, its arrow `menu`.
pub fn name_split_button(button: &adw::SplitButton, main: &str, menu: &str) {
    name(button.upcast_ref::<gtk::Widget>(), main);
    let mut child = button.first_child();
    while let Some(c) = child {
        if c.is::<gtk::MenuButton>() {
            name(&c, menu);
        } else if c.is::<gtk::Button>() {
            name(&c, main);
        }
        child = c.next_sibling();
    }
}

/// An icon-only button named `label` for assistive technologies, with `label` as its tooltip.
pub fn icon_button(icon: &str, label: &str) -> gtk::Button {
    let b = gtk::Button::builder()
        .icon_name(icon)
        .tooltip_text(label)
        .build();
    name(&b, label);
    b
}

/// Every widget under `root` (not `root` itself), depth first.
pub fn descendants(root: &gtk::Widget) -> Vec<gtk::Widget> {
    let mut out = Vec::new();
    let mut stack: Vec<gtk::Widget> = Vec::new();
    let mut child = root.last_child();
    while let Some(c) = child {
        child = c.prev_sibling();
        stack.push(c);
    }
    while let Some(w) = stack.pop() {
        let mut child = w.last_child();
        while let Some(c) = child {
            child = c.prev_sibling();
            stack.push(c);
        }
        out.push(w);
    }
    out
}

/// Whether `button` shows only an icon (GTK then names it after the icon's type).
fn icon_only(button: &gtk::Widget) -> bool {
    button.downcast_ref::<gtk::Button>().is_some_and(|b| {
        b.label().is_none_or(|l| l.is_empty()) && b.child().is_some_and(|c| c.is::<gtk::Image>())
    })
}

/// A password row named `title`, whose reveal button (libadwaita's own, unnamed) is named
/// too.
pub fn password_row(title: &str) -> adw::PasswordEntryRow {
    let row = adw::PasswordEntryRow::new();
    row.set_title(title);
    for w in descendants(row.upcast_ref()) {
        if icon_only(&w) {
            name(&w, &gettext("Show Password"));
        }
    }
    row
}

/// Shows `toast` on `overlay` and names the dismiss button of the toast libadwaita shows
/// (its own widget, which it leaves unnamed); a toast waiting in the queue is named when it
/// comes up.
pub fn add_toast(overlay: &adw::ToastOverlay, toast: adw::Toast) {
    let o = overlay.clone();
    toast.connect_dismissed(move |_| {
        // The next toast in the queue is built after this signal.
        let o = o.clone();
        gtk::glib::idle_add_local_once(move || name_toast_buttons(&o));
    });
    overlay.add_toast(toast);
    name_toast_buttons(overlay);
}

fn name_toast_buttons(overlay: &adw::ToastOverlay) {
    for w in descendants(overlay.upcast_ref()) {
        let in_toast = w
            .parent()
            .is_some_and(|p| p.type_().name() == "AdwToastWidget");
        if in_toast && icon_only(&w) {
            name(&w, &gettext("Dismiss"));
        }
    }
}
