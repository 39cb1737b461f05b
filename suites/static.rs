//! `cargo test --test static [-- --template PATH]`: the template checks, before deployment.
fn main() -> std::process::ExitCode {
    stackproof_harness::runner::static_main(&stackproof::hipaa::template::HipaaTemplate)
}
