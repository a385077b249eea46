//! `HangarGraph`: a time-series graph of one or two lines (CPU, read/write, rx/tx) with
//! axes and a readout under the pointer, or a small sparkline for list rows.
//!
//! The chart is drawn by plotters on the cairo context of a snapshot node, in theme colours;
//! the sparkline is a single cairo path, cheap enough for a row per VM.

pub mod format;
pub mod hover;
pub mod render;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use crate::session::series::{Series, Unit};
pub use render::{Geometry, Palette};

/// One line of a graph: a label for the readout and its points.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphLine {
    /// A short name shown in the readout ("Read", "Sent"); may be empty.
    pub label: String,
    /// The points.
    pub series: Series,
}

impl GraphLine {
    /// A line named `label`.
    pub fn new(label: impl Into<String>, series: Series) -> GraphLine {
        GraphLine {
            label: label.into(),
            series,
        }
    }
}

/// The value at the top of the y axis.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum YMax {
    /// Just above the largest value in the window, rounded to a nice number.
    #[default]
    Auto,
    /// A fixed value, such as 100 for percentages.
    Fixed(f64),
}

mod imp {
    use std::cell::{Cell, RefCell};

    use gtk::prelude::*;
    use gtk::subclass::prelude::*;
    use gtk::{cairo, glib, graphene};

    use super::hover::Readout;
    use super::render::{self, Geometry, Scene};
    use super::{GraphLine, YMax};
    use crate::session::series::{DEFAULT_WINDOW_SECS, Unit};

    pub struct HangarGraph {
        pub lines: RefCell<Vec<GraphLine>>,
        pub unit: Cell<Unit>,
        pub y_max: Cell<YMax>,
        pub window: Cell<f64>,
        pub now: Cell<Option<f64>>,
        pub sparkline: Cell<bool>,
        pub pointer: Cell<Option<(f64, f64)>>,
        pub geometry: Cell<Option<Geometry>>,
    }

    impl Default for HangarGraph {
        fn default() -> Self {
            HangarGraph {
                lines: RefCell::default(),
                unit: Cell::new(Unit::Percent),
                y_max: Cell::new(YMax::Auto),
                window: Cell::new(DEFAULT_WINDOW_SECS),
                now: Cell::new(None),
                sparkline: Cell::new(false),
                pointer: Cell::new(None),
                geometry: Cell::new(None),
            }
        }
    }

