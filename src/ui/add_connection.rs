//! The "Add Connection" dialog: takes a libvirt URI and checks its form before it is saved.

use adw::prelude::*;
use relm4::prelude::*;

use crate::i18n::gettext;

/// The dialog's state.
#[derive(Debug, Default)]
pub struct AddConnection {
    uri: String,
    error: Option<String>,
    visible: bool,
}

/// Messages to the dialog.
#[derive(Debug)]
pub enum AddConnectionMsg {
    /// Open the dialog with an empty form.
    Show,
    /// Close it without adding anything.
    Cancel,
    /// The URI field changed.
    UriChanged(String),
    /// Add the connection if the URI is well formed.
    Submit,
}

/// What the dialog tells its parent.
#[derive(Debug)]
pub enum AddConnectionOutput {
    /// The user added a connection to this URI.
    Added(String),
}

/// Checks that `uri` has the form `driver[+transport]://[user@][host][:port]/path[?params]`.
pub fn validate_uri(uri: &str) -> Result<(), String> {
    let uri = uri.trim();
    if uri.is_empty() {
        return Err(gettext("Enter a connection URI, such as qemu:///system."));
    }
    let Some((scheme, rest)) = uri.split_once("://") else {
        return Err(gettext(
            "A connection URI starts with a hypervisor name and “://”.",
        ));
    };
    let scheme_ok = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-')
        && !scheme.starts_with('+')
        && !scheme.ends_with('+');
    if !scheme_ok {
        return Err(gettext("The hypervisor part of the URI is not valid."));
    }
    if let Some((_, transport)) = scheme.split_once('+')
        && !matches!(
            transport,
            "unix" | "ssh" | "tls" | "tcp" | "ext" | "libssh" | "libssh2"
        )
    {
        return Err(gettext(
            "Unknown transport: use unix, ssh, tls, tcp or ext after the “+”.",
        ));
    }
    if !rest.contains('/') {
        return Err(gettext("The URI needs a path, such as /system."));
    }
    if uri.chars().any(char::is_whitespace) {
        return Err(gettext("A connection URI cannot contain spaces."));
    }
    Ok(())
}

#[relm4::component(pub)]
impl SimpleComponent for AddConnection {
    type Init = ();
    type Input = AddConnectionMsg;
    type Output = AddConnectionOutput;

    view! {
        adw::Window {
            set_title: Some(&gettext("Add Connection")),
            set_modal: true,
            set_hide_on_close: true,
            set_default_width: 480,
            #[watch]
            set_visible: model.visible,
            connect_close_request[sender] => move |_| {
                sender.input(AddConnectionMsg::Cancel);
                gtk::glib::Propagation::Stop
            },

            gtk::Box {
                set_orientation: gtk::Orientation::Vertical,

                adw::HeaderBar {
                    set_show_end_title_buttons: false,
                    set_show_start_title_buttons: false,
                    pack_start = &gtk::Button {
                        set_label: &gettext("_Cancel"),
                        set_use_underline: true,
                        connect_clicked => AddConnectionMsg::Cancel,
                    },
                    pack_end = &gtk::Button {
                        set_label: &gettext("_Add"),
                        set_use_underline: true,
                        add_css_class: "suggested-action",
                        #[watch]
                        set_sensitive: !model.uri.trim().is_empty(),
                        connect_clicked => AddConnectionMsg::Submit,
                    },
                },

                adw::PreferencesGroup {
                    set_margin_all: 18,
                    set_description: Some(&gettext(
                        "For example qemu:///system for this computer, or qemu+ssh://user@host/system for another one.")),

                    #[name = "uri_row"]
                    adw::EntryRow {
                        set_title: &gettext("Connection URI"),
                        #[track = "model.uri.is_empty()"]
                        set_text: &model.uri,
                        connect_changed[sender] => move |row| {
                            sender.input(AddConnectionMsg::UriChanged(row.text().to_string()));
                        },
                        connect_entry_activated => AddConnectionMsg::Submit,
                    },
                },

                gtk::Label {
                    set_margin_start: 18,
                    set_margin_end: 18,
                    set_margin_bottom: 18,
                    set_xalign: 0.0,
                    set_wrap: true,
                    add_css_class: "error",
                    set_accessible_role: gtk::AccessibleRole::Alert,
                    #[watch]
                    set_visible: model.error.is_some(),
                    #[watch]
                    set_label: model.error.as_deref().unwrap_or(""),
                },
            }
        }
    }

    fn init(
        _init: Self::Init,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let model = AddConnection::default();
        let widgets = view_output!();
        ComponentParts { model, widgets }
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>) {
        match msg {
            AddConnectionMsg::Show => {
                self.uri.clear();
                self.error = None;
                self.visible = true;
            }
            AddConnectionMsg::Cancel => self.visible = false,
            AddConnectionMsg::UriChanged(uri) => {
                self.uri = uri;
                self.error = None;
            }
            AddConnectionMsg::Submit => match validate_uri(&self.uri) {
                Ok(()) => {
                    self.visible = false;
                    let _ = sender.output(AddConnectionOutput::Added(self.uri.trim().to_string()));
                }
                Err(e) => self.error = Some(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::validate_uri;

    #[test]
    fn accepts_libvirt_uris() {
        for uri in [
            "qemu:///system",
            "qemu:///session",
            "test:///default",
            "qemu+ssh://user@host:2222/system",
            "qemu+tls://host/system?no_verify=1",
            "qemu+unix:///system?socket=/run/x",
        ] {
            assert_eq!(validate_uri(uri), Ok(()), "{uri}");
        }
    }

    #[test]
    fn rejects_what_libvirt_would() {
        for uri in [
            "",
            "   ",
            "qemu",
            "qemu:/system",
            "+ssh://h/system",
            "qemu+ftp://h/system",
            "qemu://host",
            "qemu:///sys tem",
        ] {
            assert!(validate_uri(uri).is_err(), "{uri}");
        }
    }
}
