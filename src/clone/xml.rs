//! The clone's domain XML, made from the source's with virt-xml's lossless tree: a new name, no
//! `<uuid>` (libvirt makes one), new MAC addresses, the new volumes' paths, and the NVRAM file.
//! Everything else is kept as the source has it, byte for byte.

use std::collections::HashSet;

use virt_xml::{Document, NodeId};

use super::names::fresh_mac;

/// A disk of the source that the clone gets its own copy of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDisk {
    /// Which `<disk>` element it is, counting every disk in document order.
    pub element: usize,
    /// The image's path on the host.
    pub path: String,
    /// The target device (`vda`), for messages.
    pub target: String,
}

/// What happens to the NVRAM file of a UEFI VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NvramEdit {
    /// The VM has none, or it stays as it is.
    Keep,
    /// The clone uses this file (a copy of the source's).
    Path(String),
    /// The path is dropped so libvirt creates a fresh one from the firmware's template.
    Fresh,
}

/// The changes that turn the source's XML into the clone's.
#[derive(Debug, Clone)]
pub struct Edits {
    /// The clone's name.
    pub name: String,
    /// For each disk to copy (by `<disk>` element index): the new volume's path, and the
    /// format to set on `<driver type>` (a linked clone's overlays are qcow2).
    pub disks: Vec<(usize, String, Option<String>)>,
    /// The NVRAM file.
    pub nvram: NvramEdit,
    /// MAC addresses in use on the host, which the new ones avoid.
    pub macs_taken: HashSet<String>,
}

fn disk_elements(doc: &Document) -> Vec<NodeId> {
    doc.find(doc.root(), "devices")
        .map(|devs| doc.elements_named(devs, "disk").collect())
        .unwrap_or_default()
}

/// The disks the clone copies: `device='disk'` (the default) with a file or block source, and
/// not shared with other VMs (`<shareable/>`) or read-only, which clones keep using as they are.
pub fn copied_disks(doc: &Document) -> Vec<SourceDisk> {
    disk_elements(doc)
        .into_iter()
        .enumerate()
        .filter(|&(_, d)| doc.attr(d, "device").as_deref().unwrap_or("disk") == "disk")
        .filter(|&(_, d)| doc.child(d, "shareable").is_none() && doc.child(d, "readonly").is_none())
        .filter_map(|(element, d)| {
            let source = doc.child(d, "source")?;
            let path = doc
                .attr(source, "file")
                .or_else(|| doc.attr(source, "dev"))?;
            let target = doc
                .child(d, "target")
                .and_then(|t| doc.attr(t, "dev"))
                .unwrap_or_default();
            Some(SourceDisk {
                element,
                path: path.into_owned(),
                target: target.into_owned(),
            })
        })
        .collect()
}

/// Disks of the source that a clone cannot copy through the storage API (a network or
/// pool-volume source): their target devices.
pub fn uncopyable_disks(doc: &Document) -> Vec<String> {
    let copied: HashSet<usize> = copied_disks(doc).into_iter().map(|d| d.element).collect();
    disk_elements(doc)
        .into_iter()
        .enumerate()
        .filter(|&(i, d)| {
            !copied.contains(&i)
                && doc.attr(d, "device").as_deref().unwrap_or("disk") == "disk"
                && doc.child(d, "shareable").is_none()
                && doc.child(d, "readonly").is_none()
                && doc.child(d, "source").is_some()
        })
        .map(|(_, d)| {
            doc.child(d, "target")
                .and_then(|t| doc.attr(t, "dev"))
                .unwrap_or_default()
                .into_owned()
        })
        .collect()
}

/// The NVRAM file's path, if the VM has one.
pub fn nvram_path(doc: &Document) -> Option<String> {
    let nvram = doc.find(doc.root(), "os/nvram")?;
    let path = doc.text(nvram).trim().to_string();
    (!path.is_empty()).then_some(path)
}

/// Every MAC address of the VM's interfaces, lower case.
pub fn macs(doc: &Document) -> Vec<String> {
    let Some(devs) = doc.find(doc.root(), "devices") else {
        return Vec::new();
    };
    doc.elements_named(devs, "interface")
        .filter_map(|i| doc.child(i, "mac"))
        .filter_map(|m| doc.attr(m, "address"))
        .map(|a| a.to_ascii_lowercase())
        .collect()
}

