//! The API entry point: a stage of its own on a deployment of the API, guarded by the stack's web
//! ACL (rate limit and AWS managed rules), throttled, access-logged to the stack's group, traced
//! and execution-logged without request bodies.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::wafv2::{ManagedRuleGroup, RateBased, Rule, RuleOverride, WebAcl};
use stackproof_harness::kit::source::{judge, missing, nothing_of, per_resource};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, reference, show};

use super::{Change, Mutation, Own, TemplateFacts, items, number, refers_to, targets};
use crate::hipaa::apigateway::{
    ACCESS_LOG_FIELDS, MAX_BURST_LIMIT, MAX_RATE_LIMIT, RATE_WINDOW_SECONDS, web_acl_rules,
};
use crate::hipaa::outputs::{API_ACCESS_LOG_GROUP_NAME, WEB_ACL_ARN};

pub const STAGE_WITHOUT_DEPLOYMENT: Mutation = Mutation {
    name: "stage-without-deployment",
    resource: "ApiStage",
    property: "DeploymentId",
    change: Change::Remove,
};

pub const WAF_ASSOCIATED_WITH_FOREIGN_ACL: Mutation = Mutation {
    name: "waf-associated-with-foreign-acl",
    resource: "WebAclAssociation",
    property: "WebACLArn",
    change: Change::Set(r#""arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/other/1111-2222""#),
};

pub const WAF_RATE_RULE_REMOVED: Mutation = Mutation {
    name: "waf-rate-rule-removed",
    resource: "WebAcl",
    property: "Rules[RateBasedStatement]",
    change: Change::Custom(remove_rate_rules),
};

pub const WAF_RATE_RULE_COUNT_ONLY: Mutation = Mutation {
    name: "waf-rate-rule-count-only",
    resource: "WebAcl",
    property: "Rules[RateBasedStatement]",
    change: Change::Custom(|t| set_in_rule(t, "RateLimitPerIp", "/Action", json!({"Count": {}}))),
};

pub const WAF_RATE_LIMIT_RAISED: Mutation = Mutation {
    name: "waf-rate-limit-raised",
    resource: "WebAcl",
    property: "Rules[RateBasedStatement].Limit",
    change: Change::Custom(|t| set_in_rule(t, "RateLimitPerIp", "/Statement/RateBasedStatement/Limit", json!(20000))),
};

pub const WAF_SQLI_GROUP_COUNT_ONLY: Mutation = Mutation {
    name: "waf-sqli-group-count-only",
    resource: "WebAcl rule group AWSManagedRulesSQLiRuleSet",
    property: "Rules[ManagedRuleGroupStatement]",
    change: Change::Custom(|t| set_in_rule(t, "AWSManagedRulesSQLiRuleSet", "/OverrideAction", json!({"Count": {}}))),
};

pub const WAF_KNOWN_BAD_INPUTS_REMOVED: Mutation = Mutation {
    name: "waf-known-bad-inputs-removed",
    resource: "WebAcl rule group AWSManagedRulesKnownBadInputsRuleSet",
    property: "Rules[ManagedRuleGroupStatement]",
    change: Change::Custom(|t| {
        if let Some(rules) = web_acl_rules_mut(t) {
            rules.retain(|r| r.get("Name").and_then(Value::as_str) != Some("AWSManagedRulesKnownBadInputsRuleSet"));
        }
    }),
};

pub const WAF_XSS_RULE_TO_COUNT: Mutation = Mutation {
    name: "waf-xss-rule-to-count",
    resource: "WebAcl rule group AWSManagedRulesCommonRuleSet",
    property: "Rules[ManagedRuleGroupStatement].RuleActionOverrides",
    change: Change::Custom(|t| {
        let overrides = json!([{"Name": "CrossSiteScripting_BODY", "ActionToUse": {"Count": {}}}]);
        let at = "/Statement/ManagedRuleGroupStatement/RuleActionOverrides";
        set_in_rule(t, "AWSManagedRulesCommonRuleSet", at, overrides);
    }),
};

pub const WAF_ALLOW_RULE_FIRST: Mutation = Mutation {
    name: "waf-allow-rule-first",
    resource: "WebAcl",
    property: "Rules[].Action",
    change: Change::Custom(allow_internal_callers_first),
};

pub const STAGE_THROTTLING_REMOVED: Mutation = Mutation {
    name: "stage-throttling-removed",
    resource: "ApiStage",
    property: "MethodSettings[0].ThrottlingRateLimit",
    change: Change::Custom(|t| {
        if let Some(all) = method_setting_mut(t, 0).and_then(Value::as_object_mut) {
            all.remove("ThrottlingRateLimit");
            all.remove("ThrottlingBurstLimit");
        }
    }),
};

pub const STAGE_BURST_RAISED: Mutation = Mutation {
    name: "stage-burst-raised",
    resource: "ApiStage",
    property: "MethodSettings[0].ThrottlingBurstLimit",
    change: Change::Custom(|t| {
        if let Some(all) = method_setting_mut(t, 0) {
            all["ThrottlingBurstLimit"] = json!(5000);
        }
    }),
};

pub const METHOD_THROTTLING_RAISED: Mutation = Mutation {
    name: "method-throttling-raised",
    resource: "ApiStage",
    property: "MethodSettings[1].ThrottlingRateLimit",
    change: Change::Custom(|t| add_proxy_override(t, "ThrottlingRateLimit", json!(5000))),
};

pub const ACCESS_LOGS_TO_AUDIT_GROUP: Mutation = Mutation {
    name: "access-logs-to-audit-group",
    resource: "ApiStage",
    property: "AccessLogSetting.DestinationArn",
    change: Change::Set(r#"{"Fn::GetAtt": ["AuditLogGroup", "Arn"]}"#),
};

pub const ACCESS_LOG_FORMAT_WITHOUT_CALLER: Mutation = Mutation {
    name: "access-log-format-without-caller",
    resource: "ApiStage",
    property: "AccessLogSetting.Format",
    change: Change::Set(
        r#""{\"requestId\":\"$context.requestId\",\"requestTime\":\"$context.requestTime\",\"status\":\"$context.status\"}""#,
    ),
};

pub const STAGE_TRACING_OFF: Mutation = Mutation {
    name: "stage-tracing-off",
    resource: "ApiStage",
    property: "TracingEnabled",
    change: Change::Set("false"),
};

pub const STAGE_DATA_TRACE_ON: Mutation = Mutation {
    name: "stage-data-trace-on",
    resource: "ApiStage",
    property: "MethodSettings[0].DataTraceEnabled",
    change: Change::Custom(|t| {
        if let Some(all) = method_setting_mut(t, 0) {
            all["DataTraceEnabled"] = json!(true);
        }
    }),
};

pub const METHOD_LOGGING_OFF: Mutation = Mutation {
    name: "method-logging-off",
    resource: "ApiStage",
    property: "MethodSettings[1].LoggingLevel",
    change: Change::Custom(|t| add_proxy_override(t, "LoggingLevel", json!("OFF"))),
};

pub const DEPLOYMENT_OWNS_STAGE: Mutation = Mutation {
    name: "deployment-owns-stage",
    resource: "ApiDeployment",
    property: "StageName",
    change: Change::Set(r#"{"Fn::Sub": "api-stage-${EnvironmentSuffix}"}"#),
};

fn web_acl_rules_mut(t: &mut Template) -> Option<&mut Vec<Value>> {
    t.resource_mut("WebAcl").and_then(|r| r.pointer_mut("/Properties/Rules")).and_then(Value::as_array_mut)
}

fn remove_rate_rules(t: &mut Template) {
    if let Some(rules) = web_acl_rules_mut(t) {
        rules.retain(|rule| rule.pointer("/Statement/RateBasedStatement").is_none());
    }
}

/// Sets `value` at `pointer` inside the web ACL's rule called `name`.
fn set_in_rule(t: &mut Template, name: &str, pointer: &str, value: Value) {
    let rule = web_acl_rules_mut(t)
        .and_then(|rules| rules.iter_mut().find(|r| r.get("Name").and_then(Value::as_str) == Some(name)));
    let Some(rule) = rule else { return };
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    if let Some(parent) = rule.pointer_mut(parent).and_then(Value::as_object_mut) {
        parent.insert(key.to_owned(), value);
    }
}

/// A rule allowing requests with `x-internal-caller: yes`, evaluated before every other rule.
fn allow_internal_callers_first(t: &mut Template) {
    let Some(rules) = web_acl_rules_mut(t) else { return };
    for rule in rules.iter_mut() {
        let next = rule.get("Priority").and_then(Value::as_i64).map_or(0, |p| p + 1);
        rule["Priority"] = json!(next);
    }
    rules.insert(
        0,
        json!({"Name": "AllowInternalCallers", "Priority": 0, "Action": {"Allow": {}},
               "Statement": {"ByteMatchStatement": {"SearchString": "yes", "FieldToMatch": {"SingleHeader": {"Name": "x-internal-caller"}},
                             "TextTransformations": [{"Priority": 0, "Type": "NONE"}], "PositionalConstraint": "EXACTLY"}},
               "VisibilityConfig": {"SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": "allow-internal"}}),
    );
}

/// The stage's method setting at `index`.
fn method_setting_mut(t: &mut Template, index: usize) -> Option<&mut Value> {
    t.resource_mut("ApiStage")?.pointer_mut(&format!("/Properties/MethodSettings/{index}"))
}

/// A per-method override for ANY on `/{proxy+}` with the stage-wide settings, but `key`.
fn add_proxy_override(t: &mut Template, key: &str, value: Value) {
    let Some(all) = method_setting_mut(t, 0).map(|m| m.clone()) else { return };
    let mut method = all;
    method["ResourcePath"] = json!("/~1{proxy+}");
    method["HttpMethod"] = json!("ANY");
    method[key] = value;
    if let Some(settings) = t
        .resource_mut("ApiStage")
        .and_then(|r| r.pointer_mut("/Properties/MethodSettings"))
        .and_then(Value::as_array_mut)
    {
        settings.push(method);
    }
}

const STAGE: &str = "AWS::ApiGateway::Stage";

fn each_stage(f: &TemplateFacts, property: &str, judge_one: impl Fn(&Resource) -> Vec<Finding>) -> Vec<Finding> {
    per_resource(&f.template, STAGE, property, judge_one)
}

pub const API_STAGE_DEPLOYED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every API stage serves a deployment of its own API",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) DeploymentId: !Ref ApiDeployment, with RestApiId: !Ref RestApi on both.",
        ..crate::hipaa::apigateway::API_STAGE_DEPLOYED.info
    },
    claims: &[Claim {
        property: "DeploymentId",
        about: "Every API stage serves a deployment of its own API",
        mutants: &[&STAGE_WITHOUT_DEPLOYMENT],
        not_emulated: None,
    }],
    run: api_stage_deployed,
};

fn api_stage_deployed(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    each_stage(f, "DeploymentId", |s| {
        let api = s.prop("RestApiId").and_then(reference);
        let deployment = s.prop("DeploymentId").and_then(reference).and_then(|id| t.resource(id));
        let ok = deployment.is_some_and(|d| {
            d.kind == "AWS::ApiGateway::Deployment" && api.is_some() && d.prop("RestApiId").and_then(reference) == api
        });
        let expected = format!("!Ref of an AWS::ApiGateway::Deployment of {}", api.unwrap_or("the stage's RestApiId"));
        vec![
            judge(
                s,
                "RestApiId",
                refers_to(t, s.prop("RestApiId"), "AWS::ApiGateway::RestApi"),
                "!Ref of a RestApi of this stack",
            ),
            judge(s, "DeploymentId", ok, expected),
        ]
    })
}

pub const API_STAGE_PROTECTED_BY_STACK_WEB_ACL: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "api_stage_protected_by_stack_web_acl",
        service: "waf",
        title: "Every API stage is associated with the stack's WAF web ACL",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(1)(ii)(B)"],
        severity: Severity::High,
        risk: "Without the web ACL the PHI API takes floods, injection attempts and known-bad sources unfiltered.",
        remediation: "template.yml: WebAclAssociation (AWS::WAFv2::WebACLAssociation) ResourceArn: the ApiStage ARN (!Sub '...:/restapis/${RestApi}/stages/${ApiStage}'), WebACLArn: !GetAtt WebAcl.Arn (the web ACL output WebAclArn names).",
    },
    claims: &[Claim {
        property: "WebACLArn",
        about: "Every API stage is associated with the stack's WAF web ACL",
        mutants: &[&WAF_ASSOCIATED_WITH_FOREIGN_ACL],
        not_emulated: None,
    }],
    run: api_stage_protected_by_stack_web_acl,
};

