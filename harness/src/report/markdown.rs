//! The Markdown summary for CI job pages: counts, run facts, failures and errors by resource,
//! and the HIPAA safeguards no check covers. Appended to `GITHUB_STEP_SUMMARY` when set (GitHub
//! shows that file on the job's page), else written as its own file.

use super::evidence::Evidence;
use super::{SummaryTarget, append, engine, render_error, write_atomically};
use crate::Error;

pub fn render(doc: &Evidence) -> Result<String, minijinja::Error> {
    engine::render("summary.md", doc)
}

pub fn write(target: &SummaryTarget, doc: &Evidence) -> Result<usize, Error> {
    let path = match target {
        SummaryTarget::File(p) | SummaryTarget::Append(p) => p,
    };
    let md = render(doc).map_err(|e| render_error(path, e))?;
    match target {
        SummaryTarget::File(p) => write_atomically(p, md.as_bytes())?,
        SummaryTarget::Append(p) => append(p, md.as_bytes())?,
    }
    Ok(md.len())
}

#[cfg(test)]
mod tests {
    use minijinja::value::Value;

    use super::super::engine::cell;
    use super::super::{Format, evidence, fixture};
    use super::*;

    #[test]
    fn counts_failures_and_errors_are_in_the_summary() {
        let doc = evidence::build(&fixture::run(), &fixture::records(), &fixture::paths(), &Format::ALL);
        let md = render(&doc).expect("renders");
        for (label, n) in [("passed", 1), ("failed", 1), ("errors", 1), ("skipped", 1), ("total", 4)] {
            assert!(md.contains(&format!("| {label} | {n} |")), "{label} is not {n}:\n{md}");
        }
        assert!(md.contains("| `alpha_fails` |") && md.contains("db-2 \\<b\\>"), "{md}");
        assert!(md.contains("throttled \\| retry later"), "a pipe in a reason breaks the table:\n{md}");
        assert!(md.contains("45 CFR 164.312(a)(2)(i) Unique user identification"), "{md}");
        assert!(!md.contains("hunter2-canary"));
    }

    #[test]
    fn the_title_counts_failures_and_errors_and_failing_rows_say_how_to_fix() {
        let doc = evidence::build(&fixture::run(), &fixture::records(), &fixture::paths(), &Format::ALL);
        let md = render(&doc).expect("renders");
        let title = md.lines().next().unwrap_or_default();
        assert!(title.ends_with("`TapStackpr1`: 1 failed, 1 error, 1 skipped"), "{title}");
        assert!(md.contains("| check | citations | resource | property | expected | actual | remediation |"), "{md}");
        let row = md.lines().find(|l| l.starts_with("| `alpha_fails` |")).unwrap_or_default();
        assert!(
            row.contains("db-2 \\<b\\> (Db (output DbId))") && row.ends_with("| Set EnableKeyRotation: true. |"),
            "{row}"
        );
    }

    #[test]
    fn the_evidence_is_the_ci_run_when_known_else_file_names() {
        let doc = evidence::build(&fixture::run(), &fixture::records(), &fixture::paths(), &Format::ALL);
        let md = render(&doc).expect("renders");
        let line = md.lines().rev().find(|l| l.starts_with("Evidence:")).unwrap_or_default();
        assert!(line.contains("evidence-pr1.html") && !line.contains("reports/"), "a local path: {line}");
        let mut run = fixture::run();
        run.ci_run_url = Some("https://github.com/acme/infra/actions/runs/7".into());
        let doc = evidence::build(&run, &fixture::records(), &fixture::paths(), &Format::ALL);
        let md = render(&doc).expect("renders");
        let line = md.lines().rev().find(|l| l.starts_with("Evidence:")).unwrap_or_default();
        assert!(
            line.starts_with("Evidence: [the CI run's artifacts](https://github.com/acme/infra/actions/runs/7)"),
            "{line}"
        );
    }

    #[test]
    fn a_cell_is_one_line_with_markup_escaped() {
        assert_eq!(cell(Value::from("a|b\nc *d* <e>")), "a\\|b c \\*d\\* \\<e\\>");
        assert_eq!(cell(Value::from(())), "");
    }
}
