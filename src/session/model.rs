//! What the UI knows about a host's VMs: plain data the session layer publishes.

use crate::i18n::gettext;

/// A domain's run state, as libvirt numbers it (`virDomainState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VmState {
    /// No state (`VIR_DOMAIN_NOSTATE`).
    #[default]
    NoState,
    /// Running.
    Running,
    /// Blocked on a resource.
    Blocked,
    /// Paused by the user or the hypervisor.
    Paused,
    /// Being shut down.
    ShuttingDown,
    /// Shut off.
    ShutOff,
    /// Crashed.
    Crashed,
    /// Suspended by guest power management.
    PmSuspended,
}

impl VmState {
    /// The state for libvirt's number; unknown numbers map to [`VmState::NoState`].
    pub fn from_libvirt(n: i32) -> Self {
        match n {
            1 => Self::Running,
            2 => Self::Blocked,
            3 => Self::Paused,
            4 => Self::ShuttingDown,
            5 => Self::ShutOff,
            6 => Self::Crashed,
            7 => Self::PmSuspended,
            _ => Self::NoState,
        }
    }

    /// libvirt's number for this state.
    pub fn to_libvirt(self) -> i32 {
        match self {
            Self::NoState => 0,
            Self::Running => 1,
            Self::Blocked => 2,
            Self::Paused => 3,
            Self::ShuttingDown => 4,
            Self::ShutOff => 5,
            Self::Crashed => 6,
            Self::PmSuspended => 7,
        }
    }

    /// Whether the VM has a running QEMU process (a console, live stats).
    pub fn is_active(self) -> bool {
        !matches!(self, Self::ShutOff | Self::NoState | Self::Crashed)
    }

    /// The state as a user reads it.
    pub fn label(self) -> String {
        match self {
            Self::NoState => gettext("Unknown"),
            Self::Running | Self::Blocked => gettext("Running"),
            Self::Paused => gettext("Paused"),
            Self::ShuttingDown => gettext("Shutting down"),
            Self::ShutOff => gettext("Shut off"),
            Self::Crashed => gettext("Crashed"),
            Self::PmSuspended => gettext("Suspended"),
        }
    }

    /// A symbolic icon name for the state.
    pub fn icon_name(self) -> &'static str {
        match self {
            Self::Running | Self::Blocked => "media-playback-start-symbolic",
            Self::Paused | Self::PmSuspended => "media-playback-pause-symbolic",
            Self::ShuttingDown => "system-shutdown-symbolic",
            Self::ShutOff | Self::NoState => "media-playback-stop-symbolic",
            Self::Crashed => "dialog-error-symbolic",
        }
    }
}

/// A VM as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmSummary {
    /// The domain's UUID, in its usual text form.
    pub uuid: String,
    /// The domain's name.
    pub name: String,
    /// Its title (`<title>`), if any.
    pub title: Option<String>,
    /// Its run state.
    pub state: VmState,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Memory in KiB (current when running, configured otherwise).
    pub memory_kib: u64,
    /// Whether it has a persistent definition.
    pub persistent: bool,
    /// Whether it starts with the host.
    pub autostart: bool,
    /// Whether a managed save image exists (Run restores it).
    pub has_managed_save: bool,
}

impl VmSummary {
    /// The state as a user reads it: "Saved" for a shut-off VM with a managed save image.
    pub fn state_label(&self) -> String {
        state_label(self.state, self.has_managed_save)
    }
}

/// `state` as a user reads it, "Saved" when it is shut off with a managed save image.
pub fn state_label(state: VmState, has_managed_save: bool) -> String {
    if has_managed_save && !state.is_active() {
        gettext("Saved")
    } else {
        state.label()
    }
}

/// Something the user can do to a VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VmAction {
    /// Start it (restoring a managed save image if there is one).
    Run,
    /// Pause it.
    Pause,
    /// Resume it from pause.
    Resume,
    /// Ask the guest to shut down.
    ShutDown,
    /// Ask the guest to reboot.
    Reboot,
    /// Reset it, like a hardware reset button.
    Reset,
    /// Stop it at once, like pulling the plug.
    ForceOff,
    /// Save its memory to disk and stop it (managed save).
    Save,
    /// Save its memory to this file on the host and stop it.
    SaveToFile(String),
    /// Start the VM saved in this file on the host.
    RestoreFromFile(String),
    /// Remove its managed save image, so Run boots afresh.
    DiscardSave,
    /// Remove its definition; with `storage`, also delete these volume paths.
    Delete {
        /// Paths of the disk volumes to delete with it.
        storage: Vec<String>,
    },
    /// Give it a new name.
    Rename(String),
    /// Start it with the host, or not.
    SetAutostart(bool),
}

