//! The `SSH_ASKPASS` program: forwards ssh's prompt to the client that started ssh.

fn main() {
    let prompt = std::env::args().nth(1).unwrap_or_default();
    std::process::exit(virt_client::askpass::run_helper(&prompt));
}