fn api_stage_protected_by_stack_web_acl(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let stack_acl = Own::of(t, WEB_ACL_ARN);
    each_stage(f, "WebACLAssociation", |stage| {
        let associations: Vec<Resource> = t
            .resources_of("AWS::WAFv2::WebACLAssociation")
            .filter(|a| a.prop("ResourceArn").is_some_and(|arn| targets(arn).contains(&stage.id)))
            .collect();
        if associations.is_empty() {
            return vec![missing(
                stage,
                "WebACLAssociation",
                "an AWS::WAFv2::WebACLAssociation whose ResourceArn names it",
            )];
        }
        associations
            .iter()
            .map(|a| judge(a, "WebACLArn", stack_acl.named_by(a.prop("WebACLArn")), stack_acl.expected()))
            .collect()
    })
}

pub const WAF_RATE_LIMIT_AND_MANAGED_RULES: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every regional web ACL blocks per-IP floods and applies AWS managed rule groups",
        remediation: "template.yml: WebAcl (AWS::WAFv2::WebACL, Scope REGIONAL) Rules need a RateBasedStatement rule (AggregateKeyType IP, Limit at most 2000 per 300 s) with Action Block, and the stack's ManagedRuleGroupStatement rules (VendorName AWS) with OverrideAction None and no RuleActionOverrides to Count or Allow; no Allow rule ahead of them.",
        ..crate::hipaa::apigateway::WAF_RATE_LIMIT_AND_MANAGED_RULES.info
    },
    claims: &[
        Claim {
            property: "Rules[RateBasedStatement]",
            about: "A rate-based rule aggregating by IP blocks (Action Block, not Count)",
            mutants: &[&WAF_RATE_RULE_REMOVED, &WAF_RATE_RULE_COUNT_ONLY],
            not_emulated: None,
        },
        Claim {
            property: "Rules[RateBasedStatement].Limit",
            about: "The blocking rate limit is at most the stack's 2000 requests per IP per 5 minutes",
            mutants: &[&WAF_RATE_LIMIT_RAISED],
            not_emulated: None,
        },
        Claim {
            property: "Rules[ManagedRuleGroupStatement]",
            about: "Each of the stack's AWS managed rule groups is applied, and none is overridden to Count",
            mutants: &[&WAF_SQLI_GROUP_COUNT_ONLY, &WAF_KNOWN_BAD_INPUTS_REMOVED],
            not_emulated: None,
        },
        Claim {
            property: "Rules[ManagedRuleGroupStatement].RuleActionOverrides",
            about: "No rule inside a managed group is overridden to Count or Allow, or excluded",
            mutants: &[&WAF_XSS_RULE_TO_COUNT],
            not_emulated: None,
        },
        Claim {
            property: "Rules[].Action",
            about: "No rule allows requests before the rate limit and the managed groups see them",
            mutants: &[&WAF_ALLOW_RULE_FIRST],
            not_emulated: None,
        },
    ],
    run: waf_rate_limit_and_managed_rules,
};

