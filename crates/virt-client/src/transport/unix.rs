//! Unix socket transport with descriptor passing, and starting a per-user daemon on demand.

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;
use std::time::Duration;

use tokio::io::Interest;
use tokio::net::UnixStream;
use tokio::net::unix::{OwnedReadHalf, OwnedWriteHalf};

use super::{Reader, Writer};

/// Most descriptors accepted with one `recvmsg`.
const MAX_FDS_PER_READ: usize = 16;

/// The read half of a unix socket; descriptors that arrive are queued in order.
pub(crate) struct UnixReader {
    half: OwnedReadHalf,
    pub(crate) fds: VecDeque<OwnedFd>,
}

impl UnixReader {
    /// Reads bytes with `recvmsg`, so descriptors sent along are kept rather than dropped.
    pub(crate) async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            self.half.readable().await?;
            let stream: &UnixStream = self.half.as_ref();
            let fd = stream.as_raw_fd();
            let fds = &mut self.fds;
            let mut drained = None;
            let r = stream.try_io(Interest::READABLE, || {
                let before = fds.len();
                let n = recv_with_fds(fd, buf, fds)?;
                // A unix stream socket fills the buffer while it holds data, except that it
                // stops after a packet that carries descriptors. A short read without them
                // emptied the socket: its readiness is cleared (as by WouldBlock), so the next
                // read waits for the daemon rather than costing a `recvmsg` that finds nothing.
                if n > 0 && n < buf.len() && fds.len() == before {
                    drained = Some(n);
                    return Err(io::ErrorKind::WouldBlock.into());
                }
                Ok(n)
            });
            match r {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => match drained {
                    Some(n) => return Ok(n),
                    None => continue,
                },
                other => return other,
            }
        }
    }
}

/// Connects to the socket at `path`.
pub(crate) async fn connect_unix(path: &Path) -> io::Result<(Reader, Writer)> {
    let stream = UnixStream::connect(path).await?;
    Ok(split(stream))
}

fn split(stream: UnixStream) -> (Reader, Writer) {
    let (r, w) = stream.into_split();
    (
        Reader::Unix(UnixReader {
            half: r,
            fds: VecDeque::new(),
        }),
        Writer::Unix(w),
    )
}

/// Connects to `path`; when nobody listens there, starts `daemon --timeout=120` (detached, as
/// this user) once and retries with growing pauses, as libvirt's client does for per-user
/// daemons.
pub(crate) async fn connect_unix_autostart(
    path: &Path,
    daemon: &Path,
) -> io::Result<(Reader, Writer)> {
    let mut started = false;
    let mut pause = Duration::from_millis(10);
    let mut waited = Duration::ZERO;
    loop {
        match UnixStream::connect(path).await {
            Ok(s) => return Ok(split(s)),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
                ) && waited < Duration::from_secs(10) =>
            {
                if !started {
                    spawn_daemon(daemon)?;
                    started = true;
                }
                tokio::time::sleep(pause).await;
                waited += pause;
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            Err(e) => return Err(e),
        }
    }
}

fn spawn_daemon(daemon: &Path) -> io::Result<()> {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(daemon);
    cmd.arg("--timeout=120")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: setsid only changes the child's own session; it is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot start {}: {e}", daemon.display())))?;
    // The daemon outlives us; reap it from a thread so it never lingers as a zombie.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

/// One `recvmsg` into `buf`, queueing any descriptors that came with the bytes.
fn recv_with_fds(fd: RawFd, buf: &mut [u8], fds: &mut VecDeque<OwnedFd>) -> io::Result<usize> {
    const SPACE: usize = MAX_FDS_PER_READ * std::mem::size_of::<RawFd>() + 64;
    // u64 elements keep the control buffer aligned for cmsghdr.
    let mut control = [0u64; SPACE / 8];
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: msghdr is plain old data; all-zero is a valid empty header.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: msg points at a live iovec over `buf` and a live control buffer of the stated
    // sizes; the kernel writes only within them.
    let n = unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_CMSG_CLOEXEC) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the CMSG_* macros walk the control buffer the kernel just filled, bounded by
    // msg_controllen; each SCM_RIGHTS payload holds whole ints, read unaligned.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            let hdr = &*cmsg;
            if hdr.cmsg_level == libc::SOL_SOCKET && hdr.cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(cmsg);
                let len = hdr.cmsg_len as usize - (data as usize - cmsg as usize);
                let count = len / std::mem::size_of::<RawFd>();
                for i in 0..count {
                    let raw = std::ptr::read_unaligned(data.cast::<RawFd>().add(i));
                    fds.push_back(OwnedFd::from_raw_fd(raw));
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    if msg.msg_flags & libc::MSG_CTRUNC != 0 {
        return Err(io::Error::other(
            "the daemon sent more file descriptors than the client accepts at once",
        ));
    }
    Ok(n as usize)
}

/// Sends `fd` with one zero byte.
pub(crate) async fn send_fd(half: &mut OwnedWriteHalf, fd: BorrowedFd<'_>) -> io::Result<()> {
    let raw = fd.as_raw_fd();
    loop {
        half.writable().await?;
        let stream: &UnixStream = half.as_ref();
        let sock = stream.as_raw_fd();
        match stream.try_io(Interest::WRITABLE, || send_one_fd(sock, raw)) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            other => return other,
        }
    }
}

fn send_one_fd(sock: RawFd, fd: RawFd) -> io::Result<()> {
    let mut byte = [0u8; 1];
    let mut iov = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let mut control = [0u64; 4];
    // SAFETY: msghdr is plain old data; all-zero is a valid empty header.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    // SAFETY: CMSG_SPACE is a pure size computation.
    msg.msg_controllen = unsafe { libc::CMSG_SPACE(std::mem::size_of::<RawFd>() as u32) } as _;
    // SAFETY: the control buffer (32 bytes) holds one cmsghdr with one int; the header and data
    // pointers come from the CMSG_* macros over that buffer; msg points at live memory.
    let n = unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<RawFd>() as u32) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<RawFd>(), fd);
        libc::sendmsg(sock, &msg, libc::MSG_NOSIGNAL)
    };
    match n {
        1 => Ok(()),
        n if n < 0 => Err(io::Error::last_os_error()),
        _ => Err(io::Error::other(
            "short write while passing a file descriptor",
        )),
    }
}
