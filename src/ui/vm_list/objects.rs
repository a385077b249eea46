//! GObjects behind the VM list: one per connection (a tree node) and one per VM (a leaf).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use crate::session::model::{VmState, VmSummary};

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

/// What changed of a VM's fields that the list filters and orders by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VmChange {
    /// The name.
    pub name: bool,
    /// The title.
    pub title: bool,
    /// The run state.
    pub state: bool,
}

impl std::ops::BitOrAssign for VmChange {
    fn bitor_assign(&mut self, other: Self) {
        self.name |= other.name;
        self.title |= other.title;
        self.state |= other.state;
    }
}

mod vm_imp {
    use super::*;

    #[derive(glib::Properties, Default)]
    #[properties(wrapper_type = super::VmObject)]
    pub struct VmObject {
        #[property(get, set)]
        pub uuid: RefCell<String>,
        #[property(get, set)]
        pub name: RefCell<String>,
        #[property(get, set)]
        pub title: RefCell<String>,
        #[property(get, set)]
        pub state: Cell<i32>,
        #[property(get, set)]
        pub vcpus: Cell<u32>,
        #[property(get, set)]
        pub memory_kib: Cell<u64>,
        #[property(get, set)]
        pub persistent: Cell<bool>,
        #[property(get, set)]
        pub autostart: Cell<bool>,
        #[property(get, set)]
        pub has_managed_save: Cell<bool>,
        #[property(get, set)]
        pub busy: Cell<bool>,
        #[property(get, set)]
        pub cpu_percent: Cell<f64>,
        #[property(get, set)]
        pub connection_uri: RefCell<String>,
        /// The latest thumbnail of the screen, while the VM is active.
        #[property(get, set, nullable)]
        pub thumbnail: RefCell<Option<gtk::gdk::Texture>>,
        /// The same screen at a list row's size (set with `thumbnail`, which notifies).
        pub thumbnail_small: RefCell<Option<gtk::gdk::Texture>>,
        /// Recent CPU use for the row's sparkline.
        pub cpu_history: RefCell<crate::session::series::Series>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for VmObject {
        const NAME: &'static str = "HangarVmObject";
        type Type = super::VmObject;
    }

    #[glib::derived_properties]
    impl ObjectImpl for VmObject {}
}

mod conn_imp {
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
    /// A VM row's data.
    pub struct VmObject(ObjectSubclass<vm_imp::VmObject>);
}

glib::wrapper! {
    /// A connection row's data, with the store of its VMs.
    pub struct ConnectionObject(ObjectSubclass<conn_imp::ConnectionObject>);
}

impl VmObject {
    /// How many seconds of CPU history a VM object keeps for its sparkline.
    pub const CPU_HISTORY_SECS: f64 = 120.0;

    /// Records CPU use at time `at` (a gap when `None`) and sets `cpu-percent`.
    pub fn push_cpu(&self, at: f64, percent: Option<f64>) {
        {
            let mut history = self.imp().cpu_history.borrow_mut();
            history.push(at, percent);
            history.trim_before(at - Self::CPU_HISTORY_SECS);
        }
        self.set_cpu_percent(percent.unwrap_or(0.0));
    }

    /// Recent CPU use, oldest first.
    pub fn cpu_history(&self) -> crate::session::series::Series {
        self.imp().cpu_history.borrow().clone()
    }

    /// A new object for `vm` on the connection `uri`.
    pub fn new(uri: &str, vm: &VmSummary) -> Self {
        let obj: Self = glib::Object::new();
        // Nobody watches a new object yet: fill its fields without property notifications
        // (thousands of rows at once on the first list).
        let imp = obj.imp();
        imp.connection_uri.replace(uri.to_string());
        imp.uuid.replace(vm.uuid.clone());
        imp.name.replace(vm.name.clone());
        imp.title.replace(vm.title.clone().unwrap_or_default());
        imp.state.set(vm.state.to_libvirt());
        imp.vcpus.set(vm.vcpus);
        imp.memory_kib.set(vm.memory_kib);
        imp.persistent.set(vm.persistent);
        imp.autostart.set(vm.autostart);
        imp.has_managed_save.set(vm.has_managed_save);
        obj
    }

