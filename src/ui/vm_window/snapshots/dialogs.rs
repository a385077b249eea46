//! The snapshots page's dialogs: create (name, description, and the kind of snapshot with the
//! reason when internal snapshots cannot work), revert (what is lost, and the state
//! afterwards) and delete (what goes and what stays).

use adw::prelude::*;

use super::model::{
    After, Blocker, CreateRequest, Kind, Scope, SnapInfo, delete_explanation, revert_warning,
};
use crate::i18n::{gettext, gettext_f};

fn dialog(parent: Option<&gtk::Window>, heading: &str, body: &str) -> adw::MessageDialog {
    let d = adw::MessageDialog::new(parent, Some(heading), Some(body));
    d.set_body_use_markup(false);
    d.add_response("cancel", &gettext("_Cancel"));
    d.set_default_response(Some("cancel"));
    d.set_close_response("cancel");
    d
}

fn caption(text: &str) -> gtk::Label {
    let l = gtk::Label::new(Some(text));
    l.set_wrap(true);
    l.set_xalign(0.0);
    l.set_max_width_chars(50);
    l.add_css_class("dim-label");
    l
}

/// Asks for a new snapshot's name, description and kind. `blockers` say why internal
/// snapshots cannot work (then disk-only is offered instead); `active` whether the VM runs.
pub fn ask_create(
    parent: Option<&gtk::Window>,
    active: bool,
    blockers: &[Blocker],
    on_create: impl Fn(CreateRequest) + 'static,
) -> adw::MessageDialog {
    let internal_ok = blockers.is_empty();
    let body = if internal_ok && active {
        gettext(
            "The snapshot keeps the disks and the running VM's memory inside the qcow2 images; reverting to it resumes the VM where it was.",
        )
    } else if internal_ok {
        gettext("The snapshot keeps the disks inside the qcow2 images.")
    } else {
        let mut b = gettext("Internal snapshots are not possible for this VM:");
        for r in blockers {
            b.push_str("\n• ");
            b.push_str(&r.text());
        }
        b
    };
    let d = dialog(parent, &gettext("Create Snapshot"), &body);
    let name = gtk::Entry::new();
    name.set_placeholder_text(Some(&gettext("Name (empty: the time)")));
    name.update_property(&[gtk::accessible::Property::Label(&gettext("Name"))]);
    name.set_activates_default(true);
    let description = gtk::Entry::new();
    description.set_placeholder_text(Some(&gettext("Description")));
    description.update_property(&[gtk::accessible::Property::Label(&gettext("Description"))]);
    let disk_only =
        gtk::CheckButton::with_label(&gettext("Disks only, in new overlay files (external)"));
    let no_disk = blockers.contains(&Blocker::NoDisk);
    disk_only.set_active(!internal_ok);
    disk_only.set_sensitive(internal_ok && !no_disk);
    let boxed = gtk::Box::new(gtk::Orientation::Vertical, 6);
    boxed.append(&name);
    boxed.append(&description);
    boxed.append(&disk_only);
    if !internal_ok && !no_disk {
        boxed.append(&caption(&gettext(
            "A disk-only snapshot works instead: each disk gets a qcow2 overlay next to its image, and the VM writes there from now on. It does not keep memory, and libvirt 9.0 cannot revert to it yet.",
        )));
    }
    d.set_extra_child(Some(&boxed));
    d.add_response("create", &gettext("C_reate"));
    d.set_response_appearance("create", adw::ResponseAppearance::Suggested);
    d.set_response_enabled("create", !no_disk);
    d.set_default_response(Some("create"));
    d.connect_response(None, move |_, response| {
        if response == "create" {
            on_create(CreateRequest {
                name: name.text().to_string(),
                description: description.text().to_string(),
                kind: if disk_only.is_active() {
                    Kind::DiskOnly
                } else {
                    Kind::Internal
                },
            });
        }
    });
    d.present();
    d
}

/// Asks before reverting to `snap`, with the state the VM should be in afterwards.
pub fn ask_revert(
    parent: Option<&gtk::Window>,
    snap: &SnapInfo,
    active: bool,
    on_revert: impl Fn(After) + 'static,
) -> adw::MessageDialog {
    let d = dialog(
        parent,
        &gettext_f("Revert to “{}”?", &[&snap.name]),
        &revert_warning(snap, active),
    );
    let choices = [
        (
            After::AsTaken,
            gettext_f("As when taken ({})", &[&snap.state_text()]),
        ),
        (After::Running, gettext("Running")),
        (After::Paused, gettext("Paused")),
    ];
    let labels: Vec<&str> = choices.iter().map(|(_, l)| l.as_str()).collect();
    let after = gtk::DropDown::from_strings(&labels);
    after.update_property(&[gtk::accessible::Property::Label(&gettext(
        "State afterwards",
    ))]);
    let row = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    row.append(&gtk::Label::new(Some(&gettext("Afterwards:"))));
    row.append(&after);
    d.set_extra_child(Some(&row));
    d.add_response("revert", &gettext("_Revert"));
    d.set_response_appearance("revert", adw::ResponseAppearance::Destructive);
    d.connect_response(None, move |_, response| {
        if response == "revert" {
            let i = after.selected() as usize;
            on_revert(choices.get(i).map(|c| c.0).unwrap_or(After::AsTaken));
        }
    });
    d.present();
    d
}

/// Asks before deleting `snap` with `scope`; `descendants` counts the snapshots below it.
pub fn ask_delete(
    parent: Option<&gtk::Window>,
    snap: &SnapInfo,
    scope: Scope,
    descendants: usize,
    on_delete: impl Fn() + 'static,
) -> adw::MessageDialog {
    let heading = match scope {
        Scope::This => gettext_f("Delete “{}”?", &[&snap.name]),
        Scope::WithChildren => gettext_f("Delete “{}” and its children?", &[&snap.name]),
        Scope::MetadataOnly => gettext_f("Forget “{}”?", &[&snap.name]),
    };
    let d = dialog(
        parent,
        &heading,
        &delete_explanation(snap, scope, descendants),
    );
    d.add_response("delete", &gettext("_Delete"));
    d.set_response_appearance("delete", adw::ResponseAppearance::Destructive);
    d.connect_response(None, move |_, response| {
        if response == "delete" {
            on_delete();
        }
    });
    d.present();
    d
}
