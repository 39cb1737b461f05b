//! Breakages of the apigateway checks' claims.

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

pub const WAF_NO_RATE_LIMIT: Mutant = Mutant {
    name: "waf-no-rate-limit",
    about: "the web ACL created without its rate-based rule",
    output: o::WEB_ACL_ARN,
    nth: 0,
    property: "Rules[RateBasedStatement]",
};

pub const API_THROTTLING_OFF: Mutant = Mutant {
    name: "api-throttling-off",
    about: "the stage's */* method settings left without the stack's throttling limits",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "methodSettings[*/*].throttlingRateLimit",
};

pub const API_ACCESS_LOGS_OFF: Mutant = Mutant {
    name: "api-access-logs-off",
    about: "the stage created without access log settings",
    output: o::API_STAGE_NAME,
    nth: 0,
    property: "accessLogSettings.destinationArn",
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
    property: "methodSettings[*/*].loggingLevel",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &API_STAGE_DEPLOYMENT_DELETED,
    &WAF_NOT_ASSOCIATED,
    &WAF_NO_RATE_LIMIT,
    &API_THROTTLING_OFF,
    &API_ACCESS_LOGS_OFF,
    &API_TRACING_OFF,
    &API_EXECUTION_LOGGING_OFF,
];
