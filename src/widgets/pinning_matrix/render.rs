//! Where the pinning matrix puts its cells and headers, and drawing them with cairo.
//!
//! Every rectangle lies on whole logical pixels, so cells stay sharp at any integer scale.

use gtk::cairo;
use gtk::gdk::RGBA;

use super::model::{PinningModel, RowKind, Validation};
use crate::i18n::{gettext, gettext_f};

/// Side of a cell in logical pixels.
pub const CELL: f64 = 18.0;
const ROW_STEP: f64 = CELL + 2.0;
const ROW_HEADER_W: f64 = 96.0;
const NODE_BAND: f64 = 18.0;
const NUMBER_BAND: f64 = 18.0;
const CPUSET_GAP: f64 = 14.0;
const CPUSET_W: f64 = 170.0;
const FONT: &str = "sans-serif";

/// What lies under a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// The cell of a row and a column.
    Cell(usize, usize),
    /// A row's name.
    RowHeader(usize),
    /// A column's CPU number.
    ColumnHeader(usize),
    /// Nothing that reacts.
    Outside,
}

/// Positions of columns, rows and bands, in logical pixels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// Left edge of each column.
    pub col_x: Vec<f64>,
    /// Top edge of each row.
    pub row_y: Vec<f64>,
    /// Top of the band with node names.
    pub node_band_y: f64,
    /// Top of the band with CPU numbers.
    pub number_band_y: f64,
    /// Left edge of the cpuset texts.
    pub cpuset_x: f64,
    /// The whole matrix.
    pub width: f64,
    pub height: f64,
}

impl Layout {
    /// Lays out `model`: gaps between cores, wider ones between sockets and nodes, and a
    /// gap before the emulator and IOThread rows.
    pub fn new(model: &PinningModel) -> Layout {
        let cols = model.columns();
        let mut col_x = Vec::with_capacity(cols.len());
        let mut x = ROW_HEADER_W;
        for (i, c) in cols.iter().enumerate() {
            if let Some(p) = i.checked_sub(1).map(|j| cols[j]) {
                x += CELL
                    + if p.node != c.node {
                        12.0
                    } else if p.socket != c.socket {
                        7.0
                    } else if p.core_key != c.core_key || p.core != c.core {
                        3.0
                    } else {
                        1.0
                    };
            }
            col_x.push(x);
        }
        let grid_right = col_x.last().map_or(ROW_HEADER_W, |x| x + CELL);
        let mut row_y = Vec::with_capacity(model.rows().len());
        let mut y = NODE_BAND + NUMBER_BAND + 4.0;
        let mut prev_vcpu = true;
        for kind in model.rows() {
            let vcpu = matches!(kind, RowKind::Vcpu(_));
            if prev_vcpu && !vcpu && !row_y.is_empty() {
                y += 8.0;
            }
            prev_vcpu = vcpu;
            row_y.push(y);
            y += ROW_STEP;
        }
        let cpuset_x = grid_right + CPUSET_GAP;
        Layout {
            col_x,
            row_y,
            node_band_y: 0.0,
            number_band_y: NODE_BAND,
            cpuset_x,
            width: cpuset_x + CPUSET_W,
            height: y + 2.0,
        }
    }

    /// The rectangle `(x, y, w, h)` of a cell.
    pub fn cell_rect(&self, row: usize, col: usize) -> Option<(f64, f64, f64, f64)> {
        Some((*self.col_x.get(col)?, *self.row_y.get(row)?, CELL, CELL))
    }

    /// The rectangle of a row's name.
    pub fn row_header_rect(&self, row: usize) -> Option<(f64, f64, f64, f64)> {
        Some((0.0, *self.row_y.get(row)?, ROW_HEADER_W - 6.0, CELL))
    }

    /// The rectangle of a column's CPU number.
    pub fn column_header_rect(&self, col: usize) -> Option<(f64, f64, f64, f64)> {
        Some((*self.col_x.get(col)?, self.number_band_y, CELL, NUMBER_BAND))
    }

    fn col_at(&self, x: f64) -> Option<usize> {
        let i = self.col_x.partition_point(|&cx| cx <= x).checked_sub(1)?;
        (x < self.col_x[i] + CELL).then_some(i)
    }

    fn row_at(&self, y: f64) -> Option<usize> {
        let i = self.row_y.partition_point(|&ry| ry <= y).checked_sub(1)?;
        (y < self.row_y[i] + CELL).then_some(i)
    }

    /// What is at `(x, y)`; gaps between cells hit nothing.
    pub fn hit(&self, x: f64, y: f64) -> Hit {
        let in_number_band = y >= self.number_band_y && y < self.number_band_y + NUMBER_BAND;
        match (self.col_at(x), self.row_at(y)) {
            (Some(c), Some(r)) => Hit::Cell(r, c),
            (Some(c), None) if in_number_band => Hit::ColumnHeader(c),
            (None, Some(r)) if (0.0..ROW_HEADER_W).contains(&x) => Hit::RowHeader(r),
            _ => Hit::Outside,
        }
    }

