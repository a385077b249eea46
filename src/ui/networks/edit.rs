//! Editing a network in the form: the form filled from its XML, and the form's settings
//! put back into that XML, everything the form does not show kept as it was.

use virt_xml::NetworkXml;
use virt_xml::builder::{NetworkMode, NetworkSpec};

use super::form::NetworkForm;
use super::ops::mode_of;

/// The form for the network of `xml`.
pub fn form_of(xml: &NetworkXml) -> NetworkForm {
    let n = xml.root();
    let mode = NetworkMode::parse(&mode_of(xml)).unwrap_or_default();
    let mut form = NetworkForm {
        name: n.name(xml).unwrap_or_default().into_owned(),
        mode,
        forward_dev: n.forward_dev(xml).unwrap_or_default().into_owned(),
        bridge: n.bridge_name(xml).unwrap_or_default().into_owned(),
        domain: n.domain_name(xml).unwrap_or_default().into_owned(),
        ..NetworkForm::default()
    };
    for ip in n.ips(xml) {
        let Some(address) = ip.address(xml) else {
            continue;
        };
        let prefix = ip.prefix(xml).ok().flatten().unwrap_or(24);
        let v6 = address.contains(':') || ip.family(xml).as_deref() == Some("ipv6");
        let range = ip.dhcp_ranges(xml).into_iter().next();
        let (start, end) = range
            .map(|(s, e)| (s.into_owned(), e.into_owned()))
            .unwrap_or_default();
        if v6 && form.ipv6.is_empty() {
            form.ipv6 = format!("{address}/{prefix}");
            (form.dhcp6_start, form.dhcp6_end) = (start, end);
        } else if !v6 && form.ipv4.is_empty() {
            form.ipv4 = format!("{address}/{prefix}");
            (form.dhcp_start, form.dhcp_end) = (start, end);
            form.hosts = ip
                .dhcp_hosts(xml)
                .into_iter()
                .filter_map(|h| {
                    let line = format!("{} {}", h.mac?, h.ip?);
                    Some(match h.name {
                        Some(name) => format!("{line} {name}"),
                        None => line,
                    })
                })
                .collect::<Vec<_>>()
                .join("\n");
        }
    }
    form
}

/// `existing` with the settings of `spec`.
pub fn merged(existing: &str, spec: &NetworkSpec) -> Result<String, String> {
    let mut doc = NetworkXml::parse(existing).map_err(|e| e.to_string())?;
    let built = virt_xml::builder::network(spec).map_err(|e| e.to_string())?;
    doc.root()
        .replace_settings(&mut doc, &built)
        .map_err(|e| e.to_string())?;
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_round_trips_through_the_form() {
        let text = "<network>\n  <name>lab</name>\n  <forward mode='route' dev='eth0'/>\n  <bridge name='virbr5'/>\n  <domain name='lab.test'/>\n  <ip address='192.168.5.1' netmask='255.255.255.0'>\n    <dhcp>\n      <range start='192.168.5.100' end='192.168.5.150'/>\n      <host mac='52:54:00:00:00:07' name='db' ip='192.168.5.7'/>\n    </dhcp>\n  </ip>\n  <ip family='ipv6' address='fd00:5::1' prefix='64'/>\n</network>\n";
        let Ok(xml) = NetworkXml::parse(text) else {
            panic!("the test's XML parses");
        };
        let form = form_of(&xml);
        assert_eq!(form.mode, NetworkMode::Route);
        assert_eq!(form.ipv4, "192.168.5.1/24");
        assert_eq!(form.hosts, "52:54:00:00:00:07 192.168.5.7 db");
        assert_eq!(form.ipv6, "fd00:5::1/64");
        let spec = form.validate(&[]);
        assert!(spec.is_ok(), "{spec:?}");
        let again = spec.and_then(|s| merged(text, &s));
        let Ok(again) = again else {
            panic!("{again:?}");
        };
        assert!(
            again.contains("<range start='192.168.5.100' end='192.168.5.150'/>"),
            "{again}"
        );
        assert!(again.contains("dev='eth0'"), "{again}");
    }
}
