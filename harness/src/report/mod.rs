//! Reports of a run: a pure sink. Records and what is known of the run come in, files go out;
//! nothing here asks AWS, git or the command line anything. Every writer takes the same records
//! and writes its file atomically (a temporary file in the same folder, then a rename), so a
//! report is either whole or absent.
//!
//! A live run writes six: the evidence bundle (JSON), the evidence report (HTML), a Markdown
//! summary for CI job pages, JUnit XML, SARIF 2.1.0 for code scanning and OCSF Compliance
//! Findings for security data lakes. All six are rendered from one [`evidence::Evidence`]
//! document, built from records already redacted, so they cannot disagree.

pub mod before_deploy;
pub mod coverage;
mod engine;
pub mod evidence;
pub mod html;
pub mod junit;
pub mod locate;
pub mod markdown;
pub mod ocsf;
pub mod redact;
pub mod safeguards;
pub mod sarif;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::Error;
use crate::aws::{Identity, Target};
use crate::check::{CheckInfo, Outcome};
use crate::deployment::{Contract, Suffix};

/// One check's result, as every report sees it.
#[derive(Debug, Clone)]
pub struct Record {
    pub stack: &'static str,
    pub info: CheckInfo,
    /// What the check claims to judge.
    pub claims: Vec<crate::check::ClaimInfo>,
    /// The waiver that turned this check's failure into `waived`, when one did.
    pub waiver: Option<Waiver>,
    pub outcome: Outcome,
    pub duration: Duration,
    pub started: SystemTime,
}

/// What a run comes to, as every report and the exit status say it. A run that was interrupted,
/// stopped before the checks, or judged nothing is never a pass; a failure is a definite answer
/// about the deployment and outranks checks that could not look; a check that could not look, or
/// looked at nothing this target can show (skipped), keeps the run from passing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    Error,
    Interrupted,
}

impl Verdict {
    /// `stopped`: the run ended before its checks; a run with an expired waiver is at best `fail`.
    pub fn of(outcomes: impl IntoIterator<Item = crate::check::Status>, stopped: bool, interrupted: bool) -> Self {
        use crate::check::Status;
        let outcomes: Vec<Status> = outcomes.into_iter().collect();
        if interrupted {
            Verdict::Interrupted
        } else if stopped || outcomes.is_empty() {
            Verdict::Error
        } else if outcomes.contains(&Status::Fail) {
            Verdict::Fail
        } else if outcomes.iter().any(|s| matches!(s, Status::Error | Status::Skip)) {
            Verdict::Error
        } else {
            Verdict::Pass
        }
    }

    /// What the run adds to its checks' verdict: an expired waiver makes a pass a failure, and a
    /// resource still changing (judged by no check) makes it an error.
    pub fn with_run(self, expired_waivers: &[String], unsettled: &[String]) -> Self {
        match self {
            Verdict::Pass if !expired_waivers.is_empty() => Verdict::Fail,
            Verdict::Pass if !unsettled.is_empty() => Verdict::Error,
            other => other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
            Verdict::Interrupted => "interrupted",
        }
    }
}

/// A failure accepted until a date, with the reason and who accepted it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The check id it waives.
    pub check: String,
    /// The one resource it waives (all the check's resources when absent).
    #[serde(default)]
    pub resource: Option<String>,
    pub justification: String,
    /// The last day it holds (`2027-01-31`), UTC.
    pub expires: String,
}

/// The reports a live run can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Junit,
    Json,
    Html,
    Md,
    Sarif,
    Ocsf,
}

impl Format {
    pub const ALL: [Format; 6] = [Format::Junit, Format::Json, Format::Html, Format::Md, Format::Sarif, Format::Ocsf];

    /// How the console names the report.
    pub fn label(self) -> &'static str {
        match self {
            Format::Junit => "JUnit report",
            Format::Json => "evidence bundle",
            Format::Html => "evidence report",
            Format::Md => "summary",
            Format::Sarif => "SARIF log",
            Format::Ocsf => "OCSF findings",
        }
    }
}

/// Where the Markdown summary goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryTarget {
    /// A file of its own, written atomically.
    File(PathBuf),
    /// GitHub's job summary (`GITHUB_STEP_SUMMARY`): appended to, as GitHub expects.
    Append(PathBuf),
}

