//! The readout under the pointer: the values at the pointer's time, drawn as a marker line,
//! a dot on each line and a small box of text.

use gtk::cairo;

use super::GraphLine;
use super::format;
use super::render::{DrawError, FONT_FAMILY, FONT_SIZE, Geometry, Palette};
use crate::i18n::gettext_f;
use crate::session::series::{Point, Unit};

/// What the pointer points at: a time and each line's nearest point.
#[derive(Debug, Clone, PartialEq)]
pub struct Readout {
    /// The time under the pointer.
    pub t: f64,
    /// Seconds between that time and the right edge.
    pub ago: f64,
    /// Each line's label and nearest point (a gap when that line has none).
    pub values: Vec<(String, Option<Point>)>,
}

impl Readout {
    /// What the pointer points at, for an x position over the plot.
    pub fn at(lines: &[GraphLine], g: &Geometry, x: f64) -> Option<Readout> {
        let t = g.t_at(x)?;
        // The nearest point counts only when it is close to the pointer in time.
        let reach = (g.t1 - g.t0) / 60.0;
        let values = lines
            .iter()
            .map(|l| {
                let p = l.series.nearest(t).filter(|p| (p.t - t).abs() <= reach);
                (l.label.clone(), p)
            })
            .collect();
        Some(Readout {
            t,
            ago: g.t1 - t,
            values,
        })
    }

    /// The readout as lines of text: the time, then "Label: value" for each line.
    pub fn text_lines(&self, unit: Unit) -> Vec<String> {
        let time = self
            .values
            .iter()
            .find_map(|(_, p)| *p)
            .map_or(self.ago, |p| (self.t + self.ago - p.t).max(0.0));
        let mut out = vec![format::readout_time(time)];
        for (label, p) in &self.values {
            let value = match p.and_then(|p| p.v) {
                Some(v) => format::value(unit, v),
                None => "—".to_string(),
            };
            out.push(if label.is_empty() {
                value
            } else {
                gettext_f("{}: {}", &[label, &value])
            });
        }
        out
    }
}

/// Draws the marker line, the dots and the text box in logical pixels.
pub fn draw(
    cr: &cairo::Context,
    readout: &Readout,
    g: &Geometry,
    unit: Unit,
    pal: &Palette,
    scale: f64,
) -> Result<(), DrawError> {
    let s = scale.max(1.0);
    let snap = |v: f64| ((v * s).floor() + 0.5) / s;
    let x = snap(g.x_of(readout.t));
    let set = |c: &gtk::gdk::RGBA, a: f64| {
        cr.set_source_rgba(
            f64::from(c.red()),
            f64::from(c.green()),
            f64::from(c.blue()),
            f64::from(c.alpha()) * a,
        )
    };

    cr.save()?;
    cr.set_line_width(1.0 / s);
    set(&pal.fg, 0.5);
    cr.move_to(x, g.top);
    cr.line_to(x, g.bottom);
    cr.stroke()?;

    for (i, (_, p)) in readout.values.iter().enumerate() {
        let Some((t, v)) = p.and_then(|p| Some((p.t, p.v?))) else {
            continue;
        };
        cr.new_sub_path();
        cr.arc(g.x_of(t), g.y_of(v), 3.5, 0.0, std::f64::consts::TAU);
        set(&pal.lines[i % 2], 1.0);
        cr.fill_preserve()?;
        set(&pal.bg, 1.0);
        cr.set_line_width(1.5);
        cr.stroke()?;
    }

    let lines = readout.text_lines(unit);
    cr.select_font_face(
        FONT_FAMILY,
        cairo::FontSlant::Normal,
        cairo::FontWeight::Normal,
    );
    cr.set_font_size(FONT_SIZE);
    let fe = cr.font_extents()?;
    let line_h = fe.height().ceil();
    let mut text_w: f64 = 0.0;
    for l in &lines {
        text_w = text_w.max(cr.text_extents(l)?.x_advance());
    }
    let (pad, swatch) = (6.0, 10.0);
    let box_w = (text_w + 2.0 * pad + swatch).ceil();
    let box_h = (line_h * lines.len() as f64 + 2.0 * pad).ceil();
    // Beside the marker, on whichever side has room; never off the plot.
    let mut bx = x + 8.0;
    if bx + box_w > g.right {
        bx = x - 8.0 - box_w;
    }
    let bx = snap(bx.max(g.left)) - 0.5 / s;
    let by = snap(g.top + 4.0) - 0.5 / s;
    rounded_rect(cr, bx, by, box_w, box_h, 5.0);
    set(&pal.bg, 0.94);
    cr.fill_preserve()?;
    set(&pal.fg, 0.2);
    cr.set_line_width(1.0 / s);
    cr.stroke()?;

    for (i, l) in lines.iter().enumerate() {
        let baseline = by + pad + line_h * i as f64 + fe.ascent();
        if i > 0 {
            set(&pal.lines[(i - 1) % 2], 1.0);
            cr.rectangle(bx + pad, baseline - fe.ascent() * 0.7, 6.0, 6.0);
            cr.fill()?;
        }
        set(&pal.fg, if i == 0 { 0.7 } else { 1.0 });
        cr.move_to(bx + pad + if i == 0 { 0.0 } else { swatch }, baseline);
        cr.show_text(l)?;
    }
    cr.restore()?;
    Ok(())
}

fn rounded_rect(cr: &cairo::Context, x: f64, y: f64, w: f64, h: f64, r: f64) {
    use std::f64::consts::FRAC_PI_2;
    cr.new_sub_path();
    cr.arc(x + w - r, y + r, r, -FRAC_PI_2, 0.0);
    cr.arc(x + w - r, y + h - r, r, 0.0, FRAC_PI_2);
    cr.arc(x + r, y + h - r, r, FRAC_PI_2, 2.0 * FRAC_PI_2);
    cr.arc(x + r, y + r, r, 2.0 * FRAC_PI_2, 3.0 * FRAC_PI_2);
    cr.close_path();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::series::Series;

    #[test]
    fn readout_picks_nearby_points_only() {
        let g = Geometry {
            left: 0.0,
            top: 0.0,
            right: 600.0,
            bottom: 100.0,
            t0: 0.0,
            t1: 600.0,
            y_top: 100.0,
        };
        let lines = vec![
            GraphLine::new(
                "Read",
                Series::from_points([(100.0, Some(5.0)), (200.0, Some(7.0))]),
            ),
            GraphLine::new("Write", Series::from_points([(500.0, Some(1.0))])),
        ];
        let r = Readout::at(&lines, &g, 201.0).unwrap();
        assert_eq!(r.values[0].1.unwrap().v, Some(7.0));
        assert!(r.values[1].1.is_none(), "too far from the pointer");
        let text = r.text_lines(Unit::Percent);
        assert_eq!(text, ["6:40 ago", "Read: 7%", "Write: —"]);
        assert!(Readout::at(&lines, &g, 601.0).is_none());
    }
}