    /// Copies `vm` into the object, notifying only what changed (once each, after the last
    /// field); tells what changed of what the list filters and orders by.
    pub fn update(&self, vm: &VmSummary) -> VmChange {
        let _notify_once = self.freeze_notify();
        let mut change = VmChange::default();
        if self.uuid() != vm.uuid {
            self.set_uuid(vm.uuid.clone());
        }
        if *self.imp().name.borrow() != vm.name {
            self.set_name(vm.name.clone());
            change.name = true;
        }
        let title = vm.title.as_deref().unwrap_or_default();
        if *self.imp().title.borrow() != title {
            self.set_title(title);
            change.title = true;
        }
        if self.state() != vm.state.to_libvirt() {
            self.set_state(vm.state.to_libvirt());
            change.state = true;
            if !vm.state.is_active() {
                self.set_thumbnails(None, None);
            }
        }
        if self.vcpus() != vm.vcpus {
            self.set_vcpus(vm.vcpus);
        }
        if self.memory_kib() != vm.memory_kib {
            self.set_memory_kib(vm.memory_kib);
        }
        if self.persistent() != vm.persistent {
            self.set_persistent(vm.persistent);
        }
        if self.autostart() != vm.autostart {
            self.set_autostart(vm.autostart);
        }
        if self.has_managed_save() != vm.has_managed_save {
            self.set_has_managed_save(vm.has_managed_save);
        }
        change
    }

    /// Sets the screen's thumbnails: `large` for big pictures, `small` at a list row's size.
    /// Notifies `thumbnail` once.
    pub fn set_thumbnails(
        &self,
        large: Option<&gtk::gdk::Texture>,
        small: Option<&gtk::gdk::Texture>,
    ) {
        self.imp().thumbnail_small.replace(small.cloned());
        self.set_thumbnail(large);
    }

    /// The thumbnail at a list row's size (else the large one).
    pub fn small_thumbnail(&self) -> Option<gtk::gdk::Texture> {
        self.imp()
            .thumbnail_small
            .borrow()
            .clone()
            .or_else(|| self.thumbnail())
    }

    /// Orders by name the way the list does, without copying either name.
    pub fn cmp_name(&self, other: &VmObject) -> std::cmp::Ordering {
        super::natural_cmp(&self.imp().name.borrow(), &other.imp().name.borrow())
    }

    /// Whether the name or the title contains `lowercase` (given in lower case), ignoring case,
    /// without copying either out of the object.
    pub fn name_or_title_contains(&self, lowercase: &str) -> bool {
        let imp = self.imp();
        let has = |text: &str| text.to_lowercase().contains(lowercase);
        has(&imp.name.borrow()) || has(&imp.title.borrow())
    }

    /// The VM's run state.
    pub fn vm_state(&self) -> VmState {
        VmState::from_libvirt(self.state())
    }

    /// The object's data as a summary.
    pub fn summary(&self) -> VmSummary {
        let title = self.title();
        VmSummary {
            uuid: self.uuid(),
            name: self.name(),
            title: (!title.is_empty()).then_some(title),
            state: self.vm_state(),
            vcpus: self.vcpus(),
            memory_kib: self.memory_kib(),
            persistent: self.persistent(),
            autostart: self.autostart(),
            has_managed_save: self.has_managed_save(),
        }
    }
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

    /// The VM with this UUID, if listed.
    pub fn vm(&self, uuid: &str) -> Option<VmObject> {
        self.imp().by_uuid.borrow().get(uuid).cloned()
    }

    /// Replaces the whole list with `vms` in one change (fast for thousands of rows),
    /// keeping the objects of VMs that stay so that their rows keep their state.
    pub fn set_vms(&self, vms: &[VmSummary]) {
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
        store.splice(0, store.n_items(), &objects);
    }

    /// Adds or updates one VM; tells what a listed VM changed of what the list filters and
    /// orders by (a new one is filtered and placed by the models themselves).
    pub fn upsert_vm(&self, vm: &VmSummary) -> VmChange {
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
        self.imp().by_uuid.borrow_mut().clear();
        self.vms().remove_all();
    }
}
