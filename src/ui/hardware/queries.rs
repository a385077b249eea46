//! What the hardware editor tells about itself: its documents, state and messages, for its
//! parent window and the tests.

use virt_xml::DomainXml;

use super::{HardwareEditor, HostDevice, devices};
use crate::i18n::gettext;
use crate::ui::volumes::PoolVolumes;
use crate::ui::volumes::default_pool::DefaultPool;

impl HardwareEditor {
    /// The edited definition (as it would be sent).
    pub fn edited_xml(&self) -> Option<String> {
        self.edited.as_ref().map(DomainXml::to_string)
    }

    /// Whether there are edits not yet applied.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Whether a load or apply is under way.
    pub fn busy(&self) -> bool {
        self.busy
    }

    /// The last error shown.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The XML tab's error, with its line and column.
    pub fn xml_error(&self) -> Option<&str> {
        self.xml_error.as_deref()
    }

    /// What the status line says (after an apply: whether a restart is needed).
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// Whether the VM was running at the last load.
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// The host's networks and bridges offered to the network cards, once read.
    pub fn net_choices(&self) -> Option<&super::nics::NetChoices> {
        self.net_choices.as_ref()
    }

    /// The host's USB and PCI devices, once read.
    pub fn host_devices(&self) -> Option<&[HostDevice]> {
        self.host_devices.as_ref()?.as_deref().ok()
    }

    /// The index among the "other devices" (what [`HardwareEditorMsg::RemoveDevice`] and
    /// [`HardwareEditorMsg::EditDevice`] take) of the first device named `element` whose XML
    /// contains `text`.
    pub fn device_index(&self, element: &str, text: &str) -> Option<usize> {
        let doc = self.edited.as_ref()?;
        devices::others(doc)
            .iter()
            .position(|d| d.element_name(doc) == element && d.to_xml(doc).contains(text))
    }

    /// The active storage pools and their volumes, once read.
    pub fn pools(&self) -> Option<&[PoolVolumes]> {
        self.pools.as_ref()?.as_deref().ok()
    }

    /// With no active pool: how the pool `default` would be made for a new disk.
    pub fn default_pool(&self) -> Option<&DefaultPool> {
        self.default_pool.as_ref()
    }

    /// The step and fraction done of a new disk being added.
    pub fn progress(&self) -> Option<(&str, f64)> {
        self.progress.as_ref().map(|(s, f)| (s.as_str(), *f))
    }

    /// What firmware and TPM the host offers the VM, once known.
    pub fn host_firmware(&self) -> Option<&super::HostFirmware> {
        self.host_firmware.as_ref()?.as_ref()
    }

    /// Times the editor has (re)loaded its pages.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// A note for sections whose changes wait for a restart while the VM runs.
    pub fn restart_note(&self) -> Option<String> {
        self.active
            .then(|| gettext("The VM is running: changes here take effect after a restart."))
    }
}
