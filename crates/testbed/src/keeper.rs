//! Spawns daemon processes from one thread that lives as long as the test process.
//!
//! Daemons are started with `PR_SET_PDEATHSIG`, which fires when the *thread* that forked them
//! exits. Test threads end after each test, so every spawn goes through this keeper thread: the
//! signal then fires exactly when the test process goes away, however it goes.

use std::io;
use std::process::{Child, Command};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Mutex, OnceLock};

type Job = (Command, Sender<io::Result<Child>>);

fn keeper() -> &'static Mutex<Sender<Job>> {
    static KEEPER: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();
    KEEPER.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        std::thread::Builder::new()
            .name("testbed-keeper".into())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
                // The sender lives in a static and is never dropped: park forever so the
                // children's parent thread never exits before the process does.
                loop {
                    std::thread::park();
                }
            })
            .map(|_| ())
            .unwrap_or_else(|e| panic!("cannot start the keeper thread: {e}"));
        Mutex::new(tx)
    })
}

/// Spawns `cmd` so that it receives SIGKILL when the test process exits.
pub(crate) fn spawn_tied(mut cmd: Command) -> io::Result<Child> {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe and only touches the child's own attributes.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let (tx, rx) = channel();
    keeper()
        .lock()
        .map_err(|_| io::Error::other("keeper lock poisoned"))?
        .send((cmd, tx))
        .map_err(|_| io::Error::other("keeper thread gone"))?;
    rx.recv()
        .map_err(|_| io::Error::other("keeper thread gone"))?
}
