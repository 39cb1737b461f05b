//! The failover path: the function runs as the failover role (the layout's role Lambda assumes),
//! which grants only what failover needs; the alerts topic the alarms notify invokes the function;
//! the function is pointed at its configuration parameter; and the Route 53 health check follows
//! the replication lag alarm.
//!
//! Policy documents (trust and inline policies) are read with the kit's policy model, every
//! statement and condition; their `${...}` references are matched against the layout's resources.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::policy::{Covered, Statement, text};
use stackproof_harness::kit::source::{judge, missing, nothing_of, per_resource};
use stackproof_harness::source::json::{blocks, is_true};
use stackproof_harness::source::terraform::{Resource, Synth};

use super::{
    Change, Mutation, SynthFacts, companions, edit_policy, is_text, names, policy_document, refers_to, region,
};
use crate::dr::failover as live;
use crate::dr::failover_policy::{
    ADMIN_POLICIES, LAMBDA_SERVICE, Reach, SNS_SERVICE, excess, trusted, trusts_only_lambda, wildcard_action,
};

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] = &[
    FAILOVER_FUNCTION_RUNS_AS_FAILOVER_ROLE,
    FAILOVER_ROLE_LEAST_PRIVILEGE,
    FAILOVER_TRIGGERED_BY_ALARMS,
    FAILOVER_CONFIG_PARAMETER_PRESENT,
    HEALTH_CHECK_WATCHES_REPLICATION_LAG,
];

/// The metric of the alarm the health check must follow.
pub const LAG_METRIC: &str = "AuroraGlobalDBReplicationLag";

pub const FAILOVER_FUNCTION_FOREIGN_ROLE: Mutation = Mutation {
    name: "failover-function-foreign-role",
    resource: "aws_lambda_function.failover_function",
    property: "role",
    change: Change::Set(r#""${aws_iam_role.replication_role.arn}""#),
};

pub const FAILOVER_POLICY_WILDCARD: Mutation = Mutation {
    name: "failover-policy-wildcard",
    resource: "aws_iam_role_policy.failover_policy",
    property: "policy",
    change: Change::Custom(add_wildcard_statement),
};

pub const FAILOVER_SUBSCRIPTION_EMAIL: Mutation = Mutation {
    name: "failover-subscription-email",
    resource: "aws_sns_topic_subscription.failover_subscription",
    property: "protocol",
    change: Change::Set(r#""email""#),
};

pub const FAILOVER_CONFIG_UNSET: Mutation = Mutation {
    name: "failover-config-unset",
    resource: "aws_lambda_function.failover_function",
    property: "environment.variables.CONFIG_PARAMETER_NAME",
    change: Change::Remove,
};

pub const HEALTH_CHECK_HEALTHY_WITHOUT_DATA: Mutation = Mutation {
    name: "health-check-healthy-without-data",
    resource: "aws_route53_health_check.replication_health_check",
    property: "insufficient_data_health_status",
    change: Change::Set(r#""Healthy""#),
};

/// Appends `Allow * on *` to the failover policy.
fn add_wildcard_statement(s: &mut Synth) {
    edit_policy(s, "aws_iam_role_policy", "failover_policy", "policy", |doc| {
        let wildcard = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
        match doc.get_mut("Statement") {
            Some(Value::Array(list)) => list.push(wildcard),
            _ => doc["Statement"] = json!([wildcard]),
        }
    });
}

/// True if a role's trust policy lets the Lambda service assume it.
fn lambda_assumes(r: &Resource) -> bool {
    policy_document(r.prop("assume_role_policy")).is_some_and(|p| {
        p.allows()
            .any(|st| st.covers_action("sts:AssumeRole") && st.service_principals().iter().any(|x| x == LAMBDA_SERVICE))
    })
}

/// The failover roles: the layout's roles that Lambda assumes.
fn failover_roles(s: &Synth) -> Vec<Resource<'_>> {
    s.resources_of("aws_iam_role").filter(lambda_assumes).collect()
}

/// The topics the alarms send to: the alerts topics.
fn alerts_topics(s: &Synth) -> Vec<Resource<'_>> {
    s.resources_of("aws_sns_topic")
        .filter(|t| s.resources_of("aws_cloudwatch_metric_alarm").any(|a| names(a.prop("alarm_actions"), t)))
        .collect()
}

/// True if the value refers to one of `targets`.
fn refers_to_one_of(s: &Synth, v: Option<&Value>, targets: &[Resource]) -> bool {
    s.referenced(v).is_some_and(|r| targets.iter().any(|t| t.kind == r.kind && t.id == r.id))
}

pub const FAILOVER_FUNCTION_RUNS_AS_FAILOVER_ROLE: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: LambdaFunction failover_function role: failover_role.arn (the IamRole whose assumeRolePolicy trusts lambda.amazonaws.com).",
        ..live::FAILOVER_FUNCTION_RUNS_AS_FAILOVER_ROLE.info
    },
    claims: &[Claim {
        property: "role",
        about: "The failover function runs as the stack's failover role",
        mutants: &[&FAILOVER_FUNCTION_FOREIGN_ROLE],
        not_emulated: None,
    }],
    run: failover_function_runs_as_failover_role,
};

