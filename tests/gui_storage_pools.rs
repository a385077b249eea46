//! The storage page's pool definitions on a private daemon, with `virsh pool-dumpxml` as the
//! oracle: the XML tab shows the definition, applies edits, and refuses bad XML with nothing
//! changed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use adw::prelude::*;
use hangar::ui::storage::StoragePageMsg as Msg;
use relm4::prelude::*;
use support::storage::{open, running_pool, select_pool, send};
use support::wait_until;
use testbed::Libvirtd;

fn virsh(d: &Libvirtd, args: &[&str]) -> String {
    d.virsh(&d.qemu_uri(), args).unwrap()
}

fn definition(d: &Libvirtd, pool: &str) -> String {
    virsh(d, &["pool-dumpxml", "--inactive", pool])
}

fn shown(page: &relm4::Controller<hangar::ui::storage::StoragePage>) -> String {
    let b = page.widgets().forms.xml.text.buffer();
    let (a, e) = b.bounds();
    b.text(&a, &e, false).to_string()
}

#[gtk::test]
fn the_xml_tab_applies_edits_and_refuses_bad_xml() {
    support::init_gui();
    let d = Libvirtd::start().unwrap();
    let dir = running_pool(&d, "xp");
    let (win, page) = open(&d);
    select_pool(&page, "xp");
    let before = definition(&d, "xp");
    assert_eq!(shown(&page).trim(), before.trim());

    // Refused, nothing changed: not XML, another name, what the daemon does not take.
    let other = format!("{}-moved", dir.display());
    for (text, expect) in [
        (before.replace("</pool>", "</pool"), "Not valid"),
        (
            before.replace("<name>xp</name>", "<name>renamed</name>"),
            "must stay",
        ),
        (
            before.replace("type='dir'", "type='no-such-type'"),
            "refused",
        ),
    ] {
        page.widgets().forms.xml.text.buffer().set_text(&text);
        page.widgets().forms.xml.apply.emit_clicked();
        assert!(
            wait_until(30, || page
                .model()
                .xml_error()
                .is_some_and(|e| e.contains(expect))
                && !page.model().busy()),
            "{expect}: {:?}",
            page.model().xml_error()
        );
        assert!(page.widgets().forms.xml.error.is_visible());
        assert_eq!(definition(&d, "xp"), before);
        // A reload keeps what the user typed.
        send(&page, Msg::Reload);
        assert_eq!(shown(&page), text);
    }

    // An edit goes to the definition; the running pool keeps its path until restarted.
    let edited = before.replace(
        &format!("<path>{}</path>", dir.display()),
        &format!("<path>{other}</path>"),
    );
    assert_ne!(edited, before);
    page.widgets().forms.xml.text.buffer().set_text(&edited);
    let loads = page.model().loads();
    page.widgets().forms.xml.apply.emit_clicked();
    assert!(wait_until(30, || page.model().loads() > loads && !page.model().busy()));
    assert_eq!(page.model().xml_error(), None);
    assert!(!page.widgets().forms.xml.error.is_visible());
    assert!(page.model().notice().unwrap().contains("next start"));
    let after = definition(&d, "xp");
    assert!(after.contains(&other), "{after}");
    assert!(
        virsh(&d, &["pool-dumpxml", "xp"]).contains(&format!("<path>{}</path>", dir.display()))
    );
    assert!(wait_until(10, || shown(&page).trim() == after.trim()));
    win.destroy();
}
