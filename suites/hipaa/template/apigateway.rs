//! The API entry point: a stage of its own on a deployment of the API, guarded by the stack's web
//! ACL (rate limit and AWS managed rules), throttled, access-logged to the stack's group, traced
//! and execution-logged without request bodies.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::source::{judge, judge_value, missing, nothing_of, per_resource};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, reference, show};

use super::{Change, Mutation, Own, TemplateFacts, items, judge_found, number, refers_to, targets};
use crate::hipaa::apigateway::{MAX_BURST_LIMIT, MAX_RATE_LIMIT};
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
    property: "Rules.RateBasedStatement",
    change: Change::Custom(remove_rate_rules),
};

pub const STAGE_THROTTLING_REMOVED: Mutation = Mutation {
    name: "stage-throttling-removed",
    resource: "ApiStage",
    property: "MethodSettings",
    change: Change::Set(
        r#"[{"ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": "INFO", "MetricsEnabled": true}]"#,
    ),
};

pub const ACCESS_LOGS_TO_AUDIT_GROUP: Mutation = Mutation {
    name: "access-logs-to-audit-group",
    resource: "ApiStage",
    property: "AccessLogSetting.DestinationArn",
    change: Change::Set(r#"{"Fn::GetAtt": ["AuditLogGroup", "Arn"]}"#),
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
    property: "MethodSettings.DataTraceEnabled",
    change: Change::Set("true"),
};

pub const DEPLOYMENT_OWNS_STAGE: Mutation = Mutation {
    name: "deployment-owns-stage",
    resource: "ApiDeployment",
    property: "StageName",
    change: Change::Set(r#"{"Fn::Sub": "api-stage-${EnvironmentSuffix}"}"#),
};

fn remove_rate_rules(t: &mut Template) {
    let rules = t.resource_mut("WebAcl").and_then(|r| r.pointer_mut("/Properties/Rules")).and_then(Value::as_array_mut);
    if let Some(rules) = rules {
        rules.retain(|rule| rule.pointer("/Statement/RateBasedStatement").is_none());
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
        remediation: "template.yml: WebAcl (AWS::WAFv2::WebACL, Scope REGIONAL) Rules need a RateBasedStatement rule with Action Block and a ManagedRuleGroupStatement with VendorName AWS (not in Count).",
        ..crate::hipaa::apigateway::WAF_RATE_LIMIT_AND_MANAGED_RULES.info
    },
    claims: &[Claim {
        property: "Rules.RateBasedStatement",
        about: "Every regional web ACL blocks per-IP floods and applies AWS managed rule groups",
        mutants: &[&WAF_RATE_RULE_REMOVED],
        not_emulated: None,
    }],
    run: waf_rate_limit_and_managed_rules,
};

fn waf_rate_limit_and_managed_rules(f: &TemplateFacts) -> Vec<Finding> {
    let regional = |w: &Resource| w.prop("Scope").and_then(Value::as_str) == Some("REGIONAL");
    let findings: Vec<Finding> =
        f.template.resources_of("AWS::WAFv2::WebACL").filter(regional).flat_map(|w| web_acl_rules(&w)).collect();
    if findings.is_empty() {
        vec![nothing_of::<Template>("AWS::WAFv2::WebACL (Scope REGIONAL)", "Scope")]
    } else {
        findings
    }
}

fn web_acl_rules(w: &Resource) -> [Finding; 2] {
    let rules = items(w.prop("Rules"));
    let rate = rules_where(&rules, |r| {
        r.pointer("/Statement/RateBasedStatement").is_some() && r.pointer("/Action/Block").is_some()
    });
    // A managed group overridden to Count only watches; it must act.
    let managed = rules_where(&rules, |r| {
        let vendor = r.pointer("/Statement/ManagedRuleGroupStatement/VendorName").and_then(Value::as_str);
        vendor == Some("AWS") && r.pointer("/OverrideAction/Count").is_none()
    });
    [
        judge_found(w, "Rules.RateBasedStatement", &rate, "a rate-based rule that blocks"),
        judge_found(w, "Rules.ManagedRuleGroupStatement", &managed, "an AWS managed rule group, not in Count"),
    ]
}

/// The names of the rules that satisfy `pred`.
fn rules_where(rules: &[&Value], pred: impl Fn(&Value) -> bool) -> Vec<String> {
    rules.iter().filter(|r| pred(r)).map(|r| show(r.get("Name"))).collect()
}

/// The method setting that applies to every resource and method (`/*`, `*`); the others
/// override it for some methods.
fn is_all_methods(setting: &Value) -> bool {
    setting.get("ResourcePath").and_then(Value::as_str) == Some("/*")
        && setting.get("HttpMethod").and_then(Value::as_str) == Some("*")
}

pub const API_STAGE_THROTTLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every method of every stage is throttled to the stack's rate and burst limits",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) MethodSettings [{ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200}]; no method override above those limits.",
        ..crate::hipaa::apigateway::API_STAGE_THROTTLED.info
    },
    claims: &[Claim {
        property: "MethodSettings",
        about: "Every method of every stage is throttled to the stack's rate and burst limits",
        mutants: &[&STAGE_THROTTLING_REMOVED],
        not_emulated: None,
    }],
    run: api_stage_throttled,
};

