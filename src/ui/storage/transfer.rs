//! Volume contents to and from local files, for the storage page: an upload into a new volume
//! sized to the file or into an existing one, and a download into a local file, streamed
//! through libvirt (`virStorageVolUpload`/`Download`) on tokio with the file read and written
//! piece by piece. Progress and rate are reported as it goes; a cancel (or the page going
//! away) stops it, and what it leaves behind is cleaned up or said.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use virt_client::storage::VOL_TRANSFER_SPARSE;
use virt_client::{Connection, ErrorCode, StoragePool, StorageVol};
use virt_xml::{Size, VolumeXml, builder};

use super::ops::{check_name, format_size};
use crate::i18n::gettext_f;
use crate::ui::wizard::finish_message as message;

/// How often progress is reported.
const TICK: Duration = Duration::from_millis(200);

/// The span over which the rate is measured.
const RATE_WINDOW: Duration = Duration::from_secs(2);

/// What to move where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transfer {
    /// Upload `file` into a new raw volume `name` of pool `pool`, sized to the file.
    UploadNew {
        /// The pool.
        pool: String,
        /// The new volume's name.
        name: String,
        /// The local file.
        file: PathBuf,
    },
    /// Upload `file` over the volume at `path` (its start; the rest stays).
    UploadInto {
        /// The volume's path.
        path: String,
        /// The local file.
        file: PathBuf,
    },
    /// Download the volume at `path` into `file` (made or replaced).
    Download {
        /// The volume's path.
        path: String,
        /// The local file.
        file: PathBuf,
    },
}

impl Transfer {
    /// The local file.
    pub fn file(&self) -> &Path {
        match self {
            Transfer::UploadNew { file, .. }
            | Transfer::UploadInto { file, .. }
            | Transfer::Download { file, .. } => file,
        }
    }

    /// Whether data goes to the host.
    pub fn is_upload(&self) -> bool {
        !matches!(self, Transfer::Download { .. })
    }
}

/// How far a transfer got.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Bytes dealt with (data and holes).
    pub done: u64,
    /// Bytes in all (0 when unknown).
    pub total: u64,
    /// Bytes per second lately.
    pub rate: f64,
}

impl Progress {
    /// The share done, 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64).clamp(0.0, 1.0)
        }
    }

    /// “1.2 GiB of 4.0 GiB · 110 MiB/s”.
    pub fn label(&self) -> String {
        let rate = gettext_f("{}/s", &[&format_size(self.rate as u64)]);
        if self.total == 0 {
            gettext_f("{} · {}", &[&format_size(self.done), &rate])
        } else {
            gettext_f(
                "{} of {} · {}",
                &[&format_size(self.done), &format_size(self.total), &rate],
            )
        }
    }
}

/// Why a transfer stopped short of its end.
enum Stop {
    Cancelled,
    Failed(String),
}

