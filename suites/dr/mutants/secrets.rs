//! Breakages of the secrets checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const MASTER_SECRET_DEFAULT_KEY: Mutant = Mutant {
    name: "master-secret-default-key",
    about: "the master secret created without KmsKeyId (the account default key)",
    output: o::PRIMARY_MASTER_USER_SECRET_ARN,
    nth: 0,
    property: "KmsKeyId",
};

pub const MASTER_SECRET_NOT_REPLICATED: Mutant = Mutant {
    name: "master-secret-not-replicated",
    about: "the master secret created without AddReplicaRegions",
    output: o::PRIMARY_MASTER_USER_SECRET_ARN,
    nth: 0,
    property: "ReplicationStatus",
};

pub const MASTER_SECRET_REPLICA_FAILED: Mutant = Mutant {
    name: "master-secret-replica-failed",
    about: "a secret of the same name already in the DR region: the replica is listed, with Status Failed",
    output: o::PRIMARY_MASTER_USER_SECRET_ARN,
    nth: 0,
    property: "ReplicationStatus.Status",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[&MASTER_SECRET_DEFAULT_KEY, &MASTER_SECRET_NOT_REPLICATED, &MASTER_SECRET_REPLICA_FAILED];
