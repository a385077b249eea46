//! The VM list's tree node: one GObject per connection, with its state and the store of its
//! VMs, which takes a long first list in by parts so that the list stays responsive.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::{VmChange, VmObject};
use crate::session::model::VmSummary;

/// How many VMs of a long first list go into the store a frame.
const ADOPT_PART: usize = 50;
/// Once the store holds this many VMs (more than a list view shows at once), the rest of a
/// long first list goes in at once.
const ADOPT_PACED: usize = 250;
/// The time between two parts: about a frame.
const ADOPT_INTERVAL: std::time::Duration = std::time::Duration::from_millis(12);

/// A connection's state as the list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectionStatus {
    /// Not connected, nothing under way.
    #[default]
    Disconnected,
    /// Opening the connection.
    Connecting,
    /// Connected; the VMs shown are live.
    Connected,
    /// The connection dropped; trying again.
    Reconnecting,
    /// Opening failed; `status-text` says why.
    Failed,
}

impl ConnectionStatus {
    fn to_u32(self) -> u32 {
        self as u32
    }

    fn from_u32(n: u32) -> Self {
        match n {
            1 => Self::Connecting,
            2 => Self::Connected,
            3 => Self::Reconnecting,
            4 => Self::Failed,
            _ => Self::Disconnected,
        }
    }
}

mod imp {
    use super::*;

    #[derive(glib::Properties, Default)]
    #[properties(wrapper_type = super::ConnectionObject)]
    pub struct ConnectionObject {
        #[property(get, set)]
        pub uri: RefCell<String>,
        #[property(get, set)]
        pub title: RefCell<String>,
        #[property(get, set)]
        pub status: Cell<u32>,
        #[property(get, set)]
        pub status_text: RefCell<String>,
        #[property(get, set)]
        pub details: RefCell<String>,
        /// How many VMs the connection lists (follows its store).
        #[property(get, set)]
        pub vm_count: Cell<u32>,
        pub vms: RefCell<Option<gtk::gio::ListStore>>,
        pub by_uuid: RefCell<HashMap<String, super::VmObject>>,
        /// VMs of a long first list still to go into the store, in order.
        pub pending: RefCell<std::collections::VecDeque<super::VmObject>>,
        /// The timer that adds the next part of `pending`.
        pub pending_timer: RefCell<Option<glib::SourceId>>,
        /// Called once `pending` is empty.
        pub when_adopted: RefCell<Vec<Box<dyn FnOnce()>>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for ConnectionObject {
        const NAME: &'static str = "HangarConnectionObject";
        type Type = super::ConnectionObject;
    }

    #[glib::derived_properties]
    impl ObjectImpl for ConnectionObject {}
}

glib::wrapper! {
    /// A connection row's data, with the store of its VMs.
    pub struct ConnectionObject(ObjectSubclass<imp::ConnectionObject>);
}

impl ConnectionObject {
    /// A new, disconnected connection to `uri`.
    pub fn new(uri: &str, title: &str) -> Self {
        let obj: Self = glib::Object::builder()
            .property("uri", uri)
            .property("title", title)
            .build();
        let store = gtk::gio::ListStore::new::<VmObject>();
        let weak = obj.downgrade();
        store.connect_items_changed(move |store, _, _, _| {
            if let Some(obj) = weak.upgrade()
                && obj.vm_count() != store.n_items()
            {
                obj.set_vm_count(store.n_items());
            }
        });
        obj.imp().vms.replace(Some(store));
        obj
    }

    /// The store of this connection's VMs.
    pub fn vms(&self) -> gtk::gio::ListStore {
        self.imp()
            .vms
            .borrow()
            .clone()
            .unwrap_or_else(gtk::gio::ListStore::new::<VmObject>)
    }

    /// The connection's state.
    pub fn connection_status(&self) -> ConnectionStatus {
        ConnectionStatus::from_u32(self.status())
    }

    /// Sets the state and the text shown with it.
    pub fn set_connection_status(&self, status: ConnectionStatus, text: &str) {
        self.set_status_text(text);
        self.set_status(status.to_u32());
    }

    /// The VMs in the store, in its order (not those of a first list still waiting).
    pub fn listed_vms(&self) -> Vec<VmObject> {
        let store = self.vms();
        (0..store.n_items())
            .filter_map(|i| store.item(i).and_downcast::<VmObject>())
            .collect()
    }

