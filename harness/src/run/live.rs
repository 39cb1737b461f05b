//! The live entry point, `cargo test --test live`: a stack's checks as libtest trials over facts
//! gathered once, then the reports. Errors that stop a run are printed here, once, as one
//! sentence.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use libtest_mimic::Trial;

use super::args::Args;
use super::console::{self, say};
use super::exit;
use super::interrupt::Interrupt;
use super::session::{Plan, Session};
use super::trials::{timed, trial_name};
use super::waivers::{self, Waivers};
use crate::Error;
use crate::aws::Target;
use crate::check::{Check, Finding, Outcome};
use crate::report::{self, Record};
use crate::suite::Stack;

pub fn run<S: Stack>(stack: &S, args: &Args) -> ExitCode {
    if args.libtest.list {
        let names = stack.checks().iter().map(|c| trial_name(stack.name(), &c.info)).collect();
        // A listing cut short by its reader (`--list | head`) is still a listing.
        let _ = console::list(names, &args.libtest);
        return ExitCode::SUCCESS;
    }
    // The reports are named by the suffix: once it is known, the previous run's reports go, so a
    // run that stops (on bad input, an outage, a signal) never leaves them looking like its own.
    let suffix = match args.suffix() {
        Ok(suffix) => suffix,
        Err(err) => return fatal(&err),
    };
    let sinks = Sinks {
        formats: args.report_formats(),
        paths: args.report_paths(stack.name(), suffix.as_str(), Args::github_step_summary()),
    };
    // Every format, not only the chosen ones: an older HTML beside a new JSON would look current.
    if let Err(err) = report::clear(&report::Format::ALL, &sinks.paths) {
        return fatal(&err);
    }
    // Everything else the user typed, checked before any request is sent.
    let (target, plan) = match inputs(stack, args, suffix) {
        Ok(ok) => ok,
        Err(err) => return fatal(&err),
    };
    let infos: Vec<crate::check::CheckInfo> = stack.checks().iter().map(|c| c.info).collect();
    let waivers = match args.waivers.as_deref().map(|p| Waivers::load(p, &infos)).transpose() {
        Ok(w) => w.unwrap_or_default(),
        Err(err) => return fatal(&err),
    };
    let chosen: Vec<&Check<S::Facts>> = selected(stack, args).collect();
    // Everything the reports can say before the deployment answers; the rest is filled in below.
    let mut run_info = report::Run::planned(
        stack.contract(),
        &plan.suffix,
        &target,
        Some(plan.region.as_str()),
        report::Selection::of(&args.libtest),
        stack.checks().len(),
        super::git::stacks_git(&Path::new("stacks").join(&stack.contract().stack).join(&stack.contract().version)),
    );
    run_info.source = stack_source(stack.contract(), plan.suffix.as_str());
    run_info.ci_run_url = Args::github_run_url();
    run_info.hostname = super::args::hostname();
    // With several versions, which one is judged is known only from the deployment's outputs.
    if stack.versions().len() > 1 {
        run_info.stack_version = "not known (the deployment's outputs were not read)".into();
    }
    match before_deploy(stack.name(), args, run_info.stacks_git.commit.as_deref()) {
        Ok((shown, note)) => (run_info.before_deploy, run_info.before_deploy_note) = (shown, note),
        Err(err) => return fatal(&err),
    }
    if chosen.is_empty() {
        let err = Error::NothingSelected { suite: stack.name().to_owned(), total: stack.checks().len() };
        run_info.setup_error = Some(err.to_string());
        run_info.finished = SystemTime::now();
        write_reports(&sinks, &run_info, &[]);
        return fatal(&err);
    }

    let stopped = match connect(stack, args, target, plan) {
        Ok(session) => return judge(stack, args, &chosen, session, run_info, &waivers, &sinks),
        Err(stopped) => stopped,
    };
    // Nothing could be judged: every selected check is reported as an error saying why, so the
    // reports still say what was meant to run.
    let reason = stopped.to_string();
    let records: Vec<Record> = chosen
        .iter()
        .map(|c| {
            timed(stack.name(), c.info, c.claim_infos(), || {
                Outcome::new(vec![Finding::error("(deployment)", "(setup)", format!("not run: {reason}"))])
            })
        })
        .map(report::redact::record)
        .collect();
    if let Stop::Interrupted(signal) = &stopped {
        run_info.interrupted = Some((*signal).to_owned());
    }
    run_info.setup_error = Some(reason);
    run_info.finished = SystemTime::now();
    write_reports(&sinks, &run_info, &records);
    say(format!("error: {stopped}"));
    ExitCode::from(Error::SETUP_EXIT)
}

