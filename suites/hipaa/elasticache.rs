//! ElastiCache Redis: encryption at rest with the stack key and in transit, Multi-AZ with failover, AUTH, private placement.

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::{judge_fact, judge_named};

use super::HipaaFacts;
use super::mutants;
use super::rds::only_private_subnets;

fn flag(v: Option<bool>) -> String {
    v.map_or("not reported".to_owned(), |b| b.to_string())
}

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[
    ELASTICACHE_AT_REST_ENCRYPTED_WITH_STACK_KEY,
    ELASTICACHE_TRANSIT_ENCRYPTION_REQUIRED,
    ELASTICACHE_MULTI_AZ_ENABLED,
    ELASTICACHE_AUTOMATIC_FAILOVER_ENABLED,
    ELASTICACHE_AUTH_TOKEN_ENABLED,
    ELASTICACHE_SUBNET_GROUP_PRIVATE_ONLY,
];

pub const ELASTICACHE_AT_REST_ENCRYPTED_WITH_STACK_KEY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "elasticache_at_rest_encrypted_with_stack_key",
        service: "elasticache",
        title: "The Redis replication group is encrypted at rest with the stack's data key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(c)(1)"],
        severity: Severity::High,
        risk: "Session data (which can carry PHI) readable from disks, swap and snapshots, or governed by a key the stack does not control.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) AtRestEncryptionEnabled: true and KmsKeyId: !GetAtt DataKey.Arn (fixed at creation: replace the group).",
    },
    claims: &[Claim {
        property: "AtRestEncryptionEnabled",
        about: "The Redis replication group is encrypted at rest with the stack's data key",
        mutants: &[&mutants::REDIS_AT_REST_UNENCRYPTED],
        not_emulated: None,
    }],
    run: elasticache_at_rest_encrypted_with_stack_key,
};

fn elasticache_at_rest_encrypted_with_stack_key(f: &HipaaFacts) -> Vec<Finding> {
    let rg = &f.data.replication_group;
    judge_named(rg, "AtRestEncryptionEnabled", |g| {
        let evidence = json!({"AtRestEncryptionEnabled": g.at_rest_encryption_enabled, "KmsKeyId": g.kms_key_id});
        let encrypted = g.at_rest_encryption_enabled == Some(true);
        let mut findings = vec![Finding::judge(
            &rg.resource,
            "AtRestEncryptionEnabled",
            encrypted,
            true,
            flag(g.at_rest_encryption_enabled),
            &evidence,
        )];
        findings.extend(judge_fact(&rg.resource, &f.keys.data_key.fact, "KmsKeyId", |stack_key| {
            let ok = encrypted && g.kms_key_id.as_deref().is_some_and(|k| same_key(k, stack_key));
            vec![Finding::judge(
                &rg.resource,
                "KmsKeyId",
                ok,
                stack_key,
                g.kms_key_id.as_deref().unwrap_or("none (service-owned key)"),
                &evidence,
            )]
        }));
        findings
    })
}

pub const ELASTICACHE_TRANSIT_ENCRYPTION_REQUIRED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "elasticache_transit_encryption_required",
        service: "elasticache",
        title: "The Redis replication group accepts TLS connections only",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Without TLS, or with TransitEncryptionMode preferred, clients can read and write session data (and the AUTH token) in clear text.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) TransitEncryptionEnabled: true and TransitEncryptionMode: required.",
    },
    claims: &[Claim {
        property: "TransitEncryptionMode",
        about: "The Redis replication group accepts TLS connections only",
        mutants: &[&mutants::REDIS_TRANSIT_ENCRYPTION_PREFERRED],
        not_emulated: None,
    }],
    run: elasticache_transit_encryption_required,
};

fn elasticache_transit_encryption_required(f: &HipaaFacts) -> Vec<Finding> {
    let rg = &f.data.replication_group;
    judge_named(rg, "TransitEncryptionEnabled", |g| {
        let evidence = json!({"TransitEncryptionEnabled": g.transit_encryption_enabled, "TransitEncryptionMode": g.transit_encryption_mode});
        let enabled = g.transit_encryption_enabled == Some(true);
        // A group with TLS on that reports no mode predates modes and admits TLS only; only
        // `preferred` (the migration mode) also admits plaintext clients.
        let mode = g.transit_encryption_mode.as_deref();
        vec![
            Finding::judge(
                &rg.resource,
                "TransitEncryptionEnabled",
                enabled,
                true,
                flag(g.transit_encryption_enabled),
                &evidence,
            ),
            Finding::judge(
                &rg.resource,
                "TransitEncryptionMode",
                enabled && mode.is_none_or(|m| m == "required"),
                "required",
                mode.unwrap_or("not reported"),
                &evidence,
            ),
        ]
    })
}

