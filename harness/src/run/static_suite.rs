//! The static entry point, `cargo test --test static`: every static suite on its input (a
//! template, a synth), before anything is deployed. The JUnit report and the SARIF log
//! (`stackproof-static.sarif`, one run per stack, each finding located at its logical id in the
//! template or its construct in the CDKTF app's `main.ts`) are written whole even when an input
//! cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use libtest_mimic::Trial;

use super::args::StaticArgs;
use super::console::{self, say};
use super::exit;
use super::live::fatal;
use super::trials::{timed, trial_name};
use crate::Error;
use crate::check::{CheckInfo, ClaimInfo, Finding, Outcome};
use crate::report::evidence::CheckEvidence;
use crate::report::{self, Record, Verdict};
use crate::suite::{InputOption, TemplateSuite};

/// A template suite with its facts type erased, so one static run can hold several.
pub trait StaticSuite: Sync {
    fn name(&self) -> &'static str;
    fn stack(&self) -> &'static str;
    fn input_option(&self) -> InputOption;
    fn default_input(&self) -> PathBuf;
    fn check_infos(&self) -> Vec<CheckInfo>;
    /// What each check claims, by id.
    fn claims_of(&self, id: &str) -> Vec<ClaimInfo>;
    /// Reads the input once and judges the checks `wanted` selects on it.
    fn judge(&self, path: &Path, wanted: &dyn Fn(&CheckInfo) -> bool) -> Result<Vec<Record>, Error>;
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
    fn claims_of(&self, id: &str) -> Vec<ClaimInfo> {
        self.checks().iter().find(|c| c.info.id == id).map(|c| c.claim_infos()).unwrap_or_default()
    }
    fn judge(&self, path: &Path, wanted: &dyn Fn(&CheckInfo) -> bool) -> Result<Vec<Record>, Error> {
        let facts = self.load(path)?;
        let name = TemplateSuite::name(self);
        Ok(self
            .checks()
            .iter()
            .filter(|c| wanted(&c.info))
            .map(|c| timed(name, c.info, c.claim_infos(), || c.evaluate(&facts)))
            .collect())
    }
}

