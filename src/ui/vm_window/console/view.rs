//! The console page's widgets beyond its template: the status shown instead of a console, the
//! display's toolbar (send key, screenshot, scaling, fullscreen), the serial device chooser
//! and the fullscreen window with its revealed toolbar.

use adw::prelude::*;
use relm4::Sender;

use super::{ConsoleMode, ConsoleMsg, ConsolePage, Route, SerialState, Status, StatusAction};
use crate::i18n::{gettext, gettext_f};
use crate::settings::AppSettings;
use crate::widgets::spice_display::SpiceDisplay;
use crate::widgets::vnc_display::{DisplayState, KeyCombo, Scaling, VncDisplay};

/// What the page shows instead of a console, if anything.
pub(super) fn status(page: &ConsolePage) -> Option<Status> {
    let s = |title: String, description: String, action| {
        Some(Status {
            title,
            description,
            action,
        })
    };
    if page.connection.is_none() {
        return s(
            gettext("Not connected"),
            gettext("The connection to the host is closed."),
            None,
        );
    }
    if let Some(f) = &page.failure {
        return s(
            gettext("The console is not available"),
            f.clone(),
            Some(StatusAction::Retry),
        );
    }
    let Some(info) = &page.info else {
        return s(gettext("Loading…"), String::new(), None);
    };
    if !info.running {
        return s(
            gettext("The VM is off"),
            gettext("Run it to see its console."),
            Some(StatusAction::Run),
        );
    }
    match page.mode {
        ConsoleMode::Graphical => {
            let Some(g) = &info.graphics else {
                return s(
                    gettext("This VM has no graphical display"),
                    gettext("Its serial console may be available."),
                    None,
                );
            };
            if !super::graphics::SHOWN_KINDS.contains(&g.kind.as_str()) {
                return s(
                    gettext("This display type is not supported yet"),
                    gettext_f(
                        "The VM's display is {}; Hangar shows VNC and SPICE displays.",
                        &[&g.kind],
                    ),
                    None,
                );
            }
            if super::graphics::route(&page.uri, g) == Route::Unavailable {
                return s(
                    gettext("Not available for this connection yet"),
                    gettext(
                        "Hangar cannot reach this display over this kind of connection: it needs a local, SSH, TCP or TLS connection and a display with a port or socket.",
                    ),
                    None,
                );
            }
            if let Some(f) = &page.display_failure {
                return s(
                    gettext("The display cannot be reached"),
                    f.clone(),
                    Some(StatusAction::Retry),
                );
            }
            if let DisplayState::Disconnected {
                reason: Some(reason),
            } = page.display_state()
                && page.retries >= 5
            {
                return s(
                    gettext("The display closed"),
                    reason,
                    Some(StatusAction::Retry),
                );
            }
            None
        }
        ConsoleMode::Serial => {
            if info.serials.is_empty() {
                return s(
                    gettext("This VM has no serial console"),
                    String::new(),
                    None,
                );
            }
            match &page.serial_state {
                SerialState::InUse => s(
                    gettext("Console in use by another client"),
                    gettext("Another program, such as virsh console, holds this serial console."),
                    Some(StatusAction::TakeOver),
                ),
                SerialState::Ended(reason) => s(
                    gettext("The serial console closed"),
                    if reason.is_empty() {
                        gettext("Another client may have taken it over.")
                    } else {
                        reason.clone()
                    },
                    Some(StatusAction::TakeOver),
                ),
                _ => None,
            }
        }
    }
}

/// The label of a status page's button.
pub(super) fn action_label(action: StatusAction) -> String {
    match action {
        StatusAction::Run => gettext("Run"),
        StatusAction::TakeOver => gettext("Take Over"),
        StatusAction::Retry => gettext("Try Again"),
    }
}

/// Remembers the action on the status button (its widget name).
pub(super) fn set_action(button: &gtk::Button, action: Option<StatusAction>) {
    let name = match action {
        Some(StatusAction::Run) => "run",
        Some(StatusAction::TakeOver) => "take-over",
        Some(StatusAction::Retry) => "retry",
        None => "",
    };
    button.set_widget_name(name);
}

