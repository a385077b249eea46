//! `+libssh` and `+libssh2` URIs run through the system's `ssh` as well: their parameters are
//! turned into ssh options. Differences from libvirt's libssh transports: `~/.ssh/config` and
//! the control master apply, and host key questions in `known_hosts_verify=normal` mode go
//! through the askpass dialog as ssh words them.

use crate::uri::ClientParams;

/// ssh `-o` options for the libssh parameters `known_hosts_verify=` and `sshauth=`.
pub(crate) fn options(p: &ClientParams) -> Result<Vec<String>, String> {
    let mut opts = Vec::new();
    match p.known_hosts_verify.as_deref() {
        None | Some("normal") => {}
        // New hosts are added without asking; changed keys are still refused.
        Some("auto") => opts.push("StrictHostKeyChecking=accept-new".to_owned()),
        Some("ignore") => {
            opts.push("StrictHostKeyChecking=no".to_owned());
            opts.push("UserKnownHostsFile=/dev/null".to_owned());
        }
        Some(other) => {
            return Err(format!(
                "unknown known_hosts_verify '{other}' (should be normal|auto|ignore)"
            ));
        }
    }
    if let Some(list) = &p.sshauth {
        let mut methods: Vec<&str> = Vec::new();
        let mut agent = false;
        for m in list.split(',').map(str::trim).filter(|m| !m.is_empty()) {
            let method = match m {
                "agent" => {
                    agent = true;
                    "publickey"
                }
                "privkey" => "publickey",
                "password" => "password",
                "keyboard-interactive" => "keyboard-interactive",
                other => {
                    return Err(format!(
                        "unknown sshauth method '{other}' (should be agent, privkey, password \
                         or keyboard-interactive)"
                    ));
                }
            };
            if !methods.contains(&method) {
                methods.push(method);
            }
        }
        if methods.is_empty() {
            return Err("sshauth names no method".to_owned());
        }
        opts.push(format!("PreferredAuthentications={}", methods.join(",")));
        if !agent {
            opts.push("IdentityAgent=none".to_owned());
        }
    }
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uri::ConnectUri;

    fn opts(uri: &str) -> Result<Vec<String>, String> {
        options(ConnectUri::parse(uri).unwrap().params())
    }

    #[test]
    fn libssh_parameters_become_ssh_options() {
        assert_eq!(
            opts("qemu+libssh2://h/system").unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            opts("qemu+libssh://h/system?known_hosts_verify=auto").unwrap(),
            ["StrictHostKeyChecking=accept-new"]
        );
        assert_eq!(
            opts("qemu+libssh://h/system?known_hosts_verify=ignore&sshauth=privkey,agent").unwrap(),
            [
                "StrictHostKeyChecking=no",
                "UserKnownHostsFile=/dev/null",
                "PreferredAuthentications=publickey"
            ]
        );
        assert_eq!(
            opts("qemu+libssh2://h/system?sshauth=password,privkey").unwrap(),
            [
                "PreferredAuthentications=password,publickey",
                "IdentityAgent=none"
            ]
        );
        assert!(opts("qemu+libssh2://h/system?sshauth=telepathy").is_err());
        assert!(opts("qemu+libssh2://h/system?known_hosts_verify=maybe").is_err());
    }
}
