//! The evidence bundle: one document with the run's metadata and, for every check (passes
//! included), what was judged, on which resource, against which API reply, with which requests.
//! The JSON report is this document; the HTML report and the Markdown summary render it.
//!
//! Ordering is stable: checks in the suites' order, findings in the check's order, requests
//! sorted, maps by key. Two runs over the same deployment differ only in their times
//! (`started_at`, `finished_at`, `duration_ms`).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::before_deploy::BeforeDeploy;
use super::locate::{self, Located, SourceMap};
use super::safeguards::{self, Kind, Scope};
use super::{Format, Paths, Record, Request, Run, Selection, StacksGit, SummaryTarget, redact, write_atomically};
use crate::Error;
use crate::aws::Target;
use crate::check::{Severity, Status};

/// Names the document's shape, so consumers can tell versions apart.
pub const SCHEMA: &str = "stackproof-evidence/1";

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub schema: &'static str,
    pub run: RunMeta,
    pub summary: Summary,
    /// Every safeguard of the catalog and every citation of the run: the checks citing it and
    /// their worst outcome.
    pub hipaa_matrix: Vec<SafeguardRow>,
    pub checks: Vec<CheckEvidence>,
    /// Every request the run sent, with how many times.
    pub api_requests: Vec<Request>,
    /// Per operation: the requests sent and the HTTP attempts they took (retries included). The
    /// credential chain's own calls (AssumeRole, SSO, instance metadata, credential_process) are
    /// outside the guard and not counted here.
    pub api_operations: Vec<super::OperationCount>,
    /// The resources discovery found in the deployed stack, by type, with the checks that judged
    /// each; those no check judged are listed as not covered.
    pub coverage: super::coverage::Coverage,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunMeta {
    pub stackproof_version: &'static str,
    pub stack: String,
    pub stack_version: String,
    pub stack_name: String,
    pub suffix: String,
    /// `aws` or `emulator`.
    pub target: &'static str,
    pub endpoint: Option<String>,
    pub account_id: Option<String>,
    pub caller_arn: Option<String>,
    /// Why the identity is not known, when it is not.
    pub identity_note: Option<String>,
    pub regions: Vec<String>,
    pub outputs_source: Option<String>,
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: f64,
    pub stacks_git: StacksGit,
    pub setup_error: Option<String>,
    /// The signal that stopped the run, when one did: then the verdict is `interrupted`.
    pub interrupted: Option<String>,
    /// Waivers past their last day (`check until date`): they waive nothing, and the run fails.
    pub expired_waivers: Vec<String>,
    /// Resources still being created or changed when the checks ran: findings on them are
    /// errors, and the run cannot pass (`--settle` waits for them).
    pub unsettled: Vec<String>,
    pub selection: Selection,
    pub checks_in_suite: usize,
    /// The other reports of this run, as written (the summary as `GITHUB_STEP_SUMMARY` when it
    /// went there).
    pub reports: ReportFiles,
    /// The stack source findings are located in (`stacks/hipaa/v1/template.yml`), when known.
    pub source_file: Option<String>,
    /// The machine the run ran on.
    pub hostname: String,
    /// The CI run that produced these reports (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`),
    /// when the run was a CI job.
    pub ci_run_url: Option<String>,
    /// Where a reader finds the evidence: the CI run when known, else the HTML report's file name
    /// (a local path means nothing on a runner).
    pub evidence_link: String,
    /// The file names of the evidence written (HTML, JSON, SARIF, OCSF), beside each other.
    pub evidence_files: Vec<String>,
    /// The static run shown beside this one (its checks are in the matrix and each check), or
    /// why none is.
    pub before_deploy: Option<BeforeDeploy>,
    pub before_deploy_note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportFiles {
    pub junit: Option<String>,
    pub json: Option<String>,
    pub html: Option<String>,
    pub summary: Option<String>,
    pub sarif: Option<String>,
    pub ocsf: Option<String>,
}

impl ReportFiles {
    /// A report's file name (its folder is the reports folder, beside this one).
    pub fn name_of(path: &Option<String>) -> Option<String> {
        path.as_deref().map(|p| {
            std::path::Path::new(p).file_name().map_or_else(|| p.to_owned(), |n| n.to_string_lossy().into_owned())
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub total: usize,
    pub passed: usize,
    /// Failures a live waiver covers: never counted as passed.
    pub waived: usize,
    /// Of the passed checks, those with properties this target could not show (not emulated).
    pub passed_partly_not_emulated: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
    /// Passed checks over all reported checks, in percent to one decimal.
    pub pass_rate_percent: f64,
    /// `pass`, `fail`, `error` (nothing judged, or something could not be) or `interrupted`
    /// (see `report::Verdict`).
    pub verdict: &'static str,
    pub safeguards_covered: usize,
    /// Infrastructure safeguards of 164.308/164.312 that no check of this run covers.
    pub safeguard_gaps: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckRef {
    pub id: &'static str,
    pub outcome: Status,
    /// The same requirement's outcome in the static run before deploy; none when it has no
    /// static form or no static run was found.
    pub before_deploy: Option<Status>,
}

/// A requirement judged only before deploy (no live check has its id).
#[derive(Debug, Clone, Serialize)]
pub struct StaticRef {
    pub id: String,
    pub title: String,
    pub outcome: Status,
}

#[derive(Debug, Clone, Serialize)]
pub struct SafeguardRow {
    pub citation: String,
    /// The catalog's name; none for a citation outside the catalog.
    pub name: Option<&'static str>,
    pub kind: Option<Kind>,
    pub scope: Option<Scope>,
    pub carried_by: &'static str,
    pub checks: Vec<CheckRef>,
    /// Requirements citing it that only the static suite judges, with their outcome before deploy.
    pub before_deploy_only: Vec<StaticRef>,
    /// The worst outcome of the checks citing it, or `not covered`.
    pub status: String,
    /// An infrastructure safeguard of 164.308/164.312 that no check covers.
    pub gap: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckEvidence {
    pub id: &'static str,
    pub stack: &'static str,
    pub service: &'static str,
    pub title: &'static str,
    pub citations: &'static [&'static str],
    pub severity: Severity,
    pub outcome: Status,
    /// A pass with properties this target could not show: see `not_emulated`.
    pub partly_not_emulated: bool,
    /// Skipped whole: the emulator can show none of it (on AWS it is judged).
    pub wholly_not_emulated: bool,
    /// The properties skipped as not shown by this target.
    pub not_emulated: Vec<String>,
    /// This requirement's outcome in the static run before deploy, when it has one.
    pub before_deploy: Option<Status>,
    pub risk: &'static str,
    pub remediation: &'static str,
    /// The properties the check promises to judge, on every instance.
    pub claims: Vec<crate::check::ClaimInfo>,
    /// The waiver that covers this check's failure, when one does.
    pub waiver: Option<super::Waiver>,
    pub started_at: String,
    pub duration_ms: f64,
    /// Resources judged, in first-judged order.
    pub resources: Vec<String>,
    /// Operations whose requests named a judged resource (`service:Operation`).
    pub api_operations: Vec<String>,
    pub findings: Vec<FindingEvidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingEvidence {
    pub status: Status,
    pub resource: String,
    pub property: String,
    pub expected: String,
    pub actual: String,
    pub reason: Option<String>,
    /// One line: resource, property, expected and seen (or why not judged).
    pub message: String,
    /// The slice of the API reply judged, secret-bearing fields redacted.
    pub evidence: serde_json::Value,
    /// Operations whose request input names this resource; empty when the resource was found
    /// through a broader request (a filter on its VPC, a list call).
    pub api_operations: Vec<String>,
    /// Where the resource is declared in the stack's source (file, line of the logical id, the
    /// output that named it); the file alone when it could not be located.
    pub source: Option<Located>,
    /// `DataKey (output DataKeyArn)`: how the source names the resource, when known.
    pub label: Option<String>,
    /// The resource's ARN: as judged, or built from its declared type, id, region and account.
    pub arn: Option<String>,
}

/// What locating findings needs: the stack's source, and where the deployment is.
#[derive(Debug, Clone, Copy, Default)]
pub struct Locator<'a> {
    pub source: Option<&'a SourceMap>,
    pub region: Option<&'a str>,
    pub account: Option<&'a str>,
}

impl Locator<'_> {
    fn locate(&self, resource: &str) -> (Option<Located>, Option<String>, Option<String>) {
        let Some(map) = self.source else {
            return (None, None, locate::arn(None, resource, None, None));
        };
        let found = map.locate(resource);
        let region = found.region.as_deref().or(self.region);
        // An ARN as judged, or built from the deployed id that was matched (never from a logical
        // id or an output's key, which name the source, not a resource).
        let arn = if resource.starts_with("arn:") {
            Some(resource.split(" (").next().unwrap_or(resource).to_owned())
        } else {
            found.matched.as_deref().and_then(|id| locate::arn(found.kind.as_deref(), id, region, self.account))
        };
        (Some(found.clone()), found.label(), arn)
    }
}

/// A time as the reports write it: RFC 3339, UTC, milliseconds.
pub fn timestamp(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn millis(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

/// Operations whose request input text names `resource`, or the id at the end of its ARN. A
/// qualifier the check added (`arn:...:task-definition/app:1 (container app)`) is not a name.
fn operations_naming(resource: &str, requests: &[Request]) -> Vec<String> {
    let base = resource.split(" (").next().unwrap_or(resource).trim();
    if base.is_empty() || base.starts_with('(') {
        return Vec::new();
    }
    let after = |sep: char| base.rsplit(sep).next().filter(|t| t.len() >= 6 && *t != base);
    let tail = if base.contains('/') { after('/') } else { after(':') };
    let mut ops: Vec<String> = requests
        .iter()
        .filter(|r| r.input.contains(base) || tail.is_some_and(|t| r.input.contains(t)))
        .map(Request::operation_id)
        .collect();
    ops.sort();
    ops.dedup();
    ops
}

/// One check's evidence, each finding located in the stack's source when a map of it is given.
pub fn check_evidence(record: &Record, requests: &[Request], locator: &Locator) -> CheckEvidence {
    let mut resources: Vec<String> = Vec::new();
    let findings: Vec<FindingEvidence> = record
        .outcome
        .findings
        .iter()
        .map(|f| {
            if !resources.contains(&f.resource) {
                resources.push(f.resource.clone());
            }
            let mut evidence = f.evidence.clone();
            redact::redact(&mut evidence);
            let (source, label, arn) = locator.locate(&f.resource);
            FindingEvidence {
                status: f.status,
                resource: f.resource.clone(),
                property: f.property.clone(),
                expected: f.expected.clone(),
                actual: f.actual.clone(),
                reason: f.reason.clone(),
                message: f.message(),
                evidence,
                api_operations: operations_naming(&f.resource, requests),
                source,
                label,
                arn,
            }
        })
        .collect();
    let mut api_operations: Vec<String> = findings.iter().flat_map(|f| f.api_operations.iter().cloned()).collect();
    api_operations.sort();
    api_operations.dedup();
    let info = &record.info;
    CheckEvidence {
        id: info.id,
        stack: record.stack,
        service: info.service,
        title: info.title,
        citations: info.citations,
        severity: info.severity,
        outcome: record.outcome.status,
        partly_not_emulated: record.outcome.partly_not_emulated(),
        wholly_not_emulated: record.outcome.not_emulated(),
        not_emulated: {
            let mut skipped: Vec<String> = record
                .outcome
                .findings
                .iter()
                .filter(|f| f.status == Status::Skip)
                .map(|f| format!("{}: {}", f.resource, f.property))
                .collect();
            skipped.dedup();
            skipped
        },
        before_deploy: None,
        risk: info.risk,
        remediation: info.remediation,
        claims: record.claims.clone(),
        waiver: record.waiver.clone(),
        started_at: timestamp(record.started),
        duration_ms: millis(record.duration),
        resources,
        api_operations,
        findings,
    }
}

fn matrix(checks: &[CheckEvidence], before: Option<&BeforeDeploy>) -> Vec<SafeguardRow> {
    let mut citing: BTreeMap<&str, Vec<CheckRef>> = BTreeMap::new();
    for c in checks {
        for citation in c.citations {
            citing.entry(citation).or_default().push(CheckRef {
                id: c.id,
                outcome: c.outcome,
                before_deploy: c.before_deploy,
            });
        }
    }
    let mut static_only: BTreeMap<&str, Vec<StaticRef>> = BTreeMap::new();
    for (id, s) in before.map(|b| &b.checks).into_iter().flatten() {
        if checks.iter().any(|c| c.id == id) {
            continue;
        }
        for citation in &s.citations {
            let entry = StaticRef { id: id.clone(), title: s.title.clone(), outcome: s.outcome };
            static_only.entry(citation.as_str()).or_default().push(entry);
        }
    }
    let mut citations: Vec<&str> = safeguards::CATALOG.iter().map(|s| s.citation).collect();
    for c in citing.keys().chain(static_only.keys()) {
        if safeguards::find(c).is_none() && !citations.contains(c) {
            citations.push(c);
        }
    }
    citations.sort_by_key(|c| safeguards::order(c));
    citations
        .into_iter()
        .map(|citation| {
            let entry = safeguards::find(citation);
            let checks = citing.remove(citation).unwrap_or_default();
            let status = checks.iter().map(|c| c.outcome).max().map_or("not covered".to_owned(), |s| s.to_string());
            let scope = entry.map(|s| s.scope);
            let gap = checks.is_empty()
                && scope == Some(Scope::Infrastructure)
                && safeguards::GAP_SECTIONS.iter().any(|s| citation.starts_with(s));
            SafeguardRow {
                citation: citation.to_owned(),
                name: entry.map(|s| s.name),
                kind: entry.map(|s| s.kind),
                scope,
                carried_by: entry.map_or("", |s| s.carried_by),
                checks,
                before_deploy_only: static_only.remove(citation).unwrap_or_default(),
                status,
                gap,
            }
        })
        .collect()
}

fn report_files(paths: &Paths, formats: &[Format]) -> ReportFiles {
    let written = |f: Format| formats.contains(&f).then(|| paths.of(f).display().to_string());
    ReportFiles {
        junit: written(Format::Junit),
        json: written(Format::Json),
        html: written(Format::Html),
        summary: formats.contains(&Format::Md).then(|| match &paths.summary {
            SummaryTarget::File(p) => p.display().to_string(),
            SummaryTarget::Append(_) => "GITHUB_STEP_SUMMARY".to_owned(),
        }),
        sarif: written(Format::Sarif),
        ocsf: written(Format::Ocsf),
    }
}

/// Where a reader of a report finds the evidence: the CI run's page when known, else the HTML
/// report's file name (or the JSON bundle's), never a local path.
fn evidence_link(ci_run_url: Option<&str>, reports: &ReportFiles) -> String {
    let file = ReportFiles::name_of(&reports.html).or_else(|| ReportFiles::name_of(&reports.json));
    match (ci_run_url, file) {
        (Some(url), Some(file)) => format!("{url} ({file} in the run's artifacts)"),
        (Some(url), None) => url.to_owned(),
        (None, Some(file)) => file,
        (None, None) => "no evidence file was written".to_owned(),
    }
}

/// The document for one run.
/// The statuses the verdict counts, as the runner counts them (`Outcome::status_for_verdict`).
fn verdict_statuses(checks: &[CheckEvidence], on_emulator: bool) -> Vec<Status> {
    checks.iter().map(|c| if on_emulator && c.wholly_not_emulated { Status::Pass } else { c.outcome }).collect()
}

pub fn build(run: &Run, records: &[Record], paths: &Paths, formats: &[Format]) -> Evidence {
    let before = run.before_deploy.as_ref();
    let locator = Locator {
        source: run.source.as_ref(),
        region: run.regions.first().map(String::as_str),
        account: run.identity.as_ref().map(|i| i.account.as_str()),
    };
    let mut checks: Vec<CheckEvidence> = records.iter().map(|r| check_evidence(r, &run.requests, &locator)).collect();
    for c in &mut checks {
        c.before_deploy = before.and_then(|b| b.checks.get(c.id)).map(|s| s.outcome);
    }
    let count = |s: Status| checks.iter().filter(|c| c.outcome == s).count();
    let (passed, failed, errors, skipped) =
        (count(Status::Pass), count(Status::Fail), count(Status::Error), count(Status::Skip));
    let total = checks.len();
    let hipaa_matrix = matrix(&checks, before);
    let verdict = super::Verdict::of(
        verdict_statuses(&checks, matches!(run.target, Target::Emulator { .. })),
        run.setup_error.is_some(),
        run.interrupted.is_some(),
    )
    .with_run(&run.expired_waivers, &run.unsettled)
    .as_str();
    let summary = Summary {
        total,
        passed,
        waived: count(Status::Waived),
        passed_partly_not_emulated: checks.iter().filter(|c| c.partly_not_emulated).count(),
        failed,
        errors,
        skipped,
        // Integer per-mille first, so the percentage has exactly one decimal.
        pass_rate_percent: (passed * 1000 + total / 2)
            .checked_div(total)
            .map_or(0.0, |permille| permille as f64 / 10.0),
        verdict,
        safeguards_covered: hipaa_matrix.iter().filter(|r| !r.checks.is_empty()).count(),
        safeguard_gaps: hipaa_matrix.iter().filter(|r| r.gap).count(),
    };
    let (target, endpoint) = match &run.target {
        Target::Aws => ("aws", None),
        Target::Emulator { endpoint } => ("emulator", Some(endpoint.clone())),
    };
    let identity_note = match (&run.identity, &run.setup_error) {
        (Some(_), _) => None,
        (None, Some(_)) => Some("not known: setup failed before the run's identity was recorded".to_owned()),
        (None, None) => Some("not known".to_owned()),
    };
    let reports = report_files(paths, formats);
    let run_meta = RunMeta {
        stackproof_version: env!("CARGO_PKG_VERSION"),
        stack: run.stack.clone(),
        stack_version: run.stack_version.clone(),
        stack_name: run.stack_name.clone(),
        suffix: run.suffix.clone(),
        target,
        endpoint,
        account_id: run.identity.as_ref().map(|i| i.account.clone()),
        caller_arn: run.identity.as_ref().map(|i| i.arn.clone()),
        identity_note,
        regions: run.regions.clone(),
        outputs_source: run.outputs_source.clone(),
        started_at: timestamp(run.started),
        finished_at: timestamp(run.finished),
        duration_ms: millis(run.finished.duration_since(run.started).unwrap_or_default()),
        stacks_git: run.stacks_git.clone(),
        setup_error: run.setup_error.clone(),
        interrupted: run.interrupted.clone(),
        expired_waivers: run.expired_waivers.clone(),
        unsettled: run.unsettled.clone(),
        selection: run.selection.clone(),
        checks_in_suite: run.checks_in_suite,
        reports: reports.clone(),
        source_file: run.source.as_ref().map(|s| s.file.clone()),
        hostname: run.hostname.clone(),
        ci_run_url: run.ci_run_url.clone(),
        evidence_link: evidence_link(run.ci_run_url.as_deref(), &reports),
        evidence_files: [&reports.html, &reports.json, &reports.sarif, &reports.ocsf]
            .into_iter()
            .filter_map(ReportFiles::name_of)
            .collect(),
        before_deploy: before.cloned(),
        before_deploy_note: run.before_deploy_note.clone(),
    };
    Evidence {
        schema: SCHEMA,
        run: run_meta,
        summary,
        hipaa_matrix,
        checks,
        api_requests: run.requests.clone(),
        api_operations: run.operations.clone(),
        coverage: run.coverage.clone(),
    }
}

pub fn render(doc: &Evidence) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(doc).map(|mut s| {
        s.push('\n');
        s
    })
}

pub fn write(path: &Path, doc: &Evidence) -> Result<usize, Error> {
    let json = render(doc).map_err(|e| super::render_error(path, e))?;
    write_atomically(path, json.as_bytes())?;
    Ok(json.len())
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn doc() -> Evidence {
        build(&fixture::run(), &fixture::records(), &fixture::paths(), &Format::ALL)
    }

    #[test]
    fn every_check_is_reported_in_the_suites_order_with_counts() {
        let d = doc();
        let ids: Vec<&str> = d.checks.iter().map(|c| c.id).collect();
        assert_eq!(ids, ["zeta_passes", "alpha_fails", "beta_errors", "gamma_skips"]);
        let s = &d.summary;
        assert_eq!((s.total, s.passed, s.failed, s.errors, s.skipped), (4, 1, 1, 1, 1));
        assert_eq!(s.pass_rate_percent, 25.0);
        assert_eq!(s.verdict, "fail");
        let failing = &d.checks[1];
        assert_eq!(failing.resources, ["db-1", "db-2 <b>"]);
        assert_eq!(failing.findings[1].expected, "true");
        assert_eq!(failing.findings[1].actual, "false");
    }

    #[test]
    fn rendering_is_stable_and_only_times_differ_between_runs() {
        let a = render(&doc()).expect("renders");
        assert_eq!(a, render(&doc()).expect("renders"), "same input, different output");
        // A later run of the same deployment whose requests arrived in another order.
        let mut later = fixture::run();
        later.started += Duration::from_secs(60);
        later.finished += Duration::from_secs(90);
        later.requests.reverse();
        let mut records = fixture::records();
        for r in &mut records {
            r.started += Duration::from_secs(61);
            r.duration *= 3;
        }
        later.requests = Request::from_ledger(
            later.requests.into_iter().map(|r| (r.service, r.operation, r.input, r.times)).collect(),
        );
        let b = render(&build(&later, &records, &fixture::paths(), &Format::ALL)).expect("renders");
        let strip = |text: &str| {
            let mut v: serde_json::Value = serde_json::from_str(text).expect("json");
            strip_times(&mut v);
            v
        };
        assert_ne!(a, b);
        assert_eq!(strip(&a), strip(&b));
    }

    fn strip_times(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for key in ["started_at", "finished_at", "duration_ms"] {
                    m.remove(key);
                }
                m.values_mut().for_each(strip_times);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip_times),
            _ => {}
        }
    }

    #[test]
    fn secret_values_never_reach_the_bundle() {
        let json = render(&doc()).expect("renders");
        for canary in ["hunter2-canary", "pw-canary", "tok-canary", "env-canary"] {
            assert!(!json.contains(canary), "{canary} in the evidence bundle");
        }
        assert!(json.contains(redact::REDACTED) && json.contains("\"AuthTokenEnabled\": true"));
    }

    #[test]
    fn operations_are_those_whose_requests_named_the_resource() {
        let d = doc();
        assert_eq!(d.checks[0].findings[0].api_operations, ["kms:DescribeKey"]);
        assert_eq!(d.checks[1].findings[1].api_operations, ["rds:DescribeDBClusters"]);
        assert!(d.checks[1].findings[0].api_operations.is_empty(), "db-1 was named by no request");
        assert_eq!(d.api_requests.len(), 3);
        let arn = "arn:aws:kms:eu-central-1:1:key/0b1c2d3e";
        let by_id = [Request {
            service: "kms".into(),
            operation: "GetKeyRotationStatus".into(),
            input: "key_id: Some(\"0b1c2d3e\")".into(),
            times: 1,
        }];
        assert_eq!(operations_naming(arn, &by_id), ["kms:GetKeyRotationStatus"]);
        assert!(operations_naming("(deployment)", &by_id).is_empty());
        assert_eq!(operations_naming(&format!("{arn} (alias)"), &by_id), ["kms:GetKeyRotationStatus"]);
    }

    #[test]
    fn the_matrix_maps_citations_to_checks_and_lists_uncovered_safeguards() {
        let d = doc();
        let row = |c: &str| d.hipaa_matrix.iter().find(|r| r.citation == c).expect("row");
        let enc = row("45 CFR 164.312(a)(2)(iv)");
        assert_eq!(enc.checks.len(), 4);
        assert_eq!(enc.status, "fail", "worst outcome of the checks citing it");
        assert!(!enc.gap);
        let uid = row("45 CFR 164.312(a)(2)(i)");
        assert!(uid.checks.is_empty() && uid.gap && uid.status == "not covered");
        let training = row("45 CFR 164.308(a)(5)(i)");
        assert!(!training.gap, "organisational safeguards are not infrastructure gaps");
        assert_eq!(d.summary.safeguards_covered, 2);
        assert_eq!(d.summary.safeguard_gaps, d.hipaa_matrix.iter().filter(|r| r.gap).count());
    }

    #[test]
    fn a_run_that_never_reached_the_deployment_says_who_ran_it_is_not_known() {
        let mut run = fixture::run();
        run.identity = None;
        run.setup_error = Some("the emulator did not answer".into());
        let d = build(&run, &fixture::records(), &fixture::paths(), &Format::ALL);
        assert!(d.run.account_id.is_none() && d.run.caller_arn.is_none());
        assert!(d.run.identity_note.as_deref().is_some_and(|n| n.starts_with("not known")));
    }

    #[test]
    fn the_matrix_shows_each_requirement_before_and_after_deploy() {
        use super::super::before_deploy::{StaticCheck, StaticSummary};
        let check =
            |outcome, citation: &str| StaticCheck { outcome, title: "t".into(), citations: vec![citation.to_owned()] };
        let mut run = fixture::run();
        run.before_deploy = Some(BeforeDeploy {
            file: "reports/evidence-static-hipaa.json".into(),
            source: "stacks/hipaa/v1/template.yml".into(),
            finished_at: "2027-01-15T08:00:00.000Z".into(),
            commit: None,
            dirty: None,
            other_commit: false,
            setup_error: None,
            summary: StaticSummary { total: 2, passed: 2, ..StaticSummary::default() },
            checks: [
                ("alpha_fails".to_owned(), check(Status::Pass, "45 CFR 164.312(a)(2)(iv)")),
                ("cfn_lint_clean".to_owned(), check(Status::Pass, "45 CFR 164.312(c)(1)")),
            ]
            .into_iter()
            .collect(),
        });
        let d = build(&run, &fixture::records(), &fixture::paths(), &Format::ALL);
        let row = |c: &str| d.hipaa_matrix.iter().find(|r| r.citation == c).expect("row");
        let enc = row("45 CFR 164.312(a)(2)(iv)");
        let alpha = enc.checks.iter().find(|c| c.id == "alpha_fails").expect("alpha in the row");
        assert_eq!((alpha.outcome, alpha.before_deploy), (Status::Fail, Some(Status::Pass)));
        let zeta = enc.checks.iter().find(|c| c.id == "zeta_passes").expect("zeta in the row");
        assert_eq!(zeta.before_deploy, None, "no static check of that id");
        let integrity = row("45 CFR 164.312(c)(1)");
        assert_eq!(integrity.before_deploy_only.len(), 1);
        assert_eq!(integrity.before_deploy_only[0].id, "cfn_lint_clean");
        assert!(integrity.checks.is_empty(), "a static-only requirement is not live coverage");
        assert_eq!(d.checks[1].before_deploy, Some(Status::Pass));
        assert_eq!(d.run.before_deploy.as_ref().map(|b| b.summary.passed), Some(2));
    }
}
