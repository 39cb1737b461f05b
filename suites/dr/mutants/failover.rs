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

pub const FAILOVER_ROLE_TRUSTS_ACCOUNT: Mutant = Mutant {
    name: "failover-role-trusts-account",
    about: "the failover role's trust policy gets a second statement letting the account's root principal assume it",
    output: o::FAILOVER_ROLE_NAME,
    nth: 0,
    property: "AssumeRolePolicyDocument",
};

pub const FAILOVER_ROLE_WILDCARD: Mutant = Mutant {
    name: "failover-role-wildcard",
    about: "the failover role's inline policy gets a statement Action \"rds:*\" Resource \"*\"",
    output: o::FAILOVER_ROLE_NAME,
    nth: 0,
    property: "Policy",
};

pub const FAILOVER_ROLE_SECOND_INLINE_POLICY: Mutant = Mutant {
    name: "failover-role-second-inline-policy",
    about: "a second inline policy on the failover role lets it read every object of the primary data bucket (s3:GetObject)",
    output: o::FAILOVER_ROLE_NAME,
    nth: 0,
    property: "Policy",
};

pub const FAILOVER_ROLE_ATTACHED_S3_READ: Mutant = Mutant {
    name: "failover-role-attached-s3-read",
    about: "the AWS managed policy AmazonS3ReadOnlyAccess attached to the failover role (s3:Get*, s3:List* on every resource, yet no administrator's name)",
    output: o::FAILOVER_ROLE_NAME,
    nth: 0,
    property: "AttachedPolicies",
};

pub const FAILOVER_ROLE_DENIES_FAILOVER: Mutant = Mutant {
    name: "failover-role-denies-failover",
    about: "the failover role's inline policy gets a statement Deny rds:FailoverGlobalCluster on \"*\"",
    output: o::FAILOVER_ROLE_NAME,
    nth: 0,
    property: "Policy (grants)",
};

pub const FAILOVER_NOT_SUBSCRIBED: Mutant = Mutant {
    name: "failover-not-subscribed",
    about: "no SNS subscription of the failover function to the alerts topic",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Subscription",
};

pub const FAILOVER_INVOKE_ANY_TOPIC: Mutant = Mutant {
    name: "failover-invoke-any-topic",
    about: "a second permission on the failover function lets sns.amazonaws.com invoke it without a SourceArn (any topic, any account)",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Policy",
};

pub const FAILOVER_ENV_OTHER_TOPIC: Mutant = Mutant {
    name: "failover-env-other-topic",
    about: "the failover function's ALERTS_TOPIC_ARN names another topic (the alerts topic's ARN with -other appended)",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Environment.Variables.ALERTS_TOPIC_ARN",
};

pub const FAILOVER_CONFIG_MISSING: Mutant = Mutant {
    name: "failover-config-missing",
    about: "the failover SSM parameter not created",
    output: o::FAILOVER_CONFIG_PARAMETER_NAME,
    nth: 0,
    property: "Parameter",
};

pub const FAILOVER_CONFIG_SECURE_STRING: Mutant = Mutant {
    name: "failover-config-secure-string",
    about: "the failover SSM parameter created as a SecureString, which the function reads without decryption",
    output: o::FAILOVER_CONFIG_PARAMETER_NAME,
    nth: 0,
    property: "Type",
};

pub const FAILOVER_ENV_OTHER_CONFIG: Mutant = Mutant {
    name: "failover-env-other-config",
    about: "the failover function's CONFIG_PARAMETER_NAME names another parameter (the configuration's name with -old appended)",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Environment.Variables.CONFIG_PARAMETER_NAME",
};

pub const FAILOVER_CONFIG_OTHER_GLOBAL_CLUSTER: Mutant = Mutant {
    name: "failover-config-other-global-cluster",
    about: "the failover configuration names global cluster healthcare-global-prod instead of the stack's",
    output: o::FAILOVER_CONFIG_PARAMETER_NAME,
    nth: 0,
    property: "Value.globalClusterIdentifier",
};

pub const FAILOVER_CONFIG_FOREIGN_PRIMARY: Mutant = Mutant {
    name: "failover-config-foreign-primary",
    about: "the failover configuration's primaryClusterArn names cluster healthcare-db-prod, of another deployment",
    output: o::FAILOVER_CONFIG_PARAMETER_NAME,
    nth: 0,
    property: "Value.primaryClusterArn",
};

pub const FAILOVER_CONFIG_CLUSTERS_SWAPPED: Mutant = Mutant {
    name: "failover-config-clusters-swapped",
    about: "the failover configuration with primaryClusterArn and drClusterArn swapped (failover would promote the primary)",
    output: o::FAILOVER_CONFIG_PARAMETER_NAME,
    nth: 0,
    property: "Value.drClusterArn",
};

pub const FAILOVER_ENV_DB_PASSWORD: Mutant = Mutant {
    name: "failover-env-db-password",
    about: "the failover function gets a variable DB_PASS holding the master password in plain text (caught by its name)",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Environment.Variables",
};

pub const FAILOVER_ENV_CONNECTION_URL: Mutant = Mutant {
    name: "failover-env-connection-url",
    about: "the failover function gets a variable REPLICA_ENDPOINT holding a postgresql:// URL with user and password (caught by its value)",
    output: o::FAILOVER_FUNCTION_NAME,
    nth: 0,
    property: "Environment.Variables",
};

pub const HEALTH_CHECK_HTTP: Mutant = Mutant {
    name: "health-check-http",
    about: "the health check created as type HTTP (on the primary cluster's endpoint) instead of CLOUDWATCH_METRIC",
    output: o::HEALTH_CHECK_ID,
    nth: 0,
    property: "Type",
};

pub const HEALTH_CHECK_INVERTED: Mutant = Mutant {
    name: "health-check-inverted",
    about: "the health check created with Inverted=true",
    output: o::HEALTH_CHECK_ID,
    nth: 0,
    property: "Inverted",
};

pub const HEALTH_CHECK_DISABLED: Mutant = Mutant {
    name: "health-check-disabled",
    about: "the health check created with Disabled=true",
    output: o::HEALTH_CHECK_ID,
    nth: 0,
    property: "Disabled",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &FAILOVER_FUNCTION_FOREIGN_ROLE,
    &FAILOVER_ROLE_TRUSTS_ACCOUNT,
    &FAILOVER_ROLE_WILDCARD,
    &FAILOVER_ROLE_SECOND_INLINE_POLICY,
    &FAILOVER_ROLE_ATTACHED_S3_READ,
    &FAILOVER_ROLE_DENIES_FAILOVER,
    &FAILOVER_NOT_SUBSCRIBED,
    &FAILOVER_INVOKE_ANY_TOPIC,
    &FAILOVER_ENV_OTHER_TOPIC,
    &FAILOVER_CONFIG_MISSING,
    &FAILOVER_CONFIG_SECURE_STRING,
    &FAILOVER_ENV_OTHER_CONFIG,
    &FAILOVER_CONFIG_OTHER_GLOBAL_CLUSTER,
    &FAILOVER_CONFIG_FOREIGN_PRIMARY,
    &FAILOVER_CONFIG_CLUSTERS_SWAPPED,
    &FAILOVER_ENV_DB_PASSWORD,
    &FAILOVER_ENV_CONNECTION_URL,
    &HEALTH_CHECK_HTTP,
    &HEALTH_CHECK_INVERTED,
    &HEALTH_CHECK_DISABLED,
];
