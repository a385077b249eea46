//! The storage page's controls: the pool and volume action buttons, the new-pool form, the
//! forms for a new volume and a volume's new size, the volume tools, the activity bar, the XML
//! tab and the layout.

use adw::prelude::*;
use relm4::Sender;

use super::activity::ActivityBar;
use super::ops::{NewVolume, PoolEntry, VolumeEntry, format_size};
use super::page::StoragePageMsg;
use super::pool_form::PoolForm;
use super::rows::{state_label, usage_label};
use super::volume_tools::VolumeTools;
use crate::i18n::{gettext, gettext_f};
use crate::ui::storage::ops::PoolOp;
use crate::ui::xml_pane::XmlPane;
use virt_xml::builder::PoolSpec;

/// The formats a new volume can have, as the format list shows them.
pub const FORMATS: [&str; 2] = ["qcow2", "raw"];

/// The page's buttons and form fields (a clone shares them).
#[derive(Debug, Clone)]
pub struct Forms {
    /// Starts the selected pool.
    pub start: gtk::Button,
    /// Stops it.
    pub stop: gtk::Button,
    /// Rescans its volumes.
    pub refresh: gtk::Button,
    /// Deletes its storage.
    pub delete_pool: gtk::Button,
    /// Removes its definition.
    pub undefine: gtk::Button,
    /// The selected pool's heading and summary.
    pub pool_title: gtk::Label,
    /// Type, path, state and space of the selected pool.
    pub pool_summary: gtk::Label,
    /// A new pool's name.
    pub pool_name: adw::EntryRow,
    /// The new pool's form.
    pub pool_form: PoolForm,
    /// A new pool's target path.
    pub pool_path: adw::EntryRow,
    /// Creates the pool.
    pub create_pool: gtk::Button,
    /// A new volume's name.
    pub volume_name: adw::EntryRow,
    /// Its format ([`FORMATS`]).
    pub volume_format: adw::ComboRow,
    /// Its size in GiB.
    pub volume_size: gtk::SpinButton,
    /// The volume it is an overlay on (0: none, then the pool's volumes in order).
    pub volume_backing: adw::ComboRow,
    /// Creates the volume.
    pub create_volume: gtk::Button,
    /// The selected volume's new size in GiB.
    pub resize_size: gtk::SpinButton,
    /// Grows it.
    pub resize: gtk::Button,
    /// Deletes it.
    pub delete_volume: gtk::Button,
    /// Upload, download, wipe and clone.
    pub tools: VolumeTools,
    /// The long operation under way.
    pub activity: ActivityBar,
    /// The selected pool's definition.
    pub xml: XmlPane,
    /// Volumes or XML.
    pub tabs: gtk::Stack,
    pool_box: gtk::Box,
    volume_box: gtk::Box,
    backing_paths: std::rc::Rc<std::cell::RefCell<Vec<(String, String)>>>,
    backing_names: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
}

fn button(label: &str, input: &Sender<StoragePageMsg>, msg: fn() -> StoragePageMsg) -> gtk::Button {
    let b = gtk::Button::with_mnemonic(label);
    let input = input.clone();
    b.connect_clicked(move |_| input.emit(msg()));
    b
}

fn spin(max: f64, label: &str) -> gtk::SpinButton {
    let s = gtk::SpinButton::with_range(1.0, max, 1.0);
    s.set_valign(gtk::Align::Center);
    s.set_value(1.0);
    s.update_property(&[gtk::accessible::Property::Label(label)]);
    s
}

fn row_with(title: &str, suffix: &impl IsA<gtk::Widget>) -> adw::ActionRow {
    let row = adw::ActionRow::builder().title(title).build();
    row.add_suffix(suffix);
    row
}

fn heading(text: &str) -> gtk::Label {
    let l = gtk::Label::new(Some(text));
    l.add_css_class("heading");
    l.set_xalign(0.0);
    l
}

fn margins(w: &impl IsA<gtk::Widget>, n: i32) {
    w.set_margin_top(n);
    w.set_margin_bottom(n);
    w.set_margin_start(n);
    w.set_margin_end(n);
}

