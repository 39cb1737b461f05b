//! The failover path: the function runs as its own least-privilege role, the alerts topic invokes
//! it (subscription plus resource policy), its configuration parameter exists, and the Route 53
//! health check follows the replication lag alarm.
//!
//! Emulator gaps (moto 5.2.5), skipped there and judged on AWS:
//! - GetHealthCheck of a CLOUDWATCH_METRIC check drops AlarmIdentifier and
//!   InsufficientDataHealthStatus (inside health_check_watches_replication_lag).
//!
//! Measured and emulated: Lambda GetPolicy (moto records AddPermission's SourceArn as
//! `ArnLike AWS:SourceArn`, as AWS does), IAM role policies, SNS subscriptions.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::facts::FactError;
use stackproof_harness::kit::policy::{Policy, Principal, Statement};

use super::DrFacts;
use super::monitoring::judge_named;
use super::mutants;
use super::outputs::{
    ALERTS_TOPIC_ARN, DR_CLUSTER_IDENTIFIER, FAILOVER_CONFIG_PARAMETER_NAME, GLOBAL_CLUSTER_IDENTIFIER,
    PRIMARY_CLUSTER_IDENTIFIER, REPLICATION_LAG_ALARM_NAME,
};

/// The service that must be the failover role's only trusted principal.
pub const LAMBDA_SERVICE: &str = "lambda.amazonaws.com";
/// The service that invokes the function through the topic.
pub const SNS_SERVICE: &str = "sns.amazonaws.com";
/// The rds actions the function may have beyond `rds:Describe*` (lowercase: IAM actions are
/// case-insensitive).
pub const RDS_ACTIONS: &[&str] = &["rds:failoverglobalcluster", "rds:modifydbcluster"];
/// Managed policies that make any role an administrator.
pub const ADMIN_POLICIES: &[&str] = &["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[
    FAILOVER_FUNCTION_RUNS_AS_FAILOVER_ROLE,
    FAILOVER_ROLE_LEAST_PRIVILEGE,
    FAILOVER_TRIGGERED_BY_ALARMS,
    FAILOVER_CONFIG_PARAMETER_PRESENT,
    HEALTH_CHECK_WATCHES_REPLICATION_LAG,
];

/// An IAM glob (`*` at the end only, as the layout uses them) covering a concrete value,
/// case-insensitively as IAM compares actions.
fn covers(pattern: &str, value: &str) -> bool {
    let (p, v) = (pattern.to_ascii_lowercase(), value.to_ascii_lowercase());
    match p.strip_suffix('*') {
        Some(prefix) => v.starts_with(prefix),
        None => p == v,
    }
}

/// `*` or `<service>:*`: every action (of a service).
fn wildcard_action(action: &str) -> bool {
    action == "*" || action.ends_with(":*")
}

/// An execution role ARN (`arn:aws:iam::<account>:role[/path]/<name>`) naming `role`.
fn arn_names_role(arn: &str, role: &str) -> bool {
    arn.contains(":role/") && arn.rsplit('/').next() == Some(role)
}

/// Where the failover role may act: the stack's clusters and its alerts topic, when the outputs
/// name them.
struct Scope {
    /// ARN endings of the global, primary and DR clusters.
    clusters: Option<[String; 3]>,
    topic: Option<String>,
}

impl Scope {
    fn of(f: &DrFacts) -> Self {
        let o = &f.outputs;
        let clusters =
            match (o.get(GLOBAL_CLUSTER_IDENTIFIER), o.get(PRIMARY_CLUSTER_IDENTIFIER), o.get(DR_CLUSTER_IDENTIFIER)) {
                (Ok(g), Ok(p), Ok(d)) => {
                    Some([format!(":global-cluster:{g}"), format!(":cluster:{p}"), format!(":cluster:{d}")])
                }
                _ => None,
            };
        Self { clusters, topic: o.get(ALERTS_TOPIC_ARN).ok().map(str::to_owned) }
    }
}

