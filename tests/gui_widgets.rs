//! The graph and pinning matrix widgets under a real display (Xvfb): drawing in light and
//! dark styles, pointer and keyboard editing of the matrix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests may panic

mod support;

use std::path::PathBuf;
use std::sync::Once;

use gtk::prelude::*;
use hangar::session::series::{Series, Unit};
use hangar::widgets::graph::{GraphLine, HangarGraph, YMax};

fn setup() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: runs before any other thread of this test process reads the environment.
        unsafe {
            std::env::set_var("GSETTINGS_BACKEND", "memory");
        }
        hangar::init_resources().unwrap();
        hangar::init_style_without_app();
    });
}

fn pump() {
    support::drain();
}

fn set_dark(dark: bool) {
    adw::StyleManager::default().set_color_scheme(if dark {
        adw::ColorScheme::ForceDark
    } else {
        adw::ColorScheme::ForceLight
    });
    pump();
}

/// A window holding `child` at `w` × `h`, presented and laid out.
fn window_with(child: &impl IsA<gtk::Widget>, w: i32, h: i32) -> gtk::Window {
    let window = gtk::Window::new();
    window.set_default_size(w, h);
    window.set_child(Some(child));
    window.present();
    pump();
    window
}

/// Pixels of a rendered widget, row-major RGBA.
struct Image {
    w: i32,
    h: i32,
    px: Vec<u8>,
}

impl Image {
    fn at(&self, x: f64, y: f64) -> [u8; 4] {
        let (x, y) = (x as i32, y as i32);
        assert!(
            x >= 0 && y >= 0 && x < self.w && y < self.h,
            "({x}, {y}) outside"
        );
        let i = ((y * self.w + x) * 4) as usize;
        [self.px[i], self.px[i + 1], self.px[i + 2], self.px[i + 3]]
    }
}

fn shot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"))
}

/// Renders `widget` (with what is behind it when it is a window) and saves it as `name`.png.
fn render(widget: &impl IsA<gtk::Widget>, name: &str) -> Image {
    let paintable = gtk::WidgetPaintable::new(Some(widget));
    let (w, h) = (widget.width(), widget.height());
    assert!(w > 0 && h > 0, "widget not allocated: {w}x{h}");
    let snapshot = gtk::Snapshot::new();
    paintable.snapshot(&snapshot, f64::from(w), f64::from(h));
    let node = snapshot.to_node().expect("nothing drawn");
    let native = widget.native().expect("widget has no native");
    let texture = native
        .renderer()
        .expect("no renderer")
        .render_texture(&node, None);
    texture.save_to_png(shot_path(name)).unwrap();
    let mut px = vec![0u8; (w * h * 4) as usize];
    texture.download(&mut px, (w * 4) as usize);
    Image { w, h, px }
}

fn distance(a: [u8; 4], b: [u8; 4]) -> i32 {
    (0..3)
        .map(|i| (i32::from(a[i]) - i32::from(b[i])).abs())
        .sum()
}

fn cpu_series() -> Series {
    Series::from_points((0..600).map(|i| {
        let t = f64::from(i);
        let v = if (300..330).contains(&i) {
            None
        } else {
            Some(45.0 + 35.0 * (t / 40.0).sin())
        };
        (t, v)
    }))
}

fn disk_lines() -> Vec<GraphLine> {
    let read = Series::from_points((0..600).map(|i| {
        (
            f64::from(i),
            Some(2.0e6 + 1.5e6 * (f64::from(i) / 25.0).sin()),
        )
    }));
    let write = Series::from_points((0..600).map(|i| {
        (
            f64::from(i),
            Some(6.0e5 + 4.0e5 * (f64::from(i) / 60.0).cos()),
        )
    }));
    vec![GraphLine::new("Read", read), GraphLine::new("Write", write)]
}

