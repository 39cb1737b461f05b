//! The failover path: the function runs as its own least-privilege role (every statement of its
//! trust policy, of each inline policy and of each attached managed policy judged with one policy
//! model), the alerts topic and only it invokes the function (subscription plus every statement
//! of its resource policy), its configuration parameter exists and names the stack's clusters,
//! its environment holds no credential, and the Route 53 health check follows the replication lag
//! alarm.
//!
//! Emulator gaps (moto 5.2.5), skipped there and judged on AWS:
//! - GetHealthCheck of a CLOUDWATCH_METRIC check drops AlarmIdentifier and
//!   InsufficientDataHealthStatus (inside health_check_watches_replication_lag).
//!
//! Measured and emulated: Lambda GetPolicy (moto records AddPermission's SourceArn as
//! `ArnLike AWS:SourceArn`, as AWS does), IAM role policies (inline and AWS managed), SNS
//! subscriptions, SSM GetParameter of a String parameter.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::iam::Role;
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::facts::lambda::Function;
use stackproof_harness::facts::sns::Subscription;
use stackproof_harness::facts::ssm::ParameterValue;
use stackproof_harness::facts::{FactError, Named};
use stackproof_harness::kit::fact::{judge_both, judge_fact, judge_named, unavailable};
use stackproof_harness::kit::policy::{self, Policy, Statement};

use super::DrFacts;
use super::failover_policy::{ADMIN_POLICIES, LAMBDA_SERVICE, Reach, SNS_SERVICE, excess, trusted, trusts_only_lambda};
use super::mutants;

/// The condition operators that pin `aws:SourceArn` to a value; negated and `IfExists` forms
/// let other sources through.
const SOURCE_ARN_OPERATORS: &[&str] = &["ArnEquals", "ArnLike", "StringEquals", "StringLike"];

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[
    FAILOVER_FUNCTION_RUNS_AS_FAILOVER_ROLE,
    FAILOVER_ROLE_LEAST_PRIVILEGE,
    FAILOVER_TRIGGERED_BY_ALARMS,
    FAILOVER_CONFIG_PARAMETER_PRESENT,
    FAILOVER_FUNCTION_ENVIRONMENT_WITHOUT_CREDENTIALS,
    HEALTH_CHECK_WATCHES_REPLICATION_LAG,
];

/// An execution role ARN (`arn:aws:iam::<account>:role[/path]/<name>`) naming `role`.
fn arn_names_role(arn: &str, role: &str) -> bool {
    arn.contains(":role/") && arn.rsplit('/').next() == Some(role)
}

/// Where the failover role may act: the stack's clusters (each in its own region, in the role's
/// account), its alerts topic and its primary key, as the outputs name them.
pub(crate) struct Scope {
    /// The global cluster's identifier.
    pub global: String,
    /// The primary and DR clusters: (region, identifier).
    pub clusters: [(String, String); 2],
    /// The role's partition and account, from its ARN.
    pub partition: String,
    pub account: String,
    pub topic: String,
    pub key: String,
}

impl Scope {
    /// The scope the outputs declare for the role `role_arn`, or the first of them that is missing.
    fn of<'a>(f: &'a DrFacts, role_arn: &str) -> Result<Self, &'a FactError> {
        let value = |n: &'a Named<String>| n.fact.as_deref().map(str::to_owned);
        let ids = &f.core.cluster_ids;
        let arn_part = |i: usize| role_arn.split(':').nth(i).unwrap_or_default().to_owned();
        Ok(Self {
            global: value(&ids.global)?,
            clusters: [(f.regions.primary.clone(), value(&ids.primary)?), (f.regions.dr.clone(), value(&ids.dr)?)],
            partition: arn_part(1),
            account: arn_part(4),
            topic: value(&f.ops.topic_arn)?,
            key: value(&f.core.key_arns.primary)?,
        })
    }

    /// The global cluster's ARN.
    fn global_arn(&self) -> String {
        format!("arn:{}:rds::{}:global-cluster:{}", self.partition, self.account, self.global)
    }
}

impl Reach for Scope {
    /// The global cluster's ARN, or a cluster's in its own region; in the role's account.
    fn is_cluster(&self, r: &Value) -> bool {
        let r = policy::text(r);
        let parts: Vec<&str> = r.splitn(7, ':').collect();
        let ["arn", _, "rds", region, account, kind, id] = parts.as_slice() else { return false };
        let ours = *account == self.account;
        match *kind {
            "global-cluster" => ours && region.is_empty() && *id == self.global,
            "cluster" => ours && self.clusters.iter().any(|(rg, c)| region == rg && id == c),
            _ => false,
        }
    }
    fn is_topic(&self, r: &Value) -> bool {
        policy::text(r) == self.topic
    }
    fn is_key(&self, r: &Value) -> bool {
        same_key(&policy::text(r), &self.key)
    }
}

/// Whether the statements let `action` on `arn` (an ARN in full): some Allow covers it and no
/// Deny may refuse it. A Deny counts whatever its conditions, since it can refuse when failover
/// runs.
fn grants(stmts: &[Statement], action: &str, arn: &str) -> bool {
    let covers = |s: &&Statement| s.covers_action(action) && s.covers_resource(arn);
    stmts.iter().filter(|s| s.allows()).any(|s| covers(&s)) && !stmts.iter().filter(|s| s.denies()).any(|s| covers(&s))
}

