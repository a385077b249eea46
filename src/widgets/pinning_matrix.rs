//! `HangarPinningMatrix`: which host CPUs each vCPU (and the emulator and IOThreads) may
//! run on, as a grid to click, drag and walk with the keyboard.
//!
//! Rows are vCPUs, then the emulator and IOThreads; columns are host CPUs grouped by NUMA
//! node, socket and core, SMT siblings side by side. The data lives in [`PinningModel`]
//! (pure, tested on its own); [`render`] lays out and draws it; [`input`] turns pointer
//! and key events into edits. Every edit made in the widget emits `changed`.

pub mod input;
pub mod model;
pub mod render;

use std::cell::Ref;

use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gdk, glib, graphene};

pub use model::{HostCpu, HostTopology, PinError, PinningModel, RowKind, Validation};
pub use render::{Colors, Hit, Layout};

mod imp {
    use std::cell::{Cell, RefCell};
    use std::sync::OnceLock;

    use gtk::prelude::*;
    use gtk::subclass::prelude::*;
    use gtk::{gdk, glib, graphene};

    use super::input::{Drag, rect};
    use super::model::PinningModel;
    use super::render::{self, Layout, View};

    #[derive(Default)]
    pub struct HangarPinningMatrix {
        pub(super) model: RefCell<PinningModel>,
        pub(super) layout: RefCell<Layout>,
        pub(super) focus: Cell<(usize, usize)>,
        pub(super) anchor: Cell<Option<(usize, usize)>>,
        pub(super) drag: RefCell<Option<Drag>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for HangarPinningMatrix {
        const NAME: &'static str = "HangarPinningMatrix";
        type Type = super::HangarPinningMatrix;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("hangar-pinning-matrix");
            klass.set_accessible_role(gtk::AccessibleRole::Grid);
        }
    }

    impl ObjectImpl for HangarPinningMatrix {
        fn signals() -> &'static [glib::subclass::Signal] {
            static SIGNALS: OnceLock<Vec<glib::subclass::Signal>> = OnceLock::new();
            SIGNALS.get_or_init(|| vec![glib::subclass::Signal::builder("changed").build()])
        }

        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            obj.set_focusable(true);
            obj.set_focus_on_click(true);

            let drag = gtk::GestureDrag::new();
            drag.set_button(gdk::BUTTON_PRIMARY);
            drag.connect_drag_begin(glib::clone!(
                #[weak]
                obj,
                move |_, x, y| obj.imp().on_press(x, y)
            ));
            drag.connect_drag_update(glib::clone!(
                #[weak]
                obj,
                move |_, dx, dy| obj.imp().on_drag_update(dx, dy)
            ));
            drag.connect_drag_end(glib::clone!(
                #[weak]
                obj,
                move |_, _, _| obj.imp().on_drag_end()
            ));
            obj.add_controller(drag);

            let keys = gtk::EventControllerKey::new();
            keys.connect_key_pressed(glib::clone!(
                #[weak]
                obj,
                #[upgrade_or]
                glib::Propagation::Proceed,
                move |_, key, _, state| obj.imp().on_key(key, state)
            ));
            obj.add_controller(keys);

            let focus = gtk::EventControllerFocus::new();
            focus.connect_enter(glib::clone!(
                #[weak]
                obj,
                move |_| obj.queue_draw()
            ));
            focus.connect_leave(glib::clone!(
                #[weak]
                obj,
                move |_| obj.queue_draw()
            ));
            obj.add_controller(focus);

