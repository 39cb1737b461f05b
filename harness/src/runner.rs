//! The live runner: turns a stack's checks into libtest trials over facts gathered once, then
//! writes the reports. Errors that stop a run are printed here, once, as one sentence.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use libtest_mimic::{Completion, Failed, Trial};

use crate::Error;
use crate::args::{Args, InputOption, StaticArgs, Suffix};
use crate::aws::Clients;
use crate::check::{Check, CheckInfo, Finding, Outcome, Status};
use crate::facts::FactError;
use crate::outputs::Outputs;
use crate::report::{self, Record};
use crate::stack::{Stack, TemplateSuite};
use crate::target::Target;

/// Who the run acted as, from STS GetCallerIdentity.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

/// Everything a run knows once it has reached the deployment: the facts are fetched here, once.
pub struct Session<S: Stack> {
    pub target: Target,
    pub suffix: Suffix,
    /// The stack's home region (its only one, or the primary of a multi-region layout).
    pub region: String,
    /// Every region clients were built for.
    pub regions: Vec<String>,
    pub identity: Identity,
    pub clients: Clients,
    pub outputs: Outputs,
    pub facts: Arc<S::Facts>,
    /// Wall time spent fetching facts.
    pub gather_time: Duration,
}

impl<S: Stack> Session<S> {
    /// Connects, reads the stack's outputs (from `outputs_file` if given, else DescribeStacks)
    /// and gathers the facts.
    pub async fn open(
        stack: &S,
        target: Target,
        suffix: Suffix,
        region: Option<&str>,
        outputs_file: Option<&Path>,
    ) -> Result<Self, Error> {
        let contract = stack.contract();
        let spanned: Vec<String> = contract.regions.values().cloned().collect();
        if region.is_some() && spanned.len() > 1 {
            // Home region first: "eu-west-2 (primary) and eu-west-1 (dr)".
            let mut roles: Vec<(&String, &String)> = contract.regions.iter().collect();
            roles.sort_by_key(|(_, r)| Some(r.as_str()) != contract.home_region());
            let regions = roles.iter().map(|(role, r)| format!("{r} ({role})")).collect::<Vec<_>>().join(" and ");
            return Err(Error::RegionFixed { stack: stack.name().to_owned(), regions });
        }
        if outputs_file.is_none() && stack.outputs_file_required() {
            return Err(Error::OutputsFileRequired { stack: stack.name().to_owned() });
        }
        let region = region
            .or(contract.home_region())
            .map(str::to_owned)
            .ok_or_else(|| Error::Contract { name: stack.name().to_owned(), detail: "it names no region".into() })?;
        let mut regions = vec![region.clone()];
        regions.extend(spanned.into_iter().filter(|r| *r != region));
        let clients = Clients::new(&target, &regions.iter().map(String::as_str).collect::<Vec<_>>()).await;
        let here = clients.region(&region);

        // One cheap call first, so an endpoint that does not answer is one clear error.
        let identity = match here.sts.get_caller_identity().send().await {
            Ok(id) => Identity { account: id.account.unwrap_or_default(), arn: id.arn.unwrap_or_default() },
            Err(err) => {
                return Err(match crate::facts::classify("GetCallerIdentity", &err, &[]) {
                    FactError::Unreachable { detail, .. } => {
                        Error::Unreachable { target: target.describe(), region, detail }
                    }
                    other => Error::Api { operation: "GetCallerIdentity".into(), region, detail: other.to_string() },
                });
            }
        };

        let outputs = match outputs_file {
            Some(path) => Outputs::from_file(path)?,
            None => Outputs::from_stack(here, &target, &contract.stack_name(&suffix)).await?,
        };
        let started = Instant::now();
        let facts = stack.gather(&clients, &region, &suffix, &outputs).await;
        Ok(Self {
            target,
            suffix,
            region,
            regions,
            identity,
            clients,
            outputs,
            facts: Arc::new(facts),
            gather_time: started.elapsed(),
        })
    }

    /// Runs every check in order, without libtest: for embedding and for tests.
    pub fn evaluate_all(&self, stack: &S) -> Vec<Record> {
        stack.checks().iter().map(|check| timed(stack.name(), check.info, || check.evaluate(&self.facts))).collect()
    }
}

fn timed(stack: &'static str, info: CheckInfo, run: impl FnOnce() -> Outcome) -> Record {
    let started = SystemTime::now();
    let clock = Instant::now();
    let outcome = run();
    Record { stack, info, outcome, duration: clock.elapsed(), started }
}

fn trial_name(stack: &str, info: &CheckInfo) -> String {
    format!("{stack}::{}::{}", info.service, info.id)
}

