//! OCSF 1.5.0 events, one per finding (passes included), as a JSON array, the shape Prowler
//! writes its `.ocsf.json` in, for security data lakes (Amazon Security Lake, Splunk, ...).
//!
//! The class is Compliance Finding (`class_uid` 2003), chosen over Detection Finding (2004, what
//! Prowler emits for its checks): a stackproof finding is the result of evaluating one resource
//! against a requirement of a standard, which is exactly what Compliance Finding describes, and
//! its `compliance` object has a place for each part of it: the check as `control`, the HIPAA
//! paragraphs it cites as `requirements`, the standard, and a pass/fail/warning `status_id` of
//! the evaluation itself. Detection Finding describes a detected threat or activity and would
//! carry the outcome only in free text; a passing evaluation is no detection.
//!
//! Mapping: `compliance.status_id` is 1 Pass, 3 Fail (also for a waived failure), 2 Warning (the
//! check could not look, or could not be judged on this target); the finding's own `status_id`
//! is 1 New, or 3 Suppressed for a waived failure with the waiver in `status_detail`.
//! `resources[0].uid` is the resource's ARN (as judged, or built from its declared type), its
//! `name` the resource as judged, `labels` its logical ids and output. Account, stack, suffix
//! and where the stack's source declares the resource are under `unmapped`.

use std::path::Path;

use serde_json::{Value, json};

use super::evidence::{CheckEvidence, Evidence, FindingEvidence};
use super::write_atomically;
use crate::Error;
use crate::check::{Severity, Status};

pub const OCSF_VERSION: &str = "1.5.0";
pub const CLASS_UID: u64 = 2003;
const CATEGORY_UID: u64 = 2;
/// Activity 1, Create: `type_uid` = class_uid * 100 + activity_id.
const TYPE_UID: u64 = CLASS_UID * 100 + 1;
pub const STANDARD: &str = "HIPAA Security Rule (45 CFR Part 164, Subpart C)";

fn severity(s: Severity) -> (u64, &'static str) {
    match s {
        Severity::Critical => (5, "Critical"),
        Severity::High => (4, "High"),
        Severity::Medium => (3, "Medium"),
        Severity::Low => (2, "Low"),
    }
}

/// The evaluation's outcome, as `compliance.status_id`.
fn compliance_status(f: &FindingEvidence) -> (u64, &'static str) {
    match f.status {
        Status::Pass => (1, "Pass"),
        Status::Fail | Status::Waived => (3, "Fail"),
        Status::Error | Status::Skip => (2, "Warning"),
    }
}

/// Milliseconds since the epoch of an RFC 3339 time.
fn epoch_ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or(0, |t| t.timestamp_millis())
}

fn event(doc: &Evidence, c: &CheckEvidence, index: usize, f: &FindingEvidence) -> Value {
    let (severity_id, severity_name) = severity(c.severity);
    let (status_id, status_name) = compliance_status(f);
    let waived = c.outcome == Status::Waived && f.status == Status::Fail;
    let time = epoch_ms(&c.started_at);
    let region = f.source.as_ref().and_then(|s| s.region.clone()).or_else(|| doc.run.regions.first().cloned());
    let mut labels: Vec<String> = f.source.as_ref().map(|s| s.logical_ids.clone()).unwrap_or_default();
    if let Some(output) = f.source.as_ref().and_then(|s| s.output.as_ref()) {
        labels.push(format!("output:{output}"));
    }
    let mut resource = json!({
        "uid": f.arn.clone().unwrap_or_else(|| f.resource.clone()),
        "name": f.resource,
        "cloud_partition": "aws",
        "labels": labels,
        "data": { "property": f.property },
    });
    if let Some(kind) = f.source.as_ref().and_then(|s| s.kind.clone()) {
        resource["type"] = json!(kind);
    }
    if let Some(region) = &region {
        resource["region"] = json!(region);
    }
    let mut artifact = json!({ "expected": f.expected, "actual": f.actual, "api_operations": f.api_operations });
    if let Some(reason) = &f.reason {
        artifact["reason"] = json!(reason);
    }
    if !f.evidence.is_null() {
        artifact["api_reply"] = f.evidence.clone();
    }
    let mut e = json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": TYPE_UID,
        "type_name": "Compliance Finding: Create",
        "time": time,
        "time_dt": c.started_at,
        "severity_id": severity_id,
        "severity": severity_name,
        "status_id": if waived { 3 } else { 1 },
        "status": if waived { "Suppressed" } else { "New" },
        "message": f.message,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": "stackproof",
                "vendor_name": "stackproof",
                "version": doc.run.stackproof_version,
                "uid": "stackproof",
            },
            "event_code": c.id,
            "uid": format!("{}-{}-{}-{index}", doc.run.stack, doc.run.suffix, c.id),
            "labels": ["hipaa", c.service],
        },
        "finding_info": {
            "uid": format!("stackproof/{}/{}/{}/{index}", doc.run.stack, doc.run.suffix, c.id),
            "title": c.title,
            "desc": c.risk,
            "types": [STANDARD],
            "created_time": time,
            "created_time_dt": c.started_at,
        },
        "compliance": {
            "control": c.id,
            "desc": c.title,
            "requirements": c.citations,
            "standards": [STANDARD],
            "status_id": status_id,
            "status": status_name,
            "checks": [{
                "uid": c.id,
                "name": c.title,
                "severity": severity_name,
                "severity_id": severity_id,
                "standards": [STANDARD],
                "status": status_name,
                "status_id": status_id,
            }],
        },
        "remediation": { "desc": c.remediation },
        "resources": [resource],
        "evidences": [{ "name": f.property, "data": artifact }],
        "unmapped": {
            "stackproof": {
                "stack": doc.run.stack,
                "stack_version": doc.run.stack_version,
                "stack_name": doc.run.stack_name,
                "suffix": doc.run.suffix,
                "account_id": doc.run.account_id,
                "target": doc.run.target,
                "check_outcome": c.outcome,
                "finding_status": f.status,
                "source": f.source,
                "evidence": doc.run.evidence_link,
            },
        },
    });
    if waived && let Some(w) = &c.waiver {
        e["status_detail"] = json!(format!("waived until {}: {}", w.expires, w.justification));
    } else if let Some(reason) = &f.reason {
        e["status_detail"] = json!(reason);
    }
    e
}

