//! Adding a new disk: a volume created in a storage pool (size, format, a name unique in the
//! pool), then attached through the same apply path as other edits, live and/or to the
//! definition as the VM's state allows; the volume is deleted again when attaching fails.
//! A host without an active pool gets the pool `default` first.

use std::cell::RefCell;
use std::rc::Rc;

use adw::prelude::*;
use relm4::prelude::*;

use super::apply::{self, ApplyPlan, LiveOp};
use super::{EditorCmd, HardwareEditor, HardwareEditorMsg as Msg, Tx, disks, rows};
use crate::i18n::{gettext, gettext_f};
use crate::ui::volumes::default_pool::{self, DefaultPool};
use crate::ui::volumes::{self, PoolVolumes};

/// The formats offered for a new volume.
pub const FORMATS: [&str; 2] = ["qcow2", "raw"];

/// The buses offered for a new disk.
const BUSES: [&str; 4] = ["virtio", "sata", "scsi", "usb"];

/// A new disk as the form describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisk {
    /// The storage pool to create the volume in.
    pub pool: String,
    /// The volume's name.
    pub name: String,
    /// Its size in GiB.
    pub gib: u64,
    /// Its format (`qcow2` or `raw`).
    pub format: String,
    /// The bus to attach it on.
    pub bus: String,
}

/// The file name ending for volumes of `format`.
fn extension(format: &str) -> &'static str {
    if format == "raw" { "img" } else { "qcow2" }
}

/// `<vm>-N.<ext>` with the smallest N ≥ 1 not among `volumes`.
pub fn propose(vm: &str, volumes: &[String], format: &str) -> String {
    let ext = extension(format);
    (1..)
        .map(|n| format!("{vm}-{n}.{ext}"))
        .find(|name| !volumes.contains(name))
        .unwrap_or_default()
}

/// Whether `disk` can be created in one of `pools`, or in the pool `default` that `prepare`
/// makes when there is no active pool; a clear message when not.
pub fn check(
    disk: &NewDisk,
    pools: &[PoolVolumes],
    prepare: Option<&DefaultPool>,
) -> Result<(), String> {
    if disk.gib == 0 {
        return Err(gettext("The new disk needs a size of at least 1 GiB."));
    }
    if !FORMATS.contains(&disk.format.as_str()) {
        return Err(gettext("Choose qcow2 or raw as the disk format."));
    }
    let name = disk.name.trim();
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(gettext("Enter a name for the new volume (without “/”)."));
    }
    let Some(pool) = pools.iter().find(|p| p.pool == disk.pool) else {
        return match prepare {
            Some(p) if pools.is_empty() && disk.pool == default_pool::NAME && p.usable() => Ok(()),
            Some(DefaultPool::Unavailable(reason)) if pools.is_empty() => Err(reason.clone()),
            _ => Err(gettext("Choose an active storage pool for the new disk.")),
        };
    };
    if pool.volumes.iter().any(|v| v == name) {
        return Err(gettext_f(
            "The pool “{}” already has a volume called “{}”.",
            &[&disk.pool, name],
        ));
    }
    Ok(())
}

impl HardwareEditor {
    /// Reads the active storage pools and their volumes again.
    pub(super) fn load_pools(&self, sender: &ComponentSender<Self>) {
        let conn = self.domain.connection().clone();
        sender.oneshot_command(async move {
            let pools = volumes::pools(&conn).await;
            let prepare = match &pools {
                Ok(p) if p.is_empty() => {
                    Some(default_pool::plan(&conn, default_pool::local_data_home()).await)
                }
                _ => None,
            };
            EditorCmd::Pools(pools, prepare)
        });
    }

