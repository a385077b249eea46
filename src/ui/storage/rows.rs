//! The rows of the storage page's lists: a pool with its type, state, capacity bar and
//! autostart switch; a volume with its format, sizes and the VMs using it.

use adw::prelude::*;
use relm4::factory::{DynamicIndex, FactoryComponent, FactorySender};

use super::ops::{PoolEntry, VolumeEntry, format_size};
use crate::i18n::{gettext, gettext_f};

/// A pool's state for people.
pub fn state_label(state: u8) -> String {
    match state {
        0 => gettext("Inactive"),
        1 => gettext("Building"),
        2 => gettext("Running"),
        3 => gettext("Degraded"),
        4 => gettext("Inaccessible"),
        _ => gettext("Unknown"),
    }
}

/// “1.2 GiB of 10 GiB used”.
pub fn usage_label(allocation: u64, capacity: u64) -> String {
    gettext_f(
        "{} of {} used",
        &[&format_size(allocation), &format_size(capacity)],
    )
}

/// One pool in the list.
#[derive(Debug)]
pub struct PoolRow {
    entry: PoolEntry,
}

/// What a pool row asks of the page.
#[derive(Debug)]
pub enum PoolRowOutput {
    /// The user flipped the autostart switch of this pool.
    Autostart(String, bool),
}

#[relm4::factory(pub)]
impl FactoryComponent for PoolRow {
    type Init = PoolEntry;
    type Input = ();
    type Output = PoolRowOutput;
    type CommandOutput = ();
    type ParentWidget = gtk::ListBox;

    view! {
        adw::ActionRow {
            set_title: &self.entry.name,
            set_subtitle: &self.subtitle(),
            set_widget_name: &self.entry.name,

            add_suffix = &gtk::LevelBar {
                set_valign: gtk::Align::Center,
                set_width_request: 80,
                set_min_value: 0.0,
                set_max_value: 1.0,
                set_value: self.fill(),
                set_visible: self.entry.capacity > 0,
                set_tooltip_text: Some(&usage_label(self.entry.allocation, self.entry.capacity)),
                update_property: &[gtk::accessible::Property::Label(
                    &gettext_f("Space used in “{}”", &[&self.entry.name]),
                )],
            },
            add_suffix = &gtk::Switch {
                set_valign: gtk::Align::Center,
                set_active: self.entry.autostart,
                set_sensitive: self.entry.persistent,
                set_tooltip_text: Some(&gettext("Start with the host")),
                update_property: &[gtk::accessible::Property::Label(
                    &gettext_f("Start “{}” with the host", &[&self.entry.name]),
                )],
                connect_state_set[sender, name = self.entry.name.clone()] => move |_, on| {
                    let _ = sender.output(PoolRowOutput::Autostart(name.clone(), on));
                    gtk::glib::Propagation::Proceed
                },
            },
        }
    }

    fn init_model(entry: PoolEntry, _index: &DynamicIndex, _sender: FactorySender<Self>) -> Self {
        PoolRow { entry }
    }
}

impl PoolRow {
    fn subtitle(&self) -> String {
        let e = &self.entry;
        let mut parts = vec![e.kind.clone(), state_label(e.state)];
        if e.capacity > 0 {
            parts.push(usage_label(e.allocation, e.capacity));
        }
        parts.retain(|p| !p.is_empty());
        parts.join(" · ")
    }

    fn fill(&self) -> f64 {
        let e = &self.entry;
        if e.capacity == 0 {
            0.0
        } else {
            (e.allocation as f64 / e.capacity as f64).clamp(0.0, 1.0)
        }
    }
}

/// One volume in the list.
#[derive(Debug)]
pub struct VolumeRow {
    entry: VolumeEntry,
}

#[relm4::factory(pub)]
impl FactoryComponent for VolumeRow {
    type Init = VolumeEntry;
    type Input = ();
    type Output = ();
    type CommandOutput = ();
    type ParentWidget = gtk::ListBox;

    view! {
        adw::ActionRow {
            set_title: &self.entry.name,
            set_subtitle: &self.subtitle(),
            set_widget_name: &self.entry.name,

            add_suffix = &gtk::Label {
                set_label: &self.users(),
                set_visible: !self.entry.users.is_empty(),
                set_wrap: true,
                set_xalign: 1.0,
                add_css_class: "dim-label",
            },
        }
    }

    fn init_model(entry: VolumeEntry, _index: &DynamicIndex, _sender: FactorySender<Self>) -> Self {
        VolumeRow { entry }
    }
}

impl VolumeRow {
    fn subtitle(&self) -> String {
        let e = &self.entry;
        let mut line = gettext_f(
            "{} · {} · {} allocated",
            &[
                if e.format.is_empty() {
                    "—"
                } else {
                    &e.format
                },
                &format_size(e.capacity),
                &format_size(e.allocation),
            ],
        );
        if let Some(backing) = &e.backing {
            line.push_str(" · ");
            line.push_str(&gettext_f("on {}", &[backing]));
        }
        line
    }

    fn users(&self) -> String {
        gettext_f("Used by {}", &[&self.entry.users.join(", ")])
    }
}
