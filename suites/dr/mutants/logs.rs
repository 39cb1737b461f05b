//! Breakages of the logs checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const APP_LOG_RETENTION_7: Mutant = Mutant {
    name: "app-log-retention-7",
    about: "PutRetentionPolicy 7 days on the app log group",
    output: o::APP_LOG_GROUP_NAME,
    nth: 0,
    property: "retentionInDays",
};

pub const FAILOVER_LOG_RETENTION_OFF: Mutant = Mutant {
    name: "failover-log-retention-off",
    about: "DeleteRetentionPolicy on the failover log group (its events never expire)",
    output: o::FAILOVER_LOG_GROUP_NAME,
    nth: 0,
    property: "retentionInDays",
};

pub const FAILOVER_LOG_GROUP_UNENCRYPTED: Mutant = Mutant {
    name: "failover-log-group-unencrypted",
    about: "the failover log group created without kmsKeyId (moto answers AssociateKmsKey with HTTP 500)",
    output: o::FAILOVER_LOG_GROUP_NAME,
    nth: 0,
    property: "kmsKeyId",
};

pub const APP_LOG_GROUP_FOREIGN_KEY: Mutant = Mutant {
    name: "app-log-group-foreign-key",
    about: "the app log group created under a customer key of the primary region that is not the layout's",
    output: o::APP_LOG_GROUP_NAME,
    nth: 0,
    property: "kmsKeyId",
};

pub const UNLISTED_LOG_GROUP_UNENCRYPTED: Mutant = Mutant {
    name: "unlisted-log-group-unencrypted",
    about: "a log group added to the layout's primary region with its default tags but no output (Name unlisted_log_group), created without a KMS key",
    output: "logical-id:unlisted_log_group",
    nth: 0,
    property: "kmsKeyId",
};

pub const UNLISTED_DR_LOG_GROUP_UNENCRYPTED: Mutant = Mutant {
    name: "unlisted-dr-log-group-unencrypted",
    about: "a log group added to the layout's DR region with its default tags but no output (Name unlisted_dr_log_group), kept 30 days, created without a KMS key",
    output: "logical-id:unlisted_dr_log_group",
    nth: 0,
    property: "kmsKeyId",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &APP_LOG_RETENTION_7,
    &FAILOVER_LOG_RETENTION_OFF,
    &FAILOVER_LOG_GROUP_UNENCRYPTED,
    &APP_LOG_GROUP_FOREIGN_KEY,
    &UNLISTED_LOG_GROUP_UNENCRYPTED,
    &UNLISTED_DR_LOG_GROUP_UNENCRYPTED,
];
