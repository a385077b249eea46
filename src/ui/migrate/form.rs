//! What the migration dialog's form stands for, and the words for progress and failure:
//! kept apart from the widgets so they can be tested without a display.

use virt_client::Error;
use virt_client::domain::{CopyStorage, JobStats, MigrateOptions, MigrationPhase, VmLocation};

use crate::i18n::{gettext, gettext_f};

/// The choices the form offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrateForm {
    /// Keep the VM running while it moves.
    pub live: bool,
    /// 0 none, 1 all disks, 2 only what differs from a shared base image.
    pub storage: u32,
    /// Compress the data.
    pub compressed: bool,
    /// Slow the VM down so that the migration converges.
    pub auto_converge: bool,
    /// Allow switching to post-copy.
    pub post_copy: bool,
    /// Bandwidth limit, MiB/s; 0 for none.
    pub bandwidth_mib: u64,
    /// Define the VM on the destination.
    pub persistent: bool,
    /// Remove the VM's definition here afterwards.
    pub undefine_source: bool,
    /// Where the destination receives the data (`tcp://host[:port]`), empty for its default.
    pub address: String,
}

impl MigrateForm {
    /// The migration options the form stands for, for a VM that runs (`active`) or not.
    pub fn options(&self, active: bool) -> MigrateOptions {
        let address = self.address.trim();
        let live = active && self.live;
        MigrateOptions {
            live,
            compressed: active && self.compressed,
            auto_converge: live && self.auto_converge,
            post_copy: live && self.post_copy,
            bandwidth_mib: (active && self.bandwidth_mib > 0).then_some(self.bandwidth_mib),
            // A VM that does not run moves as a definition, which must be kept.
            offline: !active,
            persistent: self.persistent || !active,
            undefine_source: self.undefine_source,
            copy_storage: match self.storage {
                1 => Some(CopyStorage::All),
                2 => Some(CopyStorage::Incremental),
                _ => None,
            },
            migrate_uri: (!address.is_empty()).then(|| address.to_string()),
            ..Default::default()
        }
    }
}

/// How far a migration is (0..=1) and the words for it.
pub fn progress(stats: &JobStats) -> (f64, String) {
    let mib = |b: u64| b / (1 << 20);
    match (stats.data_total, stats.data_remaining) {
        (Some(total), Some(remaining)) if total > 0 => {
            let fraction = stats.progress().unwrap_or(0.0);
            let done = total.saturating_sub(remaining);
            let mut text = gettext_f(
                "{} of {} MiB copied, {} MiB to go",
                &[
                    &mib(done).to_string(),
                    &mib(total).to_string(),
                    &mib(remaining).to_string(),
                ],
            );
            if let Some(ms) = stats.downtime_ms {
                text += &gettext_f(" · expected downtime {} ms", &[&ms.to_string()]);
            }
            (fraction, text)
        }
        _ => (0.0, gettext("Preparing…")),
    }
}

/// A failed migration in the user's words: why, and where the VM runs now.
pub fn failure_text(e: &Error, source: &str, dest: &str) -> String {
    let (why, location) = match e {
        Error::Migration {
            phase,
            location,
            source: cause,
        } => {
            let why = if cause.is_connection_gone() {
                // Prepare and Finish are the destination's steps, the others the source's.
                let host = match phase {
                    MigrationPhase::Prepare | MigrationPhase::Finish => dest,
                    _ => source,
                };
                gettext_f("the connection to {} was lost", &[host])
            } else {
                libvirt_message(cause)
            };
            (why, Some(*location))
        }
        other => (libvirt_message(other), None),
    };
    let whereabouts = match location {
        Some(VmLocation::Source) => gettext_f("The virtual machine still runs on {}.", &[source]),
        Some(VmLocation::Destination) => gettext_f("The virtual machine now runs on {}.", &[dest]),
        Some(VmLocation::Both) => {
            gettext("The virtual machine is active on both hosts: check it before going on.")
        }
        Some(VmLocation::Neither) => gettext("The virtual machine runs on neither host."),
        Some(VmLocation::SourceDestinationUnknown) => {
            gettext_f("The virtual machine runs on {} again.", &[source])
                + " "
                + &gettext_f(
                    "Whether {} started it too could not be found out: check that host before going on.",
                    &[dest],
                )
        }
        Some(VmLocation::Unknown) | None => {
            gettext("Where the virtual machine runs now could not be found out.")
        }
    };
    gettext_f("Migration failed: {}", &[&why]) + "\n" + &whereabouts
}

