//! API Gateway and WAF: the stage, its throttling, access logging and tracing, and the web ACL
//! guarding it. Settings with a stage-wide default and per-method overrides are judged at every
//! level; every rule of the web ACL is judged, on the stack's web ACL and on the one WAF says
//! actually guards the stage.

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::apigateway::{MethodSetting, Stage};
use stackproof_harness::facts::logs::LogGroup;
use stackproof_harness::facts::wafv2::{Rule, WebAcl};

use stackproof_harness::kit::fact::{judge_fact, judge_named};

use super::HipaaFacts;
use super::mutants;
use super::outputs::API_ACCESS_LOG_GROUP_NAME;

/// The method settings key that applies to every method of the stage.
pub const ALL_METHODS: &str = "*/*";
/// The stack's stage-wide limits (template.yml ApiStage MethodSettings): a stage or a method may
/// be stricter, never looser. An unset limit reads as the account's default, far above these.
pub const MAX_RATE_LIMIT: f64 = 100.0;
pub const MAX_BURST_LIMIT: i32 = 200;
/// The stack's per-IP rate limit (template.yml WebAcl RateLimitPerIp): requests per IP over
/// `RATE_WINDOW_SECONDS`; a web ACL may be stricter, never looser.
pub const MAX_RATE_PER_IP: i64 = 2000;
pub const RATE_WINDOW_SECONDS: i64 = 300;
/// The AWS managed rule groups the stack's web ACL applies (template.yml WebAcl Rules).
pub const MANAGED_RULE_GROUPS: &[&str] = &[
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
];
/// What the access log format must record: who called, when, what and with what result; each
/// entry is met by any of its variables.
pub const ACCESS_LOG_FIELDS: &[&[&str]] = &[
    &["$context.requestId"],
    &["$context.identity.sourceIp", "$context.identity.caller", "$context.identity.userArn"],
    &["$context.requestTime", "$context.requestTimeEpoch"],
    &["$context.status"],
];

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[
    API_STAGE_DEPLOYED,
    API_STAGE_PROTECTED_BY_STACK_WEB_ACL,
    WAF_RATE_LIMIT_AND_MANAGED_RULES,
    API_STAGE_THROTTLED,
    API_ACCESS_LOGGING_TO_STACK_LOG_GROUP,
    API_XRAY_TRACING_ENABLED,
    API_EXECUTION_LOGGING_ENABLED,
];

/// Every method setting of the stage, the stage-wide `*/*` first, then each per-method override,
/// judged by `judge` with its resource (`<stage ARN> methodSettings[<key>]`). A stage without
/// `*/*` fails each of `properties`: methods without an override are then not configured at all.
fn each_method_setting(
    f: &HipaaFacts,
    properties: &[&str],
    judge: impl Fn(&str, &MethodSetting) -> Vec<Finding>,
) -> Vec<Finding> {
    let arn = &f.app.stage.resource;
    judge_named(&f.app.stage, properties[0], |s| {
        let mut findings = Vec::new();
        if !s.method_settings.contains_key(ALL_METHODS) {
            let resource = format!("{arn} methodSettings[{ALL_METHODS}]");
            findings.extend(properties.iter().map(|p| {
                Finding::judge(&resource, *p, false, "stage-wide method settings (*/*)", "none", &s.method_settings)
            }));
        }
        let overrides = s.method_settings.iter().filter(|(k, _)| k.as_str() != ALL_METHODS);
        let all = s.method_settings.get_key_value(ALL_METHODS).into_iter().chain(overrides);
        for (key, m) in all {
            findings.extend(judge(&format!("{arn} methodSettings[{key}]"), m));
        }
        findings
    })
}

/// Same web ACL, by ARN.
fn same_acl(a: &str, b: &str) -> bool {
    a == b
}

pub const API_STAGE_DEPLOYED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "api_stage_deployed",
        service: "apigateway",
        title: "The API stage exists and serves a deployment of the API",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.312(c)(1)"],
        severity: Severity::Medium,
        risk: "A stage without a live deployment serves nothing, or an unknown configuration that was never reviewed.",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) DeploymentId: !Ref ApiDeployment, on RestApi.",
    },
    claims: &[Claim {
        property: "deploymentId",
        about: "The stage exists and its deploymentId is a deployment of the stack's REST API",
        mutants: &[&mutants::API_STAGE_DEPLOYMENT_DELETED],
        not_emulated: None,
    }],
    run: api_stage_deployed,
};

