//! The `hangar` binary: parses the command line and runs the application.
//!
//! It is also ssh's `SSH_ASKPASS` program: run by ssh with `HANGAR_ASKPASS_SOCKET` set (or as
//! `hangar --askpass PROMPT`), it forwards the prompt to the running Hangar and prints the
//! answer.

fn main() -> std::process::ExitCode {
    hangar::startup::begin();
    let args: Vec<String> = std::env::args().collect();
    let prompt = match args.get(1).map(String::as_str) {
        Some("--askpass") => Some(args.get(2).cloned().unwrap_or_default()),
        _ if std::env::var_os(virt_client::askpass::SOCKET_ENV).is_some() => {
            Some(args.get(1).cloned().unwrap_or_default())
        }
        _ => None,
    };
    if let Some(prompt) = prompt {
        let code = virt_client::askpass::run_helper(&prompt);
        return std::process::ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    hangar::run(args)
}
