//! Network interfaces: what each is connected to (picked from the host's networks and
//! bridges), model, MAC, link state (live), and adding or removing cards (hot-plugged while
//! the VM runs).

use adw::prelude::*;
use virt_xml::DomainXml;
use virt_xml::domain::{Device, Interface, InterfaceSource};

use super::rows;
use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx};
use crate::i18n::{gettext, gettext_f};

/// What a card can be connected to on this host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetChoices {
    /// The virtual networks.
    pub networks: Vec<String>,
    /// The host bridges.
    pub bridges: Vec<String>,
}

impl NetChoices {
    /// Asks the host; what cannot be read is left empty.
    pub async fn load(conn: &virt_client::Connection) -> NetChoices {
        NetChoices {
            networks: crate::ui::networks::ops::network_names(conn).await,
            bridges: crate::ui::networks::ops::host_bridges(conn).await,
        }
    }

    /// The sources offered, in order: networks, host bridges, user-mode networking; with
    /// `current` first when it is none of them.
    pub fn sources(&self, current: Option<&InterfaceSource>) -> Vec<InterfaceSource> {
        let mut v: Vec<InterfaceSource> = self
            .networks
            .iter()
            .map(|n| InterfaceSource::Network(n.clone()))
            .chain(
                self.bridges
                    .iter()
                    .map(|b| InterfaceSource::Bridge(b.clone())),
            )
            .collect();
        v.push(InterfaceSource::User);
        if let Some(c) = current.filter(|c| !v.contains(c)) {
            v.insert(0, c.clone());
        }
        v
    }
}

/// The label of a source in the choice rows.
pub fn source_label(source: &InterfaceSource) -> String {
    match source {
        InterfaceSource::Bridge(b) => gettext_f("Host bridge {}", &[b]),
        other => describe(&Ok(other.clone())),
    }
}

fn source_row(
    title: &str,
    sources: &[InterfaceSource],
    current: Option<&InterfaceSource>,
) -> adw::ComboRow {
    let labels: Vec<String> = sources.iter().map(source_label).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let row = adw::ComboRow::new();
    row.set_title(title);
    row.set_model(Some(&gtk::StringList::new(&labels)));
    let i = current.and_then(|c| sources.iter().position(|s| s == c));
    row.set_selected(i.map_or(0, |i| u32::try_from(i).unwrap_or(0)));
    row
}

fn nic(doc: &DomainXml, i: usize) -> Result<Interface, String> {
    doc.root()
        .devices(doc)
        .and_then(|d| d.interfaces(doc).get(i).copied())
        .ok_or_else(|| gettext("That network card is gone."))
}

/// Connects a card to `source`.
pub fn set_source(doc: &mut DomainXml, i: usize, source: &InterfaceSource) -> Result<(), String> {
    let n = nic(doc, i)?;
    n.set_source(doc, source);
    Ok(())
}

/// Sets a card's model.
pub fn set_model(doc: &mut DomainXml, i: usize, model: &str) -> Result<(), String> {
    let n = nic(doc, i)?;
    n.set_model(doc, Some(model));
    if n.model(doc).as_deref() != Some(model) {
        return Err(gettext("The model could not be set."));
    }
    // The PCI address of one model may not fit another.
    doc.doc_mut().remove_children(n.node(), "address");
    Ok(())
}

