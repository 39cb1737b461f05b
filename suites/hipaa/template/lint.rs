//! The template passes cfn-lint (errors, warnings and informational rules) for eu-central-1.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};

use super::{Change, Mutation, REGION, TemplateFacts};

pub const CFN_LINT_CLEAN: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "cfn_lint_clean",
        service: "lint",
        title: "cfn-lint reports nothing on the template for eu-central-1",
        citations: &["45 CFR 164.308(a)(8)"],
        severity: Severity::Medium,
        risk: "A template cfn-lint rejects may fail to deploy or deploy something other than what it says.",
        remediation: "template.yml: fix each cfn-lint finding at the line it names.",
    },
    claims: &[Claim {
        property: "EnableKeyRotaton",
        about: "cfn-lint reports nothing on the template for eu-central-1",
        mutants: &[&UNKNOWN_PROPERTY],
        not_emulated: None,
    }],
    run: cfn_lint_clean,
};

fn cfn_lint_clean(f: &TemplateFacts) -> Vec<Finding> {
    let path = f.template.path.display().to_string();
    match &f.lint {
        Ok(found) if found.is_empty() => {
            vec![Finding::judge(path, "cfn-lint", true, format!("no findings ({REGION})"), "none", found)]
        }
        Ok(found) => found
            .iter()
            .map(|m| {
                let line = m.line.map_or(String::new(), |l| format!(":{l}"));
                let at = format!("{path}{line} ({})", m.path);
                Finding::judge(
                    at,
                    format!("cfn-lint {}", m.rule),
                    false,
                    "no finding",
                    format!("{}: {}", m.level, m.message),
                    m,
                )
            })
            .collect(),
        Err(e) => vec![Finding::error(path, "cfn-lint", e)],
    }
}

pub const UNKNOWN_PROPERTY: Mutation = Mutation {
    name: "unknown-property",
    resource: "DataKey",
    property: "EnableKeyRotaton",
    change: Change::Set("true"),
};
