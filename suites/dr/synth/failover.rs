//! The failover path: the function runs as the failover role (the layout's role Lambda assumes),
//! which grants only what failover needs; the alerts topic the alarms notify, and only it, invokes
//! the function; the function is pointed at its configuration parameter, which names the
//! layout's clusters; its environment holds no credential; and the Route 53 health check follows
//! the replication lag alarm.
//!
//! Policy documents (trust and inline policies) are read with the kit's policy model, every
//! statement and condition; their `${...}` references are matched against the layout's resources.
//! A managed policy the layout does not declare (an AWS managed one) shows no statements here, so
//! attaching one to the failover role is a finding before deploy.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::facts::lambda::credential;
use stackproof_harness::kit::policy::{Covered, Statement, text};
use stackproof_harness::kit::source::{judge, judge_value, missing, nothing_of, per_resource};
use stackproof_harness::source::json::{blocks, is_true};
use stackproof_harness::source::terraform::{Resource, Synth, reference};

use super::{
    Change, DR_REGION, Mutation, PRIMARY_REGION, SynthFacts, companions, edit_policy, is_text, names, policy_document,
    refers_to, region,
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
    FAILOVER_FUNCTION_ENVIRONMENT_WITHOUT_CREDENTIALS,
    HEALTH_CHECK_WATCHES_REPLICATION_LAG,
];

/// The logical id of the alarm the health check must follow (the layout's contract).
pub const LAG_ALARM: &str = "replication_lag_alarm";

const FUNCTION: &str = "aws_lambda_function.failover_function";
const ROLE: &str = "aws_iam_role.failover_role";
const PERMISSION: &str = "aws_lambda_permission.failover_invoke_permission";
const CONFIG: &str = "aws_ssm_parameter.failover_config";
const HEALTH_CHECK: &str = "aws_route53_health_check.replication_health_check";

/// A breakage that sets one argument.
const fn set(name: &'static str, resource: &'static str, property: &'static str, json: &'static str) -> Mutation {
    Mutation { name, resource, property, change: Change::Set(json) }
}

/// A breakage made by a function.
const fn custom(name: &'static str, resource: &'static str, property: &'static str, f: fn(&mut Synth)) -> Mutation {
    Mutation { name, resource, property, change: Change::Custom(f) }
}

/// A claim with the mutations that break it.
const fn claim(property: &'static str, about: &'static str, mutants: &'static [&'static Mutation]) -> Claim<Mutation> {
    Claim { property, about, mutants, not_emulated: None }
}