    /// Creates the volume of `disk` and attaches it; progress and the result come back as
    /// commands.
    pub(super) fn add_new_disk(&mut self, disk: NewDisk, sender: &ComponentSender<Self>) {
        if self.dirty {
            self.error = Some(gettext(
                "Apply or revert the other changes before adding a new disk.",
            ));
            return;
        }
        let Some(original) = self.original.as_ref() else {
            self.error = Some(gettext("The VM has not been read yet."));
            return;
        };
        let pools = match &self.pools {
            Some(Ok(p)) => p.as_slice(),
            _ => &[],
        };
        if let Err(e) = check(&disk, pools, self.default_pool.as_ref()) {
            self.error = Some(e);
            return;
        }
        let prepare = pools
            .iter()
            .all(|p| p.pool != disk.pool)
            .then(|| self.default_pool.clone())
            .flatten();
        let original = original.to_string();
        let active = self.active;
        let domain = self.domain.clone();
        self.busy = true;
        self.error = None;
        self.progress = Some((gettext("Creating the volume…"), 0.1));
        self.reload_after_apply_note = Some(if active {
            gettext_f(
                "Disk “{}” created and attached to the running VM.",
                &[disk.name.trim()],
            )
        } else {
            gettext_f("Disk “{}” created and added.", &[disk.name.trim()])
        });
        sender.command(move |out, shutdown| {
            shutdown
                .register(async move {
                    let step = |text: String, fraction: f64| {
                        let _ = out.send(EditorCmd::Progress(text, fraction));
                    };
                    let conn = domain.connection().clone();
                    let name = disk.name.trim();
                    let result = async {
                        let mut made = None;
                        if let Some(prepare) = &prepare {
                            step(
                                gettext_f("Preparing the storage pool “{}”…", &[&disk.pool]),
                                0.05,
                            );
                            let note = default_pool::ensure(&conn, prepare).await?;
                            let _ = out.send(EditorCmd::PoolMade(note.clone()));
                            made = Some(note);
                        }
                        let kept = |e: String| match &made {
                            Some(note) => {
                                format!("{e}\n{note} {}", gettext("The pool is kept."))
                            }
                            None => e,
                        };
                        let new = volumes::create(&conn, &disk.pool, name, disk.gib, &disk.format)
                            .await
                            .map_err(kept)?;
                        step(gettext("Attaching the disk…"), 0.6);
                        let plan = plan(&original, &new.path, &disk, active);
                        let attached = match plan {
                            Ok(plan) => apply::apply(&domain, plan).await,
                            Err(e) => Err(e),
                        };
                        if let Err(e) = attached {
                            step(gettext("Undoing…"), 0.9);
                            volumes::delete(&new.volume).await;
                            return Err(kept(gettext_f("Could not attach the disk: {}", &[&e])));
                        }
                        Ok(())
                    }
                    .await;
                    let _ = out.send(EditorCmd::Applied(result));
                })
                .drop_on_shutdown()
        });
    }
}

/// The apply plan adding the volume at `path` as a disk to the definition `original`, and to
/// the running VM when `active`.
fn plan(original: &str, path: &str, disk: &NewDisk, active: bool) -> Result<ApplyPlan, String> {
    let mut doc = virt_xml::DomainXml::parse(original).map_err(|e| e.to_string())?;
    let xml = disks::add_with_format(&mut doc, path, "disk", &disk.bus, &disk.format)?;
    Ok(ApplyPlan {
        edited: doc.to_string(),
        rename: None,
        autostart: None,
        live: if active {
            vec![LiveOp::Attach(xml)]
        } else {
            Vec::new()
        },
    })
}

/// The form adding a new disk, under the disks.
pub fn group(m: &HardwareEditor, tx: &Tx) -> adw::PreferencesGroup {
    let note = if m.active {
        gettext("Creates a volume in a storage pool and attaches it to the running VM at once.")
    } else {
        gettext("Creates a volume in a storage pool and adds it to the VM at once.")
    };
    let g = rows::group(&gettext("Add a New Disk"), Some(&note));
    let pools = match &m.pools {
        None => {
            rows::info(&g, &gettext("Storage pools"), &gettext("Reading…"));
            return g;
        }
        Some(Err(e)) => {
            rows::info(&g, &gettext("Storage pools are unavailable"), e);
            return g;
        }
        Some(Ok(p)) if p.is_empty() => match &m.default_pool {
            Some(prepare) if prepare.usable() => {
                rows::info(&g, &gettext("No active storage pool"), &prepare.describe());
                vec![PoolVolumes {
                    pool: default_pool::NAME.to_owned(),
                    volumes: Vec::new(),
                }]
            }
            other => {
                let why = match other {
                    Some(DefaultPool::Unavailable(reason)) => reason.clone(),
                    _ => gettext("Start or create a storage pool to make new disks."),
                };
                rows::info(&g, &gettext("No active storage pool"), &why);
                return g;
            }
        },
        Some(Ok(p)) => p.clone(),
    };
    let vm = m.domain.name().to_owned();
    let pool = adw::ComboRow::new();
    pool.set_title(&gettext("Storage pool"));
    let names: Vec<&str> = pools.iter().map(|p| p.pool.as_str()).collect();
    pool.set_model(Some(&gtk::StringList::new(&names)));
    g.add(&pool);
    let size = rows::number(&g, &gettext("Size (GiB)"), 10.0, (0.0, 65536.0));
    let format = adw::ComboRow::new();
    format.set_title(&gettext("Format"));
    format.set_model(Some(&gtk::StringList::new(&FORMATS)));
    g.add(&format);
    let first = pools.first().map(|p| p.volumes.as_slice()).unwrap_or(&[]);
    let proposal = Rc::new(RefCell::new(propose(&vm, first, FORMATS[0])));
    let name = rows::text(&g, &gettext("Volume name"), &proposal.borrow());
    // A new pool or format proposes a new name, unless the user typed one of their own.
    let repropose = {
        let (pool, format, name, proposal) =
            (pool.clone(), format.clone(), name.clone(), proposal.clone());
        let pools = pools.clone();
        move || {
            let vols = pools
                .get(pool.selected() as usize)
                .map(|p| p.volumes.as_slice())
                .unwrap_or(&[]);
            let f = FORMATS.get(format.selected() as usize).unwrap_or(&"qcow2");
            let new = propose(&vm, vols, f);
            if name.text() == *proposal.borrow() {
                name.set_text(&new);
            }
            *proposal.borrow_mut() = new;
        }
    };
    let r = repropose.clone();
    pool.connect_selected_notify(move |_| r());
    format.connect_selected_notify(move |_| repropose());
    let bus = adw::ComboRow::new();
    bus.set_title(&gettext("Bus"));
    bus.set_model(Some(&gtk::StringList::new(&BUSES)));
    g.add(&bus);
    let add = rows::button(&gettext("Create and Attach"), tx, move || {
        let pick = |row: &adw::ComboRow, items: &[&str]| {
            items
                .get(row.selected() as usize)
                .copied()
                .unwrap_or_default()
                .to_owned()
        };
        Msg::AddNewDisk(NewDisk {
            pool: pick(&pool, &names_of(&pools)),
            name: name.text().to_string(),
            gib: u64::try_from(size.value_as_int()).unwrap_or(0),
            format: pick(&format, &FORMATS),
            bus: pick(&bus, &BUSES),
        })
    });
    add.add_css_class("suggested-action");
    let row = adw::ActionRow::new();
    row.set_title(&gettext("Create the volume and attach it as a disk"));
    row.add_suffix(&add);
    g.add(&row);
    g
}

