//! The console toolbar's USB menu (SPICE only, shown while a SPICE console is connected): for a
//! VM with USB redirection ports, the host's USB devices, each with a switch that gives it to
//! the guest or takes it back, and the VM's choice to give it devices plugged in later by
//! themselves; what went wrong (a device the user may not open, no free port) is said under the
//! list, with what to do. "Share a Disc Image" gives the guest an ISO image of this computer as
//! a USB CD drive (listed with the devices from then on), for guests without a CD drive of
//! their own or a VM on another host. For a VM without such ports the menu says how to give it
//! one.

use adw::prelude::*;
use gtk::glib;

use super::ConsoleMsg;
use crate::i18n::{gettext, gettext_f};
use crate::widgets::spice_display::{SpiceDisplay, VncStatus};

/// The menu button.
pub(super) fn button(spice: &SpiceDisplay, input: &relm4::Sender<ConsoleMsg>) -> gtk::MenuButton {
    let content = gtk::Box::new(gtk::Orientation::Vertical, 6);
    content.set_margin_top(6);
    content.set_margin_bottom(6);
    content.set_margin_start(6);
    content.set_margin_end(6);
    // Without redirection ports: what to do about it.
    let no_ports = gtk::Box::new(gtk::Orientation::Vertical, 6);
    spice
        .bind_property("has-usb", &no_ports, "visible")
        .invert_boolean()
        .sync_create()
        .build();
    content.append(&no_ports);
    let none = gtk::Label::builder()
        .label(gettext(
            "This VM has no USB redirection ports. To give it USB devices or disc images of this computer, add one in its hardware (Add a Device, USB redirection port).",
        ))
        .wrap(true)
        .max_width_chars(40)
        .xalign(0.0)
        .build();
    no_ports.append(&none);
    let hardware = gtk::Button::builder()
        .label(gettext("Open Hardware"))
        .halign(gtk::Align::End)
        .build();
    no_ports.append(&hardware);
    let ports = gtk::Box::new(gtk::Orientation::Vertical, 6);
    spice
        .bind_property("has-usb", &ports, "visible")
        .sync_create()
        .build();
    content.append(&ports);
    let list = gtk::Box::new(gtk::Orientation::Vertical, 6);
    ports.append(&list);
    let disc = gtk::Button::builder()
        .label(gettext("Share a Disc Image…"))
        .tooltip_text(gettext(
            "Give the VM an ISO image of this computer as a USB CD drive",
        ))
        .css_classes(["flat"])
        .build();
    ports.append(&disc);
    ports.append(&gtk::Separator::new(gtk::Orientation::Horizontal));
    let auto = gtk::CheckButton::builder()
        .label(gettext("Redirect new USB devices automatically"))
        .tooltip_text(gettext(
            "USB devices plugged into this computer while the console is open go to this VM (keyboards and mice excepted)",
        ))
        .build();
    spice
        .bind_property("usb-auto-redirect", &auto, "active")
        .sync_create()
        .build();
    let s = input.clone();
    auto.connect_toggled(move |b| s.emit(ConsoleMsg::UsbAutoRedirect(b.is_active())));
    ports.append(&auto);
    let popover = gtk::Popover::builder().child(&content).build();
    let (s, p) = (input.clone(), popover.clone());
    hardware.connect_clicked(move |_| {
        p.popdown();
        s.emit(ConsoleMsg::ShowHardware);
    });
    let (weak, s, p) = (spice.downgrade(), input.clone(), popover.clone());
    disc.connect_clicked(move |b| {
        p.popdown();
        if let Some(spice) = weak.upgrade() {
            choose_disc_image(b, &spice, &s);
        }
    });
    let weak = spice.downgrade();
    let l = list.clone();
    popover.connect_show(move |_| {
        if let Some(spice) = weak.upgrade().filter(SpiceDisplay::has_usb) {
            fill(&l, &spice, None);
        }
    });
    // Devices coming and going while the menu is open are shown at once.
    let p = popover.clone();
    spice.connect_usb_devices_changed(move |spice| {
        if p.is_visible() && spice.has_usb() {
            fill(&list, spice, None);
        }
    });
    let button = gtk::MenuButton::builder()
        .icon_name("media-removable-symbolic")
        .tooltip_text(gettext("USB Devices"))
        .popover(&popover)
        .build();
    crate::ui::a11y::name(&button, &gettext("USB Devices"));
    // Shown with the SPICE console (a VNC VM's display is not SPICE's).
    let b = button.clone();
    let shown = move |spice: &SpiceDisplay| b.set_visible(spice.status() == VncStatus::Connected);
    shown(spice);
    spice.connect_status_notify(shown);
    button
}