/// Every finding of the run as one Compliance Finding event, in the checks' order.
pub fn events(doc: &Evidence) -> Vec<Value> {
    let mut out = Vec::new();
    for c in &doc.checks {
        for (i, f) in c.findings.iter().enumerate() {
            out.push(event(doc, c, i, f));
        }
    }
    out
}

pub fn render(doc: &Evidence) -> String {
    let mut text = serde_json::to_string_pretty(&events(doc)).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

pub fn write(path: &Path, doc: &Evidence) -> Result<usize, Error> {
    let text = render(doc);
    write_atomically(path, text.as_bytes())?;
    Ok(text.len())
}

#[cfg(test)]
mod tests {
    use super::super::{Format, evidence, fixture};
    use super::*;

    fn all() -> Vec<Value> {
        let d = evidence::build(&fixture::run(), &fixture::records(), &fixture::paths(), &Format::ALL);
        serde_json::from_str(&render(&d)).expect("a JSON array")
    }

    #[test]
    fn one_compliance_finding_per_finding_with_control_status_and_citations() {
        let events = all();
        assert_eq!(events.len(), 5, "every finding, passes included");
        let failing = events.iter().find(|e| e["compliance"]["status"] == "Fail").expect("a failing event");
        assert_eq!((failing["class_uid"].as_u64(), failing["type_uid"].as_u64()), (Some(2003), Some(200301)));
        assert_eq!(failing["compliance"]["control"], "alpha_fails");
        assert_eq!(failing["compliance"]["requirements"][0], "45 CFR 164.312(a)(2)(iv)");
        assert_eq!(failing["resources"][0]["name"], "db-2 <b>");
        assert_eq!(failing["resources"][0]["uid"], "arn:aws:rds:eu-central-1:123456789012:cluster:db-2 <b>");
        assert_eq!(failing["resources"][0]["labels"], json!(["Db", "output:DbId"]));
        assert_eq!(failing["time"].as_i64(), Some(1_800_000_000_000));
        let error = events.iter().find(|e| e["compliance"]["control"] == "beta_errors").expect("the error");
        assert_eq!(
            (error["compliance"]["status_id"].as_u64(), error["status_detail"].as_str()),
            (Some(2), Some("throttled | retry later"))
        );
    }

    #[test]
    fn evidence_slices_are_the_redacted_ones() {
        let d = evidence::build(&fixture::run(), &fixture::records(), &fixture::paths(), &Format::ALL);
        let text = render(&d);
        for canary in ["hunter2-canary", "pw-canary", "tok-canary", "env-canary"] {
            assert!(!text.contains(canary), "{canary} in the OCSF events");
        }
        assert!(text.contains("\"AuthTokenEnabled\": true"), "the slice is there, redacted");
    }
}