            adw::StyleManager::default().connect_dark_notify(glib::clone!(
                #[weak]
                obj,
                move |_| obj.queue_draw()
            ));
        }
    }

    impl WidgetImpl for HangarPinningMatrix {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            let l = self.layout.borrow();
            let size = if orientation == gtk::Orientation::Horizontal {
                l.width
            } else {
                l.height
            };
            let size = size.ceil() as i32;
            (size, size, -1, -1)
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            let obj = self.obj();
            let (w, h) = (obj.width(), obj.height());
            if w <= 0 || h <= 0 {
                return;
            }
            let cr = snapshot.append_cairo(&graphene::Rect::new(0.0, 0.0, w as f32, h as f32));
            if let Err(e) = self.draw(&cr) {
                tracing::warn!("pinning matrix not drawn: {e}");
            }
        }
    }

    impl HangarPinningMatrix {
        pub fn draw(&self, cr: &gtk::cairo::Context) -> Result<(), gtk::cairo::Error> {
            let obj = self.obj();
            let colors = super::colors(&*obj);
            let model = self.model.borrow();
            let layout = self.layout.borrow();
            let validation = model.validate();
            let focus = self.focus.get();
            let view = View {
                model: &model,
                layout: &layout,
                validation: &validation,
                focus: obj.has_focus().then_some(focus),
                selection: self.anchor.get().map(|a| rect(a, focus)),
            };
            render::draw(cr, &view, &colors)
        }
    }
}

