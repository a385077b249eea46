//! A row in the main window's list of connections.

use adw::prelude::*;
use relm4::factory::{DynamicIndex, FactoryComponent, FactorySender};
use relm4::prelude::*;

use crate::i18n::{gettext, gettext_f};

/// A saved connection.
#[derive(Debug)]
pub struct ConnectionRow {
    uri: String,
}

/// What a connection row asks of the window.
#[derive(Debug)]
pub enum ConnectionRowOutput {
    /// The user wants this connection removed from the list.
    Remove(DynamicIndex),
}

impl ConnectionRow {
    /// The connection's URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

/// A readable name for a connection URI: hypervisor and where it runs.
pub fn describe_uri(uri: &str) -> String {
    let (scheme, rest) = uri.split_once("://").unwrap_or((uri, ""));
    let driver = scheme.split('+').next().unwrap_or(scheme);
    let hypervisor = match driver {
        "qemu" | "kvm" => "QEMU/KVM".to_string(),
        "test" => gettext("Test driver"),
        "lxc" => "LXC".to_string(),
        "xen" => "Xen".to_string(),
        "ch" => "Cloud Hypervisor".to_string(),
        other => other.to_string(),
    };
    let authority = rest.split('/').next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let path = rest.split_once('/').map(|(_, p)| p).unwrap_or("");
    let session = path.split('?').next() == Some("session");
    match (host.is_empty(), session) {
        (true, true) => gettext_f("{} user session", &[&hypervisor]),
        (true, false) => gettext_f("{} on this computer", &[&hypervisor]),
        (false, _) => gettext_f("{} on {}", &[&hypervisor, host]),
    }
}

#[relm4::factory(pub)]
impl FactoryComponent for ConnectionRow {
    type Init = String;
    type Input = ();
    type Output = ConnectionRowOutput;
    type CommandOutput = ();
    type ParentWidget = gtk::ListBox;

    view! {
        adw::ActionRow {
            add_css_class: "connection-row",
            set_title: &describe_uri(&self.uri),
            set_subtitle: &self.uri,
            set_subtitle_lines: 1,

            add_prefix = &gtk::Image {
                set_icon_name: Some("computer-symbolic"),
                set_accessible_role: gtk::AccessibleRole::Presentation,
            },

            add_suffix = &gtk::Button {
                set_icon_name: "user-trash-symbolic",
                set_valign: gtk::Align::Center,
                add_css_class: "flat",
                set_tooltip_text: Some(&gettext("Remove Connection")),
                update_property: &[gtk::accessible::Property::Label(&gettext_f(
                    "Remove connection {}", &[&self.uri]))],
                connect_clicked[sender, index] => move |_| {
                    let _ = sender.output(ConnectionRowOutput::Remove(index.clone()));
                },
            },
        }
    }

    fn init_model(uri: Self::Init, _index: &DynamicIndex, _sender: FactorySender<Self>) -> Self {
        Self { uri }
    }
}

#[cfg(test)]
mod tests {
    use super::describe_uri;

    #[test]
    fn names_hypervisor_and_place() {
        assert_eq!(describe_uri("qemu:///system"), "QEMU/KVM on this computer");
        assert_eq!(describe_uri("qemu:///session"), "QEMU/KVM user session");
        assert_eq!(
            describe_uri("qemu+ssh://root@box.lan/system"),
            "QEMU/KVM on box.lan"
        );
        assert_eq!(
            describe_uri("test:///default"),
            "Test driver on this computer"
        );
        assert_eq!(
            describe_uri("qemu+unix:///system?socket=/tmp/s"),
            "QEMU/KVM on this computer"
        );
    }
}
