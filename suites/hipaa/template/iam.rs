//! Least privilege: no IAM policy of the stack grants every action on every resource.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::policy::Policy;
use stackproof_harness::kit::source::{judge, judge_value, nothing_of};
use stackproof_harness::source::template::{Resource, Template};

use super::{Change, Mutation, TemplateFacts, items, sub_text};

pub const TASK_POLICY_ADMIN: Mutation = Mutation {
    name: "task-policy-admin",
    resource: "TaskRolePolicy",
    property: "PolicyDocument.Statement[0]",
    change: Change::Custom(grant_task_role_admin),
};

fn grant_task_role_admin(t: &mut Template) {
    let admin = serde_json::json!({"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"});
    if let Some(first) =
        t.resource_mut("TaskRolePolicy").and_then(|r| r.pointer_mut("/Properties/PolicyDocument/Statement/0"))
    {
        *first = admin;
    }
}

pub const IAM_NO_WILDCARD_ADMIN: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "iam_no_wildcard_admin",
        service: "iam",
        title: "No IAM policy allows every action on every resource, and no identity gets AdministratorAccess",
        citations: &["45 CFR 164.308(a)(4)(i)", "45 CFR 164.312(a)(1)"],
        severity: Severity::Critical,
        risk: "An administrator grant lets a compromised task or service read, copy or delete every PHI store in the account.",
        remediation: "template.yml: scope every Allow statement of TaskExecutionRole, TaskRole/TaskRolePolicy, FlowLogRole and ApiGatewayCloudWatchRole to named actions and this stack's resources; drop AdministratorAccess from ManagedPolicyArns.",
    },
    claims: &[Claim {
        property: "PolicyDocument.Statement[0]",
        about: "No IAM policy allows every action on every resource, and no identity gets AdministratorAccess",
        mutants: &[&TASK_POLICY_ADMIN],
        not_emulated: None,
    }],
    run: iam_no_wildcard_admin,
};

fn iam_no_wildcard_admin(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let mut findings = Vec::new();
    for identity in
        ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"].into_iter().flat_map(|kind| t.resources_of(kind))
    {
        for (i, policy) in items(identity.prop("Policies")).into_iter().enumerate() {
            findings.extend(statements(
                &identity,
                &format!("Policies[{i}].PolicyDocument"),
                policy.get("PolicyDocument"),
            ));
        }
        findings.push(no_administrator_access(&identity));
    }
    for policy in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"].into_iter().flat_map(|kind| t.resources_of(kind)) {
        findings.extend(statements(&policy, "PolicyDocument", policy.prop("PolicyDocument")));
    }
    if findings.is_empty() { vec![nothing_of::<Template>("AWS::IAM::Role", "Policies")] } else { findings }
}

/// One finding per statement of a policy document, read with the shared policy model; a document
/// without statements cannot be judged and fails.
fn statements(r: &Resource, document: &str, doc: Option<&Value>) -> Vec<Finding> {
    let expected = "no Allow of every action (*, *:* or a NotAction) on every resource (* or a NotResource)";
    let policy = doc.map(Policy::parse).filter(|p| !p.statements.is_empty());
    let Some(policy) = policy else {
        return vec![judge_value(
            r,
            format!("{document}.Statement"),
            doc.and_then(|d| d.get("Statement")),
            false,
            expected,
        )];
    };
    policy
        .statements
        .iter()
        .map(|s| {
            let admin = s.grants_everything();
            let or_not = |some: Vec<String>, not: Vec<String>| match not.is_empty() {
                true => some.join(","),
                false => format!("Not {}", not.join(",")),
            };
            let actual = format!(
                "{}: {} {} on {}",
                s.label(),
                s.effect,
                or_not(s.actions(), s.not_actions()),
                or_not(s.resources(), s.not_resources())
            );
            Finding::judge(r.id, format!("{document}.Statement[{}]", s.index), !admin, expected, actual, s)
        })
        .collect()
}

fn no_administrator_access(r: &Resource) -> Finding {
    let arns = r.prop("ManagedPolicyArns");
    let admin = items(arns)
        .iter()
        .any(|arn| arn.as_str().or_else(|| sub_text(arn)).is_some_and(|a| a.ends_with(":policy/AdministratorAccess")));
    judge(r, "ManagedPolicyArns", !admin, "no AdministratorAccess")
}
