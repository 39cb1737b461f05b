//! The live entry point, `cargo test --test live`: a stack's checks as libtest trials over facts
//! gathered once, then the reports. Errors that stop a run are printed here, once, as one
//! sentence.

use std::path::Path;
use std::process::ExitCode;
use std::time::SystemTime;

use libtest_mimic::Trial;

use super::args::Args;
use super::session::Session;
use super::trials::{execute, timed, trial_name};
use crate::Error;
use crate::aws::Target;
use crate::check::{CheckInfo, Finding, Outcome};
use crate::deployment::Suffix;
use crate::report::{self, Record};
use crate::suite::Stack;

pub fn run<S: Stack>(stack: &S, args: &Args) -> ExitCode {
    if args.libtest.list {
        let trials = stack.checks().iter().map(|c| Trial::test(trial_name(stack.name(), &c.info), || Ok(()))).collect();
        return libtest_mimic::run(&args.libtest, trials).exit_code();
    }
    let setup = || -> Result<(Suffix, Target), Error> { Ok((args.suffix()?, args.target()?)) };
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
        super::git::stacks_git(&Path::new("stacks").join(&stack.contract().stack).join(&stack.contract().version)),
    );
    match before_deploy(stack.name(), args, run_info.stacks_git.commit.as_deref()) {
        Ok((shown, note)) => (run_info.before_deploy, run_info.before_deploy_note) = (shown, note),
        Err(err) => return fatal(&err),
    }
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

/// Checks the libtest filters select, for reporting a run that could not start.
fn selected<'a, S: Stack>(stack: &'a S, args: &'a Args) -> impl Iterator<Item = CheckInfo> + 'a {
    stack
        .checks()
        .iter()
        .filter(|c| !args.libtest.is_filtered_out(&Trial::test(trial_name(stack.name(), &c.info), || Ok(()))))
        .map(|c| c.info)
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

/// Prints a run-stopping error as one sentence and returns the setup exit status.
pub fn fatal(err: &Error) -> ExitCode {
    eprintln!("error: {err}");
    ExitCode::from(Error::SETUP_EXIT)
}
