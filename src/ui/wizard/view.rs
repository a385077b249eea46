//! The wizard's widgets and how they follow the model.

use adw::prelude::*;

use super::finish::{FinishPage, SourceKind};
use super::os::OsPage;
use super::resources::{ResourcesPage, string_model};
use super::source::{SourcePage, put_text, set_text};
use super::{NewVmWizard, NewVmWizardMsg as Msg, STEPS, Tx};
use crate::i18n::{gettext, gettext_f};

/// Everything the wizard shows.
#[derive(Debug)]
pub struct WizardWidgets {
    tx: Tx,
    /// The header's title and step.
    pub title: adw::WindowTitle,
    /// Cancel (first step) or Back.
    pub back: gtk::Button,
    /// Next step.
    pub forward: gtk::Button,
    /// Create (last step).
    pub create: gtk::Button,
    /// The steps.
    pub stack: gtk::Stack,
    /// Step 1.
    pub source: SourcePage,
    /// Step 2.
    pub os: OsPage,
    /// Step 3.
    pub resources: ResourcesPage,
    /// Step 4.
    pub finish: FinishPage,
    /// What went wrong.
    pub error: gtk::Label,
    os_list_gen: u64,
    host_gen: u64,
    browsed_gen: u64,
}

impl WizardWidgets {
    /// Builds the widgets into `root`.
    pub fn new(root: &adw::Window, tx: &Tx) -> WizardWidgets {
        let bx = gtk::Box::new(gtk::Orientation::Vertical, 0);
        let header = adw::HeaderBar::new();
        header.set_show_end_title_buttons(false);
        header.set_show_start_title_buttons(false);
        let title = adw::WindowTitle::new(&gettext("New Virtual Machine"), "");
        header.set_title_widget(Some(&title));
        let back = gtk::Button::with_mnemonic(&gettext("_Cancel"));
        let s = tx.clone();
        let back_ref = back.clone();
        back.connect_clicked(move |_| {
            if back_ref.label().is_some_and(|l| l == gettext("_Back")) {
                s.send(Msg::Back);
            } else {
                s.send(Msg::Cancel);
            }
        });
        header.pack_start(&back);
        let forward = gtk::Button::with_mnemonic(&gettext("_Forward"));
        forward.add_css_class("suggested-action");
        let s = tx.clone();
        forward.connect_clicked(move |_| s.send(Msg::Forward));
        header.pack_end(&forward);
        let create = gtk::Button::with_mnemonic(&gettext("C_reate"));
        create.add_css_class("suggested-action");
        let s = tx.clone();
        create.connect_clicked(move |_| s.send(Msg::Create));
        header.pack_end(&create);
        bx.append(&header);

        let error = gtk::Label::new(None);
        error.set_wrap(true);
        error.set_xalign(0.0);
        error.set_margin_start(18);
        error.set_margin_end(18);
        error.set_margin_top(12);
        error.add_css_class("error");
        error.set_accessible_role(gtk::AccessibleRole::Alert);
        bx.append(&error);

        let stack = gtk::Stack::new();
        stack.set_transition_type(gtk::StackTransitionType::SlideLeftRight);
        stack.set_vexpand(true);
        let source = SourcePage::new(tx);
        let os = OsPage::new(tx);
        let resources = ResourcesPage::new(tx);
        let finish = FinishPage::new();
        stack.add_named(&source.root, Some(STEPS[0]));
        stack.add_named(&os.root, Some(STEPS[1]));
        stack.add_named(&resources.root, Some(STEPS[2]));
        stack.add_named(&finish.root, Some(STEPS[3]));
        bx.append(&stack);
        root.set_content(Some(&bx));
        WizardWidgets {
            tx: tx.clone(),
            title,
            back,
            forward,
            create,
            stack,
            source,
            os,
            resources,
            finish,
            error,
            os_list_gen: 0,
            host_gen: 0,
            browsed_gen: 0,
        }
    }

    /// Brings every widget in line with `m`, without feeding changes back as messages.
    pub fn refresh(&mut self, m: &NewVmWizard) {
        self.tx.quiet.set(true);
        self.refresh_inner(m);
        self.tx.quiet.set(false);
    }

