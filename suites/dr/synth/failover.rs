//! Failover automation: the Lambda is subscribed to the alerts topic the alarms send to, may be
//! invoked by SNS, and its role grants only what failover needs.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::blocks;
use stackproof_harness::source::terraform::{Resource, Synth};

use super::{Change, Mutation, SynthFacts, companions, is_text, judge, missing, names, per_resource, refers_to};

/// Services the failover role may call. KMS is allowed only on a key of the layout and only
/// through a service (`kms:ViaService`), to publish to the KMS-encrypted topic.
pub const FAILOVER_SERVICES: &[&str] = &["rds", "sns", "ssm", "logs"];

pub const FAILOVER_SUBSCRIPTION_EMAIL: Mutation = Mutation {
    name: "failover-subscription-email",
    resource: "aws_sns_topic_subscription.failover_subscription",
    property: "protocol",
    change: Change::Set(r#""email""#),
};

pub const FAILOVER_POLICY_WILDCARD: Mutation = Mutation {
    name: "failover-policy-wildcard",
    resource: "aws_iam_role_policy.failover_policy",
    property: "policy",
    change: Change::Custom(add_wildcard_statement),
};

/// Appends `Allow * on *` to the failover policy.
fn add_wildcard_statement(s: &mut Synth) {
    let Some(body) = s.resource_mut("aws_iam_role_policy", "failover_policy") else { return };
    let mut doc: Value = body["policy"].as_str().and_then(|p| serde_json::from_str(p).ok()).unwrap_or(json!({}));
    let wildcard = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
    match doc.get_mut("Statement") {
        Some(Value::Array(list)) => list.push(wildcard),
        _ => doc["Statement"] = json!([wildcard]),
    }
    body["policy"] = Value::String(doc.to_string());
}

pub const FAILOVER_LAMBDA_TRIGGERED_BY_ALERTS: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "failover_lambda_triggered_by_alerts",
        service: "lambda",
        title: "The failover Lambda is subscribed (protocol lambda) to the topic the alarms send to, and SNS may invoke it",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(i)"],
        severity: Severity::High,
        risk: "Alarms that never reach the failover function leave recovery to someone noticing by hand: the 1-hour RTO slips.",
        remediation: "stacks/dr/v1: SnsTopicSubscription failover_subscription { topicArn: alerts_topic.arn, protocol: 'lambda', endpoint: failover_function.arn }; LambdaPermission failover_invoke_permission { principal: 'sns.amazonaws.com', sourceArn: alerts_topic.arn }.",
    },
    mutant: &FAILOVER_SUBSCRIPTION_EMAIL,
    run: failover_lambda_triggered_by_alerts,
};

/// True if some alarm of the layout sends to the topic.
fn alarms_send_to(s: &Synth, topic: &Resource) -> bool {
    s.resources_of("aws_cloudwatch_metric_alarm").any(|a| names(a.prop("alarm_actions"), topic))
}

fn failover_lambda_triggered_by_alerts(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_lambda_function", "subscription", |l| {
        let subscriptions = companions(s, "aws_sns_topic_subscription", "endpoint", l);
        let mut findings = Vec::new();
        if subscriptions.is_empty() {
            findings.push(missing(l, "subscription", "an SNS subscription of the alerts topic to the function"));
        }
        for sub in &subscriptions {
            let topic = s.referenced(sub.prop("topic_arn")).filter(|t| t.kind == "aws_sns_topic");
            findings.push(judge(sub, "protocol", is_text(sub.prop("protocol"), "lambda"), "lambda"));
            findings.push(judge(
                sub,
                "topic_arn",
                topic.is_some_and(|t| alarms_send_to(s, &t)),
                "a topic of this layout the alarms send to",
            ));
        }
        let permitted = companions(s, "aws_lambda_permission", "function_name", l).iter().any(|p| {
            is_text(p.prop("principal"), "sns.amazonaws.com") && refers_to(s, p.prop("source_arn"), "aws_sns_topic")
        });
        if !permitted {
            findings.push(missing(
                l,
                "invoke_permission",
                "a lambda permission for sns.amazonaws.com from a topic of this layout",
            ));
        }
        findings
    })
}