/// The files of one live run's reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub junit: PathBuf,
    pub json: PathBuf,
    pub html: PathBuf,
    pub summary: SummaryTarget,
    pub sarif: PathBuf,
    pub ocsf: PathBuf,
}

impl Paths {
    /// Names in `dir` by suffix; a stack other than the default one is named too, so two stacks
    /// deployed under one suffix do not overwrite each other's reports.
    pub fn new(dir: &Path, stack: &str, default_stack: bool, suffix: &str, step_summary: Option<PathBuf>) -> Self {
        let stem = if default_stack { suffix.to_owned() } else { format!("{stack}-{suffix}") };
        Self {
            junit: dir.join(format!("junit-live-{stem}.xml")),
            json: dir.join(format!("evidence-{stem}.json")),
            html: dir.join(format!("evidence-{stem}.html")),
            summary: match step_summary {
                Some(path) => SummaryTarget::Append(path),
                None => SummaryTarget::File(dir.join(format!("summary-{stem}.md"))),
            },
            sarif: dir.join(format!("stackproof-{stem}.sarif")),
            ocsf: dir.join(format!("ocsf-{stem}.json")),
        }
    }

    pub fn of(&self, format: Format) -> &Path {
        match format {
            Format::Junit => &self.junit,
            Format::Json => &self.json,
            Format::Html => &self.html,
            Format::Md => match &self.summary {
                SummaryTarget::File(p) | SummaryTarget::Append(p) => p,
            },
            Format::Sarif => &self.sarif,
            Format::Ocsf => &self.ocsf,
        }
    }
}

/// One request the guard let through, from its ledger.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Request {
    pub service: String,
    pub operation: String,
    /// The SDK input as text (the SDK prints sensitive members as redacted).
    pub input: String,
    pub times: u32,
}

impl Request {
    pub fn from_ledger(requests: Vec<(String, String, String, u32)>) -> Vec<Self> {
        let mut list: Vec<Self> = requests
            .into_iter()
            .map(|(service, operation, input, times)| Self {
                service,
                operation,
                input: redact::redact_text(&unwrap_input(input)),
                times,
            })
            .collect();
        list.sort();
        list
    }

    /// `service:Operation`, as reports list operations.
    pub fn operation_id(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }
}

/// The operation's input as the SDK prints it, without the interceptor context's type-erased
/// wrapper: `Input(TypeErasedBox[!Clone]:GetStageInput { .. })` becomes `GetStageInput { .. }`.
fn unwrap_input(input: String) -> String {
    let inner = input
        .strip_prefix("Input(TypeErasedBox[")
        .and_then(|rest| rest.split_once("]:"))
        .and_then(|(_, rest)| rest.strip_suffix(')'));
    inner.map(str::to_owned).unwrap_or(input)
}

/// One operation's requests and HTTP attempts (retries included), from the guard's ledger.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct OperationCount {
    pub service: String,
    pub operation: String,
    pub requests: u32,
    pub attempts: u32,
    /// Time its requests took, from sending to the answer (retries and backoff included), summed.
    pub duration_ms: u64,
}

impl OperationCount {
    /// Per operation: requests sent, the attempts they took, and the time they took.
    pub fn from_ledger(
        sent: std::collections::BTreeMap<(String, String), u32>,
        attempts: &std::collections::BTreeMap<(String, String), u32>,
        time: &std::collections::BTreeMap<(String, String), Duration>,
    ) -> Vec<Self> {
        sent.into_iter()
            .map(|((service, operation), requests)| {
                let key = (service.clone(), operation.clone());
                let attempts = attempts.get(&key).copied().unwrap_or(0);
                let duration_ms = time.get(&key).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                Self { service, operation, requests, attempts, duration_ms }
            })
            .collect()
    }
}

/// Which checks the libtest filters let run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Selection {
    pub filter: Option<String>,
    pub exact: bool,
    pub skip: Vec<String>,
}

impl Selection {
    pub fn of(args: &libtest_mimic::Arguments) -> Self {
        Self { filter: args.filter.clone(), exact: args.exact, skip: args.skip.clone() }
    }