pub const FAILOVER_FUNCTION_FOREIGN_ROLE: Mutation =
    set("failover-function-foreign-role", FUNCTION, "role", r#""${aws_iam_role.replication_role.arn}""#);
pub const FAILOVER_ROLE_TRUSTS_ACCOUNT: Mutation =
    custom("failover-role-trusts-account", ROLE, "assume_role_policy", trust_an_account);
pub const FAILOVER_POLICY_WILDCARD: Mutation =
    custom("failover-policy-wildcard", "aws_iam_role_policy.failover_policy", "policy", add_wildcard_statement);
pub const FAILOVER_ROLE_SECOND_INLINE_POLICY: Mutation = custom(
    "failover-role-second-inline-policy",
    "aws_iam_role_policy.failover_data_read",
    "policy",
    add_data_read_policy,
);
pub const FAILOVER_ROLE_ATTACHED_S3_READ: Mutation = custom(
    "failover-role-attached-s3-read",
    "aws_iam_role_policy_attachment.failover_s3_read",
    "policy_arn",
    attach_s3_read_only,
);
pub const FAILOVER_ROLE_DENIES_FAILOVER: Mutation =
    custom("failover-role-denies-failover", ROLE, "policy (grants)", deny_failover);
pub const FAILOVER_SUBSCRIPTION_EMAIL: Mutation =
    set("failover-subscription-email", "aws_sns_topic_subscription.failover_subscription", "protocol", r#""email""#);
pub const FAILOVER_SUBSCRIPTION_OTHER_TOPIC: Mutation = set(
    "failover-subscription-other-topic",
    "aws_sns_topic_subscription.failover_subscription",
    "topic_arn",
    r#""arn:aws:sns:eu-west-2:123456789012:healthcare-dr-other-dev""#,
);
pub const FAILOVER_INVOKE_ANY_TOPIC: Mutation = Mutation {
    name: "failover-invoke-any-topic",
    resource: PERMISSION,
    property: "source_arn",
    change: Change::Remove,
};
pub const FAILOVER_INVOKE_PUBLIC: Mutation =
    custom("failover-invoke-public", "aws_lambda_permission.anyone_invokes", "principal", let_anyone_invoke);
pub const FAILOVER_ENV_OTHER_TOPIC: Mutation = set(
    "failover-env-other-topic",
    FUNCTION,
    "environment.variables.ALERTS_TOPIC_ARN",
    r#""arn:aws:sns:eu-west-2:123456789012:healthcare-dr-other-dev""#,
);
pub const FAILOVER_CONFIG_UNSET: Mutation = Mutation {
    name: "failover-config-unset",
    resource: FUNCTION,
    property: "environment.variables.CONFIG_PARAMETER_NAME",
    change: Change::Remove,
};
pub const FAILOVER_CONFIG_SECURE_STRING: Mutation =
    set("failover-config-secure-string", CONFIG, "type", r#""SecureString""#);
pub const FAILOVER_CONFIG_OTHER_GLOBAL_CLUSTER: Mutation = custom(
    "failover-config-other-global-cluster",
    CONFIG,
    "value.globalClusterIdentifier",
    config_other_global_cluster,
);
pub const FAILOVER_CONFIG_PRIMARY_IS_DR: Mutation =
    custom("failover-config-primary-is-dr", CONFIG, "value.primaryClusterArn", config_primary_is_dr);
pub const FAILOVER_CONFIG_DR_IS_PRIMARY: Mutation =
    custom("failover-config-dr-is-primary", CONFIG, "value.drClusterArn", config_dr_is_primary);
pub const FAILOVER_ENV_DB_PASSWORD: Mutation =
    custom("failover-env-db-password", FUNCTION, "environment.variables", add_password_variable);
pub const FAILOVER_ENV_CONNECTION_URL: Mutation =
    custom("failover-env-connection-url", FUNCTION, "environment.variables", add_connection_url_variable);
pub const HEALTH_CHECK_HTTP: Mutation = set("health-check-http", HEALTH_CHECK, "type", r#""HTTP""#);
pub const HEALTH_CHECK_FOLLOWS_CPU_ALARM: Mutation = set(
    "health-check-follows-cpu-alarm",
    HEALTH_CHECK,
    "cloudwatch_alarm_name",
    r#""${aws_cloudwatch_metric_alarm.cpu_alarm.alarm_name}""#,
);
pub const HEALTH_CHECK_OTHER_REGION: Mutation =
    set("health-check-other-region", HEALTH_CHECK, "cloudwatch_alarm_region", r#""us-east-1""#);
pub const HEALTH_CHECK_HEALTHY_WITHOUT_DATA: Mutation =
    set("health-check-healthy-without-data", HEALTH_CHECK, "insufficient_data_health_status", r#""Healthy""#);
pub const HEALTH_CHECK_INVERTED: Mutation = set("health-check-inverted", HEALTH_CHECK, "invert_healthcheck", "true");
pub const HEALTH_CHECK_DISABLED: Mutation = set("health-check-disabled", HEALTH_CHECK, "disabled", "true");

/// Appends `Allow * on *` to the failover policy.
fn add_wildcard_statement(s: &mut Synth) {
    append_statement(
        s,
        "aws_iam_role_policy",
        "failover_policy",
        json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    );
}

/// Appends a Deny of the global cluster's failover to the failover policy.
fn deny_failover(s: &mut Synth) {
    let deny = json!({"Effect": "Deny", "Action": "rds:FailoverGlobalCluster", "Resource": "*"});
    append_statement(s, "aws_iam_role_policy", "failover_policy", deny);
}

/// Lets the account's root principal assume the failover role too.
fn trust_an_account(s: &mut Synth) {
    let account =
        json!({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"});
    append_statement(s, "aws_iam_role", "failover_role", account);
}

fn append_statement(s: &mut Synth, kind: &str, id: &str, statement: Value) {
    let property = if kind == "aws_iam_role" { "assume_role_policy" } else { "policy" };
    edit_policy(s, kind, id, property, |doc| match doc.get_mut("Statement") {
        Some(Value::Array(list)) => list.push(statement),
        _ => doc["Statement"] = json!([statement]),
    });
}

/// Adds a resource of `kind` under `id` to the synth.
fn add_resource(s: &mut Synth, kind: &str, id: &str, body: Value) {
    let types = s.body["resource"].as_object_mut().unwrap_or_else(|| panic!("the synth has no resources"));
    let of_type = types.entry(kind).or_insert_with(|| json!({}));
    of_type[id] = body;
}

/// A second inline policy on the failover role: read every object of the primary data bucket.
fn add_data_read_policy(s: &mut Synth) {
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "${aws_s3_bucket.primary_bucket.arn}/*"}]});
    let body = json!({"name": "healthcare-failover-dev-data-read", "provider": "aws.primary",
        "role": "${aws_iam_role.failover_role.id}", "policy": policy.to_string()});
    add_resource(s, "aws_iam_role_policy", "failover_data_read", body);
}

/// AmazonS3ReadOnlyAccess attached to the failover role.
fn attach_s3_read_only(s: &mut Synth) {
    let body = json!({"provider": "aws.primary", "role": "${aws_iam_role.failover_role.name}",
        "policy_arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"});
    add_resource(s, "aws_iam_role_policy_attachment", "failover_s3_read", body);
}

/// A second permission letting anyone invoke the failover function.
fn let_anyone_invoke(s: &mut Synth) {
    let body = json!({"provider": "aws.primary", "action": "lambda:InvokeFunction", "principal": "*",
        "function_name": "${aws_lambda_function.failover_function.function_name}", "statement_id": "Anyone"});
    add_resource(s, "aws_lambda_permission", "anyone_invokes", body);
}

/// Rewrites the configuration parameter's JSON value with `edit`.
fn edit_config(s: &mut Synth, edit: impl FnOnce(&mut Value)) {
    let Some(body) = s.resource_mut("aws_ssm_parameter", "failover_config") else { panic!("no failover_config") };
    let text = body["value"].as_str().unwrap_or_else(|| panic!("failover_config.value is not a JSON string"));
    let mut value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("failover_config.value: {e}"));
    edit(&mut value);
    body["value"] = Value::String(value.to_string());
}

fn config_other_global_cluster(s: &mut Synth) {
    edit_config(s, |v| v["globalClusterIdentifier"] = json!("healthcare-global-prod"));
}

fn config_primary_is_dr(s: &mut Synth) {
    edit_config(s, |v| v["primaryClusterArn"] = json!("${aws_rds_cluster.dr_cluster.arn}"));
}

fn config_dr_is_primary(s: &mut Synth) {
    edit_config(s, |v| v["drClusterArn"] = json!("${aws_rds_cluster.primary_cluster.arn}"));
}

fn add_variable(s: &mut Synth, name: &str, value: &str) {
    let Some(body) = s.resource_mut("aws_lambda_function", "failover_function") else { panic!("no failover_function") };
    body["environment"]["variables"][name] = Value::String(value.to_owned());
}

fn add_password_variable(s: &mut Synth) {
    add_variable(s, "DB_PASSWORD", "correct-horse-battery");
}

fn add_connection_url_variable(s: &mut Synth) {
    add_variable(s, "REPLICA_ENDPOINT", "postgresql://healthcare_admin:correct-horse@db.internal:5432/healthcare");
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

/// The attribute a plain reference reads: `arn` of `${aws_rds_cluster.dr_cluster.arn}`.
fn attribute(v: Option<&Value>) -> Option<&str> {
    let v = v?;
    reference(v)?;
    v.as_str()?.trim().strip_suffix('}')?.rsplit('.').next()
}

pub const FAILOVER_FUNCTION_RUNS_AS_FAILOVER_ROLE: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: LambdaFunction failover_function role: failover_role.arn (the IamRole whose assumeRolePolicy trusts lambda.amazonaws.com).",
        ..live::FAILOVER_FUNCTION_RUNS_AS_FAILOVER_ROLE.info
    },
    claims: &[claim(
        "role",
        "The failover function runs as the stack's failover role",
        &[&FAILOVER_FUNCTION_FOREIGN_ROLE],
    )],
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
        remediation: "stacks/dr/v1: IamRole failover_role assumeRolePolicy trusts lambda.amazonaws.com only; IamRolePolicy failover_policy, its only inline policy, grants rds:DescribeDBClusters/FailoverGlobalCluster/ModifyDBCluster on global_cluster, primary_cluster and dr_cluster ARNs, sns:Publish on alerts_topic.arn, named ssm:/logs: actions, kms only on primary_key with a kms:ViaService condition; no '*' or '<service>:*' action, no Resource '*', no NotAction/NotResource, no Deny of what failover needs; no IamRolePolicyAttachment.",
        ..live::FAILOVER_ROLE_LEAST_PRIVILEGE.info
    },
    claims: &[
        claim(
            "assume_role_policy",
            "Every Allow statement of the trust policy names the Lambda service and no other principal",
            &[&FAILOVER_ROLE_TRUSTS_ACCOUNT],
        ),
        claim(
            "policy",
            "No statement of any inline policy of the role grants more than failover needs",
            &[&FAILOVER_POLICY_WILDCARD, &FAILOVER_ROLE_SECOND_INLINE_POLICY],
        ),
        claim(
            "policy_arn",
            "No managed policy is attached but one of the layout's whose every statement is within failover's needs",
            &[&FAILOVER_ROLE_ATTACHED_S3_READ],
        ),
        claim(
            "policy (grants)",
            "The role may fail the global cluster over and publish to the alerts topic, and no Deny refuses it",
            &[&FAILOVER_ROLE_DENIES_FAILOVER],
        ),
    ],
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

/// Whether a Deny may refuse `action` on what `on` covers: it covers the action, and a Resource
/// of it is a pattern (which may match anything) or names the resource.
fn denied(statements: &[Statement], action: &str, on: &Covered) -> bool {
    statements.iter().filter(|st| st.denies() && st.covers_action(action)).any(|st| {
        st.covers_resource_by(|r| {
            let t = text(r);
            t.contains('*') || t.contains('?') || (on.matches)(r)
        })
    })
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

/// The finding on one managed policy attached to a failover role: a policy of the layout whose
/// every statement is within failover's needs. An administrator's, or one the layout does not
/// declare (an AWS managed policy, whose statements the synth does not show), is a finding.
fn judge_attached(s: &Synth, owner: &Resource, property: &str, arn: Option<&Value>) -> Finding {
    let arn_text = arn.map(text).unwrap_or_default();
    let declared = s.referenced(arn).filter(|p| p.kind == "aws_iam_policy");
    let problem = if ADMIN_POLICIES.iter().any(|a| arn_text.ends_with(&format!("/{a}"))) {
        Some("an administrator's policy".to_owned())
    } else {
        match declared.as_ref().map(|p| policy_document(p.prop("policy"))) {
            None => Some("a managed policy the layout does not declare: its statements are not shown".to_owned()),
            Some(None) => Some("a policy without a JSON document".to_owned()),
            Some(Some(p)) => {
                let mut excesses: Vec<String> = p.statements.iter().flat_map(|st| excess(st, &SynthReach(s))).collect();
                let wide = p.allows().any(|st| st.actions().iter().any(|a| wildcard_action(a)));
                if wide && excesses.is_empty() {
                    excesses.push("a wildcard action".to_owned());
                }
                (!excesses.is_empty()).then(|| excesses.join("; "))
            }
        }
    };
    Finding::judge(
        owner.address(),
        property,
        problem.is_none(),
        format!("no {} or other managed policy beyond failover's needs", ADMIN_POLICIES.join("/")),
        match problem {
            Some(why) => format!("{arn_text}: {why}"),
            None => arn_text.clone(),
        },
        &arn,
    )
}

fn failover_role_least_privilege(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let roles = failover_roles(s);
    if roles.is_empty() {
        return vec![nothing_of::<Synth>(&format!("aws_iam_role assumed by {LAMBDA_SERVICE}"), "assume_role_policy")];
    }
    roles.iter().flat_map(|role| judge_role(s, role)).collect()
}

/// Every policy of one failover role: its trust, each inline document, each attachment, and what
/// all of them grant together.
fn judge_role(s: &Synth, role: &Resource) -> Vec<Finding> {
    let trust = policy_document(role.prop("assume_role_policy"));
    let principals: Vec<Value> = trust.as_ref().map(trusted).unwrap_or_default();
    let mut findings = vec![Finding::judge(
        role.address(),
        "assume_role_policy",
        trust.as_ref().is_some_and(trusts_only_lambda),
        format!("only Principal.Service {LAMBDA_SERVICE}"),
        Value::Array(principals),
        &trust,
    )];

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
            let allowed =
                granted.iter().any(|st| st.allows() && st.covers_action(action) && st.covers_resource_by(&on.matches));
            !allowed || denied(&granted, action, on)
        })
        .map(|(action, on)| format!("{action} on {}", on.name))
        .collect();
    findings.push(Finding::judge(
        role.address(),
        "policy (grants)",
        lacking.is_empty(),
        "grants rds:DescribeDBClusters, rds:FailoverGlobalCluster on the global cluster, sns:Publish on the alerts topic, ssm:GetParameter, and denies none of them",
        if lacking.is_empty() {
            "all granted".to_owned()
        } else {
            format!("not granted, or denied: {}", lacking.join(", "))
        },
        &granted,
    ));

    for a in &companions(s, "aws_iam_role_policy_attachment", "role", role) {
        findings.push(judge_attached(s, a, "policy_arn", a.prop("policy_arn")));
    }
    for arn in blocks(role.prop("managed_policy_arns")) {
        findings.push(judge_attached(s, role, "managed_policy_arns", Some(arn)));
    }
    findings
}

pub const FAILOVER_TRIGGERED_BY_ALARMS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: SnsTopicSubscription failover_subscription { topicArn: alerts_topic.arn, protocol: 'lambda', endpoint: failover_function.arn }; LambdaPermission failover_invoke_permission { action: 'lambda:InvokeFunction', principal: 'sns.amazonaws.com', sourceArn: alerts_topic.arn }, and no other permission on the function; LambdaFunction failover_function environment.variables.ALERTS_TOPIC_ARN: alerts_topic.arn.",
        ..live::FAILOVER_TRIGGERED_BY_ALARMS.info
    },
    claims: &[
        claim("protocol", "The function's subscription is a lambda subscription", &[&FAILOVER_SUBSCRIPTION_EMAIL]),
        claim("topic_arn", "The function is subscribed to the alerts topic", &[&FAILOVER_SUBSCRIPTION_OTHER_TOPIC]),
        claim(
            "source_arn",
            "Every permission on the function names the alerts topic as its source",
            &[&FAILOVER_INVOKE_ANY_TOPIC],
        ),
        claim("principal", "Every permission on the function is for the SNS service only", &[&FAILOVER_INVOKE_PUBLIC]),
        claim(
            "environment.variables.ALERTS_TOPIC_ARN",
            "The function publishes its status to the alerts topic",
            &[&FAILOVER_ENV_OTHER_TOPIC],
        ),
    ],
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
        // Every permission on the function is judged: one for another principal, or for SNS
        // without the alerts topic as its source, lets others invoke the function that fails the
        // database over.
        let permissions = companions(s, "aws_lambda_permission", "function_name", l);
        if !permissions.iter().any(|p| is_text(p.prop("principal"), SNS_SERVICE)) {
            findings.push(missing(
                l,
                "invoke_permission",
                format!("a lambda permission for {SNS_SERVICE} from the alerts topic"),
            ));
        }
        for p in &permissions {
            findings.push(judge(p, "principal", is_text(p.prop("principal"), SNS_SERVICE), SNS_SERVICE));
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
        remediation: "stacks/dr/v1: SsmParameter failover_config (name /healthcare-dr/<suffix>/config, type String, value { globalClusterIdentifier: global_cluster.id, primaryClusterArn: primary_cluster.arn, drClusterArn: dr_cluster.arn, ... }); LambdaFunction failover_function environment.variables.CONFIG_PARAMETER_NAME: failover_config.name.",
        ..live::FAILOVER_CONFIG_PARAMETER_PRESENT.info
    },
    claims: &[
        claim(
            "environment.variables.CONFIG_PARAMETER_NAME",
            "The function is pointed at an SSM parameter of the layout",
            &[&FAILOVER_CONFIG_UNSET],
        ),
        claim(
            "type",
            "The parameter is a String, which the function reads without decryption",
            &[&FAILOVER_CONFIG_SECURE_STRING],
        ),
        claim(
            "value.globalClusterIdentifier",
            "The configuration names the layout's global cluster",
            &[&FAILOVER_CONFIG_OTHER_GLOBAL_CLUSTER],
        ),
        claim(
            "value.primaryClusterArn",
            "The configuration names a primary-region cluster of the layout as the primary",
            &[&FAILOVER_CONFIG_PRIMARY_IS_DR],
        ),
        claim(
            "value.drClusterArn",
            "The configuration names a DR-region cluster of the layout as the one to promote",
            &[&FAILOVER_CONFIG_DR_IS_PRIMARY],
        ),
    ],
    run: failover_config_parameter_present,
};

