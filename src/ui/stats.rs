//! The GTK side of each host's statistics: its sampler handle, the host's CPU and memory
//! history, and the views that listen for ticks. Views subscribe to the sampler only while
//! they are mapped (on screen), so nothing is sampled for hidden windows or pages.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::sync::Arc;

use gtk::prelude::*;

use crate::session::sampler::{SamplerHandle, StatsTick, Subscription, Want};
use crate::session::series::{DEFAULT_WINDOW_SECS, Series};
use crate::ui::vm_list::ConnectionObject;

type Listener = Rc<dyn Fn(&StatsTick)>;

struct Inner {
    uri: String,
    sampler: SamplerHandle,
    host_cpu: RefCell<Series>,
    host_memory: RefCell<Series>,
    memory_total_kib: Cell<u64>,
    last: RefCell<Option<Arc<StatsTick>>>,
    listeners: RefCell<Vec<(u64, Listener)>>,
    subscriptions: RefCell<HashMap<u64, Subscription>>,
    next_id: Cell<u64>,
    owner: gtk::glib::WeakRef<gtk::Widget>,
}

/// A host's statistics on the GTK thread. Clones share one host.
#[derive(Clone)]
pub struct HostStats {
    inner: Rc<Inner>,
}

impl std::fmt::Debug for HostStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostStats")
            .field("uri", &self.inner.uri)
            .finish_non_exhaustive()
    }
}

thread_local! {
    static HOSTS: RefCell<HashMap<String, HostStats>> = RefCell::new(HashMap::new());
}

impl HostStats {
    /// Statistics for the connection to `uri`, replacing any registered before.
    pub fn open(uri: &str) -> HostStats {
        Self::open_with(uri, SamplerHandle::new())
    }

    /// Like [`HostStats::open`], for a session that already feeds `sampler`.
    pub fn open_with(uri: &str, sampler: SamplerHandle) -> HostStats {
        let stats = HostStats {
            inner: Rc::new(Inner {
                uri: uri.to_string(),
                sampler,
                host_cpu: RefCell::default(),
                host_memory: RefCell::default(),
                memory_total_kib: Cell::new(0),
                last: RefCell::new(None),
                listeners: RefCell::default(),
                subscriptions: RefCell::default(),
                next_id: Cell::new(1),
                owner: gtk::glib::WeakRef::new(),
            }),
        };
        HOSTS.with(|h| h.borrow_mut().insert(uri.to_string(), stats.clone()));
        stats
    }

    /// The statistics of the connection to `uri`, if it is open.
    pub fn get(uri: &str) -> Option<HostStats> {
        HOSTS.with(|h| h.borrow().get(uri).cloned())
    }

    /// Sets the sampling interval of every open connection.
    pub fn set_interval_everywhere(interval: std::time::Duration) {
        HOSTS.with(|h| {
            for stats in h.borrow().values() {
                stats.sampler().set_interval(interval);
            }
        });
    }

    /// Forgets the connection to `uri`.
    pub fn close(uri: &str) {
        HOSTS.with(|h| h.borrow_mut().remove(uri));
    }

    /// Marks `widget` (a window's list) as the one these statistics were opened for.
    pub fn set_owner(&self, widget: &impl IsA<gtk::Widget>) {
        self.inner.owner.set(Some(widget.upcast_ref()));
    }

    /// Whether `widget` is the one these statistics were opened for.
    pub fn owned_by(&self, widget: &impl IsA<gtk::Widget>) -> bool {
        self.inner
            .owner
            .upgrade()
            .is_some_and(|w| &w == widget.upcast_ref::<gtk::Widget>())
    }

    /// The connection's URI.
    pub fn uri(&self) -> &str {
        &self.inner.uri
    }

    /// The sampler's handle (to pass to the session, set the interval, read counters).
    pub fn sampler(&self) -> &SamplerHandle {
        &self.inner.sampler
    }

    /// Host CPU use in percent of all host CPUs.
    pub fn host_cpu(&self) -> Series {
        self.inner.host_cpu.borrow().clone()
    }