    pub fn is_everything(&self) -> bool {
        self.filter.is_none() && self.skip.is_empty()
    }
}

/// The git commit of the stack's source folder, when the run starts inside a checkout of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StacksGit {
    /// The stack's folder, relative to where the run started: `stacks/hipaa/v1`.
    pub path: String,
    /// The last commit that changed that folder.
    pub commit: Option<String>,
    /// The checkout's HEAD.
    pub head: Option<String>,
    /// Uncommitted changes in the folder.
    pub dirty: Option<bool>,
    /// Why the commit is not known.
    pub note: Option<String>,
}

/// What the reports say about the run around the checks.
#[derive(Debug, Clone)]
pub struct Run {
    /// The contract's stack and version ids: `hipaa`, `v1`.
    pub stack: String,
    pub stack_version: String,
    /// The deployed stack's name: `TapStackpr4365`.
    pub stack_name: String,
    pub suffix: String,
    pub target: Target,
    /// Who the run acted as; `None` when it never reached the deployment.
    pub identity: Option<Identity>,
    /// Regions clients were built for, or would have been.
    pub regions: Vec<String>,
    /// Where the outputs came from, once read.
    pub outputs_source: Option<String>,
    pub started: SystemTime,
    pub finished: SystemTime,
    /// Why nothing could be judged, when the run stopped before the checks.
    pub setup_error: Option<String>,
    /// The signal that stopped the run, when one did.
    pub interrupted: Option<String>,
    /// Waivers past their last day: they waive nothing, and the run fails.
    pub expired_waivers: Vec<String>,
    /// Resources still being created or changed when the checks ran (`Aurora cluster x is
    /// modifying`): findings on them are errors, and the run cannot pass.
    pub unsettled: Vec<String>,
    /// The resources discovery found in the stack, and the checks that judged each.
    pub coverage: coverage::Coverage,
    pub selection: Selection,
    /// How many checks the stack's suite has (a filtered run reports fewer).
    pub checks_in_suite: usize,
    /// Every request sent, in a stable order.
    pub requests: Vec<Request>,
    /// Requests and HTTP attempts per operation.
    pub operations: Vec<OperationCount>,
    pub stacks_git: StacksGit,
    /// The static run of the same stack, when one was found: its outcomes sit beside the live
    /// ones in the reports.
    pub before_deploy: Option<before_deploy::BeforeDeploy>,
    /// Why no static run is shown, when none is.
    pub before_deploy_note: Option<String>,
    /// The stack's source (template or CDKTF app), to locate findings in; none when it could not
    /// be read (then findings are reported unlocated).
    pub source: Option<locate::SourceMap>,
    /// The CI run's page, when the run is a CI job (GitHub Actions).
    pub ci_run_url: Option<String>,
    /// The machine the run ran on (JUnit's `hostname`).
    pub hostname: String,
}

