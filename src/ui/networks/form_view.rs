//! The network form's widgets: name, mode, forward device, bridge (a host bridge from the
//! host's list for a host-bridge network), IPv4 and IPv6 addresses with DHCP ranges, static
//! hosts and DNS domain.

use adw::prelude::*;
use virt_xml::builder::NetworkMode;

use super::form::NetworkForm;
use crate::i18n::{gettext, gettext_f};

/// The label of a mode in the form and the list.
pub fn mode_label(mode: &str) -> String {
    match mode {
        "nat" => gettext("NAT"),
        "route" => gettext("Routed"),
        "isolated" => gettext("Isolated"),
        "open" => gettext("Open"),
        "bridge" => gettext("Host bridge"),
        other => other.to_owned(),
    }
}

/// The form's widgets.
#[derive(Debug, Clone)]
pub struct FormWidgets {
    /// All of it.
    pub root: adw::PreferencesPage,
    mode: adw::ComboRow,
    name: adw::EntryRow,
    forward_dev: adw::EntryRow,
    bridge: adw::EntryRow,
    host_bridge: adw::ComboRow,
    host_bridges: gtk::StringList,
    ipv4: adw::EntryRow,
    dhcp_start: adw::EntryRow,
    dhcp_end: adw::EntryRow,
    hosts: gtk::TextView,
    ipv6: adw::EntryRow,
    dhcp6_start: adw::EntryRow,
    dhcp6_end: adw::EntryRow,
    domain: adw::EntryRow,
    addresses: Vec<adw::PreferencesGroup>,
    title: adw::PreferencesGroup,
    /// The "Create" button.
    pub create: gtk::Button,
    /// Where a problem is told.
    pub error: gtk::Label,
}

fn entry(group: &adw::PreferencesGroup, title: &str, text: &str) -> adw::EntryRow {
    let row = adw::EntryRow::new();
    row.set_title(title);
    row.set_text(text);
    group.add(&row);
    row
}

impl FormWidgets {
    /// Builds the form, filled in for a NAT network.
    pub fn new() -> FormWidgets {
        let root = adw::PreferencesPage::new();
        let g = adw::PreferencesGroup::new();
        g.set_title(&gettext("New Network"));
        let name = entry(&g, &gettext("Name"), "");
        let labels: Vec<String> = NetworkMode::ALL
            .iter()
            .map(|m| mode_label(m.as_str()))
            .collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let mode = adw::ComboRow::new();
        mode.set_title(&gettext("Mode"));
        mode.set_model(Some(&gtk::StringList::new(&labels)));
        g.add(&mode);
        let forward_dev = entry(&g, &gettext("Forward device (optional)"), "");
        let bridge = entry(&g, &gettext("Bridge name (optional)"), "");
        let host_bridges = gtk::StringList::new(&[]);
        let host_bridge = adw::ComboRow::new();
        host_bridge.set_title(&gettext("Host bridge"));
        host_bridge.set_model(Some(&host_bridges));
        g.add(&host_bridge);
        let domain = entry(&g, &gettext("DNS domain (optional)"), "");
        root.add(&g);

        let v4 = adw::PreferencesGroup::new();
        v4.set_title(&gettext("IPv4"));
        let ipv4 = entry(&v4, &gettext("Address/prefix"), "");
        let dhcp_start = entry(&v4, &gettext("DHCP start"), "");
        let dhcp_end = entry(&v4, &gettext("DHCP end"), "");
        let hosts_label = gtk::Label::new(Some(&gettext(
            "Static hosts, one a line: MAC address, IP address, name (optional)",
        )));
        hosts_label.set_xalign(0.0);
        hosts_label.set_wrap(true);
        hosts_label.add_css_class("dim-label");
        hosts_label.set_margin_top(6);
        let hosts = gtk::TextView::new();
        hosts.set_monospace(true);
        hosts.set_height_request(60);
        hosts.add_css_class("card");
        hosts.set_top_margin(6);
        hosts.set_left_margin(6);
        hosts.update_relation(&[gtk::accessible::Relation::LabelledBy(&[
            hosts_label.upcast_ref()
        ])]);
        v4.add(&hosts_label);
        v4.add(&hosts);
        root.add(&v4);

        let v6 = adw::PreferencesGroup::new();
        v6.set_title(&gettext("IPv6 (optional)"));
        let ipv6 = entry(&v6, &gettext("Address/prefix"), "");
        let dhcp6_start = entry(&v6, &gettext("DHCPv6 start"), "");
        let dhcp6_end = entry(&v6, &gettext("DHCPv6 end"), "");
        root.add(&v6);

        let end = adw::PreferencesGroup::new();
        let error = gtk::Label::new(None);
        error.add_css_class("error");
        error.set_wrap(true);
        error.set_xalign(0.0);
        error.set_visible(false);
        let create = gtk::Button::with_label(&gettext("Create"));
        create.add_css_class("suggested-action");
        create.set_halign(gtk::Align::End);
        create.set_margin_top(6);
        end.add(&error);
        end.add(&create);
        root.add(&end);

        let w = FormWidgets {
            root,
            mode,
            name,
            forward_dev,
            bridge,
            host_bridge,
            host_bridges,
            ipv4,
            dhcp_start,
            dhcp_end,
            hosts,
            ipv6,
            dhcp6_start,
            dhcp6_end,
            domain,
            addresses: vec![v4, v6],
            title: g,
            create,
            error,
        };
        w.set(&NetworkForm::suggested());
        w.mode_changed();
        let w2 = w.clone();
        w.mode.connect_selected_notify(move |_| w2.mode_changed());
        w
    }