fn failover_function_runs_as_failover_role(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let roles = failover_roles(s);
    per_resource(s, "aws_lambda_function", "role", |l| {
        vec![judge(
            l,
            "role",
            refers_to_one_of(s, l.prop("role"), &roles),
            format!("the ARN of a role of this layout that {LAMBDA_SERVICE} assumes (the failover role)"),
        )]
    })
}

pub const FAILOVER_ROLE_LEAST_PRIVILEGE: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: IamRole failover_role assumeRolePolicy trusts lambda.amazonaws.com only; IamRolePolicy failover_policy grants rds:DescribeDBClusters/FailoverGlobalCluster/ModifyDBCluster on global_cluster, primary_cluster and dr_cluster ARNs, sns:Publish on alerts_topic.arn, named ssm:/logs: actions, kms only on primary_key with a kms:ViaService condition; no '*' or '<service>:*' action, no Resource '*', no NotAction/NotResource; no IamRolePolicyAttachment of an admin policy.",
        ..live::FAILOVER_ROLE_LEAST_PRIVILEGE.info
    },
    claims: &[Claim {
        property: "policy",
        about: "The failover role is assumable by Lambda only and grants just what failover needs",
        mutants: &[&FAILOVER_POLICY_WILDCARD],
        not_emulated: None,
    }],
    run: failover_role_least_privilege,
};

/// The layout's own clusters, topics and keys, as a synth's policy documents refer to them.
struct SynthReach<'s>(&'s Synth);

impl Reach for SynthReach<'_> {
    fn is_cluster(&self, r: &Value) -> bool {
        self.0.referenced(Some(r)).is_some_and(|c| c.kind == "aws_rds_cluster" || c.kind == "aws_rds_global_cluster")
    }
    fn is_topic(&self, r: &Value) -> bool {
        refers_to(self.0, Some(r), "aws_sns_topic")
    }
    fn is_key(&self, r: &Value) -> bool {
        refers_to(self.0, Some(r), "aws_kms_key")
    }
}

/// What the failover function needs granted: each action, on the resources it must cover.
fn needs(s: &Synth) -> Vec<(&'static str, Covered<'_>)> {
    let topics = alerts_topics(s);
    vec![
        ("rds:DescribeDBClusters", Covered::by("any resource", |_| true)),
        (
            "rds:FailoverGlobalCluster",
            Covered::by("the global cluster", move |v| refers_to(s, Some(v), "aws_rds_global_cluster")),
        ),
        ("sns:Publish", Covered::by("the alerts topic", move |v| refers_to_one_of(s, Some(v), &topics))),
        ("ssm:GetParameter", Covered::by("the configuration parameter", |_| true)),
    ]
}

/// The findings on one inline policy document of a failover role.
fn judge_inline(s: &Synth, owner: &Resource, property: &str, document: Option<&Value>) -> (Finding, Vec<Statement>) {
    let Some(policy) = policy_document(document) else {
        return (judge(owner, property, false, "a JSON policy document"), Vec::new());
    };
    let excesses: Vec<String> = policy.statements.iter().flat_map(|st| excess(st, &SynthReach(s))).collect();
    let finding = Finding::judge(
        owner.address(),
        property,
        excesses.is_empty(),
        "no '*' or '<service>:*' action, no Resource '*', rds limited to Describe*/FailoverGlobalCluster/ModifyDBCluster on the layout's clusters, sns:Publish on its topics, kms only via a service on its keys, named ssm/logs actions",
        if excesses.is_empty() { "nothing beyond that".to_owned() } else { excesses.join("; ") },
        &policy,
    );
    (finding, policy.statements)
}

