//! The graph and pinning matrix widgets under a real display (Xvfb): drawing in light and
//! dark styles, pointer and keyboard editing of the matrix.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers of tests may panic

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
    let ctx = gtk::glib::MainContext::default();
    for _ in 0..100 {
        while ctx.iteration(false) {}
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
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