/// What an Allow statement grants beyond the failover function's needs, one line per excess.
fn excess(s: &Statement, scope: &Scope) -> Vec<String> {
    if !s.allows() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if s.not_action.is_some() {
        out.push(format!("NotAction {} (allows every other action)", s.not_actions().join(",")));
    }
    if s.not_resource.is_some() {
        out.push(format!("NotResource {} (allows every other resource)", s.not_resources().join(",")));
    }
    let (actions, resources) = (s.actions(), s.resources());
    if resources.iter().any(|r| r == "*") {
        out.push(format!("Resource * for {}", actions.join(",")));
    }
    let service_of = |a: &str| a.split_once(':').map(|(svc, _)| svc.to_ascii_lowercase());
    let mut rds = false;
    let mut sns = false;
    for a in &actions {
        if wildcard_action(a) {
            out.push(format!("Action {a}"));
            continue;
        }
        match service_of(a).as_deref() {
            Some("rds") => {
                rds = true;
                let lower = a.to_ascii_lowercase();
                if !(lower.starts_with("rds:describe") || RDS_ACTIONS.contains(&lower.as_str())) {
                    out.push(format!("Action {a} (beyond rds:Describe*, FailoverGlobalCluster, ModifyDBCluster)"));
                }
            }
            Some("sns") => {
                sns = true;
                if !a.eq_ignore_ascii_case("sns:Publish") {
                    out.push(format!("Action {a} (beyond sns:Publish)"));
                }
            }
            _ => {}
        }
    }
    let concrete = resources.iter().filter(|r| *r != "*");
    if let (true, Some(clusters)) = (rds, &scope.clusters) {
        for r in concrete.clone().filter(|r| !clusters.iter().any(|c| r.ends_with(c.as_str()))) {
            out.push(format!("rds on {r} (not one of the stack's clusters)"));
        }
    }
    if let (true, Some(topic)) = (sns, &scope.topic) {
        for r in concrete.filter(|r| *r != topic) {
            out.push(format!("sns on {r} (not the alerts topic)"));
        }
    }
    let label = s.sid.as_deref().map_or(String::new(), |sid| format!("{sid}: "));
    out.into_iter().map(|e| format!("{label}{e}")).collect()
}

/// Whether some Allow statement grants `action` on a resource `resource_ok` accepts.
fn grants(stmts: &[Statement], action: &str, resource_ok: impl Fn(&str) -> bool) -> bool {
    stmts.iter().any(|s| {
        s.allows()
            && s.not_action.is_none()
            && s.actions().iter().any(|a| covers(a, action))
            && s.resources().iter().any(|r| r == "*" || resource_ok(r))
    })
}

/// The principals of the Allow statements of a trust policy, and whether they are exactly the
/// Lambda service.
fn trusts_only_lambda(trust: &Value) -> (bool, Vec<Value>) {
    let allows: Vec<Statement> = Policy::parse(trust).statements.into_iter().filter(Statement::allows).collect();
    let principals: Vec<Value> =
        allows.iter().map(|s| serde_json::to_value(&s.principal).unwrap_or(Value::Null)).collect();
    let only_lambda = |s: &Statement| {
        matches!(&s.principal, Some(p @ Principal::Of(_)) if p.types() == ["Service"])
            && s.not_principal.is_none()
            && s.service_principals() == [LAMBDA_SERVICE]
    };
    (!allows.is_empty() && allows.iter().all(only_lambda), principals)
}

/// Whether a resource-policy statement lets the SNS service invoke the function from `topic` only.
fn sns_may_invoke_from(s: &Statement, topic: &str) -> bool {
    let source_arns: Vec<String> = s
        .conditions
        .iter()
        .filter(|c| c.key.eq_ignore_ascii_case("aws:SourceArn"))
        .flat_map(|c| c.values.iter().map(stackproof_harness::kit::policy::text))
        .collect();
    let source_is_topic = !source_arns.is_empty() && source_arns.iter().all(|x| x == topic);
    s.allows()
        && s.service_principals().iter().any(|p| p == SNS_SERVICE)
        && s.actions().iter().any(|a| a.eq_ignore_ascii_case("lambda:InvokeFunction"))
        && source_is_topic
}

pub const FAILOVER_FUNCTION_RUNS_AS_FAILOVER_ROLE: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "failover_function_runs_as_failover_role",
        service: "failover",
        title: "The failover function runs as the stack's failover role",
        citations: &["45 CFR 164.308(a)(4)(ii)(B)", "45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::High,
        risk: "A function running as another role either cannot fail the database over when it must, or holds permissions (such as S3 replication's) that its code was never reviewed for.",
        remediation: "main.ts: failover_function (LambdaFunction) needs role: failoverRole.arn.",
    },
    mutant: &mutants::FAILOVER_FUNCTION_FOREIGN_ROLE,
    run: failover_function_runs_as_failover_role,
};

