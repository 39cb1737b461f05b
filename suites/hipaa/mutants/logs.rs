//! Breakages of the logs checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const LOG_GROUP_FOREIGN_KEY: Mutant = Mutant {
    name: "log-group-foreign-key",
    about: "the audit log group created under a key that is not the stack's (AssociateKmsKey is not emulated)",
    output: o::AUDIT_LOG_GROUP_NAME,
    nth: 0,
    property: "kmsKeyId",
};

pub const LOG_RETENTION_OFF: Mutant = Mutant {
    name: "log-retention-off",
    about: "DeleteRetentionPolicy on the audit log group",
    output: o::AUDIT_LOG_GROUP_NAME,
    nth: 0,
    property: "retentionInDays",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[&LOG_GROUP_FOREIGN_KEY, &LOG_RETENTION_OFF];
