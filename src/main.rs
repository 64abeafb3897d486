//! The `costsim` binary: everything happens in [`costsim::cli::run`].

fn main() -> std::process::ExitCode {
    costsim::cli::run()
}
