//! `HangarSpiceMonitor`: one more monitor of a SPICE session (a display channel after the first,
//! such as a second head of a virtio-gpu or QXL card), shown scaled to fit. The session and its
//! first monitor belong to a [`SpiceDisplay`], which makes one of these for each further display
//! channel the server offers; keys typed into it go to the guest through that display (SPICE's
//! keyboard is the session's, not a monitor's), and so does the pointer, as positions on this
//! monitor while the guest takes positions (its agent runs); in server mouse mode the pointer
//! is relative and stays on the first monitor. While the guest's displays follow their widgets,
//! this widget's size is the monitor's, and the monitor is off while the widget is hidden.
//!
//! The picture is kept like the first monitor's: the channel's primary surface shown in place
//! by a [`Screen`], which keeps a copy of the last picture when the surface goes away.

use std::cell::{Cell, RefCell};

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;
use spice_client_glib::DisplayChannel;

use crate::widgets::screen::{self, Screen, scaling::Scaling};
use crate::widgets::spice_display::{SpiceDisplay, render};

mod imp {
    use super::*;

    #[derive(Default, glib::Properties)]
    #[properties(wrapper_type = super::SpiceMonitor)]
    pub struct SpiceMonitor {
        /// Which monitor of the session (1 for the second).
        #[property(get)]
        pub(super) number: Cell<u32>,
        /// Whether the monitor shows a picture (the guest drives it).
        #[property(get)]
        pub(super) shown: Cell<bool>,
        pub(super) picture: RefCell<Option<Screen>>,
        pub(super) display: glib::WeakRef<SpiceDisplay>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for SpiceMonitor {
        const NAME: &'static str = "HangarSpiceMonitor";
        type Type = super::SpiceMonitor;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_css_name("spice-monitor");
            klass.set_accessible_role(gtk::AccessibleRole::Img);
        }
    }

    #[glib::derived_properties]
    impl ObjectImpl for SpiceMonitor {
        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            obj.set_focusable(true);
            obj.set_focus_on_click(true);
            obj.set_overflow(gtk::Overflow::Hidden);
            obj.set_hexpand(true);
            obj.set_vexpand(true);
            let keys = gtk::EventControllerKey::new();
            let weak = obj.downgrade();
            keys.connect_key_pressed(move |_, keyval, keycode, _| {
                let sent = weak
                    .upgrade()
                    .and_then(|m| m.imp().display.upgrade())
                    .is_some_and(|d| d.process_key(keyval.into_glib(), keycode, true));
                if sent {
                    glib::Propagation::Stop
                } else {
                    glib::Propagation::Proceed
                }
            });
            let weak = obj.downgrade();
            keys.connect_key_released(move |_, keyval, keycode, _| {
                if let Some(d) = weak.upgrade().and_then(|m| m.imp().display.upgrade()) {
                    d.process_key(keyval.into_glib(), keycode, false);
                }
            });
            obj.add_controller(keys);
            let motion = gtk::EventControllerMotion::new();
            let weak = obj.downgrade();
            motion.connect_motion(move |_, x, y| {
                if let Some(m) = weak.upgrade() {
                    m.pointer(x, y, None);
                }
            });
            obj.add_controller(motion);
            let click = gtk::GestureClick::builder().button(0).build();
            let weak = obj.downgrade();
            click.connect_pressed(move |g, _, x, y| {
                if let Some(m) = weak.upgrade() {
                    m.grab_focus();
                    m.pointer(x, y, Some((g.current_button(), true)));
                }
            });
            let weak = obj.downgrade();
            click.connect_released(move |g, _, x, y| {
                if let Some(m) = weak.upgrade() {
                    m.pointer(x, y, Some((g.current_button(), false)));
                }
            });
            obj.add_controller(click);
        }
    }

    impl WidgetImpl for SpiceMonitor {
        fn measure(&self, orientation: gtk::Orientation, _for_size: i32) -> (i32, i32, i32, i32) {
            let size = self.picture.borrow().as_ref().map(Screen::size);
            screen::measure(self.obj().upcast_ref(), Scaling::Fit, size, orientation)
        }

        fn snapshot(&self, snapshot: &gtk::Snapshot) {
            let picture = self.picture.borrow();
            screen::draw(
                self.obj().upcast_ref(),
                snapshot,
                picture.as_ref(),
                Scaling::Fit,
                None,
            );
        }

        fn size_allocate(&self, width: i32, height: i32, baseline: i32) {
            self.parent_size_allocate(width, height, baseline);
            self.layout_changed();
        }

        fn map(&self) {
            self.parent_map();
            self.layout_changed();
        }

        fn unmap(&self) {
            self.parent_unmap();
            self.layout_changed();
        }
    }

    impl SpiceMonitor {
        /// The guest's displays may follow this widget's size and whether it is shown.
        fn layout_changed(&self) {
            if let Some(display) = self.display.upgrade() {
                display.monitor_layout_changed();
            }
        }
    }
}