fn waf_rate_limit_and_managed_rules(f: &TemplateFacts) -> Vec<Finding> {
    let regional = |w: &Resource| w.prop("Scope").and_then(Value::as_str) == Some("REGIONAL");
    // The live check's judgement, on the web ACL as the template declares it.
    let findings: Vec<Finding> = f
        .template
        .resources_of("AWS::WAFv2::WebACL")
        .filter(regional)
        .flat_map(|w| web_acl_rules(w.id, &declared_web_acl(&w)))
        .collect();
    if findings.is_empty() {
        vec![nothing_of::<Template>("AWS::WAFv2::WebACL (Scope REGIONAL)", "Scope")]
    } else {
        findings
    }
}

/// The single key of an action block (`{Block: {}}` is `Block`).
fn action_of(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_object).filter(|o| o.len() == 1).and_then(|o| o.keys().next().cloned())
}

/// A web ACL as the template declares it, in the live facts' shape. A value the template leaves
/// to an intrinsic cannot be read: a priority reads as first, a limit as unlimited, so neither
/// passes for what it might be.
fn declared_web_acl(w: &Resource) -> WebAcl {
    let rules = items(w.prop("Rules"))
        .into_iter()
        .map(|r| {
            let rate = r.pointer("/Statement/RateBasedStatement");
            let managed = r.pointer("/Statement/ManagedRuleGroupStatement");
            let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_owned();
            Rule {
                name: text(r.get("Name")),
                priority: number(r.get("Priority")).map_or(i32::MIN, |p| p as i32),
                action: action_of(r.get("Action")),
                override_action: action_of(r.get("OverrideAction")),
                rate_based_statement: rate.map(|s| RateBased {
                    limit: number(s.get("Limit")).map_or(i64::MAX, |l| l as i64),
                    evaluation_window_sec: number(s.get("EvaluationWindowSec"))
                        .map_or(RATE_WINDOW_SECONDS, |w| w as i64),
                    aggregate_key_type: text(s.get("AggregateKeyType")),
                }),
                managed_rule_group_statement: managed.map(|m| ManagedRuleGroup {
                    vendor_name: text(m.get("VendorName")),
                    name: text(m.get("Name")),
                    rule_action_overrides: items(m.get("RuleActionOverrides"))
                        .into_iter()
                        .map(|o| RuleOverride {
                            name: text(o.get("Name")),
                            action_to_use: action_of(o.get("ActionToUse")),
                        })
                        .collect(),
                    excluded_rules: items(m.get("ExcludedRules")).into_iter().map(|e| text(e.get("Name"))).collect(),
                }),
            }
        })
        .collect();
    WebAcl {
        name: show(w.prop("Name")),
        id: String::new(),
        arn: w.id.to_owned(),
        default_action: action_of(w.prop("DefaultAction")),
        rules,
    }
}

