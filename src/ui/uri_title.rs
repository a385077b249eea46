//! Readable names for connection URIs.

use crate::i18n::{gettext, gettext_f};

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