/// The failover role's inline policies grant nothing beyond what failover needs, on the stack's
/// own resources: judged over every statement of every document.
pub(crate) fn role_policy_finding(role: &str, scope: &Scope, documents: &[&Value]) -> Finding {
    let excesses: Vec<String> =
        documents.iter().flat_map(|d| Policy::parse(d).statements).flat_map(|s| excess(&s, scope)).collect();
    Finding::judge(
        role,
        "Policy",
        excesses.is_empty(),
        EXPECTED_GRANTS,
        if excesses.is_empty() { "nothing beyond that".to_owned() } else { excesses.join("; ") },
        &documents,
    )
}

/// What the role's policies may grant, for findings.
const EXPECTED_GRANTS: &str = "no '*' or '<service>:*' action, no Resource '*', only rds/sns/ssm/logs actions (kms on the primary key via a service), rds limited to Describe*/FailoverGlobalCluster/ModifyDBCluster on the stack's clusters, sns:Publish on the alerts topic only";

/// The role's trust policy lets the Lambda service, and no one else, assume it: every Allow
/// statement names exactly that service principal.
pub(crate) fn trust_policy_finding(role: &str, trust: &Value) -> Finding {
    let parsed = Policy::parse(trust);
    Finding::judge(
        role,
        "AssumeRolePolicyDocument",
        trusts_only_lambda(&parsed),
        format!("only Principal.Service {LAMBDA_SERVICE}"),
        Value::Array(trusted(&parsed)),
        trust,
    )
}

/// Whether a resource-policy statement lets the SNS service invoke the function from `topic` only.
fn sns_may_invoke_from(s: &Statement, topic: &str) -> bool {
    let source_arns = s.condition_values(SOURCE_ARN_OPERATORS, "aws:SourceArn");
    // Any other operator on the key (ArnNotEquals, ...IfExists) would let other sources in.
    let loose = s.conditions.iter().any(|c| {
        c.key.eq_ignore_ascii_case("aws:SourceArn")
            && !SOURCE_ARN_OPERATORS.iter().any(|o| c.operator.eq_ignore_ascii_case(o))
    });
    let source_is_topic = !source_arns.is_empty() && source_arns.iter().all(|x| x == topic) && !loose;
    // The SNS service and no one else: another principal beside it would share the grant.
    let only_sns = s.not_principal.is_none()
        && s.principal.as_ref().is_some_and(|p| p.types() == ["Service"])
        && s.service_principals() == [SNS_SERVICE];
    s.allows() && only_sns && s.covers_action("lambda:InvokeFunction") && source_is_topic
}

/// The function's resource policy lets each alerts topic (the primary one; from v2 the DR region's
/// too) invoke `function` through SNS, and no statement lets anyone else invoke it: every Allow
/// that covers lambda:InvokeFunction is judged, not just the one that looks right. `policy` is the
/// resource policy, if the function has one.
pub(crate) fn invoke_policy_finding(function: &str, topics: &[&str], policy: Option<&Value>) -> Finding {
    let expected = format!(
        "{SNS_SERVICE} may lambda:InvokeFunction with aws:SourceArn = {}, and no other statement lets anyone invoke it",
        topics.join(" (and) ")
    );
    let Some(doc) = policy else {
        return Finding::judge(function, "Policy", false, expected, "no resource policy", &Value::Null);
    };
    let parsed = Policy::parse(doc);
    let mut problems: Vec<String> = topics
        .iter()
        .filter(|t| !parsed.statements.iter().any(|s| sns_may_invoke_from(s, t)))
        .map(|t| format!("no statement for the alerts topic {t}"))
        .collect();
    problems.extend(
        parsed
            .allows()
            .filter(|s| s.covers_action("lambda:InvokeFunction") && !topics.iter().any(|t| sns_may_invoke_from(s, t)))
            .map(|s| format!("{} lets {} invoke it", s.label(), invokers(s))),
    );
    let actual = if problems.is_empty() { "allowed for the topics only".to_owned() } else { problems.join("; ") };
    Finding::judge(function, "Policy", problems.is_empty(), expected, actual, doc)
}

/// Who a resource-policy statement lets in, for messages: its principals and source condition.
fn invokers(s: &Statement) -> String {
    let principal = match (&s.principal, &s.not_principal) {
        (_, Some(_)) => "everyone but the NotPrincipal".to_owned(),
        (Some(p), None) if p.is_everyone() => "everyone".to_owned(),
        (Some(p), None) => serde_json::to_string(p).unwrap_or_default(),
        (None, None) => "no principal".to_owned(),
    };
    let sources = s.condition_values(SOURCE_ARN_OPERATORS, "aws:SourceArn");
    if sources.is_empty() {
        format!("{principal} from any source")
    } else {
        format!("{principal} from {}", sources.join(", "))
    }
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
    claims: &[Claim {
        property: "Role",
        about: "The failover function runs as the stack's failover role",
        mutants: &[&mutants::FAILOVER_FUNCTION_FOREIGN_ROLE],
        not_emulated: None,
    }],
    run: failover_function_runs_as_failover_role,
};