/// The target and the plan, from the command line; each problem is one sentence.
fn inputs<S: Stack>(stack: &S, args: &Args, suffix: crate::deployment::Suffix) -> Result<(Target, Plan), Error> {
    args.console()?;
    if args.timeout.is_zero() {
        return Err(Error::BadInput { what: "--timeout 0".into(), why: "the run needs some time to look".into() });
    }
    let target = args.target()?;
    let env = std::env::vars_os().map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned()));
    target.endpoint_overrides(env)?;
    let plan = Plan::new(stack, suffix, args.region()?, args.outputs.as_deref())?;
    Ok((target, plan))
}

/// Why a run stopped before its checks.
enum Stop {
    Setup(Error),
    Budget(std::time::Duration),
    Interrupted(&'static str),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Setup(err) => write!(f, "{err}"),
            Stop::Budget(limit) => write!(
                f,
                "the deployment did not answer within the run's budget of {} (--timeout)",
                humantime::format_duration(*limit)
            ),
            Stop::Interrupted(signal) => write!(f, "the run was interrupted by {signal} before the checks"),
        }
    }
}

/// Connects and gathers the facts, within the run's budget and until a signal says stop.
fn connect<S: Stack>(stack: &S, args: &Args, target: Target, plan: Plan) -> Result<Session<S>, Stop> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Stop::Setup(Error::Runtime { detail: e.to_string() }))?;
    let interrupt = Interrupt::install().map_err(|e| Stop::Setup(Error::Runtime { detail: e.to_string() }))?;
    let budget = args.timeout;
    let interrupted = || Stop::Interrupted(interrupt.received().unwrap_or("a signal"));
    runtime.block_on(async {
        let mut session = tokio::select! {
            opened = tokio::time::timeout(budget, Session::connect(stack, target, plan)) => match opened {
                Ok(session) => session.map_err(Stop::Setup)?,
                Err(_) => return Err(Stop::Budget(budget)),
            },
            () = interrupt.wait() => return Err(interrupted()),
        };
        if let Some(limit) = args.settle.filter(|_| !session.unsettled.is_empty()) {
            // A round re-reads every fact: every 15 s on AWS, every second on an emulator.
            let interval = if session.target.is_emulator() { Duration::from_secs(1) } else { Duration::from_secs(15) };
            tokio::select! {
                () = session.settle(stack, limit, interval, say) => {}
                () = interrupt.wait() => return Err(interrupted()),
            }
        }
        Ok(session)
    })
}

