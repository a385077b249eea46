//! The storage browser's widgets: header bar with Cancel and Choose, the toolbar, the pool and
//! volume lists, the upload's activity bar and the status line. Keys: Enter on a volume
//! chooses it, Escape closes.

use adw::prelude::*;
use relm4::Sender;

use super::{Filter, VolumeBrowser, VolumeBrowserMsg as Msg};
use crate::i18n::gettext;
use crate::ui::a11y;
use crate::ui::storage::activity::ActivityBar;
use crate::ui::storage::ops::{PoolEntry, format_size};
use crate::ui::storage::rows::VolumeList;

/// The browser's widgets.
#[derive(Debug)]
pub struct BrowserWidgets {
    /// The filter drop-down (ISO images, disk images, all volumes).
    pub filter: gtk::DropDown,
    /// Reads the pools again.
    pub refresh: gtk::Button,
    /// Turns while pools or volumes are read.
    pub spinner: gtk::Spinner,
    /// “Upload a Local File…” into the selected pool.
    pub upload: gtk::Button,
    /// “Local File…” (shown on a local connection only).
    pub local: gtk::Button,
    /// The active pools.
    pub pools: gtk::ListBox,
    /// The selected pool's volumes under the filter.
    pub volumes: VolumeList,
    /// Chooses the selected volume.
    pub choose: gtk::Button,
    /// Closes without choosing.
    pub cancel: gtk::Button,
    /// The upload under way.
    pub activity: ActivityBar,
    /// What the last upload said, or what went wrong.
    pub status: gtk::Label,
}

impl BrowserWidgets {
    /// Builds the browser's content into `root`; `local` shows the local file button.
    pub fn new(root: &adw::Window, local: bool, input: &Sender<Msg>) -> BrowserWidgets {
        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        let header = adw::HeaderBar::new();
        header.set_show_end_title_buttons(false);
        let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        let choose = gtk::Button::with_mnemonic(&gettext("C_hoose"));
        choose.add_css_class("suggested-action");
        choose.set_sensitive(false);
        header.pack_start(&cancel);
        header.pack_end(&choose);
        content.append(&header);

        let bar = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        bar.set_margin_top(6);
        bar.set_margin_bottom(6);
        bar.set_margin_start(12);
        bar.set_margin_end(12);
        let labels: Vec<String> = Filter::ALL.iter().map(|f| f.label()).collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let filter = gtk::DropDown::from_strings(&labels);
        a11y::name(&filter, &gettext("Show"));
        filter.set_tooltip_text(Some(&gettext("Show")));
        let refresh = a11y::icon_button("view-refresh-symbolic", &gettext("Refresh"));
        let spinner = gtk::Spinner::new();
        spinner.set_visible(false);
        let spacer = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        spacer.set_hexpand(true);
        let upload = gtk::Button::with_mnemonic(&gettext("_Upload a Local File…"));
        upload.set_tooltip_text(Some(&gettext(
            "Copy a file of this computer into a new volume of the selected pool",
        )));
        let local_button = gtk::Button::with_mnemonic(&gettext("_Local File…"));
        local_button.set_tooltip_text(Some(&gettext(
            "Choose a file on this computer, outside the storage pools",
        )));
        local_button.set_visible(local);
        bar.append(&filter);
        bar.append(&refresh);
        bar.append(&spinner);
        bar.append(&spacer);
        bar.append(&upload);
        bar.append(&local_button);
        content.append(&bar);

        let pools = gtk::ListBox::new();
        pools.add_css_class("navigation-sidebar");
        pools.set_selection_mode(gtk::SelectionMode::Browse);
        a11y::name(&pools, &gettext("Storage pools"));
        let pool_scroll = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .child(&pools)
            .width_request(200)
            .build();
        let volumes = VolumeList::new();
        volumes.stack.set_hexpand(true);
        volumes.stack.set_margin_start(12);
        volumes.stack.set_margin_end(12);
        let paned = gtk::Paned::new(gtk::Orientation::Horizontal);
        paned.set_start_child(Some(&pool_scroll));
        paned.set_end_child(Some(&volumes.stack));
        paned.set_shrink_start_child(false);
        paned.set_resize_start_child(false);
        paned.set_vexpand(true);
        content.append(&paned);

        let input_c = input.clone();
        let activity = ActivityBar::new(move || input_c.emit(Msg::CancelUpload));
        activity.root.set_margin_start(12);
        activity.root.set_margin_end(12);
        activity.root.set_margin_top(6);
        content.append(&activity.root);
        let status = gtk::Label::new(None);
        status.set_wrap(true);
        status.set_xalign(0.0);
        status.set_selectable(true);
        status.set_margin_start(12);
        status.set_margin_end(12);
        status.set_margin_top(6);
        status.set_margin_bottom(6);
        status.set_visible(false);
        content.append(&status);
        root.set_content(Some(&content));

        let i = input.clone();
        cancel.connect_clicked(move |_| i.emit(Msg::Close));
        let i = input.clone();
        choose.connect_clicked(move |_| i.emit(Msg::Pick));
        let i = input.clone();
        refresh.connect_clicked(move |_| i.emit(Msg::Refresh));
        let i = input.clone();
        upload.connect_clicked(move |_| i.emit(Msg::ChooseUpload));
        let i = input.clone();
        local_button.connect_clicked(move |_| i.emit(Msg::ChooseLocal));
        let i = input.clone();
        filter.connect_selected_notify(move |d| i.emit(Msg::SetFilter(d.selected())));
        let i = input.clone();
        pools.connect_row_selected(move |_, row| {
            if let Some(row) = row {
                i.emit(Msg::PoolSelected(row.widget_name().to_string()));
            }
        });
        let i = input.clone();
        volumes
            .selection
            .connect_selected_notify(move |_| i.emit(Msg::VolumeSelected));
        // Enter (or a double click) on a volume chooses it.
        let i = input.clone();
        volumes.view.connect_activate(move |_, _| i.emit(Msg::Pick));
        let i = input.clone();
        root.connect_close_request(move |_| {
            i.emit(Msg::Close);
            gtk::glib::Propagation::Stop
        });
        let keys = gtk::ShortcutController::new();
        keys.add_shortcut(gtk::Shortcut::new(
            gtk::ShortcutTrigger::parse_string("Escape"),
            Some(gtk::NamedAction::new("window.close")),
        ));
        root.add_controller(keys);
        root.set_default_widget(Some(&choose));

        BrowserWidgets {
            filter,
            refresh,
            spinner,
            upload,
            local: local_button,
            pools,
            volumes,
            choose,
            cancel,
            activity,
            status,
        }
    }

