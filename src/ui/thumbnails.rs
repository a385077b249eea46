//! Live thumbnails of running VMs, from libvirt's screenshot stream.
//!
//! A [`ThumbnailPicture`] on screen watches its VM while the VM runs; while anything watches,
//! one timer takes a screenshot of each watched VM whose picture really is on screen (inside
//! its scrolled window, in a window that is not minimized) every [`INTERVAL`]. With nothing
//! watched there is no timer at all. Screenshots are fetched on tokio, decoded and scaled down
//! on a blocking thread ([`decode`]), once to the largest picture's size and once to a list
//! row's (times the display's scale), so drawing a row scales nothing. A screen whose bytes
//! were seen lately (unchanged, or back to how it was, as with a blinking text cursor) is not
//! decoded again: its textures are kept. The GTK thread only wraps finished pixels in textures
//! and sets them on the VM's object, where every picture of that VM shows them; a screen that
//! is shown already changes nothing.

pub mod decode;
mod picture;

pub use picture::ThumbnailPicture;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

use gtk::prelude::*;
use gtk::{gdk, glib};

use crate::session::model::VmState;
use crate::ui::vm_list::VmObject;

/// How often a watched VM's screen is taken.
pub const INTERVAL: Duration = Duration::from_secs(10);

/// Size of a list row's thumbnail, in (unscaled) pixels.
pub const ROW_WIDTH: u32 = 64;
/// Height of a list row's thumbnail.
pub const ROW_HEIGHT: u32 = 36;

/// How many screens of each VM are remembered (the one shown and the one before it).
const RECENT: usize = 2;

/// How soon a VM that has no thumbnail yet gets one once its picture is on screen (a short
/// delay lets rows scrolled past quickly go by without a screenshot).
const FIRST: Duration = Duration::from_millis(300);

/// A VM by connection URI and UUID.
type Key = (String, String);

/// A watched VM and the widget that shows it.
type Watcher = (glib::WeakRef<VmObject>, glib::WeakRef<gtk::Widget>);

#[derive(Default)]
struct Registry {
    /// Turned off: watches are kept, but no timer runs and nothing is taken.
    off: Cell<bool>,
    watchers: RefCell<HashMap<u64, Watcher>>,
    next_id: Cell<u64>,
    connections: RefCell<HashMap<String, virt_client::Connection>>,
    timer: RefCell<Option<glib::SourceId>>,
    soon: RefCell<Option<glib::SourceId>>,
    in_flight: RefCell<HashSet<Key>>,
    /// Each VM's recent screens by fingerprint, the one shown first.
    recent: RefCell<HashMap<Key, Vec<Screen>>>,
    taken: Cell<u64>,
}

/// One screen's fingerprint and textures (large, and at a row's size).
#[derive(Clone)]
struct Screen {
    print: u64,
    large: gdk::Texture,
    small: gdk::Texture,
}

/// What a screenshot gave.
enum Shot {
    /// A screen seen lately, by fingerprint.
    Known(u64),
    /// A new screen: fingerprint, large and small thumbnails.
    New(u64, decode::Thumbnail, decode::Thumbnail),
}

thread_local! {
    static REGISTRY: Registry = Registry::default();
}

/// A picture's interest in its VM's screen; dropping it ends the interest.
#[derive(Debug)]
pub struct Watch(u64);

impl Drop for Watch {
    fn drop(&mut self) {
        let id = self.0;
        // Widgets may outlive the registry as the thread ends: nothing is left to stop then.
        let _ = REGISTRY.try_with(|r| {
            r.watchers.borrow_mut().remove(&id);
            if r.watchers.borrow().is_empty() {
                stop_timers(r);
            }
        });
    }
}

/// Gives the thumbnails the connection to `uri` (or tells them it is gone).
pub fn set_connection(uri: &str, connection: Option<&virt_client::Connection>) {
    REGISTRY.with(|r| {
        match connection {
            Some(c) => {
                r.connections
                    .borrow_mut()
                    .insert(uri.to_string(), c.clone());
            }
            None => {
                r.connections.borrow_mut().remove(uri);
            }
        }
        r.recent.borrow_mut().retain(|(u, _), _| u != uri);
    });
}