fn api_stage_deployed(f: &HipaaFacts) -> Vec<Finding> {
    let arn = &f.app.stage.resource;
    judge_named(&f.app.stage, "deploymentId", |s| {
        let Some(id) = s.deployment_id.as_deref() else {
            return vec![Finding::judge(arn, "deploymentId", false, "a deployment of the API", "none", s)];
        };
        judge_fact(arn, &f.app.deployments.fact, "deploymentId", |deployments| {
            let found = deployments.iter().any(|d| d.id == id);
            let ids: Vec<&str> = deployments.iter().map(|d| d.id.as_str()).collect();
            let evidence = json!({ "deploymentId": id, "deployments": ids });
            let actual =
                if found { id.to_owned() } else { format!("{id}, which is not a deployment of {}", s.rest_api_id) };
            vec![Finding::judge(
                arn,
                "deploymentId",
                found,
                format!("a deployment of {}", s.rest_api_id),
                actual,
                &evidence,
            )]
        })
    })
}

pub const API_STAGE_PROTECTED_BY_STACK_WEB_ACL: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "api_stage_protected_by_stack_web_acl",
        service: "waf",
        title: "The API stage is guarded by the stack's WAF web ACL",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(1)(ii)(B)"],
        severity: Severity::High,
        risk: "Without the web ACL the PHI API takes floods, injection attempts and known-bad sources unfiltered.",
        remediation: "template.yml: WebAclAssociation (AWS::WAFv2::WebACLAssociation) ResourceArn: the ApiStage ARN, WebACLArn: !GetAtt WebAcl.Arn.",
    },
    claims: &[
        Claim {
            property: "webAclArn",
            about: "The stage's own record (GetStage) names the stack's web ACL",
            mutants: &[&mutants::WAF_NOT_ASSOCIATED],
            not_emulated: None,
        },
        Claim {
            property: "WebACL (GetWebACLForResource)",
            about: "The web ACL WAF actually applies to the stage is the stack's, not another one however well configured",
            mutants: &[&mutants::WAF_OTHER_ACL_ASSOCIATED],
            not_emulated: None,
        },
    ],
    run: api_stage_protected_by_stack_web_acl,
};

fn api_stage_protected_by_stack_web_acl(f: &HipaaFacts) -> Vec<Finding> {
    let (stage, waf) = (&f.app.stage, &f.app.stage_web_acl);
    judge_fact(&stage.resource, &f.app.web_acl_arn.fact, "webAclArn", |stack_acl| {
        let mut findings = judge_named(stage, "webAclArn", |s| {
            let actual = s.web_acl_arn.as_deref().unwrap_or("none");
            vec![Finding::judge(
                &stage.resource,
                "webAclArn",
                s.web_acl_arn.as_deref().is_some_and(|a| same_acl(a, stack_acl)),
                stack_acl,
                actual,
                &json!({ "webAclArn": s.web_acl_arn }),
            )]
        });
        findings.extend(judge_named(waf, "WebACL (GetWebACLForResource)", |acl| {
            let actual = acl.as_ref().map_or("none", |a| a.arn.as_str());
            let ok = acl.as_ref().is_some_and(|a| same_acl(&a.arn, stack_acl));
            vec![Finding::judge(
                &waf.resource,
                "WebACL (GetWebACLForResource)",
                ok,
                stack_acl,
                actual,
                &json!({ "WebACL": acl.as_ref().map(|a| (&a.name, &a.arn)) }),
            )]
        }));
        findings
    })
}