impl Run {
    /// What is known before the run reaches the deployment: the rest (identity, regions as
    /// built, outputs, requests, finish time) is filled in once it has, and stays unknown if not.
    pub fn planned(
        contract: &Contract,
        suffix: &Suffix,
        target: &Target,
        region: Option<&str>,
        selection: Selection,
        checks_in_suite: usize,
        stacks_git: StacksGit,
    ) -> Self {
        let mut regions: Vec<String> = region.or(contract.home_region()).map(str::to_owned).into_iter().collect();
        for r in contract.regions.values() {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
        let now = SystemTime::now();
        Self {
            stack: contract.stack.clone(),
            stack_version: contract.version.clone(),
            stack_name: contract.stack_name(suffix),
            suffix: suffix.to_string(),
            target: target.clone(),
            identity: None,
            regions,
            outputs_source: None,
            started: now,
            finished: now,
            setup_error: None,
            interrupted: None,
            expired_waivers: Vec::new(),
            unsettled: Vec::new(),
            coverage: Default::default(),
            selection,
            checks_in_suite,
            requests: Vec::new(),
            operations: Vec::new(),
            stacks_git,
            before_deploy: None,
            before_deploy_note: None,
            source: None,
            ci_run_url: None,
            hostname: "localhost".to_owned(),
        }
    }
}

/// What one writer did.
pub struct Written {
    pub format: Format,
    pub path: PathBuf,
    pub result: Result<usize, Error>,
}

/// Writes the chosen reports; each is attempted even if another failed.
pub fn write_all(formats: &[Format], paths: &Paths, run: &Run, records: &[Record]) -> Vec<Written> {
    let doc = evidence::build(run, records, paths, formats);
    let mut formats = formats.to_vec();
    formats.sort();
    formats.dedup();
    formats
        .into_iter()
        .map(|format| {
            let path = paths.of(format).to_owned();
            let result = match format {
                Format::Junit => junit::write(&path, &doc.checks, &junit::Context::of_run(&doc.run)),
                Format::Json => evidence::write(&path, &doc),
                Format::Html => html::write(&path, &doc),
                Format::Md => markdown::write(&paths.summary, &doc),
                Format::Sarif => sarif::write_live(&path, &doc),
                Format::Ocsf => ocsf::write(&path, &doc),
            };
            Written { format, path, result }
        })
        .collect()
}

/// Removes the files this run's reports go to before the run starts, so a run that stops before
/// writing them leaves nothing that looks like its evidence. GitHub's job summary is appended to,
/// never removed.
pub fn clear(formats: &[Format], paths: &Paths) -> Result<(), Error> {
    for format in formats {
        if format == &Format::Md && matches!(paths.summary, SummaryTarget::Append(_)) {
            continue;
        }
        let path = paths.of(*format);
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Report { path: path.to_owned(), source }),
        }
    }
    Ok(())
}

/// An error of rendering (not of the file system), as a report error for `path`.
pub(crate) fn render_error(path: &Path, err: impl std::fmt::Display) -> Error {
    Error::Report { path: path.to_owned(), source: std::io::Error::other(err.to_string()) }
}

