//! Domain snapshots (`virsh snapshot-dumpxml`); the embedded domain reads with the
//! domain views.

use std::borrow::Cow;

use crate::domain::Domain;
use crate::error::Error;
use crate::tree::Document;
use crate::view::{child_attr, child_text, handle, typed_doc};

typed_doc!(
    /// A snapshot document.
    SnapshotXml,
    Snapshot,
    "domainsnapshot"
);

handle!(
    /// The `<domainsnapshot>` element.
    Snapshot
);

const SNAPSHOT_ORDER: &[&str] = &[
    "name",
    "description",
    "state",
    "parent",
    "creationTime",
    "memory",
    "disks",
    "domain",
];

impl Snapshot {
    child_text!(name, set_name, "name", SNAPSHOT_ORDER);
    child_text!(description, set_description, "description", SNAPSHOT_ORDER);
    child_text!(state, set_state, "state", SNAPSHOT_ORDER);
    child_attr!(
        memory_snapshot,
        set_memory_snapshot,
        "memory",
        "snapshot",
        SNAPSHOT_ORDER
    );

    /// The parent snapshot's name.
    pub fn parent<'d>(self, d: &'d impl AsRef<Document>) -> Option<Cow<'d, str>> {
        let doc = d.as_ref();
        doc.find(self.0, "parent/name").map(|n| doc.text(n))
    }

    /// Creation time in seconds since the epoch.
    pub fn creation_time(self, d: &impl AsRef<Document>) -> Result<Option<i64>, Error> {
        let doc = d.as_ref();
        doc.child(self.0, "creationTime")
            .map(|n| doc.text_parse(n))
            .transpose()
    }

    /// Disks: (target name, snapshot kind such as `internal`, `external`, `no`).
    pub fn disks<'d>(
        self,
        d: &'d impl AsRef<Document>,
    ) -> Vec<(Cow<'d, str>, Option<Cow<'d, str>>)> {
        let doc = d.as_ref();
        doc.child(self.0, "disks")
            .map(|disks| {
                doc.elements_named(disks, "disk")
                    .filter_map(|k| Some((doc.attr(k, "name")?, doc.attr(k, "snapshot"))))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The domain definition saved with the snapshot.
    pub fn domain(self, d: &impl AsRef<Document>) -> Option<Domain> {
        d.as_ref().child(self.0, "domain").map(Domain)
    }
}