    /// Shows `pools` in the pool list, `selected` selected.
    pub fn show_pools(&self, pools: &[PoolEntry], selected: Option<&str>) {
        while let Some(row) = self.pools.row_at_index(0) {
            self.pools.remove(&row);
        }
        for p in pools {
            let row = adw::ActionRow::new();
            row.set_title(&p.name);
            row.set_subtitle(&crate::i18n::gettext_f(
                "{} free",
                &[&format_size(p.available)],
            ));
            row.set_widget_name(&p.name);
            self.pools.append(&row);
        }
        let index = selected.and_then(|n| pools.iter().position(|p| p.name == n));
        if let Some(row) = index.and_then(|i| self.pools.row_at_index(i as i32)) {
            self.pools.select_row(Some(&row));
        }
    }
}

impl VolumeBrowser {
    pub(super) fn sync(&self, widgets: &BrowserWidgets) {
        widgets.spinner.set_visible(self.loading);
        widgets.spinner.set_spinning(self.loading);
        widgets.activity.follow(self.activity.as_ref());
        let status = self.error.as_deref().or(self.notice.as_deref());
        widgets.status.set_visible(status.is_some());
        widgets.status.set_label(status.unwrap_or(""));
        if self.error.is_some() {
            widgets.status.add_css_class("error");
        } else {
            widgets.status.remove_css_class("error");
        }
        let idle = self.activity.is_none();
        widgets
            .choose
            .set_sensitive(idle && widgets.volumes.selected().is_some());
        widgets.upload.set_sensitive(idle && self.pool().is_some());
        widgets.refresh.set_sensitive(idle);
    }
}
