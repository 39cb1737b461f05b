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
    Allowlist::for_stack(stack.reads(), !stack.outputs_file_required(), stack.read_scopes())
}

/// `stackproof policy [--stack NAME]`: the IAM policy a live run of the stack needs.
pub fn policy_main(args: impl IntoIterator<Item = String>) -> ExitCode {
    run::policy::main(args, &[("hipaa", allowlist(&hipaa::Hipaa)), ("dr", allowlist(&dr::Dr))])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use stackproof_harness::aws::guard::{ALLOWED, IDENTITY, STACK_OUTPUTS};

    use super::*;

    /// The guard knows no read that no stack makes: every entry of ALLOWED is some stack's read
    /// (or the identity and outputs calls), and every stack's read is on ALLOWED or is a value
    /// read the guard admits only without decryption.
    #[test]
    fn the_allowlist_is_what_the_stacks_read() {
        let stacks = [allowlist(&hipaa::Hipaa), allowlist(&dr::Dr)];
        let used: BTreeSet<(&str, &str)> = stacks.iter().flat_map(|a| a.operations().iter().copied()).collect();
        let known: BTreeSet<(&str, &str)> = ALLOWED.iter().copied().collect();
        let value_reads: BTreeSet<(&str, &str)> = stacks.iter().flat_map(|a| a.value_reads().copied()).collect();
        let unused: Vec<_> = known.difference(&used).collect();
        assert!(unused.is_empty(), "allowlisted, read by no stack: {unused:?}");
        let unknown: Vec<_> = used.difference(&known).filter(|op| !value_reads.contains(*op)).collect();
        assert!(unknown.is_empty(), "read by a stack, not allowlisted: {unknown:?}");
        for op in IDENTITY.iter().chain(STACK_OUTPUTS) {
            assert!(used.contains(op), "{op:?}");
        }
    }

    /// A read that answers a value (an SSM parameter) is granted only on the stack's own
    /// resources, never on every resource.
    #[test]
    fn value_reads_are_scoped() {
        for (name, a) in [("hipaa", allowlist(&hipaa::Hipaa)), ("dr", allowlist(&dr::Dr))] {
            for op in a.value_reads() {
                assert!(a.scope(*op).is_some(), "{name}: {op:?} is granted on every resource");
            }
        }
    }
}
