//! The console, last: libtest's familiar output (`test hipaa::kms::... ok`, the summary line) for
//! outcomes already judged and recorded. Printing may fail (stdout closed by `| head -1`, a full
//! disk, a log file that went away); by then the reports are whole, so a failed print is told on
//! stderr in one line and changes nothing else.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use super::trials::trial_name;
use crate::check::Status;
use crate::report::Record;

/// One line on stderr; a closed stderr loses the line, never the run.
pub fn say(line: impl std::fmt::Display) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Why the console stopped taking output.
#[derive(Debug)]
pub struct Closed(pub String);

/// Runs libtest's printer over `trials`, catching the panic it raises when stdout cannot be
/// written, with the default panic message held back (it is not the user's error).
fn print(args: &Arguments, trials: Vec<Trial>) -> Result<(), Closed> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(|| {
        let _conclusion = libtest_mimic::run(args, trials);
    }));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        let why = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the output could not be written".to_owned());
        Closed(why)
    })
}

/// `--list`: the names, as libtest lists them.
pub fn list(names: Vec<String>, args: &Arguments) -> Result<(), Closed> {
    print(args, names.into_iter().map(|n| Trial::test(n, || Ok(()))).collect())
}

/// The records, as libtest would have reported them had it run the checks.
pub fn show(records: &[Record], args: &Arguments) -> Result<(), Closed> {
    let trials = records
        .iter()
        .map(|r| {
            let verdict = verdict(r);
            Trial::ignorable_test(trial_name(r.stack, &r.info), move || verdict)
        })
        .collect();
    print(args, trials)
}

fn verdict(record: &Record) -> Result<Completion, Failed> {
    let o = &record.outcome;
    match o.status {
        Status::Pass => Ok(Completion::Completed),
        Status::Skip => Ok(Completion::ignored_with(o.summary())),
        Status::Waived => Ok(Completion::ignored_with(format!("waived: {}", o.summary()))),
        Status::Fail => Err(format!("fail: {}\nremediation: {}", o.summary(), record.info.remediation).into()),
        Status::Error => Err(format!("error: {}", o.summary()).into()),
    }
}
