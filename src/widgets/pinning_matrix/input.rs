//! Pointer and keyboard editing of the pinning matrix: the handlers its event controllers
//! call, and the accessible text of the focused cell.

use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, glib};

use super::imp::HangarPinningMatrix;
use super::render::Hit;
use crate::i18n::{gettext, gettext_f};

/// A press on a cell that may grow into a rectangle while the pointer moves.
#[derive(Debug)]
pub struct Drag {
    /// Where the press was, in widget coordinates.
    start: (f64, f64),
    /// The pressed cell: one corner of the rectangle.
    anchor: (usize, usize),
    /// The cell under the pointer at the last update: the other corner.
    last: (usize, usize),
    /// What the rectangle becomes: the pressed cell's new state.
    value: bool,
    /// The cells before the press, restored before each update.
    base: Vec<bool>,
}

/// The rows and columns spanned by two corner cells, inclusive.
pub fn rect(a: (usize, usize), b: (usize, usize)) -> ((usize, usize), (usize, usize)) {
    ((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1)))
}

impl HangarPinningMatrix {
    /// A primary button press at `(x, y)`: toggles a cell (and starts a drag), or toggles
    /// a whole row or column from its header.
    pub fn on_press(&self, x: f64, y: f64) {
        let obj = self.obj();
        obj.grab_focus();
        let hit = self.layout.borrow().hit(x, y);
        let mut edited = false;
        match hit {
            Hit::Cell(r, c) => {
                let mut m = self.model.borrow_mut();
                let value = !m.is_allowed(r, c);
                let base = m.cells().to_vec();
                m.set(r, c, value);
                drop(m);
                self.focus.set((r, c));
                self.anchor.set(None);
                self.drag.replace(Some(Drag {
                    start: (x, y),
                    anchor: (r, c),
                    last: (r, c),
                    value,
                    base,
                }));
            }
            Hit::RowHeader(r) => {
                edited = self.model.borrow_mut().toggle_row(r);
                self.focus.set((r, self.focus.get().1));
            }
            Hit::ColumnHeader(c) => {
                edited = self.model.borrow_mut().toggle_column(c);
                self.focus.set((self.focus.get().0, c));
            }
            Hit::Outside => {}
        }
        self.refresh(edited);
    }

    /// The pointer moved `(dx, dy)` from the press: the rectangle from the pressed cell to
    /// the cell under the pointer takes the pressed cell's new state; cells left out of it
    /// again go back to what they were.
    pub fn on_drag_update(&self, dx: f64, dy: f64) {
        let mut drag = self.drag.borrow_mut();
        let Some(d) = drag.as_mut() else {
            return;
        };
        let Some(cur) = self
            .layout
            .borrow()
            .nearest_cell(d.start.0 + dx, d.start.1 + dy)
        else {
            return;
        };
        if cur == d.last {
            return;
        }
        d.last = cur;
        let ((r0, c0), (r1, c1)) = rect(d.anchor, cur);
        let mut m = self.model.borrow_mut();
        m.restore_cells(&d.base);
        m.fill(r0..=r1, c0..=c1, d.value);
        drop(m);
        drop(drag);
        self.focus.set(cur);
        self.refresh(false);
    }

    /// The button was released: the edit is done.
    pub fn on_drag_end(&self) {
        let Some(d) = self.drag.take() else {
            return;
        };
        let edited = self.model.borrow().cells() != d.base.as_slice();
        self.refresh(edited);
    }

    /// A key press: arrows move the focus cell (with Shift they grow a selection), Home and
    /// End jump along the row, Space or Enter toggles the focus cell or sets the selection
    /// to the opposite of its first cell, Escape drops the selection.
    pub fn on_key(&self, key: gdk::Key, state: gdk::ModifierType) -> glib::Propagation {
        let (rows, cols) = {
            let m = self.model.borrow();
            (m.rows().len(), m.columns().len())
        };
        if rows == 0 || cols == 0 {
            return glib::Propagation::Proceed;
        }
        let (r, c) = self.focus.get();
        let (r, c) = (r.min(rows - 1), c.min(cols - 1));
        let target = match key {
            gdk::Key::Left | gdk::Key::KP_Left => Some((r, c.saturating_sub(1))),
            gdk::Key::Right | gdk::Key::KP_Right => Some((r, (c + 1).min(cols - 1))),
            gdk::Key::Up | gdk::Key::KP_Up => Some((r.saturating_sub(1), c)),
            gdk::Key::Down | gdk::Key::KP_Down => Some(((r + 1).min(rows - 1), c)),
            gdk::Key::Home | gdk::Key::KP_Home => Some((r, 0)),
            gdk::Key::End | gdk::Key::KP_End => Some((r, cols - 1)),
            _ => None,
        };
        if let Some(t) = target {
            if state.contains(gdk::ModifierType::SHIFT_MASK) {
                if self.anchor.get().is_none() {
                    self.anchor.set(Some((r, c)));
                }
            } else {
                self.anchor.set(None);
            }
            self.focus.set(t);
            self.refresh(false);
            return glib::Propagation::Stop;
        }
        match key {
            gdk::Key::space | gdk::Key::KP_Space | gdk::Key::Return | gdk::Key::KP_Enter => {
                let mut m = self.model.borrow_mut();
                let edited = match self.anchor.get() {
                    Some(a) => {
                        let value = !m.is_allowed(a.0, a.1);
                        let ((r0, c0), (r1, c1)) = rect(a, (r, c));
                        m.fill(r0..=r1, c0..=c1, value) > 0
                    }
                    None => m.toggle(r, c),
                };
                drop(m);
                self.refresh(edited);
                glib::Propagation::Stop
            }
            gdk::Key::Escape if self.anchor.get().is_some() => {
                self.anchor.set(None);
                self.refresh(false);
                glib::Propagation::Stop
            }
            _ => glib::Propagation::Proceed,
        }
    }

    /// Redraws, updates the accessible text and, after an edit, emits `changed`.
    pub fn refresh(&self, edited: bool) {
        let obj = self.obj();
        self.update_accessible();
        obj.queue_draw();
        if edited {
            obj.emit_by_name::<()>("changed", &[]);
        }
    }

    /// What a screen reader says for the focus cell: "vCPU 2 on CPU 5: allowed", and the
    /// row's whole cpuset as the description.
    pub fn focus_label(&self) -> Option<(String, String)> {
        let m = self.model.borrow();
        let (r, c) = self.focus.get();
        let kind = m.rows().get(r)?;
        let col = m.columns().get(c)?;
        let state = if !col.online {
            gettext("offline")
        } else if m.is_allowed(r, c) {
            gettext("allowed")
        } else {
            gettext("not allowed")
        };
        let label = gettext_f(
            "{} on CPU {}: {}",
            &[&kind.label(), &col.cpu.to_string(), &state],
        );
        let set = m.cpuset_string(r);
        let description = if set.is_empty() {
            gettext_f("{} has no CPU", &[&kind.label()])
        } else {
            gettext_f("{} may run on CPUs {}", &[&kind.label(), &set])
        };
        Some((label, description))
    }

    fn update_accessible(&self) {
        if let Some((label, description)) = self.focus_label() {
            self.obj().update_property(&[
                gtk::accessible::Property::Label(&label),
                gtk::accessible::Property::Description(&description),
            ]);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rect_orders_corners() {
        assert_eq!(super::rect((3, 1), (0, 5)), ((0, 1), (3, 5)));
    }
}
