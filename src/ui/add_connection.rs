//! The "Add Connection" dialog: takes a libvirt URI and checks its form before it is saved.

use adw::prelude::*;
use relm4::prelude::*;

use crate::i18n::gettext;

/// Hypervisors the form offers: (label, driver, path).
const HYPERVISORS: [(&str, &str, &str); 5] = [
    ("QEMU/KVM", "qemu", "system"),
    ("QEMU/KVM user session", "qemu", "session"),
    ("LXC", "lxc", ""),
    ("Xen", "xen", ""),
    ("Test driver", "test", "default"),
];

/// How to reach the host: (label, transport). Index 0 is this computer.
const TRANSPORTS: [(&str, &str); 4] = [
    ("This computer", ""),
    ("SSH", "ssh"),
    ("TLS", "tls"),
    ("TCP (unencrypted)", "tcp"),
];

/// The form's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionForm {
    /// Index into the hypervisor list.
    pub hypervisor: u32,
    /// Index into the transport list (0: this computer).
    pub transport: u32,
    /// User name for SSH.
    pub user: String,
    /// Host name or address.
    pub host: String,
    /// Port, empty for the default.
    pub port: String,
    /// Open read-only.
    pub read_only: bool,
    /// A URI typed by hand; used instead of the fields when not empty.
    pub custom: String,
}

impl ConnectionForm {
    /// The URI the form describes.
    pub fn uri(&self) -> String {
        let custom = self.custom.trim();
        if !custom.is_empty() {
            return custom.to_string();
        }
        let (_, driver, path) = HYPERVISORS[(self.hypervisor as usize).min(HYPERVISORS.len() - 1)];
        let (_, transport) = TRANSPORTS[(self.transport as usize).min(TRANSPORTS.len() - 1)];
        let mut uri = driver.to_string();
        let mut authority = String::new();
        if !transport.is_empty() {
            uri.push('+');
            uri.push_str(transport);
            let user = self.user.trim();
            if !user.is_empty() && transport == "ssh" {
                authority.push_str(user);
                authority.push('@');
            }
            authority.push_str(self.host.trim());
            let port = self.port.trim();
            if !port.is_empty() {
                authority.push(':');
                authority.push_str(port);
            }
        }
        uri.push_str("://");
        uri.push_str(&authority);
        uri.push('/');
        uri.push_str(path);
        if self.read_only {
            // libvirt's own clients have no URI flag for this; Hangar's connection reads it.
            uri.push_str(if uri.contains('?') { "&" } else { "?" });
            uri.push_str("readonly=1");
        }
        uri
    }

    /// Checks the fields, then the URI.
    pub fn validate(&self) -> Result<String, String> {
        if self.custom.trim().is_empty() && self.transport != 0 {
            if self.host.trim().is_empty() {
                return Err(gettext("Enter the host to connect to."));
            }
            let port = self.port.trim();
            if !port.is_empty() && port.parse::<u16>().map_or(true, |p| p == 0) {
                return Err(gettext("The port must be a number from 1 to 65535."));
            }
        }
        let uri = self.uri();
        validate_uri(&uri)?;
        Ok(uri)
    }
}

/// The dialog's state.
#[derive(Debug, Default)]
pub struct AddConnection {
    form: ConnectionForm,
    error: Option<String>,
    visible: bool,
    /// Set while handling Show, so that the fields are cleared exactly then (setting a
    /// field's text on every update would echo back as a change, forever).
    resetting: bool,
}

