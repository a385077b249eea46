//! A child process as a byte stream: its stdin and stdout carry the protocol (`+ext`, `+ssh`).
//!
//! The child is killed when the read half is dropped. When its stdout ends, what it wrote to
//! stderr becomes the error, so "Host key verification failed." reaches the user.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::process::Stdio;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio::process::{Child, ChildStdout, Command};

use super::{Reader, Writer};
use crate::askpass::AskpassServer;
use crate::transport::SshError;

/// Where an ssh child's failure is classified: the host it connects to, and the slot the
/// classified error goes into.
#[derive(Debug, Clone, Default)]
pub(crate) struct FailureSlot {
    pub(crate) host: String,
    pub(crate) error: Arc<OnceLock<SshError>>,
}

/// Most stderr kept for the error message.
const STDERR_KEEP: usize = 4096;

pub(crate) type StderrFuture = Pin<Box<dyn Future<Output = String> + Send>>;

/// The read half: the child's stdout, owning the child.
struct ChildReader {
    stdout: ChildStdout,
    program: String,
    stderr: Option<StderrFuture>,
    child: Child,
    failure: Option<FailureSlot>,
    _askpass: Option<AskpassServer>,
}

impl AsyncRead for ChildReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stdout).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before && buf.remaining() > 0 => {}
            other => return other,
        }
        // End of stdout: report what the child said on stderr, once.
        let Some(fut) = self.stderr.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        match fut.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(text) => {
                self.stderr = None;
                let status = self.child.try_wait().ok().flatten().and_then(|s| s.code());
                if let Some(slot) = &self.failure
                    && let Some(e) = SshError::classify(&slot.host, &text, status)
                {
                    let _ = slot.error.set(e);
                }
                if text.trim().is_empty() {
                    Poll::Ready(Ok(()))
                } else {
                    Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("{} ended: {}", self.program, text.trim()),
                    )))
                }
            }
        }
    }
}

/// Starts `cmd` with piped stdio; `askpass` lives as long as the child. With `failure`, what
/// the child says when it ends is classified as an ssh failure there.
pub(crate) fn spawn(
    mut cmd: Command,
    program: &str,
    askpass: Option<AskpassServer>,
    failure: Option<FailureSlot>,
) -> io::Result<(Reader, Writer)> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd
        .spawn()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot run {program}: {e}")))?;
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(io::Error::other("the child's standard streams are missing"));
    };
    let stderr = collect_stderr(stderr);
    let reader = ChildReader {
        stdout,
        program: program.to_owned(),
        stderr: Some(stderr),
        child,
        failure,
        _askpass: askpass,
    };
    Ok((
        Reader::Stream(Box::new(reader)),
        Writer::Stream(Box::new(stdin)),
    ))
}

/// Reads `stderr` in the background, keeping its last [`STDERR_KEEP`] bytes; the future
/// gives them once stderr ends (or 2 s after it is first polled, for a child that keeps stderr
/// open).
pub(crate) fn collect_stderr(mut stderr: impl AsyncRead + Send + Unpin + 'static) -> StderrFuture {
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut text = Vec::new();
        let mut chunk = [0u8; 1024];
        while let Ok(n) = stderr.read(&mut chunk).await {
            if n == 0 {
                break;
            }
            text.extend_from_slice(&chunk[..n]);
            if text.len() > STDERR_KEEP {
                text.drain(..text.len() - STDERR_KEEP);
            }
        }
        let _ = tx.send(String::from_utf8_lossy(&text).into_owned());
    });
    Box::pin(async move {
        tokio::time::timeout(Duration::from_secs(2), rx)
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default()
    })
}

/// The `ext` transport: runs `command` (no arguments, as libvirt does).
pub(crate) fn connect_ext(command: &str) -> io::Result<(Reader, Writer)> {
    spawn(Command::new(command), command, None, None)
}
