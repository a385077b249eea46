//! The widget of one list row: a connection (title and status) or a VM (state, name, size).

use std::cell::RefCell;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::objects::{ConnectionObject, ConnectionStatus, VmObject};
use crate::i18n::{gettext, gettext_f};
use crate::session::model::{VmState, state_label};

mod spark;

mod imp {
    use super::*;

    pub struct ListRow {
        pub icon: gtk::Image,
        pub name: gtk::Label,
        pub subtitle: gtk::Label,
        pub size: gtk::Label,
        /// Made the first time the row's item is busy.
        pub spinner: RefCell<Option<gtk::Spinner>>,
        /// Connect, Retry or New VM on a connection's row; made for the first connection.
        pub action: RefCell<Option<gtk::Button>>,
        /// Made the first time the row shows a VM that runs.
        pub spark: RefCell<Option<crate::widgets::graph::HangarGraph>>,
        /// The screen of a running VM.
        pub thumbnail: crate::ui::thumbnails::ThumbnailPicture,
        /// The accessible label last set.
        pub a11y_label: RefCell<String>,
        pub bound: RefCell<Option<(glib::Object, Vec<glib::SignalHandlerId>)>>,
    }

    impl Default for ListRow {
        fn default() -> Self {
            ListRow {
                icon: gtk::Image::default(),
                name: gtk::Label::default(),
                subtitle: gtk::Label::default(),
                size: gtk::Label::default(),
                spinner: RefCell::default(),
                action: RefCell::default(),
                spark: RefCell::default(),
                thumbnail: crate::ui::thumbnails::ThumbnailPicture::new(
                    crate::ui::thumbnails::ROW_WIDTH as i32,
                    crate::ui::thumbnails::ROW_HEIGHT as i32,
                ),
                a11y_label: RefCell::default(),
                bound: RefCell::default(),
            }
        }
    }

    #[glib::object_subclass]
    impl ObjectSubclass for ListRow {
        const NAME: &'static str = "HangarListRow";
        type Type = super::ListRow;
        type ParentType = gtk::Box;
    }

    impl ObjectImpl for ListRow {
        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            obj.set_spacing(12);
            obj.set_margin_top(6);
            obj.set_margin_bottom(6);
            obj.set_margin_end(12);
            self.icon.set_pixel_size(16);
            let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
            text.set_hexpand(true);
            text.set_valign(gtk::Align::Center);
            for label in [&self.name, &self.subtitle] {
                label.set_xalign(0.0);
                label.set_ellipsize(gtk::pango::EllipsizeMode::End);
            }
            self.subtitle.add_css_class("dim-label");
            self.subtitle.add_css_class("caption");
            self.size.add_css_class("dim-label");
            self.size.add_css_class("numeric");
            text.append(&self.name);
            text.append(&self.subtitle);
            // The state's name, made when asked for: setting a tooltip costs a round trip to
            // the display server, too much for every row bound while scrolling.
            self.icon.set_has_tooltip(true);
            let row = obj.downgrade();
            self.icon.connect_query_tooltip(move |_, _, _, _, tooltip| {
                let Some(vm) = row
                    .upgrade()
                    .and_then(|r| r.item())
                    .and_downcast::<VmObject>()
                else {
                    return false;
                };
                tooltip.set_text(Some(&state_label(vm.vm_state(), vm.has_managed_save())));
                true
            });
            obj.append(&self.icon);
            self.thumbnail.set_valign(gtk::Align::Center);
            obj.append(&self.thumbnail);
            obj.append(&text);
            // The spinner, the action button and the sparkline go here when first needed.
            obj.append(&self.size);
        }
    }

    impl WidgetImpl for ListRow {}
    impl BoxImpl for ListRow {}
}

glib::wrapper! {
    /// One row of the VM list.
    pub struct ListRow(ObjectSubclass<imp::ListRow>)
        @extends gtk::Box, gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget, gtk::Orientable;
}

impl Default for ListRow {
    fn default() -> Self {
        glib::Object::new()
    }
}

/// "2 vCPUs · 4 GiB".
pub fn size_text(vcpus: u32, memory_kib: u64) -> String {
    let cpus = if vcpus == 1 {
        gettext("1 vCPU")
    } else {
        gettext_f("{} vCPUs", &[&vcpus.to_string()])
    };
    format!("{cpus} · {}", memory_text(memory_kib))
}

/// Memory in the largest binary unit that keeps it readable.
pub fn memory_text(kib: u64) -> String {
    let mib = kib as f64 / 1024.0;
    if mib >= 1024.0 {
        let gib = mib / 1024.0;
        if (gib - gib.round()).abs() < 0.05 {
            format!("{} GiB", gib.round())
        } else {
            format!("{gib:.1} GiB")
        }
    } else {
        format!("{} MiB", mib.round())
    }
}

