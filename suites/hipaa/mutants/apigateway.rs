//! Breakages of the apigateway and waf checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const API_STAGE_DEPLOYMENT_DELETED: Mutant = Mutant {
    name: "api-stage-deployment-deleted",
    about: "DeleteDeployment of the deployment the stage points at",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "deploymentId",
};

pub const WAF_NOT_ASSOCIATED: Mutant = Mutant {
    name: "waf-not-associated",
    about: "DisassociateWebACL on the stage",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "webAclArn",
};

pub const WAF_OTHER_ACL_ASSOCIATED: Mutant = Mutant {
    name: "waf-other-acl-associated",
    about: "a second web ACL with the same rules created and associated with the stage in place of the stack's",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "WebACL (GetWebACLForResource)",
};

pub const WAF_NO_RATE_LIMIT: Mutant = Mutant {
    name: "waf-no-rate-limit",
    about: "the web ACL created without its rate-based rule",
    output: o::WEB_ACL_ARN,
    nth: 0,
    property: "Rules[RateBasedStatement]",
};

pub const WAF_RATE_RULE_COUNT_ONLY: Mutant = Mutant {
    name: "waf-rate-rule-count-only",
    about: "the web ACL's rate-based rule created with action Count: it watches floods, blocks none",
    output: o::WEB_ACL_ARN,
    nth: 0,
    property: "Rules[RateBasedStatement]",
};

pub const WAF_RATE_LIMIT_RAISED: Mutant = Mutant {
    name: "waf-rate-limit-raised",
    about: "the web ACL's rate-based rule created with Limit 20000 per 5 minutes, ten times the stack's",
    output: o::WEB_ACL_ARN,
    nth: 0,
    property: "Rules[RateBasedStatement].Limit",
};

pub const WAF_MANAGED_GROUP_COUNT_ONLY: Mutant = Mutant {
    name: "waf-managed-group-count-only",
    about: "the SQL injection managed rule group (the last of four) created with OverrideAction Count",
    output: o::WEB_ACL_ARN,
    nth: 0,
    property: "Rules[ManagedRuleGroupStatement]",
};

pub const WAF_MANAGED_GROUP_REMOVED: Mutant = Mutant {
    name: "waf-managed-group-removed",
    about: "the web ACL created without the known bad inputs managed rule group",
    output: o::WEB_ACL_ARN,
    nth: 0,
    property: "Rules[ManagedRuleGroupStatement]",
};

pub const WAF_MANAGED_RULE_OVERRIDDEN_TO_COUNT: Mutant = Mutant {
    name: "waf-managed-rule-overridden-to-count",
    about: "the common rule set created with its cross-site scripting body rule overridden to Count",
    output: o::WEB_ACL_ARN,
    nth: 0,
    property: "Rules[ManagedRuleGroupStatement].RuleActionOverrides",
};

pub const WAF_ALLOW_RULE_FIRST: Mutant = Mutant {
    name: "waf-allow-rule-first",
    about: "the web ACL created with a rule allowing requests that carry a header, ahead of the rate limit and managed groups",
    output: o::WEB_ACL_ARN,
    nth: 0,
    property: "Rules[].Action",
};

pub const API_THROTTLING_OFF: Mutant = Mutant {
    name: "api-throttling-off",
    about: "the stage's */* method settings left without the stack's throttling limits",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "methodSettings.throttlingRateLimit",
};

pub const API_METHOD_THROTTLING_RAISED: Mutant = Mutant {
    name: "api-method-throttling-raised",
    about: "UpdateStage: a per-method override for ANY /{proxy+} with a rate limit of 5000 requests/s, logging kept",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "methodSettings.throttlingRateLimit",
};

pub const API_BURST_LIMIT_RAISED: Mutant = Mutant {
    name: "api-burst-limit-raised",
    about: "the stage's */* burst limit set to 5000, the rate limit kept",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "methodSettings.throttlingBurstLimit",
};

pub const API_ACCESS_LOGS_OFF: Mutant = Mutant {
    name: "api-access-logs-off",
    about: "the stage created without access log settings",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "accessLogSettings.destinationArn",
};

pub const API_ACCESS_LOGS_TO_OTHER_REGION: Mutant = Mutant {
    name: "api-access-logs-to-other-region",
    about: "the stage's access logs sent to a group of the stack's group name in another region",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "accessLogSettings.destinationArn",
};

pub const API_ACCESS_LOG_FORMAT_WITHOUT_CALLER: Mutant = Mutant {
    name: "api-access-log-format-without-caller",
    about: "the stage's access log format records the request id, time and status, but not who called",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "accessLogSettings.format",
};

pub const API_TRACING_OFF: Mutant = Mutant {
    name: "api-tracing-off",
    about: "the stage created with tracingEnabled false",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "tracingEnabled",
};

pub const API_EXECUTION_LOGGING_OFF: Mutant = Mutant {
    name: "api-execution-logging-off",
    about: "the stage's */* loggingLevel set to OFF",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "methodSettings.loggingLevel",
};

pub const API_METHOD_LOGGING_OFF: Mutant = Mutant {
    name: "api-method-logging-off",
    about: "UpdateStage: a per-method override for ANY /{proxy+} with loggingLevel OFF, throttling kept",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "methodSettings.loggingLevel",
};

pub const API_METHOD_DATA_TRACE_ON: Mutant = Mutant {
    name: "api-method-data-trace-on",
    about: "UpdateStage: a per-method override for ANY /{proxy+} with dataTrace on, logging and throttling kept",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "methodSettings.dataTraceEnabled",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &API_STAGE_DEPLOYMENT_DELETED,
    &WAF_NOT_ASSOCIATED,
    &WAF_OTHER_ACL_ASSOCIATED,
    &WAF_NO_RATE_LIMIT,
    &WAF_RATE_RULE_COUNT_ONLY,
    &WAF_RATE_LIMIT_RAISED,
    &WAF_MANAGED_GROUP_COUNT_ONLY,
    &WAF_MANAGED_GROUP_REMOVED,
    &WAF_MANAGED_RULE_OVERRIDDEN_TO_COUNT,
    &WAF_ALLOW_RULE_FIRST,
    &API_THROTTLING_OFF,
    &API_METHOD_THROTTLING_RAISED,
    &API_BURST_LIMIT_RAISED,
    &API_ACCESS_LOGS_OFF,
    &API_ACCESS_LOGS_TO_OTHER_REGION,
    &API_ACCESS_LOG_FORMAT_WITHOUT_CALLER,
    &API_TRACING_OFF,
    &API_EXECUTION_LOGGING_OFF,
    &API_METHOD_LOGGING_OFF,
    &API_METHOD_DATA_TRACE_ON,
];