impl Forms {
    /// The controls, sending their messages to `input`; `pools` is the pool list, `volumes` the volume list's stack.
    pub fn new(
        pools: &gtk::ListBox,
        volumes: &gtk::Stack,
        input: &Sender<StoragePageMsg>,
    ) -> Forms {
        let start = button(&gettext("_Start"), input, || {
            StoragePageMsg::Pool(PoolOp::Start)
        });
        let stop = button(&gettext("S_top"), input, || {
            StoragePageMsg::Pool(PoolOp::Stop)
        });
        let refresh = button(&gettext("_Refresh"), input, || {
            StoragePageMsg::Pool(PoolOp::Refresh)
        });
        let delete_pool = button(&gettext("_Delete Storage…"), input, || {
            StoragePageMsg::Pool(PoolOp::Delete)
        });
        let undefine = button(&gettext("_Undefine…"), input, || {
            StoragePageMsg::Pool(PoolOp::Undefine)
        });
        delete_pool.set_tooltip_text(Some(&gettext(
            "Remove the inactive pool’s storage, for a directory pool its empty directory",
        )));
        undefine.set_tooltip_text(Some(&gettext("Remove the inactive pool’s definition")));
        let create_volume = button(&gettext("Create _Volume"), input, || {
            StoragePageMsg::CreateVolume
        });
        create_volume.add_css_class("suggested-action");
        let resize = button(&gettext("_Grow"), input, || StoragePageMsg::ResizeVolume);
        let delete_volume = button(&gettext("Delete Vo_lume…"), input, || {
            StoragePageMsg::DeleteVolume
        });
        delete_volume.add_css_class("destructive-action");

        let pool_form = PoolForm::new(input);
        let pool_name = pool_form.name.clone();
        let pool_path = pool_form.target.clone();
        let create_pool = pool_form.create.clone();
        let volume_name = adw::EntryRow::builder().title(gettext("Name")).build();
        let volume_format = adw::ComboRow::builder()
            .title(gettext("Format"))
            .model(&gtk::StringList::new(&FORMATS))
            .build();
        let volume_backing = adw::ComboRow::builder()
            .title(gettext("Backing volume"))
            .model(&gtk::StringList::new(&[&gettext("None")]))
            .build();
        let volume_size = spin(1_048_576.0, &gettext("Size in GiB"));
        let resize_size = spin(1_048_576.0, &gettext("New size in GiB"));

        let pool_title = heading("");
        let pool_summary = gtk::Label::new(None);
        pool_summary.set_xalign(0.0);
        pool_summary.set_wrap(true);
        pool_summary.add_css_class("dim-label");

        // Left: the pools, their actions and the new-pool form.
        let pool_box = gtk::Box::new(gtk::Orientation::Vertical, 12);
        margins(&pool_box, 12);
        pool_box.set_width_request(300);
        pool_box.append(&heading(&gettext("Storage Pools")));
        pools.add_css_class("boxed-list");
        pools.set_selection_mode(gtk::SelectionMode::Single);
        pools.update_property(&[gtk::accessible::Property::Label(&gettext("Storage pools"))]);
        let empty = gtk::Label::new(Some(&gettext("No storage pools")));
        empty.add_css_class("dim-label");
        margins(&empty, 12);
        pools.set_placeholder(Some(&empty));
        let scroll = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .vexpand(true)
            .min_content_height(160)
            .child(pools)
            .build();
        pool_box.append(&scroll);
        let row1 = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        for b in [&start, &stop, &refresh] {
            b.set_hexpand(true);
            row1.append(b);
        }
        let row2 = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        for b in [&delete_pool, &undefine] {
            b.set_hexpand(true);
            row2.append(b);
        }
        pool_box.append(&row1);
        pool_box.append(&row2);
        pool_box.append(&pool_form.group);

        // Right: the selected pool's volumes, their actions and the new-volume form.
        let volume_box = gtk::Box::new(gtk::Orientation::Vertical, 12);
        margins(&volume_box, 12);
        volume_box.append(&pool_title);
        volume_box.append(&pool_summary);
        let cancel = input.clone();
        let activity = ActivityBar::new(move || cancel.emit(StoragePageMsg::CancelTransfer));
        volume_box.append(&activity.root);
        volumes.set_vexpand(true);
        volumes.set_size_request(-1, 160);
        volume_box.append(volumes);
        let selected = adw::PreferencesGroup::builder()
            .title(gettext("Selected Volume"))
            .header_suffix(&delete_volume)
            .build();
        let resize_box = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        resize_box.append(&resize_size);
        resize_box.append(&resize);
        resize.set_valign(gtk::Align::Center);
        selected.add(&row_with(&gettext("New size (GiB)"), &resize_box));
        volume_box.append(&selected);
        let tools = VolumeTools::new(input);
        volume_box.append(&tools.group);
        let new_volume = adw::PreferencesGroup::builder()
            .title(gettext("New Volume"))
            .header_suffix(&create_volume)
            .build();
        new_volume.add(&volume_name);
        new_volume.add(&volume_format);
        new_volume.add(&row_with(&gettext("Size (GiB)"), &volume_size));
        new_volume.add(&volume_backing);
        volume_box.append(&new_volume);

        let sender = input.clone();
        let xml = XmlPane::new(move |text| sender.emit(StoragePageMsg::ApplyXml(text)));
        let tabs = gtk::Stack::new();

        Forms {
            xml,
            tabs,
            start,
            stop,
            refresh,
            delete_pool,
            undefine,
            pool_title,
            pool_summary,
            pool_name,
            pool_form,
            pool_path,
            create_pool,
            volume_name,
            volume_format,
            volume_size,
            volume_backing,
            create_volume,
            resize_size,
            resize,
            delete_volume,
            tools,
            activity,
            pool_box,
            volume_box,
            backing_paths: Default::default(),
            backing_names: Default::default(),
        }
    }

