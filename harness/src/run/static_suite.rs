//! The static entry point, `cargo test --test static`: every static suite on its input (a
//! template, a synth), before anything is deployed. The JUnit report is written whole even when
//! an input cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, PoisonError};

use libtest_mimic::Trial;

use super::args::StaticArgs;
use super::trials::{Records, take_ordered, timed, trial_name, trials};
use crate::Error;
use crate::check::{CheckInfo, Finding, Outcome};
use crate::report::{self, Record};
use crate::suite::{InputOption, TemplateSuite};

/// A template suite with its facts type erased, so one static run can hold several.
pub trait StaticSuite: Sync {
    fn name(&self) -> &'static str;
    fn input_option(&self) -> InputOption;
    fn default_input(&self) -> PathBuf;
    fn check_infos(&self) -> Vec<CheckInfo>;
    /// Reads the input once and returns the suite's trials over it.
    fn load_trials(&self, path: &Path, records: &Records) -> Result<Vec<Trial>, Error>;
}

impl<T: TemplateSuite> StaticSuite for T {
    fn name(&self) -> &'static str {
        TemplateSuite::name(self)
    }
    fn input_option(&self) -> InputOption {
        TemplateSuite::input_option(self)
    }
    fn default_input(&self) -> PathBuf {
        self.default_template()
    }
    fn check_infos(&self) -> Vec<CheckInfo> {
        self.checks().iter().map(|c| c.info).collect()
    }
    fn load_trials(&self, path: &Path, records: &Records) -> Result<Vec<Trial>, Error> {
        let facts = Arc::new(self.load(path)?);
        Ok(trials(TemplateSuite::name(self), self.checks(), &facts, records))
    }
}

/// Entry point of `cargo test --test static`: every suite on its input (`--template`,
/// `--synth`, else the shipped ones). Given an input option, only the suites it names run.
pub fn static_main(suites: &[&dyn StaticSuite]) -> ExitCode {
    let args = StaticArgs::from_env();
    let listing = |s: &&dyn StaticSuite| s.check_infos().into_iter().map(|i| (s.name(), i)).collect::<Vec<_>>();
    if args.libtest.list {
        let trials = suites.iter().flat_map(listing).map(|(n, i)| Trial::test(trial_name(n, &i), || Ok(()))).collect();
        return libtest_mimic::run(&args.libtest, trials).exit_code();
    }
    let chosen: Vec<&&dyn StaticSuite> = suites.iter().filter(|s| args.input(s.input_option()).is_some()).collect();
    let chosen = if chosen.is_empty() { suites.iter().collect() } else { chosen };

    let records = Records::default();
    let mut all = Vec::new();
    let mut failed_setup = false;
    for suite in chosen {
        // A suite the filters leave nothing of is not loaded (synthesizing a layout takes minutes).
        let wanted = listing(suite)
            .iter()
            .any(|(n, i)| !args.libtest.is_filtered_out(&Trial::test(trial_name(n, i), || Ok(()))));
        if !wanted {
            continue;
        }
        let path = args.input(suite.input_option()).map(Path::to_owned).unwrap_or_else(|| suite.default_input());
        match suite.load_trials(&path, &records) {
            Ok(trials) => all.extend(trials),
            Err(err) => {
                eprintln!("error: {err}");
                failed_setup = true;
                let lost = suite.check_infos().into_iter().map(|info| {
                    timed(suite.name(), info, || {
                        Outcome::new(vec![Finding::error("(input)", "(setup)", format!("not run: {err}"))])
                    })
                });
                records.lock().unwrap_or_else(PoisonError::into_inner).extend(lost);
            }
        }
    }
    let conclusion = libtest_mimic::run(&args.libtest, all);
    let order: Vec<Vec<&str>> = suites.iter().map(|s| s.check_infos().iter().map(|i| i.id).collect()).collect();
    let records = take_ordered(&records, &order);
    write_static_junit(&args.junit_path(), &records);
    eprintln!("stackproof: {} static checks", records.len());
    if failed_setup { ExitCode::from(Error::SETUP_EXIT) } else { conclusion.exit_code() }
}

fn write_static_junit(junit: &Path, records: &[Record]) {
    match report::junit::write(junit, records, &report::evidence::ReportFiles::default()) {
        Ok(_) => eprintln!("stackproof: JUnit report written to {}", junit.display()),
        Err(err) => eprintln!("error: {err}"),
    }
}
