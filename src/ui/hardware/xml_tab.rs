//! The XML tab: the whole persistent definition, editable, checked with virt-xml before it is
//! sent; errors point at their line and column.

use adw::prelude::*;

use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx};
use crate::i18n::gettext;

/// The XML tab's widgets.
#[derive(Debug)]
pub struct XmlTab {
    /// The tab.
    pub root: gtk::Box,
    /// The text.
    pub view: gtk::TextView,
    /// The error, with line and column.
    pub error: gtk::Label,
    shown: std::cell::RefCell<String>,
}

impl XmlTab {
    /// Builds the tab.
    pub fn new(tx: &Tx) -> XmlTab {
        let root = gtk::Box::new(gtk::Orientation::Vertical, 6);
        root.set_margin_top(12);
        root.set_margin_bottom(12);
        root.set_margin_start(12);
        root.set_margin_end(12);
        let view = gtk::TextView::new();
        view.set_monospace(true);
        view.set_wrap_mode(gtk::WrapMode::None);
        view.set_left_margin(6);
        view.set_top_margin(6);
        crate::ui::a11y::name(&view, &gettext("Domain XML"));
        let s = tx.clone();
        view.buffer().connect_changed(move |b| {
            let (start, end) = b.bounds();
            s.send(Msg::XmlChanged(b.text(&start, &end, false).to_string()));
        });
        let scroll = gtk::ScrolledWindow::new();
        scroll.set_child(Some(&view));
        scroll.set_vexpand(true);
        scroll.add_css_class("card");
        root.append(&scroll);
        let bottom = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        let error = gtk::Label::new(None);
        error.set_xalign(0.0);
        error.set_hexpand(true);
        error.set_wrap(true);
        error.add_css_class("error");
        bottom.append(&error);
        let apply = gtk::Button::with_mnemonic(&gettext("Apply _XML"));
        let s = tx.clone();
        apply.connect_clicked(move |_| s.send(Msg::ApplyXml));
        bottom.append(&apply);
        root.append(&bottom);
        XmlTab {
            root,
            view,
            error,
            shown: Default::default(),
        }
    }

    /// Shows the model's text (when it changed elsewhere) and error.
    pub fn refresh(&self, m: &HardwareEditor) {
        if *self.shown.borrow() != m.xml_text {
            let buffer = self.view.buffer();
            let (start, end) = buffer.bounds();
            if buffer.text(&start, &end, false) != m.xml_text.as_str() {
                buffer.set_text(&m.xml_text);
            }
            *self.shown.borrow_mut() = m.xml_text.clone();
        }
        let text = m
            .xml_error
            .as_ref()
            .map(|e| gettext("Not sent: ") + e)
            .unwrap_or_default();
        self.error.set_label(&text);
        self.error.set_visible(m.xml_error.is_some());
    }
}