/// The finding on one managed policy attached to a failover role: no admin policy, and no policy
/// of the layout allowing every action (of a service).
fn judge_attached(s: &Synth, owner: &Resource, property: &str, arn: Option<&Value>) -> Finding {
    let arn_text = arn.map(text).unwrap_or_default();
    let admin = ADMIN_POLICIES.iter().any(|a| arn_text.ends_with(&format!("/{a}")));
    let broad = s
        .referenced(arn)
        .filter(|p| p.kind == "aws_iam_policy")
        .and_then(|p| policy_document(p.prop("policy")))
        .is_some_and(|p| {
            p.allows().any(|st| st.not_action.is_some() || st.actions().iter().any(|a| wildcard_action(a)))
        });
    Finding::judge(
        owner.address(),
        property,
        !admin && !broad,
        format!("no {} or other wildcard-action managed policy", ADMIN_POLICIES.join("/")),
        &arn_text,
        &arn,
    )
}

fn failover_role_least_privilege(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let roles = failover_roles(s);
    if roles.is_empty() {
        return vec![nothing_of::<Synth>(&format!("aws_iam_role assumed by {LAMBDA_SERVICE}"), "assume_role_policy")];
    }
    let mut findings = Vec::new();
    for role in &roles {
        let trust = policy_document(role.prop("assume_role_policy"));
        let principals: Vec<Value> = trust.as_ref().map(trusted).unwrap_or_default();
        findings.push(Finding::judge(
            role.address(),
            "assume_role_policy",
            trust.as_ref().is_some_and(trusts_only_lambda),
            format!("only Principal.Service {LAMBDA_SERVICE}"),
            Value::Array(principals),
            &trust,
        ));

        let mut granted: Vec<Statement> = Vec::new();
        let inline = companions(s, "aws_iam_role_policy", "role", role);
        let blocks_on_role = blocks(role.prop("inline_policy"));
        if inline.is_empty() && blocks_on_role.is_empty() {
            findings.push(missing(role, "policy", "an inline least-privilege policy"));
        }
        for p in &inline {
            let (finding, statements) = judge_inline(s, p, "policy", p.prop("policy"));
            findings.push(finding);
            granted.extend(statements);
        }
        for (i, b) in blocks_on_role.iter().enumerate() {
            let property = super::block_path("inline_policy", i, blocks_on_role.len(), "policy");
            let (finding, statements) = judge_inline(s, role, &property, b.get("policy"));
            findings.push(finding);
            granted.extend(statements);
        }

        let lacking: Vec<String> = needs(s)
            .iter()
            .filter(|(action, on)| {
                !granted.iter().any(|st| st.allows() && st.covers_action(action) && st.covers_resource_by(&on.matches))
            })
            .map(|(action, on)| format!("{action} on {}", on.name))
            .collect();
        findings.push(Finding::judge(
            role.address(),
            "policy (grants)",
            lacking.is_empty(),
            "grants rds:DescribeDBClusters, rds:FailoverGlobalCluster on the global cluster, sns:Publish on the alerts topic, ssm:GetParameter",
            if lacking.is_empty() { "all granted".to_owned() } else { format!("missing: {}", lacking.join(", ")) },
            &granted,
        ));

        let attachments = companions(s, "aws_iam_role_policy_attachment", "role", role);
        for a in &attachments {
            findings.push(judge_attached(s, a, "policy_arn", a.prop("policy_arn")));
        }
        for arn in blocks(role.prop("managed_policy_arns")) {
            findings.push(judge_attached(s, role, "managed_policy_arns", Some(arn)));
        }
    }
    findings
}

pub const FAILOVER_TRIGGERED_BY_ALARMS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: SnsTopicSubscription failover_subscription { topicArn: alerts_topic.arn, protocol: 'lambda', endpoint: failover_function.arn }; LambdaPermission failover_invoke_permission { action: 'lambda:InvokeFunction', principal: 'sns.amazonaws.com', sourceArn: alerts_topic.arn }; LambdaFunction failover_function environment.variables.ALERTS_TOPIC_ARN: alerts_topic.arn.",
        ..live::FAILOVER_TRIGGERED_BY_ALARMS.info
    },
    claims: &[Claim {
        property: "protocol",
        about: "The alerts topic invokes the failover function: a lambda subscription and a resource policy for that topic only",
        mutants: &[&FAILOVER_SUBSCRIPTION_EMAIL],
        not_emulated: None,
    }],
    run: failover_triggered_by_alarms,
};