    /// The VM with this UUID, if listed.
    pub fn vm(&self, uuid: &str) -> Option<VmObject> {
        self.imp().by_uuid.borrow().get(uuid).cloned()
    }

    /// Replaces the whole list with `vms` in one change (fast for thousands of rows),
    /// keeping the objects of VMs that stay so that their rows keep their state. A long first
    /// list goes in by parts, one a frame, in name order (see [`ADOPT_PART`]): the list view
    /// builds a row for each VM it may show at once, so a few parts fill the screen and the
    /// rest goes in one change below it.
    pub fn set_vms(&self, vms: &[VmSummary]) {
        self.flush_pending();
        let uri = self.uri();
        let mut old = self.imp().by_uuid.take();
        let mut objects = Vec::with_capacity(vms.len());
        let mut by_uuid = HashMap::with_capacity(vms.len());
        for vm in vms {
            let obj = match old.remove(&vm.uuid) {
                Some(obj) => {
                    // The splice below filters and sorts every row anew.
                    let _ = obj.update(vm);
                    obj
                }
                None => VmObject::new(&uri, vm),
            };
            by_uuid.insert(vm.uuid.clone(), obj.clone());
            objects.push(obj);
        }
        self.imp().by_uuid.replace(by_uuid);
        let store = self.vms();
        if store.n_items() > 0 || objects.len() <= ADOPT_PART {
            store.splice(0, store.n_items(), &objects);
            self.adopted();
            return;
        }
        objects.sort_by(|a, b| a.cmp_name(b));
        let rest = objects.split_off(ADOPT_PART);
        store.splice(0, 0, &objects);
        self.imp().pending.replace(rest.into());
        let weak = self.downgrade();
        let timer = glib::timeout_add_local(ADOPT_INTERVAL, move || {
            let Some(conn) = weak.upgrade() else {
                return glib::ControlFlow::Break;
            };
            if conn.adopt_next_part() {
                glib::ControlFlow::Continue
            } else {
                conn.imp().pending_timer.take();
                glib::ControlFlow::Break
            }
        });
        self.imp().pending_timer.replace(Some(timer));
    }

    /// Adds the next part of a long first list; whether more remains.
    fn adopt_next_part(&self) -> bool {
        let store = self.vms();
        let part: Vec<VmObject> = {
            let mut pending = self.imp().pending.borrow_mut();
            // Once the parts cover what the list shows at once, the rest goes in one change.
            let n = if store.n_items() as usize >= ADOPT_PACED {
                pending.len()
            } else {
                ADOPT_PART.min(pending.len())
            };
            pending.drain(..n).collect()
        };
        store.splice(store.n_items(), 0, &part);
        if self.imp().pending.borrow().is_empty() {
            self.adopted();
            false
        } else {
            true
        }
    }

    /// Puts every VM still waiting into the store now (before any other change to it).
    pub fn flush_pending(&self) {
        if let Some(timer) = self.imp().pending_timer.take() {
            timer.remove();
        }
        let rest: Vec<VmObject> = self.imp().pending.take().into();
        if !rest.is_empty() {
            let store = self.vms();
            store.splice(store.n_items(), 0, &rest);
            self.adopted();
        }
    }

    /// Calls `f` once the store holds every listed VM (now, or when the last part goes in).
    pub fn when_adopted(&self, f: impl FnOnce() + 'static) {
        if self.imp().pending.borrow().is_empty() {
            f();
        } else {
            self.imp().when_adopted.borrow_mut().push(Box::new(f));
        }
    }

    fn adopted(&self) {
        let waiting = self.imp().when_adopted.take();
        for f in waiting {
            f();
        }
    }

    /// Adds or updates one VM; tells what a listed VM changed of what the list filters and
    /// orders by (a new one is filtered and placed by the models themselves).
    pub fn upsert_vm(&self, vm: &VmSummary) -> VmChange {
        self.flush_pending();
        if let Some(obj) = self.vm(&vm.uuid) {
            return obj.update(vm);
        }
        let obj = VmObject::new(&self.uri(), vm);
        self.imp()
            .by_uuid
            .borrow_mut()
            .insert(vm.uuid.clone(), obj.clone());
        self.vms().append(&obj);
        VmChange::default()
    }

