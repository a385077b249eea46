//! Dragging a VM onto another connection's row: the row carries the VM (its connection's URI
//! and its UUID) as text, and a connection row that is not the VM's own takes it and asks the
//! list's drop handler, which opens the migration dialog. Nothing migrates on the drop itself.

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

/// Makes `row` a drag source when it shows a VM and a drop target when it shows a connection.
pub fn attach(row: &ListRow, on_drop: DropHandler) {
    let source = gtk::DragSource::new();
    source.set_actions(gdk::DragAction::MOVE);
    let weak = row.downgrade();
    source.connect_prepare(move |_, _, _| {
        let vm = weak.upgrade()?.item().and_downcast::<VmObject>()?;
        Some(gdk::ContentProvider::for_value(&payload(&vm).to_value()))
    });
    row.add_controller(source);

    let target = gtk::DropTarget::new(glib::Type::STRING, gdk::DragAction::MOVE);
    let weak = row.downgrade();
    target.connect_accept(move |_, _| {
        weak.upgrade()
            .and_then(|r| r.item())
            .is_some_and(|i| i.is::<ConnectionObject>())
    });
    let weak = row.downgrade();
    target.connect_drop(move |_, value, _, _| {
        let Some(dest) = weak
            .upgrade()
            .and_then(|r| r.item())
            .and_downcast::<ConnectionObject>()
        else {
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
    row.add_controller(target);
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