fn failover_config_parameter_present(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let variable = "environment.variables.CONFIG_PARAMETER_NAME";
    per_resource(s, "aws_lambda_function", variable, |l| {
        let v = l.prop(variable);
        // A reference to a parameter of the layout, or a literal naming one.
        let pointed: Vec<Resource> = s
            .resources_of("aws_ssm_parameter")
            .filter(|p| {
                names(v, p)
                    || v.and_then(Value::as_str)
                        .is_some_and(|name| !name.contains("${") && is_text(p.prop("name"), name))
            })
            .collect();
        let mut findings = vec![judge(l, variable, !pointed.is_empty(), "the name of an SSM parameter of this layout")];
        findings.extend(pointed.iter().flat_map(|p| judge_config(s, p)));
        findings
    })
}

/// The configuration parameter's type and which clusters its value names: the global cluster's
/// id, a primary-region cluster's ARN as the primary, a DR-region cluster's ARN as the DR.
fn judge_config(s: &Synth, p: &Resource) -> Vec<Finding> {
    let value: Option<Value> = p.prop("value").and_then(Value::as_str).and_then(|t| serde_json::from_str(t).ok());
    let field = |name: &str| value.as_ref().and_then(|v| v.get(name));
    let cluster_in = |v: Option<&Value>, region_name: &str| {
        s.referenced(v).is_some_and(|c| c.kind == "aws_rds_cluster" && s.region_of(&c) == Some(region_name))
            && attribute(v) == Some("arn")
    };
    let global = field("globalClusterIdentifier");
    let global_ok = refers_to(s, global, "aws_rds_global_cluster") && attribute(global) == Some("id");
    vec![
        judge(p, "type", is_text(p.prop("type"), "String"), "String"),
        judge_value(p, "value.globalClusterIdentifier", global, global_ok, "the id of the layout's global cluster"),
        judge_value(
            p,
            "value.primaryClusterArn",
            field("primaryClusterArn"),
            cluster_in(field("primaryClusterArn"), PRIMARY_REGION),
            format!("the ARN of a cluster of this layout in {PRIMARY_REGION}"),
        ),
        judge_value(
            p,
            "value.drClusterArn",
            field("drClusterArn"),
            cluster_in(field("drClusterArn"), DR_REGION),
            format!("the ARN of a cluster of this layout in {DR_REGION}"),
        ),
    ]
}

