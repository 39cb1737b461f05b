//! ElastiCache Redis: encrypted at rest with the stack's data key and in transit with TLS only,
//! Multi-AZ with automatic failover, placed by a private subnet group, behind the cache group only,
//! snapshots kept. (The AUTH token's source is `secrets_fetched_not_created`'s.)

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::Resource;

use super::{Change, Mutation, Own, TemplateFacts, items, number, only_private_subnets, private_subnets, refers_to};
use crate::hipaa::elasticache::MIN_SNAPSHOT_RETENTION;
use crate::hipaa::outputs::{CACHE_SECURITY_GROUP_ID, DATA_KEY_ARN};

pub const REDIS_AT_REST_UNENCRYPTED: Mutation = Mutation {
    name: "redis-at-rest-unencrypted",
    resource: "RedisReplicationGroup",
    property: "AtRestEncryptionEnabled",
    change: Change::Set("false"),
};

pub const REDIS_ENCRYPTED_WITH_LOGS_KEY: Mutation = Mutation {
    name: "redis-encrypted-with-logs-key",
    resource: "RedisReplicationGroup",
    property: "KmsKeyId",
    change: Change::Set(r#"{"Fn::GetAtt": ["LogsKey", "Arn"]}"#),
};

pub const REDIS_TRANSIT_PREFERRED: Mutation = Mutation {
    name: "redis-transit-preferred",
    resource: "RedisReplicationGroup",
    property: "TransitEncryptionMode",
    change: Change::Set(r#""preferred""#),
};

pub const REDIS_TRANSIT_PLAINTEXT: Mutation = Mutation {
    name: "redis-transit-plaintext",
    resource: "RedisReplicationGroup",
    property: "TransitEncryptionEnabled",
    change: Change::Set("false"),
};

pub const REDIS_SINGLE_AZ: Mutation = Mutation {
    name: "redis-single-az",
    resource: "RedisReplicationGroup",
    property: "MultiAZEnabled",
    change: Change::Set("false"),
};

pub const REDIS_NO_REPLICA: Mutation = Mutation {
    name: "redis-no-replica",
    resource: "RedisReplicationGroup",
    property: "ReplicasPerNodeGroup",
    change: Change::Set("0"),
};

pub const REDIS_FAILOVER_MANUAL: Mutation = Mutation {
    name: "redis-failover-manual",
    resource: "RedisReplicationGroup",
    property: "AutomaticFailoverEnabled",
    change: Change::Set("false"),
};

pub const REDIS_SHARED_SUBNET_GROUP: Mutation = Mutation {
    name: "redis-shared-subnet-group",
    resource: "RedisReplicationGroup",
    property: "CacheSubnetGroupName",
    change: Change::Set(r#"{"Fn::Sub": "shared-cache-subnets-${EnvironmentSuffix}"}"#),
};

pub const REDIS_EXTRA_SECURITY_GROUP: Mutation = Mutation {
    name: "redis-extra-security-group",
    resource: "RedisReplicationGroup",
    property: "SecurityGroupIds",
    change: Change::Set(
        r#"[{"Fn::GetAtt": ["CacheSecurityGroup", "GroupId"]}, {"Fn::GetAtt": ["AppSecurityGroup", "GroupId"]}]"#,
    ),
};

pub const CACHE_SUBNET_GROUP_PUBLIC: Mutation = Mutation {
    name: "cache-subnet-group-public",
    resource: "CacheSubnetGroup",
    property: "SubnetIds",
    change: Change::Set(r#"[{"Ref": "PrivateSubnet1"}, {"Ref": "PublicSubnet2"}]"#),
};

pub const REDIS_SNAPSHOTS_OFF: Mutation = Mutation {
    name: "redis-snapshots-off",
    resource: "RedisReplicationGroup",
    property: "SnapshotRetentionLimit",
    change: Change::Set("0"),
};

const REPLICATION_GROUP: &str = "AWS::ElastiCache::ReplicationGroup";

fn each_group(f: &TemplateFacts, property: &str, judge_one: impl Fn(&Resource) -> Vec<Finding>) -> Vec<Finding> {
    per_resource(&f.template, REPLICATION_GROUP, property, judge_one)
}

pub const ELASTICACHE_AT_REST_ENCRYPTED_WITH_STACK_KEY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Redis replication groups are encrypted at rest with the stack's data key",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) AtRestEncryptionEnabled: true and KmsKeyId: !GetAtt DataKey.Arn (the key output DataKeyArn names).",
        ..crate::hipaa::elasticache::ELASTICACHE_AT_REST_ENCRYPTED_WITH_STACK_KEY.info
    },
    claims: &[
        Claim {
            property: "AtRestEncryptionEnabled",
            about: "Every replication group is encrypted at rest",
            mutants: &[&REDIS_AT_REST_UNENCRYPTED],
            not_emulated: None,
        },
        Claim {
            property: "KmsKeyId",
            about: "Its key is the stack's data key (the output DataKeyArn names), not another key of the stack",
            mutants: &[&REDIS_ENCRYPTED_WITH_LOGS_KEY],
            not_emulated: None,
        },
    ],
    run: elasticache_at_rest_encrypted_with_stack_key,
};

fn elasticache_at_rest_encrypted_with_stack_key(f: &TemplateFacts) -> Vec<Finding> {
    let data_key = Own::of(&f.template, DATA_KEY_ARN);
    each_group(f, "AtRestEncryptionEnabled", |r| {
        vec![
            judge(r, "AtRestEncryptionEnabled", is_true(r.prop("AtRestEncryptionEnabled")), true),
            judge(r, "KmsKeyId", data_key.named_by(r.prop("KmsKeyId")), data_key.expected()),
        ]
    })
}

pub const ELASTICACHE_TRANSIT_ENCRYPTION_REQUIRED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Redis replication groups accept TLS connections only",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) TransitEncryptionEnabled: true and TransitEncryptionMode: required.",
        ..crate::hipaa::elasticache::ELASTICACHE_TRANSIT_ENCRYPTION_REQUIRED.info
    },
    claims: &[
        Claim {
            property: "TransitEncryptionEnabled",
            about: "TLS is on for every replication group",
            mutants: &[&REDIS_TRANSIT_PLAINTEXT],
            not_emulated: None,
        },
        Claim {
            property: "TransitEncryptionMode",
            about: "TLS is required (or the mode left out, which with TLS on is required), never preferred",
            mutants: &[&REDIS_TRANSIT_PREFERRED],
            not_emulated: None,
        },
    ],
    run: elasticache_transit_encryption_required,
};

