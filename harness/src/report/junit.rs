//! JUnit XML that the two published schemas CI servers read it by both accept: the Jenkins
//! xunit-plugin's `junit-10.xsd` and windyroad's `JUnit.xsd` (Apache Ant's format). Where they
//! differ, the document takes the shape both allow:
//!
//! - `<testsuites>` carries no attributes (windyroad allows none; Jenkins has no `skipped` there);
//! - each `<testsuite>` (one per stack, or per static suite) has `name`, `package`, `id`,
//!   `timestamp` (UTC, `YYYY-MM-DDTHH:MM:SS`, no zone), `hostname`, `tests`, `failures`, `errors`,
//!   `skipped` and `time`, then in this order `<properties>`, the testcases, `<system-out>` and
//!   `<system-err>` (windyroad requires all four, in that order);
//! - a `<testcase>` has only `name`, `classname` (`<stack>.<service>`) and `time`, and at most one
//!   child: `<failure>` or `<error>` (with `message` and `type`) or `<skipped>` (with `message`
//!   only). No properties, timestamps or output per testcase: windyroad allows none.
//!
//! What used to ride on testcase properties stays readable in the file: a failure's or error's
//! text names each failing resource, where the stack's source declares it, the property, expected
//! and actual value (or why it could not be checked), the check's citations, remediation and
//! evidence link; the suite's `<system-out>` gives every check (passes included) its title,
//! severity, citations, resources and evidence link.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::evidence::{CheckEvidence, FindingEvidence, ReportFiles, RunMeta};
use super::write_atomically;
use crate::Error;
use crate::check::Status;

/// What a JUnit file says about the run around its checks.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// JUnit's `hostname`: the machine the run ran on.
    pub hostname: String,
    /// The HTML evidence report's file name (beside this file), for each check's evidence link.
    pub evidence_html: Option<String>,
    /// The JSON evidence bundle's file name, the link when there is no HTML report.
    pub evidence_json: Option<String>,
    /// The CI run's page, when the run was a CI job.
    pub ci_run_url: Option<String>,
    /// The stack source the findings are located in.
    pub source_file: Option<String>,
}

impl Context {
    pub fn of_run(run: &RunMeta) -> Self {
        Self {
            hostname: run.hostname.clone(),
            evidence_html: ReportFiles::name_of(&run.reports.html),
            evidence_json: ReportFiles::name_of(&run.reports.json),
            ci_run_url: run.ci_run_url.clone(),
            source_file: run.source_file.clone(),
        }
    }

    /// Where a check's evidence is: the HTML report's anchor, else the JSON bundle.
    fn evidence(&self, id: &str) -> Option<String> {
        match (&self.evidence_html, &self.evidence_json) {
            (Some(html), _) => Some(format!("{html}#check-{id}")),
            (None, Some(json)) => Some(json.clone()),
            (None, None) => None,
        }
    }
}

/// Text XML 1.0 can carry: quick-xml escapes markup only, so the control characters XML has no
/// way to write (other than tab and line breaks) are spelled out as `\u{..}` here.
fn xml_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// An attribute value: one line (a line break in an attribute is read back as a space anyway).
fn attr(text: &str) -> String {
    xml_chars(&text.replace("\r\n", "; ").replace(['\n', '\r'], "; "))
}

/// Seconds with at most three decimals, as both schemas read `time` (`xs:decimal`, and
/// Jenkins' SUREFIRE_TIME pattern).
fn seconds(ms: f64) -> String {
    format!("{:.3}", (ms.max(0.0)) / 1000.0)
}

/// `2027-01-15T08:00:00.000Z` as windyroad's ISO8601_DATETIME_PATTERN wants it: no fraction, no
/// zone (the time is UTC).
fn timestamp(rfc3339: &str) -> String {
    rfc3339.get(..19).unwrap_or("1970-01-01T00:00:00").to_owned()
}

fn resource_line(f: &FindingEvidence) -> String {
    let mut line = f.resource.clone();
    if let Some(label) = &f.label {
        let _ = write!(line, " ({label})");
    }
    if let Some(source) = &f.source {
        match source.line {
            Some(n) => {
                let _ = write!(line, " at {}:{n}", source.file);
            }
            None => {
                let _ = write!(line, " in {} (not located)", source.file);
            }
        }
    }
    line
}

