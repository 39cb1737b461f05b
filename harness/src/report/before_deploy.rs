//! Evidence from before the deploy, beside the evidence from after it. The static suite writes,
//! per stack, `evidence-static-<stack>.json`: every check it ran on the stack's source (template
//! or synth) with its findings. A live run of the same stack reads that file back, so its reports
//! can show, per requirement (static and live checks of one requirement share an id), the outcome
//! before deploy beside the outcome after it.
//!
//! The file is read by the runner; this module only shapes and parses it.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::evidence::{CheckEvidence, Locator, check_evidence, timestamp};
use super::{Record, StacksGit, write_atomically};
use crate::Error;
use crate::check::Status;

/// Names the static document's shape.
pub const SCHEMA: &str = "stackproof-static/1";

/// The static run's evidence for one stack.
#[derive(Debug, Clone, Serialize)]
pub struct StaticEvidence {
    pub schema: &'static str,
    pub stackproof_version: &'static str,
    pub stack: String,
    /// The static suite that ran: `hipaa-template`.
    pub suite: String,
    /// The template or synth judged.
    pub source: String,
    pub stacks_git: StacksGit,
    pub started_at: String,
    pub finished_at: String,
    /// Why the source could not be judged, when it could not.
    pub setup_error: Option<String>,
    pub summary: StaticSummary,
    pub checks: Vec<CheckEvidence>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticSummary {
    pub total: usize,
    pub passed: usize,
    #[serde(default)]
    pub waived: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
}

impl StaticSummary {
    fn of(outcomes: impl Iterator<Item = Status>) -> Self {
        let mut s = Self::default();
        for outcome in outcomes {
            s.total += 1;
            match outcome {
                Status::Pass => s.passed += 1,
                Status::Waived => s.waived += 1,
                Status::Fail => s.failed += 1,
                Status::Error => s.errors += 1,
                Status::Skip => s.skipped += 1,
            }
        }
        s
    }
}

/// What a static run of one stack's suite knew.
pub struct StaticRun<'a> {
    pub stack: &'a str,
    pub suite: &'a str,
    pub source: &'a Path,
    pub stacks_git: StacksGit,
    pub started: SystemTime,
    pub finished: SystemTime,
    pub setup_error: Option<String>,
}

/// The document for one stack's static records.
pub fn build(run: StaticRun, records: &[Record]) -> StaticEvidence {
    let checks: Vec<CheckEvidence> = records.iter().map(|r| check_evidence(r, &[], &Locator::default())).collect();
    build_from(run, checks)
}

/// The document for one stack's static checks, already shaped as evidence (located in the source).
pub fn build_from(run: StaticRun, checks: Vec<CheckEvidence>) -> StaticEvidence {
    StaticEvidence {
        schema: SCHEMA,
        stackproof_version: env!("CARGO_PKG_VERSION"),
        stack: run.stack.to_owned(),
        suite: run.suite.to_owned(),
        source: run.source.display().to_string(),
        stacks_git: run.stacks_git,
        started_at: timestamp(run.started),
        finished_at: timestamp(run.finished),
        setup_error: run.setup_error,
        summary: StaticSummary::of(checks.iter().map(|c| c.outcome)),
        checks,
    }
}

pub fn write(path: &Path, doc: &StaticEvidence) -> Result<usize, Error> {
    let mut json = serde_json::to_string_pretty(doc).map_err(|e| super::render_error(path, e))?;
    json.push('\n');
    write_atomically(path, json.as_bytes())?;
    Ok(json.len())
}

/// The file a static run writes for `stack` in `dir`, and a live run of it reads.
pub fn file_name(stack: &str) -> String {
    format!("evidence-static-{stack}.json")
}

/// What a live run's reports show of the static run: when and on what it ran, its counts, and
/// each check's outcome by id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeforeDeploy {
    /// The static evidence file read.
    pub file: String,
    pub source: String,
    pub finished_at: String,
    pub commit: Option<String>,
    pub dirty: Option<bool>,
    /// True when the static run judged another commit of the stack's source than the live run
    /// started from: its outcomes may not describe what was deployed.
    pub other_commit: bool,
    pub setup_error: Option<String>,
    pub summary: StaticSummary,
    /// Every static check by id: outcome, and what a live report needs to list it. Not repeated
    /// in the live bundle, which shows each outcome beside its requirement.
    #[serde(skip)]
    pub checks: BTreeMap<String, StaticCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticCheck {
    pub outcome: Status,
    pub title: String,
    pub citations: Vec<String>,
}

