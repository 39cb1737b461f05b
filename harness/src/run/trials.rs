//! A check judged and timed as a record, and its name as a libtest trial (`hipaa::kms::<id>`):
//! cargo's filters, `--exact` and `--skip` select checks by these names.

use std::time::{Instant, SystemTime};

use crate::check::{CheckInfo, ClaimInfo, Outcome};
use crate::report::Record;

pub(crate) fn timed(
    stack: &'static str,
    info: CheckInfo,
    claims: Vec<ClaimInfo>,
    run: impl FnOnce() -> Outcome,
) -> Record {
    let started = SystemTime::now();
    let clock = Instant::now();
    let outcome = run();
    Record { stack, info, claims, waiver: None, outcome, duration: clock.elapsed(), started }
}

pub(crate) fn trial_name(stack: &str, info: &CheckInfo) -> String {
    format!("{stack}::{}::{}", info.service, info.id)
}
