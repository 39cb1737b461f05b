//! `cargo test --test live -- --suffix pr4365`: the live suites against a deployment.
fn main() -> std::process::ExitCode {
    stackproof_harness::runner::main(&stackproof::hipaa::Hipaa)
}