pub const ELASTICACHE_MULTI_AZ_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "elasticache_multi_az_enabled",
        service: "elasticache",
        title: "The Redis replication group is Multi-AZ with at least one replica",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::Medium,
        risk: "An outage of the primary's zone loses the session store: users of the patient records system are cut off.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) MultiAZEnabled: true with ReplicasPerNodeGroup: 1 or more.",
    },
    claims: &[Claim {
        property: "MultiAZ",
        about: "The Redis replication group is Multi-AZ with at least one replica",
        mutants: &[&mutants::REDIS_MULTI_AZ_OFF],
        not_emulated: None,
    }],
    run: elasticache_multi_az_enabled,
};

fn elasticache_multi_az_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let rg = &f.data.replication_group;
    judge_named(rg, "MultiAZ", |g| {
        let multi_az = g.multi_az.as_deref().unwrap_or("not reported");
        vec![
            Finding::judge(
                &rg.resource,
                "MultiAZ",
                multi_az == "enabled",
                "enabled",
                multi_az,
                &json!({"MultiAZ": g.multi_az}),
            ),
            Finding::judge(
                &rg.resource,
                "MemberClusters",
                g.member_clusters.len() >= 2,
                "at least 2 (a primary and a replica)",
                format!("{} ({})", g.member_clusters.len(), g.member_clusters.join(", ")),
                &g.member_clusters,
            ),
        ]
    })
}

pub const ELASTICACHE_AUTOMATIC_FAILOVER_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "elasticache_automatic_failover_enabled",
        service: "elasticache",
        title: "The Redis replication group fails over to a replica automatically",
        citations: &["45 CFR 164.308(a)(7)(ii)(C)", "45 CFR 164.312(a)(2)(ii)"],
        severity: Severity::Medium,
        risk: "Without automatic failover a failed primary leaves the session store down until someone intervenes.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) AutomaticFailoverEnabled: true.",
    },
    claims: &[Claim {
        property: "AutomaticFailover",
        about: "The Redis replication group fails over to a replica automatically",
        mutants: &[&mutants::REDIS_AUTOMATIC_FAILOVER_OFF],
        not_emulated: None,
    }],
    run: elasticache_automatic_failover_enabled,
};

fn elasticache_automatic_failover_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let rg = &f.data.replication_group;
    judge_named(rg, "AutomaticFailover", |g| {
        let failover = g.automatic_failover.as_deref().unwrap_or("not reported");
        vec![Finding::judge(
            &rg.resource,
            "AutomaticFailover",
            failover == "enabled",
            "enabled",
            failover,
            &json!({"AutomaticFailover": g.automatic_failover}),
        )]
    })
}

pub const ELASTICACHE_AUTH_TOKEN_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "elasticache_auth_token_enabled",
        service: "elasticache",
        title: "The Redis replication group requires an AUTH token",
        citations: &["45 CFR 164.312(d)", "45 CFR 164.312(a)(1)"],
        severity: Severity::High,
        risk: "Any client that reaches the port can read and change session data without authenticating.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) AuthToken from the existing API keys secret ({{resolve:secretsmanager:...:redis_auth_token}}).",
    },
    claims: &[Claim {
        property: "AuthTokenEnabled",
        about: "The Redis replication group requires an AUTH token",
        mutants: &[&mutants::REDIS_AUTH_TOKEN_OFF],
        not_emulated: None,
    }],
    run: elasticache_auth_token_enabled,
};

fn elasticache_auth_token_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let rg = &f.data.replication_group;
    judge_named(rg, "AuthTokenEnabled", |g| {
        let enabled = g.auth_token_enabled == Some(true);
        vec![Finding::judge(
            &rg.resource,
            "AuthTokenEnabled",
            enabled,
            true,
            flag(g.auth_token_enabled),
            &json!({"AuthTokenEnabled": g.auth_token_enabled}),
        )]
    })
}

pub const ELASTICACHE_SUBNET_GROUP_PRIVATE_ONLY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "elasticache_subnet_group_private_only",
        service: "elasticache",
        title: "The stack's cache subnet group holds only private subnets",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::High,
        risk: "A public subnet in the cache subnet group lets a cache node land on a subnet routed to the internet.",
        remediation: "template.yml: CacheSubnetGroup (AWS::ElastiCache::SubnetGroup) SubnetIds must be PrivateSubnet1 and PrivateSubnet2 only.",
    },
    claims: &[Claim {
        property: "Subnets",
        about: "The stack's cache subnet group holds only private subnets",
        mutants: &[&mutants::CACHE_SUBNET_GROUP_PUBLIC_SUBNET],
        not_emulated: None,
    }],
    run: elasticache_subnet_group_private_only,
};

fn elasticache_subnet_group_private_only(f: &HipaaFacts) -> Vec<Finding> {
    let g = &f.data.cache_subnet_group;
    judge_named(g, "Subnets", |group| {
        let subnets: Vec<String> = group.subnets.iter().map(|s| s.subnet_identifier.clone()).collect();
        only_private_subnets(&f.network.private_subnet_ids, &g.resource, &subnets, group)
    })
}
