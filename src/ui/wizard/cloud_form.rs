//! The source page's "Cloud Image" group: the base image (a qcow2 or raw volume in one of the
//! host's pools, typed as `POOL/VOLUME` or chosen in the storage browser, which also uploads
//! an image of this computer into a pool), the user cloud-init makes with a password and/or SSH public keys (this
//! computer's `~/.ssh/*.pub` when the host is this computer, or a pasted key) and the host
//! name. What is chosen becomes a [`DiskChoice::CloudImage`].

use adw::prelude::*;

use super::plan::DiskChoice;
use super::{NewVmWizardMsg as Msg, PathField, Tx};
use crate::cloudinit::{self, CloudConfig};
use crate::i18n::gettext;

/// A change in the group.
#[derive(Debug, Clone)]
pub enum CloudMsg {
    /// The user name.
    User(String),
    /// The password.
    Password(String),
    /// Whether this computer's key at this index is given to the user.
    Key(usize, bool),
    /// A pasted public key.
    Pasted(String),
    /// The host name.
    Hostname(String),
}

/// A public key of this computer's user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalKey {
    /// The file it came from (`id_ed25519.pub`).
    pub file: String,
    /// The key line.
    pub key: String,
    /// Whether it is given to the new VM's user.
    pub chosen: bool,
}

/// What is chosen for a cloud image.
#[derive(Debug, Clone, Default)]
pub struct CloudChoice {
    /// The base image as `POOL/VOLUME` (empty: none).
    pub base: String,
    /// What the host says of the base: its format, or why it is no cloud image (`None`
    /// until read).
    pub base_check: Option<Result<String, String>>,
    /// The user name.
    pub user: String,
    /// The password (empty: none).
    pub password: String,
    /// This computer's public keys.
    pub keys: Vec<LocalKey>,
    /// Bumped when `keys` is replaced, so the view rebuilds their rows.
    pub keys_gen: u64,
    /// A pasted public key.
    pub pasted: String,
    /// The host name (empty: the VM's name).
    pub hostname: String,
}

impl CloudChoice {
    /// Applies `msg`.
    pub fn update(&mut self, msg: CloudMsg) {
        match msg {
            CloudMsg::User(u) => self.user = u,
            CloudMsg::Password(p) => self.password = p,
            CloudMsg::Key(i, on) => {
                if let Some(k) = self.keys.get_mut(i) {
                    k.chosen = on;
                }
            }
            CloudMsg::Pasted(k) => self.pasted = k,
            CloudMsg::Hostname(h) => self.hostname = h,
        }
    }

    /// Takes this computer's keys; the first is chosen.
    pub fn set_keys(&mut self, keys: Vec<(String, String)>) {
        self.keys = keys
            .into_iter()
            .enumerate()
            .map(|(i, (file, key))| LocalKey {
                file,
                key,
                chosen: i == 0,
            })
            .collect();
        self.keys_gen += 1;
    }

    /// The cloud-init settings for VM `vm_name`, or why the pasted key is not one.
    pub fn config(&self, vm_name: &str) -> Result<CloudConfig, String> {
        let mut ssh_keys: Vec<String> = self
            .keys
            .iter()
            .filter(|k| k.chosen)
            .map(|k| k.key.clone())
            .collect();
        if !self.pasted.trim().is_empty() {
            ssh_keys.push(cloudinit::public_key(
                &self.pasted,
                &gettext("The pasted key"),
            )?);
        }
        let hostname = match self.hostname.trim() {
            "" => vm_name.trim(),
            h => h,
        };
        Ok(CloudConfig {
            user: self.user.trim().to_owned(),
            password: Some(self.password.clone()).filter(|p| !p.is_empty()),
            ssh_keys,
            hostname: hostname.to_owned(),
        })
    }

    /// The disk for VM `vm_name`, `gib` GiB (0: the image's size). A bad pasted key is left
    /// out here; [`CloudChoice::problem`] tells of it.
    pub fn disk(&self, vm_name: &str, gib: u64) -> DiskChoice {
        let base = self.base.trim().to_owned();
        let config = self.config(vm_name).unwrap_or_else(|_| {
            let mut c = self.clone();
            c.pasted.clear();
            c.config(vm_name).unwrap_or_default()
        });
        DiskChoice::CloudImage { base, gib, config }
    }

