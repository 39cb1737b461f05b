//! SARIF 2.1.0, as code scanning (GitHub's `upload-sarif`, Azure DevOps, IDE viewers) reads it:
//! one rule per check (id, title, help with the remediation and the HIPAA citations, severity),
//! one result per failing or erroring finding, located in the stack source that declares the
//! resource: the template file and the line of the logical id, or `main.ts` and the line of the
//! construct. A result whose resource cannot be located still appears, at the file with no line.
//!
//! A failure is `kind: fail` with a level from the check's severity; a finding the check could not
//! judge is `kind: open` ("could not determine pass or fail"), whose level SARIF fixes at `none`;
//! the invocation then reports `executionSuccessful: false` with a notification saying how many
//! could not look. A waived failure keeps its result, with an accepted external suppression
//! carrying the waiver's justification and expiry. Each run has its own category
//! (`automationDetails.id`: `stackproof/live/<stack>/`, `stackproof/static/<stack>/`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use serde_sarif::sarif::{
    Artifact, ArtifactLocation, ArtifactRoles, Invocation, Location, LogicalLocation, Message,
    MultiformatMessageString, Notification, NotificationLevel, PhysicalLocation, PropertyBag, Region,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultColumnKind, ResultKind, ResultLevel,
    Run as SarifRun, RunAutomationDetails, Sarif, Suppression, SupressionKind, SupressionStatus, Tool, ToolComponent,
    Version,
};

use super::evidence::{CheckEvidence, Evidence, FindingEvidence};
use super::write_atomically;
use crate::Error;
use crate::check::{Severity, Status};

/// The schema the document declares (the OASIS errata 01 schema, vendored by the tests), not
/// serde-sarif's `SCHEMA_URL` (a SchemaStore mirror).
pub const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// One SARIF run: one stack's checks, live or static.
#[derive(Debug, Clone)]
pub struct Run<'a> {
    /// `live` or `static`.
    pub mode: &'a str,
    pub stack: &'a str,
    pub checks: &'a [CheckEvidence],
    /// The stack source, where findings that carry no location are placed.
    pub source_file: Option<&'a str>,
    pub started_at: &'a str,
    pub finished_at: &'a str,
    /// Why nothing (or not everything) could be judged, when the run stopped early.
    pub setup_error: Option<&'a str>,
    pub interrupted: Option<&'a str>,
    /// Where a reader finds the evidence (the CI run, or the HTML report's name).
    pub evidence_link: Option<&'a str>,
    /// Facts about the run, for the run's property bag.
    pub properties: Value,
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

/// GitHub's `security-severity` scale (critical 9.0+, high 7.0-8.9, medium 4.0-6.9, low below).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// serde-sarif types most of the schema's enumerated strings (all but a result's `kind` and
/// `level`) as JSON values; its enums give the spelling.
fn named(value: impl std::fmt::Display) -> Value {
    Value::String(value.to_string())
}

/// A property bag: optional tags, then the members of `members` (a JSON object; anything else a
/// caller passes is kept whole under `value` rather than dropped).
fn bag(tags: Option<Vec<String>>, members: Value) -> PropertyBag {
    let additional_properties = match members {
        Value::Object(map) => map.into_iter().collect(),
        Value::Null => BTreeMap::new(),
        other => BTreeMap::from([("value".to_owned(), other)]),
    };
    PropertyBag { tags, additional_properties }
}

fn rule(c: &CheckEvidence) -> ReportingDescriptor {
    let citations = c.citations.join(", ");
    let text = format!(
        "{}\n\nRemediation: {}\n\nRisk: {}\n\nHIPAA Security Rule: {citations}\nSeverity: {}",
        c.title, c.remediation, c.risk, c.severity
    );
    let markdown = format!(
        "**{}**\n\n**Remediation:** {}\n\n**Risk:** {}\n\n**HIPAA Security Rule:** {citations}\n\n**Severity:** {}",
        c.title, c.remediation, c.risk, c.severity
    );
    let mut tags = vec!["security".to_owned(), "compliance".to_owned(), "hipaa".to_owned(), c.service.to_owned()];
    tags.extend(c.citations.iter().map(|s| (*s).to_owned()));
    ReportingDescriptor::builder()
        .id(c.id)
        .name(c.id)
        .short_description(MultiformatMessageString::builder().text(c.title).build())
        .full_description(MultiformatMessageString::builder().text(c.risk).build())
        .help(MultiformatMessageString::builder().text(text).markdown(markdown).build())
        .default_configuration(ReportingConfiguration::builder().level(named(level(c.severity))).build())
        .properties(bag(
            Some(tags),
            json!({
                "security-severity": security_severity(c.severity),
                "problem.severity": named(level(c.severity)),
                "precision": "very-high",
                "severity": c.severity,
                "service": c.service,
                "citations": c.citations,
                "remediation": c.remediation,
            }),
        ))
        .build()
}