/// The fields of a static document a live run reads.
#[derive(Deserialize)]
struct Stored {
    schema: String,
    stack: String,
    source: String,
    stacks_git: StoredGit,
    finished_at: String,
    setup_error: Option<String>,
    summary: StaticSummary,
    checks: Vec<StoredCheck>,
}

#[derive(Deserialize)]
struct StoredGit {
    commit: Option<String>,
    dirty: Option<bool>,
}

#[derive(Deserialize)]
struct StoredCheck {
    id: String,
    outcome: Status,
    title: String,
    citations: Vec<String>,
}

/// Reads a static document for `stack`; `live_commit` is the commit the live run's stack source
/// is at, when known. A document of another shape or stack is refused with the reason.
pub fn parse(text: &str, file: &str, stack: &str, live_commit: Option<&str>) -> Result<BeforeDeploy, String> {
    let stored: Stored =
        serde_json::from_str(text).map_err(|e| format!("{file} is not a static evidence file: {e}"))?;
    if stored.schema != SCHEMA {
        return Err(format!("{file} has schema {}, not {SCHEMA}", stored.schema));
    }
    if stored.stack != stack {
        return Err(format!("{file} is the static evidence of stack {}, not {stack}", stored.stack));
    }
    let other_commit = match (&stored.stacks_git.commit, live_commit) {
        (Some(a), Some(b)) => a != b,
        (None, None) => false,
        _ => true,
    };
    Ok(BeforeDeploy {
        file: file.to_owned(),
        source: stored.source,
        finished_at: stored.finished_at,
        commit: stored.stacks_git.commit,
        dirty: stored.stacks_git.dirty,
        other_commit,
        setup_error: stored.setup_error,
        summary: stored.summary,
        checks: stored
            .checks
            .into_iter()
            .map(|c| (c.id, StaticCheck { outcome: c.outcome, title: c.title, citations: c.citations }))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::fixture;
    use super::*;

    fn doc() -> StaticEvidence {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let git = StacksGit { path: "stacks/hipaa/v1".into(), commit: Some("abc".into()), ..StacksGit::default() };
        let run = StaticRun {
            stack: "hipaa",
            suite: "hipaa-template",
            source: Path::new("stacks/hipaa/v1/template.yml"),
            stacks_git: git,
            started: at,
            finished: at,
            setup_error: None,
        };
        build(run, &fixture::records())
    }

    #[test]
    fn a_static_document_reads_back_with_every_outcome() {
        let text = serde_json::to_string(&doc()).expect("serializes");
        let back = parse(&text, "reports/evidence-static-hipaa.json", "hipaa", Some("abc")).expect("parses");
        assert_eq!(back.summary, StaticSummary { total: 4, passed: 1, waived: 0, failed: 1, errors: 1, skipped: 1 });
        assert_eq!(back.checks["alpha_fails"].outcome, Status::Fail);
        assert_eq!(back.checks["zeta_passes"].citations, doc().checks[0].citations);
        assert!(!back.other_commit);
        assert!(parse(&text, "f", "hipaa", Some("def")).expect("parses").other_commit);
    }

    #[test]
    fn another_stack_or_shape_is_refused_with_the_reason() {
        let text = serde_json::to_string(&doc()).expect("serializes");
        assert!(parse(&text, "f", "dr", None).unwrap_err().contains("not dr"));
        assert!(parse("{\"schema\": 1}", "f", "hipaa", None).unwrap_err().contains("not a static evidence file"));
        let other = text.replace(SCHEMA, "stackproof-evidence/1");
        assert!(parse(&other, "f", "hipaa", None).unwrap_err().contains("schema"));
    }

    #[test]
    fn the_static_document_carries_no_secret_values() {
        let text = serde_json::to_string(&doc()).expect("serializes");
        for canary in ["hunter2-canary", "pw-canary", "tok-canary", "env-canary"] {
            assert!(!text.contains(canary), "{canary} in the static evidence");
        }
    }
}
