//! The API entry point: a stage of its own (so WAF attaches to it), throttled, access-logged and
//! traced, behind a regional web ACL with a rate limit and AWS managed rules.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, reference, show};

use super::{
    Change, Mutation, TemplateFacts, items, judge, judge_found, nothing_of, number, per_resource, refers_to, targets,
};

pub const DEPLOYMENT_OWNS_STAGE: Mutation = Mutation {
    name: "deployment-owns-stage",
    resource: "ApiDeployment",
    property: "StageName",
    change: Change::Set(r#"{"Fn::Sub": "api-stage-${EnvironmentSuffix}"}"#),
};

pub const STAGE_THROTTLING_REMOVED: Mutation = Mutation {
    name: "stage-throttling-removed",
    resource: "ApiStage",
    property: "MethodSettings",
    change: Change::Set(
        r#"[{"ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": "INFO", "MetricsEnabled": true}]"#,
    ),
};

pub const WAF_RATE_RULE_REMOVED: Mutation = Mutation {
    name: "waf-rate-rule-removed",
    resource: "WebAcl",
    property: "Rules.RateBasedStatement",
    change: Change::Custom(remove_rate_rules),
};

fn remove_rate_rules(t: &mut Template) {
    let rules = t.resource_mut("WebAcl").and_then(|r| r.pointer_mut("/Properties/Rules")).and_then(Value::as_array_mut);
    if let Some(rules) = rules {
        rules.retain(|rule| rule.pointer("/Statement/RateBasedStatement").is_none());
    }
}

pub const API_STAGE_SEPARATE_FROM_DEPLOYMENT: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "api_stage_separate_from_deployment",
        service: "apigateway",
        title: "The API stage is its own resource on the deployment, and the WAF association waits for it",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(b)"],
        severity: Severity::High,
        risk: "A stage created by the deployment carries none of the stage's throttling, logging or tracing, and WAF may attach before it exists, leaving the API unfiltered.",
        remediation: "template.yml: ApiDeployment (AWS::ApiGateway::Deployment) without StageName; ApiStage DeploymentId: !Ref ApiDeployment; WebAclAssociation DependsOn: ApiStage.",
    },
    mutant: &DEPLOYMENT_OWNS_STAGE,
    run: api_stage_separate_from_deployment,
};

fn api_stage_separate_from_deployment(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let mut findings = per_resource(t, "AWS::ApiGateway::Deployment", "StageName", |d| {
        vec![judge(d, "StageName", d.prop("StageName").is_none(), "absent (the stage is an AWS::ApiGateway::Stage)")]
    });
    findings.extend(per_resource(t, "AWS::ApiGateway::Stage", "DeploymentId", |s| {
        let ok = refers_to(t, s.prop("DeploymentId"), "AWS::ApiGateway::Deployment");
        vec![judge(s, "DeploymentId", ok, "!Ref of an AWS::ApiGateway::Deployment of this stack")]
    }));
    findings.extend(per_resource(t, "AWS::WAFv2::WebACLAssociation", "DependsOn", |a| {
        let arn = a.prop("ResourceArn").map(targets).unwrap_or_default();
        let stages: Vec<&str> =
            arn.into_iter().filter(|id| t.resource(id).is_some_and(|r| r.kind == "AWS::ApiGateway::Stage")).collect();
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

pub const API_STAGE_THROTTLED_LOGGED_TRACED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "api_stage_throttled_logged_traced",
        service: "apigateway",
        title: "Every API stage throttles all methods, writes access logs to a stack log group and is traced",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(7)(i)"],
        severity: Severity::High,
        risk: "An unthrottled stage can be flooded into unavailability; without access logs and traces, who called which PHI endpoint cannot be reviewed.",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) MethodSettings with ResourcePath '/*', HttpMethod '*', ThrottlingRateLimit and ThrottlingBurstLimit > 0; AccessLogSetting.DestinationArn naming ApiAccessLogGroup; TracingEnabled: true.",
    },
    mutant: &STAGE_THROTTLING_REMOVED,
    run: api_stage_throttled_logged_traced,
};

fn api_stage_throttled_logged_traced(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::ApiGateway::Stage", "MethodSettings", |s| {
        let destination = "AccessLogSetting.DestinationArn";
        let throttled = throttles_every_method(s.prop("MethodSettings"));
        vec![
            judge(s, "MethodSettings", throttled, "'/*' '*' with ThrottlingRateLimit and ThrottlingBurstLimit > 0"),
            judge(
                s,
                destination,
                refers_to(t, s.prop(destination), "AWS::Logs::LogGroup"),
                "a log group of this stack",
            ),
            judge(s, "TracingEnabled", is_true(s.prop("TracingEnabled")), true),
        ]
    })
}