/// Every method setting with its index: the stage-wide one and each per-method override.
fn method_settings<'a>(s: &'a Resource) -> Vec<(usize, &'a Value)> {
    items(s.prop("MethodSettings")).into_iter().enumerate().collect()
}

/// The method setting that applies to every resource and method (`/*`, `*`); the others
/// override it for some methods.
fn is_all_methods(setting: &Value) -> bool {
    setting.get("ResourcePath").and_then(Value::as_str) == Some("/*")
        && setting.get("HttpMethod").and_then(Value::as_str) == Some("*")
}

/// A stage without the stage-wide method setting fails each of `properties`.
fn without_all_methods(s: &Resource, properties: &[&str]) -> Vec<Finding> {
    if method_settings(s).iter().any(|(_, m)| is_all_methods(m)) {
        return Vec::new();
    }
    properties.iter().map(|p| missing(s, &format!("MethodSettings.{p}"), "a '/*' '*' method setting")).collect()
}

pub const API_STAGE_THROTTLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every method of every stage is throttled to the stack's rate and burst limits",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) MethodSettings [{ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200}]; every per-method override sets both limits, no higher.",
        ..crate::hipaa::apigateway::API_STAGE_THROTTLED.info
    },
    claims: &[
        Claim {
            property: "MethodSettings[].ThrottlingRateLimit",
            about: "The stage-wide setting and every per-method override set a rate limit of more than 0 and at most 100 requests/s",
            mutants: &[&STAGE_THROTTLING_REMOVED, &METHOD_THROTTLING_RAISED],
            not_emulated: None,
        },
        Claim {
            property: "MethodSettings[].ThrottlingBurstLimit",
            about: "The stage-wide setting and every per-method override set a burst limit of more than 0 and at most 200",
            mutants: &[&STAGE_BURST_RAISED],
            not_emulated: None,
        },
    ],
    run: api_stage_throttled,
};