/// Turns thumbnails on (the default) or off everywhere; pictures keep what they show.
pub fn set_enabled(on: bool) {
    REGISTRY.with(|r| {
        r.off.set(!on);
        if on {
            start_timers(r, true);
        } else {
            stop_timers(r);
        }
    });
}

/// Whether any picture watches a VM now (while none does, no timer runs).
pub fn watching() -> bool {
    REGISTRY.with(|r| !r.watchers.borrow().is_empty())
}

/// Whether a thumbnail timer is set (only while something is watched and thumbnails are on).
pub fn ticking() -> bool {
    REGISTRY.with(|r| r.timer.borrow().is_some() || r.soon.borrow().is_some())
}

/// How many screenshots were taken so far (decoded or found unchanged).
pub fn screenshots_taken() -> u64 {
    REGISTRY.with(|r| r.taken.get())
}

/// Watches `vm`'s screen for `widget` until the returned handle drops.
pub fn watch(widget: &impl IsA<gtk::Widget>, vm: &VmObject) -> Watch {
    REGISTRY.with(|r| {
        let id = r.next_id.get() + 1;
        r.next_id.set(id);
        r.watchers
            .borrow_mut()
            .insert(id, (vm.downgrade(), widget.upcast_ref().downgrade()));
        start_timers(r, vm.thumbnail().is_none());
        Watch(id)
    })
}

/// Starts the timer if anything is watched and none runs, and with `first` a tick soon.
fn start_timers(r: &Registry, first: bool) {
    if r.off.get() || r.watchers.borrow().is_empty() {
        return;
    }
    if r.timer.borrow().is_none() {
        let source = glib::timeout_add_local(INTERVAL, || {
            tick();
            glib::ControlFlow::Continue
        });
        r.timer.replace(Some(source));
    }
    if first && r.soon.borrow().is_none() {
        let source = glib::timeout_add_local_once(FIRST, || {
            REGISTRY.with(|r| r.soon.take());
            tick();
        });
        r.soon.replace(Some(source));
    }
}

fn stop_timers(r: &Registry) {
    for source in [r.timer.take(), r.soon.take()].into_iter().flatten() {
        source.remove();
    }
}

/// Takes a screenshot of every watched running VM whose picture is on screen.
fn tick() {
    let due: Vec<(VmObject, u32)> = REGISTRY.with(|r| {
        let mut seen = HashSet::new();
        r.watchers
            .borrow()
            .values()
            .filter_map(|(vm, widget)| {
                let (vm, widget) = (vm.upgrade()?, widget.upgrade()?);
                let key = (vm.connection_uri(), vm.uuid());
                (vm.vm_state() == VmState::Running && on_screen(&widget) && seen.insert(key))
                    .then(|| (vm, u32::try_from(widget.scale_factor()).unwrap_or(1).max(1)))
            })
            .collect()
    });
    for (vm, scale) in due {
        shoot(&vm, scale);
    }
}

/// Whether `widget` is drawn and at least partly inside what its scrolled window (or its
/// window) shows, in a window that is not minimized.
pub fn on_screen(widget: &impl IsA<gtk::Widget>) -> bool {
    let widget = widget.upcast_ref::<gtk::Widget>();
    if !widget.is_drawable() {
        return false;
    }
    let Some(root) = widget.root() else {
        return false;
    };
    let minimized = root
        .surface()
        .and_downcast::<gdk::Toplevel>()
        .is_some_and(|t| t.state().contains(gdk::ToplevelState::MINIMIZED));
    if minimized {
        return false;
    }
    let area = widget
        .ancestor(gtk::ScrolledWindow::static_type())
        .unwrap_or_else(|| root.clone().upcast());
    let Some(bounds) = widget.compute_bounds(&area) else {
        return false;
    };
    bounds.x() < area.width() as f32
        && bounds.y() < area.height() as f32
        && bounds.x() + bounds.width() > 0.0
        && bounds.y() + bounds.height() > 0.0
}