/// The action the status button stands for.
pub(super) fn action_of(button: &gtk::Button) -> Option<StatusAction> {
    match button.widget_name().as_str() {
        "run" => Some(StatusAction::Run),
        "take-over" => Some(StatusAction::TakeOver),
        "retry" => Some(StatusAction::Retry),
        _ => None,
    }
}

/// Fills the serial device chooser with the VM's devices.
pub(super) fn sync_devices(
    dropdown: &gtk::DropDown,
    info: Option<&super::ConsoleInfo>,
    selected: usize,
) {
    let labels: Vec<String> = info
        .map(|i| i.serials.iter().map(|d| d.label.clone()).collect())
        .unwrap_or_default();
    let current: Vec<String> = dropdown
        .model()
        .and_downcast::<gtk::StringList>()
        .map(|m| {
            (0..m.n_items())
                .filter_map(|i| m.string(i).map(|s| s.to_string()))
                .collect()
        })
        .unwrap_or_default();
    if current != labels {
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        dropdown.set_model(Some(&gtk::StringList::new(&refs)));
    }
    if dropdown.selected() as usize != selected && selected < labels.len() {
        dropdown.set_selected(selected as u32);
    }
}

/// A "Send Key" menu button for the display.
fn send_key_button(input: &Sender<ConsoleMsg>) -> gtk::MenuButton {
    let list = gtk::Box::new(gtk::Orientation::Vertical, 0);
    let popover = gtk::Popover::builder().child(&list).build();
    for combo in KeyCombo::all() {
        let item = gtk::Button::builder()
            .label(combo.label())
            .css_classes(["flat"])
            .build();
        let (s, p) = (input.clone(), popover.clone());
        item.connect_clicked(move |_| {
            p.popdown();
            s.emit(ConsoleMsg::SendKeys(combo));
        });
        list.append(&item);
    }
    list.append(&gtk::Separator::new(gtk::Orientation::Horizontal));
    let item = gtk::Button::builder()
        .label(gettext("Type Clipboard Text"))
        .tooltip_text(gettext(
            "Types the host clipboard’s text into the VM as key presses (US keyboard layout)",
        ))
        .css_classes(["flat"])
        .build();
    let (s, p) = (input.clone(), popover.clone());
    item.connect_clicked(move |_| {
        p.popdown();
        s.emit(ConsoleMsg::TypeClipboard);
    });
    list.append(&item);
    let button = gtk::MenuButton::builder()
        .icon_name("input-keyboard-symbolic")
        .tooltip_text(gettext("Send Key"))
        .popover(&popover)
        .build();
    crate::ui::a11y::name(&button, &gettext("Send Key"));
    button
}

