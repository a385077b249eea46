//! The performance page of a VM window: live CPU (total and per vCPU), memory, disk and
//! network graphs fed by the host's sampler while the page is on screen.

use std::cell::RefCell;
use std::rc::Rc;

use gtk::prelude::*;

use crate::i18n::{gettext, gettext_f};
use crate::session::sampler::{StatsTick, Want};
use crate::session::series::{DomainSeries, HostInfo, SeriesKey, Unit};
use crate::ui::stats::{HostStats, TickListener};
use crate::ui::vm_list::VmObject;
use crate::widgets::graph::{GraphLine, HangarGraph, YMax, format};

/// How much history the page's graphs show.
pub const WINDOW_SECS: f64 = 300.0;

/// One titled graph with the newest value beside its title.
#[derive(Debug, Clone)]
pub struct Section {
    /// The section (title row and graph).
    pub root: gtk::Box,
    /// The newest value(s).
    pub value: gtk::Label,
    /// The graph.
    pub graph: HangarGraph,
    /// The title.
    pub title: String,
}

impl Section {
    /// A section titled `title` whose graph shows values in `unit`.
    pub fn new(title: &str, unit: Unit, y_max: YMax) -> Section {
        let root = gtk::Box::new(gtk::Orientation::Vertical, 6);
        let head = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        let label = gtk::Label::new(Some(title));
        label.add_css_class("heading");
        label.set_xalign(0.0);
        label.set_hexpand(true);
        let value = gtk::Label::new(Some("—"));
        value.add_css_class("dim-label");
        value.add_css_class("numeric");
        value.set_xalign(1.0);
        head.append(&label);
        head.append(&value);
        let graph = HangarGraph::new();
        graph.set_unit(unit);
        graph.set_y_max(y_max);
        graph.set_window_secs(WINDOW_SECS);
        graph.set_size_request(-1, 150);
        graph.update_property(&[gtk::accessible::Property::Label(title)]);
        root.append(&head);
        root.append(&graph);
        Section {
            root,
            value,
            graph,
            title: title.to_string(),
        }
    }
}

struct State {
    uuid: String,
    series: RefCell<DomainSeries>,
    cpu: Section,
    vcpus: Section,
    memory: Section,
    disk: Section,
    net: Section,
    root: gtk::ScrolledWindow,
}

/// The page; keep it alive as long as the window shows it.
#[derive(Debug)]
pub struct PerformancePage {
    root: gtk::ScrolledWindow,
    state: Rc<StateCell>,
    _listener: Option<TickListener>,
}

/// The page's state behind an `Rc` (debug-printable).
pub struct StateCell(State);

impl std::fmt::Debug for StateCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PerformanceState")
            .field("uuid", &self.0.uuid)
            .finish_non_exhaustive()
    }
}

impl PerformancePage {
    /// A page for `vm`, fed by the statistics of its connection (if open).
    pub fn new(vm: &VmObject) -> PerformancePage {
        let stats = HostStats::get(&vm.connection_uri());
        let host = HostInfo {
            cpus: 1,
            memory_kib: 0,
        };
        let mut series = DomainSeries::with_window(host, WINDOW_SECS);
        series.set_window(WINDOW_SECS);
        let percent = YMax::Fixed(100.0);
        let state = State {
            uuid: vm.uuid(),
            series: RefCell::new(series),
            cpu: Section::new(&gettext("CPU"), Unit::Percent, percent),
            vcpus: Section::new(&gettext("Virtual CPUs"), Unit::Percent, percent),
            memory: Section::new(&gettext("Memory"), Unit::Bytes, YMax::Auto),
            disk: Section::new(&gettext("Disk I/O"), Unit::BytesPerSecond, YMax::Auto),
            net: Section::new(&gettext("Network I/O"), Unit::BytesPerSecond, YMax::Auto),
            root: gtk::ScrolledWindow::new(),
        };
        let column = gtk::Box::new(gtk::Orientation::Vertical, 24);
        let idle = gtk::Label::new(Some(&gettext(
            "The graphs fill in while the virtual machine runs.",
        )));
        idle.add_css_class("dim-label");
        idle.set_wrap(true);
        idle.set_visible(!vm.vm_state().is_active());
        vm.connect_notify_local(Some("state"), {
            let idle = idle.downgrade();
            move |vm, _| {
                if let Some(idle) = idle.upgrade() {
                    idle.set_visible(!vm.vm_state().is_active());
                }
            }
        });
        column.append(&idle);
        column.set_margin_top(18);
        column.set_margin_bottom(18);
        column.set_margin_start(18);
        column.set_margin_end(18);
        for s in [
            &state.cpu,
            &state.vcpus,
            &state.memory,
            &state.disk,
            &state.net,
        ] {
            column.append(&s.root);
        }
        // Which graphs show follows the preferences while the page is open.
        if let Ok(settings) = crate::settings::AppSettings::open() {
            use crate::settings::keys;
            for (key, section) in [
                (keys::GRAPH_CPU, &state.cpu),
                (keys::GRAPH_CPU, &state.vcpus),
                (keys::GRAPH_MEMORY, &state.memory),
                (keys::GRAPH_DISK, &state.disk),
                (keys::GRAPH_NETWORK, &state.net),
            ] {
                settings
                    .gio()
                    .bind(key, &section.root, "visible")
                    .get()
                    .build();
            }
        }
        let clamp = adw::Clamp::builder()
            .maximum_size(960)
            .child(&column)
            .build();
        state.root.set_hscrollbar_policy(gtk::PolicyType::Never);
        state.root.set_child(Some(&clamp));
        let root = state.root.clone();
        let state = Rc::new(StateCell(state));
        let listener = stats.as_ref().map(|stats| {
            stats.subscribe_while_mapped(&root, Want::Domains);
            let weak = Rc::downgrade(&state);
            stats.connect_tick(move |tick| {
                if let Some(state) = weak.upgrade() {
                    state.0.on_tick(tick);
                }
            })
        });
        // Draw what arrived while the page was hidden as soon as it shows.
        let weak = Rc::downgrade(&state);
        root.connect_map(move |_| {
            if let Some(state) = weak.upgrade() {
                state.0.refresh();
            }
        });
        PerformancePage {
            root,
            state,
            _listener: listener,
        }
    }