/// Lists the host's devices into `list`, with `problem` under them.
fn fill(list: &gtk::Box, spice: &SpiceDisplay, problem: Option<String>) {
    while let Some(child) = list.first_child() {
        list.remove(&child);
    }
    let problem = gtk::Label::builder()
        .wrap(true)
        .max_width_chars(40)
        .xalign(0.0)
        .css_classes(["error"])
        .visible(problem.is_some())
        .label(problem.unwrap_or_default())
        .build();
    match spice.usb_devices() {
        Ok(devices) if devices.is_empty() => {
            list.append(&gtk::Label::new(Some(&gettext(
                "No USB devices on this computer",
            ))));
        }
        Ok(devices) => {
            for (i, device) in devices.into_iter().enumerate() {
                let row = gtk::Box::new(gtk::Orientation::Horizontal, 12);
                let label = gtk::Label::builder()
                    .label(&device.description)
                    .hexpand(true)
                    .xalign(0.0)
                    .build();
                let switch = gtk::Switch::builder()
                    .active(device.connected)
                    .valign(gtk::Align::Center)
                    .build();
                crate::ui::a11y::name(&switch, &device.description);
                let (weak, l, p) = (spice.downgrade(), list.clone(), problem.clone());
                switch.connect_state_set(move |_, on| {
                    let Some(spice) = weak.upgrade() else {
                        return glib::Propagation::Stop;
                    };
                    p.set_visible(false);
                    let (w, l) = (spice.downgrade(), l.clone());
                    spice.set_usb_redirected(i, on, move |r| {
                        // A refusal shows the devices as they are, and why.
                        if let (Err(e), Some(spice)) = (r, w.upgrade()) {
                            fill(&l, &spice, Some(e));
                        }
                    });
                    glib::Propagation::Proceed
                });
                row.append(&label);
                row.append(&switch);
                list.append(&row);
            }
        }
        Err(e) => {
            problem.set_label(&crate::i18n::gettext_f(
                "USB redirection is not available: {}",
                &[&e],
            ));
            problem.set_visible(true);
        }
    }
    list.append(&problem);
}

/// Asks for a disc image of this computer and gives it to the guest; the outcome is told
/// through `input`.
fn choose_disc_image(from: &gtk::Button, spice: &SpiceDisplay, input: &relm4::Sender<ConsoleMsg>) {
    use crate::ui::file_chooser;
    let chooser = file_chooser::modal(
        file_chooser::window_of(from).as_ref(),
        &gettext("Share a Disc Image"),
        gtk::FileChooserAction::Open,
        &gettext("Share"),
    );
    file_chooser::add_disc_image_filters(&chooser);
    let (weak, input) = (spice.downgrade(), input.clone());
    file_chooser::pick_path(&chooser, move |path| {
        let Some(spice) = weak.upgrade() else {
            return;
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = input.clone();
        spice.share_disc_image(&path, move |r| {
            input.emit(ConsoleMsg::UsbNotice(match r {
                Ok(()) => gettext_f("The VM has {} as a USB CD drive", &[&name]),
                Err(e) => gettext_f("{} could not go to the VM: {}", &[&name, &e]),
            }));
        });
    });
}