#[gtk::test]
fn graph_draws_lines_in_light_and_dark() {
    setup();
    let mut backgrounds = Vec::new();
    for dark in [false, true] {
        set_dark(dark);
        let graph = HangarGraph::new();
        graph.set_series(cpu_series());
        graph.set_unit(Unit::Percent);
        graph.set_y_max(YMax::Fixed(100.0));
        let window = window_with(&graph, 600, 220);
        let style = if dark { "dark" } else { "light" };
        let img = render(&window, &format!("graph-cpu-{style}"));
        let g = graph.plot_geometry().expect("graph was drawn");
        assert!(
            g.right - g.left > 400.0 && g.bottom - g.top > 120.0,
            "{g:?}"
        );

        // The background far from any line (above the curve's maximum of 80 %).
        let bg = img.at(g.x_of(100.0), g.y_of(95.0) + 1.0);
        backgrounds.push(bg);
        // Where the line crosses t = 150.
        let v = 45.0 + 35.0 * (150.0f64 / 40.0).sin();
        let (x, y) = (g.x_of(150.0), g.y_of(v));
        let on_line = (-2..=2)
            .map(|dy| img.at(x, y + f64::from(dy)))
            .max_by_key(|p| distance(*p, bg))
            .unwrap();
        assert!(
            distance(on_line, bg) > 120,
            "{style}: line {on_line:?} too close to background {bg:?}"
        );
        // The plot area is not empty: many pixels differ from the background.
        let mut differing = 0;
        for yy in (g.top as i32 + 2)..(g.bottom as i32 - 2) {
            for xx in (g.left as i32 + 2)..(g.right as i32 - 2) {
                if distance(img.at(f64::from(xx), f64::from(yy)), bg) > 30 {
                    differing += 1;
                }
            }
        }
        assert!(differing > 5000, "{style}: only {differing} pixels drawn");
        // No line in the gap between t = 300 and 330, under it too.
        let gap = img.at(g.x_of(315.0), g.y_of(5.0));
        assert!(distance(gap, bg) < 30, "{style}: gap filled {gap:?}");
        window.destroy();
    }
    assert!(
        distance(backgrounds[0], backgrounds[1]) > 300,
        "light and dark backgrounds look alike: {backgrounds:?}"
    );
    set_dark(false);
}

#[gtk::test]
fn graph_two_lines_with_hover_readout() {
    setup();
    for dark in [false, true] {
        set_dark(dark);
        let graph = HangarGraph::new();
        graph.set_lines(disk_lines());
        graph.set_unit(Unit::BytesPerSecond);
        let window = window_with(&graph, 600, 220);
        let g = graph.plot_geometry().expect("graph was drawn");
        let style = if dark { "dark" } else { "light" };
        let before = render(&window, &format!("graph-disk-{style}"));
        let x = g.x_of(450.0);
        graph.pointer_motion(x, g.top + 20.0);
        pump();
        let text = graph.hover_text().expect("readout under the pointer");
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text[0].ends_with("ago"), "{text:?}");
        assert!(
            text[1].starts_with("Read: ") && text[1].ends_with("/s"),
            "{text:?}"
        );
        assert!(text[2].starts_with("Write: "), "{text:?}");
        let after = render(&window, &format!("graph-disk-hover-{style}"));
        // The marker and the readout box changed the pixels right of the pointer.
        let mut changed = 0;
        for yy in (g.top as i32 + 4)..(g.top as i32 + 50) {
            for xx in (x as i32)..(x as i32 + 100) {
                let (px, py) = (f64::from(xx), f64::from(yy));
                if distance(before.at(px, py), after.at(px, py)) > 40 {
                    changed += 1;
                }
            }
        }
        assert!(
            changed > 300,
            "{style}: readout changed only {changed} pixels"
        );
        graph.pointer_leave();
        assert!(graph.hover_text().is_none());
        window.destroy();
    }
    set_dark(false);
}

/// Draws `graph` offscreen at twice the pixel density and saves it as `name`.png.
fn render_hidpi(graph: &HangarGraph, w: f64, h: f64, name: &str) -> Image {
    let surface = gtk::cairo::ImageSurface::create(
        gtk::cairo::Format::ARgb32,
        (w * 2.0) as i32,
        (h * 2.0) as i32,
    )
    .unwrap();
    {
        let cr = gtk::cairo::Context::new(&surface).unwrap();
        // The light window background the graph sits on.
        cr.set_source_rgb(0.98, 0.98, 0.98);
        cr.paint().unwrap();
        cr.scale(2.0, 2.0);
        graph.draw_to(&cr, w, h, 2.0).unwrap();
    }
    surface.flush();
    let (sw, sh, stride) = (surface.width(), surface.height(), surface.stride());
    let data = surface.take_data().unwrap().to_vec();
    let bytes = gtk::glib::Bytes::from(&data);
    let texture = gtk::gdk::MemoryTexture::new(
        sw,
        sh,
        gtk::gdk::MemoryFormat::B8g8r8a8Premultiplied,
        &bytes,
        stride as usize,
    );
    texture.save_to_png(shot_path(name)).unwrap();
    let mut px = vec![0u8; (sw * sh * 4) as usize];
    texture.download(&mut px, (sw * 4) as usize);
    Image { w: sw, h: sh, px }
}

