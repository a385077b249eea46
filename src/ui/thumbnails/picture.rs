//! A VM's thumbnail as a widget: shows the VM object's latest thumbnail and keeps a [`Watch`]
//! on the VM while the widget is mapped and the VM runs. The picture inside is made when the
//! first screen arrives: most rows show a VM that does not run, and a list builds many rows at
//! once.

use std::cell::RefCell;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::Watch;
use crate::session::model::VmState;
use crate::ui::vm_list::VmObject;

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct ThumbnailPicture {
        /// Made when the first screen arrives.
        pub picture: RefCell<Option<gtk::Picture>>,
        pub vm: RefCell<Option<(VmObject, glib::SignalHandlerId)>>,
        pub watch: RefCell<Option<Watch>>,
        /// Whether it shows the row-sized thumbnail.
        pub small: std::cell::Cell<bool>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for ThumbnailPicture {
        const NAME: &'static str = "HangarThumbnailPicture";
        type Type = super::ThumbnailPicture;
        type ParentType = gtk::Widget;

        fn class_init(klass: &mut Self::Class) {
            klass.set_layout_manager_type::<gtk::BinLayout>();
            klass.set_css_name("thumbnail");
        }
    }

    impl ObjectImpl for ThumbnailPicture {
        fn dispose(&self) {
            self.obj().set_vm(None);
            if let Some(picture) = self.picture.take() {
                picture.unparent();
            }
        }
    }

    impl WidgetImpl for ThumbnailPicture {
        fn map(&self) {
            self.parent_map();
            self.obj().update_watch();
        }

        fn unmap(&self) {
            self.watch.take();
            self.parent_unmap();
        }
    }
}

glib::wrapper! {
    /// A running VM's screen, small; nothing for a VM that does not run.
    pub struct ThumbnailPicture(ObjectSubclass<imp::ThumbnailPicture>)
        @extends gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget;
}

impl ThumbnailPicture {
    /// A picture of `width` × `height` pixels (the screen fits inside, keeping its shape).
    pub fn new(width: i32, height: i32) -> Self {
        let obj: Self = glib::Object::new();
        obj.set_size_request(width, height);
        obj.imp()
            .small
            .set(width <= super::ROW_WIDTH as i32 && height <= super::ROW_HEIGHT as i32);
        obj
    }

    /// Shows `vm`'s screen (or nothing).
    pub fn set_vm(&self, vm: Option<&VmObject>) {
        let imp = self.imp();
        if imp.vm.borrow().as_ref().map(|(v, _)| v) == vm {
            self.update_watch();
            return;
        }
        if let Some((old, handler)) = imp.vm.take() {
            old.disconnect(handler);
        }
        imp.watch.take();
        if let Some(vm) = vm {
            let this = self.downgrade();
            let handler = vm.connect_notify_local(None, move |_, pspec| {
                let Some(this) = this.upgrade() else { return };
                match pspec.name() {
                    "thumbnail" => this.show_current(),
                    "state" => this.update_watch(),
                    _ => {}
                }
            });
            imp.vm.replace(Some((vm.clone(), handler)));
        }
        self.show_current();
        self.update_watch();
    }

    /// The VM shown.
    pub fn vm(&self) -> Option<VmObject> {
        self.imp().vm.borrow().as_ref().map(|(v, _)| v.clone())
    }

    /// Whether a screen is shown.
    pub fn has_picture(&self) -> bool {
        self.imp()
            .picture
            .borrow()
            .as_ref()
            .is_some_and(|p| p.paintable().is_some())
    }

    fn show_current(&self) {
        let small = self.imp().small.get();
        let texture = self.vm().and_then(|vm| {
            if small {
                vm.small_thumbnail()
            } else {
                vm.thumbnail()
            }
        });
        let cell = &self.imp().picture;
        if cell.borrow().is_none() {
            if texture.is_none() {
                return;
            }
            let picture = gtk::Picture::new();
            picture.set_can_shrink(true);
            picture.set_content_fit(gtk::ContentFit::Contain);
            picture.set_parent(self);
            cell.replace(Some(picture));
        }
        let picture = cell.borrow();
        let Some(picture) = picture.as_ref() else {
            return;
        };
        if picture.paintable().as_ref() != texture.as_ref().map(|t| t.upcast_ref()) {
            picture.set_paintable(texture.as_ref());
        }
    }

    /// Watches the VM while mapped and running; drops the watch otherwise.
    fn update_watch(&self) {
        let imp = self.imp();
        let want = self
            .vm()
            .filter(|vm| self.is_mapped() && vm.vm_state() == VmState::Running);
        match want {
            Some(vm) if imp.watch.borrow().is_none() => {
                imp.watch.replace(Some(super::watch(self, &vm)));
            }
            Some(_) => {}
            None => {
                imp.watch.take();
            }
        }
    }
}