/// FNV-1a, 64 bits: a stable fingerprint of a result (not a security measure).
fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn location(f: &FindingEvidence, fallback: Option<&str>) -> Option<Location> {
    let (file, line) = match &f.source {
        Some(s) => (s.file.as_str(), s.line),
        None => (fallback?, None),
    };
    let physical = PhysicalLocation {
        artifact_location: Some(ArtifactLocation::builder().uri(file).build()),
        region: line.map(|line| Region::builder().start_line(i64::from(line)).build()),
        ..PhysicalLocation::default()
    };
    let ids = f.source.as_ref().map(|s| s.logical_ids.as_slice()).unwrap_or_default();
    let logical: Vec<LogicalLocation> = ids
        .iter()
        .map(|id| {
            LogicalLocation::builder().name(id).fully_qualified_name(format!("{file}#{id}")).kind("resource").build()
        })
        .collect();
    Some(Location {
        physical_location: Some(physical),
        logical_locations: (!logical.is_empty()).then_some(logical),
        ..Location::default()
    })
}

fn result(c: &CheckEvidence, rule_index: usize, f: &FindingEvidence, run: &Run) -> SarifResult {
    let failed = f.status == Status::Fail;
    let named_resource = match &f.label {
        Some(label) => format!("{} ({label})", f.resource),
        None => f.resource.clone(),
    };
    let what = match &f.reason {
        Some(reason) if !failed => format!("{} could not be checked: {reason}", f.property),
        _ => format!("{} expected {}, saw {}", f.property, f.expected, f.actual),
    };
    let text = if failed {
        format!("{named_resource}: {what}. {} Remediation: {}", c.title, c.remediation)
    } else {
        format!("{named_resource}: {what}. Not judged, so not evidence of compliance: {}", c.title)
    };
    let anchor = f.source.as_ref().and_then(|s| s.logical_ids.first()).map_or(f.resource.as_str(), String::as_str);
    let suppressions = match (&c.waiver, c.outcome) {
        (Some(w), Status::Waived) => Some(vec![
            Suppression::builder()
                .kind(named(SupressionKind::External))
                .status(named(SupressionStatus::Accepted))
                .justification(format!("waived until {}: {}", w.expires, w.justification))
                .build(),
        ]),
        _ => None,
    };
    SarifResult {
        rule_id: Some(c.id.to_owned()),
        rule_index: i64::try_from(rule_index).ok(),
        kind: Some(if failed { ResultKind::Fail } else { ResultKind::Open }),
        level: Some(if failed { level(c.severity) } else { ResultLevel::None }),
        locations: location(f, run.source_file).map(|loc| vec![loc]),
        partial_fingerprints: Some(BTreeMap::from([(
            "stackproofFinding/v1".to_owned(),
            fingerprint(&[run.mode, run.stack, c.id, anchor, &f.property]),
        )])),
        suppressions,
        properties: Some(bag(
            None,
            json!({
                "status": f.status,
                "resource": f.resource,
                "arn": f.arn,
                "logicalIds": f.source.as_ref().map(|s| s.logical_ids.clone()).unwrap_or_default(),
                "output": f.source.as_ref().and_then(|s| s.output.clone()),
                "property": f.property,
                "expected": f.expected,
                "actual": f.actual,
                "reason": f.reason,
                "citations": c.citations,
                "evidence": run.evidence_link.map(|link| format!("{link}, check {}", c.id)),
            }),
        )),
        ..SarifResult::builder().message(Message::builder().text(text).build()).build()
    }
}