/// The display's toolbar buttons.
pub(super) fn build_tools(
    tools: &gtk::Box,
    display: &VncDisplay,
    spice: &SpiceDisplay,
    input: &Sender<ConsoleMsg>,
) {
    tools.append(&send_key_button(input));
    let shot = gtk::Button::builder()
        .icon_name("camera-photo-symbolic")
        .tooltip_text(gettext("Save a Screenshot (Ctrl+Shift+S)"))
        .build();
    crate::ui::a11y::name(&shot, &gettext("Save a Screenshot"));
    let s = input.clone();
    shot.connect_clicked(move |_| s.emit(ConsoleMsg::Screenshot));
    tools.append(&shot);
    let fit = gtk::ToggleButton::builder()
        .icon_name("zoom-fit-best-symbolic")
        .tooltip_text(gettext("Scale to Fit"))
        .build();
    crate::ui::a11y::name(&fit, &gettext("Scale to Fit"));
    display
        .bind_property("scaling", &fit, "active")
        .transform_to(|_, scaling: Scaling| Some(scaling == Scaling::Fit))
        .transform_from(|_, fit: bool| Some(if fit { Scaling::Fit } else { Scaling::Native }))
        .bidirectional()
        .sync_create()
        .build();
    tools.append(&fit);
    let resize = gtk::ToggleButton::builder()
        .icon_name("video-display-symbolic")
        .tooltip_text(gettext("Resize the Guest’s Display with the Window"))
        .build();
    crate::ui::a11y::name(
        &resize,
        &gettext("Resize the Guest’s Display with the Window"),
    );
    display
        .bind_property("resize-guest", &resize, "active")
        .bidirectional()
        .sync_create()
        .build();
    // Resizing the guest is for a picture that fits the window.
    fit.bind_property("active", &resize, "sensitive")
        .sync_create()
        .build();
    tools.append(&resize);
    // Both choices survive a restart (when settings can be opened at all).
    if let Ok(settings) = AppSettings::open() {
        settings
            .gio()
            .bind("console-scale-to-fit", &fit, "active")
            .build();
        settings
            .gio()
            .bind("console-resize-guest", display, "resize-guest")
            .build();
    }
    // Per VM (the page applies the VM's choice, or the default, when it reads the VM).
    let share = gtk::ToggleButton::builder()
        .icon_name("edit-paste-symbolic")
        .tooltip_text(gettext(
            "Share the clipboard with this VM (text copied on either side can be pasted on the other)",
        ))
        .build();
    crate::ui::a11y::name(&share, &gettext("Share Clipboard"));
    display
        .bind_property("share-clipboard", &share, "active")
        .sync_create()
        .build();
    let s = input.clone();
    share.connect_toggled(move |b| s.emit(ConsoleMsg::ShareClipboard(b.is_active())));
    tools.append(&share);
    // The guest's sound (SPICE only), shown while it has some.
    let mute = gtk::ToggleButton::builder()
        .icon_name("audio-volume-muted-symbolic")
        .tooltip_text(gettext("Mute the VM’s Sound"))
        .build();
    crate::ui::a11y::name(&mute, &gettext("Mute the VM’s Sound"));
    spice
        .bind_property("muted", &mute, "active")
        .bidirectional()
        .sync_create()
        .build();
    spice
        .bind_property("has-audio", &mute, "visible")
        .sync_create()
        .build();
    tools.append(&mute);
    // Per VM, off unless chosen: the guest may record from the host's microphone.
    let mic = gtk::ToggleButton::builder()
        .icon_name("audio-input-microphone-symbolic")
        .tooltip_text(gettext(
            "Share the microphone with this VM (the guest can record from it)",
        ))
        .build();
    crate::ui::a11y::name(&mic, &gettext("Share Microphone"));
    spice
        .bind_property("share-microphone", &mic, "active")
        .sync_create()
        .build();
    spice
        .bind_property("has-audio", &mic, "visible")
        .sync_create()
        .build();
    let s = input.clone();
    mic.connect_toggled(move |b| s.emit(ConsoleMsg::ShareMicrophone(b.is_active())));
    tools.append(&mic);
    tools.append(&super::usb::button(spice, input));
    let full = crate::ui::a11y::icon_button("view-fullscreen-symbolic", &gettext("Fullscreen"));
    let s = input.clone();
    full.connect_clicked(move |_| s.emit(ConsoleMsg::Fullscreen(true)));
    tools.append(&full);
}

/// Asks where to save the display's picture (taken now) and says in a toast where it went.
pub(super) fn screenshot(
    display: &impl super::screenshot::GuestScreen,
    vm: &str,
    toasts: &adw::ToastOverlay,
) {
    let t = toasts.clone();
    let chooser = super::screenshot::dialog(display, vm, move |result| {
        let text = match result {
            Ok(path) => gettext_f("Screenshot saved to {}", &[&path.display().to_string()]),
            Err(e) => gettext_f("The screenshot was not saved: {}", &[&e]),
        };
        crate::ui::a11y::add_toast(&t, adw::Toast::new(&text));
    });
    match chooser {
        Some(chooser) => chooser.show(),
        None => crate::ui::a11y::add_toast(
            toasts,
            adw::Toast::new(&gettext(
                "There is no picture to save: the display is not connected",
            )),
        ),
    }
}

