//! The `hangar` binary: parses the command line and runs the application.

fn main() -> std::process::ExitCode {
    hangar::run(std::env::args().collect())
}