fn failover_function_runs_as_failover_role(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.function;
    let role = &f.ops.role;
    judge_named(n, "Role", |func| {
        // The role's ARN when IAM answered; else the role name from the outputs.
        let (ok, expected) = match role.value() {
            Some(r) => (func.role == r.arn, r.arn.clone()),
            None => (arn_names_role(&func.role, &role.resource), format!("the ARN of role {}", role.resource)),
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
        remediation: "main.ts: failover_role (IamRole) assumeRolePolicy trusts lambda.amazonaws.com only; failover_policy (IamRolePolicy) grants rds:DescribeDBClusters/FailoverGlobalCluster/ModifyDBCluster on the three cluster ARNs and sns:Publish on alertsTopic.arn only, ssm and logs actions by name, kms only on primaryKey.arn with a kms:ViaService condition, no other service and no '*' actions or resources, and no Deny of what failover needs; no other inline policy, and no managed policy attached (IamRolePolicyAttachment).",
    },
    claims: &[
        Claim {
            property: "AssumeRolePolicyDocument",
            about: "Every Allow statement of the trust policy names the Lambda service and no other principal",
            mutants: &[&mutants::FAILOVER_ROLE_TRUSTS_ACCOUNT],
            not_emulated: None,
        },
        Claim {
            property: "Policy",
            about: "No statement of any inline policy grants more than failover needs, on other than the stack's clusters, topic and key",
            mutants: &[&mutants::FAILOVER_ROLE_WILDCARD, &mutants::FAILOVER_ROLE_SECOND_INLINE_POLICY],
            not_emulated: None,
        },
        Claim {
            property: "AttachedPolicies",
            about: "No managed policy is attached that is an administrator's or grants more than failover needs, judged on every statement of its default version",
            mutants: &[&mutants::FAILOVER_ROLE_ATTACHED_S3_READ],
            not_emulated: None,
        },
        Claim {
            property: "Policy (grants)",
            about: "The role may fail the global cluster over and publish to the alerts topic: an Allow covers each, and no Deny refuses it",
            mutants: &[&mutants::FAILOVER_ROLE_DENIES_FAILOVER],
            not_emulated: None,
        },
    ],
    run: failover_role_least_privilege,
};

fn failover_role_least_privilege(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.role;
    judge_named(n, "Policy", |role| {
        let r = &n.resource;
        let mut findings = vec![trust_policy_finding(r, &role.assume_role_policy_document)];
        // What the role may do is judged against the stack's own resources; without them it
        // cannot be judged at all.
        match Scope::of(f, &role.arn) {
            Ok(scope) => {
                let documents: Vec<&Value> = role.role_policies.iter().map(|p| &p.policy_document).collect();
                findings.push(role_policy_finding(r, &scope, &documents));
                findings.extend(attached_policy_findings(r, role, &scope));
                findings.push(needed_grants_finding(r, role, &scope));
            }
            Err(e) => findings.push(unavailable(r, "Policy", e)),
        }
        findings
    })
}

/// The role (inline and attached policies together) can do what failover needs: fail the global
/// cluster over and publish to the alerts topic, with no Deny in the way.
fn needed_grants_finding(r: &str, role: &Role, scope: &Scope) -> Finding {
    let all: Vec<Statement> = role
        .role_policies
        .iter()
        .map(|p| &p.policy_document)
        .chain(role.attached_policies.iter().map(|p| &p.policy_document))
        .flat_map(|d| Policy::parse(d).statements)
        .collect();
    let global_arn = scope.global_arn();
    let mut missing = Vec::new();
    if !grants(&all, "rds:FailoverGlobalCluster", &global_arn) {
        missing.push(format!("rds:FailoverGlobalCluster on {global_arn}"));
    }
    if !grants(&all, "sns:Publish", &scope.topic) {
        missing.push(format!("sns:Publish on {}", scope.topic));
    }
    Finding::judge(
        r,
        "Policy (grants)",
        missing.is_empty(),
        "rds:FailoverGlobalCluster on the global cluster and sns:Publish on the alerts topic allowed, and denied by no statement",
        if missing.is_empty() {
            "both granted".to_owned()
        } else {
            format!("not granted, or denied: {}", missing.join(", "))
        },
        &json!({ "RolePolicies": role.role_policies, "AttachedPolicies": role.attached_policies }),
    )
}

/// One finding per managed policy attached to the role: neither an administrator's by name nor
/// granting anything beyond failover's needs in any statement. None attached is one passing
/// finding.
fn attached_policy_findings(r: &str, role: &Role, scope: &Scope) -> Vec<Finding> {
    let expected = format!("no {} or other managed policy beyond failover's needs", ADMIN_POLICIES.join("/"));
    if role.attached_policies.is_empty() {
        return vec![Finding::judge(
            r,
            "AttachedPolicies",
            true,
            expected,
            "none attached",
            &json!({ "AttachedPolicies": [] }),
        )];
    }
    role.attached_policies
        .iter()
        .map(|p| {
            let admin = ADMIN_POLICIES.iter().any(|a| p.policy_name == *a || p.policy_arn.ends_with(&format!("/{a}")));
            let mut excesses: Vec<String> =
                Policy::parse(&p.policy_document).statements.iter().flat_map(|s| excess(s, scope)).collect();
            if admin {
                excesses.insert(0, "an administrator's policy".to_owned());
            }
            let actual = if excesses.is_empty() {
                format!("{}: nothing beyond that", p.policy_arn)
            } else {
                format!("{}: {}", p.policy_arn, excesses.join("; "))
            };
            Finding::judge(r, "AttachedPolicies", excesses.is_empty(), &expected, actual, p)
        })
        .collect()
}

pub const FAILOVER_TRIGGERED_BY_ALARMS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "failover_triggered_by_alarms",
        service: "failover",
        title: "The alerts topics invoke the failover function: a lambda subscription and a resource policy for those topics only",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)", "45 CFR 164.308(a)(6)(ii)"],
        severity: Severity::High,
        risk: "Without the subscription the alarms page people but never start the failover runbook; a resource policy without SourceArn lets any topic, in any account, invoke the function that fails the database over.",
        remediation: "main.ts: failover_subscription (SnsTopicSubscription) needs topicArn: alertsTopic.arn, protocol: lambda, endpoint: failoverFunction.arn; failover_invoke_permission (LambdaPermission) needs principal sns.amazonaws.com, action lambda:InvokeFunction, sourceArn: alertsTopic.arn; failover_function environment.variables.ALERTS_TOPIC_ARN: alertsTopic.arn; v2 also failover_subscription_dr and failover_invoke_permission_dr for drAlertsTopic.",
    },
    claims: &[
        Claim {
            property: "Subscription",
            about: "The alerts topic, and from v2 the DR region's alerts topic the lag alarm notifies, each have a confirmed lambda subscription whose endpoint is the failover function's ARN",
            mutants: &[&mutants::FAILOVER_NOT_SUBSCRIBED, &mutants::FAILOVER_NOT_SUBSCRIBED_TO_DR_TOPIC],
            not_emulated: None,
        },
        Claim {
            property: "Policy",
            about: "The function's resource policy lets SNS invoke it from each alerts topic (aws:SourceArn), and no statement lets another source or principal invoke it",
            mutants: &[&mutants::FAILOVER_INVOKE_ANY_TOPIC, &mutants::FAILOVER_DR_TOPIC_NOT_PERMITTED],
            not_emulated: None,
        },
        Claim {
            property: "Environment.Variables.ALERTS_TOPIC_ARN",
            about: "The function publishes its status to the alerts topic",
            mutants: &[&mutants::FAILOVER_ENV_OTHER_TOPIC],
            not_emulated: None,
        },
    ],
    run: failover_triggered_by_alarms,
};