use gtk::glib::translate::IntoGlib;

glib::wrapper! {
    /// A further monitor of a SPICE session.
    pub struct SpiceMonitor(ObjectSubclass<imp::SpiceMonitor>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl SpiceMonitor {
    /// Monitor `number` of `display`'s session, shown from `channel` (which the caller then
    /// connects).
    pub(crate) fn new(display: &SpiceDisplay, channel: &DisplayChannel, number: u32) -> Self {
        let obj: Self = glib::Object::new();
        let imp = obj.imp();
        imp.number.set(number);
        imp.display.set(Some(display));
        let weak = obj.downgrade();
        channel.connect_display_primary_create(move |c| {
            if let Some(m) = weak.upgrade() {
                m.on_primary_create(c);
            }
        });
        let weak = obj.downgrade();
        channel.connect_display_primary_destroy(move |_| {
            if let Some(m) = weak.upgrade() {
                m.on_primary_destroy();
            }
        });
        let weak = obj.downgrade();
        channel.connect_display_invalidate(move |c, x, y, w, h| {
            if let Some(m) = weak.upgrade() {
                m.on_invalidate(c, x, y, w, h);
            }
        });
        obj
    }

    fn on_primary_create(&self, channel: &DisplayChannel) {
        let picture = match render::primary_picture(channel, &self.display()) {
            Ok(Some(p)) => p,
            Ok(None) => return,
            Err(e) => {
                tracing::info!("monitor {}: {e}", self.number());
                return;
            }
        };
        self.imp().picture.replace(Some(picture));
        if !self.imp().shown.replace(true) {
            self.notify_shown();
        }
        self.queue_resize();
        self.queue_draw();
    }

    /// The primary surface goes away; the last picture stays until the next one.
    fn on_primary_destroy(&self) {
        render::keep_last_picture(self.imp().picture.borrow().as_ref());
        self.queue_draw();
    }

    fn on_invalidate(&self, channel: &DisplayChannel, x: i32, y: i32, w: i32, h: i32) {
        let picture = self.imp().picture.borrow();
        if picture
            .as_ref()
            .is_some_and(|p| render::take_invalidated(p, channel, (x, y, w, h)))
        {
            self.queue_draw();
        }
    }

    /// The pointer at widget point (`x`, `y`), with a button pressed or released if given:
    /// sent through the session's display as a position on this monitor.
    fn pointer(&self, x: f64, y: f64, button: Option<(u32, bool)>) {
        let size = self.framebuffer_size();
        let Some((placement, fw, fh)) = screen::placement(self.upcast_ref(), Scaling::Fit, size)
        else {
            return;
        };
        if let Some(display) = self.imp().display.upgrade() {
            let at = placement.framebuffer_point(x, y, fw, fh);
            display.monitor_pointer(self.number(), at, button);
        }
    }

    /// Handles a pointer move to widget coordinates (`x`, `y`).
    pub fn process_motion(&self, x: f64, y: f64) {
        self.pointer(x, y, None);
    }

    /// Handles a press or release of GDK `button` at widget coordinates (`x`, `y`).
    pub fn process_button(&self, button: u32, pressed: bool, x: f64, y: f64) {
        self.pointer(x, y, Some((button, pressed)));
    }

    /// The session ended: no picture.
    pub(crate) fn close(&self) {
        let imp = self.imp();
        imp.picture.replace(None);
        if imp.shown.replace(false) {
            self.notify_shown();
        }
        self.queue_draw();
    }

    /// Width and height of the monitor's picture, once shown.
    pub fn framebuffer_size(&self) -> Option<(u32, u32)> {
        self.imp().picture.borrow().as_ref().map(Screen::size)
    }

    /// The colour of the picture's pixel at (`x`, `y`).
    pub fn pixel(&self, x: u32, y: u32) -> Option<(u8, u8, u8)> {
        self.imp().picture.borrow().as_ref()?.rgb_at(x, y)
    }
}
