//! The VM list's leaf: one GObject per VM, with the fields the rows show, filter and sort by,
//! its thumbnails and its recent CPU use.

use std::cell::{Cell, RefCell};

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use crate::session::model::{VmState, VmSummary};

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

mod imp {
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
        /// Its place among the VMs a search shows or hides by parts (see `VmList`).
        pub reveal_rank: Cell<u32>,
        /// Whether a narrowed search hides it by parts (it was shown and no longer matches).
        pub lingering: Cell<bool>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for VmObject {
        const NAME: &'static str = "HangarVmObject";
        type Type = super::VmObject;
    }

    #[glib::derived_properties]
    impl ObjectImpl for VmObject {}
}

glib::wrapper! {
    /// A VM row's data.
    pub struct VmObject(ObjectSubclass<imp::VmObject>);
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
        crate::ui::vm_list::natural_cmp(&self.imp().name.borrow(), &other.imp().name.borrow())
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
        // Read in place: the list sorts and filters by it thousands of times a change.
        VmState::from_libvirt(self.imp().state.get())
    }

    /// Its place among the VMs a search shows or hides by parts.
    pub fn reveal_rank(&self) -> u32 {
        self.imp().reveal_rank.get()
    }

    /// Sets [`Self::reveal_rank`].
    pub fn set_reveal_rank(&self, rank: u32) {
        self.imp().reveal_rank.set(rank);
    }

    /// Whether a narrowed search hides it by parts.
    pub fn lingering(&self) -> bool {
        self.imp().lingering.get()
    }

    /// Sets [`Self::lingering`].
    pub fn set_lingering(&self, lingering: bool) {
        self.imp().lingering.set(lingering);
    }

    /// The CPU use last set, read in place (the list sorts by it).
    pub fn cpu_now(&self) -> f64 {
        self.imp().cpu_percent.get()
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
