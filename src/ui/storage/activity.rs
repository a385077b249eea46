//! The storage page's long operations on screen: the bar with what runs, its progress, rate
//! and a cancel button; and the file choosers that start uploads and downloads.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use adw::prelude::*;
use gtk::gio;
use relm4::Sender;

use super::page::StoragePageMsg;
use super::transfer::Progress;
use crate::i18n::gettext;

/// The bar of the operation under way (hidden when none).
#[derive(Debug, Clone)]
pub struct ActivityBar {
    /// The bar's box.
    pub root: gtk::Box,
    /// What runs.
    pub title: gtk::Label,
    /// Bytes done, in all and per second.
    pub detail: gtk::Label,
    /// The progress.
    pub progress: gtk::ProgressBar,
    /// Stops it.
    pub cancel: gtk::Button,
}

impl ActivityBar {
    /// A hidden bar whose cancel button sends [`StoragePageMsg::CancelTransfer`].
    pub fn new(input: &Sender<StoragePageMsg>) -> ActivityBar {
        let root = gtk::Box::new(gtk::Orientation::Vertical, 4);
        let line = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        let title = gtk::Label::new(None);
        title.set_xalign(0.0);
        title.set_hexpand(true);
        title.set_ellipsize(gtk::pango::EllipsizeMode::Middle);
        let detail = gtk::Label::new(None);
        detail.add_css_class("dim-label");
        detail.add_css_class("numeric");
        let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        cancel.set_valign(gtk::Align::Center);
        let input = input.clone();
        cancel.connect_clicked(move |_| input.emit(StoragePageMsg::CancelTransfer));
        line.append(&title);
        line.append(&detail);
        line.append(&cancel);
        let progress = gtk::ProgressBar::new();
        progress.update_property(&[gtk::accessible::Property::Label(&gettext("Progress"))]);
        root.append(&line);
        root.append(&progress);
        root.set_visible(false);
        ActivityBar {
            root,
            title,
            detail,
            progress,
            cancel,
        }
    }

    /// Shows `title` with `progress`: a fraction when the total is known, else a pulse per
    /// report (so the bar moves only while reports come). `cancellable` shows the button.
    pub fn show(&self, title: &str, progress: Option<&Progress>, cancellable: bool) {
        self.root.set_visible(true);
        self.title.set_label(title);
        self.cancel.set_visible(cancellable);
        match progress {
            Some(p) if p.total > 0 => {
                self.progress.set_fraction(p.fraction());
                self.detail.set_label(&p.label());
            }
            Some(p) => {
                self.progress.pulse();
                self.detail.set_label(&p.label());
            }
            None => {
                self.progress.set_fraction(0.0);
                self.detail.set_label("");
            }
        }
    }

    /// Hides the bar.
    pub fn hide(&self) {
        self.root.set_visible(false);
        self.progress.set_fraction(0.0);
    }
}

/// Asks for a local file to upload, then calls `chosen` with its path.
pub fn choose_upload(parent: Option<&gtk::Window>, chosen: impl Fn(PathBuf) + 'static) {
    let chooser = gtk::FileChooserNative::new(
        Some(&gettext("Upload File")),
        parent,
        gtk::FileChooserAction::Open,
        Some(&gettext("_Upload")),
        Some(&gettext("_Cancel")),
    );
    run(chooser, chosen);
}

/// Asks where to save a download of `volume`, then calls `chosen` with the path.
pub fn choose_download(
    parent: Option<&gtk::Window>,
    volume: &str,
    chosen: impl Fn(PathBuf) + 'static,
) {
    let chooser = gtk::FileChooserNative::new(
        Some(&gettext("Download Volume")),
        parent,
        gtk::FileChooserAction::Save,
        Some(&gettext("_Save")),
        Some(&gettext("_Cancel")),
    );
    chooser.set_current_name(volume);
    run(chooser, chosen);
}

fn run(chooser: gtk::FileChooserNative, chosen: impl Fn(PathBuf) + 'static) {
    chooser.set_modal(true);
    // The dialog keeps itself alive until it is answered.
    let keep: Rc<RefCell<Option<gtk::FileChooserNative>>> = Rc::default();
    let k = keep.clone();
    chooser.connect_response(move |chooser, response| {
        if response == gtk::ResponseType::Accept
            && let Some(path) = chooser.file().and_then(|f: gio::File| f.path())
        {
            chosen(path);
        }
        k.borrow_mut().take();
    });
    keep.replace(Some(chooser.clone()));
    chooser.show();
}
