//! A private Secret Service: a session bus of its own with `gnome-keyring-daemon` on it, its
//! login keyring created and unlocked, for tests of remembered passwords.

use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

/// The bus and the keyring daemon; both stop on drop.
pub struct SecretService {
    bus: Child,
    keyring: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl SecretService {
    /// Starts both. The caller points its D-Bus clients at [`Self::address`] (for the test
    /// process itself: `DBUS_SESSION_BUS_ADDRESS`, set before other threads start). The
    /// daemon needs a moment before the login keyring takes items.
    pub fn start() -> io::Result<SecretService> {
        let dir = tempfile::Builder::new()
            .prefix("hangar-keyring-")
            .tempdir()?;
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()?;
        let mut address = String::new();
        if let Some(out) = bus.stdout.take() {
            BufReader::new(out).read_line(&mut address)?;
        }
        let address = address.trim().to_string();
        if address.is_empty() {
            let _ = bus.kill();
            let _ = bus.wait();
            return Err(io::Error::other("dbus-daemon gave no address"));
        }
        let run = dir.path().join("run");
        std::fs::create_dir(&run)?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700))?;
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_RUNTIME_DIR", &run)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()?;
        // The login keyring's password, then end of input.
        if let Some(mut stdin) = keyring.stdin.take() {
            stdin.write_all(b"login-password")?;
        }
        Ok(SecretService {
            bus,
            keyring,
            address,
            _dir: dir,
        })
    }

    /// The bus address.
    pub fn address(&self) -> &str {
        &self.address
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