pub const FAILOVER_FUNCTION_ENVIRONMENT_WITHOUT_CREDENTIALS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: LambdaFunction failover_function environment.variables holds only ALERTS_TOPIC_ARN and CONFIG_PARAMETER_NAME; a credential stays in Secrets Manager, and a variable may name it only by ARN or name.",
        ..live::FAILOVER_FUNCTION_ENVIRONMENT_WITHOUT_CREDENTIALS.info
    },
    claims: &[claim(
        "environment.variables",
        "No variable is named like a credential unless it references a resource by ARN, id or name, and no value is shaped like one; values are never shown",
        &[&FAILOVER_ENV_DB_PASSWORD, &FAILOVER_ENV_CONNECTION_URL],
    )],
    run: failover_function_environment_without_credentials,
};

fn failover_function_environment_without_credentials(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let property = "environment.variables";
    per_resource(s, "aws_lambda_function", property, |l| {
        let variables =
            blocks(l.prop("environment")).first().and_then(|e| e.get("variables")).and_then(Value::as_object);
        let names: Vec<&String> = variables.map(|v| v.keys().collect()).unwrap_or_default();
        let credentials: Vec<String> = variables
            .into_iter()
            .flatten()
            .filter_map(|(name, v)| {
                // A reference to where a resource is (its ARN, id or name) is no credential.
                let pointer = matches!(attribute(Some(v)), Some("arn" | "id" | "name"));
                let why = if pointer { None } else { credential(name, &text(v)) };
                why.map(|why| format!("{name}: {why} (value not shown)"))
            })
            .collect();
        let expected = "no credential in plain text";
        if credentials.is_empty() {
            let actual = format!("none among {} variables", names.len());
            return vec![Finding::judge(l.address(), property, true, expected, actual, &names)];
        }
        credentials.into_iter().map(|c| Finding::judge(l.address(), property, false, expected, c, &names)).collect()
    })
}