impl VmAction {
    /// Whether the action makes sense for a VM in `vm`'s state.
    pub fn allowed_for(&self, vm: &VmSummary) -> bool {
        use VmState as S;
        let s = vm.state;
        match self {
            Self::Run => matches!(s, S::ShutOff | S::Crashed | S::NoState),
            Self::Pause => matches!(s, S::Running | S::Blocked),
            Self::Resume => matches!(s, S::Paused | S::PmSuspended),
            Self::ShutDown | Self::Reboot => matches!(s, S::Running | S::Blocked),
            Self::Reset => matches!(s, S::Running | S::Blocked | S::Paused),
            Self::ForceOff => s.is_active(),
            Self::Save => matches!(s, S::Running | S::Blocked | S::Paused) && vm.persistent,
            Self::SaveToFile(_) => matches!(s, S::Running | S::Blocked | S::Paused),
            Self::RestoreFromFile(_) => !s.is_active(),
            Self::DiscardSave => !s.is_active() && vm.has_managed_save,
            Self::Delete { .. } => !s.is_active() && vm.persistent,
            Self::Rename(_) => !s.is_active() && vm.persistent,
            Self::SetAutostart(_) => vm.persistent,
        }
    }

    /// Whether the action loses something the user cannot get back, so it asks first.
    pub fn is_destructive(&self) -> bool {
        matches!(
            self,
            Self::ForceOff | Self::Reset | Self::Delete { .. } | Self::DiscardSave
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vm(state: VmState) -> VmSummary {
        VmSummary {
            uuid: "u".into(),
            name: "n".into(),
            title: None,
            state,
            vcpus: 1,
            memory_kib: 1024,
            persistent: true,
            autostart: false,
            has_managed_save: false,
        }
    }

    #[test]
    fn state_numbers_round_trip() {
        for n in 0..8 {
            assert_eq!(VmState::from_libvirt(n).to_libvirt(), n);
        }
        assert_eq!(VmState::from_libvirt(99), VmState::NoState);
    }

    #[test]
    fn only_fitting_actions_are_allowed() {
        let running = vm(VmState::Running);
        assert!(VmAction::Pause.allowed_for(&running));
        assert!(!VmAction::Run.allowed_for(&running));
        assert!(!VmAction::Delete { storage: vec![] }.allowed_for(&running));
        let off = vm(VmState::ShutOff);
        assert!(VmAction::Run.allowed_for(&off));
        assert!(!VmAction::ForceOff.allowed_for(&off));
        assert!(VmAction::Rename("x".into()).allowed_for(&off));
        let paused = vm(VmState::Paused);
        assert!(VmAction::Resume.allowed_for(&paused));
        assert!(VmAction::Save.allowed_for(&paused));
        let transient = VmSummary {
            persistent: false,
            ..vm(VmState::Running)
        };
        assert!(!VmAction::Save.allowed_for(&transient));
        assert!(VmAction::ForceOff.allowed_for(&transient));
        assert!(VmAction::SaveToFile("/f".into()).allowed_for(&transient));
    }

    #[test]
    fn a_saved_vm_reads_as_saved_and_can_drop_its_save() {
        let off = vm(VmState::ShutOff);
        assert_eq!(off.state_label(), VmState::ShutOff.label());
        assert!(!VmAction::DiscardSave.allowed_for(&off));
        let saved = VmSummary {
            has_managed_save: true,
            ..off
        };
        assert_eq!(saved.state_label(), "Saved");
        assert!(VmAction::DiscardSave.allowed_for(&saved));
        assert!(VmAction::Run.allowed_for(&saved));
        assert!(VmAction::RestoreFromFile("/f".into()).allowed_for(&saved));
        assert!(!VmAction::RestoreFromFile("/f".into()).allowed_for(&vm(VmState::Running)));
    }
}