pub const WAF_RATE_LIMIT_AND_MANAGED_RULES: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "waf_rate_limit_and_managed_rules",
        service: "waf",
        title: "The web ACL blocks per-IP floods and applies AWS managed rule groups",
        citations: &["45 CFR 164.308(a)(1)(ii)(B)", "45 CFR 164.308(a)(5)(ii)(B)", "45 CFR 164.312(a)(1)"],
        severity: Severity::High,
        risk: "Without a rate-based block one client can exhaust the API (availability of PHI); without managed rules common exploits reach the application.",
        remediation: "template.yml: WebAcl (AWS::WAFv2::WebACL) Rules: a RateBasedStatement rule (AggregateKeyType IP, Limit 2000 per 300 s) with Action Block, and the ManagedRuleGroupStatement rules (VendorName: AWS) with OverrideAction None and no RuleActionOverrides or ExcludedRules; no Allow rule ahead of them.",
    },
    claims: &[
        Claim {
            property: "Rules[RateBasedStatement]",
            about: "A rate-based rule aggregating by IP blocks (action Block, not Count)",
            mutants: &[&mutants::WAF_NO_RATE_LIMIT, &mutants::WAF_RATE_RULE_COUNT_ONLY],
            not_emulated: None,
        },
        Claim {
            property: "Rules[RateBasedStatement].Limit",
            about: "The blocking rate limit is at most the stack's 2000 requests per IP per 5 minutes (the limit compared over its evaluation window)",
            mutants: &[&mutants::WAF_RATE_LIMIT_RAISED],
            not_emulated: None,
        },
        Claim {
            property: "Rules[ManagedRuleGroupStatement]",
            about: "Each of the stack's AWS managed rule groups is applied, and no managed rule group is overridden to Count",
            mutants: &[&mutants::WAF_MANAGED_GROUP_COUNT_ONLY, &mutants::WAF_MANAGED_GROUP_REMOVED],
            not_emulated: None,
        },
        Claim {
            property: "Rules[ManagedRuleGroupStatement].RuleActionOverrides",
            about: "No rule inside a managed group is overridden to Count or Allow, or excluded",
            mutants: &[&mutants::WAF_MANAGED_RULE_OVERRIDDEN_TO_COUNT],
            not_emulated: None,
        },
        Claim {
            property: "Rules[].Action",
            about: "No rule allows requests before the rate limit and the managed groups see them",
            mutants: &[&mutants::WAF_ALLOW_RULE_FIRST],
            not_emulated: None,
        },
    ],
    run: waf_rate_limit_and_managed_rules,
};

fn waf_rate_limit_and_managed_rules(f: &HipaaFacts) -> Vec<Finding> {
    let n = &f.app.web_acl;
    let mut findings = judge_named(n, "Rules[RateBasedStatement]", |acl| {
        web_acl_rules(if acl.arn.is_empty() { &n.resource } else { &acl.arn }, acl)
    });
    // The web ACL WAF actually applies to the stage, when it is another one, is judged too:
    // whichever guards the stage must protect it.
    let stack_arn = n.value().map(|a| a.arn.as_str());
    if let Some(Some(running)) = f.app.stage_web_acl.value()
        && Some(running.arn.as_str()) != stack_arn
    {
        findings.extend(web_acl_rules(&format!("{} (guarding {})", running.arn, f.app.stage.resource), running));
    }
    findings
}

/// Every rule of `acl` judged: the rate limit, each managed group, each override, each Allow.
/// The static suite judges a template's web ACL with it too, so both judge one way.
pub fn web_acl_rules(resource: &str, acl: &WebAcl) -> Vec<Finding> {
    let mut findings = rate_limit(resource, acl);
    findings.extend(managed_groups(resource, acl));
    // A rule that allows ends evaluation: nothing after it sees what it matched.
    let protections =
        acl.rules.iter().filter(|r| r.rate_based_statement.is_some() || r.managed_rule_group_statement.is_some());
    let last_protection = protections.map(|r| r.priority).max();
    let early: Vec<String> = acl
        .rules
        .iter()
        .filter(|r| r.action.as_deref() == Some("Allow") && last_protection.is_some_and(|p| r.priority < p))
        .map(|r| format!("{} (priority {})", r.name, r.priority))
        .collect();
    findings.push(Finding::judge(
        resource,
        "Rules[].Action",
        early.is_empty(),
        "no Allow rule evaluated before the rate limit or a managed group",
        if early.is_empty() { "none".to_owned() } else { format!("allowed first: {}", early.join(", ")) },
        &acl.rules
            .iter()
            .map(|r| json!({"Name": r.name, "Priority": r.priority, "Action": r.action}))
            .collect::<Vec<_>>(),
    ));
    findings
}