/// Writes `bytes` to `path` via a temporary sibling and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fail = |source| Error::Report { path: path.to_owned(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "report".into());
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// Appends `bytes` in one write, as GitHub's job summary file is meant to be written.
pub fn append(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fail = |source| Error::Report { path: path.to_owned(), source };
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(fail)?;
    f.write_all(bytes).map_err(fail)
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small run with every outcome, for the renderers' tests.

    use super::*;
    use crate::check::{Finding, Severity};

    pub const INFO: CheckInfo = CheckInfo {
        id: "kms_key_rotation_enabled",
        service: "kms",
        title: "Keys rotate <automatically> & \"often\"",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Old key material widens exposure.",
        remediation: "Set EnableKeyRotation: true.",
    };

    pub fn record(id: &'static str, service: &'static str, findings: Vec<Finding>) -> Record {
        Record {
            stack: "hipaa",
            info: CheckInfo { id, service, ..INFO },
            waiver: None,
            claims: vec![crate::check::ClaimInfo {
                property: "KeyRotationEnabled",
                about: "every key rotates",
                not_emulated: None,
            }],
            outcome: Outcome::new(findings),
            duration: Duration::from_micros(1500),
            started: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        }
    }

    pub fn records() -> Vec<Record> {
        let secret = serde_json::json!({
            "Name": "db", "SecretString": "hunter2-canary", "AuthTokenEnabled": true,
            "Nested": [{"MasterUserPassword": "pw-canary", "NextToken": "tok-canary"}],
            "Environment": [{"name": "REDIS_AUTH_TOKEN", "value": "env-canary"}, {"name": "PORT", "value": "8080"}],
        });
        vec![
            record(
                "zeta_passes",
                "kms",
                vec![Finding::judge("key/1", "KeyRotationEnabled", true, true, true, &secret)],
            ),
            record(
                "alpha_fails",
                "rds",
                vec![
                    Finding::judge("db-1", "StorageEncrypted", true, true, true, &()),
                    Finding::judge("db-2 <b>", "StorageEncrypted", false, true, false, &()),
                ],
            ),
            record("beta_errors", "ecs", vec![Finding::error("svc", "Tasks", "throttled | retry later")]),
            record("gamma_skips", "ecs", vec![Finding::skip("svc", "RunningCount", "not emulated: runningCount")]),
        ]
    }

    pub fn run() -> Run {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        Run {
            stack: "hipaa".into(),
            stack_version: "v1".into(),
            stack_name: "TapStackpr1".into(),
            suffix: "pr1".into(),
            target: Target::Aws,
            identity: Some(Identity {
                account: "123456789012".into(),
                arn: "arn:aws:iam::123456789012:user/ci".into(),
            }),
            regions: vec!["eu-central-1".into()],
            outputs_source: Some("the outputs of stack TapStackpr1 in eu-central-1".into()),
            started: at,
            finished: at + Duration::from_secs(2),
            setup_error: None,
            interrupted: None,
            expired_waivers: Vec::new(),
            unsettled: Vec::new(),
            coverage: Default::default(),
            selection: Selection::default(),
            checks_in_suite: 4,
            requests: Request::from_ledger(vec![
                ("kms".into(), "DescribeKey".into(), "DescribeKeyInput { key_id: Some(\"key/1\") }".into(), 1),
                (
                    "rds".into(),
                    "DescribeDBClusters".into(),
                    "DescribeDbClustersInput { db_cluster_identifier: Some(\"db-2 <b>\") }".into(),
                    1,
                ),
                (
                    "ecs".into(),
                    "DescribeServices".into(),
                    "DescribeServicesInput { services: Some([\"svc\"]) }".into(),
                    1,
                ),
            ]),
            operations: vec![OperationCount {
                service: "kms".into(),
                operation: "DescribeKey".into(),
                requests: 1,
                attempts: 2,
                duration_ms: 37,
            }],
            stacks_git: StacksGit {
                path: "stacks/hipaa/v1".into(),
                note: Some("not known: test".into()),
                ..StacksGit::default()
            },
            before_deploy: None,
            before_deploy_note: Some("no static run found: test".into()),
            source: Some(source()),
            ci_run_url: None,
            hostname: "ci-runner-1".into(),
        }
    }

    /// A template declaring two of the fixture's resources, one output each.
    pub const TEMPLATE: &str = "Resources:\n  Key:\n    Type: AWS::KMS::Key\n  Db:\n    Type: AWS::RDS::DBCluster\nOutputs:\n  KeyArn:\n    Value: !GetAtt Key.Arn\n  DbId:\n    Value: !Ref Db\n";

    pub fn source() -> locate::SourceMap {
        let outputs = [("KeyArn", "key/1"), ("DbId", "db-2 <b>")]
            .into_iter()
            .map(|(key, value)| locate::DeployedOutput { key: key.into(), value: value.into(), region: None })
            .collect();
        locate::SourceMap::cloudformation("stacks/hipaa/v1/template.yml", TEMPLATE, Some("pr1"))
            .expect("the fixture template parses")
            .with_outputs(outputs)
    }

    pub fn paths() -> Paths {
        Paths::new(Path::new("reports"), "hipaa", true, "pr1", None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_other_than_the_default_is_in_every_file_name() {
        let hipaa = Paths::new(Path::new("out"), "hipaa", true, "pr1", None);
        assert_eq!(hipaa.json, PathBuf::from("out/evidence-pr1.json"));
        assert_eq!(hipaa.html, PathBuf::from("out/evidence-pr1.html"));
        assert_eq!(hipaa.junit, PathBuf::from("out/junit-live-pr1.xml"));
        assert_eq!(hipaa.sarif, PathBuf::from("out/stackproof-pr1.sarif"));
        assert_eq!(hipaa.ocsf, PathBuf::from("out/ocsf-pr1.json"));
        assert_eq!(hipaa.summary, SummaryTarget::File(PathBuf::from("out/summary-pr1.md")));
        let dr = Paths::new(Path::new("out"), "dr", false, "pr1", None);
        for (a, b) in [
            (&hipaa.json, &dr.json),
            (&hipaa.html, &dr.html),
            (&hipaa.junit, &dr.junit),
            (&hipaa.sarif, &dr.sarif),
            (&hipaa.ocsf, &dr.ocsf),
        ] {
            assert_ne!(a, b);
        }
        assert_eq!(dr.json, PathBuf::from("out/evidence-dr-pr1.json"));
        assert_eq!(dr.junit, PathBuf::from("out/junit-live-dr-pr1.xml"));
        let gh = Paths::new(Path::new("out"), "hipaa", true, "pr1", Some(PathBuf::from("/gh/step")));
        assert_eq!(gh.summary, SummaryTarget::Append(PathBuf::from("/gh/step")));
    }

    #[test]
    fn every_format_is_written_atomically_and_the_summary_appends_to_githubs_file() {
        let dir = std::env::temp_dir().join(format!("stackproof-report-{}", std::process::id()));
        let step = dir.join("step-summary.md");
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(&step, "# earlier step\n").expect("seed the step summary");
        let paths = Paths::new(&dir, "hipaa", true, "pr1", Some(step.clone()));
        let written = write_all(&Format::ALL, &paths, &fixture::run(), &fixture::records());
        assert_eq!(written.len(), 6);
        for w in &written {
            assert!(w.result.is_ok(), "{:?} failed: {:?}", w.format, w.result.as_ref().err());
            assert!(w.path.is_file(), "{} missing", w.path.display());
        }
        let summary = std::fs::read_to_string(&step).expect("step summary");
        assert!(summary.starts_with("# earlier step\n") && summary.contains("stackproof"), "{summary}");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_sarif_or_ocsf_file_that_cannot_be_written_is_its_own_error() {
        let dir = std::env::temp_dir().join(format!("stackproof-unwritable-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let blocker = dir.join("a-file");
        std::fs::write(&blocker, "not a folder").unwrap();
        let mut paths = Paths::new(&dir, "hipaa", true, "pr1", None);
        paths.sarif = blocker.join("stackproof-pr1.sarif");
        paths.ocsf = blocker.join("ocsf-pr1.json");
        let written = write_all(&Format::ALL, &paths, &fixture::run(), &fixture::records());
        for w in &written {
            let expect_err = matches!(w.format, Format::Sarif | Format::Ocsf);
            assert_eq!(w.result.is_err(), expect_err, "{:?}: {:?}", w.format, w.result.as_ref().err());
            if expect_err {
                let err = w.result.as_ref().err().map(ToString::to_string).unwrap_or_default();
                assert!(err.contains(&w.path.display().to_string()), "the error names the file: {err}");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_earlier_runs_reports_are_cleared_but_not_the_job_summary() {
        let dir = std::env::temp_dir().join(format!("stackproof-clear-{}", std::process::id()));
        let summary = dir.join("step-summary.md");
        let paths = Paths::new(&dir, "hipaa", true, "pr1", Some(summary.clone()));
        std::fs::create_dir_all(&dir).unwrap();
        for format in Format::ALL {
            std::fs::write(paths.of(format), "old").unwrap();
        }
        clear(&Format::ALL, &paths).unwrap();
        assert!(!paths.junit.exists() && !paths.json.exists() && !paths.html.exists());
        assert!(!paths.sarif.exists() && !paths.ocsf.exists());
        assert!(summary.exists(), "GitHub's job summary belongs to the job");
        clear(&Format::ALL, &paths).expect("nothing to clear is fine");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn verdicts_rank_interruption_setup_failure_error_and_pass() {
        use crate::check::Status::*;
        assert_eq!(Verdict::of([Pass, Pass], false, false), Verdict::Pass);
        assert_eq!(Verdict::of([Pass, Fail, Error], false, false), Verdict::Fail);
        assert_eq!(Verdict::of([Pass, Error], false, false), Verdict::Error);
        assert_eq!(Verdict::of([Pass, Skip], false, false), Verdict::Error, "a check that judged nothing is no pass");
        assert_eq!(Verdict::of([], false, false), Verdict::Error, "nothing ran");
        assert_eq!(Verdict::of([Fail], true, false), Verdict::Error, "a run that stopped is not complete evidence");
        assert_eq!(Verdict::of([Pass], false, true), Verdict::Interrupted);
    }

    #[test]
    fn request_inputs_lose_the_type_erased_wrapper_only() {
        let wrapped = "Input(TypeErasedBox[!Clone]:GetStageInput { rest_api_id: Some(\"a\") })".to_owned();
        assert_eq!(unwrap_input(wrapped), "GetStageInput { rest_api_id: Some(\"a\") }");
        assert_eq!(unwrap_input("DescribeKeyInput { key_id: None }".into()), "DescribeKeyInput { key_id: None }");
    }
}
