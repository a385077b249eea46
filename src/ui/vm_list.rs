//! The VM list: every connection with its VMs, as a tree over list models.
//!
//! A `gtk::ListView` over a `TreeListModel` creates widgets only for visible rows, so a host
//! with thousands of VMs costs no more to show than one with ten. Each connection's VMs sit in
//! their own `gio::ListStore`, wrapped in a filter (search text, state); one sorter over the
//! whole tree orders each connection's VMs.

mod dnd;
mod objects;
mod row;

pub use dnd::{parse_payload, payload, row_at};
pub use objects::{ConnectionObject, ConnectionStatus, VmChange, VmObject};
pub use row::{ListRow, memory_text, size_text};

use std::cell::RefCell;
use std::rc::Rc;

use gtk::prelude::*;
use gtk::{gio, glib};

use crate::i18n::gettext;
use crate::session::model::VmState;

/// Which VMs the state filter lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    /// Every VM.
    #[default]
    All,
    /// Running, paused or otherwise active VMs.
    Active,
    /// Shut-off VMs.
    Inactive,
}

/// How VMs are ordered within a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// By name, A to Z.
    #[default]
    Name,
    /// Running first, then paused, then off; by name within each.
    State,
    /// Busiest first.
    Cpu,
}

#[derive(Debug, Default)]
struct Criteria {
    search: String,
    state: StateFilter,
    sort: SortKey,
    /// While a widened search shows its VMs by parts: only VMs ranked below this (or shown
    /// before the search changed) pass.
    reveal_limit: Option<u32>,
    /// While a narrowed search hides VMs by parts: those it hides but that are ranked at or
    /// above this still show.
    hide_limit: Option<u32>,
}

/// How many more VMs of each connection a widened search shows a frame.
const REVEAL_PART: u32 = 50;
/// Once this many are shown (more than the list view shows at once), the rest come at once.
const REVEAL_ALL_FROM: u32 = 250;
/// The time between two parts: about a frame.
const REVEAL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(12);

/// The list and the models behind it.
#[derive(Debug, Clone)]
pub struct VmList {
    connections: gio::ListStore,
    filter: gtk::CustomFilter,
    sorter: gtk::CustomSorter,
    selection: gtk::MultiSelection,
    view: gtk::ListView,
    criteria: Rc<RefCell<Criteria>>,
    /// The timer that shows the next part of a widened search.
    reveal_timer: Rc<RefCell<Option<glib::SourceId>>>,
    on_drop: dnd::DropHandler,
}

impl Default for VmList {
    fn default() -> Self {
        Self::new()
    }
}

