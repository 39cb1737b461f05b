//! The check model. A check is a small function over a stack's facts that returns one finding
//! per resource it judged; its metadata (title, HIPAA citations, severity, risk, remediation) and
//! the breakage that proves it can fail sit beside it.

use serde::Serialize;

use crate::error::FactError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

/// Metadata of a check, independent of the facts type it runs on.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CheckInfo {
    /// Reads as the requirement: `kms_key_rotation_enabled`.
    pub id: &'static str,
    /// Service group within the stack's suite: `kms`, `network`, `logs`.
    pub service: &'static str,
    pub title: &'static str,
    /// HIPAA Security Rule paragraphs, e.g. `45 CFR 164.312(a)(2)(iv)`.
    pub citations: &'static [&'static str],
    pub severity: Severity,
    /// What goes wrong for patients' data if this fails.
    pub risk: &'static str,
    /// The template resource and property to fix.
    pub remediation: &'static str,
}

/// What a suite's checks read, and the kind of breakage that proves a check over it can fail: a
/// seeded deployment's mutant for live facts, a source mutation for a template or a synth. Live
/// and static breakages are distinct types, so a check cannot claim the wrong kind.
pub trait Facts: Send + Sync + 'static {
    type Mutant: Sync + 'static;
}

/// A property a check's title and risk text promise to judge, on every instance of the resource,
/// with the breakages that prove the check catches it: each must make this check fail, and no
/// other, with a finding naming the broken resource and this property.
pub struct Claim<M: 'static> {
    /// The property as the check's findings name it (`KeyRotationEnabled`).
    pub property: &'static str,
    /// What the check promises about it, in words.
    pub about: &'static str,
    /// The breakages of this claim; empty only when none can be made where the proofs run.
    pub mutants: &'static [&'static M],
    /// Why no breakage of this claim can be seeded on the emulator, when none can: the claim is
    /// still judged on AWS, and the proof lists it as unproven offline.
    pub not_emulated: Option<&'static str>,
}

/// What a report shows of a claim (its breakages stay with the proofs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClaimInfo {
    pub property: &'static str,
    pub about: &'static str,
    /// Why no breakage of it can be seeded on the emulator, when none can.
    pub not_emulated: Option<&'static str>,
}

pub struct Check<F: Facts> {
    pub info: CheckInfo,
    /// What the check promises to judge, each claim with the breakages that prove it does.
    pub claims: &'static [Claim<F::Mutant>],
    pub run: fn(&F) -> Vec<Finding>,
}

// Manual impls: a derive would demand `F: Clone`, but only references are held.
impl<F: Facts> Clone for Check<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: Facts> Copy for Check<F> {}

impl<F: Facts> Check<F> {
    /// What the check claims, for reports.
    pub fn claim_infos(&self) -> Vec<ClaimInfo> {
        self.claims
            .iter()
            .map(|c| ClaimInfo { property: c.property, about: c.about, not_emulated: c.not_emulated })
            .collect()
    }

    /// Every breakage the check claims, claim by claim.
    pub fn mutants(&self) -> impl Iterator<Item = &'static F::Mutant> + '_ {
        self.claims.iter().flat_map(|c| c.mutants.iter().copied())
    }

    pub fn evaluate(&self, facts: &F) -> Outcome {
        Outcome::new((self.run)(facts))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    /// A failure a waiver covers until it expires: never a pass, and never counted as one.
    Waived,
    Skip,
    Error,
    Fail,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Pass => "pass",
            Status::Waived => "waived",
            Status::Skip => "skip",
            Status::Error => "error",
            Status::Fail => "fail",
        })
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        })
    }
}

/// One judgement of one property of one resource.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub status: Status,
    /// Id or ARN of the resource judged.
    pub resource: String,
    /// The property judged, in the API's own name (`KeyRotationEnabled`).
    pub property: String,
    pub expected: String,
    pub actual: String,
    /// Why a finding is an error or a skip.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The slice of the API response the judgement was made on.
    pub evidence: serde_json::Value,
}

impl Finding {
    /// Pass if `ok`, else fail, recording what was expected and what was seen.
    pub fn judge(
        resource: impl Into<String>,
        property: impl Into<String>,
        ok: bool,
        expected: impl ToString,
        actual: impl ToString,
        evidence: &impl Serialize,
    ) -> Self {
        Self {
            status: if ok { Status::Pass } else { Status::Fail },
            resource: resource.into(),
            property: property.into(),
            expected: expected.to_string(),
            actual: actual.to_string(),
            reason: None,
            evidence: serde_json::to_value(evidence).unwrap_or(serde_json::Value::Null),
        }
    }

    /// The check could not look: an error, never a pass.
    pub fn error(resource: impl Into<String>, property: impl Into<String>, reason: impl ToString) -> Self {
        Self {
            status: Status::Error,
            resource: resource.into(),
            property: property.into(),
            expected: String::new(),
            actual: String::new(),
            reason: Some(reason.to_string()),
            evidence: serde_json::Value::Null,
        }
    }

    /// The property cannot be observed on this target (an emulator gap): neither pass nor fail.
    pub fn skip(resource: impl Into<String>, property: impl Into<String>, reason: impl ToString) -> Self {
        Self { status: Status::Skip, ..Self::error(resource, property, reason) }
    }

    /// A fact that could not be had: a resource the API says is gone fails (the stack claims it),
    /// anything else is an error.
    pub fn unavailable(resource: impl Into<String>, property: impl Into<String>, err: &FactError) -> Self {
        match err {
            FactError::Absent { what } => Self::judge(
                resource,
                property,
                false,
                "the resource exists",
                format!("absent ({what})"),
                &serde_json::Value::Null,
            ),
            other => Self::error(resource, property, other),
        }
    }

