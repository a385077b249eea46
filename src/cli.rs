//! The command line, in the manner of virt-manager's: `hangar [--connect URI]… `.

use std::fmt;

use crate::config::VERSION;

/// A view of a VM to open at start (`--show-domain-*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainView {
    /// The overview page (double-click in the list).
    Overview,
    /// The graphical or serial console.
    Console,
    /// Performance graphs.
    Performance,
    /// The vCPU pinning matrix.
    Pinning,
    /// The hardware editor.
    Editor,
    /// The snapshots.
    Snapshots,
}

/// What the user asked for on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Connections to open at start, in order (`--connect URI`, `-c URI`; repeatable).
    pub connect: Vec<String>,
    /// A VM to show at start, by name or UUID, and which view of it.
    pub show_domain: Option<(DomainView, String)>,
    /// Show the host overview at start (`--show-host-summary`).
    pub show_host_summary: bool,
    /// Show the host window's storage page at start (`--show-host-storage`).
    pub show_host_storage: bool,
    /// Show the host's virtual networks at start (`--show-host-networks`).
    pub show_host_networks: bool,
    /// Open the new-VM wizard at start (`--show-domain-creator`).
    pub show_domain_creator: bool,
    /// Show the Preferences window at start (`--show-preferences`).
    pub show_preferences: bool,
}

/// The outcome of parsing.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Start the app with these options.
    Run(Options),
    /// Print this text and exit successfully (`--help`, `--version`).
    Exit(String),
}

/// A command line Hangar does not understand.
#[derive(Debug, PartialEq, Eq)]
pub enum CliError {
    /// An option Hangar does not know.
    UnknownOption(String),
    /// An option that needs a value was last.
    MissingValue(&'static str),
    /// A positional argument; Hangar takes none.
    UnexpectedArgument(String),
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOption(o) => write!(f, "unknown option '{o}'"),
            Self::MissingValue(o) => write!(f, "option '{o}' needs a value"),
            Self::UnexpectedArgument(a) => write!(f, "unexpected argument '{a}'"),
        }
    }
}

impl std::error::Error for CliError {}

/// A line pointing at `--help`.
pub fn usage_hint() -> &'static str {
    "Try 'hangar --help' for more information."
}

fn help() -> String {
    format!(
        "Usage: hangar [OPTION]…\n\
         A native virtual machine manager.\n\
         \n\
         Options:\n  \
         -c, --connect URI   open a connection to URI at start (repeatable),\n                      \
         e.g. qemu:///system, qemu+ssh://user@host/system\n  \
         --show-domain-console NAME      open the console of VM NAME\n  \
         --show-domain-performance NAME  open the performance graphs of VM NAME\n  \
         --show-domain-pinning NAME      open the vCPU pinning of VM NAME\n  \
         --show-domain-editor NAME       open the hardware editor of VM NAME\n  \
         --show-domain-snapshots NAME    open the snapshots of VM NAME\n  \
         --show-host-summary             open the host overview\n  \
         --show-host-storage             open the host's storage pools and volumes\n  \
         --show-host-networks            open the host's virtual networks\n  \
         --show-domain-creator           open the new virtual machine wizard\n  \
         --show-preferences              open the preferences\n  \
         -h, --help          show this help and exit\n  \
         -V, --version       show the version and exit\n\
         \n\
         Hangar {VERSION}"
    )
}