/// The clone's XML.
pub fn clone_xml(source_xml: &str, edits: &Edits) -> Result<String, virt_xml::Error> {
    let mut doc = Document::parse(source_xml)?;
    let root = doc.root();
    if let Some(name) = doc.child(root, "name") {
        doc.set_text(name, &edits.name);
    }
    doc.remove_children(root, "uuid");
    let disks = disk_elements(&doc);
    for (element, path, format) in &edits.disks {
        let Some(&disk) = disks.get(*element) else {
            continue;
        };
        doc.remove_children(disk, "backingStore");
        if let Some(source) = doc.child(disk, "source") {
            let attr = if doc.attr(source, "dev").is_some() {
                "dev"
            } else {
                "file"
            };
            doc.set_attr(source, attr, path);
        }
        if let (Some(format), Some(driver)) = (format, doc.child(disk, "driver")) {
            doc.set_attr(driver, "type", format);
        }
    }
    let mut taken = edits.macs_taken.clone();
    if let Some(devs) = doc.find(root, "devices") {
        let macs: Vec<NodeId> = doc
            .elements_named(devs, "interface")
            .filter_map(|i| doc.child(i, "mac"))
            .collect();
        for mac in macs {
            let fresh = fresh_mac(&taken);
            doc.set_attr(mac, "address", &fresh);
            taken.insert(fresh);
        }
    }
    if let Some(nvram) = doc.find(root, "os/nvram") {
        match &edits.nvram {
            NvramEdit::Keep => {}
            NvramEdit::Path(p) => doc.set_text(nvram, p),
            NvramEdit::Fresh => {
                if doc.attrs(nvram).next().is_some() {
                    doc.set_text(nvram, "");
                } else {
                    doc.remove(nvram);
                }
            }
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"<domain type='qemu'>
  <name>web</name>
  <uuid>c7a5fdbd-cdaf-9455-926a-d65c16db1809</uuid>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/web_VARS.fd</nvram>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='/pool/web.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <source file='/iso/debian.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/pool/data.qcow2'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <interface type='user'>
      <mac address='52:54:00:aa:bb:cc'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
"#;

    fn doc() -> Document {
        Document::parse(SOURCE).unwrap()
    }

    #[test]
    fn disks_to_copy_skip_cdroms() {
        let disks = copied_disks(&doc());
        assert_eq!(disks.len(), 2);
        assert_eq!(disks[0].path, "/pool/web.img");
        assert_eq!(disks[0].target, "vda");
        assert_eq!((disks[1].element, disks[1].target.as_str()), (2, "vdb"));
        assert!(uncopyable_disks(&doc()).is_empty());
        assert_eq!(
            nvram_path(&doc()).as_deref(),
            Some("/var/lib/libvirt/qemu/nvram/web_VARS.fd")
        );
        assert_eq!(macs(&doc()), vec!["52:54:00:aa:bb:cc".to_string()]);
    }

    #[test]
    fn the_clone_gets_a_name_paths_and_a_mac_and_loses_the_uuid() {
        let edits = Edits {
            name: "web-clone".into(),
            disks: vec![
                (0, "/pool/web-clone.img".into(), None),
                (2, "/pool/web-clone-2.qcow2".into(), Some("qcow2".into())),
            ],
            nvram: NvramEdit::Path("/nv/web-clone_VARS.fd".into()),
            macs_taken: ["52:54:00:aa:bb:cc".to_string()].into(),
        };
        let xml = clone_xml(SOURCE, &edits).unwrap();
        let d = Document::parse(&xml).unwrap();
        assert_eq!(d.child_text(d.root(), "name").as_deref(), Some("web-clone"));
        assert!(d.child(d.root(), "uuid").is_none());
        let disks = copied_disks(&d);
        assert_eq!(disks[0].path, "/pool/web-clone.img");
        assert_eq!(disks[1].path, "/pool/web-clone-2.qcow2");
        assert!(xml.contains("<source file='/iso/debian.iso'/>"));
        assert_eq!(nvram_path(&d).as_deref(), Some("/nv/web-clone_VARS.fd"));
        let mac = &macs(&d)[0];
        assert_ne!(mac, "52:54:00:aa:bb:cc");
        assert!(mac.starts_with("52:54:00:"));
        // Untouched parts stay as they were.
        assert!(xml.contains("<driver name='qemu' type='raw'/>"));
        assert!(xml.contains("<model type='virtio'/>"));
    }

    #[test]
    fn a_fresh_nvram_keeps_the_template() {
        let edits = Edits {
            name: "w2".into(),
            disks: vec![],
            nvram: NvramEdit::Fresh,
            macs_taken: HashSet::new(),
        };
        let xml = clone_xml(SOURCE, &edits).unwrap();
        let d = Document::parse(&xml).unwrap();
        assert_eq!(nvram_path(&d), None);
        assert!(xml.contains("template='/usr/share/OVMF/OVMF_VARS_4M.fd'"));
    }

    #[test]
    fn linked_overlays_become_qcow2() {
        let edits = Edits {
            name: "w3".into(),
            disks: vec![(0, "/pool/w3.qcow2".into(), Some("qcow2".into()))],
            nvram: NvramEdit::Keep,
            macs_taken: HashSet::new(),
        };
        let xml = clone_xml(SOURCE, &edits).unwrap();
        assert!(
            xml.contains(
                "<driver name='qemu' type='qcow2'/>\n      <source file='/pool/w3.qcow2'/>"
            )
        );
    }
}
