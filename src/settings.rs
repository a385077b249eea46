//! Hangar's persistent settings (GSettings), available even when the schema is not installed.
//!
//! An installed schema (`/usr/share/glib-2.0/schemas`) is used as it is. A build that runs
//! from the source tree carries its compiled schema inside the binary and writes it to the
//! user's cache directory on first use. Where no persistent GSettings backend exists (no dconf,
//! as on headless or minimal systems), settings go to `$XDG_CONFIG_HOME/hangar/settings.ini`
//! so that they still survive a restart.

use std::path::PathBuf;

use gtk::gio;
use gtk::gio::prelude::*;

use crate::config::APP_ID;

const COMPILED_SCHEMA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gschemas.compiled"));

/// Why the settings could not be opened.
#[derive(Debug)]
pub struct SettingsError(String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot open settings: {}", self.0)
    }
}

impl std::error::Error for SettingsError {}

/// Typed access to Hangar's settings.
#[derive(Debug, Clone)]
pub struct AppSettings {
    inner: gio::Settings,
}

impl AppSettings {
    /// Opens the settings, falling back as the module documentation describes. Every call
    /// on a thread shares one `gio::Settings`, so what one part writes the others read at once.
    pub fn open() -> Result<Self, SettingsError> {
        thread_local! {
            static SHARED: std::cell::OnceCell<gio::Settings> = const { std::cell::OnceCell::new() };
        }
        if let Some(inner) = SHARED.with(|s| s.get().cloned()) {
            return Ok(Self { inner });
        }
        let opened = Self::open_new()?;
        SHARED.with(|s| {
            let _ = s.set(opened.inner.clone());
        });
        Ok(opened)
    }

    fn open_new() -> Result<Self, SettingsError> {
        let schema = match gio::SettingsSchemaSource::default().and_then(|s| s.lookup(APP_ID, true))
        {
            Some(schema) => schema,
            None => bundled_schema()?,
        };
        let backend = gio::SettingsBackend::default();
        let inner = if backend.type_().name() == "GMemorySettingsBackend" {
            let file = config_dir().join("settings.ini");
            let backend =
                gio::keyfile_settings_backend_new(&file.to_string_lossy(), "/", Some("hangar"));
            gio::Settings::new_full(&schema, Some(&backend), None)
        } else {
            gio::Settings::new_full(&schema, None::<&gio::SettingsBackend>, None)
        };
        Ok(Self { inner })
    }

    /// The underlying `gio::Settings`, for bindings.
    pub fn gio(&self) -> &gio::Settings {
        &self.inner
    }

