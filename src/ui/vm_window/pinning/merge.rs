//! Taking in pins changed elsewhere without losing the user's unsaved edits.

use virt_xml::CpuSet;

/// What to do with one row when libvirt's pins change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// Leave the row as it is.
    Keep,
    /// The row was not edited: show the new CPUs.
    Take(CpuSet),
    /// The row was edited and changed elsewhere too: keep the edit, offer theirs.
    Conflict(CpuSet),
}

/// For each row: `old` is what libvirt had, `new` what it has now, `edited` what the row
/// shows. Rows beyond `new` or `edited` are left out.
pub fn merge(old: &[CpuSet], new: &[CpuSet], edited: &[CpuSet]) -> Vec<Merge> {
    new.iter()
        .zip(edited)
        .enumerate()
        .map(|(i, (new, edited))| {
            let old = old.get(i);
            if old == Some(new) || edited == new {
                Merge::Keep
            } else if old == Some(edited) {
                Merge::Take(new.clone())
            } else {
                Merge::Conflict(new.clone())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(v: &[&str]) -> Vec<CpuSet> {
        v.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn unedited_rows_follow_edited_rows_conflict() {
        let old = sets(&["0-15", "0-15", "0-15", "0-15"]);
        let new = sets(&["4-7", "4-7", "0-15", "2"]);
        let edited = sets(&["0-15", "1", "3", "2"]);
        assert_eq!(
            merge(&old, &new, &edited),
            [
                Merge::Take(sets(&["4-7"])[0].clone()),
                Merge::Conflict(sets(&["4-7"])[0].clone()),
                Merge::Keep,
                Merge::Keep,
            ]
        );
    }
}