    /// Puts the controls into `root`: the error line and the busy spinner on top, the pools
    /// beside the selected pool's volumes.
    pub fn place(&self, root: &gtk::Box, error_box: &gtk::Box, spinner: &gtk::Spinner) {
        let top = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        top.append(error_box);
        error_box.set_hexpand(true);
        spinner.set_halign(gtk::Align::End);
        top.append(spinner);
        root.append(&top);
        let volumes = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .child(&self.volume_box)
            .build();
        self.tabs
            .add_titled(&volumes, Some("volumes"), &gettext("Volumes"));
        self.tabs
            .add_titled(&self.xml.root, Some("xml"), &gettext("XML"));
        self.tabs.set_vexpand(true);
        let switcher = gtk::StackSwitcher::new();
        switcher.set_stack(Some(&self.tabs));
        switcher.set_halign(gtk::Align::Center);
        switcher.set_margin_top(6);
        let right = gtk::Box::new(gtk::Orientation::Vertical, 0);
        right.append(&switcher);
        right.append(&self.tabs);
        let paned = gtk::Paned::builder()
            .orientation(gtk::Orientation::Horizontal)
            .start_child(&self.pool_box)
            .end_child(&right)
            .resize_start_child(false)
            .shrink_start_child(false)
            .vexpand(true)
            .build();
        root.append(&paned);
    }

    /// The new pool as the form has it, and whether to start it now.
    pub fn new_pool(&self) -> (PoolSpec, bool) {
        (self.pool_form.spec(), self.pool_form.start_now())
    }

    /// The new volume as the form has it.
    pub fn new_volume(&self) -> NewVolume {
        let format = FORMATS
            .get(self.volume_format.selected() as usize)
            .copied()
            .unwrap_or("qcow2");
        let backing = (self.volume_backing.selected() as usize)
            .checked_sub(1)
            .and_then(|i| self.backing_paths.borrow().get(i).cloned());
        NewVolume {
            name: self.volume_name.text().to_string(),
            format: format.to_owned(),
            gib: self.volume_size.value().max(0.0) as u64,
            backing,
        }
    }