impl VmList {
    /// An empty list.
    pub fn new() -> Self {
        let criteria = Rc::new(RefCell::new(Criteria::default()));
        let filter = gtk::CustomFilter::new({
            let criteria = criteria.clone();
            move |item| {
                item.downcast_ref::<VmObject>()
                    .is_none_or(|vm| shown(&criteria.borrow(), vm))
            }
        });
        let sorter = gtk::CustomSorter::new({
            let criteria = criteria.clone();
            move |a, b| match (a.downcast_ref::<VmObject>(), b.downcast_ref::<VmObject>()) {
                (Some(a), Some(b)) => compare(criteria.borrow().sort, a, b).into(),
                _ => gtk::Ordering::Equal,
            }
        });
        let connections = gio::ListStore::new::<ConnectionObject>();
        let tree = gtk::TreeListModel::new(connections.clone(), false, true, {
            let filter = filter.clone();
            move |item| {
                let conn = item.downcast_ref::<ConnectionObject>()?;
                let filtered = gtk::FilterListModel::new(Some(conn.vms()), Some(filter.clone()));
                Some(filtered.upcast())
            }
        });
        // Sorting above the tree moves its rows (the same row objects), so the list keeps
        // each row's widget through a new order instead of building the rows anew; each
        // connection's VMs stay under it.
        let sorted = gtk::SortListModel::new(
            Some(tree),
            Some(gtk::TreeListRowSorter::new(Some(sorter.clone()))),
        );
        let selection = gtk::MultiSelection::new(Some(sorted));
        let factory = gtk::SignalListItemFactory::new();
        factory.connect_setup(move |_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else {
                return;
            };
            let expander = gtk::TreeExpander::new();
            let row = ListRow::default();
            expander.set_child(Some(&row));
            item.set_child(Some(&expander));
        });
        factory.connect_bind(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else {
                return;
            };
            let Some(expander) = item.child().and_downcast::<gtk::TreeExpander>() else {
                return;
            };
            let tree_row = item.item().and_downcast::<gtk::TreeListRow>();
            expander.set_list_row(tree_row.as_ref());
            let (Some(row), Some(data)) = (
                expander.child().and_downcast::<ListRow>(),
                tree_row.and_then(|r| r.item()),
            ) else {
                return;
            };
            item.set_selectable(data.is::<VmObject>());
            row.bind(&data);
        });
        factory.connect_unbind(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else {
                return;
            };
            if let Some(row) = item
                .child()
                .and_downcast::<gtk::TreeExpander>()
                .and_then(|e| e.child())
                .and_downcast::<ListRow>()
            {
                row.unbind();
            }
        });
        let view = gtk::ListView::new(Some(selection.clone()), Some(factory));
        view.add_css_class("navigation-sidebar");
        view.add_css_class("vm-list");
        let on_drop = dnd::DropHandler::default();
        dnd::attach(&view, on_drop.clone());
        view.update_property(&[gtk::accessible::Property::Label(&gettext(
            "Virtual machines",
        ))]);
        VmList {
            connections,
            filter,
            sorter,
            selection,
            view,
            criteria,
            reveal_timer: Rc::default(),
            on_drop,
        }
    }

    /// Calls `f` with (the VM's connection URI, its UUID, the destination's URI) when a VM is
    /// dropped on another connection's row.
    pub fn connect_vm_dropped(&self, f: impl Fn(String, String, String) + 'static) {
        self.on_drop.set(Box::new(f));
    }

    /// The list widget.
    pub fn widget(&self) -> &gtk::ListView {
        &self.view
    }

    /// The selection model (connect to `selection-changed`).
    pub fn selection(&self) -> &gtk::MultiSelection {
        &self.selection
    }

    /// Adds a connection (at the end) unless it is listed; returns its object.
    pub fn add_connection(&self, uri: &str, title: &str) -> ConnectionObject {
        if let Some(c) = self.connection(uri) {
            return c;
        }
        let conn = ConnectionObject::new(uri, title);
        self.connections.append(&conn);
        conn
    }

    /// Calls `f` with the number of listed connections now and whenever it changes.
    pub fn follow_connection_count(&self, f: impl Fn(u32) + 'static) {
        f(self.connections.n_items());
        self.connections
            .connect_items_changed(move |store, _, _, _| f(store.n_items()));
    }

    /// Removes a connection and its VMs.
    pub fn remove_connection(&self, uri: &str) {
        if let Some(conn) = self.connection(uri)
            && let Some(pos) = self.connections.find(&conn)
        {
            self.connections.remove(pos);
        }
    }

    /// The listed connection to `uri`.
    pub fn connection(&self, uri: &str) -> Option<ConnectionObject> {
        self.connections().into_iter().find(|c| c.uri() == uri)
    }

    /// Every listed connection, in order.
    pub fn connections(&self) -> Vec<ConnectionObject> {
        (0..self.connections.n_items())
            .filter_map(|i| self.connections.item(i).and_downcast::<ConnectionObject>())
            .collect()
    }

    /// The VM shown at `position` in the list (connection rows give `None`).
    pub fn vm_at(&self, position: u32) -> Option<VmObject> {
        self.selection
            .item(position)
            .and_downcast::<gtk::TreeListRow>()
            .and_then(|r| r.item())
            .and_downcast::<VmObject>()
    }

    /// The selected VMs.
    pub fn selected_vms(&self) -> Vec<VmObject> {
        let set = self.selection.selection();
        (0..set.size())
            .filter_map(|i| self.vm_at(set.nth(i as u32)))
            .collect()
    }

    /// Number of rows shown (connections and the VMs that pass the filter).
    pub fn n_rows(&self) -> u32 {
        self.selection.n_items()
    }

    /// Selects the row of `vm` alone, if shown.
    pub fn select_vm(&self, vm: &VmObject) {
        if let Some(conn) = self.connection(&vm.connection_uri()) {
            conn.flush_pending();
        }
        for i in 0..self.n_rows() {
            if self.vm_at(i).as_ref() == Some(vm) {
                self.selection.select_item(i, true);
                return;
            }
        }
    }

    /// Shows only VMs whose name or title contains `text` (case-insensitive).
    pub fn set_search(&self, text: &str) {
        let text = text.trim().to_lowercase();
        let change = {
            let mut c = self.criteria.borrow_mut();
            if c.search == text {
                return;
            }
            let change = if text.contains(c.search.as_str()) {
                gtk::FilterChange::MoreStrict
            } else if c.search.contains(text.as_str()) {
                gtk::FilterChange::LessStrict
            } else {
                gtk::FilterChange::Different
            };
            c.search = text;
            change
        };
        let by_parts = self.end_reveal();
        if change == gtk::FilterChange::MoreStrict && !by_parts {
            self.narrow();
        } else {
            self.reveal();
        }
    }

    /// Hides the VMs the criteria no longer let through. When many of them are shown, they go
    /// by parts, one a frame, from the top of the list: each VM that leaves the screen brings
    /// another one to it, and GTK 4.8's list view takes away and builds those rows in the same
    /// turn, up to 200.
    fn narrow(&self) {
        for vm in self.connections().iter().flat_map(|c| c.listed_vms()) {
            vm.set_lingering(false);
        }
        let mut leaving = 0u32;
        {
            let c = self.criteria.borrow();
            for vm in (0..self.n_rows()).filter_map(|i| self.vm_at(i)) {
                if !matches(&c, &vm) {
                    vm.set_reveal_rank(leaving);
                    vm.set_lingering(true);
                    leaving = leaving.saturating_add(1);
                }
            }
        }
        if leaving <= REVEAL_PART {
            self.filter.changed(gtk::FilterChange::MoreStrict);
            return;
        }
        self.criteria.borrow_mut().hide_limit = Some(REVEAL_PART);
        self.filter.changed(gtk::FilterChange::MoreStrict);
        self.by_parts(true);
    }

    /// Shows the VMs the criteria now let through. When a connection has many more than the
    /// list shows at once, they come by parts, one a frame, in the list's order: GTK 4.8's list
    /// view builds a row for every VM it may show at once in one go, up to 200. VMs shown
    /// before stay shown meanwhile.
    fn reveal(&self) {
        let mut many = false;
        {
            let c = self.criteria.borrow();
            for conn in self.connections() {
                let mut shown = conn.listed_vms();
                shown.retain(|vm| matches(&c, vm));
                many |= shown.len() > REVEAL_PART as usize;
                shown.sort_by(|a, b| compare(c.sort, a, b));
                for (rank, vm) in shown.iter().enumerate() {
                    vm.set_reveal_rank(u32::try_from(rank).unwrap_or(u32::MAX));
                }
            }
        }
        if !many {
            self.filter.changed(gtk::FilterChange::Different);
            return;
        }
        // The rows on screen now stay: only VMs not shown yet wait for their part.
        for i in 0..self.n_rows() {
            if let Some(vm) = self.vm_at(i) {
                vm.set_reveal_rank(0);
            }
        }
        self.criteria.borrow_mut().reveal_limit = Some(REVEAL_PART);
        self.filter.changed(gtk::FilterChange::Different);
        self.by_parts(false);
    }

    /// Moves the limit of a search shown (or, `hiding`, hidden) by parts on, one part a frame,
    /// until the rest can go at once.
    fn by_parts(&self, hiding: bool) {
        let list = self.clone();
        let timer = glib::timeout_add_local(REVEAL_INTERVAL, move || {
            let more = {
                let mut c = list.criteria.borrow_mut();
                let limit = if hiding {
                    &mut c.hide_limit
                } else {
                    &mut c.reveal_limit
                };
                *limit = limit
                    .map(|l| l + REVEAL_PART)
                    .filter(|l| *l < REVEAL_ALL_FROM);
                limit.is_some()
            };
            list.filter.changed(if hiding {
                gtk::FilterChange::MoreStrict
            } else {
                gtk::FilterChange::LessStrict
            });
            if more {
                glib::ControlFlow::Continue
            } else {
                list.reveal_timer.take();
                glib::ControlFlow::Break
            }
        });
        self.reveal_timer.replace(Some(timer));
    }

    /// Stops showing or hiding a search by parts (the caller changes the filter next);
    /// whether that was under way.
    fn end_reveal(&self) -> bool {
        if let Some(timer) = self.reveal_timer.take() {
            timer.remove();
        }
        let mut c = self.criteria.borrow_mut();
        let revealing = c.reveal_limit.take().is_some();
        let hiding = c.hide_limit.take().is_some();
        revealing || hiding
    }

    /// Shows only VMs in these states.
    pub fn set_state_filter(&self, state: StateFilter) {
        self.end_reveal();
        self.criteria.borrow_mut().state = state;
        self.filter.changed(gtk::FilterChange::Different);
    }

    /// Orders VMs by `key`.
    pub fn set_sort(&self, key: SortKey) {
        if self.end_reveal() {
            self.filter.changed(gtk::FilterChange::Different);
        }
        self.criteria.borrow_mut().sort = key;
        self.sorter.changed(gtk::SorterChange::Different);
    }

    /// Brings filter and order up to date after a run of VM changes and, with `stats`, a
    /// statistics tick: re-filters only when the filter looks at what changed, re-sorts only
    /// when the order does. Rows show their own VM's changes in place either way.
    pub fn changed(&self, change: VmChange, stats: bool) {
        let (refilter, resort) = {
            let c = self.criteria.borrow();
            let refilter = (change.state && c.state != StateFilter::All)
                || ((change.name || change.title) && !c.search.is_empty());
            let resort = change.name
                || (change.state && c.sort == SortKey::State)
                || (stats && c.sort == SortKey::Cpu);
            (refilter, resort)
        };
        if refilter {
            self.filter.changed(gtk::FilterChange::Different);
        }
        if resort {
            self.sorter.changed(gtk::SorterChange::Different);
        }
    }
}

