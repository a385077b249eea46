//! Drawing a graph on a cairo context: the full chart with plotters, the sparkline directly.
//!
//! The chart is laid out in device pixels (logical size times the scale factor) so lines and
//! text stay sharp on HiDPI screens, and shifted by half a pixel so one-pixel lines cover
//! whole pixels instead of smearing over two.

use gtk::cairo;
use gtk::gdk::RGBA;
use plotters::prelude::*;
use plotters_cairo::CairoBackend;

use super::format;
use super::{GraphLine, YMax};
use crate::session::series::Unit;

/// The font family of labels (cairo's toy text API resolves it through fontconfig).
pub const FONT_FAMILY: &str = "sans-serif";
/// Label size in logical pixels.
pub const FONT_SIZE: f64 = 11.0;

/// Colours a graph draws with, taken from the theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    /// Text and grid colour (the theme's foreground).
    pub fg: RGBA,
    /// Background of the readout box.
    pub bg: RGBA,
    /// Colours of the first and second line.
    pub lines: [RGBA; 2],
}

/// Everything a graph draws, independent of the widget.
#[derive(Debug, Clone, Copy)]
pub struct Scene<'a> {
    pub lines: &'a [GraphLine],
    pub unit: Unit,
    pub window: f64,
    pub now: f64,
    pub y_max: YMax,
}

/// Where the plot area ended up, in logical pixels, and what it spans.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    /// Time at the left and right edges.
    pub t0: f64,
    pub t1: f64,
    /// Value at the top edge.
    pub y_top: f64,
}

impl Geometry {
    /// The x position of time `t`.
    pub fn x_of(&self, t: f64) -> f64 {
        self.left + (t - self.t0) / (self.t1 - self.t0) * (self.right - self.left)
    }

    /// The y position of value `v` (clamped to the plot).
    pub fn y_of(&self, v: f64) -> f64 {
        let f = (v / self.y_top).clamp(0.0, 1.0);
        self.bottom - f * (self.bottom - self.top)
    }

    /// The time at x position `x`, if `x` is over the plot.
    pub fn t_at(&self, x: f64) -> Option<f64> {
        (x >= self.left && x <= self.right && self.right > self.left)
            .then(|| self.t0 + (x - self.left) / (self.right - self.left) * (self.t1 - self.t0))
    }
}

/// Why drawing failed (cairo refused an operation).
pub type DrawError = Box<dyn std::error::Error>;

/// The value at the top of the plot.
pub fn y_top(scene: &Scene<'_>) -> f64 {
    match scene.y_max {
        YMax::Fixed(v) if v.is_finite() && v > 0.0 => v,
        _ => {
            let from = scene.now - scene.window;
            let max = scene
                .lines
                .iter()
                .filter_map(|l| l.series.max_in(from, scene.now))
                .fold(0.0, f64::max);
            let floor = match scene.unit {
                Unit::Percent => 10.0,
                Unit::Bytes | Unit::BytesPerSecond => 1000.0,
                Unit::Count => 1.0,
            };
            let top = format::nice_ceil(max.max(floor));
            if scene.unit == Unit::Percent && max <= 100.0 {
                top.min(100.0)
            } else {
                top
            }
        }
    }
}

pub fn color(c: &RGBA, alpha: f64) -> RGBAColor {
    let ch = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    RGBAColor(
        ch(c.red()),
        ch(c.green()),
        ch(c.blue()),
        f64::from(c.alpha()) * alpha,
    )
}

/// Draws the chart with axes into `cr` over `(0, 0, width, height)`.
pub fn draw_chart(
    cr: &cairo::Context,
    (width, height): (f64, f64),
    scale: f64,
    scene: &Scene<'_>,
    pal: &Palette,
) -> Result<Geometry, DrawError> {
    cr.save()?;
    let result = chart_in_device_pixels(cr, (width, height), scale, scene, pal);
    cr.restore()?;
    result
}