    /// The new size of the selected volume in GiB.
    pub fn resize_gib(&self) -> u64 {
        self.resize_size.value().max(0.0) as u64
    }

    /// Puts the selected volume's size (rounded up to GiB) into the resize field.
    pub fn show_volume_size(&self, capacity: u64) {
        self.resize_size
            .set_value(capacity.div_ceil(1 << 30).max(1) as f64);
    }

    /// Offers the pool's volumes as backing volumes, keeping the choice where it still exists
    /// (nothing is rebuilt when the volumes are the same).
    pub fn set_backing_choices(&self, volumes: &[VolumeEntry]) {
        let same = {
            let names = self.backing_names.borrow();
            let paths = self.backing_paths.borrow();
            names.len() == volumes.len()
                && volumes
                    .iter()
                    .zip(names.iter().zip(paths.iter()))
                    .all(|(v, (n, (p, f)))| {
                        v.name == *n
                            && v.path == *p
                            && (v.format == *f || (v.format.is_empty() && f == "raw"))
                    })
        };
        if same {
            return;
        }
        let chosen = (self.volume_backing.selected() as usize)
            .checked_sub(1)
            .and_then(|i| self.backing_paths.borrow().get(i).map(|(p, _)| p.clone()));
        let paths: Vec<(String, String)> = volumes
            .iter()
            .map(|v| {
                let format = if v.format.is_empty() {
                    "raw"
                } else {
                    &v.format
                };
                (v.path.clone(), format.to_owned())
            })
            .collect();
        let mut names = vec![gettext("None")];
        names.extend(volumes.iter().map(|v| v.name.clone()));
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.volume_backing
            .set_model(Some(&gtk::StringList::new(&names)));
        let index = chosen
            .and_then(|c| paths.iter().position(|(p, _)| *p == c))
            .map_or(0, |i| i + 1);
        self.volume_backing.set_selected(index as u32);
        *self.backing_paths.borrow_mut() = paths;
        *self.backing_names.borrow_mut() = volumes.iter().map(|v| v.name.clone()).collect();
    }

    /// Enables what applies to `pool` and `volume`; nothing while `busy`.
    pub fn sync(&self, pool: Option<&PoolEntry>, volume: Option<&VolumeEntry>, busy: bool) {
        let active = pool.is_some_and(PoolEntry::active);
        let inactive = pool.is_some_and(|p| !p.active());
        self.start.set_sensitive(!busy && inactive);
        self.stop.set_sensitive(!busy && active);
        self.refresh.set_sensitive(!busy && active);
        self.delete_pool.set_sensitive(!busy && inactive);
        self.undefine
            .set_sensitive(!busy && inactive && pool.is_some_and(|p| p.persistent));
        self.create_pool.set_sensitive(!busy);
        self.create_volume.set_sensitive(!busy && active);
        self.resize
            .set_sensitive(!busy && active && volume.is_some());
        self.delete_volume
            .set_sensitive(!busy && active && volume.is_some());
        self.tools.sync(active, volume.is_some(), busy);
        self.xml.apply.set_sensitive(!busy && pool.is_some());
        self.xml
            .show(pool.map(|p| p.xml.as_str()).unwrap_or_default());
        match pool {
            Some(p) => {
                self.pool_title.set_label(&p.name);
                let mut parts = Vec::new();
                if !p.kind.is_empty() {
                    parts.push(gettext_f("{} pool", &[&p.kind]));
                }
                if let Some(path) = &p.path {
                    parts.push(path.clone());
                }
                parts.push(state_label(p.state));
                if p.capacity > 0 {
                    parts.push(usage_label(p.allocation, p.capacity));
                    parts.push(gettext_f("{} free", &[&format_size(p.available)]));
                }
                if !p.active() {
                    parts.push(gettext("Start the pool to see its volumes."));
                }
                self.pool_summary.set_label(&parts.join(" · "));
            }
            None => {
                self.pool_title.set_label(&gettext("No Pool Selected"));
                self.pool_summary.set_label("");
            }
        }
    }
}
