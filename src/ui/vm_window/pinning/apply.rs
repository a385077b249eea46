//! Applying pins: which rows differ from what libvirt has (the preview), and pinning them in
//! order, putting back the rows already changed if one fails.

use virt_client::Domain;
use virt_xml::CpuSet;

use super::load::{AFFECT_CONFIG, AFFECT_LIVE, Pins, VmPins};
use crate::i18n::{gettext, gettext_f};
use crate::widgets::pinning_matrix::RowKind;

/// Where pins go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// The running VM only.
    #[default]
    Live,
    /// The saved configuration only.
    Config,
    /// The running VM and its saved configuration.
    Both,
}

impl Target {
    /// The choices in the order the page offers them.
    pub const ALL: [Target; 3] = [Target::Live, Target::Config, Target::Both];

    /// The choice as the user reads it.
    pub fn label(self) -> String {
        match self {
            Target::Live => gettext("Running VM"),
            Target::Config => gettext("Saved configuration"),
            Target::Both => gettext("Both"),
        }
    }

    /// The affect flags of each side this target writes, live first.
    fn sides(self) -> &'static [u32] {
        match self {
            Target::Live => &[AFFECT_LIVE],
            Target::Config => &[AFFECT_CONFIG],
            Target::Both => &[AFFECT_LIVE, AFFECT_CONFIG],
        }
    }
}

/// One row to pin on one side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The row.
    pub row: RowKind,
    /// `AFFECT_LIVE` or `AFFECT_CONFIG`.
    pub flags: u32,
    /// The CPUs libvirt has now.
    pub before: CpuSet,
    /// The CPUs to pin to.
    pub after: CpuSet,
}

impl Change {
    /// "vCPU 1: 0-15 → 2-3".
    pub fn describe(&self) -> String {
        gettext_f(
            "{}: {} → {}",
            &[
                &self.row.label(),
                &self.before.to_string(),
                &self.after.to_string(),
            ],
        )
    }
}

fn current(pins: &Pins, row: RowKind) -> Option<&CpuSet> {
    match row {
        RowKind::Vcpu(n) => pins.vcpus.get(n as usize),
        RowKind::Emulator => Some(&pins.emulator),
        RowKind::IoThread(id) => pins
            .iothreads
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, s)| s),
    }
}

/// The pins that differ between the rows as edited and what `target` holds now. Rows the
/// side does not have (a vCPU beyond its count) are left out.
pub fn plan(rows: &[(RowKind, CpuSet)], pins: &VmPins, target: Target) -> Vec<Change> {
    let mut out = Vec::new();
    for &flags in target.sides() {
        let side = if flags == AFFECT_LIVE {
            pins.live.as_ref()
        } else {
            pins.config.as_ref()
        };
        let Some(side) = side else { continue };
        for (row, after) in rows {
            if let Some(before) = current(side, *row)
                && before != after
            {
                out.push(Change {
                    row: *row,
                    flags,
                    before: before.clone(),
                    after: after.clone(),
                });
            }
        }
    }
    out
}

/// Why applying stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyError {
    /// The row whose pin failed.
    pub row: RowKind,
    /// libvirt's message.
    pub message: String,
    /// How many earlier changes were put back, and how many could not be.
    pub restored: usize,
    /// Changes that stayed although they should have been put back.
    pub not_restored: usize,
}

impl ApplyError {
    /// What to tell the user.
    pub fn describe(&self) -> String {
        let mut text = gettext_f(
            "{} could not be pinned: {}",
            &[&self.row.label(), &self.message],
        );
        if self.not_restored > 0 {
            text.push(' ');
            text.push_str(&gettext_f(
                "{} earlier changes could not be undone.",
                &[&self.not_restored.to_string()],
            ));
        } else if self.restored > 0 {
            text.push(' ');
            text.push_str(&gettext("Earlier changes were undone."));
        }
        text
    }
}

async fn pin(
    dom: &Domain,
    row: RowKind,
    set: &CpuSet,
    maplen: u32,
    flags: u32,
) -> Result<(), String> {
    let map = set.to_cpumap(maplen as usize);
    let r = match row {
        RowKind::Vcpu(n) => dom.pin_vcpu(n, &map, flags).await,
        RowKind::Emulator => dom.pin_emulator(&map, flags).await,
        RowKind::IoThread(id) => dom.pin_iothread(id, &map, flags).await,
    };
    r.map_err(|e| match e {
        virt_client::Error::Libvirt { message, .. } => message,
        other => other.to_string(),
    })
}

/// Pins each change in order. If one fails, the ones before it get their earlier CPUs back
/// (best effort, last first) and the failure is returned.
pub async fn apply(dom: &Domain, changes: &[Change], maplen: u32) -> Result<(), ApplyError> {
    for (i, c) in changes.iter().enumerate() {
        if let Err(message) = pin(dom, c.row, &c.after, maplen, c.flags).await {
            let mut restored = 0;
            let mut not_restored = 0;
            for done in changes[..i].iter().rev() {
                match pin(dom, done.row, &done.before, maplen, done.flags).await {
                    Ok(()) => restored += 1,
                    Err(e) => {
                        tracing::warn!("{} not put back: {e}", done.row.label());
                        not_restored += 1;
                    }
                }
            }
            return Err(ApplyError {
                row: c.row,
                message,
                restored,
                not_restored,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> CpuSet {
        s.parse().unwrap()
    }

    fn pins(v: &[&str], emu: &str) -> Pins {
        Pins {
            vcpus: v.iter().map(|s| set(s)).collect(),
            emulator: set(emu),
            iothreads: vec![],
            memory_nodes: None,
        }
    }

    #[test]
    fn plan_lists_changed_rows_per_side() {
        let vm = VmPins {
            live: Some(pins(&["0-15", "0-15"], "0-15")),
            config: Some(pins(&["0-15", "4"], "0-15")),
        };
        let rows = vec![
            (RowKind::Vcpu(0), set("0-15")),
            (RowKind::Vcpu(1), set("2-3")),
            (RowKind::Emulator, set("0-15")),
        ];
        let live = plan(&rows, &vm, Target::Live);
        assert_eq!(live.len(), 1);
        assert_eq!(live[0].describe(), "vCPU 1: 0-15 → 2-3");
        assert_eq!(live[0].flags, AFFECT_LIVE);
        let both = plan(&rows, &vm, Target::Both);
        assert_eq!(both.len(), 2);
        assert_eq!(both[1].flags, AFFECT_CONFIG);
        assert_eq!(both[1].describe(), "vCPU 1: 4 → 2-3");
        let shut_off = VmPins {
            live: None,
            config: vm.config.clone(),
        };
        assert!(plan(&rows, &shut_off, Target::Live).is_empty());
    }

    #[test]
    fn failure_text_names_the_row_and_the_undo() {
        let e = ApplyError {
            row: RowKind::Vcpu(2),
            message: "no such CPU".into(),
            restored: 2,
            not_restored: 0,
        };
        assert_eq!(
            e.describe(),
            "vCPU 2 could not be pinned: no such CPU Earlier changes were undone."
        );
    }
}