fn failover_function_runs_as_failover_role(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.function;
    let role = &f.ops.role;
    judge_named(n, "Role", |func| {
        // The role's ARN when IAM answered; else the role name from the outputs.
        let (ok, expected) = match &role.fact {
            Ok(r) => (func.role == r.arn, r.arn.clone()),
            Err(_) => (arn_names_role(&func.role, &role.resource), format!("the ARN of role {}", role.resource)),
        };
        vec![Finding::judge(&n.resource, "Role", ok, expected, &func.role, func)]
    })
}

pub const FAILOVER_ROLE_LEAST_PRIVILEGE: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "failover_role_least_privilege",
        service: "failover",
        title: "The failover role is assumable by Lambda only and grants just what failover needs",
        citations: &["45 CFR 164.308(a)(4)(ii)(B)", "45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(3)(ii)(A)"],
        severity: Severity::Critical,
        risk: "rds:* on * lets whoever controls the function (or its code) delete or snapshot-and-share any database in the account; a broad trust policy lets other principals become the role.",
        remediation: "main.ts: failover_role (IamRole) assumeRolePolicy trusts lambda.amazonaws.com only; failover_policy (IamRolePolicy) grants rds:DescribeDBClusters/FailoverGlobalCluster/ModifyDBCluster on the three cluster ARNs and sns:Publish on alertsTopic.arn only, no '*' actions or resources; attach no managed admin policy (IamRolePolicyAttachment).",
    },
    mutant: &mutants::FAILOVER_ROLE_WILDCARD,
    run: failover_role_least_privilege,
};

fn failover_role_least_privilege(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.role;
    let scope = Scope::of(f);
    judge_named(n, "Policy", |role| {
        let r = &n.resource;
        let mut findings = Vec::new();

        let (only_lambda, principals) = trusts_only_lambda(&role.assume_role_policy_document);
        findings.push(Finding::judge(
            r,
            "AssumeRolePolicyDocument",
            only_lambda,
            format!("only Principal.Service {LAMBDA_SERVICE}"),
            Value::Array(principals),
            &role.assume_role_policy_document,
        ));

        let inline: Vec<Statement> =
            role.role_policies.iter().flat_map(|p| Policy::parse(&p.policy_document).statements).collect();
        let excesses: Vec<String> = inline.iter().flat_map(|s| excess(s, &scope)).collect();
        findings.push(Finding::judge(
            r,
            "Policy",
            excesses.is_empty(),
            "no '*' or '<service>:*' action, no Resource '*', rds limited to Describe*/FailoverGlobalCluster/ModifyDBCluster on the stack's clusters, sns:Publish on the alerts topic only",
            if excesses.is_empty() { "nothing beyond that".to_owned() } else { excesses.join("; ") },
            &role.role_policies,
        ));

        let mut all = inline;
        all.extend(role.attached_policies.iter().flat_map(|p| Policy::parse(&p.policy_document).statements));
        let mut missing = Vec::new();
        match &scope.clusters {
            Some([global, ..]) => {
                if !grants(&all, "rds:FailoverGlobalCluster", |res| res.ends_with(global.as_str())) {
                    missing.push("rds:FailoverGlobalCluster on the global cluster");
                }
            }
            None => missing.push("(the cluster outputs are missing)"),
        }
        match &scope.topic {
            Some(topic) => {
                if !grants(&all, "sns:Publish", |res| res == topic) {
                    missing.push("sns:Publish on the alerts topic");
                }
            }
            None => missing.push("(the AlertsTopicArn output is missing)"),
        }
        findings.push(Finding::judge(
            r,
            "Policy",
            missing.is_empty(),
            "grants rds:FailoverGlobalCluster on the global cluster and sns:Publish on the alerts topic",
            if missing.is_empty() { "both granted".to_owned() } else { format!("missing: {}", missing.join(", ")) },
            &role.role_policies,
        ));

        let admin: Vec<String> = role
            .attached_policies
            .iter()
            .filter(|p| {
                ADMIN_POLICIES.iter().any(|a| p.policy_name == *a || p.policy_arn.ends_with(&format!("/{a}")))
                    || Policy::parse(&p.policy_document).statements.iter().any(|s| {
                        s.allows() && (s.not_action.is_some() || s.actions().iter().any(|a| wildcard_action(a)))
                    })
            })
            .map(|p| p.policy_arn.clone())
            .collect();
        let attached: Vec<&str> = role.attached_policies.iter().map(|p| p.policy_arn.as_str()).collect();
        findings.push(Finding::judge(
            r,
            "AttachedPolicies",
            admin.is_empty(),
            format!("no {} or other wildcard-action managed policy", ADMIN_POLICIES.join("/")),
            if !admin.is_empty() {
                format!("attached: {}", admin.join(", "))
            } else if attached.is_empty() {
                "none attached".to_owned()
            } else {
                attached.join(", ")
            },
            &json!({ "AttachedPolicies": attached }),
        ));
        findings
    })
}

