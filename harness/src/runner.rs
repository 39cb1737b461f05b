//! The live runner: turns a stack's checks into libtest trials over facts gathered once, then
//! writes the reports. Errors that stop a run are printed here, once, as one sentence.

use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use libtest_mimic::{Completion, Failed, Trial};

use crate::Error;
use crate::args::{Args, StaticArgs, Suffix};
use crate::aws::Clients;
use crate::check::{Check, CheckInfo, Finding, Outcome, Status};
use crate::facts::FactError;
use crate::outputs::Outputs;
use crate::report::{self, Record};
use crate::stack::{Stack, TemplateSuite};
use crate::target::Target;

/// Everything a run knows once it has reached the deployment: the facts are fetched here, once.
pub struct Session<S: Stack> {
    pub target: Target,
    pub suffix: Suffix,
    pub region: String,
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
        let region = region.unwrap_or(&stack.contract().region).to_owned();
        let clients = Clients::new(&target, &[&region]).await;
        let here = clients.region(&region);

        // One cheap call first, so an endpoint that does not answer is one clear error.
        if let Err(err) = here.sts.get_caller_identity().send().await {
            return Err(match crate::facts::classify("GetCallerIdentity", &err, &[]) {
                FactError::Unreachable { detail, .. } => {
                    Error::Unreachable { target: target.describe(), region, detail }
                }
                other => Error::Api { operation: "GetCallerIdentity".into(), region, detail: other.to_string() },
            });
        }

        let outputs = match outputs_file {
            Some(path) => Outputs::from_file(path)?,
            None => Outputs::from_stack(here, &target, &stack.contract().stack_name(&suffix)).await?,
        };
        let started = Instant::now();
        let facts = stack.gather(&clients, &region, &suffix, &outputs).await;
        Ok(Self { target, suffix, region, clients, outputs, facts: Arc::new(facts), gather_time: started.elapsed() })
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

/// Entry point of `cargo test --test live` and of the `stackproof` command.
pub fn main<S: Stack>(stack: &S) -> ExitCode {
    run(stack, &Args::from_env())
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
    let junit = args.junit_path(suffix.as_str());
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
            write_reports(&junit, &records);
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
    write_reports(&junit, &records);
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

/// Runs checks as libtest trials over shared facts and returns libtest's conclusion with one
/// record per check that ran, in the checks' order.
pub fn execute<F: Send + Sync + 'static>(
    name: &'static str,
    checks: &'static [Check<F>],
    facts: &Arc<F>,
    libtest: &libtest_mimic::Arguments,
) -> (libtest_mimic::Conclusion, Vec<Record>) {
    let records: Arc<Mutex<Vec<Record>>> = Arc::default();
    let trials = checks
        .iter()
        .map(|check| {
            let facts = Arc::clone(facts);
            let records = Arc::clone(&records);
            Trial::ignorable_test(trial_name(name, &check.info), move || {
                let record = timed(name, check.info, || check.evaluate(&facts));
                let verdict = libtest_verdict(&record);
                records.lock().unwrap_or_else(PoisonError::into_inner).push(record);
                verdict
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(libtest, trials);
    let mut records = std::mem::take(&mut *records.lock().unwrap_or_else(PoisonError::into_inner));
    records.sort_by_key(|r| checks.iter().position(|c| c.info.id == r.info.id));
    (conclusion, records)
}

/// Entry point of `cargo test --test static`: the checks of a template suite on one template.
pub fn static_main<S: TemplateSuite>(suite: &S) -> ExitCode {
    let args = StaticArgs::from_env();
    if args.libtest.list {
        let trials = suite.checks().iter().map(|c| Trial::test(trial_name(suite.name(), &c.info), || Ok(()))).collect();
        return libtest_mimic::run(&args.libtest, trials).exit_code();
    }
    let template = args.template.clone().unwrap_or_else(|| suite.default_template());
    let facts = match suite.load(&template) {
        Ok(facts) => Arc::new(facts),
        Err(err) => return fatal(&err),
    };
    let (conclusion, records) = execute(suite.name(), suite.checks(), &facts, &args.libtest);
    write_reports(&args.junit_path(suite.name()), &records);
    eprintln!("stackproof: {} static checks on {}", records.len(), template.display());
    conclusion.exit_code()
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

fn write_reports(junit: &Path, records: &[Record]) {
    match report::junit::write(junit, records) {
        Ok(()) => eprintln!("stackproof: JUnit report written to {}", junit.display()),
        Err(err) => eprintln!("error: {err}"),
    }
}

fn fatal(err: &Error) -> ExitCode {
    eprintln!("error: {err}");
    ExitCode::from(Error::SETUP_EXIT)
}