/// Entry point of `cargo test --test static`: every suite on its input (`--template`,
/// `--synth`, else the shipped ones). Given an input option, only the suites it names run. The
/// exit status follows the live run's contract (`run::exit`).
pub fn static_main(suites: &[&dyn StaticSuite]) -> ExitCode {
    let args = StaticArgs::from_env();
    let listing = |s: &&dyn StaticSuite| s.check_infos().into_iter().map(|i| (s.name(), i)).collect::<Vec<_>>();
    if args.libtest.list {
        let _ = console::list(suites.iter().flat_map(listing).map(|(n, i)| trial_name(n, &i)).collect(), &args.libtest);
        return ExitCode::SUCCESS;
    }
    if let Err(err) = args.console() {
        return fatal(&err);
    }
    let chosen: Vec<&&dyn StaticSuite> = suites.iter().filter(|s| args.input(s.input_option()).is_some()).collect();
    let chosen = if chosen.is_empty() { suites.iter().collect() } else { chosen };
    let selects = |suite: &str, info: &CheckInfo| {
        !args.libtest.ignored && !args.libtest.is_filtered_out(&Trial::test(trial_name(suite, info), || Ok(())))
    };

    let started = SystemTime::now();
    let mut records = Vec::new();
    let mut failed_setup = false;
    // What each suite that ran judged, for its stack's static evidence.
    let mut ran: Vec<(&dyn StaticSuite, PathBuf, Option<String>)> = Vec::new();
    for suite in chosen {
        // A suite the filters leave nothing of is not loaded (synthesizing a layout takes minutes).
        if !suite.check_infos().iter().any(|i| selects(suite.name(), i)) {
            continue;
        }
        let path = args.input(suite.input_option()).map(Path::to_owned).unwrap_or_else(|| suite.default_input());
        match suite.judge(&path, &|info| selects(suite.name(), info)) {
            Ok(judged) => {
                records.extend(judged);
                ran.push((*suite, path, None));
            }
            Err(err) => {
                say(format!("error: {err}"));
                failed_setup = true;
                let lost = suite.check_infos().into_iter().filter(|i| selects(suite.name(), i)).map(|info| {
                    timed(suite.name(), info, suite.claims_of(info.id), || {
                        Outcome::new(vec![Finding::error("(input)", "(setup)", format!("not run: {err}"))])
                    })
                });
                records.extend(lost);
                ran.push((*suite, path, Some(err.to_string())));
            }
        }
    }
    let records: Vec<Record> = records.into_iter().map(report::redact::record).collect();
    if records.is_empty() {
        let total = suites.iter().map(|s| s.check_infos().len()).sum();
        return fatal(&Error::NothingSelected { suite: "static".into(), total });
    }
    let finished = SystemTime::now();
    // Each suite's checks as evidence, located in the source it judged.
    let mut located: Vec<LocatedSuite> = Vec::new();
    for (suite, source, setup_error) in ran {
        let map = source_map(suite.input_option(), &source);
        let locator = report::evidence::Locator { source: Some(&map), ..Default::default() };
        let checks = records
            .iter()
            .filter(|r| r.stack == suite.name())
            .map(|r| report::evidence::check_evidence(r, &[], &locator))
            .collect();
        located.push((suite, source, setup_error, checks));
    }
    // Every record belongs to a suite that ran (a suite that could not load reports errors).
    let all_checks: Vec<CheckEvidence> = located.iter().flat_map(|(_, _, _, checks)| checks.iter().cloned()).collect();
    let mut written = write_static_junit(&args.junit_path(), &all_checks);
    let (started_at, finished_at) = (report::evidence::timestamp(started), report::evidence::timestamp(finished));
    let sarif_runs: Vec<report::sarif::Run> = located
        .iter()
        .map(|(suite, source, setup_error, checks)| report::sarif::Run {
            mode: "static",
            stack: suite.stack(),
            checks,
            source_file: checks
                .iter()
                .flat_map(|c| &c.findings)
                .find_map(|f| f.source.as_ref())
                .map(|s| s.file.as_str()),
            started_at: &started_at,
            finished_at: &finished_at,
            setup_error: setup_error.as_deref(),
            interrupted: None,
            evidence_link: None,
            // The input as the repository names it (an absolute path means nothing on another machine).
            properties: serde_json::json!({
                "suite": suite.name(),
                "input": report::locate::display_path(source, std::env::current_dir().ok().as_deref()),
            }),
        })
        .collect();
    let sarif_path = args.reports.join(STATIC_SARIF);
    match report::sarif::write(&sarif_path, &sarif_runs) {
        Ok(_) => say(format!("stackproof: SARIF log written to {}", sarif_path.display())),
        Err(err) => {
            written = false;
            say(format!("error: {err}"));
        }
    }
    for (suite, source, setup_error, checks) in located {
        let run = report::before_deploy::StaticRun {
            stack: suite.stack(),
            suite: suite.name(),
            source: &source,
            stacks_git: super::git::stacks_git(&source_folder(&source)),
            started,
            finished,
            setup_error,
        };
        let path = args.reports.join(report::before_deploy::file_name(suite.stack()));
        match report::before_deploy::write(&path, &report::before_deploy::build_from(run, checks)) {
            Ok(_) => say(format!("stackproof: static evidence of {} written to {}", suite.stack(), path.display())),
            Err(err) => {
                written = false;
                say(format!("error: {err}"));
            }
        }
    }
    if let Err(closed) = console::show(&records, &args.libtest) {
        say(format!("stackproof: the console stopped taking output ({}); the reports are whole", closed.0));
    }
    say(format!("stackproof: {} static checks", records.len()));
    exit::code(Verdict::of(records.iter().map(|r| r.outcome.status), failed_setup, false), written)
}

/// A suite that ran: the input it judged, why it could not (when it could not), and its checks
/// as evidence, each finding located in that input's source.
type LocatedSuite<'a> = (&'a dyn StaticSuite, PathBuf, Option<String>, Vec<CheckEvidence>);

/// The static run's SARIF log, in the reports folder.
pub const STATIC_SARIF: &str = "stackproof-static.sarif";

/// True when written.
fn write_static_junit(junit: &Path, checks: &[CheckEvidence]) -> bool {
    let context = report::junit::Context { hostname: super::args::hostname(), ..Default::default() };
    match report::junit::write(junit, checks, &context) {
        Ok(_) => {
            say(format!("stackproof: JUnit report written to {}", junit.display()));
            true
        }
        Err(err) => {
            say(format!("error: {err}"));
            false
        }
    }
}

/// The source a static suite's findings are located in: the template it judged, or for a synth
/// the CDKTF app's `main.ts` that wrote it (else the synth itself, at the file only).
pub fn source_map(input: InputOption, judged: &Path) -> report::locate::SourceMap {
    use report::locate::{SourceMap, display_path};
    let cwd = std::env::current_dir().ok();
    let shown = |p: &Path| display_path(p, cwd.as_deref());
    match input {
        InputOption::Template => match std::fs::read_to_string(judged) {
            Ok(text) => SourceMap::cloudformation(&shown(judged), &text, None)
                .unwrap_or_else(|_| SourceMap::file_only(shown(judged))),
            Err(_) => SourceMap::file_only(shown(judged)),
        },
        InputOption::Synth => {
            let main = source_folder(judged).join("main.ts");
            match std::fs::read_to_string(&main) {
                Ok(text) if judged.ancestors().any(|a| a.file_name().is_some_and(|n| n == "cdktf.out")) => {
                    SourceMap::cdktf(&shown(&main), &text)
                }
                _ => SourceMap::file_only(shown(judged)),
            }
        }
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