fn matches(c: &Criteria, vm: &VmObject) -> bool {
    let state_ok = match c.state {
        StateFilter::All => true,
        StateFilter::Active => vm.vm_state().is_active(),
        StateFilter::Inactive => !vm.vm_state().is_active(),
    };
    state_ok && (c.search.is_empty() || vm.name_or_title_contains(&c.search))
}

/// Whether the list shows `vm`: it passes the criteria and, while a search is shown by parts,
/// its part has come; or, while a search hides by parts, its part has not gone yet.
fn shown(c: &Criteria, vm: &VmObject) -> bool {
    if matches(c, vm) {
        c.reveal_limit.is_none_or(|limit| vm.reveal_rank() < limit)
    } else {
        c.hide_limit
            .is_some_and(|limit| vm.lingering() && vm.reveal_rank() >= limit)
    }
}

fn state_rank(s: VmState) -> u8 {
    match s {
        VmState::Running | VmState::Blocked => 0,
        VmState::Paused | VmState::PmSuspended | VmState::ShuttingDown => 1,
        VmState::Crashed => 2,
        VmState::ShutOff | VmState::NoState => 3,
    }
}

fn compare(key: SortKey, a: &VmObject, b: &VmObject) -> std::cmp::Ordering {
    let by_name = || a.cmp_name(b);
    match key {
        SortKey::Name => by_name(),
        SortKey::State => state_rank(a.vm_state())
            .cmp(&state_rank(b.vm_state()))
            .then_with(by_name),
        SortKey::Cpu => b
            .cpu_now()
            .partial_cmp(&a.cpu_now())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(by_name),
    }
}

/// Compares names so that "vm-2" comes before "vm-10".
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                let ord = x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase());
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let n = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[n.min(digits.len().saturating_sub(1))..]
}

impl glib::value::ToValue for StateFilter {
    fn to_value(&self) -> glib::Value {
        (*self as u32).to_value()
    }

    fn value_type(&self) -> glib::Type {
        u32::static_type()
    }
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;
    use std::cmp::Ordering::*;

    #[test]
    fn natural_order() {
        assert_eq!(natural_cmp("vm-2", "vm-10"), Less);
        assert_eq!(natural_cmp("VM-a", "vm-b"), Less);
        assert_eq!(natural_cmp("vm-010", "vm-10"), Equal);
        assert_eq!(natural_cmp("b", "a1"), Greater);
        assert_eq!(natural_cmp("", "a"), Less);
    }
}