fn notification(level: NotificationLevel, text: String) -> Notification {
    Notification::builder().level(named(level)).message(Message::builder().text(text).build()).build()
}

fn sarif_run(run: &Run) -> SarifRun {
    let mut rules = Vec::new();
    let mut results = Vec::new();
    for c in run.checks {
        let index = rules.len();
        rules.push(rule(c));
        for f in c.findings.iter().filter(|f| matches!(f.status, Status::Fail | Status::Error)) {
            results.push(result(c, index, f, run));
        }
    }
    let errors = run.checks.iter().filter(|c| c.outcome == Status::Error).count();
    let skipped = run.checks.iter().filter(|c| c.outcome == Status::Skip).count();
    let total = run.checks.len();
    let mut notifications = Vec::new();
    if let Some(signal) = run.interrupted {
        notifications.push(notification(
            NotificationLevel::Error,
            format!("interrupted by {signal}: not every check could look"),
        ));
    }
    if let Some(setup) = run.setup_error {
        notifications
            .push(notification(NotificationLevel::Error, format!("the run stopped before the checks: {setup}")));
    }
    if errors > 0 {
        notifications.push(notification(
            NotificationLevel::Error,
            format!("{errors} of {total} checks could not look (errors): they are not evidence of compliance"),
        ));
    }
    if skipped > 0 {
        notifications.push(notification(
            NotificationLevel::Warning,
            format!("{skipped} of {total} checks could not be judged on this target (skipped)"),
        ));
    }
    let invocation = Invocation {
        start_time_utc: Some(run.started_at.to_owned()),
        end_time_utc: Some(run.finished_at.to_owned()),
        tool_execution_notifications: (!notifications.is_empty()).then_some(notifications),
        ..Invocation::builder()
            .execution_successful(run.setup_error.is_none() && run.interrupted.is_none() && errors == 0)
            .build()
    };
    let driver = ToolComponent::builder()
        .name("stackproof")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    SarifRun {
        automation_details: Some(
            RunAutomationDetails::builder().id(format!("stackproof/{}/{}/", run.mode, run.stack)).build(),
        ),
        invocations: Some(vec![invocation]),
        column_kind: Some(named(ResultColumnKind::UnicodeCodePoints)),
        // Always present, empty or not: a reader tells "nothing found" from "not reported".
        results: Some(results),
        properties: Some(bag(None, run.properties.clone())),
        artifacts: run.source_file.map(|file| {
            vec![Artifact {
                location: Some(ArtifactLocation::builder().uri(file).build()),
                roles: Some(vec![named(ArtifactRoles::AnalysisTarget)]),
                ..Artifact::default()
            }]
        }),
        ..SarifRun::builder().tool(Tool::builder().driver(driver).build()).build()
    }
}

/// The SARIF log of `runs`.
pub fn render(runs: &[Run]) -> serde_json::Result<String> {
    let log = Sarif::builder()
        .schema(SCHEMA)
        .version(named(Version::V2_1_0))
        .runs(runs.iter().map(sarif_run).collect::<Vec<_>>())
        .build();
    let mut text = serde_json::to_string_pretty(&log)?;
    text.push('\n');
    Ok(text)
}

/// The live run's SARIF log: one run, this stack's checks.
pub fn render_live(doc: &Evidence) -> serde_json::Result<String> {
    let s = &doc.summary;
    let run = Run {
        mode: "live",
        stack: &doc.run.stack,
        checks: &doc.checks,
        source_file: doc.run.source_file.as_deref(),
        started_at: &doc.run.started_at,
        finished_at: &doc.run.finished_at,
        setup_error: doc.run.setup_error.as_deref(),
        interrupted: doc.run.interrupted.as_deref(),
        evidence_link: Some(&doc.run.evidence_link),
        properties: json!({
            "stack": doc.run.stack,
            "stackVersion": doc.run.stack_version,
            "stackName": doc.run.stack_name,
            "suffix": doc.run.suffix,
            "target": doc.run.target,
            "accountId": doc.run.account_id,
            "verdict": s.verdict,
            "counts": { "total": s.total, "passed": s.passed, "failed": s.failed, "errors": s.errors, "skipped": s.skipped, "waived": s.waived },
            "evidence": doc.run.evidence_link,
        }),
    };
    render(&[run])
}

