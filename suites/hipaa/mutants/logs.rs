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

pub const FLOW_LOG_GROUP_UNENCRYPTED: Mutant = Mutant {
    name: "flow-log-group-unencrypted",
    about: "the flow log group created without a KMS key (service-owned encryption)",
    output: o::FLOW_LOG_GROUP_NAME,
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

pub const FLOW_LOG_RETENTION_30: Mutant = Mutant {
    name: "flow-log-retention-30",
    about: "PutRetentionPolicy 30 days on the flow log group (set, but shorter than 90)",
    output: o::FLOW_LOG_GROUP_NAME,
    nth: 0,
    property: "retentionInDays",
};

pub const UNLISTED_LOG_GROUP_UNENCRYPTED: Mutant = Mutant {
    name: "unlisted-log-group-unencrypted",
    about: "a log group added to the stack without an output (logical id UnlistedLogGroup), created without a KMS key",
    output: "logical-id:UnlistedLogGroup",
    nth: 0,
    property: "kmsKeyId",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &LOG_GROUP_FOREIGN_KEY,
    &FLOW_LOG_GROUP_UNENCRYPTED,
    &UNLISTED_LOG_GROUP_UNENCRYPTED,
    &LOG_RETENTION_OFF,
    &FLOW_LOG_RETENTION_30,
];