    /// The saved connections' URIs, in the order the user added them.
    pub fn connections(&self) -> Vec<String> {
        self.inner
            .strv("connections")
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// Replaces the saved connections.
    pub fn set_connections(&self, uris: &[String]) {
        let refs: Vec<&str> = uris.iter().map(String::as_str).collect();
        if let Err(e) = self.inner.set_strv("connections", refs.as_slice()) {
            tracing::warn!("cannot save connections: {e}");
        }
    }

    /// The saved connections opened when Hangar starts. Until the user has chosen for any
    /// connection, that is every saved one.
    pub fn autoconnect(&self) -> Vec<String> {
        if self.inner.user_value("autoconnect").is_none() {
            return self.connections();
        }
        self.inner
            .strv("autoconnect")
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// Whether the connection to `uri` is opened at start.
    pub fn autoconnects(&self, uri: &str) -> bool {
        self.autoconnect().iter().any(|u| u == uri)
    }

    /// Opens the connection to `uri` at start, or not.
    pub fn set_autoconnect(&self, uri: &str, on: bool) {
        let mut list = self.autoconnect();
        list.retain(|u| u != uri);
        if on {
            list.push(uri.to_string());
        }
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        if let Err(e) = self.inner.set_strv("autoconnect", refs.as_slice()) {
            tracing::warn!("cannot save the connections opened at start: {e}");
        }
    }

    /// Whether this is the first start (nothing saved yet).
    pub fn first_start(&self) -> bool {
        !self.inner.boolean("initialized")
    }

    /// The time between two statistics readings (0.5–10 s).
    pub fn stats_interval(&self) -> std::time::Duration {
        let ms = self.inner.int("stats-interval-ms").clamp(500, 10_000);
        std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(1000))
    }

    /// Whether the console of VM `uuid` on the connection `uri` shares the clipboard: the
    /// choice made for that VM, else the default (`console-share-clipboard`, off unless set).
    pub fn clipboard_shared(&self, uri: &str, uuid: &str) -> bool {
        self.clipboard_choice(uri, uuid)
            .unwrap_or_else(|| self.inner.boolean(keys::CONSOLE_SHARE_CLIPBOARD))
    }

    /// The choice made for VM `uuid` on `uri`, if any.
    pub fn clipboard_choice(&self, uri: &str, uuid: &str) -> Option<bool> {
        self.clipboard_choices()
            .get(&clipboard_entry(uri, uuid))
            .copied()
    }

    /// Remembers whether VM `uuid` on `uri` shares the clipboard.
    pub fn set_clipboard_shared(&self, uri: &str, uuid: &str, on: bool) {
        let mut choices = self.clipboard_choices();
        choices.insert(clipboard_entry(uri, uuid), on);
        if let Err(e) = self
            .inner
            .set_value(keys::CLIPBOARD_VMS, &choices.to_variant())
        {
            tracing::warn!("cannot save the clipboard choice: {e}");
        }
    }

    fn clipboard_choices(&self) -> std::collections::HashMap<String, bool> {
        self.inner
            .value(keys::CLIPBOARD_VMS)
            .get()
            .unwrap_or_default()
    }

    /// Whether the console of VM `uuid` on `uri` gives the guest USB devices plugged into the
    /// host while it is open (off unless chosen for that VM).
    pub fn usb_auto_redirect(&self, uri: &str, uuid: &str) -> bool {
        self.vm_choice(keys::USB_AUTO_REDIRECT_VMS, uri, uuid)
            .unwrap_or(false)
    }

    /// Remembers whether the console of VM `uuid` on `uri` redirects new USB devices.
    pub fn set_usb_auto_redirect(&self, uri: &str, uuid: &str, on: bool) {
        self.set_vm_choice(keys::USB_AUTO_REDIRECT_VMS, uri, uuid, on);
    }

    /// Whether the console of VM `uuid` on `uri` lets the guest record from the host's
    /// microphone (off unless chosen for that VM).
    pub fn microphone_shared(&self, uri: &str, uuid: &str) -> bool {
        self.vm_choice(keys::MICROPHONE_VMS, uri, uuid)
            .unwrap_or(false)
    }

    /// Remembers whether the console of VM `uuid` on `uri` shares the microphone.
    pub fn set_microphone_shared(&self, uri: &str, uuid: &str, on: bool) {
        self.set_vm_choice(keys::MICROPHONE_VMS, uri, uuid, on);
    }

    /// The folder the console of VM `uuid` on `uri` shares with the guest, and whether the
    /// guest may only read it (none unless chosen for that VM).
    pub fn shared_folder(&self, uri: &str, uuid: &str) -> Option<(String, bool)> {
        self.shared_folders()
            .remove(&clipboard_entry(uri, uuid))
            .filter(|(path, _)| !path.is_empty())
    }

    /// Remembers the folder the console of VM `uuid` on `uri` shares (`None`: none).
    pub fn set_shared_folder(&self, uri: &str, uuid: &str, folder: Option<(String, bool)>) {
        let mut folders = self.shared_folders();
        match folder {
            Some(f) => folders.insert(clipboard_entry(uri, uuid), f),
            None => folders.remove(&clipboard_entry(uri, uuid)),
        };
        if let Err(e) = self
            .inner
            .set_value(keys::SHARED_FOLDER_VMS, &folders.to_variant())
        {
            tracing::warn!("cannot save the shared folder: {e}");
        }
    }

    fn shared_folders(&self) -> std::collections::HashMap<String, (String, bool)> {
        self.inner
            .value(keys::SHARED_FOLDER_VMS)
            .get()
            .unwrap_or_default()
    }

    /// The choice under `key` (a map of "URI UUID" to a choice) for VM `uuid` on `uri`.
    fn vm_choice(&self, key: &str, uri: &str, uuid: &str) -> Option<bool> {
        let choices: std::collections::HashMap<String, bool> =
            self.inner.value(key).get().unwrap_or_default();
        choices.get(&clipboard_entry(uri, uuid)).copied()
    }

    fn set_vm_choice(&self, key: &str, uri: &str, uuid: &str, on: bool) {
        let mut choices: std::collections::HashMap<String, bool> =
            self.inner.value(key).get().unwrap_or_default();
        choices.insert(clipboard_entry(uri, uuid), on);
        if let Err(e) = self.inner.set_value(key, &choices.to_variant()) {
            tracing::warn!("cannot save the choice for the VM ({key}): {e}");
        }
    }

    /// Sets the time between two statistics readings (kept within 0.5–10 s).
    pub fn set_stats_interval(&self, interval: std::time::Duration) {
        let ms = i32::try_from(interval.as_millis())
            .unwrap_or(10_000)
            .clamp(500, 10_000);
        if let Err(e) = self.inner.set_int("stats-interval-ms", ms) {
            tracing::warn!("cannot save the statistics interval: {e}");
        }
    }

    /// The keys that end a console's keyboard grab (Ctrl+Alt where the stored value is unusable).
    pub fn release_keys(&self) -> crate::widgets::release_keys::ReleaseKeys {
        crate::widgets::release_keys::ReleaseKeys::parse_or_default(
            &self.inner.string(keys::CONSOLE_GRAB_KEYS),
        )
    }

    /// Whether to ask before forcing a VM off or resetting it.
    pub fn confirm_force_off(&self) -> bool {
        self.inner.boolean(keys::CONFIRM_FORCE_OFF)
    }

    /// Whether to ask before deleting a VM (without asking, its disks are kept).
    pub fn confirm_delete(&self) -> bool {
        self.inner.boolean(keys::CONFIRM_DELETE)
    }

    /// The storage pool the new-VM assistant chooses first, if one is set.
    pub fn new_vm_pool(&self) -> Option<String> {
        Some(self.inner.string(keys::NEW_VM_POOL).trim().to_string()).filter(|s| !s.is_empty())
    }

    /// The virtual network the new-VM assistant chooses first, if one is set.
    pub fn new_vm_network(&self) -> Option<String> {
        Some(self.inner.string(keys::NEW_VM_NETWORK).trim().to_string()).filter(|s| !s.is_empty())
    }

    /// Marks the first start as done.
    pub fn set_initialized(&self) {
        let _ = self.inner.set_boolean("initialized", true);
    }
}

/// A VM's key in `clipboard-vms` and the other per-VM choices (URIs hold no spaces).
fn clipboard_entry(uri: &str, uuid: &str) -> String {
    format!("{uri} {uuid}")
}

/// The names of the settings the preferences change.
pub mod keys {
    /// Milliseconds between two statistics readings.
    pub const STATS_INTERVAL_MS: &str = "stats-interval-ms";
    /// Whether the performance page shows the CPU graphs.
    pub const GRAPH_CPU: &str = "graph-cpu";
    /// Whether the performance page shows the memory graph.
    pub const GRAPH_MEMORY: &str = "graph-memory";
    /// Whether the performance page shows the disk graph.
    pub const GRAPH_DISK: &str = "graph-disk";
    /// Whether the performance page shows the network graph.
    pub const GRAPH_NETWORK: &str = "graph-network";
    /// Whether consoles scale the guest's screen to fit.
    pub const CONSOLE_SCALE_TO_FIT: &str = "console-scale-to-fit";
    /// Whether consoles ask the guest to take the window's size.
    pub const CONSOLE_RESIZE_GUEST: &str = "console-resize-guest";
    /// Whether consoles share the clipboard with guests without a choice of their own.
    pub const CONSOLE_SHARE_CLIPBOARD: &str = "console-share-clipboard";
    /// The keys that end a console's keyboard grab (see [`crate::widgets::release_keys`]).
    pub const CONSOLE_GRAB_KEYS: &str = "console-grab-keys";
    /// The clipboard sharing chosen per VM ("URI UUID" to whether it shares).
    pub const CLIPBOARD_VMS: &str = "clipboard-vms";
    /// Whether the console redirects new USB devices, per VM ("URI UUID" to the choice).
    pub const USB_AUTO_REDIRECT_VMS: &str = "usb-auto-redirect-vms";
    /// Whether the guest may record from the host's microphone, per VM ("URI UUID" to the
    /// choice).
    pub const MICROPHONE_VMS: &str = "microphone-vms";
    /// The folder shared with the guest, per VM ("URI UUID" to the path and whether it is
    /// read-only).
    pub const SHARED_FOLDER_VMS: &str = "shared-folder-vms";
    /// Whether to ask before Force Off and Reset.
    pub const CONFIRM_FORCE_OFF: &str = "confirm-force-off";
    /// Whether to ask before deleting a VM.
    pub const CONFIRM_DELETE: &str = "confirm-delete";
    /// The storage pool new VMs' disks go to first.
    pub const NEW_VM_POOL: &str = "new-vm-pool";
    /// The virtual network new VMs join first.
    pub const NEW_VM_NETWORK: &str = "new-vm-network";
}

fn config_dir() -> PathBuf {
    gtk::glib::user_config_dir().join("hangar")
}

fn bundled_schema() -> Result<gio::SettingsSchema, SettingsError> {
    // One directory per schema content, so a newer build never reads an older file.
    let hash = COMPILED_SCHEMA
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        });
    let dir = gtk::glib::user_cache_dir()
        .join("hangar")
        .join(format!("schemas-{hash:016x}"));
    let file = dir.join("gschemas.compiled");
    if !file.exists() {
        std::fs::create_dir_all(&dir)
            .map_err(|e| SettingsError(format!("{}: {e}", dir.display())))?;
        let tmp = dir.join(format!(".gschemas.{}", std::process::id()));
        std::fs::write(&tmp, COMPILED_SCHEMA)
            .and_then(|()| std::fs::rename(&tmp, &file))
            .map_err(|e| SettingsError(format!("{}: {e}", file.display())))?;
    }
    let source = gio::SettingsSchemaSource::from_directory(&dir, None, false)
        .map_err(|e| SettingsError(e.to_string()))?;
    source
        .lookup(APP_ID, false)
        .ok_or_else(|| SettingsError(format!("schema {APP_ID} missing from the build")))
}