/// A method setting for every resource and method (`/*`, `*`) with both throttling limits set.
fn throttles_every_method(settings: Option<&Value>) -> bool {
    let positive = |s: &Value, key: &str| number(s.get(key)).is_some_and(|n| n > 0.0);
    items(settings).iter().any(|s| {
        s.get("ResourcePath").and_then(Value::as_str) == Some("/*")
            && s.get("HttpMethod").and_then(Value::as_str) == Some("*")
            && positive(s, "ThrottlingRateLimit")
            && positive(s, "ThrottlingBurstLimit")
    })
}

pub const WAF_RATE_LIMIT_AND_MANAGED_RULES: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "waf_rate_limit_and_managed_rules",
        service: "wafv2",
        title: "Every regional web ACL blocks by rate, runs AWS managed rules and is associated",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.308(a)(1)(ii)(B)", "45 CFR 164.308(a)(7)(i)"],
        severity: Severity::High,
        risk: "Without a rate limit or managed rules, floods, injection and known-bad requests reach the API that serves PHI.",
        remediation: "template.yml: WebAcl (AWS::WAFv2::WebACL, Scope REGIONAL) Rules need a RateBasedStatement rule with Action Block and a ManagedRuleGroupStatement with VendorName AWS (not in Count); WebAclAssociation WebACLArn: !GetAtt WebAcl.Arn.",
    },
    mutant: &WAF_RATE_RULE_REMOVED,
    run: waf_rate_limit_and_managed_rules,
};

fn waf_rate_limit_and_managed_rules(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let regional = |w: &Resource| w.prop("Scope").and_then(Value::as_str) == Some("REGIONAL");
    let findings: Vec<Finding> =
        t.resources_of("AWS::WAFv2::WebACL").filter(regional).flat_map(|w| web_acl(t, &w)).collect();
    if findings.is_empty() { vec![nothing_of("AWS::WAFv2::WebACL (Scope REGIONAL)", "Scope")] } else { findings }
}

fn web_acl(t: &Template, w: &Resource) -> [Finding; 3] {
    let rules = items(w.prop("Rules"));
    let rate = rules_where(&rules, |r| {
        r.pointer("/Statement/RateBasedStatement").is_some() && r.pointer("/Action/Block").is_some()
    });
    // A managed group overridden to Count only watches; it must act.
    let managed = rules_where(&rules, |r| {
        let vendor = r.pointer("/Statement/ManagedRuleGroupStatement/VendorName").and_then(Value::as_str);
        vendor == Some("AWS") && r.pointer("/OverrideAction/Count").is_none()
    });
    let associations: Vec<&str> = t
        .resources_of("AWS::WAFv2::WebACLAssociation")
        .filter(|a| a.prop("WebACLArn").and_then(reference) == Some(w.id))
        .map(|a| a.id)
        .collect();
    [
        judge_found(w, "Rules.RateBasedStatement", &rate, "a rate-based rule that blocks"),
        judge_found(w, "Rules.ManagedRuleGroupStatement", &managed, "an AWS managed rule group, not in Count"),
        judge_found(w, "WebACLAssociation.WebACLArn", &associations, "an AWS::WAFv2::WebACLAssociation naming it"),
    ]
}

/// The names of the rules that satisfy `pred`.
fn rules_where(rules: &[&Value], pred: impl Fn(&Value) -> bool) -> Vec<String> {
    rules.iter().filter(|r| pred(r)).map(|r| show(r.get("Name"))).collect()
}