fn failover_triggered_by_alarms(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.function;
    let r = &n.resource;
    judge_fact(r, &f.ops.topic_arn.fact, "Subscription", |topic| {
        let mut topics = vec![topic.as_str()];
        let mut findings = subscribed_finding(f, topic, &f.ops.subscriptions);
        // v2: the lag alarm notifies the DR region's topic, which must start the failover too.
        if let Some(dr) = &f.ops.dr_topic {
            match &dr.arn.fact {
                Ok(dr_topic) => {
                    topics.push(dr_topic.as_str());
                    findings.extend(subscribed_finding(f, dr_topic, &dr.subscriptions));
                }
                Err(e) => findings.push(unavailable(r, "Subscription", e)),
            }
        }
        let fp = &f.ops.function_policy;
        findings.extend(match &fp.fact {
            // No resource policy is a definite answer: nothing may invoke the function.
            Err(FactError::Absent { .. }) => vec![invoke_policy_finding(r, &topics, None)],
            _ => judge_fact(r, &fp.fact, "Policy", |p| vec![invoke_policy_finding(r, &topics, Some(&p.policy))]),
        });
        findings.extend(judge_named(n, "Environment.Variables.ALERTS_TOPIC_ARN", |func| {
            let actual = func.variable("ALERTS_TOPIC_ARN").map_or("not set", |v| v.shown());
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
    })
}

/// The topic has a confirmed lambda subscription of the failover function. Endpoints are compared
/// as ARNs; others (URLs, addresses) are never kept, so never shown.
fn subscribed_finding(f: &DrFacts, topic: &str, subscriptions: &Named<Vec<Subscription>>) -> Vec<Finding> {
    let n = &f.ops.function;
    let r = &n.resource;
    // The function's ARN when Lambda answered; else any ARN ending in its name.
    let function_arn = n.value().map(|func| func.function_arn.clone());
    let is_function = |endpoint: Option<&str>| match (&function_arn, endpoint) {
        (Some(arn), Some(e)) => e == arn,
        (None, Some(e)) => e.ends_with(&format!(":function:{r}")),
        (_, None) => false,
    };
    judge_named(subscriptions, "Subscription", |subs| {
        let found = subs.iter().find(|s| s.protocol == "lambda" && is_function(s.endpoint.as_deref()));
        let (ok, actual) = match found {
            Some(s) if !s.confirmed() => (false, format!("subscribed, not confirmed ({})", s.subscription_arn)),
            Some(s) => (true, format!("subscribed ({})", s.subscription_arn)),
            None if subs.is_empty() => (false, "the topic has no subscriptions".to_owned()),
            None => (
                false,
                format!(
                    "no lambda subscription of this function; subscriptions: {}",
                    subs.iter()
                        .map(|s| format!("{} {}", s.protocol, s.endpoint_shown()))
                        .collect::<Vec<_>>()
                        .join(", ")
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
    })
}

pub const FAILOVER_CONFIG_PARAMETER_PRESENT: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "failover_config_parameter_present",
        service: "failover",
        title: "The failover configuration parameter exists as a String naming the stack's global, primary and DR clusters, and the function is pointed at it",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::High,
        risk: "The function reads which clusters to promote from this parameter: without it, or naming other clusters, failover fails (or promotes the wrong database) at the moment of the disaster, after the RPO clock has started.",
        remediation: "main.ts: failover_config (SsmParameter) must exist with name /healthcare-dr/<suffix>/config, type String (the function reads it without decryption), and value {globalClusterIdentifier: globalCluster.id, primaryClusterArn: primaryCluster.arn, drClusterArn: drCluster.arn, ...}; failover_function environment.variables.CONFIG_PARAMETER_NAME: failoverConfig.name.",
    },
    claims: &[
        Claim {
            property: "Parameter",
            about: "The configuration parameter exists",
            mutants: &[&mutants::FAILOVER_CONFIG_MISSING],
            not_emulated: None,
        },
        Claim {
            property: "Type",
            about: "The parameter is a String, which the function reads without decryption",
            mutants: &[&mutants::FAILOVER_CONFIG_SECURE_STRING],
            not_emulated: None,
        },
        Claim {
            property: "Environment.Variables.CONFIG_PARAMETER_NAME",
            about: "The function is pointed at the parameter",
            mutants: &[&mutants::FAILOVER_ENV_OTHER_CONFIG],
            not_emulated: None,
        },
        Claim {
            property: "Value.globalClusterIdentifier",
            about: "The configuration names the stack's global cluster as the one to fail over",
            mutants: &[&mutants::FAILOVER_CONFIG_OTHER_GLOBAL_CLUSTER],
            not_emulated: None,
        },
        Claim {
            property: "Value.primaryClusterArn",
            about: "The configuration names the stack's primary cluster, in the primary region",
            mutants: &[&mutants::FAILOVER_CONFIG_FOREIGN_PRIMARY],
            not_emulated: None,
        },
        Claim {
            property: "Value.drClusterArn",
            about: "The configuration names the stack's DR cluster, in the DR region, as the one to promote",
            mutants: &[&mutants::FAILOVER_CONFIG_CLUSTERS_SWAPPED],
            not_emulated: None,
        },
    ],
    run: failover_config_parameter_present,
};

fn failover_config_parameter_present(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.parameter;
    let mut findings = judge_named(n, "Parameter", |p| {
        let kind = p.kind.as_deref().unwrap_or("unknown type");
        vec![
            Finding::judge(
                &n.resource,
                "Parameter",
                true,
                "exists",
                format!("exists ({kind}, version {})", p.version),
                p,
            ),
            Finding::judge(&n.resource, "Type", kind == "String", "String", kind, p),
        ]
    });
    // The parameter's absence is already the finding above; its content is judged when it exists.
    if n.fact.is_ok() {
        findings.extend(config_findings(f));
    }
    let func = &f.ops.function;
    let property = "Environment.Variables.CONFIG_PARAMETER_NAME";
    findings.extend(judge_both((func, &f.ops.parameter_name), property, |fc, name| {
        let actual = fc.variable("CONFIG_PARAMETER_NAME").map_or("not set", |v| v.shown());
        vec![Finding::judge(&func.resource, property, actual == name, name, actual, &fc.environment)]
    }));
    findings
}

/// Whether `arn` names the RDS cluster `id` in `region`: `arn:<partition>:rds:<region>:<account>:cluster:<id>`.
fn names_cluster(arn: &str, region: &str, id: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "rds", r, _, "cluster", i] if *r == region && *i == id)
}

/// Which clusters the configuration names, each against the stack's: the global cluster by
/// identifier, the primary and DR clusters by ARN in their own regions.
fn config_findings(f: &DrFacts) -> Vec<Finding> {
    let ids = &f.core.cluster_ids;
    let (primary, dr) = (f.regions.primary.as_str(), f.regions.dr.as_str());
    let mut findings =
        config_field(f, "globalClusterIdentifier", &ids.global, |v, id| v == id, |id| format!("identifier {id}"));
    findings.extend(config_field(
        f,
        "primaryClusterArn",
        &ids.primary,
        |v, id| names_cluster(v, primary, id),
        |id| format!("the ARN of cluster {id} in {primary}"),
    ));
    findings.extend(config_field(
        f,
        "drClusterArn",
        &ids.dr,
        |v, id| names_cluster(v, dr, id),
        |id| format!("the ARN of cluster {id} in {dr}"),
    ));
    findings
}

/// One field of the configuration against the cluster the outputs declare.
fn config_field(
    f: &DrFacts,
    field: &str,
    declared: &Named<String>,
    matches: impl Fn(&str, &str) -> bool,
    expected: impl Fn(&str) -> String,
) -> Vec<Finding> {
    let n = &f.ops.parameter_value;
    let property = format!("Value.{field}");
    judge_both((n, declared), &property, |value, id| {
        vec![match value {
            ParameterValue::Plain(v) => {
                let actual = v.get(field).and_then(Value::as_str);
                let ok = actual.is_some_and(|a| matches(a, id));
                Finding::judge(&n.resource, &property, ok, expected(id), actual.unwrap_or("none"), v)
            }
            ParameterValue::NotRead { kind } => Finding::error(
                &n.resource,
                &property,
                format!("a {kind} parameter is never read, so what it names cannot be judged"),
            ),
        }]
    })
}

pub const FAILOVER_FUNCTION_ENVIRONMENT_WITHOUT_CREDENTIALS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "failover_function_environment_without_credentials",
        service: "failover",
        title: "The failover function's environment holds no credential in plain text",
        citations: &[
            "45 CFR 164.312(a)(1)",
            "45 CFR 164.312(a)(2)(iv)",
            "45 CFR 164.308(a)(5)(ii)(D)",
            "45 CFR 164.312(d)",
        ],
        severity: Severity::High,
        risk: "Anyone who may read the function's configuration (GetFunctionConfiguration, the console, an exported template) reads a credential kept in its environment, and it never rotates: the function that fails the database over would carry a key to the PHI database.",
        remediation: "main.ts: failover_function environment.variables holds only ALERTS_TOPIC_ARN and CONFIG_PARAMETER_NAME; keep credentials in Secrets Manager and give the role permission to read them when needed.",
    },
    claims: &[Claim {
        property: "Environment.Variables",
        about: "No variable is named like a credential (PASSWORD, PWD, PASS, SECRET, TOKEN, DSN, ...) with a value that is not a reference, and no value is shaped like one (a URL with a password, a private key, an AWS key, a random token); values are never shown",
        mutants: &[&mutants::FAILOVER_ENV_DB_PASSWORD, &mutants::FAILOVER_ENV_CONNECTION_URL],
        not_emulated: None,
    }],
    run: failover_function_environment_without_credentials,
};