fn chart_in_device_pixels(
    cr: &cairo::Context,
    (width, height): (f64, f64),
    scale: f64,
    scene: &Scene<'_>,
    pal: &Palette,
) -> Result<Geometry, DrawError> {
    let s = scale.max(1.0);
    cr.scale(1.0 / s, 1.0 / s);
    cr.translate(0.5, 0.5);
    let size = ((width * s).round() as u32, (height * s).round() as u32);
    let px = |v: f64| (v * s).round() as u32;

    let y_top = y_top(scene);
    let step = format::time_step(scene.window);
    let unit = scene.unit;
    let font_px = FONT_SIZE * s;
    let labels = color(&pal.fg, 0.7);
    let label_font = (FONT_FAMILY, font_px).into_font().color(&labels);

    // Room for the widest y label.
    cr.select_font_face(
        FONT_FAMILY,
        cairo::FontSlant::Normal,
        cairo::FontWeight::Normal,
    );
    cr.set_font_size(font_px);
    let mut label_w: f64 = 0.0;
    for f in [1.0, 0.8, 0.75, 0.6, 0.5, 0.4, 0.25, 0.2] {
        let ext = cr.text_extents(&format::value(unit, y_top * f))?;
        label_w = label_w.max(ext.x_advance());
    }

    let root = CairoBackend::new(cr, size)?.into_drawing_area();
    let x_range = -(scene.window / step)..0.0;
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(10.0))
        .margin_right(px(22.0))
        .margin_left(px(4.0))
        .margin_bottom(px(2.0))
        .x_label_area_size(px(FONT_SIZE + 10.0))
        .y_label_area_size((label_w + 8.0 * s).ceil() as u32)
        .build_cartesian_2d(x_range, 0.0..y_top)?;

    let x_fmt = |x: &f64| format::axis_time(*x, step);
    let y_fmt = |y: &f64| format::value(unit, *y);
    chart
        .configure_mesh()
        .x_labels(((width - 60.0) / 90.0).clamp(2.0, 7.0) as usize)
        .y_labels(((height - 40.0) / 28.0).clamp(2.0, 6.0) as usize)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(label_font)
        .bold_line_style(color(&pal.fg, 0.12).stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(color(&pal.fg, 0.35).stroke_width(1))
        .set_all_tick_mark_size(px(3.0))
        .draw()?;

    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let geometry = Geometry {
        left: f64::from(xs.start) / s,
        top: f64::from(ys.start) / s,
        right: f64::from(xs.end) / s,
        bottom: f64::from(ys.end) / s,
        t0: scene.now - scene.window,
        t1: scene.now,
        y_top,
    };

    // Lines stay inside the plot even where a point lies beyond the window.
    cr.save()?;
    cr.rectangle(
        f64::from(xs.start) - 0.5,
        f64::from(ys.start) - 0.5,
        f64::from(xs.end - xs.start),
        f64::from(ys.end - ys.start),
    );
    cr.clip();
    let runs: Vec<Vec<Vec<(f64, f64)>>> = scene
        .lines
        .iter()
        .map(|l| {
            l.series
                .segments()
                .into_iter()
                .map(|seg| {
                    seg.into_iter()
                        .map(|(t, v)| ((t - scene.now) / step, v.clamp(0.0, y_top)))
                        .collect()
                })
                .collect()
        })
        .collect();
    for (i, line_runs) in runs.iter().enumerate() {
        let fill = color(&pal.lines[i % 2], 0.16).filled();
        for run in line_runs {
            if let (Some(first), Some(last)) = (run.first(), run.last()) {
                let mut area = run.clone();
                area.push((last.0, 0.0));
                area.push((first.0, 0.0));
                chart.draw_series(std::iter::once(Polygon::new(area, fill)))?;
            }
        }
    }
    let line_w = (2.0 * s - 1.0).round().max(1.0) as u32;
    for (i, line_runs) in runs.into_iter().enumerate() {
        let style = color(&pal.lines[i % 2], 1.0).stroke_width(line_w);
        for run in line_runs {
            chart.draw_series(LineSeries::new(run, style))?;
        }
    }
    cr.restore()?;
    drop(chart);
    root.present()?;
    Ok(geometry)
}

/// Draws the first line alone, without axes, over `(0, 0, width, height)`.
pub fn draw_sparkline(
    cr: &cairo::Context,
    (width, height): (f64, f64),
    scene: &Scene<'_>,
    pal: &Palette,
) -> Result<Geometry, DrawError> {
    let pad = 1.5;
    let g = Geometry {
        left: 0.0,
        top: pad,
        right: width,
        bottom: height - pad,
        t0: scene.now - scene.window,
        t1: scene.now,
        y_top: y_top(scene),
    };
    let Some(line) = scene.lines.first() else {
        return Ok(g);
    };
    let c = &pal.lines[0];
    cr.save()?;
    cr.rectangle(0.0, 0.0, width, height);
    cr.clip();
    cr.set_line_width(1.5);
    cr.set_line_join(cairo::LineJoin::Round);
    for run in line.series.segments() {
        let (Some(first), Some(last)) = (run.first(), run.last()) else {
            continue;
        };
        cr.move_to(g.x_of(first.0), g.y_of(first.1));
        for &(t, v) in &run[1..] {
            cr.line_to(g.x_of(t), g.y_of(v));
        }
        let line_path = cr.copy_path()?;
        cr.line_to(g.x_of(last.0), height);
        cr.line_to(g.x_of(first.0), height);
        cr.close_path();
        cr.set_source_rgba(
            f64::from(c.red()),
            f64::from(c.green()),
            f64::from(c.blue()),
            0.2,
        );
        cr.fill()?;
        cr.append_path(&line_path);
        cr.set_source_rgba(
            f64::from(c.red()),
            f64::from(c.green()),
            f64::from(c.blue()),
            1.0,
        );
        cr.stroke()?;
    }
    cr.restore()?;
    Ok(g)
}
