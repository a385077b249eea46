//! Reading guest agent replies: a reply as the QEMU driver sends it for a Fedora guest running
//! qemu-guest-agent (the fields `virsh guestinfo` prints), through the wire format.

use super::*;
use virt_proto::remote::{TypedParam, TypedParamValue as V};

fn param(field: &str, value: V) -> TypedParam {
    TypedParam {
        field: field.into(),
        value,
    }
}

fn s(v: &str) -> V {
    V::String(v.into())
}

/// The reply of `virDomainGetGuestInfo(dom, 0, 0)` for a Fedora 39 guest.
fn recorded() -> Vec<TypedParam> {
    vec![
        param("user.count", V::UInt(1)),
        param("user.0.name", s("anna")),
        param("user.0.login-time", V::ULLong(1_701_936_000_123)),
        param("os.id", s("fedora")),
        param("os.name", s("Fedora Linux")),
        param("os.pretty-name", s("Fedora Linux 39 (Workstation Edition)")),
        param("os.version", s("39 (Workstation Edition)")),
        param("os.version-id", s("39")),
        param("os.kernel-release", s("6.6.4-200.fc39.x86_64")),
        param(
            "os.kernel-version",
            s("#1 SMP PREEMPT_DYNAMIC Sun Dec  3 18:13:11 UTC 2023"),
        ),
        param("os.machine", s("x86_64")),
        param("os.variant", s("Workstation Edition")),
        param("os.variant-id", s("workstation")),
        param("timezone.name", s("CET")),
        param("timezone.offset", V::Int(3600)),
        param("hostname", s("anna-vm")),
        param("fs.count", V::UInt(2)),
        param("fs.0.name", s("vda3")),
        param("fs.0.mountpoint", s("/")),
        param("fs.0.fstype", s("btrfs")),
        param("fs.0.total-bytes", V::ULLong(20_401_094_656)),
        param("fs.0.used-bytes", V::ULLong(5_368_709_120)),
        param("fs.0.disk.count", V::UInt(1)),
        param("fs.0.disk.0.alias", s("vda")),
        param("fs.0.disk.0.serial", s("")),
        param("fs.0.disk.0.device", s("/dev/vda3")),
        param("fs.1.name", s("vda2")),
        param("fs.1.mountpoint", s("/boot")),
        param("fs.1.fstype", s("ext4")),
        param("fs.1.disk.count", V::UInt(1)),
        param("fs.1.disk.0.alias", s("vda")),
        param("disk.count", V::UInt(1)),
        param("disk.0.name", s("/dev/vda")),
        param("disk.0.partition", V::Boolean(false)),
    ]
}

#[test]
fn a_recorded_guest_info_reply_reads_into_its_parts() {
    let wire = virt_proto::xdr::to_bytes(&p::DomainGetGuestInfoRet { params: recorded() })
        .expect("encodes");
    let back: p::DomainGetGuestInfoRet = virt_proto::xdr::from_bytes(&wire).expect("decodes");
    let info = GuestInfo::from_params(&back.params);
    let os = info.os.as_ref().expect("os");
    assert_eq!(
        os.pretty_name.as_deref(),
        Some("Fedora Linux 39 (Workstation Edition)")
    );
    assert_eq!(os.id.as_deref(), Some("fedora"));
    assert_eq!(os.kernel_release.as_deref(), Some("6.6.4-200.fc39.x86_64"));
    assert_eq!(os.machine.as_deref(), Some("x86_64"));
    assert_eq!(info.hostname.as_deref(), Some("anna-vm"));
    assert_eq!(info.timezone_name.as_deref(), Some("CET"));
    assert_eq!(info.timezone_offset, Some(3600));
    assert_eq!(
        info.users,
        vec![GuestUser {
            name: "anna".into(),
            domain: None,
            login_time_ms: Some(1_701_936_000_123),
        }]
    );
    assert_eq!(info.filesystems.len(), 2);
    assert_eq!(
        info.filesystems[0],
        GuestFs {
            mountpoint: "/".into(),
            name: "vda3".into(),
            fstype: "btrfs".into(),
            total_bytes: Some(20_401_094_656),
            used_bytes: Some(5_368_709_120),
            disks: vec!["vda".into()],
        }
    );
    assert_eq!(info.filesystems[1].mountpoint, "/boot");
    assert_eq!(
        info.filesystems[1].total_bytes, None,
        "not told, not made up"
    );
}

#[test]
fn parts_not_told_stay_empty() {
    let info = GuestInfo::from_params(&[param("hostname", s("h"))]);
    assert_eq!(info.os, None);
    assert_eq!(info.hostname.as_deref(), Some("h"));
    assert!(info.filesystems.is_empty() && info.users.is_empty());
    // A count larger than what follows gives empty entries, not a panic.
    let info = GuestInfo::from_params(&[param("fs.count", V::UInt(u32::MAX))]);
    assert_eq!(info.filesystems.len(), 1024);
}

fn libvirt_error(code: ErrorCode, message: &str) -> Error {
    Error::Libvirt {
        code,
        domain: crate::ErrorDomain::QEMU,
        level: crate::ErrorLevel::Error,
        message: message.into(),
        details: Box::default(),
    }
}

#[test]
fn agent_errors_are_told_apart() {
    let cases = [
        (
            ErrorCode::AGENT_UNRESPONSIVE,
            "Guest agent is not responding: QEMU guest agent is not connected",
            Some(AgentUnavailable::NotConnected),
        ),
        (
            ErrorCode::ARGUMENT_UNSUPPORTED,
            "argument unsupported: QEMU guest agent is not configured",
            Some(AgentUnavailable::NotConfigured),
        ),
        (
            ErrorCode::NO_SUPPORT,
            "this function is not supported by the connection driver: virDomainGetGuestInfo",
            Some(AgentUnavailable::Unsupported),
        ),
        (
            ErrorCode::OPERATION_INVALID,
            "Requested operation is not valid: domain is not running",
            Some(AgentUnavailable::NotRunning),
        ),
        (ErrorCode::INTERNAL_ERROR, "something else", None),
    ];
    for (code, message, want) in cases {
        assert_eq!(
            libvirt_error(code, message).agent_unavailable(),
            want,
            "{message}"
        );
    }
    assert_eq!(Error::Closed.agent_unavailable(), None);
}
