//! virsh's snapshot commands: `snapshot-create-as`, `snapshot-list`, `snapshot-current`,
//! `snapshot-revert`, `snapshot-delete`, `snapshot-dumpxml`.

use std::collections::HashMap;

use virt_client::domain::Snapshot;
use virt_client::domain::snapshot::{create, delete, revert};
use virt_client::{Connection, Domain};

use super::{Res, Usage, casecmp, dom, fail, table};

/// A command's arguments as virsh reads them: options by name, the rest filling the named
/// slots in order.
struct Args {
    cmd: &'static str,
    values: HashMap<String, String>,
    flags: Vec<String>,
}

impl Args {
    /// `slots` are the options that may also be given by position, in order; `values` the
    /// other options that take a value.
    fn parse(cmd: &'static str, rest: &[String], slots: &[&str], values: &[&str]) -> Res<Args> {
        let mut out = Args {
            cmd,
            values: HashMap::new(),
            flags: Vec::new(),
        };
        let mut positional = Vec::new();
        let mut it = rest.iter();
        while let Some(a) = it.next() {
            let Some(name) = a.strip_prefix("--") else {
                positional.push(a.clone());
                continue;
            };
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (name, None),
            };
            if slots.contains(&name) || values.contains(&name) {
                let v = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| Usage(format!("expected syntax: --{name} <string>")))?,
                };
                out.values.insert(name.to_string(), v);
            } else {
                out.flags.push(name.to_string());
            }
        }
        let free: Vec<&str> = slots
            .iter()
            .copied()
            .filter(|s| !out.values.contains_key(*s))
            .collect();
        let mut free = free.into_iter();
        for p in positional {
            match free.next() {
                Some(slot) => {
                    out.values.insert(slot.to_string(), p);
                }
                None => return Err(Usage(format!("unexpected data '{p}'")).into()),
            }
        }
        Ok(out)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    async fn domain(&self, conn: &Connection) -> Res<Domain> {
        let name = self
            .value("domain")
            .ok_or_else(|| Usage(format!("command '{}' requires <domain> option", self.cmd)))?;
        dom(conn, name).await
    }

    /// The snapshot named by `snapshotname`, or the current one with `--current`.
    async fn snapshot(&self, d: &Domain) -> Res<Snapshot> {
        match (self.value("snapshotname"), self.flag("current")) {
            (Some(_), true) => Err("--snapshotname and --current are mutually exclusive".into()),
            (Some(name), false) => Ok(d.snapshot_lookup(name).await?),
            (None, true) => Ok(d.current_snapshot().await?),
            (None, false) => Err("--snapshotname or --current is required".into()),
        }
    }
}

/// Text with `<`, `>`, `&`, `'` and `"` escaped, as virsh writes values into XML.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The `<domainsnapshot>` document `snapshot-create-as` sends.
fn create_xml(name: Option<&str>, description: Option<&str>) -> String {
    let mut xml = String::from("<domainsnapshot>\n");
    if let Some(n) = name {
        xml.push_str(&format!("  <name>{}</name>\n", escape(n)));
    }
    if let Some(d) = description {
        xml.push_str(&format!("  <description>{}</description>\n", escape(d)));
    }
    xml.push_str("</domainsnapshot>\n");
    xml
}

pub async fn create_as(conn: &Connection, rest: &[String]) -> Res {
    let a = Args::parse(
        "snapshot-create-as",
        rest,
        &["domain", "name", "description"],
        &["memspec"],
    )?;
    let mut flags = 0;
    for (f, bit) in [
        ("no-metadata", create::NO_METADATA),
        ("halt", create::HALT),
        ("disk-only", create::DISK_ONLY),
        ("reuse-external", create::REUSE_EXT),
        ("quiesce", create::QUIESCE),
        ("atomic", create::ATOMIC),
        ("live", create::LIVE),
    ] {
        if a.flag(f) {
            flags |= bit;
        }
    }
    let d = a.domain(conn).await?;
    let xml = create_xml(a.value("name"), a.value("description"));
    if a.flag("print-xml") {
        println!("{xml}");
        return Ok(());
    }
    let s = d.snapshot_create(&xml, flags).await?;
    print!("Domain snapshot {} created", s.name());
    Ok(())
}

/// The `strftime` text of a creation time in the local time zone, as virsh shows it.
fn local_time(secs: i64) -> String {
    let t = secs as libc::time_t;
    // SAFETY: tm is plain data; localtime_r and strftime write only into the buffers given,
    // strftime at most `buf.len()` bytes, and the format is NUL-terminated.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return String::new();
        }
        let mut buf = [0u8; 100];
        let n = libc::strftime(
            buf.as_mut_ptr().cast(),
            buf.len(),
            c"%Y-%m-%d %H:%M:%S %z".as_ptr(),
            &tm,
        );
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }
}

struct Listed {
    name: String,
    parent: Option<String>,
    xml: String,
}

