//! The rows the overview's "Guest" group shows for an answer: addresses per network card,
//! then the guest agent's operating system, host name and file systems, or why no agent
//! answers and how to get one.

use super::data::{AgentAnswer, GuestData};
use crate::i18n::{gettext, gettext_f};
use crate::ui::storage::ops::format_size;

/// One row of the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The row's title.
    pub title: String,
    /// The text under it (may be empty).
    pub subtitle: String,
    /// The value on its right (may be empty).
    pub value: String,
}

fn line(title: String, subtitle: impl Into<String>, value: impl Into<String>) -> Line {
    Line {
        title,
        subtitle: subtitle.into(),
        value: value.into(),
    }
}

/// What the group shows for an answer.
pub fn lines(shown: &Result<Option<GuestData>, String>) -> Vec<Line> {
    let d = match shown {
        Err(e) => return vec![line(gettext("Guest"), e.clone(), "")],
        Ok(None) => {
            return vec![line(
                gettext("Not running"),
                gettext("The guest's addresses and details show while the VM runs."),
                "",
            )];
        }
        Ok(Some(d)) => d,
    };
    let mut rows = Vec::new();
    if d.interfaces.is_empty() {
        rows.push(line(gettext("Addresses"), "", gettext("None known")));
    }
    for i in &d.interfaces {
        let who = match &i.mac {
            Some(mac) => format!("{} · {mac}", i.name),
            None => i.name.clone(),
        };
        let list = if i.addresses.is_empty() {
            gettext("None known")
        } else {
            i.addresses.join("\n")
        };
        rows.push(line(gettext("Addresses"), who, list));
    }
    let how = gettext(
        "Install qemu-guest-agent in the guest and start it to see its operating system, host name and file systems.",
    );
    match &d.agent {
        AgentAnswer::Info(info) => {
            if let Some(os) = &info.os {
                let text = os
                    .pretty_name
                    .clone()
                    .or_else(|| os.name.clone())
                    .unwrap_or_default();
                let kernel = match (&os.kernel_release, &os.machine) {
                    (Some(k), Some(m)) => format!("{k} ({m})"),
                    (Some(k), None) => k.clone(),
                    _ => String::new(),
                };
                rows.push(line(gettext("Operating system"), kernel, text));
            }
            if let Some(h) = &info.hostname {
                rows.push(line(gettext("Host name"), "", h.clone()));
            }
            for fs in &info.filesystems {
                let usage = match (fs.used_bytes, fs.total_bytes) {
                    (Some(u), Some(t)) => {
                        gettext_f("{} of {} used", &[&format_size(u), &format_size(t)])
                    }
                    _ => String::new(),
                };
                let what = format!("{} · {}", fs.fstype, fs.name);
                rows.push(line(fs.mountpoint.clone(), what, usage));
            }
        }
        AgentAnswer::NoChannel => rows.push(line(
            gettext("No guest agent answers"),
            gettext_f(
                "This VM has no channel for a guest agent. Add a virtio channel named {} in the hardware page's XML (VMs made with the new-VM assistant have one). {}",
                &["org.qemu.guest_agent.0", &how],
            ),
            "",
        )),
        AgentAnswer::NoAgent => rows.push(line(gettext("No guest agent answers"), how, "")),
        AgentAnswer::Unsupported => rows.push(line(
            gettext("No guest agent answers"),
            gettext("This host does not ask guest agents."),
            "",
        )),
        AgentAnswer::Paused => rows.push(line(
            gettext("Guest agent"),
            gettext("The VM is paused: its guest agent answers again when it resumes."),
            "",
        )),
        AgentAnswer::Failed(e) => rows.push(line(gettext("Guest agent"), e.clone(), "")),
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::vm_window::guest::data::AddressRow;
    use virt_client::domain::{GuestFs, GuestInfo, GuestOs};

    fn card() -> AddressRow {
        AddressRow {
            name: "eth0".into(),
            mac: Some("52:54:00:aa:00:01".into()),
            addresses: vec!["192.168.100.5/24".into(), "fe80::1/64".into()],
        }
    }

    fn titles(l: &[Line]) -> Vec<&str> {
        l.iter().map(|l| l.title.as_str()).collect()
    }

    #[test]
    fn an_answering_agent_gives_system_name_and_file_systems() {
        let info = GuestInfo {
            os: Some(GuestOs {
                pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
                kernel_release: Some("6.1.0-57-amd64".into()),
                machine: Some("x86_64".into()),
                ..GuestOs::default()
            }),
            hostname: Some("web".into()),
            filesystems: vec![GuestFs {
                mountpoint: "/".into(),
                name: "vda1".into(),
                fstype: "ext4".into(),
                total_bytes: Some(2 << 30),
                used_bytes: Some(1 << 30),
                disks: vec!["vda".into()],
            }],
            ..GuestInfo::default()
        };
        let l = lines(&Ok(Some(GuestData {
            interfaces: vec![card()],
            agent: AgentAnswer::Info(Box::new(info)),
        })));
        assert_eq!(
            titles(&l),
            ["Addresses", "Operating system", "Host name", "/"]
        );
        assert_eq!(l[0].subtitle, "eth0 · 52:54:00:aa:00:01");
        assert_eq!(l[0].value, "192.168.100.5/24\nfe80::1/64");
        assert_eq!(l[1].value, "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(l[1].subtitle, "6.1.0-57-amd64 (x86_64)");
        assert_eq!(l[2].value, "web");
        assert_eq!(l[3].subtitle, "ext4 · vda1");
        assert_eq!(l[3].value, "1.0\u{a0}GiB of 2.0\u{a0}GiB used");
    }

    #[test]
    fn without_an_agent_it_says_so_and_how_to_get_one() {
        for agent in [AgentAnswer::NoAgent, AgentAnswer::NoChannel] {
            let channel = agent == AgentAnswer::NoChannel;
            let l = lines(&Ok(Some(GuestData {
                interfaces: Vec::new(),
                agent,
            })));
            assert_eq!(titles(&l), ["Addresses", "No guest agent answers"]);
            assert_eq!(l[0].value, "None known");
            assert!(l[1].subtitle.contains("Install qemu-guest-agent"), "{l:?}");
            assert_eq!(
                l[1].subtitle.contains("org.qemu.guest_agent.0"),
                channel,
                "{l:?}"
            );
        }
        let l = lines(&Ok(Some(GuestData {
            interfaces: vec![card()],
            agent: AgentAnswer::Paused,
        })));
        assert_eq!(titles(&l), ["Addresses", "Guest agent"]);
        assert!(l[1].subtitle.contains("paused"), "{l:?}");
        let l = lines(&Ok(None));
        assert_eq!(titles(&l), ["Not running"]);
        let l = lines(&Err("connection closed".into()));
        assert_eq!(l[0].subtitle, "connection closed");
    }
}