fn api_stage_throttled(f: &TemplateFacts) -> Vec<Finding> {
    let expected = format!(
        "'/*' '*' with ThrottlingRateLimit in (0, {MAX_RATE_LIMIT}] and ThrottlingBurstLimit in (0, {MAX_BURST_LIMIT}], no override above them"
    );
    each_stage(f, "MethodSettings", |s| {
        let settings = items(s.prop("MethodSettings"));
        // A limit an override leaves unset is the stage's; one it sets must be within the stack's.
        let within = |setting: &Value, key: &str, max: f64| {
            setting.get(key).is_none_or(|_| number(setting.get(key)).is_some_and(|n| n > 0.0 && n <= max))
        };
        let limited = |setting: &Value| {
            within(setting, "ThrottlingRateLimit", MAX_RATE_LIMIT)
                && within(setting, "ThrottlingBurstLimit", f64::from(MAX_BURST_LIMIT))
        };
        let all_set = settings.iter().any(|m| {
            is_all_methods(m) && m.get("ThrottlingRateLimit").is_some() && m.get("ThrottlingBurstLimit").is_some()
        });
        let ok = all_set && settings.iter().all(|m| limited(m));
        vec![judge(s, "MethodSettings", ok, &expected)]
    })
}

pub const API_ACCESS_LOGGING_TO_STACK_LOG_GROUP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every stage writes access logs, with the request id, to the stack's API access log group",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) AccessLogSetting {DestinationArn: the ApiAccessLogGroup ARN (the group output ApiAccessLogGroupName names), Format: a JSON line with $context.requestId, caller, status}.",
        ..crate::hipaa::apigateway::API_ACCESS_LOGGING_TO_STACK_LOG_GROUP.info
    },
    claims: &[Claim {
        property: "AccessLogSetting.DestinationArn",
        about: "Every stage writes access logs, with the request id, to the stack's API access log group",
        mutants: &[&ACCESS_LOGS_TO_AUDIT_GROUP],
        not_emulated: None,
    }],
    run: api_access_logging_to_stack_log_group,
};

fn api_access_logging_to_stack_log_group(f: &TemplateFacts) -> Vec<Finding> {
    let group = Own::of(&f.template, API_ACCESS_LOG_GROUP_NAME);
    each_stage(f, "AccessLogSetting.DestinationArn", |s| {
        let destination = "AccessLogSetting.DestinationArn";
        let format = s.prop("AccessLogSetting.Format").and_then(Value::as_str).unwrap_or("");
        vec![
            judge(s, destination, group.named_by(s.prop(destination)), format!("the ARN of {}", group.expected())),
            judge(
                s,
                "AccessLogSetting.Format",
                format.contains("$context.requestId"),
                "a format recording $context.requestId",
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
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) MethodSettings [{ResourcePath: '/*', HttpMethod: '*', LoggingLevel: INFO, DataTraceEnabled: false}]; no method override with LoggingLevel OFF or DataTraceEnabled: true.",
        ..crate::hipaa::apigateway::API_EXECUTION_LOGGING_ENABLED.info
    },
    claims: &[Claim {
        property: "MethodSettings.DataTraceEnabled",
        about: "Execution logging is on for every method, without full request and response bodies",
        mutants: &[&STAGE_DATA_TRACE_ON],
        not_emulated: None,
    }],
    run: api_execution_logging_enabled,
};

fn api_execution_logging_enabled(f: &TemplateFacts) -> Vec<Finding> {
    each_stage(f, "MethodSettings.LoggingLevel", |s| {
        let settings = items(s.prop("MethodSettings"));
        let logs = |m: &Value| matches!(m.get("LoggingLevel").and_then(Value::as_str), Some("INFO" | "ERROR"));
        // Every setting is judged: an override that turns logging off or data tracing on for one
        // method counts as much as the stage-wide setting.
        let all = settings.iter().copied().find(|m| is_all_methods(m));
        let level_ok = all.is_some_and(logs) && settings.iter().all(|m| m.get("LoggingLevel").is_none_or(|_| logs(m)));
        let traced: Vec<&Value> = settings.iter().copied().filter(|m| is_true(m.get("DataTraceEnabled"))).collect();
        let levels: Vec<String> = settings.iter().map(|m| show(m.get("LoggingLevel"))).collect();
        vec![
            Finding::judge(
                s.id,
                "MethodSettings.LoggingLevel",
                level_ok,
                "INFO or ERROR for '/*' '*', and no override below ERROR",
                if levels.is_empty() { "no method settings".to_owned() } else { levels.join(", ") },
                &s.prop("MethodSettings"),
            ),
            judge_value(
                s,
                "MethodSettings.DataTraceEnabled",
                traced.first().and_then(|m| m.get("DataTraceEnabled")),
                traced.is_empty(),
                "false (or absent) on every method setting",
            ),
        ]
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
