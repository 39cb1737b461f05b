//! Checks as libtest trials: cargo's filters, `--list`, `--exact` and `--test-threads` work on
//! them, and each trial records its outcome for the reports, since libtest keeps none.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime};

use libtest_mimic::{Completion, Failed, Trial};

use crate::check::{Check, CheckInfo, Facts, Outcome, Status};
use crate::report::Record;

pub(crate) fn timed(stack: &'static str, info: CheckInfo, run: impl FnOnce() -> Outcome) -> Record {
    let started = SystemTime::now();
    let clock = Instant::now();
    let outcome = run();
    Record { stack, info, outcome, duration: clock.elapsed(), started }
}

pub(crate) fn trial_name(stack: &str, info: &CheckInfo) -> String {
    format!("{stack}::{}::{}", info.service, info.id)
}

pub(crate) type Records = Arc<Mutex<Vec<Record>>>;

/// One libtest trial per check over shared facts; each trial records its outcome in `records`.
pub(crate) fn trials<F: Facts>(
    name: &'static str,
    checks: &'static [Check<F>],
    facts: &Arc<F>,
    records: &Records,
) -> Vec<Trial> {
    checks
        .iter()
        .map(|check| {
            let facts = Arc::clone(facts);
            let records = Arc::clone(records);
            Trial::ignorable_test(trial_name(name, &check.info), move || {
                let record = timed(name, check.info, || check.evaluate(&facts));
                let verdict = libtest_verdict(&record);
                records.lock().unwrap_or_else(PoisonError::into_inner).push(record);
                verdict
            })
        })
        .collect()
}

/// Runs checks as libtest trials over shared facts and returns libtest's conclusion with one
/// record per check that ran, in the checks' order.
pub fn execute<F: Facts>(
    name: &'static str,
    checks: &'static [Check<F>],
    facts: &Arc<F>,
    libtest: &libtest_mimic::Arguments,
) -> (libtest_mimic::Conclusion, Vec<Record>) {
    let records = Records::default();
    let conclusion = libtest_mimic::run(libtest, trials(name, checks, facts, &records));
    (conclusion, take_ordered(&records, &[checks.iter().map(|c| c.info.id).collect()]))
}

/// The records, ordered as the suites list their checks.
pub(crate) fn take_ordered(records: &Records, order: &[Vec<&str>]) -> Vec<Record> {
    let mut records = std::mem::take(&mut *records.lock().unwrap_or_else(PoisonError::into_inner));
    let position = |r: &Record| order.iter().flatten().position(|id| *id == r.info.id);
    records.sort_by_key(position);
    records
}

fn libtest_verdict(record: &Record) -> Result<Completion, Failed> {
    let o = &record.outcome;
    match o.status {
        Status::Pass => Ok(Completion::Completed),
        Status::Skip => Ok(Completion::ignored_with(o.summary())),
        Status::Fail => Err(format!("fail: {}\nremediation: {}", o.summary(), record.info.remediation).into()),
        Status::Error => Err(format!("error: {}", o.summary()).into()),
    }
}
