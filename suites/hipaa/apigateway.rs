//! API Gateway and WAF: the stage, its throttling, access logging and tracing, and the web ACL guarding it.

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::apigateway::{MethodSetting, Stage};

use stackproof_harness::kit::fact::{judge_fact, judge_named};

use super::HipaaFacts;
use super::mutants;

/// The method settings key that applies to every method of the stage.
pub const ALL_METHODS: &str = "*/*";
/// The stack's stage-wide limits (template.yml ApiStage MethodSettings): a stage may be stricter,
/// never looser. An unset limit reads as the account's default, far above these.
pub const MAX_RATE_LIMIT: f64 = 100.0;
pub const MAX_BURST_LIMIT: i32 = 200;

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

/// The `*/*` method settings of the stage; a stage without them fails `property`.
fn with_all_methods(
    f: &HipaaFacts,
    property: &str,
    judge: impl FnOnce(&str, &MethodSetting) -> Vec<Finding>,
) -> Vec<Finding> {
    let arn = &f.app.stage.resource;
    judge_named(&f.app.stage, property, |s| match s.method_settings.get(ALL_METHODS) {
        Some(m) => judge(arn, m),
        None => vec![Finding::judge(
            arn,
            property,
            false,
            format!("method settings for {ALL_METHODS}"),
            "none",
            &s.method_settings,
        )],
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
        about: "The API stage exists and serves a deployment of the API",
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
    claims: &[Claim {
        property: "webAclArn",
        about: "The API stage is guarded by the stack's WAF web ACL",
        mutants: &[&mutants::WAF_NOT_ASSOCIATED],
        not_emulated: None,
    }],
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
        remediation: "template.yml: WebAcl (AWS::WAFv2::WebACL) Rules: a RateBasedStatement rule with Action Block, and ManagedRuleGroupStatement rules (VendorName: AWS) with OverrideAction None.",
    },
    claims: &[Claim {
        property: "Rules[RateBasedStatement]",
        about: "The web ACL blocks per-IP floods and applies AWS managed rule groups",
        mutants: &[&mutants::WAF_NO_RATE_LIMIT],
        not_emulated: None,
    }],
    run: waf_rate_limit_and_managed_rules,
};

fn waf_rate_limit_and_managed_rules(f: &HipaaFacts) -> Vec<Finding> {
    let n = &f.app.web_acl;
    judge_named(n, "Rules[RateBasedStatement]", |acl| {
        let resource = if acl.arn.is_empty() { &n.resource } else { &acl.arn };
        let rate: Vec<_> = acl.rules.iter().filter(|r| r.rate_based_statement.is_some()).collect();
        let blocking = rate.iter().any(|r| r.action.as_deref() == Some("Block"));
        let rate_actual = if rate.is_empty() {
            "no rate-based rule".to_owned()
        } else {
            rate.iter()
                .map(|r| format!("{} ({})", r.name, r.action.as_deref().unwrap_or("no action")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let managed: Vec<_> = acl
            .rules
            .iter()
            .filter(|r| r.managed_rule_group_statement.as_ref().is_some_and(|m| m.vendor_name == "AWS"))
            .collect();
        let enforcing = managed.iter().any(|r| r.override_action.as_deref() != Some("Count"));
        let managed_actual = if managed.is_empty() {
            "no AWS managed rule group".to_owned()
        } else {
            managed
                .iter()
                .map(|r| format!("{} ({})", r.name, r.override_action.as_deref().unwrap_or("None")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        vec![
            Finding::judge(
                resource,
                "Rules[RateBasedStatement]",
                blocking,
                "a rate-based rule that blocks",
                rate_actual,
                &rate,
            ),
            Finding::judge(
                resource,
                "Rules[ManagedRuleGroupStatement]",
                enforcing,
                "an AWS managed rule group, not overridden to Count",
                managed_actual,
                &managed,
            ),
        ]
    })
}

pub const API_STAGE_THROTTLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "api_stage_throttled",
        service: "apigateway",
        title: "Every method of the stage is throttled to the stack's rate and burst limits",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.312(a)(1)"],
        severity: Severity::Medium,
        risk: "Unthrottled methods let one caller consume the account's whole API quota and overload the tasks behind it: an outage of PHI access.",
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) MethodSettings [{ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200}].",
    },
    claims: &[Claim {
        property: "methodSettings[*/*].throttlingRateLimit",
        about: "Every method of the stage is throttled to the stack's rate and burst limits",
        mutants: &[&mutants::API_THROTTLING_OFF],
        not_emulated: None,
    }],
    run: api_stage_throttled,
};

fn api_stage_throttled(f: &HipaaFacts) -> Vec<Finding> {
    let rate = "methodSettings[*/*].throttlingRateLimit";
    let burst = "methodSettings[*/*].throttlingBurstLimit";
    with_all_methods(f, rate, |arn, m| {
        let evidence = json!({ ALL_METHODS: m });
        vec![
            Finding::judge(
                arn,
                rate,
                m.throttling_rate_limit > 0.0 && m.throttling_rate_limit <= MAX_RATE_LIMIT,
                format!("more than 0 and at most {MAX_RATE_LIMIT} requests/s"),
                m.throttling_rate_limit,
                &evidence,
            ),
            Finding::judge(
                arn,
                burst,
                m.throttling_burst_limit > 0 && m.throttling_burst_limit <= MAX_BURST_LIMIT,
                format!("more than 0 and at most {MAX_BURST_LIMIT}"),
                m.throttling_burst_limit,
                &evidence,
            ),
        ]
    })
}

/// The log group name in a CloudWatch Logs log group ARN (with or without a trailing `:*`).
fn log_group_of(arn: &str) -> Option<&str> {
    let name = arn.split_once(":log-group:")?.1;
    Some(name.strip_suffix(":*").unwrap_or(name))
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
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) AccessLogSetting {DestinationArn: the ApiAccessLogGroup ARN, Format: a JSON line with requestId, caller, status}.",
    },
    claims: &[Claim {
        property: "accessLogSettings.destinationArn",
        about: "The stage writes access logs to the stack's encrypted API access log group",
        mutants: &[&mutants::API_ACCESS_LOGS_OFF],
        not_emulated: None,
    }],
    run: api_access_logging_to_stack_log_group,
};

fn api_access_logging_to_stack_log_group(f: &HipaaFacts) -> Vec<Finding> {
    let arn = &f.app.stage.resource;
    judge_fact(arn, &f.logs.api_access_group.fact, ACCESS_LOG_DESTINATION, |group| {
        judge_named(&f.app.stage, ACCESS_LOG_DESTINATION, |s| access_logs_to(arn, s, group))
    })
}

/// The stage's access logs go to `group`, and record each request's id.
fn access_logs_to(arn: &str, s: &Stage, group: &str) -> Vec<Finding> {
    let settings = s.access_log_settings.as_ref();
    let dest = settings.and_then(|a| a.destination_arn.as_deref());
    let format = settings.and_then(|a| a.format.as_deref()).unwrap_or("");
    let evidence = json!({ "accessLogSettings": settings });
    vec![
        Finding::judge(
            arn,
            ACCESS_LOG_DESTINATION,
            dest.and_then(log_group_of) == Some(group),
            format!("the ARN of log group {group}"),
            dest.unwrap_or("none (access logging off)"),
            &evidence,
        ),
        Finding::judge(
            arn,
            "accessLogSettings.format",
            format.contains("$context.requestId"),
            "a format recording $context.requestId",
            if format.is_empty() { "none" } else { format },
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
        about: "X-Ray tracing is enabled on the stage",
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
        remediation: "template.yml: ApiStage (AWS::ApiGateway::Stage) MethodSettings [{ResourcePath: '/*', HttpMethod: '*', LoggingLevel: INFO, DataTraceEnabled: false}].",
    },
    claims: &[Claim {
        property: "methodSettings[*/*].loggingLevel",
        about: "Execution logging is on for every method, without full request and response bodies",
        mutants: &[&mutants::API_EXECUTION_LOGGING_OFF],
        not_emulated: None,
    }],
    run: api_execution_logging_enabled,
};

fn api_execution_logging_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let level = "methodSettings[*/*].loggingLevel";
    with_all_methods(f, level, |arn, m| {
        let evidence = json!({ ALL_METHODS: m });
        let actual = m.logging_level.as_deref().unwrap_or("OFF");
        vec![
            Finding::judge(arn, level, matches!(actual, "INFO" | "ERROR"), "INFO or ERROR", actual, &evidence),
            Finding::judge(
                arn,
                "methodSettings[*/*].dataTraceEnabled",
                !m.data_trace_enabled,
                false,
                m.data_trace_enabled,
                &evidence,
            ),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::log_group_of;

    #[test]
    fn log_group_names_come_out_of_log_group_arns() {
        assert_eq!(
            log_group_of("arn:aws:logs:eu-central-1:123456789012:log-group:/hipaa/api-access-x"),
            Some("/hipaa/api-access-x")
        );
        assert_eq!(
            log_group_of("arn:aws:logs:eu-central-1:123456789012:log-group:/hipaa/api-access-x:*"),
            Some("/hipaa/api-access-x")
        );
        assert_eq!(log_group_of("arn:aws:firehose:eu-central-1:123456789012:deliverystream/x"), None);
    }
}
