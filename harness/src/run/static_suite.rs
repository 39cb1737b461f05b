//! The static entry point, `cargo test --test static`: every static suite on its input (a
//! template, a synth), before anything is deployed. The JUnit report is written whole even when
//! an input cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, PoisonError};
use std::time::SystemTime;

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
    fn stack(&self) -> &'static str;
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
    fn stack(&self) -> &'static str {
        TemplateSuite::stack(self)
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
    let started = SystemTime::now();
    // What each suite that ran judged, for its stack's static evidence.
    let mut ran: Vec<(&dyn StaticSuite, PathBuf, Option<String>)> = Vec::new();
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
            Ok(trials) => {
                all.extend(trials);
                ran.push((*suite, path, None));
            }
            Err(err) => {
                eprintln!("error: {err}");
                failed_setup = true;
                ran.push((*suite, path, Some(err.to_string())));
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
    for (suite, source, setup_error) in ran {
        let mine: Vec<Record> = records.iter().filter(|r| r.stack == suite.name()).cloned().collect();
        let run = report::before_deploy::StaticRun {
            stack: suite.stack(),
            suite: suite.name(),
            source: &source,
            stacks_git: super::git::stacks_git(&source_folder(&source)),
            started,
            finished: SystemTime::now(),
            setup_error,
        };
        let path = args.reports.join(report::before_deploy::file_name(suite.stack()));
        match report::before_deploy::write(&path, &report::before_deploy::build(run, &mine)) {
            Ok(_) => eprintln!("stackproof: static evidence of {} written to {}", suite.stack(), path.display()),
            Err(err) => eprintln!("error: {err}"),
        }
    }
    eprintln!("stackproof: {} static checks", records.len());
    if failed_setup { ExitCode::from(Error::SETUP_EXIT) } else { conclusion.exit_code() }
}

fn write_static_junit(junit: &Path, records: &[Record]) {
    match report::junit::write(junit, records, &report::evidence::ReportFiles::default()) {
        Ok(_) => eprintln!("stackproof: JUnit report written to {}", junit.display()),
        Err(err) => eprintln!("error: {err}"),
    }
}

/// The folder whose git history is the source's: the template's own folder, or for a synth the
/// CDKTF app that wrote it (the folder holding `cdktf.out`, which git ignores).
fn source_folder(source: &Path) -> PathBuf {
    let app = source.ancestors().find(|a| a.file_name().is_some_and(|n| n == "cdktf.out")).and_then(Path::parent);
    app.or_else(|| source.parent()).map(Path::to_owned).unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synths_history_is_its_apps() {
        let synth = Path::new("/r/stacks/dr/v1/cdktf.out/stacks/healthcare-dr/cdk.tf.json");
        assert_eq!(source_folder(synth), Path::new("/r/stacks/dr/v1"));
        assert_eq!(source_folder(Path::new("/r/stacks/hipaa/v1/template.yml")), Path::new("/r/stacks/hipaa/v1"));
        assert_eq!(source_folder(Path::new("t.yml")), Path::new(""));
    }
}