/// Parses the program's arguments, `args[0]` being the program name.
pub fn parse(args: &[String]) -> Result<Parsed, CliError> {
    let mut options = Options::default();
    let mut it = args.iter().skip(1);
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        match name {
            "-h" | "--help" => return Ok(Parsed::Exit(help())),
            "-V" | "--version" => return Ok(Parsed::Exit(format!("hangar {VERSION}"))),
            "-c" | "--connect" => {
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or(CliError::MissingValue("--connect"))?,
                };
                if !options.connect.contains(&value) {
                    options.connect.push(value);
                }
            }
            "--show-host-summary" => options.show_host_summary = true,
            "--show-host-storage" => options.show_host_storage = true,
            "--show-host-networks" => options.show_host_networks = true,
            "--show-domain-creator" => options.show_domain_creator = true,
            "--show-preferences" => options.show_preferences = true,
            "--show-domain-console"
            | "--show-domain-performance"
            | "--show-domain-pinning"
            | "--show-domain-editor"
            | "--show-domain-snapshots"
            | "--show-domain-overview" => {
                let view = match name {
                    "--show-domain-console" => DomainView::Console,
                    "--show-domain-performance" => DomainView::Performance,
                    "--show-domain-pinning" => DomainView::Pinning,
                    "--show-domain-editor" => DomainView::Editor,
                    "--show-domain-snapshots" => DomainView::Snapshots,
                    _ => DomainView::Overview,
                };
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or(CliError::MissingValue("--show-domain-*"))?,
                };
                options.show_domain = Some((view, value));
            }
            o if o.starts_with('-') && o.len() > 1 => {
                return Err(CliError::UnknownOption(o.to_string()));
            }
            other => return Err(CliError::UnexpectedArgument(other.to_string())),
        }
    }
    Ok(Parsed::Run(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        std::iter::once("hangar")
            .chain(list.iter().copied())
            .map(String::from)
            .collect()
    }

    #[test]
    fn connect_is_repeatable_in_both_spellings() {
        let parsed = parse(&args(&[
            "--connect",
            "qemu:///system",
            "-c",
            "test:///default",
            "--connect=qemu+ssh://h/system",
        ]));
        assert_eq!(
            parsed,
            Ok(Parsed::Run(Options {
                connect: vec![
                    "qemu:///system".into(),
                    "test:///default".into(),
                    "qemu+ssh://h/system".into()
                ],
                ..Options::default()
            }))
        );
    }

    #[test]
    fn duplicate_connections_open_once() {
        let parsed = parse(&args(&["-c", "test:///default", "-c", "test:///default"]));
        let Ok(Parsed::Run(o)) = parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!(o.connect, ["test:///default"]);
    }

    #[test]
    fn show_domain_views() {
        let Ok(Parsed::Run(o)) =
            parse(&args(&["--show-domain-performance", "web", "-c", "x:///y"]))
        else {
            panic!()
        };
        assert_eq!(o.show_domain, Some((DomainView::Performance, "web".into())));
        let Ok(Parsed::Run(o)) = parse(&args(&[
            "--show-domain-console=db",
            "--show-host-summary",
            "--show-host-networks",
        ])) else {
            panic!()
        };
        assert_eq!(o.show_domain, Some((DomainView::Console, "db".into())));
        assert!(o.show_host_summary);
        assert!(!o.show_host_storage);
        assert!(o.show_host_networks);
        assert!(parse(&args(&["--show-domain-editor"])).is_err());
        let Ok(Parsed::Run(o)) = parse(&args(&["--show-domain-snapshots", "vm"])) else {
            panic!()
        };
        assert_eq!(o.show_domain, Some((DomainView::Snapshots, "vm".into())));
        let Ok(Parsed::Run(o)) = parse(&args(&["-c", "qemu:///system", "--show-host-storage"]))
        else {
            panic!()
        };
        assert!(o.show_host_storage && !o.show_host_summary);
        assert_eq!(o.connect, ["qemu:///system"]);
        let Ok(Parsed::Run(o)) = parse(&args(&["--show-domain-creator", "-c", "x:///y"])) else {
            panic!()
        };
        assert!(o.show_domain_creator && o.show_domain.is_none());
        let Ok(Parsed::Run(o)) = parse(&args(&["--show-preferences"])) else {
            panic!()
        };
        assert!(o.show_preferences && !o.show_host_storage);
        assert_eq!(
            parse(&args(&["--show-preferences", "--show-host-storage"])),
            Ok(Parsed::Run(Options {
                show_preferences: true,
                show_host_storage: true,
                ..Options::default()
            }))
        );
    }

    #[test]
    fn version_and_help_exit() {
        assert_eq!(
            parse(&args(&["--version"])),
            Ok(Parsed::Exit(format!("hangar {VERSION}")))
        );
        let Ok(Parsed::Exit(h)) = parse(&args(&["--help"])) else {
            panic!()
        };
        assert!(h.contains("--connect URI"));
        assert!(h.contains("--show-domain-creator"));
    }

    #[test]
    fn bad_input_is_explained() {
        assert_eq!(
            parse(&args(&["--connect"])),
            Err(CliError::MissingValue("--connect"))
        );
        assert_eq!(
            parse(&args(&["--frobnicate"])),
            Err(CliError::UnknownOption("--frobnicate".into()))
        );
        assert_eq!(
            parse(&args(&["vm1"])),
            Err(CliError::UnexpectedArgument("vm1".into()))
        );
    }
}
