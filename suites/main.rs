//! `stackproof --suffix pr4365 [--stack dr --outputs FILE]`: the same live run as
//! `cargo test --test live`, as a command; `stackproof policy --stack hipaa` prints the IAM
//! policy such a run needs.
fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("policy") {
        stackproof::policy_main(args.skip(1))
    } else {
        stackproof::live_main()
    }
}
