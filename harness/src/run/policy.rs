//! `stackproof policy --stack hipaa`: the IAM policy a run of that stack needs, as JSON on
//! stdout. It grants what the run's guard admits and nothing more, so a CI role given it can
//! read the stack's configuration and cannot change anything or read a secret's value.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use super::live::fatal;
use crate::Error;
use crate::aws::guard::Allowlist;
use crate::aws::policy::document;

#[derive(Parser, Debug)]
#[command(name = "stackproof policy", about = "Prints the IAM policy a live run of the stack needs.")]
struct PolicyArgs {
    /// The stack whose run the policy is for: hipaa or dr.
    #[arg(long, env = "STACKPROOF_STACK", default_value = super::args::DEFAULT_STACK)]
    stack: String,
}

/// Parses `args` (the words after `policy`) and prints the policy for the stack they name, out of
/// `stacks` (name and the guard's allowlist for a run of it).
pub fn main(args: impl IntoIterator<Item = String>, stacks: &[(&str, Allowlist)]) -> ExitCode {
    let parsed = match PolicyArgs::try_parse_from(std::iter::once("stackproof policy".to_owned()).chain(args)) {
        Ok(p) => p,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let Some((_, allowlist)) = stacks.iter().find(|(name, _)| *name == parsed.stack) else {
        let known = stacks.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        return fatal(&Error::UnknownStack { name: parsed.stack, known });
    };
    let text = serde_json::to_string_pretty(&document(allowlist)).unwrap_or_default();
    match writeln!(std::io::stdout().lock(), "{text}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            fatal(&Error::BadInput { what: "stdout".into(), why: format!("the policy could not be written: {e}") })
        }
    }
}
