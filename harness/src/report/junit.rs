//! JUnit XML through quick-junit: one testsuite per stack, one testcase per check, classname
//! `<stack>.<service>`, the HIPAA citations and judged resources as properties.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Record, write_atomically};
use crate::Error;
use crate::check::Status;

pub fn render(records: &[Record]) -> Result<String, quick_junit::SerializeError> {
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    let mut total = Duration::ZERO;
    for r in records {
        let status = match r.outcome.status {
            Status::Pass => TestCaseStatus::success(),
            Status::Skip => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(r.outcome.summary());
                s
            }
            Status::Fail | Status::Error => {
                let kind =
                    if r.outcome.status == Status::Fail { NonSuccessKind::Failure } else { NonSuccessKind::Error };
                let summary = r.outcome.summary();
                let mut s = TestCaseStatus::non_success(kind);
                s.set_message(summary.lines().next().unwrap_or_default().to_owned())
                    .set_type(if kind == NonSuccessKind::Failure { "fail" } else { "error" })
                    .set_description(format!("{summary}\nremediation: {}", r.info.remediation));
                s
            }
        };
        let mut case = TestCase::new(r.info.id, status);
        case.set_classname(format!("{}.{}", r.stack, r.info.service))
            .set_time(r.duration)
            .set_timestamp(chrono::DateTime::<chrono::Utc>::from(r.started).fixed_offset());
        case.add_property(Property::new("title", r.info.title));
        for citation in r.info.citations {
            case.add_property(Property::new("hipaa", *citation));
        }
        case.add_property(Property::new("severity", r.info.severity.to_string()));
        let mut resources: Vec<&str> = r.outcome.findings.iter().map(|f| f.resource.as_str()).collect();
        resources.dedup();
        case.add_property(Property::new("resources", resources.join(",")));
        let lines: Vec<String> = r.outcome.findings.iter().map(|f| format!("{}: {}", f.status, f.message())).collect();
        case.set_system_out(lines.join("\n"));
        total += r.duration;
        suites.entry(r.stack).or_insert_with(|| TestSuite::new(r.stack)).add_test_case(case);
    }
    let mut report = Report::new("stackproof");
    report.set_time(total);
    report.add_test_suites(suites.into_values());
    report.to_string()
}

pub fn write(path: &Path, records: &[Record]) -> Result<(), Error> {
    let xml = render(records)
        .map_err(|e| Error::Report { path: path.to_owned(), source: std::io::Error::other(e.to_string()) })?;
    write_atomically(path, xml.as_bytes())
}
