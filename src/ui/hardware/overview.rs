//! Overview: name, title, description, UUID and autostart.

use adw::prelude::*;
use virt_xml::DomainXml;

use super::rows;
use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx};
use crate::i18n::gettext;

/// Renames the VM in the document.
pub fn set_name(doc: &mut DomainXml, name: &str) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() || name.contains('/') {
        return Err(gettext("A name cannot be empty or contain “/”."));
    }
    let root = doc.root();
    root.set_name(doc, Some(name));
    Ok(())
}

/// Sets the title; empty removes it.
pub fn set_title(doc: &mut DomainXml, title: &str) {
    let root = doc.root();
    root.set_title(doc, Some(title).filter(|t| !t.is_empty()));
}

/// Sets the description; empty removes it.
pub fn set_description(doc: &mut DomainXml, text: &str) {
    let root = doc.root();
    root.set_description(doc, Some(text).filter(|t| !t.is_empty()));
}

/// The overview page.
pub fn page(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesPage {
    let page = adw::PreferencesPage::new();
    let Some(doc) = m.edited.as_ref() else {
        return page;
    };
    let root = doc.root();
    let g = rows::group(&gettext("Overview"), None);
    let name = rows::entry(
        &g,
        &gettext("Name"),
        &root.name(doc).unwrap_or_default(),
        tx,
        Msg::SetName,
    );
    name.set_sensitive(!m.active);
    if m.active {
        name.set_tooltip_text(Some(&gettext("Shut the VM down to rename it.")));
    }
    rows::entry(
        &g,
        &gettext("Title"),
        &root.title(doc).unwrap_or_default(),
        tx,
        Msg::SetTitle,
    );
    rows::entry(
        &g,
        &gettext("Description"),
        &root.description(doc).unwrap_or_default(),
        tx,
        Msg::SetDescription,
    );
    rows::info(&g, &gettext("UUID"), &root.uuid(doc).unwrap_or_default());
    let state = if m.active {
        gettext("Running")
    } else {
        gettext("Shut off")
    };
    rows::info(&g, &gettext("State"), &state);
    rows::switch(
        &g,
        &gettext("Start with the host"),
        &gettext("Autostart when the host boots"),
        m.new_autostart.unwrap_or(m.autostart),
        tx,
        Msg::SetAutostart,
    );
    page.add(&g);
    page
}