/// Checks the form of a MAC address: six hex pairs separated by colons.
pub fn valid_mac(mac: &str) -> bool {
    let parts: Vec<&str> = mac.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Sets a card's MAC address.
pub fn set_mac(doc: &mut DomainXml, i: usize, mac: &str) -> Result<(), String> {
    let mac = mac.trim();
    if !valid_mac(mac) {
        return Err(gettext_f(
            "“{}” is not a MAC address (like 52:54:00:12:34:56).",
            &[mac],
        ));
    }
    let n = nic(doc, i)?;
    n.set_mac(doc, Some(&mac.to_lowercase()));
    Ok(())
}

/// Sets the link up or down; the card's XML for the live update.
pub fn set_link(doc: &mut DomainXml, i: usize, up: bool) -> Result<String, String> {
    let n = nic(doc, i)?;
    n.set_link_state(doc, Some(if up { "up" } else { "down" }));
    Ok(n.to_xml(doc))
}

/// The running VM's copy of the card with MAC `mac`, its link set to `up`: what a live
/// update must send (the running card's address can differ from the persistent one).
pub fn live_link_xml(live: &DomainXml, mac: &str, up: bool) -> Option<String> {
    let mut live = live.clone();
    let n = live
        .root()
        .devices(&live)?
        .interfaces(&live)
        .into_iter()
        .find(|n| n.mac(&live).is_some_and(|m| m.eq_ignore_ascii_case(mac)))?;
    n.set_link_state(&mut live, Some(if up { "up" } else { "down" }));
    Some(n.to_xml(&live))
}

/// The MAC address of card `i`.
pub fn mac_of(doc: &DomainXml, i: usize) -> Option<String> {
    nic(doc, i).ok()?.mac(doc).map(|m| m.into_owned())
}

/// Adds a virtio card connected to `source`; its XML for hot-plugging.
pub fn add(doc: &mut DomainXml, source: &InterfaceSource) -> Result<String, String> {
    let devices = doc.root().ensure_devices(doc);
    let dev = devices
        .add_xml(
            doc,
            "<interface type='user'><model type='virtio'/></interface>",
        )
        .map_err(|e| e.to_string())?;
    let n = Interface(dev.node());
    n.set_source(doc, source);
    // The same address for the running card and the persistent one, so later live updates
    // find it.
    n.set_mac(doc, Some(&random_mac()));
    Ok(n.to_xml(doc))
}

/// A locally administered address in QEMU's 52:54:00 range.
fn random_mac() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    let b = h.finish().to_le_bytes();
    format!("52:54:00:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2])
}

/// Removes a card; its XML for hot-unplugging.
pub fn remove(doc: &mut DomainXml, i: usize) -> Result<String, String> {
    let n = nic(doc, i)?;
    let xml = n.to_xml(doc);
    let devices = doc.root().ensure_devices(doc);
    devices.remove(doc, Device(n.node()));
    Ok(xml)
}

fn describe(source: &Result<InterfaceSource, virt_xml::Error>) -> String {
    match source {
        Ok(InterfaceSource::Network(n)) => gettext_f("Virtual network “{}”", &[n]),
        Ok(InterfaceSource::Bridge(b)) => gettext_f("Bridge {}", &[b]),
        Ok(InterfaceSource::User) => gettext("User-mode networking"),
        Ok(InterfaceSource::Direct { dev, .. }) => gettext_f("Direct on {}", &[dev]),
        Ok(_) => gettext("Other"),
        Err(e) => e.to_string(),
    }
}

/// Reads "network:NAME", "bridge:NAME" or "user" as typed in the source field.
pub fn parse_source(text: &str) -> Option<InterfaceSource> {
    let text = text.trim();
    if text == "user" {
        return Some(InterfaceSource::User);
    }
    let (kind, name) = text.split_once(':')?;
    let name = name.trim().to_owned();
    if name.is_empty() {
        return None;
    }
    match kind.trim() {
        "network" => Some(InterfaceSource::Network(name)),
        "bridge" => Some(InterfaceSource::Bridge(name)),
        _ => None,
    }
}

/// The network page.
pub fn page(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesPage {
    let page = adw::PreferencesPage::new();
    let Some(doc) = m.edited.as_ref() else {
        return page;
    };
    let nics = doc
        .root()
        .devices(doc)
        .map(|d| d.interfaces(doc))
        .unwrap_or_default();
    let choices = m.net_choices.clone().unwrap_or_default();
    let g = rows::group(&gettext("Network Interfaces"), None);
    if nics.is_empty() {
        rows::info(
            &g,
            &gettext("No network interfaces"),
            &gettext("Add one below."),
        );
    }
    for (i, n) in nics.iter().enumerate() {
        let mac = n.mac(doc).unwrap_or_default().into_owned();
        let row = adw::ExpanderRow::new();
        let model = n.model(doc).unwrap_or_default().into_owned();
        row.set_title(&gettext_f("{} ({})", &[&describe(&n.source(doc)), &model]));
        row.set_subtitle(&mac);
        let inner = adw::PreferencesGroup::new();
        let link_row = adw::ActionRow::new();
        link_row.set_title(&gettext("Link up"));
        link_row.set_subtitle(&gettext("Changes at once while the VM runs"));
        let link = gtk::Switch::new();
        crate::ui::a11y::name(&link, &gettext("Link up"));
        link.set_active(n.link_up(doc));
        link.set_valign(gtk::Align::Center);
        let tx2 = tx.clone();
        link.connect_active_notify(move |w| tx2.send(Msg::SetNicLink(i, w.is_active())));
        link_row.add_suffix(&link);
        crate::ui::a11y::row_widget(&link_row, &link);
        row.add_row(&link_row);
        let models = ["virtio", "e1000e", "e1000", "rtl8139"];
        let model_row = rows::combo(&inner, &gettext("Model"), &models, &model, tx, move |m| {
            Msg::SetNicModel(i, m)
        });
        let mac_row = rows::entry(&inner, &gettext("MAC address"), &mac, tx, move |t| {
            Msg::SetNicMac(i, t)
        });
        let current = n.source(doc).ok();
        let sources = choices.sources(current.as_ref());
        let source_row = source_row(&gettext("Connected to"), &sources, current.as_ref());
        inner.add(&source_row);
        let tx2 = tx.clone();
        source_row.connect_selected_notify(move |r| {
            if let Some(src) = sources.get(r.selected() as usize) {
                tx2.send(Msg::SetNicSource(i, src.clone()));
            }
        });
        // Move the rows from the scratch group into the expander.
        for w in [
            model_row.upcast_ref::<gtk::Widget>(),
            mac_row.upcast_ref(),
            source_row.upcast_ref(),
        ] {
            inner.remove(w);
            row.add_row(w);
        }
        let remove = rows::remove_button(tx, move || Msg::RemoveNic(i));
        row.add_action(&remove);
        g.add(&row);
    }
    page.add(&g);

    let g = rows::group(&gettext("Add a Network Interface"), None);
    let sources = choices.sources(None);
    // The network "default" when there is one, else the first choice.
    let preferred = InterfaceSource::Network("default".into());
    let source = source_row(&gettext("Connect to"), &sources, Some(&preferred));
    g.add(&source);
    let tx2 = tx.clone();
    let add = gtk::Button::with_label(&gettext("Add"));
    add.set_valign(gtk::Align::Center);
    add.add_css_class("suggested-action");
    let s2 = source.clone();
    add.connect_clicked(move |_| {
        if let Some(src) = sources.get(s2.selected() as usize) {
            tx2.send(Msg::AddNic(src.clone()));
        }
    });
    source.add_suffix(&add);
    page.add(&g);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs_and_sources() {
        assert!(valid_mac("52:54:00:aB:cd:01"));
        assert!(!valid_mac("52:54:00:ab:cd"));
        assert!(!valid_mac("52-54-00-ab-cd-01"));
        assert_eq!(parse_source("user"), Some(InterfaceSource::User));
        assert_eq!(
            parse_source("bridge: br0"),
            Some(InterfaceSource::Bridge("br0".into()))
        );
        assert_eq!(parse_source("network:"), None);
    }
}