    /// What is missing or wrong on the source page, if anything.
    pub fn problem(&self, vm_name: &str) -> Option<String> {
        if self.base.trim().is_empty() {
            return Some(gettext("Choose the cloud image to start from."));
        }
        if let Some(Err(e)) = &self.base_check {
            return Some(e.clone());
        }
        match self.config(vm_name) {
            Err(e) => Some(e),
            Ok(c) => c.problem(),
        }
    }
}

/// This computer's public keys (`~/.ssh/*.pub`): (file name, key line), by name. Blocking: run
/// it off the GTK thread.
pub fn local_keys() -> Vec<(String, String)> {
    std::env::var_os("HOME").map_or_else(Vec::new, |home| {
        keys_in(&std::path::Path::new(&home).join(".ssh"))
    })
}

/// The public keys in the `*.pub` files of `dir`: (file name, key line), by name.
fn keys_in(dir: &std::path::Path) -> Vec<(String, String)> {
    let Ok(dir) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut keys: Vec<(String, String)> = dir
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            if !file.ends_with(".pub") {
                return None;
            }
            let text = std::fs::read_to_string(e.path()).ok()?;
            cloudinit::public_key(&text, &file).ok().map(|k| (file, k))
        })
        .collect();
    keys.sort();
    keys
}

/// The group's widgets.
#[derive(Debug)]
pub struct CloudForm {
    /// The group.
    pub group: adw::PreferencesGroup,
    /// The base image (`POOL/VOLUME`), with a Browse button.
    pub base: adw::EntryRow,
    /// The user name.
    pub user: adw::EntryRow,
    /// The password.
    pub password: adw::PasswordEntryRow,
    /// This computer's keys, one check row each.
    pub keys: adw::ExpanderRow,
    key_rows: Vec<adw::ActionRow>,
    key_checks: Vec<gtk::CheckButton>,
    keys_gen: u64,
    /// A pasted public key.
    pub pasted: adw::EntryRow,
    /// The host name.
    pub hostname: adw::EntryRow,
    tx: Tx,
}

impl CloudForm {
    /// Builds the group.
    pub fn new(tx: &Tx) -> CloudForm {
        let group = adw::PreferencesGroup::new();
        group.set_title(&gettext("Cloud Image"));
        group.set_description(Some(&gettext(
            "The virtual machine gets a new disk on top of the image, which stays as it is. cloud-init in the image creates the user at the first start.",
        )));
        let send = |m: fn(String) -> CloudMsg| {
            let s = tx.clone();
            move |r: &adw::EntryRow| s.send(Msg::Cloud(m(r.text().to_string())))
        };
        let base = super::source::path_row(
            &gettext("Image volume (POOL/VOLUME, qcow2 or raw)"),
            PathField::Cloud,
            tx,
        );
        group.add(&base);
        let user = adw::EntryRow::new();
        user.set_title(&gettext("User name"));
        user.connect_changed(send(CloudMsg::User));
        group.add(&user);
        let password =
            crate::ui::a11y::password_row(&gettext("Password (optional with an SSH key)"));
        let s = tx.clone();
        password.connect_changed(move |r| {
            s.send(Msg::Cloud(CloudMsg::Password(r.text().to_string())));
        });
        group.add(&password);
        let keys = adw::ExpanderRow::new();
        keys.set_title(&gettext("SSH keys of this computer"));
        keys.set_visible(false);
        group.add(&keys);
        let pasted = adw::EntryRow::new();
        pasted.set_title(&gettext("SSH public key (paste)"));
        pasted.connect_changed(send(CloudMsg::Pasted));
        group.add(&pasted);
        let hostname = adw::EntryRow::new();
        hostname.set_title(&gettext("Host name (empty: the VM's name)"));
        hostname.connect_changed(send(CloudMsg::Hostname));
        group.add(&hostname);
        CloudForm {
            group,
            base,
            user,
            password,
            keys,
            key_rows: Vec::new(),
            key_checks: Vec::new(),
            keys_gen: 0,
            pasted,
            hostname,
            tx: tx.clone(),
        }
    }

