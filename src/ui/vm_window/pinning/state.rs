//! The pinning page's behaviour: handling messages and background results, and the texts
//! it derives from its state (status, preview, warnings, why Apply is blocked).

use std::cell::Cell;
use std::rc::Rc;

use gtk::prelude::*;
use relm4::prelude::*;
use virt_xml::CpuSet;

use super::apply::{self, Target};
use super::merge::{Merge, merge};
use super::{PinningCmd, PinningMsg, PinningPage, load, rows};
use crate::i18n::{gettext, gettext_f};
use crate::widgets::pinning_matrix::RowKind;

impl PinningPage {
    pub(super) fn handle(&mut self, msg: PinningMsg, sender: &ComponentSender<Self>) {
        match msg {
            PinningMsg::Connection(conn) => {
                self.connection = conn;
                self.start_load(sender);
            }
            PinningMsg::Reload => {
                self.message = None;
                self.start_load(sender);
            }
            PinningMsg::MatrixChanged => {
                let typed = std::mem::take(&mut self.typed_rows);
                self.sync_rows_except(&typed);
            }
            PinningMsg::RowText(row, text) => {
                let Some(r) = self.rows.get(row) else { return };
                let same = rows::parse_text(&text) == Some(self.matrix.model().cpuset(row));
                if same {
                    r.show_error(None);
                    return;
                }
                match self.matrix.set_row_text(row, &text) {
                    Ok(()) => {
                        r.show_error(None);
                        self.typed_rows.push(row);
                    }
                    Err(e) => r.show_error(Some(&e.to_string())),
                }
            }
            PinningMsg::OneToOne(start) => self.bulk(|m| m.one_to_one(start)),
            PinningMsg::Spread(node) => self.bulk(|m| m.spread_over_node(node)),
            PinningMsg::KeepSiblings => self.bulk(|m| {
                m.keep_siblings_together();
                Ok(())
            }),
            PinningMsg::Float => self.bulk(|m| {
                m.float();
                Ok(())
            }),
            PinningMsg::CopyRow(row) => self.bulk(|m| m.copy_row_to_all(row)),
            PinningMsg::CopyFocusedRow => {
                let row = self.matrix.focus_cell().0;
                self.bulk(|m| m.copy_row_to_all(row));
            }
            PinningMsg::SetTarget(t) => self.target = Some(t),
            PinningMsg::Apply => self.apply(sender),
            PinningMsg::Revert => {
                let base = self.baseline();
                self.matrix.edit_model(|m| {
                    for (i, set) in base.iter().enumerate() {
                        let _ = m.set_cpuset(i, set);
                    }
                });
                self.conflicts.iter_mut().for_each(|c| *c = None);
                self.message = None;
                self.sync_rows();
            }
            PinningMsg::KeepMine(row) => {
                if let Some(c) = self.conflicts.get_mut(row) {
                    *c = None;
                }
                self.sync_rows();
            }
            PinningMsg::TakeTheirs(row) => {
                if let Some(theirs) = self.conflicts.get_mut(row).and_then(Option::take) {
                    self.matrix.edit_model(|m| m.set_cpuset(row, &theirs)).ok();
                }
                self.sync_rows();
            }
            PinningMsg::Poll => self.poll(sender),
        }
    }

    fn bulk(
        &mut self,
        edit: impl FnOnce(
            &mut crate::widgets::pinning_matrix::PinningModel,
        ) -> Result<(), crate::widgets::pinning_matrix::PinError>,
    ) {
        match self.matrix.edit_model(edit) {
            Ok(()) => self.message = None,
            Err(e) => self.message = Some((e.to_string(), true)),
        }
        self.sync_rows();
    }

    fn apply(&mut self, sender: &ComponentSender<Self>) {
        if !self.can_apply() {
            return;
        }
        let Some(l) = &self.loaded else { return };
        let changes = self.changes();
        let (dom, maplen, gen_) = (l.domain.clone(), l.maplen, self.generation);
        self.busy = true;
        self.message = None;
        sender.oneshot_command(async move {
            PinningCmd::Applied(gen_, apply::apply(&dom, &changes, maplen).await)
        });
    }

    fn poll(&mut self, sender: &ComponentSender<Self>) {
        let Some(l) = &self.loaded else { return };
        if self.polling || l.pins.live.is_none() {
            return;
        }
        let n = l.pins.live.as_ref().map_or(0, |p| p.vcpus.len() as u32);
        let (dom, maplen, gen_) = (l.domain.clone(), l.maplen, self.generation);
        self.polling = true;
        sender.oneshot_command(async move {
            match load::placement(&dom, n, maplen).await {
                Ok(p) => PinningCmd::Placement(gen_, p),
                Err(e) => {
                    tracing::debug!("vCPU placement not read: {e}");
                    PinningCmd::Placement(gen_, Vec::new())
                }
            }
        });
    }

