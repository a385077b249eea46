//! Sending an edited domain to the daemon: a rename, the persistent definition with
//! `define_xml`, the changes a running VM can take at once with live calls, and autostart, as
//! [`steps`] run so that a failed one undoes those made before it. The daemon tells what
//! undoes each: the definition and autostart as they were, the device XML the running VM had
//! before an update or a detach, the devices a hot-plug added.

use std::future::Future;

use virt_client::{Connection, Domain};
use virt_xml::DomainXml;
use virt_xml::tree::Document;

use super::steps::{self, Runner, Step, StepError, Undo};
use crate::i18n::{gettext, gettext_f};
use crate::ui::wizard::finish_message as message;

/// `VIR_DOMAIN_AFFECT_LIVE`.
pub const AFFECT_LIVE: u32 = 1;
/// `VIR_DOMAIN_XML_INACTIVE`.
pub const XML_INACTIVE: u32 = 2;
/// `VIR_DOMAIN_XML_SECURE`: with passwords, so a definition put back keeps them.
const XML_SECURE: u32 = 1;

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
    /// The edited definition.
    pub edited: String,
    /// A new name (only while shut off).
    pub rename: Option<String>,
    /// A new autostart setting.
    pub autostart: Option<bool>,
    /// Changes to make to the running VM.
    pub live: Vec<LiveOp>,
}

/// The steps of `plan`, in the order they are made: the rename, the definition, the live
/// changes in the order they were edited, autostart.
pub fn steps(plan: &ApplyPlan) -> Vec<Step> {
    let mut out = Vec::new();
    if let Some(name) = &plan.rename {
        out.push(Step::Rename(name.clone()));
    }
    out.push(Step::Define(plan.edited.clone()));
    out.extend(plan.live.iter().map(|op| match op {
        LiveOp::Memory(kib) => Step::Memory(*kib),
        LiveOp::Update(xml) => Step::Update(xml.clone()),
        LiveOp::Attach(xml) => Step::Attach(xml.clone()),
        LiveOp::Detach(xml) => Step::Detach(xml.clone()),
    }));
    if let Some(on) = plan.autostart {
        out.push(Step::Autostart(on));
    }
    out
}

/// Sends `plan`. On failure every change already made is undone, last first, and the message
/// says why it failed and what, if anything, could not be undone.
pub async fn apply(domain: &Domain, plan: ApplyPlan) -> Result<(), String> {
    let mut daemon = Daemon {
        conn: domain.connection().clone(),
        domain: domain.clone(),
    };
    steps::run(&mut daemon, &steps(&plan)).await
}

/// Steps made by the daemon on one VM.
struct Daemon {
    conn: Connection,
    /// The VM (a fresh handle after a rename).
    domain: Domain,
}

impl Runner for Daemon {
    fn run(&mut self, step: &Step) -> impl Future<Output = Result<Undo, StepError>> + Send {
        self.step(step)
    }
}