fn api_stage_throttled(f: &TemplateFacts) -> Vec<Finding> {
    each_stage(f, "MethodSettings", |s| {
        let mut findings = without_all_methods(s, &["ThrottlingRateLimit", "ThrottlingBurstLimit"]);
        for (i, m) in method_settings(s) {
            // Every setting is judged as written: an override that leaves a limit out is not
            // read as inheriting the stage's.
            for (key, max) in
                [("ThrottlingRateLimit", MAX_RATE_LIMIT), ("ThrottlingBurstLimit", f64::from(MAX_BURST_LIMIT))]
            {
                let ok = number(m.get(key)).is_some_and(|n| n > 0.0 && n <= max);
                findings.push(Finding::judge(
                    s.id,
                    format!("MethodSettings[{i}].{key}"),
                    ok,
                    format!("set, more than 0 and at most {max}"),
                    show(m.get(key)),
                    &m.get(key),
                ));
            }
        }
        findings
    })
}

pub const API_ACCESS_LOGGING_TO_STACK_LOG_GROUP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every stage writes access logs, recording who called, when and with what result, to the stack's API access log group",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) AccessLogSetting {DestinationArn: the ApiAccessLogGroup ARN (the group output ApiAccessLogGroupName names), Format: a JSON line with $context.requestId, $context.identity.sourceIp, $context.requestTime, $context.status}.",
        ..crate::hipaa::apigateway::API_ACCESS_LOGGING_TO_STACK_LOG_GROUP.info
    },
    claims: &[
        Claim {
            property: "AccessLogSetting.DestinationArn",
            about: "Every stage writes access logs to the stack's API access log group",
            mutants: &[&ACCESS_LOGS_TO_AUDIT_GROUP],
            not_emulated: None,
        },
        Claim {
            property: "AccessLogSetting.Format",
            about: "Each access log line records the request id, who called, when, and the status",
            mutants: &[&ACCESS_LOG_FORMAT_WITHOUT_CALLER],
            not_emulated: None,
        },
    ],
    run: api_access_logging_to_stack_log_group,
};

