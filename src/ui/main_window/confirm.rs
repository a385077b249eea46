//! Questions asked before something that cannot be undone, and the rename prompt.

use adw::prelude::*;

use crate::i18n::{gettext, gettext_f, ngettext};
use crate::session::model::VmAction;

/// What the user is asked to confirm.
#[derive(Debug, Clone)]
pub struct Confirmation {
    /// The dialog's heading.
    pub heading: String,
    /// What will be lost.
    pub body: String,
    /// The label of the button that goes ahead.
    pub accept: String,
}

/// The question for `action` on the VMs named `names`, or `None` if it needs none.
pub fn confirmation_for(action: &VmAction, names: &[String]) -> Option<Confirmation> {
    let one = names.first().cloned().unwrap_or_default();
    let many = names.len() > 1;
    let count = names.len().to_string();
    Some(match action {
        VmAction::ForceOff => Confirmation {
            heading: if many {
                gettext_f("Force Off {} Virtual Machines?", &[&count])
            } else {
                gettext_f("Force Off “{}”?", &[&one])
            },
            body: gettext(
                "The guest is stopped at once, like pulling the power cord. Anything it has not saved to disk is lost.",
            ),
            accept: gettext("_Force Off"),
        },
        VmAction::Reset => Confirmation {
            heading: if many {
                gettext_f("Reset {} Virtual Machines?", &[&count])
            } else {
                gettext_f("Reset “{}”?", &[&one])
            },
            body: gettext(
                "The guest restarts at once, like pressing a reset button. Anything it has not saved to disk is lost.",
            ),
            accept: gettext("_Reset"),
        },
        VmAction::Delete { .. } => Confirmation {
            heading: if many {
                gettext_f("Delete {} Virtual Machines?", &[&count])
            } else {
                gettext_f("Delete “{}”?", &[&one])
            },
            body: ngettext(
                "Its configuration, saved state and snapshots are removed from the host. This cannot be undone.",
                "Their configurations, saved states and snapshots are removed from the host. This cannot be undone.",
                names.len() as u32,
            ),
            accept: gettext("_Delete"),
        },
        VmAction::DiscardSave => Confirmation {
            heading: if many {
                gettext_f("Discard the Saved State of {} Virtual Machines?", &[&count])
            } else {
                gettext_f("Discard the Saved State of “{}”?", &[&one])
            },
            body: gettext(
                "The memory saved on the host is removed: the next start boots the guest afresh, and what it had not written to disk is lost.",
            ),
            accept: gettext("_Discard"),
        },
        _ => return None,
    })
}

