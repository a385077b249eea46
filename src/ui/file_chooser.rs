//! Native file choosers: made modal over a window, kept alive until the user answers (GTK holds
//! no reference to a shown `GtkFileChooserNative`), with the filters several of them share.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

use gtk::prelude::*;

use crate::i18n::gettext;

/// A modal chooser titled `title` over `parent` for `action`, its accept button labelled
/// `accept` (not yet shown).
pub fn modal(
    parent: Option<&gtk::Window>,
    title: &str,
    action: gtk::FileChooserAction,
    accept: &str,
) -> gtk::FileChooserNative {
    let chooser = gtk::FileChooserNative::new(
        Some(title),
        parent,
        action,
        Some(accept),
        Some(&gettext("_Cancel")),
    );
    chooser.set_modal(true);
    chooser
}

/// The window `widget` is in, to put a chooser over.
pub fn window_of(widget: &impl IsA<gtk::Widget>) -> Option<gtk::Window> {
    widget.root().and_downcast::<gtk::Window>()
}

/// Offers disc images (ISO) first, and any file.
pub fn add_disc_image_filters(chooser: &gtk::FileChooserNative) {
    let images = gtk::FileFilter::new();
    images.set_name(Some(&gettext("Disc Images")));
    images.add_mime_type("application/x-cd-image");
    images.add_suffix("iso");
    chooser.add_filter(&images);
    let all = gtk::FileFilter::new();
    all.set_name(Some(&gettext("All Files")));
    all.add_pattern("*");
    chooser.add_filter(&all);
}

/// Runs `answer` with the chooser and the user's response once, then lets the chooser go.
/// The caller shows it.
pub fn on_answer(
    chooser: &gtk::FileChooserNative,
    answer: impl Fn(&gtk::FileChooserNative, gtk::ResponseType) + 'static,
) {
    let keep: Rc<RefCell<Option<gtk::FileChooserNative>>> = Rc::default();
    let k = keep.clone();
    chooser.connect_response(move |chooser, response| {
        answer(chooser, response);
        k.borrow_mut().take();
    });
    keep.replace(Some(chooser.clone()));
}

/// Shows `chooser` and runs `chosen` with the path the user accepts (nothing when cancelled).
pub fn pick_path(chooser: &gtk::FileChooserNative, chosen: impl Fn(PathBuf) + 'static) {
    on_answer(chooser, move |c, response| {
        if response == gtk::ResponseType::Accept
            && let Some(path) = c.file().and_then(|f| f.path())
        {
            chosen(path);
        }
    });
    chooser.show();
}
