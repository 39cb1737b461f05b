//! `cargo test --test static [-- --template PATH | --synth PATH]`: the template and layout
//! checks, before deployment.
fn main() -> std::process::ExitCode {
    stackproof_harness::run::static_main(&[
        &stackproof::hipaa::template::HipaaTemplate,
        &stackproof::dr::synth::DrSynth,
    ])
}
