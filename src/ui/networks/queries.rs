//! What the networks page tells about itself, for its window and the tests.

use super::{Lease, NetInfo, NetworksPage};

impl NetworksPage {
    /// The listed networks.
    pub fn networks(&self) -> &[NetInfo] {
        &self.nets
    }

    /// The selected network.
    pub fn selected(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// The selected network as listed.
    pub fn selected_info(&self) -> Option<&NetInfo> {
        let name = self.selected.as_deref()?;
        self.nets.iter().find(|n| n.name == name)
    }

    /// The selected network's leases: `None` while it is not running or not read yet.
    pub fn leases(&self) -> Option<&Result<Vec<Lease>, String>> {
        self.leases.as_ref()
    }

    /// The host bridges offered for a host-bridge network.
    pub fn bridges(&self) -> &[String] {
        &self.bridges
    }

    /// Whether a change is under way.
    pub fn busy(&self) -> bool {
        self.busy
    }

    /// How many times the list has been read.
    pub fn loads(&self) -> u64 {
        self.loads
    }

    /// Whether network events keep the list live.
    pub fn live(&self) -> bool {
        self.events
    }

    /// The page's error line.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The XML tab's error.
    pub fn xml_error(&self) -> Option<&str> {
        self.xml_error.as_deref()
    }

    /// The form's error.
    pub fn form_error(&self) -> Option<&str> {
        self.form_error.as_deref()
    }

    /// The question being asked (its heading), if any.
    pub fn confirming(&self) -> Option<&str> {
        self.confirm.as_ref().map(|(h, _)| h.as_str())
    }
}
