//! JUnit XML through quick-junit: one testsuite per stack, one testcase per check, classname
//! `<stack>.<service>`. Each testcase carries its HIPAA citations, the resources it judged and
//! where its evidence is as properties; a failure's text gives each failing finding's resource,
//! property, expected and actual value; a skip gives its reason.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::evidence::ReportFiles;
use super::{Record, render_error, write_atomically};
use crate::Error;
use crate::check::Status;

/// The failing (or erroring) findings, one block each, then the remediation.
fn failure_text(r: &Record) -> String {
    let mut text = String::new();
    for f in r.outcome.findings.iter().filter(|f| f.status == r.outcome.status) {
        text.push_str(&format!("resource: {}\nproperty: {}\n", f.resource, f.property));
        match &f.reason {
            Some(reason) => text.push_str(&format!("reason: {reason}\n")),
            None => text.push_str(&format!("expected: {}\nactual: {}\n", f.expected, f.actual)),
        }
        text.push('\n');
    }
    text.push_str(&format!("remediation: {}", r.info.remediation));
    text
}

fn status(r: &Record) -> TestCaseStatus {
    match r.outcome.status {
        Status::Pass => TestCaseStatus::success(),
        Status::Skip => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(r.outcome.summary());
            s
        }
        Status::Waived => {
            let mut s = TestCaseStatus::skipped();
            let waiver =
                r.waiver.as_ref().map_or_else(String::new, |w| format!(" until {}: {}", w.expires, w.justification));
            s.set_message(format!("waived{waiver}; failing: {}", r.outcome.summary().replace('\n', "; ")));
            s
        }
        Status::Fail | Status::Error => {
            let (kind, kind_name) = if r.outcome.status == Status::Fail {
                (NonSuccessKind::Failure, "fail")
            } else {
                (NonSuccessKind::Error, "error")
            };
            let summary = r.outcome.summary();
            let mut s = TestCaseStatus::non_success(kind);
            s.set_message(summary.lines().next().unwrap_or_default().to_owned())
                .set_type(kind_name)
                .set_description(failure_text(r));
            s
        }
    }
}

/// `reports` names the evidence files written beside this one, for the `evidence` properties.
pub fn render(records: &[Record], reports: &ReportFiles) -> Result<String, quick_junit::SerializeError> {
    let mut suites: BTreeMap<&str, (TestSuite, SystemTime)> = BTreeMap::new();
    let mut total = Duration::ZERO;
    for r in records {
        let mut case = TestCase::new(r.info.id, status(r));
        case.set_classname(format!("{}.{}", r.stack, r.info.service))
            .set_time(r.duration)
            .set_timestamp(chrono::DateTime::<chrono::Utc>::from(r.started).fixed_offset());
        case.add_property(Property::new("title", r.info.title));
        for citation in r.info.citations {
            case.add_property(Property::new("citation", *citation));
        }
        case.add_property(Property::new("severity", r.info.severity.to_string()));
        let mut resources: Vec<&str> = Vec::new();
        for f in &r.outcome.findings {
            if !resources.contains(&f.resource.as_str()) {
                resources.push(&f.resource);
            }
        }
        for resource in resources {
            case.add_property(Property::new("resource", resource));
        }
        // The HTML anchor of this check when there is an HTML report, else the JSON bundle.
        if let Some(html) = &reports.html {
            case.add_property(Property::new("evidence", format!("{html}#check-{}", r.info.id)));
        } else if let Some(json) = &reports.json {
            case.add_property(Property::new("evidence", json.as_str()));
        }
        let lines: Vec<String> = r.outcome.findings.iter().map(|f| format!("{}: {}", f.status, f.message())).collect();
        case.set_system_out(lines.join("\n"));
        total += r.duration;
        let (suite, first) = suites.entry(r.stack).or_insert_with(|| {
            let mut suite = TestSuite::new(r.stack);
            for (name, file) in [("evidence-json", &reports.json), ("evidence-html", &reports.html)] {
                if let Some(file) = file {
                    suite.add_property(Property::new(name, file.as_str()));
                }
            }
            (suite, r.started)
        });
        *first = (*first).min(r.started);
        suite.add_test_case(case);
    }
    let mut report = Report::new("stackproof");
    report.set_time(total);
    report.add_test_suites(suites.into_values().map(|(mut suite, first)| {
        suite.set_timestamp(chrono::DateTime::<chrono::Utc>::from(first).fixed_offset());
        suite
    }));
    report.to_string()
}

pub fn write(path: &Path, records: &[Record], reports: &ReportFiles) -> Result<usize, Error> {
    let xml = render(records, reports).map_err(|e| render_error(path, e))?;
    write_atomically(path, xml.as_bytes())?;
    Ok(xml.len())
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn xml() -> String {
        let reports = ReportFiles {
            html: Some("reports/evidence-pr1.html".into()),
            json: Some("reports/evidence-pr1.json".into()),
            ..ReportFiles::default()
        };
        render(&fixture::records(), &reports).expect("renders")
    }

    #[test]
    fn one_suite_per_stack_with_counts_and_classnames() {
        let x = xml();
        assert_eq!(x.matches("<testsuite ").count(), 1);
        assert!(x.contains("name=\"hipaa\" tests=\"4\" skipped=\"1\" errors=\"1\" failures=\"1\""), "{x}");
        assert!(x.contains("classname=\"hipaa.rds\""));
        assert!(x.contains("<property name=\"evidence-json\" value=\"reports/evidence-pr1.json\"/>"), "{x}");
        assert!(x.contains("<property name=\"evidence\" value=\"reports/evidence-pr1.html#check-alpha_fails\"/>"));
    }

    #[test]
    fn failures_give_expected_and_actual_and_skips_their_reason() {
        let x = xml();
        assert!(
            x.contains("resource: db-2 &lt;b&gt;\nproperty: StorageEncrypted\nexpected: true\nactual: false"),
            "{x}"
        );
        assert!(x.contains("<property name=\"resource\" value=\"db-2 &lt;b&gt;\"/>"));
        assert!(x.contains("<property name=\"citation\" value=\"45 CFR 164.312(a)(2)(iv)\"/>"));
        assert!(x.contains("<skipped message=\"svc: RunningCount skipped: not emulated: runningCount\""), "{x}");
        assert!(x.contains("reason: throttled | retry later"));
    }
}
