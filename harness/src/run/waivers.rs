//! Waivers (`--waivers FILE`), as compliance tools keep them: a failing check accepted until a
//! date, with the reason and who accepted it. A waived failure is reported as waived, never as a
//! pass; an expired waiver no longer waives, and the run says so and fails. The file is checked
//! whole before any request: an unknown check id, a missing justification or expiry, or a
//! malformed file is one clear error.
//!
//! ```yaml
//! waivers:
//!   - check: kms_key_rotation_enabled
//!     resource: arn:aws:kms:...        # optional; all the check's resources when absent
//!     justification: "why, and who accepted it"
//!     expires: 2027-01-31
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::Error;
use crate::check::{CheckInfo, Status};
use crate::report::{Record, Waiver};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    waivers: Vec<Waiver>,
}

/// The waivers of a run, each with its last day.
#[derive(Debug, Clone, Default)]
pub struct Waivers(Vec<(Waiver, NaiveDate)>);

/// A waiver past its last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub check: String,
    pub expires: String,
}

impl Waivers {
    /// Reads and checks a waiver file against the suite's check ids.
    pub fn load(path: &Path, checks: &[CheckInfo]) -> Result<Self, Error> {
        let bad = |detail: String| Error::Waivers { path: path.to_owned(), detail };
        let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
        Self::parse(&text, checks).map_err(bad)
    }

    fn parse(text: &str, checks: &[CheckInfo]) -> Result<Self, String> {
        let file: File = serde_norway::from_str(text).map_err(|e| format!("is not a waiver file ({e})"))?;
        let mut out = Vec::new();
        for (i, w) in file.waivers.into_iter().enumerate() {
            let at = format!("waiver {} ({})", i + 1, w.check);
            if !checks.iter().any(|c| c.id == w.check) {
                return Err(format!("{at} names no check of this suite"));
            }
            if w.justification.trim().is_empty() {
                return Err(format!("{at} has no justification: say why, and who accepted it"));
            }
            let expires = NaiveDate::parse_from_str(w.expires.trim(), "%Y-%m-%d")
                .map_err(|_| format!("{at} expires on {:?}, which is not a date like 2027-01-31", w.expires))?;
            if w.resource.as_deref().is_some_and(|r| r.trim().is_empty()) {
                return Err(format!("{at} names an empty resource: leave it out to waive the whole check"));
            }
            out.push((w, expires));
        }
        Ok(Self(out))
    }

    /// Turns each failing record a live waiver covers into `waived`; returns the expired
    /// waivers that matched a check (they waive nothing, and fail the run).
    pub fn apply(&self, records: &mut [Record], today: NaiveDate) -> Vec<Expired> {
        let mut expired = Vec::new();
        for r in records.iter_mut().filter(|r| r.outcome.status == Status::Fail) {
            let failing: Vec<&str> =
                r.outcome.findings.iter().filter(|f| f.status == Status::Fail).map(|f| f.resource.as_str()).collect();
            // A waiver covers the check when it names no resource, or every failing resource.
            let covering = self.0.iter().filter(|(w, _)| {
                w.check == r.info.id && w.resource.as_deref().is_none_or(|res| failing.iter().all(|f| f.contains(res)))
            });
            let (live, dead): (Vec<_>, Vec<_>) = covering.partition(|(_, until)| today <= *until);
            match live.first() {
                Some((w, _)) => {
                    r.outcome.status = Status::Waived;
                    r.waiver = Some(w.clone());
                }
                None => expired
                    .extend(dead.iter().map(|(w, _)| Expired { check: w.check.clone(), expires: w.expires.clone() })),
            }
        }
        expired
    }

    /// Every waiver past its last day, whether or not its check still fails.
    pub fn expired(&self, today: NaiveDate) -> Vec<Expired> {
        self.0
            .iter()
            .filter(|(_, until)| today > *until)
            .map(|(w, _)| Expired { check: w.check.clone(), expires: w.expires.clone() })
            .collect()
    }
}

/// Today, UTC, as waivers count days.
pub fn today() -> NaiveDate {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).date_naive()
}

/// The waiver file the command line names, if any.
pub fn path(arg: Option<&PathBuf>) -> Option<&Path> {
    arg.map(PathBuf::as_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Finding, Outcome, Severity};

    const INFO: CheckInfo = CheckInfo {
        id: "kms_key_rotation_enabled",
        service: "kms",
        title: "t",
        citations: &["45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::High,
        risk: "r",
        remediation: "m",
    };

    fn failing(resource: &str) -> Record {
        Record {
            stack: "hipaa",
            info: INFO,
            claims: Vec::new(),
            waiver: None,
            outcome: Outcome::new(vec![Finding::judge(resource, "KeyRotationEnabled", false, true, false, &())]),
            duration: std::time::Duration::ZERO,
            started: std::time::SystemTime::UNIX_EPOCH,
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_live_waiver_waives_and_an_expired_one_does_not() {
        let w = Waivers::parse(
            "waivers:\n  - check: kms_key_rotation_enabled\n    justification: accepted by the CISO, ticket SEC-12\n    expires: 2027-01-31\n",
            &[INFO],
        )
        .unwrap();
        let mut records = vec![failing("key/1")];
        assert!(w.apply(&mut records, day("2027-01-31")).is_empty());
        assert_eq!(records[0].outcome.status, Status::Waived);
        assert!(records[0].waiver.is_some());
        let mut later = vec![failing("key/1")];
        let expired = w.apply(&mut later, day("2027-02-01"));
        assert_eq!(later[0].outcome.status, Status::Fail, "an expired waiver waives nothing");
        assert_eq!(expired, [Expired { check: "kms_key_rotation_enabled".into(), expires: "2027-01-31".into() }]);
        assert_eq!(w.expired(day("2027-02-01")).len(), 1);
    }

    #[test]
    fn a_waiver_for_one_resource_covers_only_it() {
        let w = Waivers::parse(
            "waivers:\n  - check: kms_key_rotation_enabled\n    resource: key/1\n    justification: j\n    expires: 2099-01-01\n",
            &[INFO],
        )
        .unwrap();
        let mut records = vec![failing("key/1"), failing("key/2")];
        w.apply(&mut records, day("2027-01-01"));
        assert_eq!((records[0].outcome.status, records[1].outcome.status), (Status::Waived, Status::Fail));
    }

    #[test]
    fn bad_waiver_files_are_one_clear_sentence() {
        let cases = [
            ("waivers:\n  - check: no_such_check\n    justification: j\n    expires: 2099-01-01\n", "names no check"),
            (
                "waivers:\n  - check: kms_key_rotation_enabled\n    justification: ''\n    expires: 2099-01-01\n",
                "no justification",
            ),
            (
                "waivers:\n  - check: kms_key_rotation_enabled\n    expires: 2099-01-01\n",
                "missing field `justification`",
            ),
            ("waivers:\n  - check: kms_key_rotation_enabled\n    justification: j\n", "missing field `expires`"),
            ("waivers:\n  - check: kms_key_rotation_enabled\n    justification: j\n    expires: soon\n", "not a date"),
            (
                "waivers:\n  - check: kms_key_rotation_enabled\n    justification: j\n    expires: 2099-01-01\n    until: x\n",
                "unknown field",
            ),
            ("waivers: [unclosed", "is not a waiver file"),
            ("- just a list\n", "is not a waiver file"),
        ];
        for (text, says) in cases {
            let err = Waivers::parse(text, &[INFO]).unwrap_err();
            assert!(err.contains(says), "{text:?}: {err}");
        }
    }
}