fn api_access_logging_to_stack_log_group(f: &TemplateFacts) -> Vec<Finding> {
    let group = Own::of(&f.template, API_ACCESS_LOG_GROUP_NAME);
    each_stage(f, "AccessLogSetting.DestinationArn", |s| {
        let destination = "AccessLogSetting.DestinationArn";
        let format = s.prop("AccessLogSetting.Format").and_then(Value::as_str).unwrap_or("");
        let recorded = ACCESS_LOG_FIELDS.iter().all(|any| any.iter().any(|v| format.contains(v)));
        vec![
            judge(s, destination, group.named_by(s.prop(destination)), format!("the ARN of {}", group.expected())),
            judge(
                s,
                "AccessLogSetting.Format",
                recorded,
                "a format recording the request id, caller (sourceIp, caller or userArn), time and status",
            ),
        ]
    })
}

pub const API_XRAY_TRACING_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "X-Ray tracing is enabled on every stage",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) TracingEnabled: true.",
        ..crate::hipaa::apigateway::API_XRAY_TRACING_ENABLED.info
    },
    claims: &[Claim {
        property: "TracingEnabled",
        about: "X-Ray tracing is enabled on every stage",
        mutants: &[&STAGE_TRACING_OFF],
        not_emulated: None,
    }],
    run: api_xray_tracing_enabled,
};