pub const FAILOVER_POLICY_LEAST_PRIVILEGE: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "failover_policy_least_privilege",
        service: "iam",
        title: "The failover role's policies allow only named RDS, SNS, SSM and Logs actions on named resources",
        citations: &["45 CFR 164.308(a)(4)(i)", "45 CFR 164.308(a)(3)(i)"],
        severity: Severity::Critical,
        risk: "A wildcard in the failover role lets anything that runs as the function read or destroy patient data across the account.",
        remediation: "stacks/dr/v1: IamRolePolicy failover_policy: Allow statements list rds:/sns:/ssm:/logs: actions by name (no '*', no 'svc:*') on the cluster, topic, parameter and log group ARNs (no Resource '*'); kms only on the layout's key with a kms:ViaService condition.",
    },
    mutant: &FAILOVER_POLICY_WILDCARD,
    run: failover_policy_least_privilege,
};

fn list(v: Option<&Value>) -> Vec<&Value> {
    blocks(v)
}

/// What a statement grants beyond the failover role's needs, one line each.
fn excesses(s: &Synth, statement: &Value) -> Vec<String> {
    if !is_text(statement.get("Effect"), "Allow") {
        return Vec::new();
    }
    let mut found = Vec::new();
    for k in ["NotAction", "NotResource"] {
        if statement.get(k).is_some() {
            found.push(format!("{k} in an Allow"));
        }
    }
    let resources = list(statement.get("Resource"));
    if resources.is_empty() {
        found.push("an Allow without Resource".into());
    }
    for r in &resources {
        if r.as_str() == Some("*") {
            found.push("Resource *".into());
        }
    }
    let via_service = statement.pointer("/Condition/StringEquals/kms:ViaService").is_some();
    let on_layout_key = !resources.is_empty() && resources.iter().all(|r| refers_to(s, Some(r), "aws_kms_key"));
    for a in list(statement.get("Action")) {
        let action = a.as_str().unwrap_or("");
        let (service, name) = action.split_once(':').unwrap_or((action, ""));
        let allowed = FAILOVER_SERVICES.contains(&service) || (service == "kms" && via_service && on_layout_key);
        if action == "*" || name == "*" || name.is_empty() || !allowed {
            found.push(format!("Action {action}"));
        }
    }
    found
}

/// The Allow statements of a policy document, or None if the text is not a JSON policy.
fn statements(policy: Option<&Value>) -> Option<Vec<Value>> {
    let doc: Value = serde_json::from_str(policy?.as_str()?).ok()?;
    Some(list(doc.get("Statement")).into_iter().cloned().collect())
}

fn failover_policy_least_privilege(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_lambda_function", "role", |l| {
        let Some(role) = s.referenced(l.prop("role")).filter(|r| r.kind == "aws_iam_role") else {
            return vec![judge(l, "role", false, "a role of this layout")];
        };
        let policies = companions(s, "aws_iam_role_policy", "role", &role);
        if policies.is_empty() {
            return vec![missing(&role, "policy", "an inline least-privilege policy")];
        }
        let mut granted: Vec<String> = Vec::new();
        let mut findings: Vec<Finding> = policies
            .iter()
            .map(|p| {
                let Some(statements) = statements(p.prop("policy")) else {
                    return judge(p, "policy", false, "a JSON policy document");
                };
                for st in statements.iter().filter(|st| is_text(st.get("Effect"), "Allow")) {
                    granted.extend(list(st.get("Action")).iter().filter_map(|a| a.as_str()).map(str::to_owned));
                }
                let excess: Vec<String> = statements.iter().flat_map(|st| excesses(s, st)).collect();
                let actual =
                    if excess.is_empty() { "only named actions on named resources".into() } else { excess.join("; ") };
                Finding::judge(
                    p.address(),
                    "policy",
                    excess.is_empty(),
                    "named rds/sns/ssm/logs actions on named resources",
                    actual,
                    &statements,
                )
            })
            .collect();
        let needs = ["rds:DescribeDBClusters", "sns:Publish"];
        let has = |a: &str| granted.iter().any(|g| g == a);
        let modifies = has("rds:FailoverGlobalCluster") || has("rds:ModifyDBCluster");
        let reads_config = granted.iter().any(|g| g.starts_with("ssm:GetParameter"));
        let covered = needs.iter().all(|a| has(a)) && modifies && reads_config;
        findings.push(Finding::judge(
            l.address(),
            "role.policy",
            covered,
            "grants rds:DescribeDBClusters, rds:FailoverGlobalCluster or ModifyDBCluster, sns:Publish, ssm:GetParameter",
            granted.join(", "),
            &granted,
        ));
        findings
    })
}
