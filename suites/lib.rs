//! The checks, grouped by stack and then by service. Each check is one small function over a
//! stack's facts, with its HIPAA citation and metadata beside it.

pub mod dr;
pub mod hipaa;
pub mod shared;

use std::process::ExitCode;

use stackproof_harness::aws::guard::Allowlist;
use stackproof_harness::run::args::Args;
use stackproof_harness::suite::Stack;
use stackproof_harness::{Error, run};

/// The stacks `--stack` can name.
pub const STACKS: &[&str] = &["hipaa", "dr"];

/// Entry point of `cargo test --test live` and of the `stackproof` command: the stack `--stack`
/// names (hipaa by default), checked live.
pub fn live_main() -> ExitCode {
    let args = Args::from_env();
    match args.stack.as_str() {
        "hipaa" => run::run(&hipaa::Hipaa, &args),
        "dr" => run::run(&dr::Dr, &args),
        other => run::fatal(&Error::UnknownStack { name: other.to_owned(), known: STACKS.join(", ") }),
    }
}

/// What the guard admits on a run of `stack`: its reads, the identity call, and DescribeStacks
/// when its outputs may come from CloudFormation.
pub fn allowlist(stack: &impl Stack) -> Allowlist {
    Allowlist::for_stack(stack.reads(), !stack.outputs_file_required())
}

/// `stackproof policy [--stack NAME]`: the IAM policy a live run of the stack needs.
pub fn policy_main(args: impl IntoIterator<Item = String>) -> ExitCode {
    run::policy::main(args, &[("hipaa", allowlist(&hipaa::Hipaa)), ("dr", allowlist(&dr::Dr))])
}
