//! A SPICE VM's further monitors, each in a window of its own (titled with the VM and the
//! display's number), opened when the server offers it. Closing such a window hides it (and,
//! while the guest's displays follow the windows, turns that monitor off in the guest); the
//! toolbar's "Other Displays" button brings them all back. A window goes away with its
//! monitor's session.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;

use crate::i18n::{gettext, gettext_f};
use crate::widgets::spice_display::SpiceDisplay;
use crate::widgets::spice_monitor::SpiceMonitor;

/// The monitors shown now, each with its window.
pub(super) type Windows = Rc<RefCell<Vec<(SpiceMonitor, adw::Window)>>>;

/// Opens a window for each monitor `spice` announces (named after VM `vm`), and returns the
/// windows with the toolbar button that shows them again.
pub(super) fn follow(spice: &SpiceDisplay, vm: &str) -> (Windows, gtk::Button) {
    let windows: Windows = Rc::default();
    let button = crate::ui::a11y::icon_button(
        "video-joined-displays-symbolic",
        &gettext("Show the VM’s Other Displays"),
    );
    button.set_visible(false);
    let w = windows.clone();
    button.connect_clicked(move |_| {
        for (_, window) in w.borrow().iter() {
            window.present();
        }
    });
    let (w, b, vm) = (windows.clone(), button.clone(), vm.to_owned());
    spice.connect_monitor_added(move |_, monitor| {
        let window = window_for(monitor, &vm);
        w.borrow_mut().push((monitor.clone(), window.clone()));
        b.set_visible(true);
        // Gone with its session.
        let (w, b) = (w.clone(), b.clone());
        monitor.connect_shown_notify(move |m| {
            if m.shown() {
                return;
            }
            let mut windows = w.borrow_mut();
            windows.retain(|(monitor, window)| {
                if monitor == m {
                    window.destroy();
                }
                monitor != m
            });
            b.set_visible(!windows.is_empty());
        });
        window.present();
    });
    (windows, button)
}

/// A window showing `monitor`.
fn window_for(monitor: &SpiceMonitor, vm: &str) -> adw::Window {
    let number = (monitor.number() + 1).to_string();
    let title = gettext_f("{} — Display {}", &[vm, &number]);
    crate::ui::a11y::name(monitor, &title);
    let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
    content.append(&adw::HeaderBar::new());
    content.append(monitor);
    adw::Window::builder()
        .title(title)
        .default_width(800)
        .default_height(600)
        .hide_on_close(true)
        .content(&content)
        .build()
}

/// Closes every monitor window (the page goes away).
pub(super) fn close_all(windows: &Windows) {
    for (_, window) in windows.borrow_mut().drain(..) {
        window.destroy();
    }
}