    /// Host memory in use, in bytes.
    pub fn host_memory(&self) -> Series {
        self.inner.host_memory.borrow().clone()
    }

    /// Host memory in bytes, once known.
    pub fn memory_total_bytes(&self) -> Option<f64> {
        let kib = self.inner.memory_total_kib.get();
        (kib > 0).then_some(kib as f64 * 1024.0)
    }

    /// The newest tick.
    pub fn last(&self) -> Option<Arc<StatsTick>> {
        self.inner.last.borrow().clone()
    }

    /// Takes in a tick: host series, the list's CPU figures, then every listener.
    pub fn apply(&self, tick: &Arc<StatsTick>, connection: Option<&ConnectionObject>) {
        let inner = &self.inner;
        if let Some(host) = tick.host {
            let cut = tick.at - DEFAULT_WINDOW_SECS;
            let mut cpu = inner.host_cpu.borrow_mut();
            cpu.push(tick.at, host.cpu_percent);
            cpu.trim_before(cut);
            let mut mem = inner.host_memory.borrow_mut();
            let used = (host.memory_total_kib > 0).then_some(host.memory_used_kib as f64 * 1024.0);
            mem.push(tick.at, used);
            mem.trim_before(cut);
            if host.memory_total_kib > 0 {
                inner.memory_total_kib.set(host.memory_total_kib);
            }
        }
        if let Some(conn) = connection {
            for d in &tick.domains {
                if let Some(vm) = conn.vm(&d.uuid) {
                    vm.push_cpu(tick.at, d.cpu_percent);
                }
            }
        }
        inner.last.replace(Some(tick.clone()));
        let listeners: Vec<Listener> = inner
            .listeners
            .borrow()
            .iter()
            .map(|(_, l)| l.clone())
            .collect();
        for l in listeners {
            l(tick);
        }
    }

    /// Calls `f` with every tick until the returned guard is dropped.
    pub fn connect_tick(&self, f: impl Fn(&StatsTick) + 'static) -> TickListener {
        let id = self.next_id();
        self.inner.listeners.borrow_mut().push((id, Rc::new(f)));
        TickListener {
            inner: Rc::downgrade(&self.inner),
            id,
        }
    }

    /// Keeps a subscription of kind `want` while `widget` is mapped.
    pub fn subscribe_while_mapped(&self, widget: &impl IsA<gtk::Widget>, want: Want) {
        let id = self.next_id();
        let on = {
            let weak = Rc::downgrade(&self.inner);
            move || {
                if let Some(inner) = weak.upgrade() {
                    let sub = inner.sampler.subscribe(want);
                    inner.subscriptions.borrow_mut().insert(id, sub);
                }
            }
        };
        let off = {
            let weak = Rc::downgrade(&self.inner);
            move || {
                if let Some(inner) = weak.upgrade() {
                    // Dropped outside the borrow: dropping wakes the sampler.
                    let sub = inner.subscriptions.borrow_mut().remove(&id);
                    drop(sub);
                }
            }
        };
        if widget.is_mapped() {
            on();
        }
        let on = Rc::new(on);
        let off = Rc::new(off);
        let off_destroy = off.clone();
        widget.connect_map(move |_| on());
        widget.connect_unmap(move |_| off());
        widget.connect_destroy(move |_| off_destroy());
    }

    fn next_id(&self) -> u64 {
        let id = self.inner.next_id.get();
        self.inner.next_id.set(id + 1);
        id
    }
}

/// Stops a listener when dropped.
pub struct TickListener {
    inner: Weak<Inner>,
    id: u64,
}

impl std::fmt::Debug for TickListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TickListener")
            .field("id", &self.id)
            .finish()
    }
}

impl Drop for TickListener {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.upgrade() {
            let removed: Vec<_> = {
                let mut listeners = inner.listeners.borrow_mut();
                let (gone, kept) = std::mem::take(&mut *listeners)
                    .into_iter()
                    .partition(|(id, _)| *id == self.id);
                *listeners = kept;
                gone
            };
            drop(removed);
        }
    }
}
