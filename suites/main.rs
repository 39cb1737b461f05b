//! `stackproof --suffix pr4365`: the same live run as `cargo test --test live`, as a command.
fn main() -> std::process::ExitCode {
    stackproof_harness::runner::main(&stackproof::hipaa::Hipaa)
}
