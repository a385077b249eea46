use super::*;

fn snap(name: &str, parent: Option<&str>, created: i64) -> SnapInfo {
    SnapInfo {
        name: name.into(),
        parent: parent.map(String::from),
        description: String::new(),
        state: "running".into(),
        created,
        external: false,
        with_memory: true,
        current: false,
        depth: 0,
        xml: String::new(),
    }
}

#[test]
fn tree_order_puts_children_under_parents() {
    let list = vec![
        snap("c", Some("a"), 3),
        snap("b", Some("a"), 2),
        snap("a", None, 1),
        snap("d", Some("b"), 4),
        snap("orphan", Some("gone"), 0),
    ];
    let t = tree_order(list);
    let got: Vec<(&str, usize)> = t.iter().map(|s| (s.name.as_str(), s.depth)).collect();
    assert_eq!(got, [("orphan", 0), ("a", 0), ("b", 1), ("d", 2), ("c", 1)]);
    assert_eq!(descendants(&t, "a"), 3);
    assert_eq!(descendants(&t, "d"), 0);
}

#[test]
fn snapshot_xml_is_read() {
    let xml = "<domainsnapshot><name>e1</name><description>x &amp; y</description>\
               <state>disk-snapshot</state><parent><name>p</name></parent>\
               <creationTime>1700000000</creationTime><memory snapshot='no'/>\
               <disks><disk name='vda' snapshot='external'/></disks></domainsnapshot>";
    let s = SnapInfo::from_xml(xml, true).unwrap();
    assert_eq!(s.name, "e1");
    assert_eq!(s.parent.as_deref(), Some("p"));
    assert_eq!(s.description, "x & y");
    assert!(s.external && !s.with_memory && s.current);
    assert_eq!(s.created, 1_700_000_000);
}

#[test]
fn raw_disks_and_pflash_block_internal_snapshots() {
    let xml = "<domain><os><type>hvm</type><loader readonly='yes' type='pflash'>/x.fd</loader>\
               <nvram>/v.fd</nvram></os><devices>\
               <disk type='file' device='disk'><driver name='qemu' type='raw'/>\
               <target dev='vda'/></disk>\
               <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
               <target dev='vdb'/></disk>\
               <disk type='file' device='cdrom'><driver name='qemu' type='raw'/>\
               <target dev='sda'/><readonly/></disk></devices></domain>";
    assert_eq!(
        internal_blockers(xml),
        [
            Blocker::Pflash,
            Blocker::Disk {
                target: "vda".into(),
                format: "raw".into()
            }
        ]
    );
    let ok = "<domain><os><type>hvm</type></os><devices><disk device='disk'>\
              <driver type='qcow2'/><target dev='vda'/></disk></devices></domain>";
    assert!(internal_blockers(ok).is_empty());
    let none = "<domain><os><type>hvm</type></os><devices/></domain>";
    assert_eq!(internal_blockers(none), [Blocker::NoDisk]);
}

#[test]
fn create_xml_escapes() {
    let xml = create_xml(&CreateRequest {
        name: " a<b ".into(),
        description: "x & y".into(),
        kind: Kind::Internal,
    });
    assert_eq!(
        xml,
        "<domainsnapshot>\n  <name>a&lt;b</name>\n  <description>x &amp; y</description>\n</domainsnapshot>\n"
    );
    let unnamed = create_xml(&CreateRequest {
        name: String::new(),
        description: String::new(),
        kind: Kind::DiskOnly,
    });
    assert_eq!(unnamed, "<domainsnapshot>\n</domainsnapshot>\n");
}

#[test]
fn explanations_say_what_goes() {
    let mut s = snap("s", None, 0);
    assert!(revert_warning(&s, true).contains("memory"));
    assert!(!revert_warning(&s, false).contains("memory"));
    assert!(delete_explanation(&s, Scope::This, 2).contains('2'));
    s.external = true;
    assert!(delete_explanation(&s, Scope::WithChildren, 1).contains("refuses"));
    assert!(delete_explanation(&s, Scope::MetadataOnly, 0).contains("stay"));
}