/// Fetches, decodes and shows one screenshot of `vm` (row pictures drawn at `scale`), unless
/// one is under way.
fn shoot(vm: &VmObject, scale: u32) {
    let key = (vm.connection_uri(), vm.uuid());
    let Some(conn) = REGISTRY.with(|r| {
        let conn = r.connections.borrow().get(&key.0).cloned()?;
        r.in_flight.borrow_mut().insert(key.clone()).then_some(conn)
    }) else {
        return;
    };
    // Screens seen lately need no decoding, while the VM's pictures show one of them (a VM
    // that stopped has none).
    let known: Vec<u64> = if vm.thumbnail().is_some() {
        REGISTRY.with(|r| {
            r.recent
                .borrow()
                .get(&key)
                .map(|s| s.iter().map(|s| s.print).collect())
                .unwrap_or_default()
        })
    } else {
        REGISTRY.with(|r| r.recent.borrow_mut().remove(&key));
        Vec::new()
    };
    let name = vm.name();
    let weak = vm.downgrade();
    glib::MainContext::default().spawn_local(async move {
        let taken = relm4::spawn(take(conn, name, known, scale)).await;
        REGISTRY.with(|r| {
            r.in_flight.borrow_mut().remove(&key);
            r.taken.set(r.taken.get() + 1);
        });
        let shot = match taken {
            Ok(Ok(shot)) => shot,
            Ok(Err(e)) => {
                tracing::debug!("no thumbnail of {}: {e}", key.1);
                return;
            }
            Err(e) => {
                tracing::warn!("thumbnail task failed: {e}");
                return;
            }
        };
        let Some(vm) = weak.upgrade().filter(|vm| vm.vm_state().is_active()) else {
            return;
        };
        show(&vm, key, shot);
    });
}

/// Shows `shot` on `vm` and remembers it as the VM's latest screen.
fn show(vm: &VmObject, key: Key, shot: Shot) {
    let screen = REGISTRY.with(|r| {
        let mut recent = r.recent.borrow_mut();
        let list = recent.entry(key).or_default();
        let screen = match shot {
            Shot::Known(print) => {
                if list.first().is_some_and(|s| s.print == print) {
                    // Shown already.
                    return None;
                }
                let i = list.iter().position(|s| s.print == print)?;
                list.remove(i)
            }
            Shot::New(print, large, small) => Screen {
                print,
                large: texture(large),
                small: texture(small),
            },
        };
        list.insert(0, screen.clone());
        list.truncate(RECENT);
        Some(screen)
    });
    if let Some(screen) = screen {
        vm.set_thumbnails(Some(&screen.large), Some(&screen.small));
    }
}

/// A screenshot of the VM `name`: its fingerprint when it is one of `known`, else its
/// thumbnails (the row's for a display at `scale`).
async fn take(
    conn: virt_client::Connection,
    name: String,
    known: Vec<u64>,
    scale: u32,
) -> Result<Shot, String> {
    let dom = virt_client::Domain::lookup_by_name(&conn, &name)
        .await
        .map_err(|e| e.to_string())?;
    let (mime, data) = dom.screenshot(0).await.map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(move || {
        let print = decode::fingerprint(&data);
        if known.contains(&print) {
            return Ok(Shot::Known(print));
        }
        let large = decode::thumbnail(&mime, &data)?;
        let small = large.shrunk(ROW_WIDTH * scale, ROW_HEIGHT * scale);
        Ok(Shot::New(print, large, small))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The thumbnail's pixels as a texture.
fn texture(thumbnail: decode::Thumbnail) -> gdk::Texture {
    let stride = thumbnail.width as usize * 3;
    gdk::MemoryTexture::new(
        thumbnail.width as i32,
        thumbnail.height as i32,
        gdk::MemoryFormat::R8g8b8,
        &glib::Bytes::from_owned(thumbnail.rgb),
        stride,
    )
    .upcast()
}