/// A blocking per-IP rate-based rule, its limit within the stack's over the same window.
fn rate_limit(resource: &str, acl: &WebAcl) -> Vec<Finding> {
    let rate: Vec<&Rule> = acl.rules.iter().filter(|r| r.rate_based_statement.is_some()).collect();
    let blocking: Vec<(&Rule, i64)> = rate
        .iter()
        .filter(|r| r.action.as_deref() == Some("Block"))
        .filter_map(|r| r.rate_based_statement.as_ref().map(|s| (*r, s)))
        // By the caller's address: a forwarded-for header is the caller's to set.
        .filter(|(_, s)| s.aggregate_key_type == "IP")
        // Requests per IP over the stack's window.
        .map(|(r, s)| (r, s.limit.saturating_mul(RATE_WINDOW_SECONDS) / s.evaluation_window_sec.max(1)))
        .collect();
    let described = |r: &&Rule| {
        let s = r.rate_based_statement.as_ref();
        format!(
            "{} ({}, by {}, {} per {} s)",
            r.name,
            r.action.as_deref().unwrap_or("no action"),
            s.map_or("", |s| s.aggregate_key_type.as_str()),
            s.map_or(0, |s| s.limit),
            s.map_or(0, |s| s.evaluation_window_sec)
        )
    };
    let actual = if rate.is_empty() {
        "no rate-based rule".to_owned()
    } else {
        rate.iter().map(described).collect::<Vec<_>>().join(", ")
    };
    let mut findings = vec![Finding::judge(
        resource,
        "Rules[RateBasedStatement]",
        !blocking.is_empty(),
        "a rate-based rule by IP that blocks",
        actual,
        &rate,
    )];
    // Several blocking limits: the lowest is the one in effect.
    if let Some((rule, limit)) = blocking.iter().min_by_key(|(_, l)| *l) {
        findings.push(Finding::judge(
            resource,
            "Rules[RateBasedStatement].Limit",
            *limit > 0 && *limit <= MAX_RATE_PER_IP,
            format!("at most {MAX_RATE_PER_IP} requests per IP per {RATE_WINDOW_SECONDS} s"),
            format!("{limit} per {RATE_WINDOW_SECONDS} s ({})", rule.name),
            &rule.rate_based_statement,
        ));
    }
    findings
}

/// Each of the stack's managed groups applied, and every managed group enforcing all its rules.
fn managed_groups(resource: &str, acl: &WebAcl) -> Vec<Finding> {
    let managed: Vec<&Rule> = acl
        .rules
        .iter()
        .filter(|r| r.managed_rule_group_statement.as_ref().is_some_and(|m| m.vendor_name == "AWS"))
        .collect();
    let group_of = |r: &Rule| r.managed_rule_group_statement.as_ref().map_or("", |m| m.name.as_str()).to_owned();
    let mut findings = Vec::new();
    for missing in MANAGED_RULE_GROUPS.iter().filter(|g| !managed.iter().any(|r| group_of(r) == **g)) {
        findings.push(Finding::judge(
            format!("{resource} rule group {missing}"),
            "Rules[ManagedRuleGroupStatement]",
            false,
            "applied, OverrideAction None",
            "not in the web ACL",
            &managed.iter().map(|r| group_of(r)).collect::<Vec<_>>(),
        ));
    }
    for r in &managed {
        let at = format!("{resource} rule group {}", group_of(r));
        let mode = r.override_action.as_deref().unwrap_or("None");
        findings.push(Finding::judge(
            &at,
            "Rules[ManagedRuleGroupStatement]",
            mode != "Count",
            "applied, OverrideAction None",
            format!("applied, OverrideAction {mode}"),
            r,
        ));
        let Some(m) = &r.managed_rule_group_statement else { continue };
        let weakened: Vec<String> = m
            .rule_action_overrides
            .iter()
            .filter(|o| matches!(o.action_to_use.as_deref(), Some("Count" | "Allow") | None))
            .map(|o| format!("{} -> {}", o.name, o.action_to_use.as_deref().unwrap_or("no action")))
            .chain(m.excluded_rules.iter().map(|e| format!("{e} excluded")))
            .collect();
        findings.push(Finding::judge(
            &at,
            "Rules[ManagedRuleGroupStatement].RuleActionOverrides",
            weakened.is_empty(),
            "no rule of the group overridden to Count or Allow, or excluded",
            if weakened.is_empty() { "none".to_owned() } else { weakened.join(", ") },
            &json!({"RuleActionOverrides": m.rule_action_overrides, "ExcludedRules": m.excluded_rules}),
        ));
    }
    findings
}

