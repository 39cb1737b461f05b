//! Breakages of the elasticache checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const REDIS_AT_REST_UNENCRYPTED: Mutant = Mutant {
    name: "redis-at-rest-unencrypted",
    about: "the replication group created with AtRestEncryptionEnabled=false",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "AtRestEncryptionEnabled",
};

pub const REDIS_ENCRYPTED_WITH_LOGS_KEY: Mutant = Mutant {
    name: "redis-encrypted-with-logs-key",
    about: "the replication group created encrypted at rest under the stack's logs key instead of its data key",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "KmsKeyId",
};

pub const REDIS_TRANSIT_ENCRYPTION_OFF: Mutant = Mutant {
    name: "redis-transit-encryption-off",
    about: "the replication group created with TransitEncryptionEnabled=false (AWS would also refuse the AUTH token; moto does not)",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "TransitEncryptionEnabled",
};

pub const REDIS_TRANSIT_ENCRYPTION_PREFERRED: Mutant = Mutant {
    name: "redis-transit-encryption-preferred",
    about: "the replication group created with TransitEncryptionMode=preferred (plaintext clients admitted)",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "TransitEncryptionMode",
};

pub const REDIS_MULTI_AZ_OFF: Mutant = Mutant {
    name: "redis-multi-az-off",
    about: "the replication group created with MultiAZEnabled=false",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "MultiAZ",
};

pub const REDIS_NO_REPLICA: Mutant = Mutant {
    name: "redis-no-replica",
    about: "the replication group created with ReplicasPerNodeGroup=0: its node group is a primary alone (AWS would also refuse Multi-AZ; moto does not)",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "NodeGroupMembers",
};

pub const REDIS_MEMBERS_IN_ONE_ZONE: Mutant = Mutant {
    name: "redis-members-in-one-zone",
    about: "the replication group's primary and replica both placed in the first zone (PreferredCacheClusterAZs)",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "PreferredAvailabilityZone",
};

pub const REDIS_AUTOMATIC_FAILOVER_OFF: Mutant = Mutant {
    name: "redis-automatic-failover-off",
    about: "the replication group created with AutomaticFailoverEnabled=false (AWS would also refuse Multi-AZ; moto does not)",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "AutomaticFailover",
};

pub const REDIS_AUTH_TOKEN_OFF: Mutant = Mutant {
    name: "redis-auth-token-off",
    about: "the replication group created without an AuthToken",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "AuthTokenEnabled",
};

pub const CACHE_SUBNET_GROUP_PUBLIC_SUBNET: Mutant = Mutant {
    name: "cache-subnet-group-public-subnet",
    about: "the cache subnet group created with the second public subnet instead of the second private one",
    output: o::CACHE_SUBNET_GROUP_NAME,
    nth: 0,
    property: "Subnets",
};

pub const REDIS_SNAPSHOTS_OFF: Mutant = Mutant {
    name: "redis-snapshots-off",
    about: "the replication group created with SnapshotRetentionLimit=0: no automatic snapshots",
    output: o::CACHE_REPLICATION_GROUP_ID,
    nth: 0,
    property: "SnapshotRetentionLimit",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &REDIS_AT_REST_UNENCRYPTED,
    &REDIS_ENCRYPTED_WITH_LOGS_KEY,
    &REDIS_TRANSIT_ENCRYPTION_OFF,
    &REDIS_TRANSIT_ENCRYPTION_PREFERRED,
    &REDIS_MULTI_AZ_OFF,
    &REDIS_NO_REPLICA,
    &REDIS_MEMBERS_IN_ONE_ZONE,
    &REDIS_AUTOMATIC_FAILOVER_OFF,
    &REDIS_AUTH_TOKEN_OFF,
    &CACHE_SUBNET_GROUP_PUBLIC_SUBNET,
    &REDIS_SNAPSHOTS_OFF,
];
