//! The networks page's widgets: the list, the selected network's details with its DHCP
//! leases, its XML, and the form for a new network.

use adw::prelude::*;

use super::form_view::{FormWidgets, mode_label};
use super::ops::{Lease, NetInfo};
use super::{NetworksPage, NetworksPageMsg as Msg};
use crate::i18n::{gettext, gettext_f};
use crate::ui::xml_pane::XmlPane;

/// The page's widgets.
#[derive(Debug)]
pub struct PageWidgets {
    /// The list of networks.
    pub list: gtk::ListBox,
    /// Details, XML and the new-network form.
    pub stack: gtk::Stack,
    /// The error line above it all.
    pub error: gtk::Label,
    /// The selected network's name.
    pub title: gtk::Label,
    /// Mode, state, bridge.
    pub facts: gtk::Label,
    /// Start.
    pub start: gtk::Button,
    /// Stop.
    pub stop: gtk::Button,
    /// Edit in the form.
    pub edit: gtk::Button,
    /// Delete.
    pub delete: gtk::Button,
    /// Autostart.
    pub autostart: gtk::Switch,
    /// The DHCP leases.
    pub leases: gtk::ListBox,
    /// The XML text.
    pub xml: gtk::TextView,
    /// The XML tab's error.
    pub xml_error: gtk::Label,
    /// The new-network form.
    pub form: FormWidgets,
    /// What the list shows, to redraw only on change.
    pub shown: std::cell::RefCell<(Vec<NetInfo>, Option<String>)>,
    /// The XML tab.
    pub xml_pane: XmlPane,
    /// Set while the list is redrawn: its selection changes are not the user's.
    quiet: std::rc::Rc<std::cell::Cell<bool>>,
}

fn margins(w: &impl IsA<gtk::Widget>, m: i32) {
    w.set_margin_top(m);
    w.set_margin_bottom(m);
    w.set_margin_start(m);
    w.set_margin_end(m);
}

fn button(label: &str, sender: &relm4::ComponentSender<NetworksPage>, msg: Msg) -> gtk::Button {
    let b = gtk::Button::with_label(label);
    let s = sender.clone();
    b.connect_clicked(move |_| s.input(msg.clone()));
    b
}

/// The text of a network's facts: mode, state, bridge, persistence.
pub fn facts(n: &NetInfo) -> String {
    let state = if n.active {
        gettext("active")
    } else {
        gettext("inactive")
    };
    let mut parts = vec![mode_label(&n.mode), state];
    if let Some(b) = &n.bridge {
        parts.push(gettext_f("bridge {}", &[b]));
    }
    if n.autostart {
        parts.push(gettext("autostart"));
    }
    if !n.persistent {
        parts.push(gettext("transient"));
    }
    parts.join(" · ")
}

impl PageWidgets {
    /// Builds the page into `root`.
    pub fn new(root: &gtk::Box, sender: &relm4::ComponentSender<NetworksPage>) -> PageWidgets {
        let error = gtk::Label::new(None);
        error.add_css_class("error");
        error.set_wrap(true);
        error.set_xalign(0.0);
        error.set_visible(false);
        margins(&error, 6);
        root.append(&error);

        let list = gtk::ListBox::new();
        list.add_css_class("navigation-sidebar");
        let s = sender.clone();
        let quiet = std::rc::Rc::new(std::cell::Cell::new(false));
        let q = quiet.clone();
        list.connect_row_selected(move |_, row| {
            if q.get() {
                return;
            }
            let name = row.map(|r| r.widget_name().to_string());
            s.input(Msg::Select(name));
        });
        let scroll = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .vexpand(true)
            .child(&list)
            .build();
        let add = button(&gettext("New Network…"), sender, Msg::ShowNew);
        margins(&add, 6);
        let side = gtk::Box::new(gtk::Orientation::Vertical, 0);
        side.set_width_request(220);
        side.append(&scroll);
        side.append(&add);

        // Details.
        let title = gtk::Label::new(None);
        title.add_css_class("title-2");
        title.set_xalign(0.0);
        let facts = gtk::Label::new(None);
        facts.set_xalign(0.0);
        facts.add_css_class("dim-label");
        let start = button(&gettext("Start"), sender, Msg::Start);
        let stop = button(&gettext("Stop"), sender, Msg::Stop);
        let edit = button(&gettext("Edit…"), sender, Msg::EditInForm);
        let delete = button(&gettext("Delete…"), sender, Msg::Delete);
        delete.add_css_class("destructive-action");
        let autostart = gtk::Switch::new();
        autostart.set_valign(gtk::Align::Center);
        let s = sender.clone();
        autostart.connect_state_set(move |_, on| {
            s.input(Msg::SetAutostart(on));
            gtk::glib::Propagation::Stop
        });
        let auto_label = gtk::Label::new(Some(&gettext("Start with the host")));
        let actions = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        for w in [
            start.upcast_ref::<gtk::Widget>(),
            stop.upcast_ref(),
            edit.upcast_ref(),
            delete.upcast_ref(),
            auto_label.upcast_ref(),
            autostart.upcast_ref(),
        ] {
            actions.append(w);
        }
        auto_label.set_margin_start(12);
        autostart.update_relation(&[gtk::accessible::Relation::LabelledBy(&[
            auto_label.upcast_ref()
        ])]);
        let leases_title = gtk::Label::new(Some(&gettext("DHCP Leases")));
        leases_title.add_css_class("heading");
        leases_title.set_xalign(0.0);
        let leases = gtk::ListBox::new();
        leases.add_css_class("boxed-list");
        leases.set_selection_mode(gtk::SelectionMode::None);
        let details = gtk::Box::new(gtk::Orientation::Vertical, 12);
        margins(&details, 18);
        for w in [
            title.upcast_ref::<gtk::Widget>(),
            facts.upcast_ref(),
            actions.upcast_ref(),
            leases_title.upcast_ref(),
            leases.upcast_ref(),
        ] {
            details.append(w);
        }
        let details_scroll = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .child(&details)
            .build();

        // XML.
        let s = sender.clone();
        let xml_pane = XmlPane::new(move |text| s.input(Msg::ApplyXml(text)));

        // New network.
        let form = FormWidgets::new();
        let s = sender.clone();
        let f = form.clone();
        form.create
            .connect_clicked(move |_| s.input(Msg::Create(Box::new(f.get()))));

        let stack = gtk::Stack::new();
        stack.add_titled(&details_scroll, Some("details"), &gettext("Details"));
        stack.add_titled(&xml_pane.root, Some("xml"), &gettext("XML"));
        stack.add_titled(&form.root, Some("new"), &gettext("New Network"));
        stack.set_hexpand(true);
        let switcher = gtk::StackSwitcher::new();
        switcher.set_stack(Some(&stack));
        switcher.set_halign(gtk::Align::Center);
        margins(&switcher, 6);
        let main = gtk::Box::new(gtk::Orientation::Vertical, 0);
        main.append(&switcher);
        main.append(&stack);

        let paned = gtk::Paned::new(gtk::Orientation::Horizontal);
        paned.set_start_child(Some(&side));
        paned.set_end_child(Some(&main));
        paned.set_shrink_start_child(false);
        paned.set_vexpand(true);
        root.append(&paned);
        PageWidgets {
            list,
            stack,
            error,
            title,
            facts,
            start,
            stop,
            edit,
            delete,
            autostart,
            leases,
            form,
            shown: Default::default(),
            xml: xml_pane.text.clone(),
            xml_error: xml_pane.error.clone(),
            xml_pane,
            quiet,
        }
    }

