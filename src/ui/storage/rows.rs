//! The storage page's lists: a pool row with its type, state, capacity bar and autostart
//! switch; the volume list, whose rows show format, sizes and the VMs using each volume.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;
use gtk::{gio, glib};
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

/// The volume list: a list view over a model of [`VolumeEntry`]s, so that a pool of
/// thousands of volumes makes rows only for what is on screen.
#[derive(Debug, Clone)]
pub struct VolumeList {
    /// The entries, as `glib::BoxedAnyObject`s holding [`VolumeEntry`].
    pub store: gio::ListStore,
    /// The selection over `store`.
    pub selection: gtk::SingleSelection,
    /// The view.
    pub view: gtk::ListView,
    /// The view, or a line saying there are no volumes.
    pub stack: gtk::Stack,
    /// The entries in `store`, to change only what changed.
    shown: Rc<RefCell<Vec<VolumeEntry>>>,
}

impl VolumeList {
    /// An empty list.
    pub fn new() -> VolumeList {
        let store = gio::ListStore::new::<glib::BoxedAnyObject>();
        let selection = gtk::SingleSelection::builder()
            .model(&store)
            .autoselect(false)
            .can_unselect(true)
            .build();
        let factory = gtk::SignalListItemFactory::new();
        factory.connect_setup(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else {
                return;
            };
            item.set_child(Some(&VolumeCells::new().root));
        });
        factory.connect_bind(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else {
                return;
            };
            let (Some(obj), Some(child)) = (
                item.item().and_downcast::<glib::BoxedAnyObject>(),
                item.child(),
            ) else {
                return;
            };
            if let Ok(entry) = obj.try_borrow::<VolumeEntry>() {
                VolumeCells::of(&child).show(&entry);
            }
        });
        let view = gtk::ListView::new(Some(selection.clone()), Some(factory));
        view.add_css_class("boxed-list");
        view.set_show_separators(true);
        view.update_property(&[gtk::accessible::Property::Label(&gettext("Volumes"))]);
        let none = gtk::Label::new(Some(&gettext("No volumes")));
        none.add_css_class("dim-label");
        let stack = gtk::Stack::new();
        let scroll = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .child(&view)
            .build();
        stack.add_named(&scroll, Some("list"));
        stack.add_named(&none, Some("empty"));
        stack.set_visible_child_name("empty");
        VolumeList {
            store,
            selection,
            view,
            stack,
            shown: Rc::default(),
        }
    }

    /// Shows `volumes` and selects the one at `selected`. Only the run of entries that differs
    /// from what is shown is replaced (one change of the model, none when nothing changed),
    /// so a reload of a large, unchanged pool costs the view nothing.
    pub fn set(&self, volumes: &[VolumeEntry], selected: Option<usize>) {
        let (at, removed, added) = {
            let shown = self.shown.borrow();
            changed_run(&shown, volumes)
        };
        if removed > 0 || !added.is_empty() {
            let items: Vec<glib::BoxedAnyObject> = added
                .iter()
                .map(|v| glib::BoxedAnyObject::new(v.clone()))
                .collect();
            self.store.splice(at as u32, removed as u32, &items);
            *self.shown.borrow_mut() = volumes.to_vec();
        }
        self.select(selected);
        self.stack
            .set_visible_child_name(if volumes.is_empty() { "empty" } else { "list" });
    }

    /// Selects the entry at `index`, or none.
    pub fn select(&self, index: Option<usize>) {
        let position = index
            .and_then(|i| u32::try_from(i).ok())
            .unwrap_or(gtk::INVALID_LIST_POSITION);
        self.selection.set_selected(position);
    }

    /// The selected entry's index.
    pub fn selected(&self) -> Option<usize> {
        let i = self.selection.selected();
        (i != gtk::INVALID_LIST_POSITION).then_some(i as usize)
    }
}

/// Where `new` differs from `old`: the position, how many entries of `old` go, and the
/// entries of `new` that come in their place (the common start and end stay).
fn changed_run<'a, T: PartialEq>(old: &[T], new: &'a [T]) -> (usize, usize, &'a [T]) {
    let start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - start;
    let end = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    (start, old.len() - start - end, &new[start..new.len() - end])
}

impl Default for VolumeList {
    fn default() -> Self {
        Self::new()
    }
}

/// The widgets of one volume row.
struct VolumeCells {
    root: gtk::Box,
    title: gtk::Label,
    subtitle: gtk::Label,
    users: gtk::Label,
}

impl VolumeCells {
    fn new() -> VolumeCells {
        let root = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        root.set_margin_top(8);
        root.set_margin_bottom(8);
        root.set_margin_start(12);
        root.set_margin_end(12);
        let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
        text.set_hexpand(true);
        let title = gtk::Label::new(None);
        title.set_xalign(0.0);
        title.set_ellipsize(gtk::pango::EllipsizeMode::Middle);
        let subtitle = gtk::Label::new(None);
        subtitle.set_xalign(0.0);
        subtitle.add_css_class("dim-label");
        subtitle.add_css_class("caption");
        text.append(&title);
        text.append(&subtitle);
        let users = gtk::Label::new(None);
        users.set_wrap(true);
        users.set_xalign(1.0);
        users.add_css_class("dim-label");
        root.append(&text);
        root.append(&users);
        VolumeCells {
            root,
            title,
            subtitle,
            users,
        }
    }

    /// The cells of a row made by [`VolumeCells::new`].
    fn of(root: &gtk::Widget) -> VolumeCells {
        let text = root.first_child();
        let title = text.as_ref().and_then(|t| t.first_child());
        let subtitle = title.as_ref().and_then(|t| t.next_sibling());
        let users = text.as_ref().and_then(|t| t.next_sibling());
        let label = |w: Option<gtk::Widget>| w.and_downcast::<gtk::Label>().unwrap_or_default();
        VolumeCells {
            root: root.clone().downcast().unwrap_or_default(),
            title: label(title),
            subtitle: label(subtitle),
            users: label(users),
        }
    }

    fn show(&self, e: &VolumeEntry) {
        self.title.set_label(&e.name);
        self.subtitle.set_label(&volume_subtitle(e));
        self.users.set_visible(!e.users.is_empty());
        self.users
            .set_label(&gettext_f("Used by {}", &[&e.users.join(", ")]));
        self.root.set_tooltip_text(Some(&e.path));
    }
}

/// “qcow2 · 1.0 GiB · 196 KiB allocated · on /path/base.qcow2”.
pub fn volume_subtitle(e: &VolumeEntry) -> String {
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

#[cfg(test)]
mod tests {
    use super::changed_run;

    #[test]
    fn only_the_changed_run_is_replaced() {
        let old = [1, 2, 3, 4, 5];
        assert_eq!(changed_run(&old, &[1, 2, 3, 4, 5]), (5, 0, &[][..]));
        assert_eq!(changed_run(&old, &[1, 2, 9, 4, 5]), (2, 1, &[9][..]));
        assert_eq!(changed_run(&old, &[1, 2, 4, 5]), (2, 1, &[][..]));
        assert_eq!(changed_run(&old, &[1, 2, 3, 3, 4, 5]), (3, 0, &[3][..]));
        assert_eq!(changed_run(&[], &[1, 2]), (0, 0, &[1, 2][..]));
        assert_eq!(changed_run(&old, &[]), (0, 5, &[][..]));
        assert_eq!(changed_run(&[1, 1], &[1, 1, 1]), (2, 0, &[1][..]));
    }
}
