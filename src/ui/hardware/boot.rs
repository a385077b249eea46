//! Boot options: device order, boot menu, direct kernel boot, firmware and TPM.

use adw::prelude::*;
use virt_xml::DomainXml;

use super::rows;
use super::{HardwareEditor, HardwareEditorMsg as Msg, Tx};
use crate::i18n::gettext;

/// Sets the boot devices in order.
pub fn set_order(doc: &mut DomainXml, order: &[String]) {
    let os = doc.root().ensure_os(doc);
    let refs: Vec<&str> = order.iter().map(String::as_str).collect();
    os.set_boot_order(doc, &refs);
}

/// Shows or hides the boot menu.
pub fn set_menu(doc: &mut DomainXml, on: bool) {
    let os = doc.root().ensure_os(doc);
    os.set_bootmenu(doc, Some(on));
}

/// Sets direct kernel boot; empty values remove their element.
pub fn set_kernel(doc: &mut DomainXml, kernel: &str, initrd: &str, cmdline: &str) {
    let os = doc.root().ensure_os(doc);
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    os.set_kernel(doc, opt(kernel).as_deref());
    os.set_initrd(doc, opt(initrd).as_deref());
    os.set_cmdline(doc, opt(cmdline).as_deref());
}

const DEVICES: [&str; 4] = ["hd", "cdrom", "network", "fd"];

fn device_label(dev: &str) -> String {
    match dev {
        "hd" => gettext("Hard disk"),
        "cdrom" => gettext("CD-ROM"),
        "network" => gettext("Network (PXE)"),
        _ => gettext("Floppy"),
    }
}

/// The boot page.
pub fn page(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesPage {
    let page = adw::PreferencesPage::new();
    let Some(doc) = m.edited.as_ref() else {
        return page;
    };
    let os = doc.root().os(doc);
    let order: Vec<String> = os
        .map(|o| {
            o.boot_order(doc)
                .into_iter()
                .map(|c| c.into_owned())
                .collect()
        })
        .unwrap_or_default();
    let note = m.restart_note();
    let g = rows::group(&gettext("Boot Order"), note.as_deref());
    // Checked devices boot in the order shown; the order is the one already defined, then
    // the rest.
    let mut shown: Vec<String> = order.clone();
    shown.extend(
        DEVICES
            .iter()
            .map(|d| (*d).to_owned())
            .filter(|d| !order.contains(d)),
    );
    let checks: Vec<(String, gtk::CheckButton)> = shown
        .iter()
        .map(|dev| {
            let row = adw::ActionRow::new();
            row.set_title(&device_label(dev));
            let c = gtk::CheckButton::new();
            crate::ui::a11y::name(&c, &device_label(dev));
            c.set_active(order.contains(dev));
            row.add_prefix(&c);
            crate::ui::a11y::row_widget(&row, &c);
            g.add(&row);
            (dev.clone(), c)
        })
        .collect();
    for (_, c) in &checks {
        let all = checks.clone();
        let s = tx.clone();
        c.connect_toggled(move |_| {
            let order = all
                .iter()
                .filter(|(_, c)| c.is_active())
                .map(|(d, _)| d.clone())
                .collect();
            s.send(Msg::SetBootOrder(order));
        });
    }
    rows::switch(
        &g,
        &gettext("Boot menu"),
        &gettext("Let the user pick a device at start"),
        os.and_then(|o| o.bootmenu(doc)).unwrap_or(false),
        tx,
        Msg::SetBootMenu,
    );
    page.add(&g);

    let g = rows::group(&gettext("Direct Kernel Boot"), None);
    let get = |f: fn(virt_xml::domain::Os, &DomainXml) -> Option<std::borrow::Cow<'_, str>>| {
        os.and_then(|o| f(o, doc)).unwrap_or_default().into_owned()
    };
    let kernel = rows::text(&g, &gettext("Kernel path"), &get(|o, d| o.kernel(d)));
    let initrd = rows::text(&g, &gettext("Initrd path"), &get(|o, d| o.initrd(d)));
    let cmdline = rows::text(&g, &gettext("Kernel arguments"), &get(|o, d| o.cmdline(d)));
    let send = {
        let (k, i, c) = (kernel.clone(), initrd.clone(), cmdline.clone());
        move || {
            Msg::SetKernelBoot(
                k.text().to_string(),
                i.text().to_string(),
                c.text().to_string(),
            )
        }
    };
    let row = adw::ActionRow::new();
    row.set_title(&gettext("Use these paths"));
    row.add_suffix(&rows::button(&gettext("Set"), tx, send));
    g.add(&row);
    page.add(&g);

    page.add(&super::firmware::group(m, doc, tx));
    page
}
