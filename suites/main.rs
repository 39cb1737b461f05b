//! `stackproof --suffix pr4365 [--stack dr --outputs FILE]`: the same live run as
//! `cargo test --test live`, as a command.
fn main() -> std::process::ExitCode {
    stackproof::live_main()
}