pub const API_STAGE_THROTTLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "api_stage_throttled",
        service: "apigateway",
        title: "Every method of the stage is throttled to the stack's rate and burst limits",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.312(a)(1)"],
        severity: Severity::Medium,
        risk: "Unthrottled methods let one caller consume the account's whole API quota and overload the tasks behind it: an outage of PHI access.",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) MethodSettings [{ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200}]; no per-method override above those limits.",
    },
    claims: &[
        Claim {
            property: "methodSettings.throttlingRateLimit",
            about: "The stage-wide (*/*) rate limit and every per-method override's are more than 0 and at most the stack's 100 requests/s",
            mutants: &[&mutants::API_THROTTLING_OFF, &mutants::API_METHOD_THROTTLING_RAISED],
            not_emulated: None,
        },
        Claim {
            property: "methodSettings.throttlingBurstLimit",
            about: "The stage-wide (*/*) burst limit and every per-method override's are more than 0 and at most the stack's 200",
            mutants: &[&mutants::API_BURST_LIMIT_RAISED],
            not_emulated: None,
        },
    ],
    run: api_stage_throttled,
};

fn api_stage_throttled(f: &HipaaFacts) -> Vec<Finding> {
    let (rate, burst) = ("methodSettings.throttlingRateLimit", "methodSettings.throttlingBurstLimit");
    each_method_setting(f, &[rate, burst], |resource, m| {
        let evidence =
            json!({ "throttlingRateLimit": m.throttling_rate_limit, "throttlingBurstLimit": m.throttling_burst_limit });
        vec![
            Finding::judge(
                resource,
                rate,
                m.throttling_rate_limit > 0.0 && m.throttling_rate_limit <= MAX_RATE_LIMIT,
                format!("more than 0 and at most {MAX_RATE_LIMIT} requests/s"),
                m.throttling_rate_limit,
                &evidence,
            ),
            Finding::judge(
                resource,
                burst,
                m.throttling_burst_limit > 0 && m.throttling_burst_limit <= MAX_BURST_LIMIT,
                format!("more than 0 and at most {MAX_BURST_LIMIT}"),
                m.throttling_burst_limit,
                &evidence,
            ),
        ]
    })
}

/// A log group ARN without the `:*` suffix DescribeLogGroups gives it.
fn bare_arn(arn: &str) -> &str {
    arn.strip_suffix(":*").unwrap_or(arn)
}

const ACCESS_LOG_DESTINATION: &str = "accessLogSettings.destinationArn";

pub const API_ACCESS_LOGGING_TO_STACK_LOG_GROUP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "api_access_logging_to_stack_log_group",
        service: "apigateway",
        title: "The stage writes access logs to the stack's encrypted API access log group",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "Without access logs there is no record of who called the PHI API, when, and with what result.",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) AccessLogSetting {DestinationArn: the ApiAccessLogGroup ARN, Format: a JSON line with requestId, caller, time, status}.",
    },
    claims: &[
        Claim {
            property: "accessLogSettings.destinationArn",
            about: "Access logs go to the stack's API access log group itself: its ARN, in the stack's account and region, not a group of the same name elsewhere",
            mutants: &[&mutants::API_ACCESS_LOGS_OFF, &mutants::API_ACCESS_LOGS_TO_OTHER_REGION],
            not_emulated: None,
        },
        Claim {
            property: "accessLogSettings.format",
            about: "Each access log line records the request id, who called, when, and the status",
            mutants: &[&mutants::API_ACCESS_LOG_FORMAT_WITHOUT_CALLER],
            not_emulated: None,
        },
    ],
    run: api_access_logging_to_stack_log_group,
};

fn api_access_logging_to_stack_log_group(f: &HipaaFacts) -> Vec<Finding> {
    let arn = &f.app.stage.resource;
    let group = f.logs.groups.iter().find(|g| g.output == API_ACCESS_LOG_GROUP_NAME);
    let Some(group) = group else {
        return vec![Finding::error(arn, ACCESS_LOG_DESTINATION, "the stack's API access log group was not described")];
    };
    judge_fact(arn, &group.fact, ACCESS_LOG_DESTINATION, |group| {
        judge_named(&f.app.stage, ACCESS_LOG_DESTINATION, |s| access_logs_to(arn, s, group))
    })
}