pub const FAILOVER_TRIGGERED_BY_ALARMS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "failover_triggered_by_alarms",
        service: "failover",
        title: "The alerts topic invokes the failover function: a lambda subscription and a resource policy for that topic only",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)", "45 CFR 164.308(a)(6)(ii)"],
        severity: Severity::High,
        risk: "Without the subscription the alarms page people but never start the failover runbook; a resource policy without SourceArn lets any topic, in any account, invoke the function that fails the database over.",
        remediation: "main.ts: failover_subscription (SnsTopicSubscription) needs topicArn: alertsTopic.arn, protocol: lambda, endpoint: failoverFunction.arn; failover_invoke_permission (LambdaPermission) needs principal sns.amazonaws.com, action lambda:InvokeFunction, sourceArn: alertsTopic.arn; failover_function environment.variables.ALERTS_TOPIC_ARN: alertsTopic.arn.",
    },
    mutant: &mutants::FAILOVER_NOT_SUBSCRIBED,
    run: failover_triggered_by_alarms,
};

fn failover_triggered_by_alarms(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.function;
    let r = &n.resource;
    let topic = match f.outputs.get(ALERTS_TOPIC_ARN) {
        Ok(t) => t,
        Err(e) => return vec![Finding::error(r, "Subscription", e)],
    };
    // The function's ARN when Lambda answered; else any ARN ending in its name.
    let function_arn = n.fact.as_ref().ok().map(|func| func.function_arn.clone());
    let is_function = |endpoint: &str| match &function_arn {
        Some(arn) => endpoint == arn,
        None => endpoint.ends_with(&format!(":function:{r}")),
    };
    let mut findings = judge_named(&f.ops.subscriptions, "Subscription", |subs| {
        let found = subs.iter().find(|s| s.protocol == "lambda" && is_function(&s.endpoint));
        let (ok, actual) = match found {
            Some(s) if s.subscription_arn == "PendingConfirmation" => {
                (false, "subscribed, pending confirmation".to_owned())
            }
            Some(s) => (true, format!("subscribed ({})", s.subscription_arn)),
            None if subs.is_empty() => (false, "the topic has no subscriptions".to_owned()),
            None => (
                false,
                format!(
                    "no lambda subscription of this function; subscriptions: {}",
                    subs.iter().map(|s| format!("{} {}", s.protocol, s.endpoint)).collect::<Vec<_>>().join(", ")
                ),
            ),
        };
        vec![Finding::judge(
            r,
            "Subscription",
            ok,
            format!("a confirmed lambda subscription on {topic} to {}", function_arn.as_deref().unwrap_or(r)),
            actual,
            subs,
        )]
    });

    let expected = format!("{SNS_SERVICE} may lambda:InvokeFunction with aws:SourceArn = {topic}");
    findings.push(match &f.ops.function_policy.fact {
        Ok(p) => {
            let ok = Policy::parse(&p.policy).statements.iter().any(|s| sns_may_invoke_from(s, topic));
            let actual = if ok { "allowed for the topic only".to_owned() } else { "no such statement".to_owned() };
            Finding::judge(r, "Policy", ok, expected, actual, p)
        }
        Err(FactError::Absent { .. }) => {
            Finding::judge(r, "Policy", false, expected, "no resource policy", &Value::Null)
        }
        Err(e) => Finding::error(r, "Policy", e),
    });

    findings.extend(judge_named(n, "Environment.Variables.ALERTS_TOPIC_ARN", |func| {
        let actual = func.environment.get("ALERTS_TOPIC_ARN").map_or("not set", String::as_str);
        vec![Finding::judge(
            r,
            "Environment.Variables.ALERTS_TOPIC_ARN",
            actual == topic,
            topic,
            actual,
            &func.environment,
        )]
    }));
    findings
}