    /// One line naming the resource, the property, and what was expected and seen.
    pub fn message(&self) -> String {
        match self.status {
            Status::Pass | Status::Fail | Status::Waived => {
                format!("{}: {} expected {}, saw {}", self.resource, self.property, self.expected, self.actual)
            }
            Status::Error => format!(
                "{}: {} could not be checked: {}",
                self.resource,
                self.property,
                self.reason.as_deref().unwrap_or("unknown error")
            ),
            Status::Skip => {
                format!("{}: {} skipped: {}", self.resource, self.property, self.reason.as_deref().unwrap_or(""))
            }
        }
    }
}

/// How the reason of a finding skipped for a declared emulator gap begins.
pub const NOT_EMULATED: &str = "not emulated:";

/// All findings of one check, and the check's status: a failure anywhere fails it, else an error
/// anywhere makes it an error; it skips only if every finding skipped; a check that judged
/// nothing is an error, because looking at nothing is not evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub status: Status,
    pub findings: Vec<Finding>,
}

impl Outcome {
    pub fn new(findings: Vec<Finding>) -> Self {
        let mut findings = findings;
        if findings.is_empty() {
            findings.push(Finding::error("(none)", "(none)", "the check found no resource to judge"));
        }
        // Skips decide nothing unless nothing else was judged.
        let status = findings.iter().map(|f| f.status).filter(|s| *s != Status::Skip).max().unwrap_or(Status::Skip);
        Self { status, findings }
    }

    /// A pass some of whose properties this target could not show (skipped as not emulated): a
    /// pass of what could be judged, never of the rest, and every report says so.
    pub fn partly_not_emulated(&self) -> bool {
        self.status == Status::Pass && self.findings.iter().any(|f| f.status == Status::Skip)
    }

    /// A check the emulator could not show at all: skipped, every finding for a declared emulator
    /// gap. Such findings arise only on the emulator target (the checks gate them on it).
    pub fn not_emulated(&self) -> bool {
        self.status == Status::Skip
            && self.findings.iter().all(|f| f.reason.as_deref().is_some_and(|r| r.starts_with(NOT_EMULATED)))
    }

    /// The status the run's verdict counts: on the emulator, a check it cannot show at all keeps
    /// its skip in every report and count but does not make the run incomplete; anywhere else a
    /// skip is a check that judged nothing.
    pub fn status_for_verdict(&self, on_emulator: bool) -> Status {
        if on_emulator && self.not_emulated() { Status::Pass } else { self.status }
    }

    /// The findings that decided a non-passing status, one line each.
    pub fn summary(&self) -> String {
        let lines: Vec<String> =
            self.findings.iter().filter(|f| f.status == self.status).map(Finding::message).collect();
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(status: Status) -> Finding {
        Finding { status, ..Finding::error("r", "p", "x") }
    }

    #[test]
    fn status_of_a_check_is_its_worst_finding_and_nothing_judged_is_an_error() {
        assert_eq!(Outcome::new(vec![f(Status::Pass), f(Status::Pass)]).status, Status::Pass);
        assert_eq!(Outcome::new(vec![f(Status::Pass), f(Status::Skip)]).status, Status::Pass);
        assert_eq!(Outcome::new(vec![f(Status::Skip), f(Status::Skip)]).status, Status::Skip);
        assert_eq!(Outcome::new(vec![f(Status::Pass), f(Status::Error)]).status, Status::Error);
        assert_eq!(Outcome::new(vec![f(Status::Error), f(Status::Fail)]).status, Status::Fail);
        assert_eq!(Outcome::new(vec![]).status, Status::Error);
    }

    #[test]
    fn a_pass_with_skipped_properties_says_so() {
        assert!(Outcome::new(vec![f(Status::Pass), f(Status::Skip)]).partly_not_emulated());
        assert!(!Outcome::new(vec![f(Status::Pass), f(Status::Pass)]).partly_not_emulated());
        assert!(!Outcome::new(vec![f(Status::Skip)]).partly_not_emulated(), "all skipped is no pass at all");
        assert!(!Outcome::new(vec![f(Status::Fail), f(Status::Skip)]).partly_not_emulated());
        let gap = || Finding::skip("r", "P", "not emulated: moto keeps no such thing");
        let other = || Finding::skip("r", "P", "nothing to judge");
        assert!(Outcome::new(vec![gap(), gap()]).not_emulated());
        assert!(!Outcome::new(vec![gap(), other()]).not_emulated(), "a skip for another reason");
        assert!(!Outcome::new(vec![f(Status::Pass), gap()]).not_emulated(), "judged in part: a pass");
        assert_eq!(Outcome::new(vec![gap()]).status_for_verdict(true), Status::Pass);
        assert_eq!(Outcome::new(vec![gap()]).status_for_verdict(false), Status::Skip, "on AWS nothing is excused");
        assert_eq!(Outcome::new(vec![other()]).status_for_verdict(true), Status::Skip);
    }

    #[test]
    fn messages_name_resource_property_expected_and_actual() {
        let m = Finding::judge("key/1", "KeyRotationEnabled", false, true, false, &()).message();
        assert_eq!(m, "key/1: KeyRotationEnabled expected true, saw false");
    }

    #[test]
    fn absence_fails_and_other_fact_errors_are_errors() {
        let gone = Finding::unavailable("nat-1", "State", &FactError::Absent { what: "nat-1".into() });
        assert_eq!(gone.status, Status::Fail);
        let api =
            Finding::unavailable("nat-1", "State", &FactError::Api { operation: "X".into(), detail: "denied".into() });
        assert_eq!(api.status, Status::Error);
        assert!(api.message().contains("denied"));
    }
}