fn api_xray_tracing_enabled(f: &TemplateFacts) -> Vec<Finding> {
    each_stage(f, "TracingEnabled", |s| vec![judge(s, "TracingEnabled", is_true(s.prop("TracingEnabled")), true)])
}

pub const API_EXECUTION_LOGGING_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) MethodSettings [{ResourcePath: '/*', HttpMethod: '*', LoggingLevel: INFO, DataTraceEnabled: false}]; every per-method override sets LoggingLevel INFO or ERROR and no DataTraceEnabled: true.",
        ..crate::hipaa::apigateway::API_EXECUTION_LOGGING_ENABLED.info
    },
    claims: &[
        Claim {
            property: "MethodSettings[].LoggingLevel",
            about: "The stage-wide setting and every per-method override log at INFO or ERROR",
            mutants: &[&METHOD_LOGGING_OFF],
            not_emulated: None,
        },
        Claim {
            property: "MethodSettings[].DataTraceEnabled",
            about: "Data tracing (full request and response bodies) is off on every method setting",
            mutants: &[&STAGE_DATA_TRACE_ON],
            not_emulated: None,
        },
    ],
    run: api_execution_logging_enabled,
};

fn api_execution_logging_enabled(f: &TemplateFacts) -> Vec<Finding> {
    each_stage(f, "MethodSettings.LoggingLevel", |s| {
        let mut findings = without_all_methods(s, &["LoggingLevel"]);
        for (i, m) in method_settings(s) {
            // An override that leaves the level out is judged as written, not as inheriting.
            let level = m.get("LoggingLevel");
            findings.push(Finding::judge(
                s.id,
                format!("MethodSettings[{i}].LoggingLevel"),
                matches!(level.and_then(Value::as_str), Some("INFO" | "ERROR")),
                "INFO or ERROR",
                show(level),
                &level,
            ));
            let trace = m.get("DataTraceEnabled");
            findings.push(Finding::judge(
                s.id,
                format!("MethodSettings[{i}].DataTraceEnabled"),
                !is_true(trace),
                "false (or absent)",
                show(trace),
                &trace,
            ));
        }
        findings
    })
}

pub const API_STAGE_SEPARATE_FROM_DEPLOYMENT: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "api_stage_separate_from_deployment",
        service: "apigateway",
        title: "The API stage is not created by the deployment, and the WAF association waits for the stage",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(b)"],
        severity: Severity::High,
        risk: "A stage created by the deployment carries none of the stage's throttling, logging or tracing, and WAF may attach before it exists, leaving the API unfiltered.",
        remediation: "template.yml: ApiDeployment (AWS::ApiGateway::Deployment) without StageName; WebAclAssociation DependsOn: ApiStage.",
    },
    claims: &[Claim {
        property: "StageName",
        about: "The API stage is not created by the deployment, and the WAF association waits for the stage",
        mutants: &[&DEPLOYMENT_OWNS_STAGE],
        not_emulated: None,
    }],
    run: api_stage_separate_from_deployment,
};

fn api_stage_separate_from_deployment(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let mut findings = per_resource(t, "AWS::ApiGateway::Deployment", "StageName", |d| {
        vec![judge(d, "StageName", d.prop("StageName").is_none(), "absent (the stage is an AWS::ApiGateway::Stage)")]
    });
    findings.extend(per_resource(t, "AWS::WAFv2::WebACLAssociation", "DependsOn", |a| {
        let arn = a.prop("ResourceArn").map(targets).unwrap_or_default();
        let stages: Vec<&str> = arn.into_iter().filter(|id| t.resource(id).is_some_and(|r| r.kind == STAGE)).collect();
        let after = a.depends_on();
        let ok = !stages.is_empty() && stages.iter().all(|s| after.contains(s));
        let expected = format!(
            "the stage its ResourceArn names ({})",
            if stages.is_empty() { "none".into() } else { stages.join(", ") }
        );
        let actual = if after.is_empty() { "absent".into() } else { after.join(", ") };
        vec![Finding::judge(a.id, "DependsOn", ok, expected, actual, &a.body.get("DependsOn"))]
    }));
    findings
}
