//! Native file choosers that keep themselves alive until the user answers (GTK holds no
//! reference to a shown `GtkFileChooserNative`).

use std::cell::RefCell;
use std::rc::Rc;

use gtk::prelude::*;

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