/// Messages to the dialog.
#[derive(Debug)]
pub enum AddConnectionMsg {
    /// Open the dialog with an empty form.
    Show,
    /// Close it without adding anything.
    Cancel,
    /// The hypervisor choice changed.
    Hypervisor(u32),
    /// The transport choice changed.
    Transport(u32),
    /// The user name changed.
    User(String),
    /// The host changed.
    Host(String),
    /// The port changed.
    Port(String),
    /// Read-only toggled.
    ReadOnly(bool),
    /// The custom URI changed.
    UriChanged(String),
    /// Add the connection if the form is valid.
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
            set_default_width: 520,
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
                        set_label: &gettext("_Connect"),
                        set_use_underline: true,
                        add_css_class: "suggested-action",
                        connect_clicked => AddConnectionMsg::Submit,
                    },
                },

                adw::PreferencesPage {
                    adw::PreferencesGroup {
                        #[name = "hypervisor_row"]
                        adw::ComboRow {
                            set_title: &gettext("Hypervisor"),
                            set_model: Some(&labels(&HYPERVISORS.map(|h| h.0))),
                            #[track = "model.resetting"]
                            set_selected: model.form.hypervisor,
                            connect_selected_notify[sender] => move |r| {
                                sender.input(AddConnectionMsg::Hypervisor(r.selected()));
                            },
                        },
                        #[name = "transport_row"]
                        adw::ComboRow {
                            set_title: &gettext("Host"),
                            set_model: Some(&labels(&TRANSPORTS.map(|t| t.0))),
                            #[track = "model.resetting"]
                            set_selected: model.form.transport,
                            connect_selected_notify[sender] => move |r| {
                                sender.input(AddConnectionMsg::Transport(r.selected()));
                            },
                        },
                        adw::EntryRow {
                            set_title: &gettext("User name"),
                            #[watch]
                            set_visible: model.form.transport == 1,
                            #[track = "model.resetting"]
                            set_text: &model.form.user,
                            connect_changed[sender] => move |r| {
                                sender.input(AddConnectionMsg::User(r.text().to_string()));
                            },
                        },
                        adw::EntryRow {
                            set_title: &gettext("Host name or address"),
                            #[watch]
                            set_visible: model.form.transport != 0,
                            #[track = "model.resetting"]
                            set_text: &model.form.host,
                            connect_changed[sender] => move |r| {
                                sender.input(AddConnectionMsg::Host(r.text().to_string()));
                            },
                            connect_entry_activated => AddConnectionMsg::Submit,
                        },
                        adw::EntryRow {
                            set_title: &gettext("Port (optional)"),
                            set_input_purpose: gtk::InputPurpose::Digits,
                            #[watch]
                            set_visible: model.form.transport != 0,
                            #[track = "model.resetting"]
                            set_text: &model.form.port,
                            connect_changed[sender] => move |r| {
                                sender.input(AddConnectionMsg::Port(r.text().to_string()));
                            },
                        },
                        adw::ActionRow {
                            set_title: &gettext("Read-only"),
                            set_subtitle: &gettext("Watch virtual machines without changing them"),
                            #[name = "read_only_switch"]
                            add_suffix = &gtk::Switch {
                                set_valign: gtk::Align::Center,
                                #[track = "model.resetting"]
                                set_active: model.form.read_only,
                                connect_active_notify[sender] => move |s| {
                                    sender.input(AddConnectionMsg::ReadOnly(s.is_active()));
                                },
                            },
                            set_activatable_widget: Some(&read_only_switch),
                        },
                    },

                    adw::PreferencesGroup {
                        set_title: &gettext("Custom URI"),
                        set_description: Some(&gettext(
                            "For example qemu:///system for this computer, or qemu+ssh://user@host/system for another one.")),

                        #[name = "uri_row"]
                        adw::EntryRow {
                            set_title: &gettext("Connection URI"),
                            #[track = "model.resetting"]
                            set_text: &model.form.custom,
                            connect_changed[sender] => move |row| {
                                sender.input(AddConnectionMsg::UriChanged(row.text().to_string()));
                            },
                            connect_entry_activated => AddConnectionMsg::Submit,
                        },
                    },

                    adw::PreferencesGroup {
                        gtk::Label {
                            set_xalign: 0.0,
                            set_selectable: true,
                            add_css_class: "monospace",
                            add_css_class: "dim-label",
                            #[watch]
                            set_label: &model.form.uri(),
                        },
                        gtk::Label {
                            set_margin_top: 12,
                            set_xalign: 0.0,
                            set_wrap: true,
                            add_css_class: "error",
                            set_accessible_role: gtk::AccessibleRole::Alert,
                            #[watch]
                            set_visible: model.error.is_some(),
                            #[watch]
                            set_label: model.error.as_deref().unwrap_or(""),
                        },
                    },
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
        let mut edited = true;
        self.resetting = matches!(msg, AddConnectionMsg::Show);
        match msg {
            AddConnectionMsg::Show => {
                self.form = ConnectionForm::default();
                self.visible = true;
                edited = false;
            }
            AddConnectionMsg::Cancel => {
                self.visible = false;
                edited = false;
            }
            AddConnectionMsg::Hypervisor(i) => self.form.hypervisor = i,
            AddConnectionMsg::Transport(i) => self.form.transport = i,
            AddConnectionMsg::User(v) => self.form.user = v,
            AddConnectionMsg::Host(v) => self.form.host = v,
            AddConnectionMsg::Port(v) => self.form.port = v,
            AddConnectionMsg::ReadOnly(v) => self.form.read_only = v,
            AddConnectionMsg::UriChanged(uri) => self.form.custom = uri,
            AddConnectionMsg::Submit => {
                edited = false;
                match self.form.validate() {
                    Ok(uri) => {
                        self.visible = false;
                        let _ = sender.output(AddConnectionOutput::Added(uri));
                    }
                    Err(e) => self.error = Some(e),
                }
            }
        }
        if edited {
            self.error = None;
        }
    }
}

fn labels(items: &[&str]) -> gtk::StringList {
    let translated: Vec<String> = items.iter().map(|s| gettext(*s)).collect();
    let refs: Vec<&str> = translated.iter().map(String::as_str).collect();
    gtk::StringList::new(&refs)
}

#[cfg(test)]
mod tests {
    use super::{ConnectionForm, validate_uri};

    #[test]
    fn the_form_builds_libvirt_uris() {
        let local = ConnectionForm::default();
        assert_eq!(local.uri(), "qemu:///system");
        let session = ConnectionForm {
            hypervisor: 1,
            ..Default::default()
        };
        assert_eq!(session.uri(), "qemu:///session");
        let ssh = ConnectionForm {
            transport: 1,
            user: "root".into(),
            host: "box.lan".into(),
            port: "2222".into(),
            ..Default::default()
        };
        assert_eq!(ssh.uri(), "qemu+ssh://root@box.lan:2222/system");
        let tls = ConnectionForm {
            transport: 2,
            host: "h".into(),
            user: "x".into(),
            ..Default::default()
        };
        assert_eq!(tls.uri(), "qemu+tls://h/system");
        let test = ConnectionForm {
            hypervisor: 4,
            ..Default::default()
        };
        assert_eq!(test.uri(), "test:///default");
        let custom = ConnectionForm {
            custom: " qemu+tcp://h/system ".into(),
            ..Default::default()
        };
        assert_eq!(custom.uri(), "qemu+tcp://h/system");
    }

    #[test]
    fn the_form_explains_what_is_missing() {
        let no_host = ConnectionForm {
            transport: 1,
            ..Default::default()
        };
        assert!(no_host.validate().is_err());
        let bad_port = ConnectionForm {
            transport: 3,
            host: "h".into(),
            port: "99999".into(),
            ..Default::default()
        };
        assert!(bad_port.validate().is_err());
        let ok = ConnectionForm {
            transport: 3,
            host: "h".into(),
            port: "16509".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate(), Ok("qemu+tcp://h:16509/system".into()));
    }

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