fn failover_function_environment_without_credentials(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.function;
    judge_named(n, "Environment.Variables", |func| plaintext_credential_findings(&n.resource, func))
}

/// One failing finding per variable that holds a credential in plain text (by its value's shape,
/// else by its name), naming the variable and never its value; one pass when none does. The
/// evidence is the variables as the fact keeps them: names, verdicts, compared values only.
fn plaintext_credential_findings(resource: &str, func: &Function) -> Vec<Finding> {
    const PROPERTY: &str = "Environment.Variables";
    let expected = "no credential in plain text";
    let credentials = func.plaintext_credentials();
    if credentials.is_empty() {
        let actual = format!("none among {} variables", func.environment.len());
        return vec![Finding::judge(resource, PROPERTY, true, expected, actual, &func.environment)];
    }
    credentials
        .into_iter()
        .map(|(name, why)| {
            let actual = format!("{name}: {why} (value not shown)");
            Finding::judge(resource, PROPERTY, false, expected, actual, &func.environment)
        })
        .collect()
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
    claims: &[
        Claim {
            property: "Type",
            about: "The health check follows a CloudWatch alarm (CLOUDWATCH_METRIC), not an endpoint",
            mutants: &[&mutants::HEALTH_CHECK_HTTP],
            not_emulated: None,
        },
        Claim {
            property: "AlarmIdentifier",
            about: "The alarm it follows is the replication lag alarm, in the primary region",
            mutants: &[],
            not_emulated: Some("moto's GetHealthCheck drops the AlarmIdentifier of a CLOUDWATCH_METRIC health check"),
        },
        Claim {
            property: "InsufficientDataHealthStatus",
            about: "It is unhealthy while the alarm has no data",
            mutants: &[],
            not_emulated: Some(
                "moto's GetHealthCheck drops the InsufficientDataHealthStatus of a CLOUDWATCH_METRIC health check",
            ),
        },
        Claim {
            property: "Inverted",
            about: "Its status is not inverted (healthy would read as unhealthy and the reverse)",
            mutants: &[&mutants::HEALTH_CHECK_INVERTED],
            not_emulated: None,
        },
        Claim {
            property: "Disabled",
            about: "It is not disabled (a disabled check is always healthy)",
            mutants: &[&mutants::HEALTH_CHECK_DISABLED],
            not_emulated: None,
        },
    ],
    run: health_check_watches_replication_lag,
};