/// The findings that make a check what it is (the failing ones of a failure or a waived
/// failure, the erroring ones of an error, the skipped ones of a skip).
fn deciding(c: &CheckEvidence) -> impl Iterator<Item = &FindingEvidence> {
    let status = if c.outcome == Status::Waived { Status::Fail } else { c.outcome };
    c.findings.iter().filter(move |f| f.status == status)
}

/// A failure's, error's or skip's text: each deciding finding, then the check's citations,
/// remediation and evidence.
fn detail(c: &CheckEvidence, ctx: &Context) -> String {
    let mut text = String::new();
    for f in deciding(c) {
        let _ = writeln!(text, "resource: {}", resource_line(f));
        let _ = writeln!(text, "property: {}", f.property);
        match &f.reason {
            Some(reason) => {
                let _ = writeln!(text, "reason: {reason}");
            }
            None => {
                let _ = writeln!(text, "expected: {}\nactual: {}", f.expected, f.actual);
            }
        }
        text.push('\n');
    }
    if let Some(w) = &c.waiver {
        let _ = writeln!(text, "waived until {}: {}", w.expires, w.justification);
    }
    let _ = writeln!(text, "title: {}", c.title);
    let _ = writeln!(text, "severity: {}", c.severity);
    let _ = writeln!(text, "citations: {}", c.citations.join(", "));
    let _ = write!(text, "remediation: {}", c.remediation);
    if let Some(evidence) = ctx.evidence(c.id) {
        let _ = write!(text, "\nevidence: {evidence}");
    }
    if let Some(url) = &ctx.ci_run_url {
        let _ = write!(text, "\nci run: {url}");
    }
    text
}

/// One check's block in the suite's `<system-out>`.
fn summary_block(c: &CheckEvidence, ctx: &Context) -> String {
    let mut text = format!("{} [{}.{}] {}: {}\n", c.id, c.stack, c.service, c.outcome, c.title);
    let _ = writeln!(text, "  severity: {}", c.severity);
    let _ = writeln!(text, "  citations: {}", c.citations.join(", "));
    let mut resources: Vec<String> = Vec::new();
    for f in &c.findings {
        let line = resource_line(f);
        if !resources.contains(&line) {
            resources.push(line);
        }
    }
    for r in &resources {
        let _ = writeln!(text, "  resource: {r}");
    }
    let _ = writeln!(text, "  remediation: {}", c.remediation);
    if let Some(evidence) = ctx.evidence(c.id) {
        let _ = writeln!(text, "  evidence: {evidence}");
    }
    for f in &c.findings {
        let _ = writeln!(text, "  {}: {}", f.status, f.message);
    }
    text
}

