//! Draw and update times of the graph and the pinning matrix, rendered offscreen.
//!
//! Run under a display: `xvfb-run -a cargo run --release --example widget_bench`.
//! Prints medians over many runs, each beside a peer: the graph beside the same picture
//! drawn with plain cairo calls, the matrix beside a naive one-fill-per-cell drawing.

use std::time::Instant;

use gtk::cairo;
use hangar::session::series::{Series, Unit};
use hangar::widgets::graph::{GraphLine, HangarGraph, YMax};
use hangar::widgets::pinning_matrix::{HangarPinningMatrix, HostTopology, PinningModel};

const RUNS: usize = 200;

fn median_ms(f: impl FnMut()) -> f64 {
    median_ms_after(|| {}, f)
}

/// Median time of `f`, each run preceded by an untimed `setup` (such as clearing).
fn median_ms_after(mut setup: impl FnMut(), mut f: impl FnMut()) -> f64 {
    // Warm caches (fonts, glyphs) first.
    for _ in 0..5 {
        setup();
        f();
    }
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            setup();
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn surface(
    w: f64,
    h: f64,
    scale: f64,
) -> Result<(cairo::ImageSurface, cairo::Context), cairo::Error> {
    let s = cairo::ImageSurface::create(
        cairo::Format::ARgb32,
        (w * scale) as i32,
        (h * scale) as i32,
    )?;
    let cr = cairo::Context::new(&s)?;
    cr.scale(scale, scale);
    Ok((s, cr))
}

fn clear(cr: &cairo::Context) {
    cr.save().ok();
    cr.set_operator(cairo::Operator::Clear);
    cr.paint().ok();
    cr.restore().ok();
}

fn points() -> Vec<(f64, f64)> {
    (0..600)
        .map(|i| {
            let t = f64::from(i);
            (t, 45.0 + 35.0 * (t / 40.0).sin())
        })
        .collect()
}

/// The same picture as the graph without plotters: grid, labels, filled area and line.
fn plain_cairo_graph(cr: &cairo::Context, w: f64, h: f64, pts: &[(f64, f64)]) {
    let (left, top, right, bottom) = (44.0, 10.0, w - 22.0, h - 24.0);
    let x_of = |t: f64| left + t / 600.0 * (right - left);
    let y_of = |v: f64| bottom - v / 100.0 * (bottom - top);
    cr.select_font_face(
        "sans-serif",
        cairo::FontSlant::Normal,
        cairo::FontWeight::Normal,
    );
    cr.set_font_size(11.0);
    cr.set_line_width(1.0);
    cr.set_source_rgba(0.0, 0.0, 0.0, 0.12);
    for i in 0..=5 {
        let y = (y_of(f64::from(i) * 20.0)).round() + 0.5;
        cr.move_to(left, y);
        cr.line_to(right, y);
    }
    for i in 0..=5 {
        let x = (x_of(f64::from(i) * 120.0)).round() + 0.5;
        cr.move_to(x, top);
        cr.line_to(x, bottom);
    }
    cr.stroke().ok();
    cr.set_source_rgba(0.0, 0.0, 0.0, 0.7);
    for i in 0..=5 {
        cr.move_to(4.0, y_of(f64::from(i) * 20.0) + 4.0);
        cr.show_text(&format!("{}%", i * 20)).ok();
        cr.move_to(x_of(f64::from(i) * 120.0) - 14.0, bottom + 15.0);
        cr.show_text(&format!("−{} min", 10 - i * 2)).ok();
    }
    cr.move_to(x_of(pts[0].0), y_of(pts[0].1));
    for &(t, v) in &pts[1..] {
        cr.line_to(x_of(t), y_of(v));
    }
    let line = cr.copy_path();
    cr.line_to(right, bottom);
    cr.line_to(left, bottom);
    cr.close_path();
    cr.set_source_rgba(0.2, 0.5, 0.9, 0.16);
    cr.fill().ok();
    if let Ok(line) = line {
        cr.append_path(&line);
    }
    cr.set_source_rgba(0.1, 0.45, 0.85, 1.0);
    cr.stroke().ok();
}

fn naive_cells(cr: &cairo::Context, m: &HangarPinningMatrix) {
    let model = m.model();
    for r in 0..model.rows().len() {
        for c in 0..model.columns().len() {
            if let Some(rect) = m.cell_rect(r, c) {
                cr.rectangle(
                    f64::from(rect.x()),
                    f64::from(rect.y()),
                    f64::from(rect.width()),
                    f64::from(rect.height()),
                );
                let a = if model.is_allowed(r, c) { 1.0 } else { 0.1 };
                cr.set_source_rgba(0.2, 0.5, 0.9, a);
                cr.fill().ok();
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    gtk::init()?;
    hangar::init_resources()?;
    hangar::init_style_without_app();
    println!("median of {RUNS} runs each (ms)\n");

    // Graph: 600 × 200 px, 600 points.
    let pts = points();
    let graph = HangarGraph::new();
    graph.set_series(Series::from_points(pts.iter().map(|&(t, v)| (t, Some(v)))));
    graph.set_unit(Unit::Percent);
    graph.set_y_max(YMax::Fixed(100.0));
    for scale in [1.0, 2.0] {
        let (_s, cr) = surface(600.0, 200.0, scale)?;
        let ours = median_ms_after(
            || clear(&cr),
            || {
                graph.draw_to(&cr, 600.0, 200.0, scale).ok();
            },
        );
        let peer = median_ms_after(|| clear(&cr), || plain_cairo_graph(&cr, 600.0, 200.0, &pts));
        println!(
            "graph 600x200, 600 points, scale {scale}: {ours:.3}  (plain cairo {peer:.3}, ratio {:.2}; target <= 2)",
            ours / peer
        );
    }
    let two = HangarGraph::new();
    let read = Series::from_points(pts.iter().map(|&(t, v)| (t, Some(v * 1e5))));
    let write = Series::from_points(pts.iter().map(|&(t, v)| (t, Some(v * 4e4))));
    two.set_lines(vec![
        GraphLine::new("Read", read),
        GraphLine::new("Write", write),
    ]);
    two.set_unit(Unit::BytesPerSecond);
    let (_s, cr) = surface(600.0, 200.0, 1.0)?;
    let ms = median_ms_after(
        || clear(&cr),
        || {
            two.draw_to(&cr, 600.0, 200.0, 1.0).ok();
        },
    );
    println!("graph 600x200, two lines of 600 points, bytes/s: {ms:.3}");
    let spark = HangarGraph::sparkline();
    spark.set_series(Series::from_points(pts.iter().map(|&(t, v)| (t, Some(v)))));
    let (_s, cr) = surface(80.0, 24.0, 1.0)?;
    let ms = median_ms_after(
        || clear(&cr),
        || {
            spark.draw_to(&cr, 80.0, 24.0, 1.0).ok();
        },
    );
    println!("sparkline 80x24, 600 points: {ms:.3}\n");

    // Pinning matrix: 256 host CPUs (2 nodes × 64 cores × 2 threads) × 64 vCPUs + emulator.
    let topo = HostTopology::uniform(2, 1, 64, 2);
    let matrix = HangarPinningMatrix::with_model(PinningModel::new(&topo, 64, true, &[]));
    matrix.edit_model(|m| m.one_to_one(0).ok());
    let (w, h) = matrix.natural_size();
    let (_s, cr) = surface(w, h, 1.0)?;
    let ours = median_ms_after(
        || clear(&cr),
        || {
            matrix.draw_to(&cr).ok();
        },
    );
    let peer = median_ms_after(|| clear(&cr), || naive_cells(&cr, &matrix));
    println!(
        "matrix 256 CPUs x 65 rows ({w:.0}x{h:.0} px), full draw: {ours:.3}  (naive cells only, one fill each: {peer:.3}, ratio {:.2}; target <= 8)",
        ours / peer
    );

    let cell = |r: usize, c: usize| {
        matrix.cell_rect(r, c).map_or((0.0, 0.0), |rect| {
            (
                f64::from(rect.x() + rect.width() / 2.0),
                f64::from(rect.y() + rect.height() / 2.0),
            )
        })
    };
    let (x, y) = cell(10, 20);
    let toggle = median_ms(|| {
        matrix.pointer_press(x, y);
        matrix.pointer_release();
    });
    let toggle_draw = median_ms(|| {
        matrix.pointer_press(x, y);
        matrix.pointer_release();
        matrix.draw_to(&cr).ok();
    });
    println!("matrix toggle (click): {toggle:.3}, with redraw {toggle_draw:.3}  (target <= 16)");

    let (x1, y1) = cell(40, 200);
    let (x2, y2) = cell(41, 201);
    matrix.pointer_press(x, y);
    let mut flip = false;
    let step = median_ms(|| {
        flip = !flip;
        let (tx, ty) = if flip { (x1, y1) } else { (x2, y2) };
        matrix.pointer_drag(tx - x, ty - y);
    });
    let step_draw = median_ms(|| {
        flip = !flip;
        let (tx, ty) = if flip { (x1, y1) } else { (x2, y2) };
        matrix.pointer_drag(tx - x, ty - y);
        matrix.draw_to(&cr).ok();
    });
    matrix.pointer_release();
    println!(
        "matrix drag step (31x181 rectangle): {step:.3}, with redraw {step_draw:.3}  (target <= 16)"
    );
    Ok(())
}