/// Lets the screenshot shortcut work while the display has the focus (before the guest gets
/// the keys; a grabbed keyboard still sends it to the guest).
pub(super) fn add_shortcuts(display: &impl IsA<gtk::Widget>, input: &Sender<ConsoleMsg>) {
    let controller = gtk::ShortcutController::new();
    controller.set_propagation_phase(gtk::PropagationPhase::Capture);
    let s = input.clone();
    let action = gtk::CallbackAction::new(move |_, _| {
        s.emit(ConsoleMsg::Screenshot);
        gtk::glib::Propagation::Stop
    });
    controller.add_shortcut(gtk::Shortcut::new(
        gtk::ShortcutTrigger::parse_string(super::screenshot::SHORTCUT),
        Some(action),
    ));
    display.add_controller(controller);
}

/// The display shown fullscreen in a window of its own, with a toolbar revealed at the top.
#[derive(Debug)]
pub(super) struct Fullscreen {
    window: gtk::Window,
    overlay: gtk::Overlay,
    stack: Option<gtk::Stack>,
    /// The display's name in the stack.
    name: Option<String>,
}

impl Fullscreen {
    /// Moves `display` into a fullscreen window.
    pub(super) fn enter(display: &gtk::Widget, input: &Sender<ConsoleMsg>) -> Self {
        let stack = display.parent().and_downcast::<gtk::Stack>();
        let parent = display.root().and_downcast::<gtk::Window>();
        let mut name = None;
        if let Some(s) = &stack {
            name = s.page(display).name().map(|n| n.to_string());
            s.remove(display);
        }
        let overlay = gtk::Overlay::builder().child(display).build();
        let bar = gtk::Box::builder()
            .spacing(6)
            .margin_top(6)
            .css_classes(["toolbar", "osd"])
            .build();
        bar.append(&send_key_button(input));
        let leave =
            crate::ui::a11y::icon_button("view-restore-symbolic", &gettext("Leave Fullscreen"));
        let s = input.clone();
        leave.connect_clicked(move |_| s.emit(ConsoleMsg::Fullscreen(false)));
        bar.append(&leave);
        let revealer = gtk::Revealer::builder()
            .child(&bar)
            .halign(gtk::Align::Center)
            .valign(gtk::Align::Start)
            .transition_type(gtk::RevealerTransitionType::SlideDown)
            .reveal_child(true)
            .build();
        overlay.add_overlay(&revealer);
        // The bar shows while the pointer is near the top edge.
        let motion = gtk::EventControllerMotion::new();
        let r = revealer.clone();
        motion.connect_motion(move |_, _, y| r.set_reveal_child(y < 48.0));
        overlay.add_controller(motion);
        let window = gtk::Window::builder().child(&overlay).build();
        // The display paints every pixel of this window (picture, letterbox or its idle
        // background), so the window's own background would only be filled under the picture
        // again on every frame the guest sends.
        window.add_css_class("guest-screen");
        window.set_transient_for(parent.as_ref());
        let keys = gtk::EventControllerKey::new();
        keys.set_propagation_phase(gtk::PropagationPhase::Capture);
        let s = input.clone();
        keys.connect_key_pressed(move |_, key, _, _| {
            if key == gtk::gdk::Key::Escape {
                s.emit(ConsoleMsg::Fullscreen(false));
                gtk::glib::Propagation::Stop
            } else {
                gtk::glib::Propagation::Proceed
            }
        });
        window.add_controller(keys);
        let s = input.clone();
        window.connect_close_request(move |_| {
            s.emit(ConsoleMsg::Fullscreen(false));
            gtk::glib::Propagation::Stop
        });
        window.fullscreen();
        window.present();
        display.grab_focus();
        Fullscreen {
            window,
            overlay,
            stack,
            name,
        }
    }

    /// Puts `display` back on the page and closes the window.
    pub(super) fn leave(self, display: &gtk::Widget) {
        self.overlay.set_child(None::<&gtk::Widget>);
        if let Some(s) = &self.stack {
            s.add_named(display, Some(self.name.as_deref().unwrap_or("graphical")));
        }
        self.window.destroy();
    }
}