    /// Brings the widgets in line with `c` (not the base's entry: the caller sets that with
    /// the other path fields).
    pub fn refresh(&mut self, c: &CloudChoice) {
        use super::source::set_text;
        if self.keys_gen != c.keys_gen {
            self.keys_gen = c.keys_gen;
            for row in self.key_rows.drain(..) {
                self.keys.remove(&row);
            }
            self.key_checks.clear();
            for (i, k) in c.keys.iter().enumerate() {
                let check = gtk::CheckButton::new();
                let row = adw::ActionRow::new();
                row.set_title(&super::os::glib_escape(&k.file));
                row.set_subtitle(&super::os::glib_escape(&short_key(&k.key)));
                row.add_prefix(&check);
                row.set_activatable_widget(Some(&check));
                let s = self.tx.clone();
                check.connect_toggled(move |b| s.send(Msg::Cloud(CloudMsg::Key(i, b.is_active()))));
                self.keys.add_row(&row);
                self.key_rows.push(row);
                self.key_checks.push(check);
            }
            self.keys.set_visible(!c.keys.is_empty());
        }
        for (check, k) in self.key_checks.iter().zip(&c.keys) {
            check.set_active(k.chosen);
        }
        set_text(&self.user, &c.user);
        if self.password.text() != c.password {
            self.password.set_text(&c.password);
        }
        set_text(&self.pasted, &c.pasted);
        set_text(&self.hostname, &c.hostname);
    }
}

/// A key shortened for a subtitle: its type, the end of its data and its comment.
fn short_key(key: &str) -> String {
    let mut parts = key.split_whitespace();
    let kind = parts.next().unwrap_or_default();
    let data = parts.next().unwrap_or_default();
    let comment = parts.collect::<Vec<_>>().join(" ");
    let tail = data
        .char_indices()
        .rev()
        .nth(11)
        .map_or(data, |(i, _)| &data[i..]);
    format!("{kind} …{tail} {comment}").trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7x3Ckq1 me@host";

    #[test]
    fn choices_make_a_cloud_disk_and_bad_pastes_are_told() {
        let mut c = CloudChoice::default();
        assert!(c.problem("vm").unwrap().contains("cloud image"));
        c.base = "p/a.qcow2".into();
        c.update(CloudMsg::User("ada".into()));
        c.set_keys(vec![("id_ed25519.pub".into(), KEY.into())]);
        assert_eq!(c.problem("vm"), None);
        let DiskChoice::CloudImage { base, gib, config } = c.disk("vm", 8) else {
            panic!("not a cloud disk")
        };
        assert_eq!((base.as_str(), gib), ("p/a.qcow2", 8));
        assert_eq!(config.ssh_keys, [KEY]);
        assert_eq!(config.hostname, "vm");
        c.base_check = Some(Err("no disk".into()));
        assert_eq!(c.problem("vm").as_deref(), Some("no disk"));
        c.base_check = Some(Ok("qcow2".into()));
        c.update(CloudMsg::Key(0, false));
        assert!(c.problem("vm").unwrap().contains("password or an SSH key"));
        c.update(CloudMsg::Pasted("not a key".into()));
        assert!(c.problem("vm").unwrap().contains("not an SSH public key"));
        c.update(CloudMsg::Pasted(KEY.into()));
        c.update(CloudMsg::Hostname("box".into()));
        assert_eq!(c.config("vm").unwrap().hostname, "box");
        assert_eq!(short_key(KEY), "ssh-ed25519 …AAAIB7x3Ckq1 me@host");
    }

    #[test]
    fn only_public_keys_of_pub_files_are_offered() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("id_ed25519.pub", &format!("{KEY}\n"));
        write("id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n");
        write("notes.pub", "hello\n");
        write("a.pub", &format!("{KEY}\n"));
        assert_eq!(
            keys_in(dir.path()),
            [
                ("a.pub".to_owned(), KEY.to_owned()),
                ("id_ed25519.pub".to_owned(), KEY.to_owned())
            ]
        );
        assert!(keys_in(&dir.path().join("missing")).is_empty());
    }
}
