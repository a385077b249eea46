//! ssh's `SSH_ASKPASS` bridge: ssh runs a small program with its prompt; that program asks the
//! running client over a private unix socket (named in [`SOCKET_ENV`]) and prints the answer.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixListener;
use tokio::task::JoinHandle;

use crate::credentials::{CredentialPrompt, CredentialRequest};

/// The environment variable that holds the socket path for the askpass program.
pub const SOCKET_ENV: &str = "HANGAR_ASKPASS_SOCKET";

/// Longest prompt accepted from the askpass program.
const MAX_PROMPT: u64 = 4096;

/// The listening side, alive as long as the ssh process that may call it.
pub(crate) struct AskpassServer {
    dir: tempfile::TempDir,
    task: JoinHandle<()>,
}

impl AskpassServer {
    /// Listens on a fresh socket (mode 0700 directory) and answers with `prompt`.
    pub(crate) fn start(prompt: Arc<dyn CredentialPrompt>) -> io::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("hangar-askpass-")
            .tempdir()?;
        let listener = UnixListener::bind(dir.path().join("sock"))?;
        let task = tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let prompt = prompt.clone();
                tokio::spawn(async move {
                    let mut text = Vec::new();
                    if (&mut sock)
                        .take(MAX_PROMPT)
                        .read_to_end(&mut text)
                        .await
                        .is_err()
                    {
                        return;
                    }
                    let req =
                        CredentialRequest::from_ssh_prompt(String::from_utf8_lossy(&text).trim());
                    if let Some(answer) = prompt.ask(&req).await {
                        // A leading '=' tells an empty answer from a cancelled one.
                        let _ = sock.write_all(format!("={answer}").as_bytes()).await;
                    }
                    let _ = sock.shutdown().await;
                });
            }
        });
        Ok(AskpassServer { dir, task })
    }

    /// The socket's path.
    pub(crate) fn socket(&self) -> PathBuf {
        self.dir.path().join("sock")
    }
}

impl Drop for AskpassServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The askpass program's side: sends `prompt` to the socket named in [`SOCKET_ENV`] and prints
/// the answer followed by a newline. Returns the exit status: 0 answered, 1 cancelled or no
/// client to ask.
pub fn run_helper(prompt: &str) -> i32 {
    let Some(path) = std::env::var_os(SOCKET_ENV) else {
        eprintln!("{SOCKET_ENV} is not set: nobody to ask");
        return 1;
    };
    match ask(Path::new(&path), prompt) {
        Ok(Some(answer)) => {
            let mut out = io::stdout().lock();
            if writeln!(out, "{answer}")
                .and_then(|()| out.flush())
                .is_err()
            {
                return 1;
            }
            0
        }
        Ok(None) => 1,
        Err(e) => {
            eprintln!("cannot ask for credentials: {e}");
            1
        }
    }
}

fn ask(path: &Path, prompt: &str) -> io::Result<Option<String>> {
    let mut sock = std::os::unix::net::UnixStream::connect(path)?;
    sock.write_all(prompt.as_bytes())?;
    sock.shutdown(std::net::Shutdown::Write)?;
    let mut answer = String::new();
    sock.read_to_string(&mut answer)?;
    Ok(answer.strip_prefix('=').map(str::to_owned))
}
