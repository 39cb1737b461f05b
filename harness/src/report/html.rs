//! The evidence report: one self-contained HTML file (inline style, no external assets) with the
//! summary, the HIPAA matrix, the safeguards no check covers, and every check's evidence in an
//! expandable section. Printing it (or saving as PDF) expands every section.

use std::path::Path;

use super::evidence::Evidence;
use super::{engine, render_error, write_atomically};
use crate::Error;

pub fn render(doc: &Evidence) -> Result<String, minijinja::Error> {
    engine::render("evidence.html", doc)
}

pub fn write(path: &Path, doc: &Evidence) -> Result<usize, Error> {
    let html = render(doc).map_err(|e| render_error(path, e))?;
    write_atomically(path, html.as_bytes())?;
    Ok(html.len())
}

#[cfg(test)]
mod tests {
    use super::super::{Format, evidence, fixture};
    use super::*;

    fn html() -> String {
        let doc = evidence::build(&fixture::run(), &fixture::records(), &fixture::paths(), &Format::ALL);
        render(&doc).expect("renders")
    }

    #[test]
    fn summary_numbers_have_stable_ids() {
        let h = html();
        for (id, n) in [("total", 4), ("passed", 1), ("failed", 1), ("errors", 1), ("skipped", 1)] {
            assert!(h.contains(&format!("id=\"summary-{id}\" data-count=\"{n}\">{n}<")), "summary-{id} is not {n}");
        }
        assert!(h.contains("id=\"summary-pass-rate\" data-percent=\"25.0\">25.0%<"));
        assert_eq!(h.matches("<details class=\"check ").count(), 4);
        assert!(h.contains("id=\"check-alpha_fails\" data-outcome=\"fail\" open>"));
        assert!(h.contains("id=\"check-zeta_passes\" data-outcome=\"pass\">"));
    }

    #[test]
    fn text_from_the_deployment_is_escaped() {
        let h = html();
        assert!(!h.contains("db-2 <b>") && h.contains("db-2 &lt;b&gt;"), "a resource name was not escaped");
        assert!(h.contains("Keys rotate &lt;automatically&gt; &amp; &quot;often&quot;"), "a title was not escaped");
        assert!(!h.contains("<b>"));
    }

    #[test]
    fn self_contained_and_free_of_secret_values() {
        let h = html();
        for external in ["<link", "src=\"http", "href=\"http", "@import", "url("] {
            assert!(!h.contains(external), "external asset: {external}");
        }
        for canary in ["hunter2-canary", "pw-canary", "tok-canary", "env-canary"] {
            assert!(!h.contains(canary), "{canary} in the HTML");
        }
        assert!(h.contains("@media print"));
    }

    #[test]
    fn the_verdict_counts_failures_errors_and_skips() {
        let h = html();
        let verdict =
            h.split("id=\"summary-verdict\">").nth(1).and_then(|v| v.split("</div>").next()).unwrap_or_default();
        let verdict = verdict.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            verdict.starts_with(
                "1 of 4 checks failed, 1 more could not look (errors) and 1 could not be judged on this target (skipped):"
            ),
            "{verdict}"
        );
        let mut records = fixture::records();
        records.truncate(3);
        let doc = evidence::build(&fixture::run(), &records, &fixture::paths(), &Format::ALL);
        let h = render(&doc).expect("renders");
        let verdict =
            h.split("id=\"summary-verdict\">").nth(1).and_then(|v| v.split("</div>").next()).unwrap_or_default();
        assert!(verdict.contains("1 of 3 checks failed, 1 more could not look (errors):"), "{verdict}");
        assert!(!verdict.contains("skipped"), "{verdict}");
    }

    #[test]
    fn resources_are_labelled_and_the_api_appendix_is_a_table() {
        let h = html();
        assert!(h.contains("db-2 &lt;b&gt;</span> <span class=\"label\""), "no label beside the resource");
        assert!(h.contains(">Db (output DbId)</span>"), "the logical id and output are not shown");
        assert!(h.contains("arn:aws:rds:eu-central-1:123456789012:cluster:db-2 &lt;b&gt;"), "no ARN beside the id");
        // minijinja escapes `/` in text as `&#x2f;`; a browser shows it as `/`.
        assert!(h.replace("&#x2f;", "/").contains("declared at stacks/hipaa/v1/template.yml:4"));
        assert!(h.contains("not located in the source"), "an unlocated resource says so");
        assert!(h.contains(
            "<tr class=\"operation\"><td class=\"mono\">kms</td><td class=\"mono\">DescribeKey</td><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">37 ms</td></tr>"
        ));
        assert!(!h.contains("DescribeKeyInput {") && !h.contains("Some("), "SDK Debug text in the page");
        let not_emulated = h.split("id=\"not-emulated\"").nth(1).and_then(|t| t.split("</table>").next());
        assert!(
            not_emulated.is_some_and(|t| t.contains("gamma_skips") && t.contains("svc: RunningCount")),
            "parts not emulated are listed"
        );
    }

    #[test]
    fn uncovered_safeguards_are_listed() {
        let h = html();
        assert!(h.contains("id=\"safeguard-gaps\""));
        assert!(h.contains("<tr class=\"gap\" data-citation=\"45 CFR 164.312(a)(2)(i)\">"));
        assert!(!h.contains("<tr class=\"gap\" data-citation=\"45 CFR 164.312(a)(2)(iv)\">"));
    }

    #[test]
    fn the_matrix_and_each_check_show_the_outcome_before_deploy() {
        use super::super::before_deploy::{BeforeDeploy, StaticCheck, StaticSummary};
        use crate::check::Status;
        let mut run = fixture::run();
        run.before_deploy = Some(BeforeDeploy {
            file: "reports/evidence-static-hipaa.json".into(),
            source: "stacks/hipaa/v1/template.yml".into(),
            finished_at: "2027-01-15T08:00:00.000Z".into(),
            commit: Some("0123abc".into()),
            dirty: Some(false),
            other_commit: true,
            setup_error: None,
            summary: StaticSummary { total: 1, passed: 1, ..StaticSummary::default() },
            checks: [(
                "alpha_fails".to_owned(),
                StaticCheck {
                    outcome: Status::Pass,
                    title: "t".into(),
                    citations: vec!["45 CFR 164.312(a)(2)(iv)".into()],
                },
            )]
            .into_iter()
            .collect(),
        });
        let doc = evidence::build(&run, &fixture::records(), &fixture::paths(), &Format::ALL);
        let h = render(&doc).expect("renders");
        assert!(h.contains(
            "<span class=\"muted\">before deploy</span> <span class=\"badge pass\" title=\"before deploy\">pass</span>"
        ));
        assert!(h.contains("another commit of the stack source"), "a static run of another commit is flagged");
        assert!(h.contains("<span class=\"badge pass\">pass</span> in the static suite"));
        assert!(html().contains("no static run found: test"), "the reason no static run is shown");
    }
}
