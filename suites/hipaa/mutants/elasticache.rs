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

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &REDIS_AT_REST_UNENCRYPTED,
    &REDIS_TRANSIT_ENCRYPTION_PREFERRED,
    &REDIS_MULTI_AZ_OFF,
    &REDIS_AUTOMATIC_FAILOVER_OFF,
    &REDIS_AUTH_TOKEN_OFF,
    &CACHE_SUBNET_GROUP_PUBLIC_SUBNET,
];