    #[glib::object_subclass]
    impl ObjectSubclass for HangarGraph {
        const NAME: &'static str = "HangarGraph";
        type Type = super::HangarGraph;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("hangar-graph");
            klass.set_accessible_role(gtk::AccessibleRole::Img);
        }
    }

    impl ObjectImpl for HangarGraph {
        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            let motion = gtk::EventControllerMotion::new();
            motion.connect_enter(glib::clone!(
                #[weak]
                obj,
                move |_, x, y| obj.imp().on_motion(x, y)
            ));
            motion.connect_motion(glib::clone!(
                #[weak]
                obj,
                move |_, x, y| obj.imp().on_motion(x, y)
            ));
            motion.connect_leave(glib::clone!(
                #[weak]
                obj,
                move |_| obj.imp().on_leave()
            ));
            obj.add_controller(motion);
            // Redraw in the new colours when the system switches between light and dark.
            adw::StyleManager::default().connect_dark_notify(glib::clone!(
                #[weak]
                obj,
                move |_| obj.queue_draw()
            ));
        }
    }

    impl WidgetImpl for HangarGraph {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            let horizontal = orientation == gtk::Orientation::Horizontal;
            let (min, nat) = match (self.sparkline.get(), horizontal) {
                (true, true) => (32, 80),
                (true, false) => (12, 24),
                (false, true) => (160, 400),
                (false, false) => (80, 160),
            };
            (min, nat, -1, -1)
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            let obj = self.obj();
            let (w, h) = (obj.width(), obj.height());
            if w <= 0 || h <= 0 {
                return;
            }
            let bounds = graphene::Rect::new(0.0, 0.0, w as f32, h as f32);
            let cr = snapshot.append_cairo(&bounds);
            let scale = f64::from(obj.scale_factor());
            if let Err(e) = self.draw(&cr, f64::from(w), f64::from(h), scale) {
                tracing::warn!("graph not drawn: {e}");
            }
        }
    }

    impl HangarGraph {
        pub fn on_motion(&self, x: f64, y: f64) {
            self.pointer.set(Some((x, y)));
            self.obj().queue_draw();
        }

        pub fn on_leave(&self) {
            self.pointer.set(None);
            self.obj().queue_draw();
        }

        /// The time at the right edge: the set one, or the newest point's.
        pub fn now(&self) -> f64 {
            self.now.get().unwrap_or_else(|| {
                self.lines
                    .borrow()
                    .iter()
                    .filter_map(|l| l.series.last().map(|p| p.t))
                    .fold(0.0, f64::max)
            })
        }

        pub fn readout(&self) -> Option<Readout> {
            let (x, _) = self.pointer.get()?;
            let g = self.geometry.get()?;
            if self.sparkline.get() {
                return None;
            }
            Readout::at(&self.lines.borrow(), &g, x)
        }

        pub fn draw(
            &self,
            cr: &cairo::Context,
            w: f64,
            h: f64,
            scale: f64,
        ) -> Result<(), render::DrawError> {
            let obj = self.obj();
            let pal = super::palette(&*obj);
            let lines = self.lines.borrow();
            let scene = Scene {
                lines: &lines,
                unit: self.unit.get(),
                window: self.window.get(),
                now: self.now(),
                y_max: self.y_max.get(),
            };
            let g = if self.sparkline.get() {
                render::draw_sparkline(cr, (w, h), &scene, &pal)?
            } else {
                render::draw_chart(cr, (w, h), scale, &scene, &pal)?
            };
            self.geometry.set(Some(g));
            drop(lines);
            if let Some(readout) = self.readout() {
                super::hover::draw(cr, &readout, &g, self.unit.get(), &pal, scale)?;
            }
            Ok(())
        }
    }
}