glib::wrapper! {
    /// The vCPU pinning grid (CSS name `hangar-pinning-matrix`).
    pub struct HangarPinningMatrix(ObjectSubclass<imp::HangarPinningMatrix>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl Default for HangarPinningMatrix {
    fn default() -> Self {
        HangarPinningMatrix::new()
    }
}

fn to_rect((x, y, w, h): (f64, f64, f64, f64)) -> graphene::Rect {
    graphene::Rect::new(x as f32, y as f32, w as f32, h as f32)
}

impl HangarPinningMatrix {
    /// An empty matrix; give it a model with [`set_model`](Self::set_model).
    pub fn new() -> HangarPinningMatrix {
        glib::Object::new()
    }

    /// A matrix showing `model`.
    pub fn with_model(model: PinningModel) -> HangarPinningMatrix {
        let m = HangarPinningMatrix::new();
        m.set_model(model);
        m
    }

    /// Replaces what the matrix shows (not an edit: `changed` is not emitted).
    pub fn set_model(&self, model: PinningModel) {
        let imp = self.imp();
        imp.layout.replace(Layout::new(&model));
        imp.model.replace(model);
        imp.anchor.set(None);
        imp.drag.replace(None);
        imp.focus.set((0, 0));
        imp.refresh(false);
        self.queue_resize();
    }

    /// The model as it stands. Do not hold on to it across edits.
    pub fn model(&self) -> Ref<'_, PinningModel> {
        self.imp().model.borrow()
    }

    /// Changes the model from code, such as a bulk action's button (emits `changed`, as
    /// the user asked for it).
    pub fn edit_model<R>(&self, edit: impl FnOnce(&mut PinningModel) -> R) -> R {
        let imp = self.imp();
        let out = edit(&mut imp.model.borrow_mut());
        imp.refresh(true);
        out
    }

    /// Sets a row's CPUs from text like `0-3,8`, as typed by the user; emits `changed`.
    pub fn set_row_text(&self, row: usize, text: &str) -> Result<(), PinError> {
        let imp = self.imp();
        imp.model.borrow_mut().set_cpuset_text(row, text)?;
        imp.refresh(true);
        Ok(())
    }

    /// A row's CPUs as text, such as `0-3,8`.
    pub fn row_text(&self, row: usize) -> String {
        self.imp().model.borrow().cpuset_string(row)
    }

    /// Marks the host CPU a row runs on now (`None`: not running); not an edit.
    pub fn set_running_on(&self, row: usize, cpu: Option<u32>) {
        self.imp().model.borrow_mut().set_running_on(row, cpu);
        self.queue_draw();
    }

    /// Rows without CPUs and vCPUs spanning NUMA nodes.
    pub fn validation(&self) -> Validation {
        self.imp().model.borrow().validate()
    }

    /// The keyboard focus cell (row, column).
    pub fn focus_cell(&self) -> (usize, usize) {
        self.imp().focus.get()
    }

    /// The selected rectangle, as its top-left and bottom-right cells.
    pub fn selection(&self) -> Option<((usize, usize), (usize, usize))> {
        let imp = self.imp();
        imp.anchor.get().map(|a| input::rect(a, imp.focus.get()))
    }

    /// The accessible label and description of the focus cell.
    pub fn focus_label(&self) -> Option<(String, String)> {
        self.imp().focus_label()
    }

    /// Where a cell is, in widget coordinates.
    pub fn cell_rect(&self, row: usize, col: usize) -> Option<graphene::Rect> {
        self.imp().layout.borrow().cell_rect(row, col).map(to_rect)
    }

    /// Where a row's name is.
    pub fn row_header_rect(&self, row: usize) -> Option<graphene::Rect> {
        self.imp().layout.borrow().row_header_rect(row).map(to_rect)
    }

    /// Where a column's CPU number is.
    pub fn column_header_rect(&self, col: usize) -> Option<graphene::Rect> {
        self.imp()
            .layout
            .borrow()
            .column_header_rect(col)
            .map(to_rect)
    }

    /// A primary button press at `(x, y)`, as the drag gesture reports it.
    pub fn pointer_press(&self, x: f64, y: f64) {
        self.imp().on_press(x, y);
    }

    /// The pointer moved `(dx, dy)` from the press with the button held.
    pub fn pointer_drag(&self, dx: f64, dy: f64) {
        self.imp().on_drag_update(dx, dy);
    }

    /// The button was released.
    pub fn pointer_release(&self) {
        self.imp().on_drag_end();
    }

    /// A key press, as the key controller reports it; returns whether it was handled.
    pub fn key_press(&self, key: gdk::Key, state: gdk::ModifierType) -> bool {
        self.imp().on_key(key, state) == glib::Propagation::Stop
    }

    /// Calls `f` after each edit made in the widget.
    pub fn connect_changed<F: Fn(&Self) + 'static>(&self, f: F) -> glib::SignalHandlerId {
        self.connect_local("changed", false, move |values| {
            if let Some(Ok(obj)) = values.first().map(|v| v.get::<Self>()) {
                f(&obj);
            }
            None
        })
    }

    /// The matrix's full size in logical pixels.
    pub fn natural_size(&self) -> (f64, f64) {
        let l = self.imp().layout.borrow();
        (l.width, l.height)
    }

    /// Draws the matrix into any cairo context at its natural size.
    pub fn draw_to(&self, cr: &gtk::cairo::Context) -> Result<(), gtk::cairo::Error> {
        self.imp().draw(cr)
    }
}

/// The theme's colours for the matrix, readable in light and dark styles.
#[allow(deprecated)] // StyleContext is the way to read colours on GTK 4.8.
pub fn colors(widget: &impl IsA<gtk::Widget>) -> Colors {
    let ctx = widget.style_context();
    let fg = ctx.color();
    let dark = adw::StyleManager::default().is_dark()
        || 0.2126 * fg.red() + 0.7152 * fg.green() + 0.0722 * fg.blue() > 0.5;
    let pick = |name: &str, light: u32, dark_rgb: u32| {
        ctx.lookup_color(name).unwrap_or_else(|| {
            let v = if dark { dark_rgb } else { light };
            let ch = |shift: u32| ((v >> shift) & 0xff) as f32 / 255.0;
            gdk::RGBA::new(ch(16), ch(8), ch(0), 1.0)
        })
    };
    Colors {
        fg,
        bg: pick("window_bg_color", 0xfafafa, 0x242424),
        accent_bg: pick("accent_bg_color", 0x3584e4, 0x3584e4),
        accent_fg: pick("accent_fg_color", 0xffffff, 0xffffff),
        error: pick("error_color", 0xc01c28, 0xff7b63),
        warning: pick("warning_color", 0x9c6e03, 0xf8e45c),
    }
}