impl Daemon {
    async fn step(&mut self, step: &Step) -> Result<Undo, StepError> {
        let m = |e: virt_client::Error| message(&e);
        // The call that makes the change: with the connection gone before its answer, it may
        // have been made.
        let sent = |e: virt_client::Error| StepError {
            unsure: e.is_connection_gone(),
            message: message(&e),
        };
        match step {
            Step::Rename(to) => {
                let from = self.domain.name().to_owned();
                self.domain = self.domain.rename(to).await.map_err(sent)?;
                Ok(Undo::Steps(vec![Step::Rename(from)]))
            }
            Step::Define(xml) => {
                let before = self
                    .domain
                    .xml_desc(XML_INACTIVE | XML_SECURE)
                    .await
                    .map_err(m)?;
                Domain::define_xml(&self.conn, xml, 0).await.map_err(sent)?;
                Ok(Undo::Steps(vec![Step::Define(before)]))
            }
            Step::Memory(kib) => {
                let before = self.domain.xml_desc(0).await.map_err(m)?;
                self.domain
                    .set_memory(*kib, AFFECT_LIVE)
                    .await
                    .map_err(sent)?;
                Ok(match current_memory(&before) {
                    Some(old) => Undo::Steps(vec![Step::Memory(old)]),
                    None => Undo::Cannot(gettext("its memory before the change is not known")),
                })
            }
            Step::Update(xml) => {
                let before = self.devices(xml).await?;
                self.domain
                    .update_device(xml, AFFECT_LIVE)
                    .await
                    .map_err(sent)?;
                let after = match self.devices(xml).await {
                    Ok(after) => after,
                    Err(e) => return Ok(unreadable(&e)),
                };
                Ok(Undo::Steps(
                    only_in(&before, &after).map(Step::Update).collect(),
                ))
            }
            Step::Attach(xml) => {
                let before = self.devices(xml).await?;
                self.domain
                    .attach_device(xml, AFFECT_LIVE)
                    .await
                    .map_err(sent)?;
                let after = match self.devices(xml).await {
                    Ok(after) => after,
                    Err(e) => return Ok(unreadable(&e)),
                };
                let mut added: Vec<Step> = only_in(&after, &before).map(Step::Unplug).collect();
                added.reverse();
                Ok(Undo::Steps(added))
            }
            Step::Detach(xml) => {
                let before = self.devices(xml).await?;
                self.domain
                    .detach_device(xml, AFFECT_LIVE)
                    .await
                    .map_err(sent)?;
                let after = match self.devices(xml).await {
                    Ok(after) => after,
                    Err(e) => return Ok(unreadable(&e)),
                };
                let gone: Vec<Step> = only_in(&before, &after).map(Step::Attach).collect();
                Ok(if gone.is_empty() {
                    Undo::Cannot(gettext(
                        "the guest was asked to release it, which cannot be taken back",
                    ))
                } else {
                    Undo::Steps(gone)
                })
            }
            Step::Unplug(xml) => {
                self.domain
                    .detach_device(xml, AFFECT_LIVE)
                    .await
                    .map_err(sent)?;
                // libvirt waits a while for the guest, then reports success either way.
                if self.devices(xml).await?.contains(xml) {
                    return Err(gettext("the guest has not released it").into());
                }
                Ok(Undo::Steps(Vec::new()))
            }
            Step::Autostart(on) => {
                let before = self.domain.autostart().await.map_err(m)?;
                self.domain.set_autostart(*on).await.map_err(sent)?;
                Ok(Undo::Steps(vec![Step::Autostart(before)]))
            }
        }
    }

    /// The running VM's devices of the kind `xml` describes, each as libvirt writes it.
    async fn devices(&self, xml: &str) -> Result<Vec<String>, String> {
        let live = self.domain.xml_desc(0).await.map_err(|e| message(&e))?;
        let kind = Document::parse(xml)
            .map(|d| d.name(d.root()).to_owned())
            .map_err(|e| e.to_string())?;
        let doc = Document::parse(&live).map_err(|e| e.to_string())?;
        let Some(devices) = doc.child(doc.root(), "devices") else {
            return Ok(Vec::new());
        };
        Ok(doc
            .elements_named(devices, &kind)
            .map(|n| doc.node_to_string(n))
            .collect())
    }
}

/// What undoes a change made whose result could not be read back: nothing.
fn unreadable(error: &str) -> Undo {
    Undo::Cannot(gettext_f(
        "the VM could not be read back after the change: {}",
        &[error],
    ))
}

/// The entries of `a` not in `b` (counting repeats).
fn only_in<'a>(a: &'a [String], b: &[String]) -> impl Iterator<Item = String> + 'a {
    let mut rest: Vec<String> = b.to_vec();
    a.iter()
        .filter_map(move |x| match rest.iter().position(|y| y == x) {
            Some(i) => {
                rest.swap_remove(i);
                None
            }
            None => Some(x.clone()),
        })
}

/// The `<currentMemory>` of a domain XML in KiB.
fn current_memory(xml: &str) -> Option<u64> {
    let doc = DomainXml::parse(xml).ok()?;
    doc.root().current_memory(&doc).ok()??.to_kib()
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