/// Sets `widget`'s tooltip (none for an empty text) only when it changes: GTK asks the windowing
/// system where the pointer is on every change, a round trip to the display server that costs
/// more than the rest of a row's update.
pub fn set_tooltip(widget: &impl IsA<gtk::Widget>, text: Option<&str>) {
    let text = text.filter(|t| !t.is_empty());
    if widget.tooltip_text().as_deref() != text {
        widget.set_tooltip_text(text);
    }
}

/// Sets `image`'s icon unless it shows it already (setting one clears the image and measures
/// it anew).
fn set_icon(image: &gtk::Image, name: &str) {
    if image.icon_name().as_deref() != Some(name) {
        image.set_icon_name(Some(name));
    }
}

impl ListRow {
    /// Shows `item` (a [`ConnectionObject`] or a [`VmObject`]) and follows its changes.
    pub fn bind(&self, item: &glib::Object) {
        self.unbind();
        let handler = {
            let row = self.downgrade();
            item.connect_notify_local(None, move |obj, pspec| {
                if let Some(row) = row.upgrade() {
                    match pspec.name() {
                        "cpu-percent" => {
                            if let Some(spark) = row.imp().spark.borrow().as_ref() {
                                spark::refresh(spark, obj);
                            }
                        }
                        // The thumbnail widget follows its VM itself.
                        "thumbnail" => {}
                        _ => row.refresh(obj),
                    }
                }
            })
        };
        self.refresh(item);
        self.imp()
            .bound
            .replace(Some((item.clone(), vec![handler])));
    }

    /// The item this row shows.
    pub fn item(&self) -> Option<glib::Object> {
        self.imp()
            .bound
            .borrow()
            .as_ref()
            .map(|(obj, _)| obj.clone())
    }

    /// Stops following the bound item.
    pub fn unbind(&self) {
        if let Some((obj, handlers)) = self.imp().bound.take() {
            for h in handlers {
                obj.disconnect(h);
            }
        }
        self.imp().thumbnail.set_vm(None);
    }

    /// The thumbnail of the row's VM.
    pub fn thumbnail(&self) -> &crate::ui::thumbnails::ThumbnailPicture {
        &self.imp().thumbnail
    }

    /// Inserts `child` before the first of `later` that exists, else before the size label.
    fn insert_before_first(&self, child: &impl IsA<gtk::Widget>, later: &[Option<gtk::Widget>]) {
        let next = later
            .iter()
            .flatten()
            .next()
            .cloned()
            .unwrap_or_else(|| self.imp().size.clone().upcast());
        child.insert_before(self, Some(&next));
    }

    fn spark_widget(&self) -> Option<gtk::Widget> {
        self.imp()
            .spark
            .borrow()
            .as_ref()
            .map(|s| s.clone().upcast())
    }

    fn action_widget(&self) -> Option<gtk::Widget> {
        self.imp()
            .action
            .borrow()
            .as_ref()
            .map(|a| a.clone().upcast())
    }

    /// Shows the spinner turning while `busy`; makes it the first time.
    fn set_busy(&self, busy: bool) {
        let imp = self.imp();
        if imp.spinner.borrow().is_none() {
            if !busy {
                return;
            }
            let spinner = gtk::Spinner::new();
            self.insert_before_first(&spinner, &[self.action_widget(), self.spark_widget()]);
            imp.spinner.replace(Some(spinner));
        }
        if let Some(spinner) = imp.spinner.borrow().as_ref() {
            spinner.set_spinning(busy);
            spinner.set_visible(busy);
        }
    }

    /// The connection's action button, made the first time.
    fn action(&self) -> gtk::Button {
        let imp = self.imp();
        if let Some(button) = imp.action.borrow().as_ref() {
            return button.clone();
        }
        let button = gtk::Button::new();
        button.set_valign(gtk::Align::Center);
        self.insert_before_first(&button, &[self.spark_widget()]);
        imp.action.replace(Some(button.clone()));
        button
    }

    /// Hides the action button, if any.
    fn hide_action(&self) {
        if let Some(button) = self.imp().action.borrow().as_ref() {
            button.set_visible(false);
            button.set_action_name(None);
        }
    }

    /// Shows the sparkline of `item` while `shown`; makes it the first time.
    fn show_spark(&self, item: &glib::Object, shown: bool) {
        let imp = self.imp();
        if imp.spark.borrow().is_none() {
            if !shown {
                return;
            }
            let spark = spark::new_sparkline();
            let row = self.downgrade();
            spark::follow_map(&spark, move || row.upgrade()?.item());
            self.insert_before_first(&spark, &[]);
            imp.spark.replace(Some(spark));
        }
        if let Some(spark) = imp.spark.borrow().as_ref() {
            spark.set_visible(shown);
            spark::refresh(spark, item);
        }
    }

    /// Sets the accessible label unless it is the one set last.
    fn set_a11y_label(&self, label: String) {
        let imp = self.imp();
        if *imp.a11y_label.borrow() != label {
            self.update_property(&[gtk::accessible::Property::Label(&label)]);
            imp.a11y_label.replace(label);
        }
    }