pub const HEALTH_CHECK_WATCHES_REPLICATION_LAG: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: Route53HealthCheck replication_health_check type CLOUDWATCH_METRIC, cloudwatchAlarmName: replication_lag_alarm.alarmName, cloudwatchAlarmRegion: PRIMARY_REGION (the alarm's), insufficientDataHealthStatus: 'Unhealthy', neither invertHealthcheck nor disabled.",
        ..live::HEALTH_CHECK_WATCHES_REPLICATION_LAG.info
    },
    claims: &[
        claim("type", "The health check follows a CloudWatch alarm (CLOUDWATCH_METRIC)", &[&HEALTH_CHECK_HTTP]),
        claim(
            "cloudwatch_alarm_name",
            "The alarm it follows is the layout's replication lag alarm",
            &[&HEALTH_CHECK_FOLLOWS_CPU_ALARM],
        ),
        claim(
            "cloudwatch_alarm_region",
            "It looks for the alarm in the alarm's own region",
            &[&HEALTH_CHECK_OTHER_REGION],
        ),
        claim(
            "insufficient_data_health_status",
            "It is unhealthy while the alarm has no data",
            &[&HEALTH_CHECK_HEALTHY_WITHOUT_DATA],
        ),
        claim("invert_healthcheck", "Its status is not inverted", &[&HEALTH_CHECK_INVERTED]),
        claim("disabled", "It is not disabled", &[&HEALTH_CHECK_DISABLED]),
    ],
    run: health_check_watches_replication_lag,
};

fn health_check_watches_replication_lag(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_route53_health_check", "type", |h| {
        let alarm = s.referenced(h.prop("cloudwatch_alarm_name")).filter(|a| a.kind == "aws_cloudwatch_metric_alarm");
        let on_lag = alarm.as_ref().is_some_and(|a| a.id == LAG_ALARM);
        let alarm_region = alarm.map(|a| region(s, &a)).unwrap_or("the alarm's region");
        vec![
            judge(h, "type", is_text(h.prop("type"), "CLOUDWATCH_METRIC"), "CLOUDWATCH_METRIC"),
            judge(
                h,
                "cloudwatch_alarm_name",
                on_lag,
                format!("the alarm_name of aws_cloudwatch_metric_alarm.{LAG_ALARM}"),
            ),
            judge(h, "cloudwatch_alarm_region", is_text(h.prop("cloudwatch_alarm_region"), alarm_region), alarm_region),
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