    /// Shows `page`'s state.
    pub fn update(&self, page: &NetworksPage) {
        self.error
            .set_label(page.error.as_deref().unwrap_or_default());
        self.error.set_visible(page.error.is_some());
        self.xml_pane.set_error(page.xml_error.as_deref());
        self.form.show_error(page.form_error.as_deref());
        let now = (page.nets.clone(), page.selected.clone());
        if *self.shown.borrow() != now {
            self.show_list(page);
            *self.shown.borrow_mut() = now;
        }
        let sel = page.selected_info();
        self.title
            .set_label(sel.map_or(&gettext("No network selected"), |n| &n.name));
        self.facts.set_label(&sel.map(facts).unwrap_or_default());
        let idle = !page.busy;
        self.start
            .set_sensitive(idle && sel.is_some_and(|n| !n.active));
        self.stop
            .set_sensitive(idle && sel.is_some_and(|n| n.active));
        self.delete.set_sensitive(idle && sel.is_some());
        self.edit
            .set_sensitive(idle && sel.is_some_and(|n| n.persistent));
        self.autostart
            .set_sensitive(idle && sel.is_some_and(|n| n.persistent));
        let auto = sel.is_some_and(|n| n.autostart);
        if self.autostart.is_active() != auto || self.autostart.state() != auto {
            self.autostart.set_state(auto);
        }
        self.xml_pane
            .show(sel.map(|n| n.xml.as_str()).unwrap_or_default());
        self.show_leases(page.leases.as_ref());
        self.form.set_host_bridges(&page.bridges);
    }

    fn show_list(&self, page: &NetworksPage) {
        self.quiet.set(true);
        while let Some(row) = self.list.first_child() {
            self.list.remove(&row);
        }
        for n in &page.nets {
            let row = gtk::ListBoxRow::new();
            row.set_widget_name(&n.name);
            let b = gtk::Box::new(gtk::Orientation::Vertical, 2);
            margins(&b, 6);
            let name = gtk::Label::new(Some(&n.name));
            name.set_xalign(0.0);
            let sub = gtk::Label::new(Some(&facts(n)));
            sub.set_xalign(0.0);
            sub.add_css_class("caption");
            sub.add_css_class("dim-label");
            b.append(&name);
            b.append(&sub);
            row.set_child(Some(&b));
            self.list.append(&row);
            if page.selected.as_deref() == Some(n.name.as_str()) {
                self.list.select_row(Some(&row));
            }
        }
        self.quiet.set(false);
    }

    fn show_leases(&self, leases: Option<&Result<Vec<Lease>, String>>) {
        while let Some(row) = self.leases.first_child() {
            self.leases.remove(&row);
        }
        let text = match leases {
            None => Some(gettext("The network is not running.")),
            Some(Err(e)) => Some(gettext_f("The leases cannot be read: {}", &[e])),
            Some(Ok(l)) if l.is_empty() => Some(gettext("No leases")),
            Some(Ok(_)) => None,
        };
        if let Some(text) = text {
            let row = adw::ActionRow::builder().title(text.as_str()).build();
            self.leases.append(&row);
            return;
        }
        for l in leases.and_then(|l| l.as_ref().ok()).into_iter().flatten() {
            let sub = if l.hostname.is_empty() {
                l.mac.clone()
            } else {
                gettext_f("{} ({})", &[&l.mac, &l.hostname])
            };
            let row = adw::ActionRow::builder()
                .title(l.address.as_str())
                .subtitle(sub.as_str())
                .build();
            self.leases.append(&row);
        }
    }
}
