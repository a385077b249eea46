//! Dragging a VM onto another connection's row: the row carries the VM (its connection's URI
//! and its UUID) as text, and a connection row that is not the VM's own takes it and asks the
//! list's drop handler, which opens the migration dialog. Nothing migrates on the drop itself.
//!
//! One drag source and one drop target sit on the list view and find the row under the
//! pointer, so that a row costs no event controllers to make (a list makes up to 200 rows at
//! once).

use std::cell::RefCell;
use std::rc::Rc;

use gtk::prelude::*;
use gtk::{gdk, glib};

use super::{ConnectionObject, ListRow, VmObject};

type DropFn = Box<dyn Fn(String, String, String)>;

/// Called with (the VM's connection URI, its UUID, the destination connection's URI).
#[derive(Clone, Default)]
pub struct DropHandler(Rc<RefCell<Option<DropFn>>>);

impl std::fmt::Debug for DropHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DropHandler")
    }
}

impl DropHandler {
    /// Calls `f` from now on.
    pub fn set(&self, f: DropFn) {
        self.0.replace(Some(f));
    }

    fn call(&self, uri: String, uuid: String, dest: String) {
        if let Some(f) = self.0.borrow().as_ref() {
            f(uri, uuid, dest);
        }
    }
}

/// What a dragged VM carries: its connection's URI and its UUID, one a line.
pub fn payload(vm: &VmObject) -> String {
    format!("{}\n{}", vm.connection_uri(), vm.summary().uuid)
}

/// The VM a payload names, if the text is one: (connection URI, UUID).
pub fn parse_payload(text: &str) -> Option<(String, String)> {
    let (uri, uuid) = text.split_once('\n')?;
    let uuid = uuid.trim();
    (!uri.is_empty() && uuid.len() == 36 && !uuid.contains('\n'))
        .then(|| (uri.to_string(), uuid.to_string()))
}

/// The list row under (`x`, `y`) of `view`, also when the point is in a row's padding.
pub fn row_at(view: &gtk::ListView, x: f64, y: f64) -> Option<ListRow> {
    let hit = view.pick(x, y, gtk::PickFlags::DEFAULT)?;
    if let Some(row) = hit.ancestor(ListRow::static_type()) {
        return row.downcast().ok();
    }
    let mut child = Some(hit);
    for _ in 0..3 {
        child = child.and_then(|w| w.first_child());
        if let Some(row) = child.clone().and_downcast::<ListRow>() {
            return Some(row);
        }
    }
    None
}

/// Lets the VM rows of `view` be dragged and its connection rows take them.
pub fn attach(view: &gtk::ListView, on_drop: DropHandler) {
    let source = gtk::DragSource::new();
    source.set_actions(gdk::DragAction::MOVE);
    let weak = view.downgrade();
    source.connect_prepare(move |_, x, y| {
        let vm = row_at(&weak.upgrade()?, x, y)?
            .item()
            .and_downcast::<VmObject>()?;
        Some(gdk::ContentProvider::for_value(&payload(&vm).to_value()))
    });
    view.add_controller(source);

    let target = gtk::DropTarget::new(glib::Type::STRING, gdk::DragAction::MOVE);
    let weak = view.downgrade();
    let connection_at = move |x: f64, y: f64| {
        row_at(&weak.upgrade()?, x, y)?
            .item()
            .and_downcast::<ConnectionObject>()
    };
    // The row under the drag is marked as a drop site, not the whole list.
    let marked: Rc<RefCell<glib::WeakRef<ListRow>>> = Rc::default();
    let mark = {
        let marked = marked.clone();
        move |row: Option<&ListRow>| {
            let old = marked.borrow().upgrade();
            if old.as_ref() != row {
                if let Some(old) = old {
                    old.unset_state_flags(gtk::StateFlags::DROP_ACTIVE);
                }
                if let Some(row) = row {
                    row.set_state_flags(gtk::StateFlags::DROP_ACTIVE, false);
                }
                marked.replace(row.map(|r| r.downgrade()).unwrap_or_default());
            }
        }
    };
    // Over a connection's row the drag may drop (the list is marked too, unseen: see
    // style.css); elsewhere not.
    let over = {
        let weak = view.downgrade();
        let mark = mark.clone();
        move |x: f64, y: f64| {
            let row = weak
                .upgrade()
                .and_then(|v| row_at(&v, x, y))
                .filter(|r| r.item().is_some_and(|i| i.is::<ConnectionObject>()));
            mark(row.as_ref());
            if row.is_some() {
                gdk::DragAction::MOVE
            } else {
                gdk::DragAction::empty()
            }
        }
    };
    let enter = over.clone();
    target.connect_enter(move |_, x, y| enter(x, y));
    target.connect_motion(move |_, x, y| over(x, y));
    let mark_leave = mark.clone();
    target.connect_leave(move |_| mark_leave(None));
    target.connect_drop(move |_, value, x, y| {
        mark(None);
        let Some(dest) = connection_at(x, y) else {
            return false;
        };
        let Some((uri, uuid)) = value
            .get::<String>()
            .ok()
            .as_deref()
            .and_then(parse_payload)
        else {
            return false;
        };
        // A VM dropped on its own connection stays where it is.
        if uri == dest.uri() {
            return false;
        }
        on_drop.call(uri, uuid, dest.uri());
        true
    });
    view.add_controller(target);
}

#[cfg(test)]
mod tests {
    use super::parse_payload;

    #[test]
    fn payloads_name_a_vm() {
        let uuid = "0f9b0c2e-8a51-4c4e-9d7a-2c1f3b1e7a10";
        assert_eq!(
            parse_payload(&format!("qemu:///system\n{uuid}")),
            Some(("qemu:///system".into(), uuid.into()))
        );
        assert_eq!(parse_payload("just text"), None);
        assert_eq!(parse_payload(&format!("\n{uuid}")), None);
    }
}