/// Judges the selected checks on the session's facts, writes the reports, then tells the console.
fn judge<S: Stack>(
    stack: &S,
    args: &Args,
    chosen: &[&Check<S::Facts>],
    session: Session<S>,
    mut run_info: report::Run,
    waivers: &Waivers,
    sinks: &Sinks,
) -> ExitCode {
    // The outputs the judged version declares: a newer version's outputs are not missing from an older one.
    let used: Vec<&str> = match stack.versions().into_iter().find(|c| c.version == session.version) {
        Some(contract) => stack.outputs_used().iter().copied().filter(|k| contract.declares(k)).collect(),
        None => stack.outputs_used().to_vec(),
    };
    let missing = session.outputs.missing(&used);
    if !missing.is_empty() {
        say(format!(
            "error: {} lack {}; the checks that read them report an error.",
            session.outputs.source(),
            missing.join(", ")
        ));
    }
    // Redacted once, here: every report and the console get the same, secret-free records.
    let mut records: Vec<Record> = chosen
        .iter()
        .map(|check| timed(stack.name(), check.info, check.claim_infos(), || session.evaluate(check)))
        .map(report::redact::record)
        .collect();
    let today = waivers::today();
    waivers.apply(&mut records, today);
    run_info.expired_waivers =
        waivers.expired(today).iter().map(|e| format!("{} until {}", e.check, e.expires)).collect();
    run_info.unsettled = session.unsettled.iter().map(ToString::to_string).collect();
    run_info.coverage = report::coverage::of(&stack.discovered(&session.facts), &records);
    run_info.finished = SystemTime::now();
    run_info.identity = Some(session.identity.clone());
    // The version judged is the deployment's, known only once its outputs are read.
    run_info.stack_version = session.version.clone();

    run_info.regions = session.regions.clone();
    run_info.outputs_source = Some(session.outputs.source().to_string());
    run_info.source =
        run_info.source.take().map(|map| map.with_outputs(deployed_outputs(stack.contract(), &session.outputs)));
    run_info.requests = report::Request::from_ledger(session.clients.ledger().requests());
    let ledger = session.clients.ledger();
    run_info.operations = report::OperationCount::from_ledger(ledger.sent(), &ledger.attempts(), &ledger.time());
    let written = write_reports(sinks, &run_info, &records);
    if let Err(closed) = console::show(&records, &args.libtest) {
        say(format!("stackproof: the console stopped taking output ({}); the reports are whole", closed.0));
    }
    let count = |s: crate::check::Status| records.iter().filter(|r| r.outcome.status == s).count();
    let partly = records.iter().filter(|r| r.outcome.partly_not_emulated()).count();
    say(format!(
        "stackproof: {} passed{}, {} waived, {} failed, {} errors, {} skipped",
        count(crate::check::Status::Pass),
        if partly > 0 { format!(" ({partly} of them partly not emulated)") } else { String::new() },
        count(crate::check::Status::Waived),
        count(crate::check::Status::Fail),
        count(crate::check::Status::Error),
        count(crate::check::Status::Skip),
    ));
    say(format!(
        "stackproof: {} checks on {} ({}), {} read-only API calls, facts gathered in {} ms",
        records.len(),
        session.outputs.source(),
        session.target.describe(),
        session.clients.ledger().total_sent(),
        session.gather_time.as_millis()
    ));
    for changing in &run_info.unsettled {
        let hint = match args.settle {
            Some(limit) => format!("still so after --settle {}", humantime::format_duration(limit)),
            None => "run with --settle DURATION to wait for it".to_owned(),
        };
        say(format!("error: {changing}: not judged ({hint})"));
    }
    for expired in &run_info.expired_waivers {
        say(format!("error: the waiver of {expired} has expired: it waives nothing; renew or remove it"));
    }
    let on_emulator = session.target.is_emulator();
    let verdict = report::Verdict::of(records.iter().map(|r| r.outcome.status_for_verdict(on_emulator)), false, false)
        .with_run(&run_info.expired_waivers, &run_info.unsettled);
    exit::code(verdict, written)
}

/// The static suite's evidence of this stack, to show beside the live outcomes: the file
/// `--static-evidence` names (an error when it cannot be used), else the one in the reports
/// folder when there is one (a note saying why when it cannot be used).
fn before_deploy(
    stack: &str,
    args: &Args,
    commit: Option<&str>,
) -> Result<(Option<report::before_deploy::BeforeDeploy>, Option<String>), Error> {
    let given = args.static_evidence.clone();
    let path = given.clone().unwrap_or_else(|| args.reports.join(report::before_deploy::file_name(stack)));
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if given.is_some() => {
            return Err(Error::StaticEvidence { path, detail: format!("cannot be read: {e}") });
        }
        Err(_) => {
            let note = format!("no static run found at {shown} (run `cargo test --test static` before the deploy)");
            return Ok((None, Some(note)));
        }
    };
    match report::before_deploy::parse(&text, &shown, stack, commit) {
        Ok(b) => Ok((Some(b), None)),
        Err(detail) if given.is_some() => Err(Error::StaticEvidence { path, detail }),
        Err(detail) => Ok((None, Some(format!("not shown: {detail}")))),
    }
}