pub const FAILOVER_CONFIG_PARAMETER_PRESENT: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "failover_config_parameter_present",
        service: "failover",
        title: "The failover configuration parameter exists and the function is pointed at it",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::High,
        risk: "The function reads which clusters to promote from this parameter: without it, failover fails at the moment of the disaster, after the RPO clock has started.",
        remediation: "main.ts: failover_config (SsmParameter) must exist with name /healthcare-dr/<suffix>/config; failover_function environment.variables.CONFIG_PARAMETER_NAME: failoverConfig.name.",
    },
    mutant: &mutants::FAILOVER_CONFIG_MISSING,
    run: failover_config_parameter_present,
};

fn failover_config_parameter_present(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.parameter;
    let mut findings = judge_named(n, "Parameter", |p| {
        let kind = p.kind.as_deref().unwrap_or("unknown type");
        vec![Finding::judge(
            &n.resource,
            "Parameter",
            true,
            "exists",
            format!("exists ({kind}, version {})", p.version),
            p,
        )]
    });
    let func = &f.ops.function;
    let property = "Environment.Variables.CONFIG_PARAMETER_NAME";
    findings.extend(match f.outputs.get(FAILOVER_CONFIG_PARAMETER_NAME) {
        Ok(name) => judge_named(func, property, |fc| {
            let actual = fc.environment.get("CONFIG_PARAMETER_NAME").map_or("not set", String::as_str);
            vec![Finding::judge(&func.resource, property, actual == name, name, actual, &fc.environment)]
        }),
        Err(e) => vec![Finding::error(&func.resource, property, e)],
    });
    findings
}

pub const HEALTH_CHECK_WATCHES_REPLICATION_LAG: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "health_check_watches_replication_lag",
        service: "failover",
        title: "The Route 53 health check follows the replication lag alarm, and is unhealthy when the alarm has no data",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "A health check that probes an endpoint instead of the lag alarm (or treats missing data as healthy) reports the primary healthy while the DR copy falls beyond the RPO, so DNS never fails over.",
        remediation: "main.ts: replication_health_check (Route53HealthCheck) needs type: CLOUDWATCH_METRIC, cloudwatchAlarmName: replicationLagAlarm.alarmName, cloudwatchAlarmRegion: PRIMARY_REGION, insufficientDataHealthStatus: Unhealthy, and neither invertHealthcheck nor disabled.",
    },
    mutant: &mutants::HEALTH_CHECK_HTTP,
    run: health_check_watches_replication_lag,
};