fn elasticache_transit_encryption_required(f: &TemplateFacts) -> Vec<Finding> {
    each_group(f, "TransitEncryptionEnabled", |r| {
        let enabled = is_true(r.prop("TransitEncryptionEnabled"));
        // Absent, the mode of a group with TLS on is `required`; only `preferred` (the migration
        // mode) also admits plaintext clients.
        let mode = r.prop("TransitEncryptionMode");
        let required = mode.is_none_or(|m| m.as_str() == Some("required"));
        vec![
            judge(r, "TransitEncryptionEnabled", enabled, true),
            judge(r, "TransitEncryptionMode", enabled && required, "required (or absent, with TLS on)"),
        ]
    })
}

pub const ELASTICACHE_MULTI_AZ_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Redis replication groups are Multi-AZ with at least one replica",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) MultiAZEnabled: true with ReplicasPerNodeGroup: 1 or more (or NumCacheClusters: 2 or more).",
        ..crate::hipaa::elasticache::ELASTICACHE_MULTI_AZ_ENABLED.info
    },
    claims: &[
        Claim {
            property: "MultiAZEnabled",
            about: "Every replication group is Multi-AZ",
            mutants: &[&REDIS_SINGLE_AZ],
            not_emulated: None,
        },
        Claim {
            property: "ReplicasPerNodeGroup",
            about: "Every node group has a replica: ReplicasPerNodeGroup >= 1 (or NumCacheClusters >= 2)",
            mutants: &[&REDIS_NO_REPLICA],
            not_emulated: None,
        },
    ],
    run: elasticache_multi_az_enabled,
};

fn elasticache_multi_az_enabled(f: &TemplateFacts) -> Vec<Finding> {
    each_group(f, "MultiAZEnabled", |r| {
        let per_group = number(r.prop("ReplicasPerNodeGroup")).is_some_and(|n| n >= 1.0);
        let clusters = number(r.prop("NumCacheClusters")).is_some_and(|n| n >= 2.0);
        let replicas = if r.prop("NumCacheClusters").is_some() { "NumCacheClusters" } else { "ReplicasPerNodeGroup" };
        vec![
            judge(r, "MultiAZEnabled", is_true(r.prop("MultiAZEnabled")), true),
            judge(r, replicas, per_group || clusters, "ReplicasPerNodeGroup >= 1 or NumCacheClusters >= 2"),
        ]
    })
}

pub const ELASTICACHE_AUTOMATIC_FAILOVER_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Redis replication groups fail over to a replica automatically",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) AutomaticFailoverEnabled: true.",
        ..crate::hipaa::elasticache::ELASTICACHE_AUTOMATIC_FAILOVER_ENABLED.info
    },
    claims: &[Claim {
        property: "AutomaticFailoverEnabled",
        about: "Redis replication groups fail over to a replica automatically",
        mutants: &[&REDIS_FAILOVER_MANUAL],
        not_emulated: None,
    }],
    run: elasticache_automatic_failover_enabled,
};