/// The stack's source, to locate findings in: `stacks/<stack>/<version>/template.yml` (or .yaml,
/// .json) for CloudFormation, `main.ts` for a CDKTF app. A source that cannot be read or parsed
/// still names its file, so findings are located at it, without lines.
fn stack_source(contract: &crate::deployment::Contract, suffix: &str) -> Option<report::locate::SourceMap> {
    use report::locate::SourceMap;
    let folder = Path::new("stacks").join(&contract.stack).join(&contract.version);
    let shown = |p: &Path| report::locate::display_path(p, None);
    for name in ["template.yml", "template.yaml", "template.json"] {
        let path = folder.join(name);
        if let Ok(text) = std::fs::read_to_string(&path) {
            return Some(
                SourceMap::cloudformation(&shown(&path), &text, Some(suffix))
                    .unwrap_or_else(|_| SourceMap::file_only(shown(&path))),
            );
        }
    }
    let main = folder.join("main.ts");
    match std::fs::read_to_string(&main) {
        Ok(text) => Some(SourceMap::cdktf(&shown(&main), &text)),
        Err(_) => None,
    }
}

/// The deployment's outputs as read, each with the region its resource lives in.
fn deployed_outputs(
    contract: &crate::deployment::Contract,
    outputs: &crate::deployment::Outputs,
) -> Vec<report::locate::DeployedOutput> {
    outputs
        .values()
        .iter()
        .map(|(key, value)| report::locate::DeployedOutput {
            key: key.clone(),
            value: value.clone(),
            region: contract
                .outputs
                .get(key)
                .and_then(|spec| spec.region.as_ref())
                .and_then(|role| contract.regions.get(role))
                .cloned()
                .or_else(|| contract.region.clone()),
        })
        .collect()
}

/// The checks the libtest filters select (name filter, `--exact`, `--skip`; `--ignored` selects
/// none, since no check is ignored up front).
fn selected<'a, S: Stack>(stack: &'a S, args: &'a Args) -> impl Iterator<Item = &'a Check<S::Facts>> + 'a {
    stack.checks().iter().filter(|c| {
        let trial = Trial::test(trial_name(stack.name(), &c.info), || Ok(()));
        !args.libtest.is_filtered_out(&trial) && !args.libtest.ignored
    })
}

/// Writes every chosen report of a live run; a report that cannot be written is one error line
/// and does not stop the others. True when every one was written.
/// Where a run's reports go: the chosen formats and their paths.
struct Sinks {
    formats: Vec<report::Format>,
    paths: report::Paths,
}

fn write_reports(sinks: &Sinks, run: &report::Run, records: &[Record]) -> bool {
    let mut all = true;
    for written in report::write_all(&sinks.formats, &sinks.paths, run, records) {
        let verb = match (&sinks.paths.summary, written.format) {
            (report::SummaryTarget::Append(_), report::Format::Md) => "appended to",
            _ => "written to",
        };
        match written.result {
            Ok(bytes) => {
                say(format!("stackproof: {} {verb} {} ({bytes} bytes)", written.format.label(), written.path.display()))
            }
            Err(err) => {
                all = false;
                say(format!("error: {err}"));
            }
        }
    }
    all
}

/// Prints a run-stopping error as one sentence and returns the setup exit status.
pub fn fatal(err: &Error) -> ExitCode {
    say(format!("error: {err}"));
    ExitCode::from(Error::SETUP_EXIT)
}