fn failover_triggered_by_alarms(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let topics = alerts_topics(s);
    let from_alerts = "a topic of this layout the alarms send to";
    per_resource(s, "aws_lambda_function", "subscription", |l| {
        let mut findings = Vec::new();
        let subscriptions = companions(s, "aws_sns_topic_subscription", "endpoint", l);
        if subscriptions.is_empty() {
            findings.push(missing(l, "subscription", "an SNS subscription of the alerts topic to the function"));
        }
        for sub in &subscriptions {
            findings.push(judge(sub, "protocol", is_text(sub.prop("protocol"), "lambda"), "lambda"));
            findings.push(judge(sub, "topic_arn", refers_to_one_of(s, sub.prop("topic_arn"), &topics), from_alerts));
        }
        // Every permission for SNS names the alerts topic: one without a source lets any topic,
        // in any account, invoke the function that fails the database over.
        let for_sns: Vec<_> = companions(s, "aws_lambda_permission", "function_name", l)
            .into_iter()
            .filter(|p| is_text(p.prop("principal"), SNS_SERVICE))
            .collect();
        if for_sns.is_empty() {
            findings.push(missing(
                l,
                "invoke_permission",
                format!("a lambda permission for {SNS_SERVICE} from the alerts topic"),
            ));
        }
        for p in &for_sns {
            findings.push(judge(
                p,
                "action",
                is_text(p.prop("action"), "lambda:InvokeFunction"),
                "lambda:InvokeFunction",
            ));
            findings.push(judge(p, "source_arn", refers_to_one_of(s, p.prop("source_arn"), &topics), from_alerts));
        }
        let variable = "environment.variables.ALERTS_TOPIC_ARN";
        findings.push(judge(l, variable, refers_to_one_of(s, l.prop(variable), &topics), from_alerts));
        findings
    })
}

pub const FAILOVER_CONFIG_PARAMETER_PRESENT: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: SsmParameter failover_config (name /healthcare-dr/<suffix>/config); LambdaFunction failover_function environment.variables.CONFIG_PARAMETER_NAME: failover_config.name.",
        ..live::FAILOVER_CONFIG_PARAMETER_PRESENT.info
    },
    claims: &[Claim {
        property: "environment.variables.CONFIG_PARAMETER_NAME",
        about: "The failover configuration parameter exists and the function is pointed at it",
        mutants: &[&FAILOVER_CONFIG_UNSET],
        not_emulated: None,
    }],
    run: failover_config_parameter_present,
};

fn failover_config_parameter_present(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let variable = "environment.variables.CONFIG_PARAMETER_NAME";
    per_resource(s, "aws_lambda_function", variable, |l| {
        let v = l.prop(variable);
        // A reference to a parameter of the layout, or a literal naming one.
        let named = refers_to(s, v, "aws_ssm_parameter")
            || v.and_then(Value::as_str).is_some_and(|name| {
                !name.contains("${") && s.resources_of("aws_ssm_parameter").any(|p| is_text(p.prop("name"), name))
            });
        vec![judge(l, variable, named, "the name of an SSM parameter of this layout")]
    })
}

pub const HEALTH_CHECK_WATCHES_REPLICATION_LAG: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: Route53HealthCheck replication_health_check type CLOUDWATCH_METRIC, cloudwatchAlarmName: replication_lag_alarm.alarmName, cloudwatchAlarmRegion: PRIMARY_REGION (the alarm's), insufficientDataHealthStatus: 'Unhealthy', neither invertHealthcheck nor disabled.",
        ..live::HEALTH_CHECK_WATCHES_REPLICATION_LAG.info
    },
    claims: &[Claim {
        property: "insufficient_data_health_status",
        about: "The Route 53 health check follows the replication lag alarm, and is unhealthy when the alarm has no data",
        mutants: &[&HEALTH_CHECK_HEALTHY_WITHOUT_DATA],
        not_emulated: None,
    }],
    run: health_check_watches_replication_lag,
};

