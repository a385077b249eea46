//! What the new-VM wizard does with the results of its background work: the osinfo database,
//! the host's choices, facts about chosen files (the cloud image's among them), the name
//! check and the creation.

use adw::prelude::*;
use relm4::prelude::*;

use super::{NewVmWizard, NewVmWizardOutput, Progress, WizardCmd, model};
use crate::i18n::gettext_f;

impl NewVmWizard {
    /// Applies what a background task brought back.
    pub(super) fn apply_cmd(
        &mut self,
        cmd: WizardCmd,
        sender: ComponentSender<Self>,
        root: &adw::Window,
    ) {
        match cmd {
            WizardCmd::OsDb(result, ms) => {
                self.db_load_ms = Some(ms);
                match result {
                    Ok(db) => {
                        tracing::debug!("osinfo-db: {} systems in {ms:.1} ms", db.all().len());
                        self.db = Some(db);
                    }
                    Err(e) => tracing::warn!("osinfo-db: {e}"),
                }
                self.os_list_gen += 1;
                self.detect();
            }
            WizardCmd::Host(host) => {
                self.host = host;
                self.host_gen += 1;
                // The preferences' choices, read now so that a change applies to the next
                // host read.
                let settings = crate::settings::AppSettings::open().ok();
                let pool = settings.as_ref().and_then(|s| s.new_vm_pool());
                let network = settings.as_ref().and_then(|s| s.new_vm_network());
                self.network = model::default_network(&self.host, network.as_deref());
                self.pool = model::default_pool(&self.host, pool.as_deref());
                if !self.name_edited {
                    self.name = self.unique_name();
                }
            }
            WizardCmd::Iso(path, info) => {
                if path == self.iso.trim() {
                    self.iso_info = info;
                    self.detect();
                }
            }
            WizardCmd::ImportFormat(path, format) => {
                if path == self.import.trim() {
                    self.import_format = Some(format);
                }
            }
            WizardCmd::NameChecked(name, result) => {
                if name != self.name.trim() || self.step != 2 {
                    return;
                }
                match result {
                    Ok(true) => {
                        self.error = Some(gettext_f(
                            "A virtual machine called “{}” already exists.",
                            &[&name],
                        ));
                    }
                    Ok(false) => self.step = 3,
                    Err(e) => self.error = Some(e),
                }
            }
            WizardCmd::LocalKeys(keys) => self.cloud.set_keys(keys),
            WizardCmd::CloudBase(base, result) => {
                if base == self.cloud.base.trim() {
                    if let Err(e) = &result
                        && self.source == super::finish::SourceKind::Cloud
                    {
                        self.error = Some(e.clone());
                    }
                    self.cloud.base_check = Some(result);
                }
            }
            WizardCmd::Progress(Progress::Step(text, fraction)) => self.progress = (text, fraction),
            WizardCmd::Done(result) => {
                self.busy = false;
                match result {
                    Ok(created) => {
                        let out = if created.started {
                            NewVmWizardOutput::Created {
                                uuid: created.uuid.clone(),
                                name: created.name.clone(),
                                open_console: true,
                                note: created.note.clone(),
                            }
                        } else {
                            NewVmWizardOutput::CustomizeBeforeStart {
                                uuid: created.uuid.clone(),
                                name: created.name.clone(),
                                note: created.note.clone(),
                            }
                        };
                        self.created = Some(created);
                        root.set_visible(false);
                        let _ = sender.output(out);
                    }
                    Err(e) => {
                        self.progress = (String::new(), 0.0);
                        self.error = Some(e);
                    }
                }
            }
        }
    }
}