fn names_of(pools: &[PoolVolumes]) -> Vec<&str> {
    pools.iter().map(|p| p.pool.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pools() -> Vec<PoolVolumes> {
        vec![PoolVolumes {
            pool: "default".into(),
            volumes: vec!["vm-1.qcow2".into(), "vm-3.qcow2".into()],
        }]
    }

    fn disk() -> NewDisk {
        NewDisk {
            pool: "default".into(),
            name: "vm-2.qcow2".into(),
            gib: 1,
            format: "qcow2".into(),
            bus: "virtio".into(),
        }
    }

    #[test]
    fn proposals_skip_the_names_the_pool_has() {
        let vols = &pools()[0].volumes;
        assert_eq!(propose("vm", vols, "qcow2"), "vm-2.qcow2");
        assert_eq!(propose("vm", vols, "raw"), "vm-1.img");
        assert_eq!(propose("other", &[], "qcow2"), "other-1.qcow2");
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        let pools = pools();
        assert_eq!(check(&disk(), &pools, None), Ok(()));
        let zero = NewDisk { gib: 0, ..disk() };
        assert!(check(&zero, &pools, None).is_err_and(|e| e.contains("1 GiB")));
        let taken = NewDisk {
            name: " vm-3.qcow2 ".into(),
            ..disk()
        };
        assert!(check(&taken, &pools, None).is_err_and(|e| e.contains("already has")));
        for name in ["", "a/b", ".."] {
            let bad = NewDisk {
                name: name.into(),
                ..disk()
            };
            assert!(check(&bad, &pools, None).is_err(), "{name:?}");
        }
        let nowhere = NewDisk {
            pool: "gone".into(),
            ..disk()
        };
        assert!(check(&nowhere, &pools, None).is_err());
        let vmdk = NewDisk {
            format: "vmdk".into(),
            ..disk()
        };
        assert!(check(&vmdk, &pools, None).is_err());
    }

    #[test]
    fn without_pools_the_default_pool_is_offered_when_it_can_be_made() {
        let create = DefaultPool::Create("/var/lib/libvirt/images".into());
        assert_eq!(check(&disk(), &[], Some(&create)), Ok(()));
        let start = DefaultPool::Start(None);
        assert_eq!(check(&disk(), &[], Some(&start)), Ok(()));
        let other = NewDisk {
            pool: "other".into(),
            ..disk()
        };
        assert!(check(&other, &[], Some(&create)).is_err());
        let no = DefaultPool::Unavailable("far has no pool".into());
        assert_eq!(
            check(&disk(), &[], Some(&no)),
            Err("far has no pool".to_owned())
        );
        assert!(check(&disk(), &[], None).is_err());
    }
}