    /// Fades the icon and the text, not the row's button.
    fn set_text_opacity(&self, opacity: f64) {
        let imp = self.imp();
        imp.icon.set_opacity(opacity);
        imp.name.set_opacity(opacity);
        imp.subtitle.set_opacity(opacity);
    }

    fn refresh(&self, item: &glib::Object) {
        let imp = self.imp();
        if let Some(conn) = item.downcast_ref::<ConnectionObject>() {
            let status = conn.connection_status();
            set_icon(
                &imp.icon,
                match status {
                    ConnectionStatus::Failed | ConnectionStatus::Reconnecting => {
                        "network-offline-symbolic"
                    }
                    _ => "computer-symbolic",
                },
            );
            imp.name.set_label(&conn.title());
            imp.name.add_css_class("heading");
            let details = conn.details();
            set_tooltip(self, Some(&details));
            let empty = status == ConnectionStatus::Connected && conn.vm_count() == 0;
            let status_text = if empty {
                gettext_f(
                    "{} — no virtual machines yet: create one, or import a disk image.",
                    &[&conn.status_text()],
                )
            } else {
                conn.status_text()
            };
            imp.subtitle.set_label(&status_text);
            imp.subtitle.set_wrap(status != ConnectionStatus::Connected);
            imp.subtitle
                .set_ellipsize(if status == ConnectionStatus::Connected {
                    gtk::pango::EllipsizeMode::End
                } else {
                    gtk::pango::EllipsizeMode::None
                });
            imp.size.set_label("");
            self.show_spark(item, false);
            imp.thumbnail.set_vm(None);
            imp.thumbnail.set_visible(false);
            // Only an attempt under way turns: a wait between attempts shows nothing moving.
            self.set_busy(status == ConnectionStatus::Connecting);
            let action = match status {
                ConnectionStatus::Disconnected => Some((gettext("_Connect"), "win.conn-connect")),
                ConnectionStatus::Reconnecting | ConnectionStatus::Failed => {
                    Some((gettext("_Retry Now"), "win.conn-connect"))
                }
                ConnectionStatus::Connected if empty => {
                    Some((gettext("_New Virtual Machine…"), "win.conn-new-vm"))
                }
                _ => None,
            };
            match action {
                Some((label, name)) => {
                    let action = self.action();
                    action.set_label(&label);
                    action.set_use_underline(true);
                    action.set_action_target_value(Some(&conn.uri().to_variant()));
                    action.set_action_name(Some(name));
                    action.set_visible(true);
                }
                None => self.hide_action(),
            }
            // The text fades while not connected; the button to act on it stays clear.
            let opacity = if status == ConnectionStatus::Connected {
                1.0
            } else {
                0.7
            };
            self.set_opacity(1.0);
            self.set_text_opacity(opacity);
            self.set_a11y_label(format!("{}, {}", conn.title(), status_text));
        } else if let Some(vm) = item.downcast_ref::<VmObject>() {
            let state = vm.vm_state();
            let state_text = state_label(state, vm.has_managed_save());
            set_icon(&imp.icon, state.icon_name());
            let class = match state {
                VmState::Running | VmState::Blocked => Some("state-running"),
                VmState::Paused | VmState::PmSuspended | VmState::ShuttingDown => {
                    Some("state-paused")
                }
                VmState::Crashed => Some("state-crashed"),
                VmState::ShutOff | VmState::NoState => None,
            };
            for other in ["state-running", "state-paused", "state-crashed"] {
                if Some(other) != class && imp.icon.has_css_class(other) {
                    imp.icon.remove_css_class(other);
                }
            }
            if let Some(class) = class.filter(|c| !imp.icon.has_css_class(c)) {
                imp.icon.add_css_class(class);
            }
            imp.name.set_label(&vm.name());
            imp.name.remove_css_class("heading");
            imp.subtitle.set_wrap(false);
            imp.subtitle.set_ellipsize(gtk::pango::EllipsizeMode::End);
            set_tooltip(self, None);
            let title = vm.title();
            let subtitle = if title.is_empty() {
                state_text.clone()
            } else {
                title
            };
            imp.subtitle.set_label(&subtitle);
            imp.size.set_label(&size_text(vm.vcpus(), vm.memory_kib()));
            self.set_busy(vm.busy());
            self.hide_action();
            self.show_spark(item, state.is_active());
            imp.thumbnail.set_vm(Some(vm));
            imp.thumbnail.set_visible(true);
            self.set_text_opacity(1.0);
            self.set_opacity(if state == VmState::ShutOff { 0.75 } else { 1.0 });
            self.set_a11y_label(format!("{}, {}", vm.name(), state_text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(memory_text(65536), "64 MiB");
        assert_eq!(memory_text(4 * 1024 * 1024), "4 GiB");
        assert_eq!(memory_text(1536 * 1024), "1.5 GiB");
        assert_eq!(size_text(1, 131072), "1 vCPU · 128 MiB");
        assert_eq!(size_text(4, 2 * 1024 * 1024), "4 vCPUs · 2 GiB");
    }
}