#[gtk::test]
fn graph_is_sharp_at_scale_2() {
    setup();
    set_dark(false);
    let graph = HangarGraph::new();
    graph.set_lines(disk_lines());
    graph.set_unit(Unit::BytesPerSecond);
    // In a window, so the graph has the theme's colours.
    let window = window_with(&graph, 600, 220);
    let img = render_hidpi(&graph, 600.0, 220.0, "graph-disk-scale2");
    let g = graph.plot_geometry().unwrap();
    // The vertical grid line two minutes before now covers one device column, not two
    // columns half each.
    let x = (g.x_of(599.0 - 120.0) * 2.0).round() as i32;
    let y = (g.top + 5.0) * 2.0;
    let bg = [250, 250, 250, 255];
    let strip: Vec<i32> = (x - 3..=x + 3)
        .map(|xx| distance(img.at(f64::from(xx), y), bg))
        .collect();
    assert!(strip.iter().any(|&d| d > 20), "no grid line: {strip:?}");
    assert_eq!(
        strip.iter().filter(|&&d| d > 3).count(),
        1,
        "blurred grid line: {strip:?}"
    );
    window.destroy();
}

#[gtk::test]
fn sparkline_draws_small() {
    setup();
    set_dark(false);
    let spark = HangarGraph::sparkline();
    spark.set_series(cpu_series());
    spark.set_y_max(YMax::Fixed(100.0));
    let bx = gtk::Box::new(gtk::Orientation::Horizontal, 0);
    spark.set_hexpand(true);
    bx.append(&spark);
    let window = window_with(&bx, 120, 32);
    let img = render(&window, "sparkline");
    let g = spark.plot_geometry().unwrap();
    let bg = img.at(1.0, 1.0);
    let lit = (0..img.w)
        .flat_map(|x| (0..img.h).map(move |y| (x, y)))
        .filter(|&(x, y)| distance(img.at(f64::from(x), f64::from(y)), bg) > 60)
        .count();
    assert!(lit > 100, "sparkline drew only {lit} pixels");
    assert!(g.right <= f64::from(img.w));
    window.destroy();
}

mod matrix {
    use std::cell::Cell;
    use std::rc::Rc;

    use gtk::glib::translate::IntoGlib;
    use gtk::prelude::*;
    use gtk::{gdk, glib, graphene};
    use hangar::widgets::pinning_matrix::{
        HangarPinningMatrix, HostTopology, PinningModel, RowKind,
    };

    use super::{Image, distance, pump, render, set_dark, setup, window_with};

    /// Two NUMA nodes, one socket each, four cores of two threads: CPUs 0-7 are first
    /// threads, 8-15 their siblings. Four vCPUs, the emulator and IOThread 1.
    fn matrix() -> (HangarPinningMatrix, gtk::Window, Rc<Cell<u32>>) {
        let topo = HostTopology::uniform(2, 1, 4, 2);
        let m = HangarPinningMatrix::with_model(PinningModel::new(&topo, 4, true, &[1]));
        let changes = Rc::new(Cell::new(0));
        let c = changes.clone();
        m.connect_changed(move |_| c.set(c.get() + 1));
        let (w, h) = m.natural_size();
        let window = window_with(&m, w as i32, h as i32);
        (m, window, changes)
    }

    fn center(m: &HangarPinningMatrix, r: &graphene::Rect) -> (f64, f64) {
        let _ = m;
        (
            f64::from(r.x() + r.width() / 2.0),
            f64::from(r.y() + r.height() / 2.0),
        )
    }

    /// The pixel at the centre of cell (row, col) in a render of `window`.
    fn cell_pixel(
        m: &HangarPinningMatrix,
        window: &gtk::Window,
        img: &Image,
        row: usize,
        col: usize,
    ) -> [u8; 4] {
        let (x, y) = center(m, &m.cell_rect(row, col).unwrap());
        // Off the running-CPU dot, which sits in the middle.
        let p = m
            .compute_point(
                window,
                &graphene::Point::new(x as f32 - 6.0, y as f32 - 6.0),
            )
            .unwrap();
        img.at(f64::from(p.x()), f64::from(p.y()))
    }

    fn controller<T: IsA<gtk::EventController> + IsA<glib::Object>>(m: &HangarPinningMatrix) -> T {
        let list = m.observe_controllers();
        (0..list.n_items())
            .filter_map(|i| list.item(i))
            .find_map(|o| o.downcast::<T>().ok())
            .expect("controller attached")
    }

