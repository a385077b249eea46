//! The console page's serial console: a console stream opened through libvirt, pumped both
//! ways (guest output to the terminal on the main thread, typed bytes to the stream) by one
//! task per session.

use std::sync::Arc;

use relm4::prelude::*;
use tokio::sync::{Mutex, mpsc, oneshot};
use virt_client::Domain;
use virt_client::stream::{CONSOLE_FORCE, CONSOLE_SAFE};

use super::{ConsoleCmd, ConsolePage};

/// Where the serial session stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SerialState {
    /// Not opened (the VM is off, or not looked at yet).
    #[default]
    Closed,
    /// Opening.
    Opening,
    /// Open: bytes flow.
    Open,
    /// Another client holds the console.
    InUse,
    /// The session ended or failed, with the reason.
    Ended(String),
}

/// Typed bytes waiting for the session that is open: one receiver, taken by each session's
/// task in turn.
pub type Input = Arc<Mutex<mpsc::UnboundedReceiver<Vec<u8>>>>;

/// Whether a console error means another client holds the console.
fn is_in_use(e: &virt_client::Error) -> bool {
    let text = e.to_string().to_lowercase();
    text.contains("active console session") || text.contains("in use")
}

impl ConsolePage {
    /// Opens the serial session on the chosen device; `force` takes it from another client.
    pub(super) fn open_serial(&mut self, sender: &ComponentSender<Self>, force: bool) {
        self.stop_serial();
        let Some(info) = &self.info else { return };
        if !info.running {
            return;
        }
        let domain = info.domain.clone();
        let dev = info
            .serials
            .get(self.serial_index)
            .and_then(|d| d.alias.clone());
        self.serial_gen += 1;
        let gen_ = self.serial_gen;
        let (stop, stopped) = oneshot::channel();
        self.serial_stop = Some(stop);
        self.serial_state = SerialState::Opening;
        let input = self.input.clone();
        sender.command(move |out, shutdown| {
            shutdown
                .register(pump(domain, dev, force, gen_, input, out, stopped))
                .drop_on_shutdown()
        });
    }

    /// Ends the serial session, if one is open.
    pub(super) fn stop_serial(&mut self) {
        self.serial_stop.take();
        self.serial_gen += 1;
        if matches!(self.serial_state, SerialState::Open | SerialState::Opening) {
            self.serial_state = SerialState::Closed;
        }
    }
}

/// One session: open the stream, then copy both ways until it ends or `stopped` fires.
async fn pump(
    domain: Domain,
    dev: Option<String>,
    force: bool,
    gen_: u64,
    input: Input,
    out: relm4::Sender<ConsoleCmd>,
    mut stopped: oneshot::Receiver<()>,
) {
    let flags = if force { CONSOLE_FORCE } else { CONSOLE_SAFE };
    let mut stream = match domain.open_console(dev.as_deref(), flags).await {
        Ok(s) => s,
        Err(e) => {
            let state = if is_in_use(&e) {
                SerialState::InUse
            } else {
                SerialState::Ended(e.to_string())
            };
            let _ = out.send(ConsoleCmd::Serial(gen_, state));
            return;
        }
    };
    let _ = out.send(ConsoleCmd::Serial(gen_, SerialState::Open));
    let mut input = input.lock().await;
    // Keys typed before this session do not belong to it.
    while input.try_recv().is_ok() {}
    let end = loop {
        tokio::select! {
            _ = &mut stopped => {
                let _ = stream.abort().await;
                return;
            }
            data = stream.recv() => match data {
                Ok(Some(bytes)) => {
                    let _ = out.send(ConsoleCmd::SerialData(gen_, bytes.to_vec()));
                }
                Ok(None) => break SerialState::Ended(String::new()),
                Err(e) => break SerialState::Ended(e.to_string()),
            },
            typed = input.recv() => match typed {
                Some(bytes) => {
                    if let Err(e) = stream.send(&bytes).await {
                        break SerialState::Ended(e.to_string());
                    }
                }
                None => break SerialState::Ended(String::new()),
            },
        }
    };
    let _ = out.send(ConsoleCmd::Serial(gen_, end));
}
