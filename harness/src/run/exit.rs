//! The exit status, a contract CI builds on:
//!
//! | status | when |
//! | --- | --- |
//! | 0 | at least one check ran and every check that ran passed |
//! | 1 | a check failed (a definite finding about the deployment), and the run is otherwise whole |
//! | 2 | anything else: a check errored or judged nothing (skipped; on the emulator, not a check whose every claim is a declared emulator gap), nothing ran, an input was bad, a report could not be written, the run stopped before the checks or was interrupted |
//!
//! A failure outranks checks that could not look: the deployment is known not to comply.

use std::process::ExitCode;

use crate::report::Verdict;

pub const PASSED: u8 = 0;
pub const FAILED: u8 = 1;
pub const INCOMPLETE: u8 = 2;

/// The status of a run that reached its checks; `reports_written` is false when any report could
/// not be written (then the evidence is incomplete, whatever the checks said).
pub fn code(verdict: Verdict, reports_written: bool) -> ExitCode {
    ExitCode::from(status(verdict, reports_written))
}

fn status(verdict: Verdict, reports_written: bool) -> u8 {
    match (verdict, reports_written) {
        (_, false) | (Verdict::Error | Verdict::Interrupted, _) => INCOMPLETE,
        (Verdict::Fail, true) => FAILED,
        (Verdict::Pass, true) => PASSED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_passing_run_is_green() {
        assert_eq!(status(Verdict::Pass, true), PASSED);
        assert_eq!(status(Verdict::Pass, false), INCOMPLETE, "an unwritten report is missing evidence");
        assert_eq!(status(Verdict::Fail, true), FAILED);
        assert_eq!(status(Verdict::Fail, false), INCOMPLETE);
        assert_eq!(status(Verdict::Error, true), INCOMPLETE);
        assert_eq!(status(Verdict::Interrupted, true), INCOMPLETE);
    }
}
