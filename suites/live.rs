//! `cargo test --test live -- --suffix pr4365 [--stack dr --outputs FILE]`: the live suites
//! against a deployment.
fn main() -> std::process::ExitCode {
    stackproof::live_main()
}