fn testcase(c: &CheckEvidence, ctx: &Context, w: &mut Writer<Vec<u8>>) -> io::Result<()> {
    let classname = attr(&format!("{}.{}", c.stack, c.service));
    let time = seconds(c.duration_ms);
    let case = w.create_element("testcase").with_attributes([
        ("name", attr(c.id).as_str()),
        ("classname", classname.as_str()),
        ("time", time.as_str()),
    ]);
    let first = || deciding(c).next().map(|f| f.message.clone()).unwrap_or_default();
    let text = || xml_chars(&detail(c, ctx));
    match c.outcome {
        Status::Pass => {
            case.write_empty()?;
        }
        Status::Fail | Status::Error => {
            let tag = if c.outcome == Status::Fail { "failure" } else { "error" };
            let count = deciding(c).count();
            let more = if count > 1 { format!(" (and {} more)", count - 1) } else { String::new() };
            let message = attr(&format!("{}{more}", first()));
            let kind = c.outcome.to_string();
            case.write_inner_content(|w| {
                w.create_element(tag)
                    .with_attributes([("message", message.as_str()), ("type", kind.as_str())])
                    .write_text_content(BytesText::new(&text()))?;
                Ok(())
            })?;
        }
        Status::Skip | Status::Waived => {
            let message = match (&c.waiver, c.outcome) {
                (Some(w), Status::Waived) => {
                    format!("waived until {}: {}; failing: {}", w.expires, w.justification, first())
                }
                _ => first(),
            };
            case.write_inner_content(|w| {
                w.create_element("skipped")
                    .with_attribute(("message", attr(&message).as_str()))
                    .write_text_content(BytesText::new(&text()))?;
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// One `<testsuite>`: one stack's (or static suite's) checks, in the order windyroad requires.
fn testsuite(
    index: usize,
    name: &str,
    cases: &[&CheckEvidence],
    ctx: &Context,
    w: &mut Writer<Vec<u8>>,
) -> io::Result<()> {
    let count = |s: &[Status]| cases.iter().filter(|c| s.contains(&c.outcome)).count().to_string();
    let time: f64 = cases.iter().map(|c| c.duration_ms).sum();
    let first = cases.iter().map(|c| c.started_at.as_str()).min().unwrap_or("");
    let hostname = if ctx.hostname.trim().is_empty() { "localhost" } else { ctx.hostname.trim() };
    let (name, index, tests) = (attr(name), index.to_string(), cases.len().to_string());
    let (failures, errors, skipped) =
        (count(&[Status::Fail]), count(&[Status::Error]), count(&[Status::Skip, Status::Waived]));
    let (time, timestamp, hostname) = (seconds(time), timestamp(first), attr(hostname));
    let attributes = [
        ("name", name.as_str()),
        ("package", name.as_str()),
        ("id", index.as_str()),
        ("tests", tests.as_str()),
        ("failures", failures.as_str()),
        ("errors", errors.as_str()),
        ("skipped", skipped.as_str()),
        ("time", time.as_str()),
        ("timestamp", timestamp.as_str()),
        ("hostname", hostname.as_str()),
    ];
    let properties = [
        ("evidence-html", ctx.evidence_html.as_deref()),
        ("evidence-json", ctx.evidence_json.as_deref()),
        ("ci-run", ctx.ci_run_url.as_deref()),
        ("source", ctx.source_file.as_deref()),
    ];
    w.create_element("testsuite").with_attributes(attributes).write_inner_content(|w| {
        w.create_element("properties").write_inner_content(|w| {
            for (key, value) in properties {
                if let Some(value) = value {
                    w.create_element("property")
                        .with_attributes([("name", key), ("value", attr(value).as_str())])
                        .write_empty()?;
                }
            }
            Ok(())
        })?;
        for c in cases {
            testcase(c, ctx, w)?;
        }
        let blocks: Vec<String> = cases.iter().map(|c| summary_block(c, ctx)).collect();
        w.create_element("system-out").write_text_content(BytesText::new(&xml_chars(&blocks.join("\n"))))?;
        w.create_element("system-err").write_text_content(BytesText::new(""))?;
        Ok(())
    })?;
    Ok(())
}

/// The JUnit document for `checks`: one testsuite per stack (or static suite), in first-seen order.
pub fn render(checks: &[CheckEvidence], ctx: &Context) -> io::Result<String> {
    let mut order: Vec<&str> = Vec::new();
    let mut suites: BTreeMap<&str, Vec<&CheckEvidence>> = BTreeMap::new();
    for c in checks {
        if !order.contains(&c.stack) {
            order.push(c.stack);
        }
        suites.entry(c.stack).or_default().push(c);
    }
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    // No attributes on <testsuites>: windyroad's JUnit.xsd allows none.
    w.create_element("testsuites").write_inner_content(|w| {
        for (index, name) in order.iter().enumerate() {
            testsuite(index, name, suites.get(name).map_or(&[][..], Vec::as_slice), ctx, w)?;
        }
        Ok(())
    })?;
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

pub fn write(path: &Path, checks: &[CheckEvidence], ctx: &Context) -> Result<usize, Error> {
    let xml = render(checks, ctx).map_err(|source| Error::Report { path: path.to_owned(), source })?;
    write_atomically(path, xml.as_bytes())?;
    Ok(xml.len())
}

#[cfg(test)]
mod tests {
    use super::super::{Format, evidence, fixture};
    use super::*;

    fn xml() -> String {
        let doc = evidence::build(&fixture::run(), &fixture::records(), &fixture::paths(), &Format::ALL);
        render(&doc.checks, &Context::of_run(&doc.run)).expect("an in-memory JUnit document")
    }

    #[test]
    fn one_suite_per_stack_with_counts_and_classnames() {
        let x = xml();
        assert_eq!(x.matches("<testsuite ").count(), 1);
        assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"), "{x}");
        assert!(
            x.contains(
                "name=\"hipaa\" package=\"hipaa\" id=\"0\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\""
            ),
            "{x}"
        );
        assert!(x.contains("timestamp=\"2027-01-15T08:00:00\" hostname=\"ci-runner-1\""), "{x}");
        assert!(x.contains("classname=\"hipaa.rds\""));
        assert!(x.contains("<property name=\"evidence-json\" value=\"evidence-pr1.json\"/>"), "{x}");
        let suite_out = x.split("<system-out>").nth(1).unwrap_or_default();
        assert!(suite_out.contains("zeta_passes [hipaa.kms] pass"), "passes are described too: {suite_out}");
        assert!(suite_out.contains("evidence: evidence-pr1.html#check-alpha_fails"), "{suite_out}");
    }

    #[test]
    fn testcases_carry_only_what_both_schemas_allow() {
        let x = xml();
        for case in x.split("<testcase ").skip(1) {
            let open = case.split('>').next().unwrap_or_default();
            assert!(!open.contains("timestamp=") && !open.contains("group="), "{open}");
            let body = case.split("</testcase>").next().unwrap_or_default();
            assert!(!body.contains("<properties>") && !body.contains("<system-out>"), "{body}");
            assert!(
                body.matches("<failure ").count() + body.matches("<error ").count() + body.matches("<skipped ").count()
                    <= 1
            );
        }
        assert!(!x.contains("<testsuites "), "no attributes on testsuites");
        assert!(x.contains("<skipped message=\"svc: RunningCount skipped: not emulated: runningCount\">"), "{x}");
    }

    #[test]
    fn failures_give_where_expected_and_actual_and_the_remediation() {
        let x = xml();
        assert!(
            x.contains("resource: db-2 &lt;b&gt; (Db (output DbId)) at stacks/hipaa/v1/template.yml:4\nproperty: StorageEncrypted\nexpected: true\nactual: false"),
            "{x}"
        );
        assert!(x.contains("citations: 45 CFR 164.312(a)(2)(iv), 45 CFR 164.312(e)(2)(ii)"));
        assert!(x.contains("remediation: Set EnableKeyRotation: true."));
        assert!(x.contains("reason: throttled | retry later"));
        assert!(
            x.contains("<error message=\"svc: Tasks could not be checked: throttled | retry later\" type=\"error\">"),
            "{x}"
        );
    }

    #[test]
    fn characters_xml_cannot_carry_are_written_out() {
        assert_eq!(xml_chars("a\u{1}b\u{ffff}<&>\t\n"), "a\\u{1}b\\u{ffff}<&>\t\n");
        assert_eq!(attr("one\ntwo"), "one; two");
        assert_eq!(seconds(1500.4), "1.500");
        assert_eq!(timestamp("2027-01-15T08:00:00.123Z"), "2027-01-15T08:00:00");
    }

    #[test]
    fn a_reason_with_markup_and_control_characters_stays_well_formed_xml() {
        use quick_xml::Reader;
        let mut records = fixture::records();
        records[2] = fixture::record(
            "beta_errors",
            "ecs",
            vec![crate::check::Finding::error("svc", "Tasks", "\u{1b}[31mdenied\u{0} <b> & \"quoted\"")],
        );
        let doc = evidence::build(&fixture::run(), &records, &fixture::paths(), &Format::ALL);
        let x = render(&doc.checks, &Context::of_run(&doc.run)).expect("an in-memory JUnit document");
        assert!(x.contains("reason: \\u{1b}[31mdenied\\u{0} &lt;b&gt; &amp; &quot;quoted&quot;"), "{x}");
        assert!(!x.contains('\u{1b}') && !x.contains('\u{0}'), "no character XML 1.0 cannot carry: {x}");
        let mut reader = Reader::from_str(&x);
        let (mut elements, mut root_attributes) = (0, None);
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(Event::Start(e) | Event::Empty(e)) => {
                    if e.name().as_ref() == b"testsuites" {
                        root_attributes = Some(e.attributes().count());
                    }
                    elements += 1;
                }
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}\n{x}", reader.error_position()),
            }
        }
        assert_eq!(root_attributes, Some(0), "<testsuites> carries no attributes");
        assert!(elements > 10, "{elements} elements read back");
    }
}