/// Runs `t`, calling `report` with the progress every 200 ms, until it ends or `cancel` turns
/// true (or its sender is gone). Ok: a line for the user. Err: what went wrong, including
/// what was left behind.
pub async fn run(
    conn: &Connection,
    t: &Transfer,
    sparse: bool,
    mut cancel: watch::Receiver<bool>,
    report: impl Fn(Progress),
) -> Result<String, String> {
    let file = t.file().display().to_string();
    match t {
        Transfer::UploadNew {
            pool,
            name,
            file: path,
        } => {
            check_name(name)?;
            let local = open_local(path).await?;
            let len = file_len(&local).await?;
            if len == 0 {
                return Err(gettext_f(
                    "{} is empty; there is nothing to upload.",
                    &[&file],
                ));
            }
            let vol = create_for(conn, pool, name, len).await?;
            match upload(&vol, local, len, sparse, &mut cancel, &report).await {
                Ok(()) => Ok(gettext_f(
                    "Uploaded {} into the new volume “{}”.",
                    &[&file, name],
                )),
                Err(stop) => {
                    let why = match &stop {
                        Stop::Cancelled => None,
                        Stop::Failed(e) => Some(e.clone()),
                    };
                    match (vol.delete().await, why) {
                        (Ok(()), None) => Ok(gettext_f(
                            "The upload was cancelled; the new volume “{}” was deleted.",
                            &[name],
                        )),
                        (Ok(()), Some(e)) => Err(gettext_f(
                            "The upload into “{}” failed: {}. The new volume was deleted.",
                            &[name, &e],
                        )),
                        (Err(d), Some(e)) => Err(gettext_f(
                            "The upload into “{}” failed: {}. The half-written volume could not be deleted: {}",
                            &[name, &e, &message(&d)],
                        )),
                        (Err(d), None) => Err(gettext_f(
                            "The upload into “{}” stopped, and the half-written volume could not be deleted: {}",
                            &[name, &message(&d)],
                        )),
                    }
                }
            }
        }
        Transfer::UploadInto { path, file: local } => {
            let vol = lookup(conn, path).await?;
            let name = vol.name().to_owned();
            let f = open_local(local).await?;
            let len = file_len(&f).await?;
            let (_, capacity, _) = vol.info().await.map_err(|e| message(&e))?;
            if len > capacity {
                return Err(gettext_f(
                    "{} ({}) is larger than “{}” ({}); grow the volume first.",
                    &[&file, &format_size(len), &name, &format_size(capacity)],
                ));
            }
            // A sparse upload makes the volume's file as long as the local one (the daemon
            // truncates it first), so holes go as holes only when that changes no length.
            let sparse = sparse && len == capacity;
            match upload(&vol, f, len, sparse, &mut cancel, &report).await {
                Ok(()) => Ok(gettext_f("Uploaded {} into “{}”.", &[&file, &name])),
                Err(Stop::Cancelled) => Err(gettext_f(
                    "The upload was cancelled; “{}” is now partially written.",
                    &[&name],
                )),
                Err(Stop::Failed(e)) => Err(gettext_f(
                    "The upload into “{}” failed: {}. The volume is now partially written.",
                    &[&name, &e],
                )),
            }
        }
        Transfer::Download { path, file: local } => {
            let vol = lookup(conn, path).await?;
            let name = vol.name().to_owned();
            let total = download_size(&vol).await;
            let target = local.clone();
            let f = blocking(move || std::fs::File::create(&target))
                .await
                .map_err(|e| gettext_f("{} cannot be written: {}", &[&file, &e]))?;
            match download(&vol, f, total, sparse, &mut cancel, &report).await {
                Ok(()) => Ok(gettext_f("Downloaded “{}” into {}.", &[&name, &file])),
                Err(stop) => {
                    let target = local.clone();
                    let removed = blocking(move || std::fs::remove_file(&target)).await;
                    let left = match removed {
                        Ok(()) => gettext_f("The partial file {} was removed.", &[&file]),
                        Err(e) => {
                            gettext_f("The partial file {} is left: {}", &[&file, &e.to_string()])
                        }
                    };
                    match stop {
                        Stop::Cancelled => {
                            Ok(gettext_f("The download was cancelled. {}", &[&left]))
                        }
                        Stop::Failed(e) => Err(gettext_f(
                            "The download of “{}” failed: {}. {}",
                            &[&name, &e, &left],
                        )),
                    }
                }
            }
        }
    }
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, String> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

async fn open_local(path: &Path) -> Result<std::fs::File, String> {
    let p = path.to_owned();
    blocking(move || std::fs::File::open(&p))
        .await
        .map_err(|e| gettext_f("{} cannot be read: {}", &[&path.display().to_string(), &e]))
}

async fn file_len(f: &std::fs::File) -> Result<u64, String> {
    let f = f.try_clone().map_err(|e| e.to_string())?;
    blocking(move || f.metadata().map(|m| m.len())).await
}

async fn lookup(conn: &Connection, path: &str) -> Result<StorageVol, String> {
    StorageVol::lookup_by_path(conn, path)
        .await
        .map_err(|e| message(&e))
}

/// Makes the raw volume `name` of `len` bytes in `pool`, after checking it is free and fits.
async fn create_for(
    conn: &Connection,
    pool: &str,
    name: &str,
    len: u64,
) -> Result<StorageVol, String> {
    let handle = StoragePool::lookup_by_name(conn, pool)
        .await
        .map_err(|e| message(&e))?;
    match handle.volume_by_name(name).await {
        Ok(_) => {
            return Err(gettext_f(
                "The pool “{}” already has a volume named “{}”.",
                &[pool, name],
            ));
        }
        Err(e) if e.is(ErrorCode::NO_STORAGE_VOL) => {}
        Err(e) => return Err(message(&e)),
    }
    let info = handle.info().await.map_err(|e| message(&e))?;
    if len > info.available {
        return Err(gettext_f(
            "A volume of {} does not fit: the pool “{}” has {} free.",
            &[&format_size(len), pool, &format_size(info.available)],
        ));
    }
    let xml = builder::volume(name, Size::bytes_value(len), "raw").map_err(|e| e.to_string())?;
    handle
        .create_volume(&xml.to_string(), 0)
        .await
        .map_err(|e| gettext_f("Could not create the volume: {}", &[&message(&e)]))
}

/// The bytes a download of `vol` brings: the file's size on the host where the XML says it,
/// else the capacity (0 when neither can be read).
async fn download_size(vol: &StorageVol) -> u64 {
    let from_xml = vol.xml_desc().await.ok().and_then(|xml| {
        let doc = VolumeXml::parse(&xml).ok()?;
        let v = doc.root();
        let physical = v.physical(&doc).ok().flatten().and_then(|s| s.bytes());
        physical.or_else(|| v.capacity(&doc).ok().flatten().and_then(|s| s.bytes()))
    });
    match from_xml {
        Some(n) => n,
        None => vol.info().await.map(|(_, c, _)| c).unwrap_or(0),
    }
}

/// Whether the daemon refused the sparse flag (an older daemon or a backend without it).
fn sparse_refused(e: &virt_client::Error) -> bool {
    e.is(ErrorCode::INVALID_ARG) || e.is(ErrorCode::NO_SUPPORT)
}

async fn upload(
    vol: &StorageVol,
    file: std::fs::File,
    total: u64,
    sparse: bool,
    cancel: &mut watch::Receiver<bool>,
    report: &impl Fn(Progress),
) -> Result<(), Stop> {
    let failed = |e: virt_client::Error| Stop::Failed(message(&e));
    let (stream, sparse) = match vol
        .upload(0, 0, if sparse { VOL_TRANSFER_SPARSE } else { 0 })
        .await
    {
        Ok(s) => (s, sparse),
        Err(e) if sparse && sparse_refused(&e) => {
            tracing::info!("sparse upload refused ({e}); sending every byte");
            (vol.upload(0, 0, 0).await.map_err(failed)?, false)
        }
        Err(e) => return Err(failed(e)),
    };
    let counter = AtomicU64::new(0);
    let work = Box::pin(stream.send_file_counted(file, sparse, &counter));
    let outcome = follow(work, &counter, total, cancel, report).await;
    match outcome {
        Some(Ok(_)) => stream.finish().await.map_err(failed),
        Some(Err(e)) => {
            let _ = stream.abort().await;
            Err(failed(e))
        }
        None => {
            let _ = stream.abort().await;
            Err(Stop::Cancelled)
        }
    }
}

async fn download(
    vol: &StorageVol,
    file: std::fs::File,
    total: u64,
    sparse: bool,
    cancel: &mut watch::Receiver<bool>,
    report: &impl Fn(Progress),
) -> Result<(), Stop> {
    let failed = |e: virt_client::Error| Stop::Failed(message(&e));
    let flags = if sparse { VOL_TRANSFER_SPARSE } else { 0 };
    let mut stream = match vol.download(0, 0, flags).await {
        Ok(s) => s,
        Err(e) if sparse && sparse_refused(&e) => {
            tracing::info!("sparse download refused ({e}); receiving every byte");
            vol.download(0, 0, 0).await.map_err(failed)?
        }
        Err(e) => return Err(failed(e)),
    };
    let counter = AtomicU64::new(0);
    let work = Box::pin(stream.recv_into_file_counted(file, &counter));
    let outcome = follow(work, &counter, total, cancel, report).await;
    match outcome {
        Some(Ok(_)) => stream.finish().await.map_err(failed),
        Some(Err(e)) => {
            let _ = stream.abort().await;
            Err(failed(e))
        }
        None => {
            let _ = stream.abort().await;
            Err(Stop::Cancelled)
        }
    }
}

/// Drives `work`, reporting `counter` against `total` every [`TICK`], until it ends
/// (`Some`) or `cancel` says stop (`None`; `work` is dropped).
async fn follow<T>(
    mut work: std::pin::Pin<Box<impl Future<Output = T>>>,
    counter: &AtomicU64,
    total: u64,
    cancel: &mut watch::Receiver<bool>,
    report: &impl Fn(Progress),
) -> Option<T> {
    let mut tick = tokio::time::interval(TICK);
    let mut samples: VecDeque<(Instant, u64)> = VecDeque::new();
    loop {
        tokio::select! {
            done = &mut work => {
                let n = counter.load(Ordering::Relaxed);
                report(Progress { done: n, total: total.max(n), rate: rate(&mut samples, n) });
                return Some(done);
            }
            _ = tick.tick() => {
                let n = counter.load(Ordering::Relaxed);
                report(Progress { done: n, total: total.max(n), rate: rate(&mut samples, n) });
            }
            changed = cancel.changed() => {
                // A dropped sender (the page is gone) cancels too.
                if changed.is_err() || *cancel.borrow() {
                    return None;
                }
            }
        }
    }
}

/// Adds the sample `n` now and returns the rate over the last [`RATE_WINDOW`].
fn rate(samples: &mut VecDeque<(Instant, u64)>, n: u64) -> f64 {
    let now = Instant::now();
    samples.push_back((now, n));
    while samples
        .front()
        .is_some_and(|(t, _)| now.duration_since(*t) > RATE_WINDOW)
    {
        samples.pop_front();
    }
    match samples.front() {
        Some((t, first)) if now > *t => (n - first) as f64 / now.duration_since(*t).as_secs_f64(),
        _ => 0.0,
    }
}