    /// The cell nearest to `(x, y)`, for dragging past the edges.
    pub fn nearest_cell(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let near = |v: f64, starts: &[f64]| {
            let i = starts.partition_point(|&s| s <= v);
            match i {
                0 => (!starts.is_empty()).then_some(0),
                i if i == starts.len() => Some(i - 1),
                // Between two cells: the one whose span is closer.
                i if v - (starts[i - 1] + CELL) < starts[i] - v => Some(i - 1),
                i => Some(i),
            }
        };
        Some((near(y, &self.row_y)?, near(x, &self.col_x)?))
    }
}

/// Theme colours the matrix draws with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colors {
    pub fg: RGBA,
    /// The window background the matrix sits on.
    pub bg: RGBA,
    /// Allowed cells.
    pub accent_bg: RGBA,
    /// Marks on allowed cells.
    pub accent_fg: RGBA,
    pub error: RGBA,
    pub warning: RGBA,
}

/// The state to draw besides the model.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub model: &'a PinningModel,
    pub layout: &'a Layout,
    pub validation: &'a Validation,
    /// The keyboard focus cell, when focus should show.
    pub focus: Option<(usize, usize)>,
    /// The selected rectangle: rows and columns, inclusive.
    pub selection: Option<((usize, usize), (usize, usize))>,
}

/// `fg` at `alpha` over `bg`, as an opaque colour.
fn mix(fg: &RGBA, bg: &RGBA, alpha: f64) -> (f32, f32, f32) {
    let a = (f64::from(fg.alpha()) * alpha) as f32;
    let ch = |f: f32, b: f32| f * a + b * (1.0 - a);
    (
        ch(fg.red(), bg.red()),
        ch(fg.green(), bg.green()),
        ch(fg.blue(), bg.blue()),
    )
}

fn source(cr: &cairo::Context, c: &RGBA, alpha: f64) {
    cr.set_source_rgba(
        f64::from(c.red()),
        f64::from(c.green()),
        f64::from(c.blue()),
        f64::from(c.alpha()) * alpha,
    );
}

/// Draws the matrix at the layout's size.
pub fn draw(cr: &cairo::Context, v: &View<'_>, colors: &Colors) -> Result<(), cairo::Error> {
    let (m, l) = (v.model, v.layout);
    let cols = m.columns();

    // Cells: one path per look, each in an opaque colour, so cairo fills thousands of
    // boxes in three plain fills without blending.
    let plain = [
        (&colors.accent_bg, 1.0),
        (&colors.fg, 0.10),
        (&colors.fg, 0.03),
    ];
    for (look, (color, alpha)) in plain.into_iter().enumerate() {
        for (r, &y) in l.row_y.iter().enumerate() {
            for (c, &x) in l.col_x.iter().enumerate() {
                let cell_look = if m.is_allowed(r, c) {
                    0
                } else if cols[c].online {
                    1
                } else {
                    2
                };
                if cell_look == look {
                    cr.rectangle(x, y, CELL, CELL);
                }
            }
        }
        let c = mix(color, &colors.bg, alpha);
        cr.set_source_rgb(f64::from(c.0), f64::from(c.1), f64::from(c.2));
        cr.fill()?;
    }

    // Where each vCPU runs now: a dot.
    for (r, &y) in l.row_y.iter().enumerate() {
        if let Some(c) = m.running_on(r) {
            let x = l.col_x[c];
            cr.new_sub_path();
            cr.arc(
                x + CELL / 2.0,
                y + CELL / 2.0,
                3.5,
                0.0,
                std::f64::consts::TAU,
            );
            let dot = if m.is_allowed(r, c) {
                &colors.accent_fg
            } else {
                &colors.fg
            };
            source(cr, dot, 1.0);
            cr.fill()?;
        }
    }

    if let Some(((r0, c0), (r1, c1))) = v.selection
        && let (Some(a), Some(b)) = (l.cell_rect(r0, c0), l.cell_rect(r1, c1))
    {
        let (x, y) = (a.0 - 2.0, a.1 - 2.0);
        let (w, h) = (b.0 + CELL + 2.0 - x, b.1 + CELL + 2.0 - y);
        cr.rectangle(x, y, w, h);
        source(cr, &colors.accent_bg, 0.18);
        cr.fill()?;
        source(cr, &colors.accent_bg, 0.9);
        cr.set_line_width(1.0);
        cr.rectangle(x + 0.5, y + 0.5, w - 1.0, h - 1.0);
        cr.stroke()?;
    }
    if let Some((x, y, _, _)) = v.focus.and_then(|(r, c)| l.cell_rect(r, c)) {
        cr.set_line_width(2.0);
        cr.rectangle(x - 2.0, y - 2.0, CELL + 4.0, CELL + 4.0);
        source(cr, &colors.fg, 0.85);
        cr.stroke()?;
    }

    draw_text(cr, v, colors)
}