/// The stage's access logs go to `group`, and record who called, when, and the result.
fn access_logs_to(arn: &str, s: &Stage, group: &LogGroup) -> Vec<Finding> {
    let settings = s.access_log_settings.as_ref();
    let dest = settings.and_then(|a| a.destination_arn.as_deref());
    let format = settings.and_then(|a| a.format.as_deref()).unwrap_or("");
    let evidence = json!({ "accessLogSettings": settings });
    let missing: Vec<String> = ACCESS_LOG_FIELDS
        .iter()
        .filter(|any| !any.iter().any(|v| format.contains(v)))
        .map(|any| any.join(" or "))
        .collect();
    let expected = bare_arn(&group.arn);
    vec![
        Finding::judge(
            arn,
            ACCESS_LOG_DESTINATION,
            dest.is_some_and(|d| bare_arn(d) == expected),
            expected,
            dest.unwrap_or("none (access logging off)"),
            &evidence,
        ),
        Finding::judge(
            arn,
            "accessLogSettings.format",
            !format.is_empty() && missing.is_empty(),
            "a format recording the request id, caller, time and status",
            if format.is_empty() {
                "none".to_owned()
            } else if missing.is_empty() {
                "all recorded".to_owned()
            } else {
                format!("missing {}", missing.join("; "))
            },
            &evidence,
        ),
    ]
}

pub const API_XRAY_TRACING_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "api_xray_tracing_enabled",
        service: "apigateway",
        title: "X-Ray tracing is enabled on the stage",
        citations: &["45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "Without traces a request cannot be followed from the API through the tasks when reviewing activity or an incident.",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) TracingEnabled: true.",
    },
    claims: &[Claim {
        property: "tracingEnabled",
        about: "The stage's tracingEnabled is true",
        mutants: &[&mutants::API_TRACING_OFF],
        not_emulated: None,
    }],
    run: api_xray_tracing_enabled,
};

fn api_xray_tracing_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let arn = &f.app.stage.resource;
    judge_named(&f.app.stage, "tracingEnabled", |s| {
        vec![Finding::judge(
            arn,
            "tracingEnabled",
            s.tracing_enabled,
            true,
            s.tracing_enabled,
            &json!({ "tracingEnabled": s.tracing_enabled }),
        )]
    })
}

pub const API_EXECUTION_LOGGING_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "api_execution_logging_enabled",
        service: "apigateway",
        title: "Execution logging is on for every method, without full request and response bodies",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::Medium,
        risk: "Without execution logs failed and refused calls leave no trace; with data tracing on, request bodies (PHI) are copied into the logs.",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) MethodSettings [{ResourcePath: '/*', HttpMethod: '*', LoggingLevel: INFO, DataTraceEnabled: false}]; no per-method override with LoggingLevel OFF or DataTraceEnabled true.",
    },
    claims: &[
        Claim {
            property: "methodSettings.loggingLevel",
            about: "The stage-wide (*/*) logging level and every per-method override's are INFO or ERROR",
            mutants: &[&mutants::API_EXECUTION_LOGGING_OFF, &mutants::API_METHOD_LOGGING_OFF],
            not_emulated: None,
        },
        Claim {
            property: "methodSettings.dataTraceEnabled",
            about: "Data tracing (full request and response bodies) is off stage-wide and on every per-method override",
            mutants: &[&mutants::API_METHOD_DATA_TRACE_ON],
            not_emulated: None,
        },
    ],
    run: api_execution_logging_enabled,
};

fn api_execution_logging_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let (level, trace) = ("methodSettings.loggingLevel", "methodSettings.dataTraceEnabled");
    each_method_setting(f, &[level, trace], |resource, m| {
        let evidence = json!({ "loggingLevel": m.logging_level, "dataTraceEnabled": m.data_trace_enabled });
        let actual = m.logging_level.as_deref().unwrap_or("OFF");
        vec![
            Finding::judge(resource, level, matches!(actual, "INFO" | "ERROR"), "INFO or ERROR", actual, &evidence),
            Finding::judge(resource, trace, !m.data_trace_enabled, false, m.data_trace_enabled, &evidence),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::bare_arn;

    #[test]
    fn log_group_arns_compare_without_their_stream_wildcard() {
        let arn = "arn:aws:logs:eu-central-1:123456789012:log-group:/hipaa/api-access-x";
        assert_eq!(bare_arn(&format!("{arn}:*")), arn);
        assert_eq!(bare_arn(arn), arn);
        assert_ne!(bare_arn("arn:aws:logs:eu-west-1:123456789012:log-group:/hipaa/api-access-x:*"), arn);
    }
}
