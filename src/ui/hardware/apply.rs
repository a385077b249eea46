//! Sending an edited domain to the daemon: the persistent definition with `define_xml`, the
//! changes a running VM can take at once with live calls, and restoring the old definition
//! when any step fails.

use virt_client::Domain;

use crate::ui::wizard::finish_message as message;

/// `VIR_DOMAIN_AFFECT_LIVE`.
pub const AFFECT_LIVE: u32 = 1;
/// `VIR_DOMAIN_XML_INACTIVE`.
pub const XML_INACTIVE: u32 = 2;

/// A change made to the running VM (its persistent side goes through the definition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveOp {
    /// Balloon to this many KiB.
    Memory(u64),
    /// Update a device in place (CD media, link state).
    Update(String),
    /// Hot-plug a device.
    Attach(String),
    /// Hot-unplug a device.
    Detach(String),
}

/// What one apply sends.
#[derive(Debug, Clone)]
pub struct ApplyPlan {
    /// The definition as loaded, restored if a later step fails.
    pub original: String,
    /// The edited definition.
    pub edited: String,
    /// A new name (only while shut off).
    pub rename: Option<String>,
    /// A new autostart setting.
    pub autostart: Option<bool>,
    /// Changes to make to the running VM.
    pub live: Vec<LiveOp>,
}

/// Sends `plan`; on failure the VM's definition is what it was, and the message says why.
pub async fn apply(domain: &Domain, plan: ApplyPlan) -> Result<(), String> {
    let conn = domain.connection().clone();
    let mut domain = domain.clone();
    let old_name = domain.name().to_owned();
    if let Some(new) = &plan.rename {
        domain = domain.rename(new).await.map_err(|e| message(&e))?;
    }
    if let Err(e) = Domain::define_xml(&conn, &plan.edited, 0).await {
        if plan.rename.is_some() {
            let _ = domain.rename(&old_name).await;
        }
        return Err(message(&e));
    }
    for op in &plan.live {
        let result = match op {
            LiveOp::Memory(kib) => domain.set_memory(*kib, AFFECT_LIVE).await,
            LiveOp::Update(xml) => domain.update_device(xml, AFFECT_LIVE).await,
            LiveOp::Attach(xml) => domain.attach_device(xml, AFFECT_LIVE).await,
            LiveOp::Detach(xml) => domain.detach_device(xml, AFFECT_LIVE).await,
        };
        if let Err(e) = result {
            let _ = Domain::define_xml(&conn, &plan.original, 0).await;
            return Err(message(&e));
        }
    }
    if let Some(on) = plan.autostart
        && let Err(e) = domain.set_autostart(on).await
    {
        return Err(message(&e));
    }
    Ok(())
}

/// The VM's state as the editor needs it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The persistent definition.
    pub inactive: String,
    /// The running definition, while it runs.
    pub live: Option<String>,
    /// Whether it starts with the host.
    pub autostart: bool,
    /// Whether it runs.
    pub active: bool,
    /// The handle (fresh after a rename).
    pub domain: Domain,
}

/// Reads the definitions, state and autostart of `domain`.
pub async fn load(domain: &Domain) -> Result<Loaded, String> {
    let domain = domain.refresh().await.map_err(|e| message(&e))?;
    let active = domain.is_active().await.map_err(|e| message(&e))?;
    let inactive = domain
        .xml_desc(XML_INACTIVE)
        .await
        .map_err(|e| message(&e))?;
    let live = if active {
        Some(domain.xml_desc(0).await.map_err(|e| message(&e))?)
    } else {
        None
    };
    let autostart = domain.autostart().await.unwrap_or(false);
    Ok(Loaded {
        inactive,
        live,
        autostart,
        active,
        domain,
    })
}