    #[gtk::test]
    fn numa_nodes_group_columns() {
        setup();
        let (m, window, _) = matrix();
        let model = m.model();
        let cpus: Vec<u32> = model.columns().iter().map(|c| c.cpu).collect();
        assert_eq!(cpus, [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15]);
        let nodes = model.node_groups();
        assert_eq!(nodes.len(), 2);
        assert_eq!((nodes[1].start, nodes[1].len), (8, 8));
        assert!(model.columns()[..8].iter().all(|c| c.node == 0));
        drop(model);
        // The node boundary is wider than any gap inside a node.
        let x = |c: usize| m.cell_rect(0, c).unwrap().x();
        let in_node = (1..8).map(|c| x(c) - x(c - 1)).fold(0.0f32, f32::max);
        assert!(
            x(8) - x(7) > in_node,
            "node gap {} vs {in_node}",
            x(8) - x(7)
        );
        window.destroy();
    }

    #[gtk::test]
    fn click_toggles_a_cell_and_redraws_it() {
        setup();
        set_dark(false);
        let (m, window, changes) = matrix();
        let col = m.model().column_of_cpu(5).unwrap();
        let before = render(&window, "matrix-before-click");
        let allowed_px = cell_pixel(&m, &window, &before, 2, col);

        let (x, y) = center(&m, &m.cell_rect(2, col).unwrap());
        m.pointer_press(x, y);
        m.pointer_release();
        pump();
        assert!(!m.model().is_allowed(2, col));
        assert_eq!(m.row_text(2), "0-4,6-15");
        assert_eq!(changes.get(), 1);
        assert_eq!(m.focus_cell(), (2, col));
        let (label, description) = m.focus_label().unwrap();
        assert_eq!(label, "vCPU 2 on CPU 5: not allowed");
        assert_eq!(description, "vCPU 2 may run on CPUs 0-4,6-15");

        let after = render(&window, "matrix-after-click");
        let cleared_px = cell_pixel(&m, &window, &after, 2, col);
        assert!(
            distance(allowed_px, cleared_px) > 100,
            "cell still looks the same: {allowed_px:?} vs {cleared_px:?}"
        );
        // A neighbour did not change.
        assert_eq!(
            cell_pixel(&m, &window, &before, 1, col),
            cell_pixel(&m, &window, &after, 1, col)
        );
        window.destroy();
    }

    #[gtk::test]
    fn drag_paints_a_rectangle_through_the_gesture() {
        setup();
        let (m, window, changes) = matrix();
        let drag: gtk::GestureDrag = controller(&m);
        let (x0, y0) = center(&m, &m.cell_rect(0, 1).unwrap());
        let (x1, y1) = center(&m, &m.cell_rect(2, 4).unwrap());
        // The gesture's own signals, as GTK emits them for a real drag.
        drag.emit_by_name::<()>("drag-begin", &[&x0, &y0]);
        drag.emit_by_name::<()>("drag-update", &[&(x1 - x0), &(y1 - y0)]);
        let m_ref = m.model();
        for r in 0..3 {
            for c in 1..=4 {
                assert!(!m_ref.is_allowed(r, c), "({r}, {c}) not cleared");
            }
            assert!(m_ref.is_allowed(r, 0) && m_ref.is_allowed(r, 5));
        }
        assert!(m_ref.is_allowed(3, 2));
        drop(m_ref);
        // Shrinking the rectangle puts back what it no longer covers.
        let (x2, y2) = center(&m, &m.cell_rect(1, 2).unwrap());
        drag.emit_by_name::<()>("drag-update", &[&(x2 - x0), &(y2 - y0)]);
        assert!(m.model().is_allowed(2, 4) && m.model().is_allowed(0, 3));
        assert!(!m.model().is_allowed(1, 2));
        assert_eq!(changes.get(), 0, "changed comes when the drag ends");
        drag.emit_by_name::<()>("drag-end", &[&(x2 - x0), &(y2 - y0)]);
        assert_eq!(changes.get(), 1);
        // The first cell's new state decides: starting on a cleared cell paints.
        m.pointer_press(x0, y0);
        m.pointer_drag(x1 - x0, y1 - y0);
        m.pointer_release();
        assert!((0..3).all(|r| (1..=4).all(|c| m.model().is_allowed(r, c))));
        assert_eq!(changes.get(), 2);
        window.destroy();
    }

