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
