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

pub const FAILOVER_LOG_GROUP_UNENCRYPTED: Mutant = Mutant {
    name: "failover-log-group-unencrypted",
    about: "the failover log group created without kmsKeyId (moto answers AssociateKmsKey with HTTP 500)",
    output: o::FAILOVER_LOG_GROUP_NAME,
    nth: 0,
    property: "kmsKeyId",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[&APP_LOG_RETENTION_7, &FAILOVER_LOG_GROUP_UNENCRYPTED];