fn draw_text(cr: &cairo::Context, v: &View<'_>, colors: &Colors) -> Result<(), cairo::Error> {
    let (m, l) = (v.model, v.layout);
    let cols = m.columns();
    cr.select_font_face(FONT, cairo::FontSlant::Normal, cairo::FontWeight::Normal);

    // Node names over their columns, with a rule under them.
    cr.set_font_size(11.0);
    for g in m.node_groups() {
        let x0 = l.col_x[g.start];
        let x1 = l.col_x[g.start + g.len - 1] + CELL;
        let text = gettext_f("Node {}", &[&g.key.to_string()]);
        let ext = cr.text_extents(&text)?;
        source(cr, &colors.fg, 0.75);
        cr.move_to(
            (x0 + (x1 - x0 - ext.x_advance()) / 2.0).max(x0).round(),
            l.node_band_y + 12.0,
        );
        cr.show_text(&text)?;
        cr.rectangle(x0, l.node_band_y + NODE_BAND - 3.0, x1 - x0, 1.0);
        source(cr, &colors.fg, 0.3);
        cr.fill()?;
    }

    // CPU numbers: small enough that three digits fit a cell.
    cr.set_font_size(if cols.iter().any(|c| c.cpu >= 100) {
        8.5
    } else {
        10.0
    });
    // Digits share one width in the usual fonts: measure once per length.
    let mut widths: Vec<f64> = Vec::new();
    for (c, col) in cols.iter().enumerate() {
        let text = col.cpu.to_string();
        while widths.len() < text.len() {
            widths.push(cr.text_extents(&"0".repeat(widths.len() + 1))?.x_advance());
        }
        let advance = widths[text.len() - 1];
        source(cr, &colors.fg, if col.online { 0.7 } else { 0.3 });
        cr.move_to(
            l.col_x[c] + ((CELL - advance) / 2.0).round(),
            l.number_band_y + 13.0,
        );
        cr.show_text(&text)?;
    }

    // Row names and their cpusets.
    cr.set_font_size(11.0);
    for (r, kind) in m.rows().iter().enumerate() {
        let y = l.row_y[r] + 13.0;
        let empty = v.validation.empty.contains(&r);
        let spans = v.validation.cross_numa.contains(&r);
        let text = kind.label();
        let ext = cr.text_extents(&text)?;
        match (empty, spans) {
            (true, _) => source(cr, &colors.error, 1.0),
            (false, true) => source(cr, &colors.warning, 1.0),
            _ => source(cr, &colors.fg, 0.8),
        }
        cr.move_to((ROW_HEADER_W - 8.0 - ext.x_advance()).round(), y);
        cr.show_text(&text)?;

        let set = m.cpuset_string(r);
        let text = if empty { gettext("no CPU") } else { set };
        if !empty && !spans {
            source(cr, &colors.fg, 0.7);
        }
        cr.move_to(l.cpuset_x, y);
        cr.show_text(&elide(cr, &text, CPUSET_W - 4.0)?)?;
    }
    Ok(())
}

/// `text` cut to fit `width`, ending in "…" when cut.
fn elide(cr: &cairo::Context, text: &str, width: f64) -> Result<String, cairo::Error> {
    if cr.text_extents(text)?.x_advance() <= width {
        return Ok(text.to_string());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().chain(['…'].iter()).collect();
        if cr.text_extents(&candidate)?.x_advance() <= width {
            return Ok(candidate);
        }
    }
    Ok("…".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::pinning_matrix::model::HostTopology;

    #[test]
    fn layout_hits_cells_headers_and_gaps() {
        let m = PinningModel::new(&HostTopology::uniform(2, 1, 2, 2), 2, true, &[]);
        let l = Layout::new(&m);
        let (x, y, w, h) = l.cell_rect(1, 3).unwrap();
        assert_eq!(l.hit(x + w / 2.0, y + h / 2.0), Hit::Cell(1, 3));
        assert_eq!(
            l.hit(x + w + 0.5, y + 1.0),
            Hit::Outside,
            "gap between cores"
        );
        let (hx, hy, _, _) = l.column_header_rect(3).unwrap();
        assert_eq!(l.hit(hx + 2.0, hy + 2.0), Hit::ColumnHeader(3));
        let (rx, ry, _, _) = l.row_header_rect(2).unwrap();
        assert_eq!(l.hit(rx + 5.0, ry + 5.0), Hit::RowHeader(2));
        // Siblings sit 1 px apart, cores 3 px, nodes 12 px.
        assert_eq!(l.col_x[1] - l.col_x[0], CELL + 1.0);
        assert_eq!(l.col_x[2] - l.col_x[1], CELL + 3.0);
        assert_eq!(l.col_x[4] - l.col_x[3], CELL + 12.0);
        // The emulator row sits apart from the vCPUs.
        assert_eq!(l.row_y[2] - l.row_y[1], ROW_STEP + 8.0);
        assert_eq!(l.nearest_cell(-50.0, 1e6), Some((2, 0)));
        assert_eq!(l.nearest_cell(x + w + 0.4, y), Some((1, 3)));
    }
}
