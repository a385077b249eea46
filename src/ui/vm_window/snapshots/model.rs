//! What the snapshots page knows, apart from GTK: a snapshot as read from its XML, the
//! snapshots in tree order, whether the VM's disks and firmware can hold internal snapshots,
//! and the words that say what reverting and deleting do.

use virt_xml::{Document, SnapshotXml};

use crate::i18n::{gettext, gettext_f, ngettext};

/// A snapshot as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapInfo {
    /// Its name.
    pub name: String,
    /// Its parent's name (none for a root, or when the parent's metadata is gone).
    pub parent: Option<String>,
    /// The user's description.
    pub description: String,
    /// libvirt's state when taken: `running`, `paused`, `shutoff`, `disk-snapshot`…
    pub state: String,
    /// When it was taken, seconds since the epoch.
    pub created: i64,
    /// Whether it lives in overlay files (external) rather than inside the disk images.
    pub external: bool,
    /// Whether it holds the VM's memory (reverting resumes the VM where it was).
    pub with_memory: bool,
    /// Whether it is the domain's current snapshot.
    pub current: bool,
    /// Depth in the tree (roots are 0).
    pub depth: usize,
    /// Its XML as libvirt gives it.
    pub xml: String,
}

impl SnapInfo {
    /// Reads a snapshot's XML; `current` says whether it is the current one.
    pub fn from_xml(xml: &str, current: bool) -> Result<SnapInfo, virt_xml::Error> {
        let doc = SnapshotXml::parse(xml)?;
        let root = doc.root();
        let memory = root.memory_snapshot(&doc).map(|m| m.into_owned());
        let disks = root.disks(&doc);
        let external = memory.as_deref() == Some("external")
            || disks
                .iter()
                .any(|(_, kind)| kind.as_deref() == Some("external"));
        let state = root.state(&doc).unwrap_or_default().into_owned();
        let with_memory = match memory.as_deref() {
            Some("no") => false,
            Some(_) => true,
            None => state != "disk-snapshot" && state != "shutoff",
        };
        Ok(SnapInfo {
            name: root.name(&doc).unwrap_or_default().into_owned(),
            parent: root.parent(&doc).map(|p| p.into_owned()),
            description: root.description(&doc).unwrap_or_default().into_owned(),
            state,
            created: root.creation_time(&doc)?.unwrap_or(0),
            external,
            with_memory,
            current,
            depth: 0,
            xml: xml.to_string(),
        })
    }

    /// The state when taken, in words.
    pub fn state_text(&self) -> String {
        match self.state.as_str() {
            "running" => gettext("Running"),
            "paused" => gettext("Paused"),
            "shutoff" => gettext("Shut off"),
            "disk-snapshot" => gettext("Disks only"),
            "crashed" => gettext("Crashed"),
            other => other.to_string(),
        }
    }

    /// When it was taken, in the local time zone.
    pub fn created_text(&self) -> String {
        gtk::glib::DateTime::from_unix_local(self.created)
            .and_then(|t| t.format("%Y-%m-%d %H:%M:%S"))
            .map(|s| s.to_string())
            .unwrap_or_default()
    }
}

/// Puts snapshots in tree order: each root (oldest first), then its children depth-first,
/// with [`SnapInfo::depth`] set. A snapshot whose parent is not listed counts as a root.
pub fn tree_order(mut snaps: Vec<SnapInfo>) -> Vec<SnapInfo> {
    snaps.sort_by(|a, b| a.created.cmp(&b.created).then(a.name.cmp(&b.name)));
    let names: Vec<String> = snaps.iter().map(|s| s.name.clone()).collect();
    let is_root = |s: &SnapInfo| s.parent.as_ref().is_none_or(|p| !names.contains(p));
    let mut out = Vec::with_capacity(snaps.len());
    let mut taken = vec![false; snaps.len()];
    let mut stack: Vec<(usize, usize)> = snaps
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, s)| is_root(s))
        .map(|(i, _)| (i, 0))
        .collect();
    while let Some((i, depth)) = stack.pop() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let mut s = snaps[i].clone();
        s.depth = depth;
        for (j, c) in snaps.iter().enumerate().rev() {
            if c.parent.as_deref() == Some(s.name.as_str()) && !taken[j] {
                stack.push((j, depth + 1));
            }
        }
        out.push(s);
    }
    // A cycle (which libvirt does not make) would leave some out: keep them as roots.
    for (i, s) in snaps.into_iter().enumerate() {
        if !taken[i] {
            out.push(s);
        }
    }
    out
}