fn elasticache_automatic_failover_enabled(f: &TemplateFacts) -> Vec<Finding> {
    each_group(f, "AutomaticFailoverEnabled", |r| {
        vec![judge(r, "AutomaticFailoverEnabled", is_true(r.prop("AutomaticFailoverEnabled")), true)]
    })
}

pub const ELASTICACHE_SUBNET_GROUP_PRIVATE_ONLY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Redis is placed by a cache subnet group of the stack that holds only the template's private subnets",
        remediation: "template.yml: CacheSubnetGroup (AWS::ElastiCache::SubnetGroup) SubnetIds must list only PrivateSubnet1 and PrivateSubnet2; RedisReplicationGroup CacheSubnetGroupName: !Ref CacheSubnetGroup.",
        ..crate::hipaa::elasticache::ELASTICACHE_SUBNET_GROUP_PRIVATE_ONLY.info
    },
    claims: &[
        Claim {
            property: "SubnetIds",
            about: "Every cache subnet group of the stack holds only the template's private subnets",
            mutants: &[&CACHE_SUBNET_GROUP_PUBLIC],
            not_emulated: None,
        },
        Claim {
            property: "CacheSubnetGroupName",
            about: "Every replication group is placed by a cache subnet group the template creates",
            mutants: &[&REDIS_SHARED_SUBNET_GROUP],
            not_emulated: None,
        },
    ],
    run: elasticache_subnet_group_private_only,
};

fn elasticache_subnet_group_private_only(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let private = private_subnets(t);
    let mut findings = per_resource(t, "AWS::ElastiCache::SubnetGroup", "SubnetIds", |g| {
        let ok = only_private_subnets(&private, g.prop("SubnetIds"));
        vec![judge(g, "SubnetIds", ok, "only private subnets of this stack")]
    });
    findings.extend(each_group(f, "CacheSubnetGroupName", |r| {
        let ok = refers_to(t, r.prop("CacheSubnetGroupName"), "AWS::ElastiCache::SubnetGroup");
        vec![judge(r, "CacheSubnetGroupName", ok, "!Ref of an AWS::ElastiCache::SubnetGroup of this stack")]
    }));
    findings
}

pub const ELASTICACHE_SECURITY_GROUP_IS_STACK_CACHE_GROUP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Redis replication groups are behind the stack's cache security group and no other",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) SecurityGroupIds: [!GetAtt CacheSecurityGroup.GroupId] only (the group output CacheSecurityGroupId names).",
        ..crate::hipaa::elasticache::ELASTICACHE_SECURITY_GROUP_IS_STACK_CACHE_GROUP.info
    },
    claims: &[Claim {
        property: "SecurityGroupIds",
        about: "Every replication group lists exactly the stack's cache group (the output CacheSecurityGroupId names)",
        mutants: &[&REDIS_EXTRA_SECURITY_GROUP],
        not_emulated: None,
    }],
    run: elasticache_security_group_is_stack_cache_group,
};

fn elasticache_security_group_is_stack_cache_group(f: &TemplateFacts) -> Vec<Finding> {
    let group = Own::of(&f.template, CACHE_SECURITY_GROUP_ID);
    each_group(f, "SecurityGroupIds", |r| {
        let listed: Vec<&Value> = items(r.prop("SecurityGroupIds"));
        let ok = matches!(listed.as_slice(), [only] if group.named_by(Some(only)));
        vec![judge(r, "SecurityGroupIds", ok, format!("[{}] only", group.expected()))]
    })
}

pub const ELASTICACHE_SNAPSHOTS_RETAINED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Redis replication groups keep automatic daily snapshots",
        ..crate::hipaa::elasticache::ELASTICACHE_SNAPSHOTS_RETAINED.info
    },
    claims: &[Claim {
        property: "SnapshotRetentionLimit",
        about: "Redis replication groups keep automatic daily snapshots",
        mutants: &[&REDIS_SNAPSHOTS_OFF],
        not_emulated: None,
    }],
    run: elasticache_snapshots_retained,
};

fn elasticache_snapshots_retained(f: &TemplateFacts) -> Vec<Finding> {
    let least = f64::from(MIN_SNAPSHOT_RETENTION);
    each_group(f, "SnapshotRetentionLimit", |r| {
        let kept = number(r.prop("SnapshotRetentionLimit")).is_some_and(|n| n >= least);
        vec![judge(r, "SnapshotRetentionLimit", kept, format!("at least {MIN_SNAPSHOT_RETENTION}"))]
    })
}
