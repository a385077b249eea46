//! `vsh domifaddr` and `vsh domhostname` against virsh: the test driver's guest addresses
//! from each source and its host name, and on running QEMU domains (with and without a guest
//! agent channel, no agent answering) the errors; the client's typed agent errors for them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use testbed::Libvirtd;
use virt_client::domain::{AddressSource, AgentUnavailable, HostnameSource};
use virt_client::{Connection, Domain};

fn vsh_path() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("examples/vsh")
}

/// Standard output, standard error and success of `prog -c URI ARGS…`.
fn run(prog: &str, uri: &str, args: &[&str]) -> (String, String, bool) {
    let out = Command::new(prog)
        .arg("-c")
        .arg(uri)
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.success(),
    )
}

/// Runs both and asserts the same output; returns virsh's.
fn same(uri: &str, args: &[&str]) -> (String, String, bool) {
    let p = vsh_path();
    assert!(p.exists(), "build the example first: {}", p.display());
    let ours = run(p.to_str().unwrap(), uri, args);
    let theirs = run("virsh", uri, args);
    assert_eq!(ours, theirs, "vsh vs virsh {args:?}");
    theirs
}

#[test]
fn test_driver_addresses_and_hostname_match_virsh() {
    let uri = Libvirtd::shared().test_uri();
    for args in [
        &["domifaddr", "test"][..],
        &["domifaddr", "test", "--full"],
        &["domifaddr", "test", "--source", "lease"],
        &["domifaddr", "test", "--source", "agent", "--full"],
        &["domifaddr", "test", "--source=arp"],
        &["domifaddr", "test", "--interface", "testnet0"],
        &["domifaddr", "test", "--interface", "nothere"],
        &["domhostname", "test"],
    ] {
        let (out, _, ok) = same(&uri, args);
        assert!(ok, "{args:?}");
        assert!(!out.trim().is_empty(), "{args:?}");
    }
    let (out, _, _) = same(&uri, &["domifaddr", "test"]);
    assert!(out.contains("192.168.122.3/24"), "{out}");
    let (_, err, ok) = same(&uri, &["domifaddr", "test", "--source", "dhcp"]);
    assert!(!ok && err.contains("Unknown data source"), "{err}");
}

/// A tiny running VM, with a guest agent channel when `agent`; no agent answers on it.
fn running_vm(d: &Libvirtd, uri: &str, prefix: &str, agent: bool) -> String {
    let name = testbed::unique_name(prefix);
    let mut xml = testbed::vm::tiny_xml(&name);
    if agent {
        xml = xml.replace(
            "</devices>",
            "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices>",
        );
    }
    let file = d.dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    d.virsh(uri, &["define", file.to_str().unwrap()]).unwrap();
    d.virsh(uri, &["start", &name]).unwrap();
    name
}

#[tokio::test]
async fn without_an_agent_the_errors_match_virsh_and_are_typed() {
    let d = Libvirtd::shared();
    let uri = d.qemu_uri();
    let with = running_vm(d, &uri, "agentch", true);
    let without = running_vm(d, &uri, "noagent", false);
    let conn = Connection::open(&uri).await.unwrap();
    for (name, want) in [
        (&with, AgentUnavailable::NotConnected),
        (&without, AgentUnavailable::NotConfigured),
    ] {
        for args in [
            &["domifaddr", name.as_str(), "--source", "agent"][..],
            &["domhostname", name.as_str()],
            &["domhostname", name.as_str(), "--source", "agent"],
        ] {
            let (_, err, ok) = same(&uri, args);
            assert!(!ok && err.contains("agent"), "{args:?}: {err}");
        }
        // Leases and ARP need no agent: the VM has no interfaces, so an empty table.
        let (out, _, ok) = same(&uri, &["domifaddr", name, "--source", "lease"]);
        assert!(ok && out.lines().count() == 3, "{out}");
        same(&uri, &["domifaddr", name, "--source", "arp"]);

        let dom = Domain::lookup_by_name(&conn, name).await.unwrap();
        let e = dom
            .interface_addresses(AddressSource::Agent)
            .await
            .unwrap_err();
        assert_eq!(e.agent_unavailable(), Some(want), "{e}");
        let e = dom.guest_info(0).await.unwrap_err();
        assert_eq!(e.agent_unavailable(), Some(want), "{e}");
        let e = dom.hostname(HostnameSource::Agent).await.unwrap_err();
        assert_eq!(e.agent_unavailable(), Some(want), "{e}");
        let e = dom.fs_info().await.unwrap_err();
        assert_eq!(e.agent_unavailable(), Some(want), "{e}");
        assert_eq!(
            dom.interface_addresses(AddressSource::Lease).await.unwrap(),
            Vec::new()
        );
        d.virsh(&uri, &["destroy", name]).unwrap();
        let e = dom.guest_info(0).await.unwrap_err();
        assert_eq!(
            e.agent_unavailable(),
            Some(AgentUnavailable::NotRunning),
            "{e}"
        );
        let _ = d.virsh(&uri, &["undefine", name]);
    }
}
