//! Breakages of the failover checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const FAILOVER_FUNCTION_FOREIGN_ROLE: Mutant = Mutant {
    name: "failover-function-foreign-role",
    about: "the failover function created with the replication role's ARN",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Role",
};

pub const FAILOVER_ROLE_WILDCARD: Mutant = Mutant {
    name: "failover-role-wildcard",
    about: "the failover role's inline policy gets a statement Action \"rds:*\" Resource \"*\"",
    output: o::FAILOVER_ROLE_NAME,
    nth: 0,
    property: "Policy",
};

pub const FAILOVER_NOT_SUBSCRIBED: Mutant = Mutant {
    name: "failover-not-subscribed",
    about: "no SNS subscription of the failover function to the alerts topic",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Subscription",
};

pub const FAILOVER_CONFIG_MISSING: Mutant = Mutant {
    name: "failover-config-missing",
    about: "the failover SSM parameter not created",
    output: o::FAILOVER_CONFIG_PARAMETER_NAME,
    nth: 0,
    property: "Parameter",
};

pub const HEALTH_CHECK_HTTP: Mutant = Mutant {
    name: "health-check-http",
    about: "the health check created as type HTTP (on the primary cluster's endpoint) instead of CLOUDWATCH_METRIC",
    output: o::HEALTH_CHECK_ID,
    nth: 0,
    property: "Type",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &FAILOVER_FUNCTION_FOREIGN_ROLE,
    &FAILOVER_ROLE_WILDCARD,
    &FAILOVER_NOT_SUBSCRIBED,
    &FAILOVER_CONFIG_MISSING,
    &HEALTH_CHECK_HTTP,
];