/// Why the VM cannot have internal snapshots (snapshots kept inside its disk images).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// UEFI firmware with its variables in a pflash (raw NVRAM) file.
    Pflash,
    /// A disk in a format other than qcow2.
    Disk {
        /// Its target (`vda`).
        target: String,
        /// Its format (`raw`).
        format: String,
    },
    /// No disk that could hold a snapshot.
    NoDisk,
}

impl Blocker {
    /// The reason in words.
    pub fn text(&self) -> String {
        match self {
            Blocker::Pflash => gettext(
                "The VM boots UEFI firmware whose variables live in a raw NVRAM file, which cannot hold internal snapshots.",
            ),
            Blocker::Disk { target, format } => gettext_f(
                "Disk {} is a {} image; only qcow2 images can hold internal snapshots.",
                &[target, format],
            ),
            Blocker::NoDisk => gettext("The VM has no writable disk to take a snapshot of."),
        }
    }
}

/// What in the domain XML `xml` keeps internal snapshots from working: pflash firmware, and
/// writable disks that are not qcow2 (read-only disks, CD-ROMs and disks marked
/// `snapshot='no'` are left out of snapshots).
pub fn internal_blockers(xml: &str) -> Vec<Blocker> {
    let Ok(doc) = Document::parse(xml) else {
        return Vec::new();
    };
    let root = doc.root();
    // The test driver keeps snapshots as records only, whatever its disks.
    if doc.attr(root, "type").is_some_and(|t| t == "test") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let pflash = doc
        .find(root, "os/loader")
        .and_then(|l| doc.attr(l, "type"))
        .is_some_and(|t| t == "pflash");
    let efi = doc
        .child(root, "os")
        .and_then(|os| doc.attr(os, "firmware"))
        .is_some_and(|f| f == "efi");
    if pflash || efi {
        out.push(Blocker::Pflash);
    }
    let mut writable = 0;
    if let Some(devices) = doc.child(root, "devices") {
        for disk in doc.elements_named(devices, "disk") {
            let device = doc.attr(disk, "device");
            let skip = matches!(device.as_deref(), Some("cdrom" | "floppy" | "lun"))
                || doc.child(disk, "readonly").is_some()
                || doc.attr(disk, "snapshot").is_some_and(|s| s == "no");
            if skip {
                continue;
            }
            writable += 1;
            let format = doc
                .child(disk, "driver")
                .and_then(|d| doc.attr(d, "type"))
                .map(|t| t.into_owned())
                .unwrap_or_else(|| "raw".into());
            if format != "qcow2" {
                let target = doc
                    .child(disk, "target")
                    .and_then(|t| doc.attr(t, "dev"))
                    .map(|t| t.into_owned())
                    .unwrap_or_default();
                out.push(Blocker::Disk { target, format });
            }
        }
    }
    if writable == 0 {
        out.push(Blocker::NoDisk);
    }
    out
}

/// The kind of snapshot to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Inside the qcow2 images, with memory while the VM runs.
    Internal,
    /// Disks only, in new qcow2 overlay files next to the images (external).
    DiskOnly,
}

/// What Create makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRequest {
    /// Its name (empty: libvirt names it by the time).
    pub name: String,
    /// Its description.
    pub description: String,
    /// Internal or external disk-only.
    pub kind: Kind,
}

/// The VM's state after reverting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// As when the snapshot was taken.
    AsTaken,
    /// Running.
    Running,
    /// Paused.
    Paused,
}