fn health_check_watches_replication_lag(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.health_check;
    let alarm = f.outputs.get(REPLICATION_LAG_ALARM_NAME);
    judge_named(n, "Type", |h| {
        let r = &n.resource;
        let c = &h.health_check_config;
        let mut findings =
            vec![Finding::judge(r, "Type", c.kind == "CLOUDWATCH_METRIC", "CLOUDWATCH_METRIC", &c.kind, c)];
        findings.push(match (&c.alarm_identifier, &alarm) {
            (_, Err(e)) => Finding::error(r, "AlarmIdentifier", e),
            (Some(id), Ok(name)) => {
                let ok = id.name == *name && id.region == f.regions.primary;
                let expected = format!("Name {name}, Region {}", f.regions.primary);
                Finding::judge(r, "AlarmIdentifier", ok, expected, format!("Name {}, Region {}", id.name, id.region), c)
            }
            (None, Ok(_)) if f.emulated => Finding::skip(
                r,
                "AlarmIdentifier",
                "not emulated: moto drops AlarmIdentifier of CLOUDWATCH_METRIC health checks",
            ),
            (None, Ok(name)) => Finding::judge(
                r,
                "AlarmIdentifier",
                false,
                format!("Name {name}, Region {}", f.regions.primary),
                "none",
                c,
            ),
        });
        let status = c.insufficient_data_health_status.as_deref();
        findings.push(match status {
            None if f.emulated => Finding::skip(
                r,
                "InsufficientDataHealthStatus",
                "not emulated: moto drops InsufficientDataHealthStatus of CLOUDWATCH_METRIC health checks",
            ),
            _ => {
                let actual = status.unwrap_or("none");
                Finding::judge(r, "InsufficientDataHealthStatus", actual == "Unhealthy", "Unhealthy", actual, c)
            }
        });
        let inverted = c.inverted.unwrap_or(false);
        findings.push(Finding::judge(r, "Inverted", !inverted, false, inverted, c));
        let disabled = c.disabled.unwrap_or(false);
        findings.push(Finding::judge(r, "Disabled", !disabled, false, disabled, c));
        findings
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            clusters: Some([":global-cluster:g".into(), ":cluster:p".into(), ":cluster:d".into()]),
            topic: Some("arn:aws:sns:eu-west-2:1:alerts".into()),
        }
    }

    fn stmt(doc: Value) -> Statement {
        Policy::parse(&json!({ "Statement": doc })).statements.remove(0)
    }

    #[test]
    fn the_layouts_own_statements_grant_nothing_in_excess() {
        let s = scope();
        let rds = stmt(json!({"Effect": "Allow",
            "Action": ["rds:DescribeDBClusters", "rds:FailoverGlobalCluster", "rds:ModifyDBCluster"],
            "Resource": ["arn:aws:rds::1:global-cluster:g", "arn:aws:rds:eu-west-2:1:cluster:p", "arn:aws:rds:eu-west-1:1:cluster:d"]}));
        assert!(excess(&rds, &s).is_empty(), "{:?}", excess(&rds, &s));
        let sns =
            stmt(json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:eu-west-2:1:alerts"}));
        assert!(excess(&sns, &s).is_empty());
        let ssm = stmt(
            json!({"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": "arn:aws:ssm:eu-west-2:1:parameter/x/*"}),
        );
        assert!(excess(&ssm, &s).is_empty());
        assert!(grants(&[rds], "rds:FailoverGlobalCluster", |r| r.ends_with(":global-cluster:g")));
        assert!(grants(&[sns], "sns:Publish", |r| r == "arn:aws:sns:eu-west-2:1:alerts"));
    }

    #[test]
    fn wildcards_foreign_resources_and_extra_actions_are_excess() {
        let s = scope();
        let mutant = stmt(json!({"Effect": "Allow", "Action": "rds:*", "Resource": "*"}));
        let e = excess(&mutant, &s);
        assert!(e.iter().any(|x| x.contains("Action rds:*")) && e.iter().any(|x| x.contains("Resource *")), "{e:?}");
        let delete = stmt(
            json!({"Effect": "Allow", "Action": "rds:DeleteDBCluster", "Resource": "arn:aws:rds:eu-west-2:1:cluster:p"}),
        );
        assert_eq!(excess(&delete, &s).len(), 1);
        let other = stmt(
            json!({"Effect": "Allow", "Action": "rds:ModifyDBCluster", "Resource": "arn:aws:rds:eu-west-2:1:cluster:prod"}),
        );
        assert_eq!(excess(&other, &s).len(), 1);
        let topic =
            stmt(json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:eu-west-2:1:other"}));
        assert_eq!(excess(&topic, &s).len(), 1);
        let everything = stmt(json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:x"}));
        assert_eq!(excess(&everything, &s).len(), 1);
        let deny = stmt(json!({"Effect": "Deny", "Action": "*", "Resource": "*"}));
        assert!(excess(&deny, &s).is_empty());
    }

    #[test]
    fn only_the_lambda_service_may_assume_the_role() {
        let lambda = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        assert!(trusts_only_lambda(&lambda).0);
        let also_account = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com", "AWS": "*"}, "Action": "sts:AssumeRole"}]});
        assert!(!trusts_only_lambda(&also_account).0);
        assert!(!trusts_only_lambda(&json!({"Statement": []})).0);
    }

    #[test]
    fn the_topic_may_invoke_only_with_its_source_arn() {
        let topic = "arn:aws:sns:eu-west-2:1:alerts";
        let ok = stmt(
            json!({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "lambda:InvokeFunction",
            "Condition": {"ArnLike": {"AWS:SourceArn": topic}}}),
        );
        assert!(sns_may_invoke_from(&ok, topic));
        let any_topic = stmt(
            json!({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "lambda:InvokeFunction"}),
        );
        assert!(!sns_may_invoke_from(&any_topic, topic));
        let other = stmt(
            json!({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "lambda:InvokeFunction",
            "Condition": {"ArnEquals": {"aws:sourcearn": "arn:aws:sns:eu-west-2:1:other"}}}),
        );
        assert!(!sns_may_invoke_from(&other, topic));
    }

    #[test]
    fn role_arns_match_by_name_with_or_without_a_path() {
        assert!(arn_names_role("arn:aws:iam::1:role/healthcare-failover-x", "healthcare-failover-x"));
        assert!(arn_names_role("arn:aws:iam::1:role/service/healthcare-failover-x", "healthcare-failover-x"));
        assert!(!arn_names_role("arn:aws:iam::1:role/healthcare-s3-replication-x", "healthcare-failover-x"));
        assert!(covers("rds:Describe*", "rds:DescribeDBClusters") && !covers("rds:Modify", "rds:ModifyDBCluster"));
    }
}