pub(super) fn libvirt_message(e: &Error) -> String {
    match e {
        Error::Libvirt { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use virt_client::domain::migrate::flags;

    #[test]
    fn the_form_becomes_options() {
        let form = MigrateForm {
            live: true,
            storage: 1,
            persistent: true,
            undefine_source: false,
            address: " tcp://10.0.0.2 ".into(),
            ..Default::default()
        };
        let o = form.options(true);
        assert_eq!(
            o.flags(),
            flags::LIVE | flags::PERSIST_DEST | flags::NON_SHARED_DISK
        );
        assert_eq!(o.migrate_uri.as_deref(), Some("tcp://10.0.0.2"));
        // A VM that does not run moves offline, its definition kept.
        let o = MigrateForm::default().options(false);
        assert_eq!(o.flags(), flags::OFFLINE | flags::PERSIST_DEST);
        assert_eq!(o.migrate_uri, None);
        // Memory options need a running VM; post-copy and auto-converge a live migration.
        let all = MigrateForm {
            live: false,
            compressed: true,
            auto_converge: true,
            post_copy: true,
            bandwidth_mib: 8,
            ..Default::default()
        };
        let o = all.options(true);
        assert_eq!(o.flags(), flags::COMPRESSED);
        assert_eq!(o.bandwidth_mib, Some(8));
        let o = MigrateForm {
            live: true,
            ..all.clone()
        }
        .options(true);
        assert_eq!(
            o.flags(),
            flags::LIVE | flags::COMPRESSED | flags::AUTO_CONVERGE | flags::POSTCOPY
        );
        let o = all.options(false);
        assert_eq!(o.flags(), flags::OFFLINE | flags::PERSIST_DEST);
        assert_eq!(o.bandwidth_mib, None);
    }

    #[test]
    fn failures_say_where_the_vm_runs() {
        let e = Error::Migration {
            phase: virt_client::domain::MigrationPhase::Prepare,
            location: VmLocation::Source,
            source: Box::new(Error::Unexpected("no room".into())),
        };
        let text = failure_text(&e, "alpha", "beta");
        assert!(text.contains("no room"), "{text}");
        assert!(text.contains("still runs on alpha"), "{text}");
        // A lost connection: to the host of the step that lost it.
        let e = Error::Migration {
            phase: virt_client::domain::MigrationPhase::Finish,
            location: VmLocation::Source,
            source: Box::new(Error::ConnectionLost("closed".into())),
        };
        let text = failure_text(&e, "alpha", "beta");
        assert!(text.contains("connection to beta was lost"), "{text}");
        let e = Error::Migration {
            phase: virt_client::domain::MigrationPhase::Finish,
            location: VmLocation::SourceDestinationUnknown,
            source: Box::new(Error::ConnectionLost("closed".into())),
        };
        let text = failure_text(&e, "alpha", "beta");
        assert!(
            text.contains("runs on alpha again. Whether beta started it too"),
            "{text}"
        );
    }

    #[test]
    fn progress_counts_copied_data() {
        let s = JobStats::from_params(
            2,
            vec![
                virt_client::TypedParam::new(
                    "data_total",
                    virt_client::TypedParamValue::ULLong(400 << 20),
                ),
                virt_client::TypedParam::new(
                    "data_remaining",
                    virt_client::TypedParamValue::ULLong(100 << 20),
                ),
            ],
        );
        let (f, text) = progress(&s);
        assert!((f - 0.75).abs() < 1e-9);
        assert_eq!(text, "300 of 400 MiB copied, 100 MiB to go");
    }
}