/// What Delete removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// This snapshot; its children move up to its parent.
    This,
    /// This snapshot and all below it.
    WithChildren,
    /// Only libvirt's record of it; its data stay.
    MetadataOnly,
}

/// The `<domainsnapshot>` document for `req`.
pub fn create_xml(req: &CreateRequest) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut xml = String::from("<domainsnapshot>\n");
    if !req.name.trim().is_empty() {
        xml.push_str(&format!("  <name>{}</name>\n", esc(req.name.trim())));
    }
    if !req.description.is_empty() {
        xml.push_str(&format!(
            "  <description>{}</description>\n",
            esc(&req.description)
        ));
    }
    xml.push_str("</domainsnapshot>\n");
    xml
}

/// What reverting to `snap` loses, for the confirmation.
pub fn revert_warning(snap: &SnapInfo, vm_active: bool) -> String {
    let mut text = if vm_active {
        gettext_f(
            "Everything that changed since “{}” was taken is lost: what was written to the disks since then, and the running VM's memory (open programs and unsaved work). Take a snapshot first to keep the present state.",
            &[&snap.name],
        )
    } else {
        gettext_f(
            "Everything that changed since “{}” was taken is lost: what was written to the disks since then. Take a snapshot first to keep the present state.",
            &[&snap.name],
        )
    };
    if snap.external {
        text.push_str("\n\n");
        text.push_str(&gettext(
            "This is an external (disk-only) snapshot: libvirt 9.0 cannot revert to those yet and will refuse.",
        ));
    }
    text
}

/// What deleting `snap` with `scope` does, for the confirmation; `descendants` counts the
/// snapshots below it.
pub fn delete_explanation(snap: &SnapInfo, scope: Scope, descendants: usize) -> String {
    let n = descendants.to_string();
    let k = u32::try_from(descendants).unwrap_or(u32::MAX);
    let scope = match scope {
        Scope::WithChildren if descendants == 0 => Scope::This,
        s => s,
    };
    match scope {
        Scope::This if snap.external => gettext(
            "libvirt merges this snapshot's overlay file into the image below it and removes the overlay once no disk or snapshot reads it. Snapshots taken after it stay.",
        ),
        Scope::This if descendants > 0 => ngettext(
            "The snapshot's saved state is removed from the disk images. The {} snapshot taken after it stays and hangs from its parent.",
            "The snapshot's saved state is removed from the disk images. The {} snapshots taken after it stay and hang from its parent.",
            k,
        )
        .replacen("{}", &n, 1),
        Scope::This => gettext("The snapshot's saved state is removed from the disk images."),
        Scope::WithChildren if snap.external => ngettext(
            "This snapshot and the {} snapshot below it would go. libvirt 9.0 cannot delete an external snapshot together with its children: it refuses, and nothing is removed. Delete the children one by one, newest first, instead.",
            "This snapshot and the {} snapshots below it would go. libvirt 9.0 cannot delete an external snapshot together with its children: it refuses, and nothing is removed. Delete the children one by one, newest first, instead.",
            k,
        )
        .replacen("{}", &n, 1),
        Scope::WithChildren => ngettext(
            "This snapshot and the {} snapshot below it are removed from the disk images.",
            "This snapshot and the {} snapshots below it are removed from the disk images.",
            k,
        )
        .replacen("{}", &n, 1),
        Scope::MetadataOnly => gettext(
            "Only libvirt's record of the snapshot goes. Its data stay: saved states inside the images and overlay files are left where they are, so every disk and snapshot that reads them keeps working.",
        ),
    }
}

/// How many snapshots are below `name` in `snaps`.
pub fn descendants(snaps: &[SnapInfo], name: &str) -> usize {
    let mut count = 0;
    let mut frontier = vec![name.to_string()];
    while let Some(p) = frontier.pop() {
        if count > snaps.len() {
            break;
        }
        for s in snaps
            .iter()
            .filter(|s| s.parent.as_deref() == Some(p.as_str()))
        {
            count += 1;
            frontier.push(s.name.clone());
        }
    }
    count
}

#[cfg(test)]
mod tests;