fn health_check_watches_replication_lag(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let checks: Vec<_> =
        s.resources_of("aws_route53_health_check").filter(|h| is_text(h.prop("type"), "CLOUDWATCH_METRIC")).collect();
    if checks.is_empty() {
        return vec![nothing_of::<Synth>("aws_route53_health_check of type CLOUDWATCH_METRIC", "type")];
    }
    checks
        .iter()
        .flat_map(|h| {
            let alarm =
                s.referenced(h.prop("cloudwatch_alarm_name")).filter(|a| a.kind == "aws_cloudwatch_metric_alarm");
            let on_lag = alarm.is_some_and(|a| is_text(a.prop("metric_name"), LAG_METRIC));
            let alarm_region = alarm.map(|a| region(s, &a)).unwrap_or("the alarm's region");
            vec![
                judge(h, "cloudwatch_alarm_name", on_lag, format!("the {LAG_METRIC} alarm of this layout")),
                judge(
                    h,
                    "cloudwatch_alarm_region",
                    is_text(h.prop("cloudwatch_alarm_region"), alarm_region),
                    alarm_region,
                ),
                judge(
                    h,
                    "insufficient_data_health_status",
                    is_text(h.prop("insufficient_data_health_status"), "Unhealthy"),
                    "Unhealthy",
                ),
                judge(h, "invert_healthcheck", !is_true(h.prop("invert_healthcheck")), "false (or unset)"),
                judge(h, "disabled", !is_true(h.prop("disabled")), "false (or unset)"),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackproof_harness::kit::policy::Policy;

    fn synth() -> Synth {
        let body = json!({"resource": {
            "aws_rds_global_cluster": {"g": {}},
            "aws_rds_cluster": {"p": {}},
            "aws_sns_topic": {"t": {}},
            "aws_kms_key": {"k": {}},
        }});
        Synth::parse(&body.to_string(), std::path::Path::new("t.json")).expect("parses")
    }

    fn statement(v: Value) -> Statement {
        Policy::parse(&json!({"Statement": [v]})).statements.remove(0)
    }

    #[test]
    fn the_layouts_statements_grant_nothing_more() {
        let s = synth();
        let rds =
            statement(json!({"Effect": "Allow", "Action": ["rds:DescribeDBClusters", "rds:FailoverGlobalCluster"],
            "Resource": ["${aws_rds_global_cluster.g.arn}", "${aws_rds_cluster.p.arn}"]}));
        let kms = statement(
            json!({"Effect": "Allow", "Action": ["kms:GenerateDataKey"], "Resource": ["${aws_kms_key.k.arn}"],
            "Condition": {"StringEquals": {"kms:ViaService": "sns.eu-west-2.amazonaws.com"}}}),
        );
        let logs = statement(json!({"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": ["arn:x"]}));
        for st in [rds, kms, logs] {
            assert!(excess(&st, &SynthReach(&s)).is_empty(), "{:?}", excess(&st, &SynthReach(&s)));
        }
    }

    #[test]
    fn wildcards_foreign_resources_and_extra_actions_are_excess() {
        let s = synth();
        let excess_of = |v: Value| excess(&statement(v), &SynthReach(&s));
        let all = excess_of(json!({"Effect": "Allow", "Action": "rds:*", "Resource": "*"}));
        assert!(
            all.iter().any(|x| x.contains("Action rds:*")) && all.iter().any(|x| x.contains("Resource *")),
            "{all:?}"
        );
        assert_eq!(
            excess_of(
                json!({"Effect": "Allow", "Action": "rds:DeleteDBCluster", "Resource": "${aws_rds_cluster.p.arn}"})
            )
            .len(),
            1
        );
        assert_eq!(excess_of(json!({"Effect": "Allow", "Action": "rds:ModifyDBCluster", "Resource": "arn:aws:rds:eu-west-2:1:cluster:prod"})).len(), 1);
        assert_eq!(
            excess_of(json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:eu-west-2:1:other"}))
                .len(),
            1
        );
        assert_eq!(
            excess_of(json!({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "${aws_kms_key.k.arn}"})).len(),
            1
        );
        assert_eq!(excess_of(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:x"})).len(), 1);
        assert_eq!(excess_of(json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"})).len(), 1);
        assert!(!excess_of(json!({"Effect": "Allow", "Action": "ssm:GetParameter"})).is_empty(), "no Resource");
        assert!(excess_of(json!({"Effect": "Deny", "Action": "*", "Resource": "*"})).is_empty());
    }
}