pub fn run<S: Stack>(stack: &S, args: &Args) -> ExitCode {
    if args.libtest.list {
        let trials = stack.checks().iter().map(|c| Trial::test(trial_name(stack.name(), &c.info), || Ok(()))).collect();
        return libtest_mimic::run(&args.libtest, trials).exit_code();
    }
    let setup = || -> Result<(Suffix, Target), Error> { Ok((args.suffix()?, Target::from_args(args)?)) };
    let (suffix, target) = match setup() {
        Ok(ok) => ok,
        Err(err) => return fatal(&err),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(Error::SETUP_EXIT);
        }
    };
    let formats = args.report_formats();
    let paths = args.report_paths(stack.name(), suffix.as_str(), Args::github_step_summary());
    // Everything the reports can say before the deployment answers; the rest is filled in below.
    let mut run_info = report::Run::planned(
        stack.contract(),
        &suffix,
        &target,
        args.region.as_deref(),
        report::Selection::of(&args.libtest),
        stack.checks().len(),
    );
    let opened =
        runtime.block_on(Session::open(stack, target, suffix, args.region.as_deref(), args.outputs.as_deref()));
    let session = match opened {
        Ok(session) => session,
        Err(err) => {
            // Nothing could be judged: every selected check is reported as an error, so the
            // report still says what was meant to run and why it did not.
            let records = selected(stack, args)
                .map(|info| {
                    timed(stack.name(), info, || {
                        Outcome::new(vec![Finding::error("(deployment)", "(setup)", format!("not run: {err}"))])
                    })
                })
                .collect::<Vec<_>>();
            run_info.setup_error = Some(err.to_string());
            run_info.finished = SystemTime::now();
            write_reports(&formats, &paths, &run_info, &records);
            return fatal(&err);
        }
    };

    let missing = session.outputs.missing(stack.outputs_used());
    if !missing.is_empty() {
        eprintln!(
            "error: {} lack {}; the checks that read them report an error.",
            session.outputs.source(),
            missing.join(", ")
        );
    }

    let (conclusion, records) = execute(stack.name(), stack.checks(), &session.facts, &args.libtest);
    run_info.finished = SystemTime::now();
    run_info.identity = Some(session.identity.clone());
    run_info.regions = session.regions.clone();
    run_info.outputs_source = Some(session.outputs.source().to_string());
    run_info.requests = report::Request::from_ledger(session.clients.ledger().requests());
    write_reports(&formats, &paths, &run_info, &records);
    eprintln!(
        "stackproof: {} checks on {} ({}), {} read-only API calls, facts gathered in {} ms",
        records.len(),
        session.outputs.source(),
        session.target.describe(),
        session.clients.ledger().total_sent(),
        session.gather_time.as_millis()
    );
    conclusion.exit_code()
}

type Records = Arc<Mutex<Vec<Record>>>;

/// One libtest trial per check over shared facts; each trial records its outcome in `records`.
fn trials<F: Send + Sync + 'static>(
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
pub fn execute<F: Send + Sync + 'static>(
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
fn take_ordered(records: &Records, order: &[Vec<&str>]) -> Vec<Record> {
    let mut records = std::mem::take(&mut *records.lock().unwrap_or_else(PoisonError::into_inner));
    let position = |r: &Record| order.iter().flatten().position(|id| *id == r.info.id);
    records.sort_by_key(position);
    records
}

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

/// Checks the libtest filters select, for reporting a run that could not start.
fn selected<'a, S: Stack>(stack: &'a S, args: &'a Args) -> impl Iterator<Item = CheckInfo> + 'a {
    stack
        .checks()
        .iter()
        .filter(|c| !args.libtest.is_filtered_out(&Trial::test(trial_name(stack.name(), &c.info), || Ok(()))))
        .map(|c| c.info)
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

/// Writes every chosen report of a live run; a report that cannot be written is one error line
/// and does not stop the others.
fn write_reports(formats: &[report::Format], paths: &report::Paths, run: &report::Run, records: &[Record]) {
    for written in report::write_all(formats, paths, run, records) {
        let verb = match (&paths.summary, written.format) {
            (report::SummaryTarget::Append(_), report::Format::Md) => "appended to",
            _ => "written to",
        };
        match written.result {
            Ok(bytes) => {
                eprintln!("stackproof: {} {verb} {} ({bytes} bytes)", written.format.label(), written.path.display())
            }
            Err(err) => eprintln!("error: {err}"),
        }
    }
}

fn write_static_junit(junit: &Path, records: &[Record]) {
    match report::junit::write(junit, records, &report::evidence::ReportFiles::default()) {
        Ok(_) => eprintln!("stackproof: JUnit report written to {}", junit.display()),
        Err(err) => eprintln!("error: {err}"),
    }
}

/// Prints a run-stopping error as one sentence and returns the setup exit status.
pub fn fatal(err: &Error) -> ExitCode {
    eprintln!("error: {err}");
    ExitCode::from(Error::SETUP_EXIT)
}