pub fn write_live(path: &Path, doc: &Evidence) -> Result<usize, Error> {
    let text = render_live(doc).map_err(|e| Error::Report { path: path.to_owned(), source: e.into() })?;
    write_atomically(path, text.as_bytes())?;
    Ok(text.len())
}

pub fn write(path: &Path, runs: &[Run]) -> Result<usize, Error> {
    let text = render(runs).map_err(|e| Error::Report { path: path.to_owned(), source: e.into() })?;
    write_atomically(path, text.as_bytes())?;
    Ok(text.len())
}

#[cfg(test)]
mod tests {
    use super::super::{Format, evidence, fixture};
    use super::*;

    fn doc() -> Value {
        let d = evidence::build(&fixture::run(), &fixture::records(), &fixture::paths(), &Format::ALL);
        serde_json::from_str(&render_live(&d).expect("SARIF")).expect("SARIF is JSON")
    }

    #[test]
    fn one_rule_per_check_and_one_result_per_failing_or_erroring_finding() {
        let d = doc();
        assert_eq!(d["version"], "2.1.0");
        let run = &d["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(ids, ["zeta_passes", "alpha_fails", "beta_errors", "gamma_skips"]);
        let help = rules[1]["help"]["text"].as_str().unwrap_or_default();
        assert!(
            help.contains("Remediation: Set EnableKeyRotation: true.") && help.contains("45 CFR 164.312(a)(2)(iv)"),
            "{help}"
        );
        assert_eq!(rules[1]["properties"]["security-severity"], "8.0");
        let results = run["results"].as_array().expect("results");
        assert_eq!(results.len(), 2, "one failing and one erroring finding: {results:?}");
        assert_eq!((results[0]["ruleId"].as_str(), results[0]["ruleIndex"].as_u64()), (Some("alpha_fails"), Some(1)));
        assert_eq!((results[0]["kind"].as_str(), results[0]["level"].as_str()), (Some("fail"), Some("error")));
        assert_eq!((results[1]["kind"].as_str(), results[1]["level"].as_str()), (Some("open"), Some("none")));
        assert_eq!(run["invocations"][0]["executionSuccessful"], false, "an error is no successful execution");
        assert_eq!(run["automationDetails"]["id"], "stackproof/live/hipaa/");
    }

    #[test]
    fn results_are_located_at_the_logical_id_or_at_least_the_file() {
        let d = doc();
        let results = d["runs"][0]["results"].as_array().cloned().unwrap_or_default();
        let located = &results[0]["locations"][0];
        assert_eq!(located["physicalLocation"]["artifactLocation"]["uri"], "stacks/hipaa/v1/template.yml");
        assert_eq!(located["physicalLocation"]["region"]["startLine"], 4);
        assert_eq!(located["logicalLocations"][0]["name"], "Db");
        let unlocated = &results[1]["locations"][0]["physicalLocation"];
        assert_eq!(unlocated["artifactLocation"]["uri"], "stacks/hipaa/v1/template.yml");
        assert!(unlocated.get("region").is_none(), "{unlocated}");
    }

    #[test]
    fn a_waived_failure_is_a_suppressed_result_and_secrets_stay_out() {
        let mut records = fixture::records();
        records[1].outcome.status = Status::Waived;
        records[1].waiver = Some(crate::report::Waiver {
            check: "alpha_fails".into(),
            resource: None,
            justification: "accepted by the CISO".into(),
            expires: "2099-01-01".into(),
        });
        let d = evidence::build(&fixture::run(), &records, &fixture::paths(), &Format::ALL);
        let text = render_live(&d).expect("SARIF");
        let v: Value = serde_json::from_str(&text).expect("json");
        let suppression = &v["runs"][0]["results"][0]["suppressions"][0];
        assert_eq!(suppression["status"], "accepted");
        assert!(suppression["justification"].as_str().is_some_and(|j| j.contains("CISO")));
        for canary in ["hunter2-canary", "pw-canary", "tok-canary", "env-canary"] {
            assert!(!text.contains(canary), "{canary} in the SARIF");
        }
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
    }
}