fn health_check_watches_replication_lag(f: &DrFacts) -> Vec<Finding> {
    let n = &f.ops.health_check;
    let alarm = &f.ops.replication_lag_alarm_name;
    judge_named(n, "Type", |h| {
        let r = &n.resource;
        let c = &h.health_check_config;
        let mut findings =
            vec![Finding::judge(r, "Type", c.kind == "CLOUDWATCH_METRIC", "CLOUDWATCH_METRIC", &c.kind, c)];
        findings.extend(judge_fact(r, &alarm.fact, "AlarmIdentifier", |name| {
            // The alarm's region, as the version's contract places it (the DR region from v2 on).
            let home = &f.ops.replication_lag_alarm_region;
            let expected = format!("Name {name}, Region {home}");
            vec![match &c.alarm_identifier {
                Some(id) => {
                    let ok = id.name == *name && id.region == *home;
                    let actual = format!("Name {}, Region {}", id.name, id.region);
                    Finding::judge(r, "AlarmIdentifier", ok, expected, actual, c)
                }
                None if f.emulated => Finding::skip(
                    r,
                    "AlarmIdentifier",
                    "not emulated: moto drops AlarmIdentifier of CLOUDWATCH_METRIC health checks",
                ),
                None => Finding::judge(r, "AlarmIdentifier", false, expected, "none", c),
            }]
        }));
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

    use stackproof_harness::check::Status;

    const KEY: &str = "arn:aws:kms:eu-west-2:1:key/k";

    fn scope() -> Scope {
        Scope {
            global: "g".into(),
            clusters: [("eu-west-2".into(), "p".into()), ("eu-west-1".into(), "d".into())],
            partition: "aws".into(),
            account: "1".into(),
            topic: "arn:aws:sns:eu-west-2:1:alerts".into(),
            key: KEY.into(),
        }
    }

    fn trusts_only_lambda(trust: &Value) -> bool {
        trust_policy_finding("role", trust).status == Status::Pass
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
        let deny = stmt(json!({"Effect": "Deny", "Action": "rds:FailoverGlobalCluster", "Resource": "*"}));
        assert!(grants(std::slice::from_ref(&rds), "rds:FailoverGlobalCluster", "arn:aws:rds::1:global-cluster:g"));
        assert!(!grants(&[rds, deny], "rds:FailoverGlobalCluster", "arn:aws:rds::1:global-cluster:g"), "denied");
        assert!(grants(&[sns], "sns:Publish", "arn:aws:sns:eu-west-2:1:alerts"));
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
        assert!(trusts_only_lambda(&lambda));
        let also_account = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com", "AWS": "*"}, "Action": "sts:AssumeRole"}]});
        assert!(!trusts_only_lambda(&also_account));
        assert!(!trusts_only_lambda(&json!({"Statement": []})));
        let not_principal = json!({"Statement": [{"Effect": "Allow", "NotPrincipal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        assert!(!trusts_only_lambda(&not_principal));
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
        let describe = stmt(json!({"Effect": "Allow", "Action": "rds:Describe*"}));
        let modify = stmt(json!({"Effect": "Allow", "Action": "rds:Modify"}));
        assert!(describe.covers_action("rds:DescribeDBClusters") && !modify.covers_action("rds:ModifyDBCluster"));
    }

    #[test]
    fn other_services_and_kms_outside_the_topic_are_excess() {
        let s = scope();
        let kms = json!({"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": [KEY],
            "Condition": {"StringEquals": {"kms:ViaService": "sns.eu-west-2.amazonaws.com"}}});
        assert!(excess(&stmt(kms.clone()), &s).is_empty(), "{:?}", excess(&stmt(kms.clone()), &s));
        let mut direct = kms.clone();
        direct.as_object_mut().map(|o| o.remove("Condition"));
        assert_eq!(excess(&stmt(direct), &s).len(), 1);
        let mut other_key = kms;
        other_key["Resource"] = json!("arn:aws:kms:eu-west-2:1:key/other");
        assert_eq!(excess(&stmt(other_key), &s).len(), 1);
        let s3 = stmt(json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}));
        assert_eq!(excess(&s3, &s).len(), 1);
        // A wildcard that is not `<service>:*` still covers every action of a service.
        let glob = stmt(json!({"Effect": "Allow", "Action": "r*", "Resource": "arn:aws:rds:eu-west-2:1:cluster:p"}));
        assert!(excess(&glob, &s).iter().any(|x| x.contains("Action r*")));
        let no_resource = stmt(json!({"Effect": "Allow", "Action": "sns:Publish"}));
        assert_eq!(excess(&no_resource, &s), ["no Resource"]);
    }

    #[test]
    fn the_role_policy_finding_judges_every_document() {
        let ok = json!({"Statement": {"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:eu-west-2:1:alerts"}});
        let wild = json!({"Statement": [{"Sid": "OperatorConvenience", "Effect": "Allow", "Action": "rds:*", "Resource": "*"}]});
        assert_eq!(role_policy_finding("role", &scope(), &[&ok]).status, Status::Pass);
        let f = role_policy_finding("role", &scope(), &[&ok, &wild]);
        assert_eq!((f.status, f.resource.as_str(), f.property.as_str()), (Status::Fail, "role", "Policy"));
        assert!(f.actual.contains("OperatorConvenience: Action rds:*"), "{}", f.actual);
    }

    #[test]
    fn a_negated_or_if_exists_source_condition_lets_other_topics_in() {
        let topic = "arn:aws:sns:eu-west-2:1:alerts";
        let with = |condition: Value| {
            stmt(json!({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "lambda:InvokeFunction", "Condition": condition}))
        };
        assert!(!sns_may_invoke_from(&with(json!({"ArnNotEquals": {"aws:SourceArn": topic}})), topic));
        assert!(!sns_may_invoke_from(&with(json!({"ArnLikeIfExists": {"aws:SourceArn": topic}})), topic));
        assert!(!sns_may_invoke_from(&with(json!({"ArnLike": {"aws:SourceArn": [topic, "arn:aws:sns:*"]}})), topic));
        assert!(sns_may_invoke_from(&with(json!({"ArnEquals": {"aws:SourceArn": topic}})), topic));
        let none = invoke_policy_finding("fn", &[topic], None);
        assert_eq!((none.status, none.actual.as_str()), (Status::Fail, "no resource policy"));
        let doc = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Condition": {"ArnLike": {"AWS:SourceArn": topic}}}]});
        assert_eq!(invoke_policy_finding("fn", &[topic], Some(&doc)).status, Status::Pass);
    }

    #[test]
    fn every_statement_that_lets_anyone_invoke_is_a_finding() {
        let topic = "arn:aws:sns:eu-west-2:1:alerts";
        let from_topic = json!({"Sid": "AllowAlertsTopicInvoke", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Condition": {"ArnLike": {"AWS:SourceArn": topic}}});
        let any_topic = json!({"Sid": "AllowAnyTopic", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "lambda:InvokeFunction"});
        let everyone = json!({"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "lambda:*"});
        let ok = invoke_policy_finding("fn", &[topic], Some(&json!({"Statement": [from_topic.clone()]})));
        assert_eq!(ok.status, Status::Pass);
        let f = invoke_policy_finding("fn", &[topic], Some(&json!({"Statement": [from_topic.clone(), any_topic]})));
        assert_eq!(f.status, Status::Fail);
        assert!(f.actual.contains("AllowAnyTopic") && f.actual.contains("from any source"), "{}", f.actual);
        // v2: the DR region's alerts topic invokes it by a statement of its own.
        let dr_topic = "arn:aws:sns:eu-west-1:1:alerts-dr";
        let from_dr = json!({"Sid": "AllowDrAlertsTopicInvoke", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Condition": {"ArnLike": {"AWS:SourceArn": dr_topic}}});
        let both = json!({"Statement": [from_topic.clone(), from_dr.clone()]});
        assert_eq!(invoke_policy_finding("fn", &[topic, dr_topic], Some(&both)).status, Status::Pass);
        let f = invoke_policy_finding("fn", &[topic], Some(&both));
        assert!(f.status == Status::Fail && f.actual.contains("AllowDrAlertsTopicInvoke"), "{}", f.actual);
        let f = invoke_policy_finding("fn", &[topic, dr_topic], Some(&json!({"Statement": [from_dr]})));
        assert!(f.status == Status::Fail && f.actual.contains("no statement for the alerts topic"), "{}", f.actual);
        let f = invoke_policy_finding("fn", &[topic], Some(&json!({"Statement": [from_topic, everyone]})));
        assert!(
            f.status == Status::Fail && f.actual.contains("Public") && f.actual.contains("everyone"),
            "{}",
            f.actual
        );
    }

    #[test]
    fn cluster_arns_name_the_cluster_in_its_region() {
        assert!(names_cluster("arn:aws:rds:eu-west-1:1:cluster:healthcare-db-dr-x", "eu-west-1", "healthcare-db-dr-x"));
        assert!(!names_cluster(
            "arn:aws:rds:eu-west-2:1:cluster:healthcare-db-dr-x",
            "eu-west-1",
            "healthcare-db-dr-x"
        ));
        assert!(!names_cluster(
            "arn:aws:rds:eu-west-1:1:cluster:healthcare-db-dr-xy",
            "eu-west-1",
            "healthcare-db-dr-x"
        ));
        assert!(!names_cluster("arn:aws:rds:eu-west-1:1:db:healthcare-db-dr-x", "eu-west-1", "healthcare-db-dr-x"));
        assert!(!names_cluster("healthcare-db-dr-x", "eu-west-1", "healthcare-db-dr-x"));
    }

    #[test]
    fn attached_policies_are_judged_on_every_statement_not_by_name() {
        use stackproof_harness::facts::iam::AttachedPolicy;
        let role = |attached: Vec<AttachedPolicy>| Role {
            role_name: "r".into(),
            arn: "arn:aws:iam::1:role/r".into(),
            assume_role_policy_document: Value::Null,
            role_policies: vec![],
            attached_policies: attached,
        };
        let none = attached_policy_findings("r", &role(vec![]), &scope());
        assert_eq!((none.len(), none[0].status), (1, Status::Pass));
        let s3_read = AttachedPolicy {
            policy_name: "AmazonS3ReadOnlyAccess".into(),
            policy_arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess".into(),
            policy_document: json!({"Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}),
        };
        let f = attached_policy_findings("r", &role(vec![s3_read]), &scope());
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].actual.contains("AmazonS3ReadOnlyAccess") && f[0].actual.contains("Resource *"),
            "{}",
            f[0].actual
        );
    }

    #[test]
    fn a_cluster_of_the_same_name_elsewhere_is_not_the_stacks() {
        let s = scope();
        let on = |arn: &str| stmt(json!({"Effect": "Allow", "Action": "rds:ModifyDBCluster", "Resource": arn}));
        assert!(excess(&on("arn:aws:rds:eu-west-2:1:cluster:p"), &s).is_empty());
        assert!(excess(&on("arn:aws:rds::1:global-cluster:g"), &s).is_empty());
        for elsewhere in [
            "arn:aws:rds:us-east-1:1:cluster:p",
            "arn:aws:rds:eu-west-2:999:cluster:p",
            "arn:aws:rds:eu-west-2:1:cluster:d",
            "arn:aws:rds:eu-west-2:1:global-cluster:g",
            "arn:aws:rds:eu-west-2:1:db:p",
        ] {
            assert_eq!(excess(&on(elsewhere), &s).len(), 1, "{elsewhere}");
        }
        let also_everyone = stmt(json!({"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com", "AWS": "*"},
            "Action": "lambda:InvokeFunction", "Condition": {"ArnLike": {"AWS:SourceArn": s.topic}}}));
        assert!(!sns_may_invoke_from(&also_everyone, &s.topic), "another principal shares the grant");
    }

    #[test]
    fn plaintext_credentials_are_findings_by_name_and_by_shape_without_their_values() {
        use stackproof_harness::facts::Setting;
        let topic = "arn:aws:sns:eu-west-2:1:alerts";
        let url = "postgres://admin:Zq8RkT3vWm6YpX2s@db.internal/db";
        let func = |environment: Vec<Setting>| Function {
            function_name: "f".into(),
            function_arn: "arn:aws:lambda:eu-west-2:1:function:f".into(),
            role: "arn:aws:iam::1:role/r".into(),
            runtime: None,
            handler: None,
            timeout: None,
            memory_size: None,
            kms_key_arn: None,
            environment,
            state: None,
            last_update_status: None,
        };
        let clean = func(vec![Setting::judged("ALERTS_TOPIC_ARN", topic, true)]);
        let [pass] = plaintext_credential_findings("f", &clean).try_into().unwrap();
        assert_eq!(pass.status, Status::Pass, "{}", pass.message());
        let leaky = func(vec![
            Setting::judged("ALERTS_TOPIC_ARN", topic, true),
            // A harmless name, a URL with a password: found by the value's shape.
            Setting::judged("REPLICA", url, false),
            // A credential's name, a plain word: found by the name.
            Setting::judged("SIGNING_KEY", "plainword", false),
            // A credential's name holding a reference: not a credential.
            Setting::judged("DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-2:1:secret:db", false),
        ]);
        let findings = plaintext_credential_findings("f", &leaky);
        let actual: Vec<&str> = findings.iter().map(|f| f.actual.as_str()).collect();
        assert_eq!(
            actual,
            [
                "REPLICA: looks like a URL with a password (value not shown)",
                "SIGNING_KEY: named like a credential (value not shown)"
            ]
        );
        assert!(findings.iter().all(|f| f.status == Status::Fail));
        let text = serde_json::to_string(&findings).unwrap();
        assert!(!text.contains("Zq8RkT3vWm6YpX2s") && !text.contains("plainword"), "{text}");
        assert!(text.contains(topic), "the compared value stays in evidence: {text}");
    }
}
