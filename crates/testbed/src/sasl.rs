//! A SASL user database for daemons started with `auth_* = "sasl"`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Writes `DIR/passwd.db` holding `user` with `password` for libvirt's SASL application, and
/// returns the `sasl_conf` text (for [`crate::Options::sasl_conf`]) that points the daemon at it
/// with the mechanisms `mechs` (e.g. `"scram-sha-256 plain"`).
pub fn user_db(dir: &Path, user: &str, password: &str, mechs: &str) -> io::Result<String> {
    let db: PathBuf = dir.join("passwd.db");
    let mut child = Command::new("saslpasswd2")
        .args(["-p", "-c", "-a", "libvirt", "-f"])
        .arg(&db)
        .arg(user)
        .stdin(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(password.as_bytes())?;
    }
    let status = child.wait()?;
    if !status.success() {
        return Err(io::Error::other(format!("saslpasswd2 failed: {status}")));
    }
    Ok(format!(
        "mech_list: {mechs}\nsasldb_path: {}\n",
        db.display()
    ))
}

/// Daemon options for SASL (SCRAM-SHA-256) logins on the read-write socket by `user` with
/// `password`, their database in `dir` (which must outlive the daemon).
pub fn options(dir: &Path, user: &str, password: &str) -> io::Result<crate::Options> {
    Ok(crate::Options {
        auth_unix_rw: Some("sasl".into()),
        sasl_conf: Some(user_db(dir, user, password, "scram-sha-256")?),
        ..crate::Options::default()
    })
}
