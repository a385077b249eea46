//! Files to the guest over SPICE (through its agent): the toolbar's "Send Files" button (for
//! those who do not drag them onto the display), the bar under the display while they go (what
//! is happening, how far it has got, a button to stop it), and how it ended, in a toast.

use adw::prelude::*;

use crate::i18n::{gettext, gettext_f};
use crate::widgets::spice_display::SpiceDisplay;

/// The bar for `spice`, shown while it sends files; outcomes are toasted on `toasts`.
pub(super) fn bar(spice: &SpiceDisplay, toasts: &adw::ToastOverlay) -> gtk::Revealer {
    let label = gtk::Label::new(Some(&gettext("Sending files to the guest…")));
    let progress = gtk::ProgressBar::builder()
        .hexpand(true)
        .valign(gtk::Align::Center)
        .build();
    crate::ui::a11y::name(&progress, &gettext("Files sent to the guest"));
    let cancel = gtk::Button::with_label(&gettext("Cancel"));
    crate::ui::a11y::name(&cancel, &gettext("Stop Sending Files"));
    let row = gtk::Box::builder()
        .spacing(12)
        .margin_start(12)
        .margin_end(12)
        .margin_top(6)
        .margin_bottom(6)
        .build();
    row.append(&label);
    row.append(&progress);
    row.append(&cancel);
    let revealer = gtk::Revealer::builder()
        .child(&row)
        .transition_type(gtk::RevealerTransitionType::SlideUp)
        .build();
    spice
        .bind_property("transferring", &revealer, "reveal-child")
        .sync_create()
        .build();
    spice
        .bind_property("transfer-progress", &progress, "fraction")
        .sync_create()
        .build();
    let weak = spice.downgrade();
    cancel.connect_clicked(move |_| {
        if let Some(spice) = weak.upgrade() {
            spice.cancel_transfer();
        }
    });
    let toasts = toasts.downgrade();
    spice.connect_transfer_finished(move |_, message| {
        let Some(toasts) = toasts.upgrade() else {
            return;
        };
        let text = if message.is_empty() {
            gettext(
                "The files were sent to the guest (its agent saves them in the Downloads folder)",
            )
        } else {
            message.to_string()
        };
        crate::ui::a11y::add_toast(&toasts, adw::Toast::new(&text));
    });
    revealer
}

/// The toolbar button that picks files on this machine and sends them to the guest; shown
/// while the guest runs an agent.
pub(super) fn send_button(spice: &SpiceDisplay, toasts: &adw::ToastOverlay) -> gtk::Button {
    let button =
        crate::ui::a11y::icon_button("document-send-symbolic", &gettext("Send Files to the VM…"));
    spice
        .bind_property("has-agent", &button, "visible")
        .sync_create()
        .build();
    spice
        .bind_property("transferring", &button, "sensitive")
        .invert_boolean()
        .sync_create()
        .build();
    let (weak, toasts) = (spice.downgrade(), toasts.downgrade());
    button.connect_clicked(move |b| {
        let chooser = crate::ui::file_chooser::modal(
            crate::ui::file_chooser::window_of(b).as_ref(),
            &gettext("Send Files to the VM"),
            gtk::FileChooserAction::Open,
            &gettext("Send"),
        );
        chooser.set_select_multiple(true);
        let (weak, toasts) = (weak.clone(), toasts.clone());
        crate::ui::file_chooser::on_answer(&chooser, move |c, response| {
            let files: Vec<gtk::gio::File> = c
                .files()
                .iter::<gtk::gio::File>()
                .filter_map(Result::ok)
                .collect();
            let (Some(spice), true) = (weak.upgrade(), response == gtk::ResponseType::Accept)
            else {
                return;
            };
            if let (Err(e), Some(toasts)) = (spice.send_files(&files), toasts.upgrade()) {
                let text = gettext_f("The files were not sent: {}", &[&e.to_string()]);
                crate::ui::a11y::add_toast(&toasts, adw::Toast::new(&text));
            }
        });
        chooser.show();
    });
    button
}