    /// The page's widget, for the window's view stack.
    pub fn widget(&self) -> &gtk::ScrolledWindow {
        &self.root
    }

    /// The CPU graph (for tests).
    pub fn cpu_graph(&self) -> &HangarGraph {
        &self.state.0.cpu.graph
    }

    /// Every graph, top to bottom.
    pub fn graphs(&self) -> Vec<HangarGraph> {
        let s = &self.state.0;
        [&s.cpu, &s.vcpus, &s.memory, &s.disk, &s.net]
            .iter()
            .map(|sec| sec.graph.clone())
            .collect()
    }

    /// The titles of the graphs that show, top to bottom.
    pub fn shown_graphs(&self) -> Vec<String> {
        let s = &self.state.0;
        [&s.cpu, &s.vcpus, &s.memory, &s.disk, &s.net]
            .iter()
            .filter(|sec| sec.root.is_visible())
            .map(|sec| sec.title.clone())
            .collect()
    }

    /// How many CPU readings with a value the page holds.
    pub fn cpu_points(&self) -> usize {
        let series = self.state.0.series.borrow();
        series
            .get(SeriesKey::Cpu)
            .map_or(0, |s| s.points().filter(|p| p.v.is_some()).count())
    }

    /// How many seconds the graphs span (the series keep [`WINDOW_SECS`]).
    pub fn set_window_secs(&self, secs: f64) {
        for g in self.graphs() {
            g.set_window_secs(secs.min(WINDOW_SECS));
        }
    }

    /// Takes in a tick directly (what the host's listener does).
    pub fn push(&self, tick: &StatsTick) {
        self.state.0.on_tick(tick);
    }
}

/// A value with its unit, also when it is zero (`0%`, `0 bytes`).
pub fn value_text(unit: Unit, v: f64) -> String {
    if v == 0.0 {
        return match unit {
            Unit::Percent => gettext_f("{}%", &["0"]),
            Unit::Bytes | Unit::BytesPerSecond => format::value(unit, 0.5),
            Unit::Count => "0".to_string(),
        };
    }
    format::value(unit, v)
}

impl State {
    fn on_tick(&self, tick: &StatsTick) {
        let Some(d) = tick.domain(&self.uuid) else {
            return;
        };
        self.series.borrow_mut().push(&d.sample);
        if self.root.is_mapped() {
            self.refresh();
        }
    }

    fn refresh(&self) {
        let series = self.series.borrow();
        let line = |key: SeriesKey, label: String| {
            series
                .get(key)
                .map(|s| GraphLine::new(label, s.clone()))
                .unwrap_or_default()
        };
        let last = |key: SeriesKey| series.get(key).and_then(|s| s.last()).and_then(|p| p.v);
        let text =
            |unit: Unit, v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| value_text(unit, v));

        self.cpu
            .graph
            .set_lines(vec![line(SeriesKey::Cpu, gettext("Total"))]);
        self.cpu
            .value
            .set_label(&text(Unit::Percent, last(SeriesKey::Cpu)));

        let vcpus: Vec<GraphLine> = series
            .keys()
            .into_iter()
            .filter_map(|k| match k {
                SeriesKey::Vcpu(n) => Some(line(k, gettext_f("vCPU {}", &[&n.to_string()]))),
                _ => None,
            })
            .collect();
        let busiest = vcpus
            .iter()
            .filter_map(|l| l.series.last().and_then(|p| p.v))
            .reduce(f64::max);
        self.vcpus.value.set_label(&match busiest {
            Some(v) => gettext_f("Busiest: {}", &[&value_text(Unit::Percent, v)]),
            None => "—".to_string(),
        });
        self.vcpus.graph.set_lines(vcpus);

        self.memory
            .graph
            .set_lines(vec![line(SeriesKey::MemoryUsed, gettext("Used"))]);
        self.memory
            .value
            .set_label(&text(Unit::Bytes, last(SeriesKey::MemoryUsed)));

        let pair = |a: Option<f64>, b: Option<f64>, la: &str, lb: &str| match (a, b) {
            (None, None) => "—".to_string(),
            _ => gettext_f(
                "{} {} · {} {}",
                &[
                    la,
                    &text(Unit::BytesPerSecond, a),
                    lb,
                    &text(Unit::BytesPerSecond, b),
                ],
            ),
        };
        let (read, write) = (gettext("Read"), gettext("Write"));
        self.disk.graph.set_lines(vec![
            line(SeriesKey::DiskRead, read.clone()),
            line(SeriesKey::DiskWrite, write.clone()),
        ]);
        self.disk.value.set_label(&pair(
            last(SeriesKey::DiskRead),
            last(SeriesKey::DiskWrite),
            &read,
            &write,
        ));
        let (rx, tx) = (gettext("Received"), gettext("Sent"));
        self.net.graph.set_lines(vec![
            line(SeriesKey::NetRx, rx.clone()),
            line(SeriesKey::NetTx, tx.clone()),
        ]);
        self.net.value.set_label(&pair(
            last(SeriesKey::NetRx),
            last(SeriesKey::NetTx),
            &rx,
            &tx,
        ));
    }
}
