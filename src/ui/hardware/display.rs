//! The graphical display: its protocol (VNC or SPICE; switching keeps the listen address and
//! password, drops what only the other protocol knows and turns the clipboard agent's
//! channel into the one that suits the new protocol), listen address and password; or adding
//! a display to a VM without one.

use adw::prelude::*;
use virt_xml::DomainXml;
use virt_xml::domain::{DeviceSpec, Graphics};

use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx, devices, rows};
use crate::i18n::{gettext, gettext_f};

/// The display protocols offered, as `<graphics type>`.
pub const KINDS: &[&str] = &["vnc", "spice"];

/// Attributes and child elements only VNC knows.
const VNC_ONLY: (&[&str], &[&str]) = (&["socket", "sharePolicy", "websocket", "powerControl"], &[]);
/// Attributes and child elements only SPICE knows.
const SPICE_ONLY: (&[&str], &[&str]) = (
    &["tlsPort", "defaultMode"],
    &[
        "channel",
        "image",
        "jpeg",
        "zlib",
        "playback",
        "streaming",
        "clipboard",
        "mouse",
        "filetransfer",
        "gl",
    ],
);

fn first(doc: &DomainXml) -> Option<Graphics> {
    doc.root()
        .devices(doc)
        .and_then(|d| d.graphics(doc).into_iter().next())
}

fn display(doc: &DomainXml) -> Result<Graphics, String> {
    first(doc).ok_or_else(|| gettext("The VM has no graphical display."))
}

fn kind_title(kind: &str) -> String {
    match kind {
        "vnc" => "VNC".into(),
        "spice" => "SPICE".into(),
        other => other.to_owned(),
    }
}

/// Sets the display's listen address.
pub fn set_listen(doc: &mut DomainXml, address: &str) -> Result<(), String> {
    let address = address.trim();
    if !address.is_empty() && address.parse::<std::net::IpAddr>().is_err() {
        return Err(gettext_f("“{}” is not an IP address.", &[address]));
    }
    let g = display(doc)?;
    g.set_listen(doc, Some(address).filter(|a| !a.is_empty()));
    Ok(())
}

/// Sets the display's password; empty removes it.
pub fn set_password(doc: &mut DomainXml, password: &str) -> Result<(), String> {
    let g = display(doc)?;
    if g.graphics_type(doc).as_deref() == Some("vnc") && password.len() > 8 {
        return Err(gettext("VNC passwords have at most 8 characters."));
    }
    g.set_passwd(doc, Some(password).filter(|p| !p.is_empty()));
    Ok(())
}

/// Switches the display to `kind` (one of [`KINDS`]).
pub fn set_kind(doc: &mut DomainXml, kind: &str) -> Result<(), String> {
    if !KINDS.contains(&kind) {
        return Err(gettext_f("Unknown display type “{}”.", &[kind]));
    }
    let g = display(doc)?;
    if g.graphics_type(doc).as_deref() == Some(kind) {
        return Ok(());
    }
    let (attrs, children) = if kind == "vnc" { SPICE_ONLY } else { VNC_ONLY };
    let node = g.node();
    let d = doc.as_mut();
    for a in attrs {
        d.remove_attr(node, a);
    }
    for c in children {
        d.remove_children(node, c);
    }
    // A VNC socket's <listen type='socket'> goes with it.
    if kind == "spice" {
        let sockets: Vec<_> = d
            .elements_named(node, "listen")
            .filter(|&l| d.attr(l, "type").as_deref() == Some("socket"))
            .collect();
        for l in sockets {
            d.remove(l);
        }
    }
    g.set_graphics_type(doc, Some(kind));
    swap_agent(doc, kind)
}

/// The clipboard agent's channel for a display of `kind`.
fn agent_for(kind: &str) -> &'static str {
    if kind == "spice" {
        "spicevmc"
    } else {
        "qemu-vdagent"
    }
}

/// Turns a clipboard agent channel for the other protocol into the one for `kind`; a VNC
/// display also loses SPICE's folder-sharing port and USB redirection ports (libvirt refuses
/// them without SPICE).
fn swap_agent(doc: &mut DomainXml, kind: &str) -> Result<(), String> {
    if kind != "spice" {
        let spice_only = |spec: Option<DeviceSpec>| match spec {
            Some(DeviceSpec::Channel { kind }) => kind == "spiceport",
            Some(DeviceSpec::UsbRedirection) => true,
            _ => false,
        };
        while let Some(i) = devices::others(doc)
            .into_iter()
            .position(|d| spice_only(DeviceSpec::read(doc, d)))
        {
            devices::remove(doc, i)?;
        }
    }
    let want = agent_for(kind);
    let other = agent_for(if kind == "spice" { "vnc" } else { "spice" });
    let found = devices::others(doc).into_iter().enumerate().find(|(_, d)| {
        matches!(DeviceSpec::read(doc, *d), Some(DeviceSpec::Channel { kind: k }) if k == other)
    });
    if let Some((i, _)) = found {
        devices::remove(doc, i)?;
        devices::add(
            doc,
            &DeviceSpec::Channel {
                kind: want.to_owned(),
            },
        )?;
    }
    Ok(())
}