/// Asks `question` over `parent`. `on_accept` runs with whether the optional check box
/// (`check`, e.g. "Also delete storage") was ticked.
pub fn ask(
    parent: &impl IsA<gtk::Window>,
    question: &Confirmation,
    check: Option<(String, String)>,
    on_accept: impl Fn(bool) + 'static,
) -> adw::MessageDialog {
    let dialog =
        adw::MessageDialog::new(Some(parent), Some(&question.heading), Some(&question.body));
    dialog.add_response("cancel", &gettext("_Cancel"));
    dialog.add_response("accept", &question.accept);
    dialog.set_response_appearance("accept", adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    let check_button = check.map(|(label, details)| {
        let button = gtk::CheckButton::with_mnemonic(&label);
        button.set_tooltip_text(Some(&details));
        let list = gtk::Label::new(Some(&details));
        list.set_wrap(true);
        list.set_xalign(0.0);
        list.add_css_class("dim-label");
        list.add_css_class("caption");
        let boxed = gtk::Box::new(gtk::Orientation::Vertical, 6);
        boxed.append(&button);
        boxed.append(&list);
        dialog.set_extra_child(Some(&boxed));
        button
    });
    dialog.connect_response(None, move |_, response| {
        if response == "accept" {
            on_accept(check_button.as_ref().is_some_and(|b| b.is_active()));
        }
    });
    dialog.present();
    dialog
}

/// Asks for a new name for the VM `current`; `on_rename` gets the new name.
pub fn ask_rename(
    parent: &impl IsA<gtk::Window>,
    current: &str,
    on_rename: impl Fn(String) + 'static,
) -> adw::MessageDialog {
    let dialog = adw::MessageDialog::new(
        Some(parent),
        Some(&gettext_f("Rename “{}”", &[current])),
        Some(&gettext(
            "Letters, digits, dots, dashes and underscores work everywhere.",
        )),
    );
    let entry = gtk::Entry::new();
    entry.set_text(current);
    entry.set_activates_default(true);
    entry.update_property(&[gtk::accessible::Property::Label(&gettext("New name"))]);
    dialog.set_extra_child(Some(&entry));
    dialog.add_response("cancel", &gettext("_Cancel"));
    dialog.add_response("rename", &gettext("_Rename"));
    dialog.set_response_appearance("rename", adw::ResponseAppearance::Suggested);
    dialog.set_default_response(Some("rename"));
    dialog.set_close_response("cancel");
    let current = current.to_string();
    let weak_dialog = dialog.downgrade();
    entry.connect_changed(move |e| {
        if let Some(d) = weak_dialog.upgrade() {
            d.set_response_enabled("rename", validate_name(&e.text()).is_ok());
        }
    });
    dialog.connect_response(None, move |_, response| {
        let name = entry.text().trim().to_string();
        if response == "rename" && name != current && validate_name(&name).is_ok() {
            on_rename(name);
        }
    });
    dialog.present();
    dialog
}

/// Asks the user what a host or ssh wants to know (user name, password, passphrase, a
/// question) for the connection to `uri`; cancelling answers nothing.
pub fn ask_credential(
    parent: &impl IsA<gtk::Window>,
    uri: &str,
    ask: crate::session::host::CredentialAsk,
) -> adw::MessageDialog {
    use virt_client::CredentialKind as K;
    if ask.request.kind == K::Confirm {
        return ask_trust(parent, uri, ask);
    }
    let heading = match ask.request.kind {
        K::Username => gettext("User Name Needed"),
        K::Password => gettext("Password Needed"),
        K::Passphrase => gettext("Key Passphrase Needed"),
        _ => gettext("Question from the Host"),
    };
    let body = format!("{}\n{}", ask.request.prompt.trim(), uri);
    let dialog = adw::MessageDialog::new(Some(parent), Some(&heading), Some(&body));
    let secret = matches!(ask.request.kind, K::Password | K::Passphrase);
    let entry: gtk::Editable = if secret {
        let e = gtk::PasswordEntry::new();
        e.set_show_peek_icon(true);
        e.set_activates_default(true);
        e.upcast()
    } else {
        let e = gtk::Entry::new();
        e.set_activates_default(true);
        if let Some(default) = &ask.request.default {
            e.set_text(default);
        }
        e.upcast()
    };
    entry.update_property(&[gtk::accessible::Property::Label(&heading)]);
    let extra = gtk::Box::new(gtk::Orientation::Vertical, 6);
    extra.append(&entry);
    // Remembered answers go to the desktop's keyring (Secret Service).
    let remember = gtk::CheckButton::with_mnemonic(&gettext("_Remember in the keyring"));
    remember.set_visible(ask.can_remember);
    extra.append(&remember);
    dialog.set_extra_child(Some(&extra));
    dialog.add_response("cancel", &gettext("_Cancel"));
    dialog.add_response("ok", &gettext("_Connect"));
    dialog.set_response_appearance("ok", adw::ResponseAppearance::Suggested);
    dialog.set_default_response(Some("ok"));
    dialog.set_close_response("cancel");
    dialog.connect_response(None, move |_, response| {
        ask.reply_remember(
            (response == "ok").then(|| entry.text().to_string()),
            remember.is_active(),
        );
    });
    dialog.present();
    dialog
}

/// Whether to trust a host key that is not known yet: the question shows the key's
/// fingerprint; only "Trust" answers yes. Closing the dialog refuses.
fn ask_trust(
    parent: &impl IsA<gtk::Window>,
    uri: &str,
    ask: crate::session::host::CredentialAsk,
) -> adw::MessageDialog {
    let heading = gettext("Unknown Host Key");
    let body = format!("{}\n{}", ask.request.prompt.trim(), uri);
    let dialog = adw::MessageDialog::new(Some(parent), Some(&heading), Some(&body));
    dialog.add_response("cancel", &gettext("_Cancel"));
    dialog.add_response("trust", &gettext("_Trust and Connect"));
    dialog.set_response_appearance("trust", adw::ResponseAppearance::Suggested);
    // Enter does not trust a key by accident.
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    dialog.connect_response(None, move |_, response| {
        ask.reply(Some(
            if response == "trust" { "yes" } else { "no" }.to_owned(),
        ));
    });
    dialog.present();
    dialog
}

/// Checks a VM name the way libvirt's drivers accept it.
pub fn validate_name(name: &str) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(gettext("A name cannot be empty."));
    }
    if name.contains('/') {
        return Err(gettext("A name cannot contain “/”."));
    }
    if name.chars().any(char::is_control) {
        return Err(gettext("A name cannot contain control characters."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destructive_actions_ask_and_say_what_is_lost() {
        let q = confirmation_for(&VmAction::ForceOff, &["web".into()]).unwrap();
        assert!(q.heading.contains("web"));
        assert!(q.body.contains("lost"));
        let q = confirmation_for(
            &VmAction::Delete { storage: vec![] },
            &["a".into(), "b".into()],
        )
        .unwrap();
        assert!(q.heading.contains('2'));
        assert!(confirmation_for(&VmAction::Run, &["a".into()]).is_none());
    }

    #[test]
    fn names() {
        assert!(validate_name("vm-1").is_ok());
        assert!(validate_name(" ").is_err());
        assert!(validate_name("a/b").is_err());
    }
}
