//! An editable XML view of one libvirt object, as the host window's pages show it (a
//! network's, a storage pool's): the daemon's XML in a monospace text view, an error line, and
//! an Apply button that hands the text back. [`checked`] is what typed XML must pass before
//! it is sent: it parses, and it names the same object; it goes out as typed (the XML
//! library is lossless).

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;

use crate::i18n::{gettext, gettext_f};

/// The text view, its error line and the Apply button (a clone shares them).
#[derive(Debug, Clone)]
pub struct XmlPane {
    /// The pane.
    pub root: gtk::Box,
    /// The XML text.
    pub text: gtk::TextView,
    /// What was wrong with the last Apply.
    pub error: gtk::Label,
    /// Hands the text to the page.
    pub apply: gtk::Button,
    /// The XML last put into the view, so an unchanged reload keeps what the user typed.
    shown: Rc<RefCell<String>>,
}

impl XmlPane {
    /// An empty pane; `apply` gets the text when the user presses Apply.
    pub fn new(apply: impl Fn(String) + 'static) -> XmlPane {
        let text = gtk::TextView::new();
        text.set_monospace(true);
        text.set_left_margin(6);
        text.set_top_margin(6);
        text.update_property(&[gtk::accessible::Property::Label(&gettext("XML"))]);
        let scroll = gtk::ScrolledWindow::builder()
            .vexpand(true)
            .min_content_height(200)
            .child(&text)
            .build();
        let error = gtk::Label::new(None);
        error.add_css_class("error");
        error.set_wrap(true);
        error.set_xalign(0.0);
        error.set_selectable(true);
        error.set_visible(false);
        let button = gtk::Button::with_label(&gettext("Apply"));
        button.add_css_class("suggested-action");
        button.set_halign(gtk::Align::End);
        let t = text.clone();
        button.connect_clicked(move |_| {
            let b = t.buffer();
            let (start, end) = b.bounds();
            apply(b.text(&start, &end, false).to_string());
        });
        let root = gtk::Box::new(gtk::Orientation::Vertical, 6);
        root.set_margin_top(12);
        root.set_margin_bottom(12);
        root.set_margin_start(12);
        root.set_margin_end(12);
        root.append(&scroll);
        root.append(&error);
        root.append(&button);
        XmlPane {
            root,
            text,
            error,
            apply: button,
            shown: Rc::default(),
        }
    }

    /// Shows `xml` when it differs from what the daemon said last time (so a reload that
    /// changes nothing keeps the user's edits).
    pub fn show(&self, xml: &str) {
        if *self.shown.borrow() != xml {
            self.text.buffer().set_text(xml);
            *self.shown.borrow_mut() = xml.to_owned();
        }
    }

    /// Shows `error`, or hides the error line.
    pub fn set_error(&self, error: Option<&str>) {
        self.error.set_label(error.unwrap_or_default());
        self.error.set_visible(error.is_some());
    }
}

/// Checks `text`, typed for the object named `name`: `parse` must accept it and `name_of` must
/// find `name` in it (`renamed` says why not otherwise). The XML to send, as typed.
pub fn checked<D, E: std::fmt::Display>(
    text: &str,
    name: &str,
    parse: impl FnOnce(&str) -> Result<D, E>,
    name_of: impl FnOnce(&D) -> Option<String>,
    renamed: &str,
) -> Result<String, String> {
    let doc = parse(text).map_err(|e| gettext_f("Not valid: {}", &[&e.to_string()]))?;
    if name_of(&doc).as_deref() != Some(name) {
        return Err(renamed.to_owned());
    }
    Ok(text.to_owned())
}