pub async fn list(conn: &Connection, rest: &[String]) -> Res {
    let a = Args::parse("snapshot-list", rest, &["domain"], &["from"])?;
    let (tree, names, with_parent) = (a.flag("tree"), a.flag("name"), a.flag("parent"));
    if tree && names {
        return Err("Options --tree and --name are mutually exclusive".into());
    }
    if tree && with_parent {
        return Err("Options --parent and --tree are mutually exclusive".into());
    }
    let d = a.domain(conn).await?;
    let mut snaps = Vec::new();
    for s in d.snapshots(0).await? {
        let parent = if tree {
            s.parent().await?.map(|p| p.name().to_string())
        } else {
            None
        };
        let xml = if tree || names {
            String::new()
        } else {
            s.xml_desc(0).await?
        };
        snaps.push(Listed {
            name: s.name().to_string(),
            parent,
            xml,
        });
    }
    snaps.sort_by(|x, y| casecmp(&x.name, &y.name));
    if tree {
        for (i, s) in snaps.iter().enumerate() {
            if s.parent.is_none() {
                print_tree(&snaps, i, i, true, &mut String::new());
            }
        }
        return Ok(());
    }
    if names {
        for s in &snaps {
            println!("{}", s.name);
        }
        return Ok(());
    }
    let mut rows = Vec::new();
    for s in &snaps {
        let created = element(&s.xml, "creationTime")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let mut row = vec![
            s.name.clone(),
            local_time(created),
            element(&s.xml, "state").unwrap_or_default().to_string(),
        ];
        if with_parent {
            let parent = s
                .xml
                .split_once("<parent>")
                .and_then(|(_, after)| element(after, "name"));
            row.push(parent.unwrap_or_default().to_string());
        }
        rows.push(row);
    }
    let mut header = vec!["Name", "Creation Time", "State"];
    if with_parent {
        header.push("Parent");
    }
    table(&header, &rows);
    Ok(())
}

/// The text of the first `<tag>` element in `xml` (the snapshot's own fields come before
/// the domain it embeds).
fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..start + end])
}

/// virsh's tree (`vshTreePrint`): each node, a `|` line before its children, `+- ` before
/// each child, and an indented empty line after the last leaf of a branch.
fn print_tree(snaps: &[Listed], id: usize, last: usize, root: bool, indent: &mut String) {
    let name = &snaps[id].name;
    println!("{indent}{}{name}", if root { "" } else { "+- " });
    if !root {
        indent.push(if id == last { ' ' } else { '|' });
        indent.push(' ');
    }
    let children: Vec<usize> = (0..snaps.len())
        .filter(|&i| snaps[i].parent.as_deref() == Some(name))
        .collect();
    let next_last = children.last().copied();
    if next_last.is_some() {
        println!("{indent}  |");
    }
    indent.push_str("  ");
    for &c in &children {
        print_tree(snaps, c, next_last.unwrap_or(c), false, indent);
    }
    indent.truncate(indent.len() - 2);
    if next_last.is_none() && id == last {
        println!("{indent}");
    }
    if !root {
        indent.truncate(indent.len() - 2);
    }
}

pub async fn current(conn: &Connection, rest: &[String]) -> Res {
    let a = Args::parse("snapshot-current", rest, &["domain"], &["snapshotname"])?;
    let d = a.domain(conn).await?;
    let Some(s) = d.snapshot_current().await? else {
        return Err(format!("domain '{}' has no current snapshot", d.name()).into());
    };
    if a.flag("name") {
        print!("{}", s.name());
    } else {
        print!("{}", s.xml_desc(0).await?);
    }
    Ok(())
}

pub async fn revert_to(conn: &Connection, rest: &[String]) -> Res {
    let a = Args::parse("snapshot-revert", rest, &["domain", "snapshotname"], &[])?;
    let mut flags = 0;
    if a.flag("running") {
        flags |= revert::RUNNING;
    }
    if a.flag("paused") {
        flags |= revert::PAUSED;
    }
    let d = a.domain(conn).await?;
    let s = a.snapshot(&d).await?;
    let r = match s.revert(flags).await {
        Err(e) if a.flag("force") && e.is(virt_client::ErrorCode::SNAPSHOT_REVERT_RISKY) => {
            s.revert(flags | revert::FORCE).await
        }
        r => r,
    };
    if let Err(e) = r {
        return Err(fail(format!("Failed to revert snapshot {}", s.name()), e));
    }
    println!("Domain snapshot {} reverted", s.name());
    Ok(())
}

pub async fn delete(conn: &Connection, rest: &[String]) -> Res {
    let a = Args::parse("snapshot-delete", rest, &["domain", "snapshotname"], &[])?;
    let d = a.domain(conn).await?;
    let s = a.snapshot(&d).await?;
    let mut flags = 0;
    for (f, bit) in [
        ("children", delete::CHILDREN),
        ("children-only", delete::CHILDREN_ONLY),
        ("metadata", delete::METADATA_ONLY),
    ] {
        if a.flag(f) {
            flags |= bit;
        }
    }
    if let Err(e) = s.delete(flags).await {
        return Err(fail(format!("Failed to delete snapshot {}", s.name()), e));
    }
    if flags & delete::CHILDREN_ONLY != 0 {
        println!("Domain snapshot {} children deleted", s.name());
    } else {
        println!("Domain snapshot {} deleted", s.name());
    }
    Ok(())
}

pub async fn dumpxml(conn: &Connection, rest: &[String]) -> Res {
    let a = Args::parse("snapshot-dumpxml", rest, &["domain", "snapshotname"], &[])?;
    let d = a.domain(conn).await?;
    let name = a
        .value("snapshotname")
        .ok_or("command 'snapshot-dumpxml' requires <snapshotname> option")?;
    let s = d.snapshot_lookup(name).await?;
    print!("{}", s.xml_desc(0).await?);
    Ok(())
}