    /// Removes the VM with this UUID, if listed.
    pub fn remove_vm(&self, uuid: &str) {
        self.flush_pending();
        let Some(obj) = self.imp().by_uuid.borrow_mut().remove(uuid) else {
            return;
        };
        let store = self.vms();
        if let Some(pos) = store.find(&obj) {
            store.remove(pos);
        }
    }

    /// Removes every VM (the connection closed).
    pub fn clear_vms(&self) {
        self.flush_pending();
        self.imp().by_uuid.borrow_mut().clear();
        self.vms().remove_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::model::VmState;

    fn summaries(n: usize) -> Vec<VmSummary> {
        // Listed in reverse name order, as a host may.
        (0..n)
            .rev()
            .map(|i| VmSummary {
                uuid: format!("uuid-{i}"),
                name: format!("vm-{i}"),
                title: None,
                state: VmState::ShutOff,
                vcpus: 1,
                memory_kib: 65536,
                persistent: true,
                autostart: false,
                has_managed_save: false,
            })
            .collect()
    }

    fn names(conn: &ConnectionObject) -> Vec<String> {
        conn.listed_vms().iter().map(VmObject::name).collect()
    }

    /// Turns the default main context (where the app's timers run) until `done` (at most 5 s).
    fn turn_until(done: impl Fn() -> bool) -> bool {
        let ctx = glib::MainContext::default();
        let end = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !done() && std::time::Instant::now() < end {
            ctx.iteration(false);
            std::thread::yield_now();
        }
        done()
    }

    #[test]
    fn a_long_first_list_goes_in_by_parts_in_name_order() {
        // The parts are added by a timer on the default main context: this thread owns it
        // for the test (other tests may hold it a moment).
        let ctx = glib::MainContext::default();
        let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let _owner = loop {
            match ctx.acquire() {
                Ok(guard) => break guard,
                Err(_) if std::time::Instant::now() < end => std::thread::yield_now(),
                Err(e) => panic!("the default main context stays busy: {e}"),
            }
        };
        let conn = ConnectionObject::new("test:///default", "test");
        let adopted = std::rc::Rc::new(Cell::new(0));
        conn.set_vms(&summaries(1000));
        let a = adopted.clone();
        conn.when_adopted(move || a.set(a.get() + 1));
        // The first part now, the first names; every VM can be looked up already.
        assert_eq!(conn.vms().n_items() as usize, ADOPT_PART);
        assert_eq!(names(&conn)[..3], ["vm-0", "vm-1", "vm-2"]);
        assert!(conn.vm("uuid-999").is_some());
        assert_eq!(adopted.get(), 0);
        assert!(turn_until(|| adopted.get() == 1));
        assert_eq!(conn.vms().n_items(), 1000);
        assert_eq!(conn.vm_count(), 1000);
        // Parts up to what a list shows at once, then the rest, all in name order.
        let all = names(&conn);
        let mut sorted = all.clone();
        sorted.sort_by(|a, b| crate::ui::vm_list::natural_cmp(a, b));
        assert_eq!(all, sorted);
        assert_eq!(adopted.get(), 1);

        // A change while parts wait puts them in first.
        let conn = ConnectionObject::new("test:///default", "test");
        conn.set_vms(&summaries(300));
        let mut extra = summaries(301).remove(0);
        extra.name = "vm-new".into();
        conn.upsert_vm(&extra);
        assert_eq!(conn.vms().n_items(), 301);
        conn.remove_vm("uuid-0");
        assert_eq!(conn.vms().n_items(), 300);
        // A new whole list is not a first list: it goes in at once.
        conn.set_vms(&summaries(400));
        assert_eq!(conn.vms().n_items(), 400);
        // A new whole list while parts wait replaces them.
        conn.clear_vms();
        conn.set_vms(&summaries(500));
        conn.set_vms(&summaries(10));
        assert_eq!(conn.vms().n_items(), 10);
        let done = std::rc::Rc::new(Cell::new(false));
        let d = done.clone();
        conn.when_adopted(move || d.set(true));
        assert!(done.get());
        for _ in 0..20 {
            ctx.iteration(false);
        }
        assert_eq!(conn.vms().n_items(), 10, "nothing is added later");
    }
}