    pub(super) fn handle_cmd(&mut self, cmd: PinningCmd, sender: &ComponentSender<Self>) {
        match cmd {
            PinningCmd::Loaded(g, r) if g == self.generation => match r {
                Ok(loaded) => {
                    let running = loaded.pins.live.is_some();
                    self.show_loaded(*loaded, sender);
                    self.start_events(sender);
                    if running {
                        self.poll(sender);
                    }
                }
                Err(e) => {
                    self.loaded = None;
                    self.failure = Some(gettext_f("The pins could not be read: {}", &[&e]));
                }
            },
            PinningCmd::Pins(g, r) if g == self.generation => match r {
                Ok(pins) => self.take_pins(pins, sender),
                Err(e) => self.message = Some((e, true)),
            },
            PinningCmd::Placement(g, cpus) if g == self.generation => {
                self.polling = false;
                for (i, cpu) in cpus.iter().enumerate() {
                    self.matrix.set_running_on(i, *cpu);
                    if let Some(r) = self.rows.get(i) {
                        r.show_running(*cpu);
                    }
                }
            }
            // While applying, the page reads the pins once it is done.
            PinningCmd::Event(g, lifecycle)
                if g == self.generation && (lifecycle || !self.busy) =>
            {
                self.reload_pins(sender);
            }
            PinningCmd::Applied(g, r) if g == self.generation => {
                self.busy = false;
                self.message = Some(match r {
                    Ok(()) => (gettext("Pins applied."), false),
                    Err(e) => (e.describe(), true),
                });
                self.reload_pins(sender);
            }
            _ => {}
        }
    }

    /// Takes in pins read again: if the VM started, stopped or changed its vCPU count the
    /// page starts over; otherwise changes made elsewhere merge into the edits.
    fn take_pins(&mut self, pins: load::VmPins, sender: &ComponentSender<Self>) {
        let old = self.baseline();
        let Some(l) = self.loaded.as_mut() else {
            return;
        };
        let same_shape = l.pins.live.is_some() == pins.live.is_some()
            && l.pins.primary().map(|p| p.vcpus.len()) == pins.primary().map(|p| p.vcpus.len());
        if !same_shape {
            let mut fresh = l.clone();
            fresh.pins = pins;
            let running = fresh.pins.live.is_some();
            self.show_loaded(fresh, sender);
            if !running {
                for r in &self.rows {
                    r.show_running(None);
                }
            }
            return;
        }
        l.pins = pins;
        let new = self.baseline();
        let edited: Vec<CpuSet> = (0..new.len())
            .map(|i| self.matrix.model().cpuset(i))
            .collect();
        let merged = merge(&old, &new, &edited);
        let mut takes = Vec::new();
        for (i, m) in merged.into_iter().enumerate() {
            match m {
                Merge::Keep => {
                    // A conflict resolved elsewhere (their CPUs now equal the edit) ends.
                    if self.conflicts.get(i).is_some_and(Option::is_some) && edited[i] == new[i] {
                        self.conflicts[i] = None;
                    }
                }
                Merge::Take(set) => takes.push((i, set)),
                Merge::Conflict(set) => {
                    if let Some(c) = self.conflicts.get_mut(i) {
                        *c = Some(set);
                    }
                }
            }
        }
        // Pins moved: ask where the vCPUs run now rather than show stale placement.
        if self.is_running() {
            self.poll(sender);
        }
        if !takes.is_empty() {
            self.matrix.edit_model(|m| {
                for (i, set) in &takes {
                    let _ = m.set_cpuset(*i, set);
                }
            });
        }
        self.sync_rows();
    }
}

/// Fills the bulk actions' popover.
pub(super) fn build_bulk(bulk: &gtk::Box, sender: &relm4::Sender<PinningMsg>) {
    let line = |label: &str, spin: Option<&gtk::SpinButton>, msg: Box<dyn Fn() -> PinningMsg>| {
        let b = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        let button = gtk::Button::with_label(label);
        button.set_hexpand(true);
        button.add_css_class("flat");
        button.set_halign(gtk::Align::Fill);
        if let Some(child) = button.child().and_downcast::<gtk::Label>() {
            child.set_xalign(0.0);
        }
        let s = sender.clone();
        button.connect_clicked(move |_| s.emit(msg()));
        b.append(&button);
        if let Some(spin) = spin {
            b.append(spin);
        }
        bulk.append(&b);
    };
    let start = gtk::SpinButton::with_range(0.0, 4095.0, 1.0);
    start.set_tooltip_text(Some(&gettext("First host CPU")));
    crate::ui::a11y::name(&start, &gettext("First host CPU"));
    let st = start.clone();
    line(
        &gettext("One vCPU per CPU, from CPU"),
        Some(&start),
        Box::new(move || PinningMsg::OneToOne(st.value() as u32)),
    );
    let node = gtk::SpinButton::with_range(0.0, 63.0, 1.0);
    node.set_tooltip_text(Some(&gettext("NUMA node")));
    crate::ui::a11y::name(&node, &gettext("NUMA node"));
    let nd = node.clone();
    line(
        &gettext("Spread over NUMA node"),
        Some(&node),
        Box::new(move || PinningMsg::Spread(nd.value() as u32)),
    );
    line(
        &gettext("Keep SMT siblings together"),
        None,
        Box::new(|| PinningMsg::KeepSiblings),
    );
    line(
        &gettext("Copy the focused row to every vCPU"),
        None,
        Box::new(|| PinningMsg::CopyFocusedRow),
    );
    line(
        &gettext("Float (no pinning)"),
        None,
        Box::new(|| PinningMsg::Float),
    );
}