glib::wrapper! {
    /// A time-series graph widget (CSS name `hangar-graph`).
    pub struct HangarGraph(ObjectSubclass<imp::HangarGraph>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for HangarGraph {
    fn default() -> Self {
        HangarGraph::new()
    }
}

impl HangarGraph {
    /// A full graph with axes and a readout under the pointer.
    pub fn new() -> HangarGraph {
        glib::Object::new()
    }

    /// A sparkline: the first line only, no axes, small.
    pub fn sparkline() -> HangarGraph {
        let g = HangarGraph::new();
        g.imp().sparkline.set(true);
        g.add_css_class("sparkline");
        g
    }

    /// Whether this graph is a sparkline.
    pub fn is_sparkline(&self) -> bool {
        self.imp().sparkline.get()
    }

    /// Replaces the lines (one or two; a third and more are drawn in the same colours).
    pub fn set_lines(&self, lines: Vec<GraphLine>) {
        self.imp().lines.replace(lines);
        self.update_description();
        self.queue_draw();
    }

    /// Shows one unlabelled line.
    pub fn set_series(&self, series: Series) {
        self.set_lines(vec![GraphLine::new("", series)]);
    }

    /// What the values measure, which decides how axis labels and the readout read.
    pub fn set_unit(&self, unit: Unit) {
        self.imp().unit.set(unit);
        self.update_description();
        self.queue_draw();
    }

    /// The unit of the values.
    pub fn unit(&self) -> Unit {
        self.imp().unit.get()
    }

    /// How many seconds the x axis spans (ten minutes by default).
    pub fn set_window_secs(&self, secs: f64) {
        if secs.is_finite() && secs > 0.0 {
            self.imp().window.set(secs);
            self.queue_draw();
        }
    }

    /// How many seconds the x axis spans.
    pub fn window_secs(&self) -> f64 {
        self.imp().window.get()
    }

    /// The value at the top of the y axis: automatic, or fixed (100 for percentages).
    pub fn set_y_max(&self, y_max: YMax) {
        self.imp().y_max.set(y_max);
        self.queue_draw();
    }

    /// The time at the right edge; `None` follows the newest point.
    pub fn set_now(&self, now: Option<f64>) {
        self.imp().now.set(now);
        self.queue_draw();
    }

    /// Where the plot area was last drawn, in widget coordinates.
    pub fn plot_geometry(&self) -> Option<Geometry> {
        self.imp().geometry.get()
    }

    /// The readout under the pointer, one string per line of text, if the pointer is over
    /// the plot.
    pub fn hover_text(&self) -> Option<Vec<String>> {
        let imp = self.imp();
        imp.readout().map(|r| r.text_lines(imp.unit.get()))
    }

    /// Moves the readout to `(x, y)` in widget coordinates, as the pointer does.
    pub fn pointer_motion(&self, x: f64, y: f64) {
        self.imp().on_motion(x, y);
    }

    /// Hides the readout, as the pointer leaving does.
    pub fn pointer_leave(&self) {
        self.imp().on_leave();
    }

    /// Draws the graph as it would appear at `width` × `height` logical pixels and
    /// `scale` device pixels per logical pixel, into any cairo context.
    pub fn draw_to(
        &self,
        cr: &gtk::cairo::Context,
        width: f64,
        height: f64,
        scale: f64,
    ) -> Result<(), Box<dyn std::error::Error>> {
        self.imp().draw(cr, width, height, scale)
    }

    fn update_description(&self) {
        let imp = self.imp();
        let unit = imp.unit.get();
        let text: Vec<String> = imp
            .lines
            .borrow()
            .iter()
            .filter_map(|l| {
                let v = l.series.last()?.v?;
                let value = format::value(unit, v);
                Some(if l.label.is_empty() {
                    value
                } else {
                    crate::i18n::gettext_f("{}: {}", &[&l.label, &value])
                })
            })
            .collect();
        self.update_property(&[gtk::accessible::Property::Description(&text.join(", "))]);
    }
}

/// The theme's colours for a widget: foreground, window background, accent and a second
/// line colour that reads well beside it, in light and dark styles alike.
#[allow(deprecated)] // StyleContext is the way to read colours on GTK 4.8.
pub fn palette(widget: &impl IsA<gtk::Widget>) -> Palette {
    use gtk::gdk::RGBA;
    let ctx = widget.style_context();
    let fg = ctx.color();
    let fg_light = 0.2126 * fg.red() + 0.7152 * fg.green() + 0.0722 * fg.blue() > 0.5;
    let dark = adw::StyleManager::default().is_dark() || fg_light;
    let pick = |name: &str, light: (u8, u8, u8), dark_rgb: (u8, u8, u8)| {
        ctx.lookup_color(name).unwrap_or_else(|| {
            let (r, g, b) = if dark { dark_rgb } else { light };
            RGBA::new(
                f32::from(r) / 255.0,
                f32::from(g) / 255.0,
                f32::from(b) / 255.0,
                1.0,
            )
        })
    };
    let accent = pick("accent_color", (0x1c, 0x71, 0xd8), (0x78, 0xae, 0xed));
    let second = if dark {
        pick("purple_1", (0xdc, 0x8a, 0xdd), (0xdc, 0x8a, 0xdd))
    } else {
        pick("purple_3", (0x91, 0x41, 0xac), (0x91, 0x41, 0xac))
    };
    let bg = pick("window_bg_color", (0xfa, 0xfa, 0xfa), (0x24, 0x24, 0x24));
    Palette {
        fg,
        bg,
        lines: [accent, second],
    }
}