/// Adds a display of `kind` listening on this machine only, with its clipboard agent's
/// channel (the other protocol's agent channel becomes it; a port taken otherwise is kept).
pub fn add(doc: &mut DomainXml, kind: &str) -> Result<(), String> {
    if !KINDS.contains(&kind) {
        return Err(gettext_f("Unknown display type “{}”.", &[kind]));
    }
    if first(doc).is_some() {
        return Err(gettext("The VM already has a graphical display."));
    }
    let xml = format!(
        "<graphics type='{kind}' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>"
    );
    let devices = doc.root().ensure_devices(doc);
    devices.add_xml(doc, &xml).map_err(|e| e.to_string())?;
    swap_agent(doc, kind)?;
    let agent = DeviceSpec::Channel {
        kind: agent_for(kind).to_owned(),
    };
    // A port already taken keeps its agent.
    let _ = devices::add(doc, &agent);
    Ok(())
}

/// The display group of the devices page.
pub fn group(m: &HardwareEditor, doc: &DomainXml, tx: &Tx) -> adw::PreferencesGroup {
    let note = m.restart_note();
    let Some(g) = first(doc) else {
        let group = rows::group(&gettext("Display"), note.as_deref());
        let row = adw::ActionRow::new();
        row.set_title(&gettext("The VM has no graphical display."));
        for kind in KINDS {
            let label = gettext_f("Add {}", &[&kind_title(kind)]);
            row.add_suffix(&rows::button(&label, tx, move || {
                Msg::AddDisplay((*kind).to_owned())
            }));
        }
        group.add(&row);
        return group;
    };
    let kind = g.graphics_type(doc).unwrap_or_default().into_owned();
    let group = rows::group(
        &gettext_f("Display ({})", &[&kind_title(&kind)]),
        note.as_deref(),
    );
    let titles: Vec<String> = KINDS.iter().map(|k| kind_title(k)).collect();
    let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
    rows::combo(
        &group,
        &gettext("Protocol"),
        &refs,
        &kind_title(&kind),
        tx,
        |t| Msg::SetDisplayKind(t.to_lowercase()),
    );
    rows::entry(
        &group,
        &gettext("Listen address"),
        &g.listen(doc).unwrap_or_default(),
        tx,
        Msg::SetDisplayListen,
    );
    let title = if kind == "vnc" {
        gettext("Password (at most 8 characters)")
    } else {
        gettext("Password")
    };
    let pw = crate::ui::a11y::password_row(&title);
    pw.set_text(&g.passwd(doc).unwrap_or_default());
    let s = tx.clone();
    pw.connect_changed(move |r| s.send(Msg::SetDisplayPassword(r.text().to_string())));
    group.add(&pw);
    group
}

#[cfg(test)]
mod tests {
    use super::*;

    const VNC: &str = "<domain type='qemu'><name>a</name><devices>\
        <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' sharePolicy='allow-exclusive' passwd='pw'>\
        <listen type='address' address='127.0.0.1'/></graphics>\
        <channel type='qemu-vdagent'><source><clipboard copypaste='yes'/></source>\
        <target type='virtio' name='com.redhat.spice.0'/></channel>\
        </devices></domain>";

    #[test]
    fn switching_keeps_the_listen_address_and_password_and_swaps_the_agent() {
        let mut doc = DomainXml::parse(VNC).unwrap();
        set_kind(&mut doc, "spice").unwrap();
        let xml = doc.to_string();
        assert!(
            xml.contains(
                "<graphics type='spice' port='-1' autoport='yes' listen='127.0.0.1' passwd='pw'>"
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<listen type='address' address='127.0.0.1'/>"),
            "{xml}"
        );
        assert!(xml.contains("<channel type='spicevmc'>"), "{xml}");
        assert!(!xml.contains("qemu-vdagent"), "{xml}");
        set_kind(&mut doc, "vnc").unwrap();
        let xml = doc.to_string();
        assert!(xml.contains("<graphics type='vnc'"), "{xml}");
        assert!(xml.contains("<channel type='qemu-vdagent'>"), "{xml}");
        assert!(set_kind(&mut doc, "rdp").is_err());
        // Long passwords are for SPICE only.
        assert!(set_password(&mut doc, "longer than eight").is_err());
        set_kind(&mut doc, "spice").unwrap();
        set_password(&mut doc, "longer than eight").unwrap();
    }

    #[test]
    fn a_display_is_added_once_with_its_agent() {
        let mut doc =
            DomainXml::parse("<domain type='qemu'><name>a</name><devices/></domain>").unwrap();
        assert!(set_kind(&mut doc, "spice").is_err());
        add(&mut doc, "spice").unwrap();
        let xml = doc.to_string();
        assert!(
            xml.contains("<graphics type='spice' autoport='yes' listen='127.0.0.1'>"),
            "{xml}"
        );
        assert!(xml.contains("<channel type='spicevmc'>"), "{xml}");
        assert!(add(&mut doc, "vnc").is_err());
    }
}