    fn refresh_inner(&mut self, m: &NewVmWizard) {
        let n = (m.step + 1).to_string();
        self.title
            .set_subtitle(&gettext_f("Step {} of {} · {}", &[&n, "4", &m.uri]));
        self.back.set_label(&if m.step == 0 {
            gettext("_Cancel")
        } else {
            gettext("_Back")
        });
        self.back.set_sensitive(!m.busy);
        self.forward.set_visible(m.step + 1 < STEPS.len());
        self.create.set_visible(m.step + 1 == STEPS.len());
        self.create.set_sensitive(!m.busy && m.created.is_none());
        self.stack.set_visible_child_name(STEPS[m.step]);
        self.error.set_visible(m.error.is_some());
        self.error.set_label(m.error.as_deref().unwrap_or(""));

        // Source.
        for (check, kind) in self.source.kinds.iter().zip(super::source::KINDS) {
            check.set_active(kind == m.source);
        }
        self.source.show_kind(m.source);
        // A path chosen in the storage browser replaces the entry's text even though the
        // entry's Browse button has the focus.
        let put = if self.browsed_gen == m.browsed_gen {
            set_text
        } else {
            put_text
        };
        self.browsed_gen = m.browsed_gen;
        put(&self.source.iso_row, &m.iso);
        put(&self.source.import_row, &m.import);
        put(&self.source.kernel_row, &m.kernel);
        put(&self.source.initrd_row, &m.initrd);
        put(&self.source.cloud.base, &m.cloud.base);
        set_text(&self.source.cmdline_row, &m.cmdline);
        let detected = match (&m.iso_info, &m.detected) {
            (_, Some(_)) => m.os_name(),
            (Some(info), None) => gettext_f("Not recognised (volume “{}”)", &[&info.volume_id]),
            (None, None) if m.iso.trim().is_empty() => gettext("Choose an image"),
            (None, None) => gettext("Not an ISO image, or not readable here"),
        };
        self.source
            .detected
            .set_subtitle(&super::os::glib_escape(&detected));
        self.source.cloud.refresh(&m.cloud);

        // Host choices: replace the combo models once per load.
        if self.host_gen != m.host_gen {
            self.host_gen = m.host_gen;
            self.resources
                .pool
                .set_model(Some(&string_model(&m.pool_choices())));
            self.resources
                .network
                .set_model(Some(&string_model(&m.network_choices())));
            self.resources
                .bridge_pick
                .set_model(Some(&string_model(&m.host.bridges)));
            self.resources
                .firmware
                .set_model(Some(&string_model(&m.firmware_choices())));
        }

        // OS.
        self.os.spinner.set_spinning(m.db_load_ms.is_none());
        self.os.spinner.set_visible(m.db_load_ms.is_none());
        self.os
            .chosen
            .set_title(&super::os::glib_escape(&m.os_name()));
        let sub = gettext_f(
            "Recommended: {} MiB of memory, {} GiB of disk, virtual CPUs: {}",
            &[
                &m.memory_mib.to_string(),
                &m.disk_gib.to_string(),
                &m.vcpus.to_string(),
            ],
        );
        self.os.chosen.set_subtitle(&sub);
        if self.os_list_gen != m.os_list_gen {
            self.os_list_gen = m.os_list_gen;
            self.os.fill(m.db.as_deref(), &m.os_query);
        }

        // Resources.
        let r = &self.resources;
        set_text(&r.name, &m.name);
        if r.memory.value() as u64 != m.memory_mib {
            r.memory.set_value(m.memory_mib as f64);
        }
        if r.vcpus.value() as u32 != m.vcpus {
            r.vcpus.set_value(f64::from(m.vcpus));
        }
        // An imported image is the disk; a cloud image's new disk (of the size chosen) goes
        // into the image's pool.
        let import = m.source == SourceKind::Import;
        let cloud = m.source == SourceKind::Cloud;
        r.disk_switch.set_active((m.disk && !import) || cloud);
        r.disk_switch.set_sensitive(!import && !cloud);
        if r.disk_size.value() as u64 != m.disk_gib {
            r.disk_size.set_value(m.disk_gib as f64);
        }
        r.disk_size_row.set_sensitive((m.disk && !import) || cloud);
        r.pool.set_sensitive(m.disk && !import && !cloud);
        r.pool.set_selected(m.pool);
        r.network.set_selected(m.network);
        let bridged = m.network as usize == m.host.networks.len();
        let listed = !m.host.bridges.is_empty();
        r.bridge.set_visible(bridged && !listed);
        r.bridge_pick.set_visible(bridged && listed);
        set_text(&r.bridge, &m.bridge);
        if let Some(i) = m.host.bridges.iter().position(|b| *b == m.bridge) {
            r.bridge_pick.set_selected(i as u32);
        }
        r.firmware.set_selected(m.firmware);
        r.tpm.set_active(m.tpm);
        let notes = m.host_notes();
        r.firmware_note.set_visible(!notes.is_empty());
        r.firmware_note.set_label(&notes.join("\n"));
        r.customize.set_active(m.customize);

        // Finish.
        let plan = m.plan().ok();
        let install = match m.source {
            SourceKind::Iso => gettext_f("From {}", &[&m.iso]),
            SourceKind::Import => gettext_f("Import {}", &[&m.import]),
            SourceKind::Network => gettext("Network boot (PXE)"),
            SourceKind::Kernel => gettext_f("Kernel {}", &[&m.kernel]),
            SourceKind::Cloud => gettext("Cloud image, set up by cloud-init"),
        };
        let storage = match plan.as_ref().map(|p| &p.disk) {
            None | Some(super::DiskPlan::None) => gettext("None"),
            Some(super::DiskPlan::New { pool, gib, prepare }) => {
                let disk = gettext_f("New {} GiB disk in pool “{}”", &[&gib.to_string(), pool]);
                match prepare {
                    Some(p) => format!("{disk}\n{}", p.describe()),
                    None => disk,
                }
            }
            Some(super::DiskPlan::Existing { path, format }) => format!("{path} ({format})"),
            Some(super::DiskPlan::CloudImage {
                pool,
                volume,
                gib,
                config,
            }) => super::cloud::describe(pool, volume, *gib, config),
        };
        let network = m
            .network_choices()
            .get(m.network as usize)
            .cloned()
            .unwrap_or_default();
        let mut firmware = m
            .firmware_choices()
            .get(m.firmware as usize)
            .cloned()
            .unwrap_or_default();
        if m.tpm {
            firmware = gettext_f("{}, TPM 2.0", &[&firmware]);
        }
        let values = [
            m.name.clone(),
            m.os_name(),
            install,
            gettext_f("{} MiB", &[&m.memory_mib.to_string()]),
            m.vcpus.to_string(),
            storage,
            network,
            firmware,
        ];
        let escaped: Vec<String> = values.iter().map(|v| super::os::glib_escape(v)).collect();
        self.finish.show(&escaped);
        self.finish.progress.set_fraction(m.progress.1);
        self.finish
            .progress
            .set_visible(m.busy || m.progress.1 > 0.0);
        self.finish.status.set_label(&m.progress.0);
    }
}