    fn mode(&self) -> NetworkMode {
        NetworkMode::ALL
            .get(self.mode.selected() as usize)
            .copied()
            .unwrap_or_default()
    }

    fn mode_changed(&self) {
        let bridged = self.mode() == NetworkMode::Bridge;
        self.host_bridge.set_visible(bridged);
        self.bridge.set_visible(!bridged);
        self.forward_dev
            .set_visible(!bridged && self.mode() != NetworkMode::Isolated);
        self.domain.set_visible(!bridged);
        for g in &self.addresses {
            g.set_visible(!bridged);
        }
    }

    /// Offers `bridges` for a network on a host bridge.
    pub fn set_host_bridges(&self, bridges: &[String]) {
        let names: Vec<&str> = bridges.iter().map(String::as_str).collect();
        self.host_bridges
            .splice(0, self.host_bridges.n_items(), &names);
    }

    /// Sets the form up for editing network `name` (its name fixed), or for a new network.
    pub fn set_editing(&self, name: Option<&str>) {
        self.name.set_editable(name.is_none());
        match name {
            Some(n) => {
                self.title
                    .set_title(&gettext_f("Edit the Network “{}”", &[n]));
                self.create.set_label(&gettext("Save"));
            }
            None => {
                self.title.set_title(&gettext("New Network"));
                self.create.set_label(&gettext("Create"));
            }
        }
    }

    /// Shows `error`, or hides the error line.
    pub fn show_error(&self, error: Option<&str>) {
        self.error.set_label(error.unwrap_or_default());
        self.error.set_visible(error.is_some());
    }

    /// Fills the widgets from `form` (for tests and for starting again).
    pub fn set(&self, form: &NetworkForm) {
        let i = NetworkMode::ALL
            .iter()
            .position(|m| *m == form.mode)
            .unwrap_or(0);
        self.mode.set_selected(i as u32);
        self.name.set_text(&form.name);
        self.forward_dev.set_text(&form.forward_dev);
        if form.mode == NetworkMode::Bridge {
            let found = (0..self.host_bridges.n_items())
                .find(|i| self.host_bridges.string(*i).as_deref() == Some(form.bridge.as_str()));
            self.host_bridge
                .set_selected(found.unwrap_or(gtk::INVALID_LIST_POSITION));
        } else {
            self.bridge.set_text(&form.bridge);
        }
        self.ipv4.set_text(&form.ipv4);
        self.dhcp_start.set_text(&form.dhcp_start);
        self.dhcp_end.set_text(&form.dhcp_end);
        self.hosts.buffer().set_text(&form.hosts);
        self.ipv6.set_text(&form.ipv6);
        self.dhcp6_start.set_text(&form.dhcp6_start);
        self.dhcp6_end.set_text(&form.dhcp6_end);
        self.domain.set_text(&form.domain);
    }

    /// What the widgets hold (a hidden part counts as empty).
    pub fn get(&self) -> NetworkForm {
        let mode = self.mode();
        let bridged = mode == NetworkMode::Bridge;
        let t = |e: &adw::EntryRow| {
            if bridged {
                String::new()
            } else {
                e.text().to_string()
            }
        };
        let b = self.hosts.buffer();
        let (s, e) = b.bounds();
        NetworkForm {
            name: self.name.text().to_string(),
            mode,
            forward_dev: if bridged || mode == NetworkMode::Isolated {
                String::new()
            } else {
                self.forward_dev.text().to_string()
            },
            bridge: if bridged {
                self.host_bridges
                    .string(self.host_bridge.selected())
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            } else {
                self.bridge.text().to_string()
            },
            ipv4: t(&self.ipv4),
            dhcp_start: t(&self.dhcp_start),
            dhcp_end: t(&self.dhcp_end),
            hosts: if bridged {
                String::new()
            } else {
                b.text(&s, &e, false).to_string()
            },
            ipv6: t(&self.ipv6),
            dhcp6_start: t(&self.dhcp6_start),
            dhcp6_end: t(&self.dhcp6_end),
            domain: t(&self.domain),
        }
    }
}

impl Default for FormWidgets {
    fn default() -> Self {
        FormWidgets::new()
    }
}