    #[gtk::test]
    fn headers_toggle_rows_and_columns() {
        setup();
        let (m, window, changes) = matrix();
        let (x, y) = center(&m, &m.row_header_rect(1).unwrap());
        m.pointer_press(x, y);
        m.pointer_release();
        assert_eq!(m.row_text(1), "");
        assert_eq!(m.validation().empty, [1]);
        let (x, y) = center(&m, &m.column_header_rect(3).unwrap());
        m.pointer_press(x, y);
        m.pointer_release();
        // Row 1 lacked the column: the column fills.
        assert!((0..6).all(|r| m.model().is_allowed(r, 3)));
        m.pointer_press(x, y);
        m.pointer_release();
        assert!(
            (0..6).all(|r| !m.model().is_allowed(r, 3)),
            "full column clears"
        );
        assert_eq!(m.row_text(1), "");
        assert_eq!(m.row_text(0), "0-8,10-15");
        assert_eq!(changes.get(), 3);
        window.destroy();
    }

    #[gtk::test]
    fn keyboard_moves_selects_and_toggles() {
        setup();
        let (m, window, changes) = matrix();
        let keys: gtk::EventControllerKey = controller(&m);
        let press = |key: gdk::Key, state: gdk::ModifierType| -> bool {
            keys.emit_by_name::<bool>("key-pressed", &[&key.into_glib(), &0u32, &state])
        };
        let none = gdk::ModifierType::empty();
        let shift = gdk::ModifierType::SHIFT_MASK;
        assert!(press(gdk::Key::Right, none));
        assert!(press(gdk::Key::Down, none));
        assert_eq!(m.focus_cell(), (1, 1));
        assert!(press(gdk::Key::space, none));
        assert!(!m.model().is_allowed(1, 1));
        assert_eq!(changes.get(), 1);
        assert_eq!(m.focus_label().unwrap().0, "vCPU 1 on CPU 8: not allowed");

        // Shift+arrows grow a selection from (1, 1) to (2, 3); space sets it to the
        // opposite of the first cell, which is now clear: allowed.
        m.key_press(gdk::Key::Left, none);
        m.key_press(gdk::Key::Up, none);
        m.key_press(gdk::Key::Down, none);
        m.key_press(gdk::Key::Right, none);
        assert_eq!(m.focus_cell(), (1, 1));
        for key in [gdk::Key::Right, gdk::Key::Right, gdk::Key::Down] {
            assert!(press(key, shift));
        }
        assert_eq!(m.selection(), Some(((1, 1), (2, 3))));
        // The opposite of the anchor (1, 1), cleared above: the selection becomes allowed.
        m.edit_model(|model| model.fill(1..=2, 1..=3, false));
        assert!(press(gdk::Key::space, none));
        assert!((1..=2).all(|r| (1..=3).all(|c| m.model().is_allowed(r, c))));
        assert!(press(gdk::Key::Escape, none));
        assert_eq!(m.selection(), None);
        assert!(!press(gdk::Key::Escape, none), "nothing left to cancel");
        assert!(!press(gdk::Key::a, none), "other keys pass on");
        // Edges hold the focus in the grid.
        m.key_press(gdk::Key::End, none);
        m.key_press(gdk::Key::Right, none);
        assert_eq!(m.focus_cell(), (2, 15));
        for _ in 0..10 {
            m.key_press(gdk::Key::Down, none);
        }
        assert_eq!(m.focus_cell().0, 5);
        assert_eq!(m.model().rows()[5], RowKind::IoThread(1));
        window.destroy();
    }

    #[gtk::test]
    fn screenshots_light_and_dark() {
        setup();
        for dark in [false, true] {
            set_dark(dark);
            let (m, window, _) = matrix();
            m.edit_model(|model| {
                model.one_to_one(2).unwrap();
                model.set_cpuset_text(3, "0-3,8-11").unwrap();
                model.set_cpuset_text(1, "").unwrap();
                model.set_cpuset_text(2, "3,12").unwrap();
                model.spread_over_node(1).ok();
                model.set_cpuset_text(0, "2").unwrap();
                model.set_cpuset_text(1, "").unwrap();
                model.set_cpuset_text(2, "3,12").unwrap();
                model.set_running_on(0, Some(2));
                model.set_running_on(3, Some(5));
            });
            m.grab_focus();
            m.key_press(gdk::Key::Down, gdk::ModifierType::empty());
            m.key_press(gdk::Key::Right, gdk::ModifierType::SHIFT_MASK);
            m.key_press(gdk::Key::Right, gdk::ModifierType::SHIFT_MASK);
            pump();
            let style = if dark { "dark" } else { "light" };
            let img = render(&window, &format!("pinning-matrix-{style}"));
            assert!(img.w > 300 && img.h > 100);
            let _ = glib::MainContext::default();
            window.destroy();
        }
        set_dark(false);
    }
}