/// Offers the targets in the drop-down; a selection the user makes (not one made while
/// `showing` is set) becomes the page's choice.
pub(super) fn setup_target(
    dd: &gtk::DropDown,
    sender: &relm4::Sender<PinningMsg>,
    showing: &Rc<Cell<bool>>,
) {
    let labels: Vec<String> = Target::ALL.iter().map(|t| t.label()).collect();
    let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    showing.set(true);
    dd.set_model(Some(&gtk::StringList::new(&refs)));
    showing.set(false);
    let (s, showing) = (sender.clone(), showing.clone());
    dd.connect_selected_notify(move |dd| {
        if showing.get() {
            return;
        }
        if let Some(t) = Target::ALL.get(dd.selected() as usize) {
            s.emit(PinningMsg::SetTarget(*t));
        }
    });
}

/// Shows `target` in the drop-down without reporting it back as the user's choice (the
/// target shown for a VM whose state is not known yet must not stick once it is).
pub(super) fn show_target(dd: &gtk::DropDown, target: Target, showing: &Cell<bool>) {
    let i = Target::ALL.iter().position(|t| *t == target).unwrap_or(0) as u32;
    if dd.selected() != i {
        showing.set(true);
        dd.set_selected(i);
        showing.set(false);
    }
}

pub(super) fn blocked_reason(page: &PinningPage) -> Option<String> {
    if page.loaded.is_none() {
        return Some(gettext("The pins are not loaded"));
    }
    let m = page.matrix.model();
    let v = m.validate();
    if let Some(&row) = v.empty.first() {
        return Some(gettext_f(
            "{} has no CPU to run on",
            &[&m.rows()[row].label()],
        ));
    }
    if page.rows.iter().any(|r| r.error.is_visible()) {
        return Some(gettext("A CPU list is not valid"));
    }
    None
}

pub(super) fn preview_text(page: &PinningPage) -> String {
    let changes = page.changes();
    if changes.is_empty() {
        return gettext("No changes to apply.");
    }
    let mut out = String::new();
    for side in [load::AFFECT_LIVE, load::AFFECT_CONFIG] {
        let lines: Vec<String> = changes
            .iter()
            .filter(|c| c.flags == side)
            .map(apply::Change::describe)
            .collect();
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&if side == load::AFFECT_LIVE {
            gettext("Changes to the running VM:")
        } else {
            gettext("Changes to the saved configuration:")
        });
        for l in lines {
            out.push_str("\n  ");
            out.push_str(&l);
        }
    }
    out
}

pub(super) fn warnings(page: &PinningPage) -> String {
    let m = page.matrix.model();
    let mut out: Vec<String> = m
        .validate()
        .cross_numa
        .iter()
        .map(|&r| {
            gettext_f(
                "{} may run on more than one NUMA node",
                &[&m.rows()[r].label()],
            )
        })
        .collect();
    let bound = page
        .loaded
        .as_ref()
        .and_then(|l| l.pins.primary())
        .and_then(|p| p.memory_nodes.clone());
    if let Some(nodes) = bound {
        for (r, kind) in m.rows().iter().enumerate() {
            if !matches!(kind, RowKind::Vcpu(_)) {
                continue;
            }
            let outside = m
                .columns()
                .iter()
                .enumerate()
                .any(|(c, col)| m.is_allowed(r, c) && !nodes.contains(col.node));
            if outside {
                out.push(gettext_f(
                    "{} may run outside NUMA node {}, where the VM's memory is bound",
                    &[&kind.label(), &nodes.to_string()],
                ));
            }
        }
    }
    out.join("\n")
}

pub(super) fn status_text(page: &PinningPage) -> String {
    if let Some(f) = &page.failure {
        return f.clone();
    }
    match &page.loaded {
        None => gettext("Reading the pins…"),
        Some(l) if l.pins.live.is_some() => {
            gettext("The VM is running: the matrix shows its live pins.")
        }
        Some(_) => gettext("The VM is shut off: the matrix shows its saved pins."),
    }
}
