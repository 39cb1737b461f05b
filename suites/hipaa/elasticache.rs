//! ElastiCache Redis: encryption at rest with the stack key and in transit, Multi-AZ with
//! failover across every node group, AUTH, snapshots, private placement, and the groups actually
//! attached to its cache clusters.

use std::collections::BTreeSet;

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::error::FactError;
use stackproof_harness::facts::Named;
use stackproof_harness::facts::elasticache::{CacheCluster, MemberCluster, NodeGroup};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::{judge_fact, judge_named, unavailable};

use super::HipaaFacts;
use super::mutants;
use super::rds::only_private_subnets;

/// Fewest days of automatic snapshots Redis keeps (the stack keeps 7).
pub const MIN_SNAPSHOT_RETENTION: i32 = 1;

/// Why the emulator has no member clusters to show.
const NO_MEMBER_CLUSTERS: &str = "not emulated: moto 5.2.5 keeps no cache clusters for a replication group's members (DescribeCacheClusters answers CacheClusterNotFound)";

fn flag(v: Option<bool>) -> String {
    v.map_or("not reported".to_owned(), |b| b.to_string())
}

/// Runs `judge` on each member cluster of the replication group, or reports why it could not:
/// the group's own error, a group without members (a failure), or per member its error. On the
/// emulator, a member that is absent is skipped: moto never creates them.
fn each_member_cluster(
    f: &HipaaFacts,
    property: &str,
    judge: impl Fn(&str, &CacheCluster) -> Vec<Finding>,
) -> Vec<Finding> {
    member_findings(&f.data.cache_clusters, f.emulated, property, judge)
}

/// `each_member_cluster` on the members `m`, on an emulator if `emulated`.
fn member_findings(
    m: &Named<Vec<MemberCluster>>,
    emulated: bool,
    property: &str,
    judge: impl Fn(&str, &CacheCluster) -> Vec<Finding>,
) -> Vec<Finding> {
    judge_named(m, property, |members: &Vec<MemberCluster>| {
        if members.is_empty() {
            return vec![Finding::judge(&m.resource, property, false, "member clusters", "none", &json!([]))];
        }
        members
            .iter()
            .flat_map(|member| {
                let resource = format!("{}/{}", m.resource, member.cache_cluster_id);
                match &member.cluster {
                    Ok(c) => judge(&resource, c),
                    Err(FactError::Absent { .. }) if emulated => {
                        vec![Finding::skip(&resource, property, NO_MEMBER_CLUSTERS)]
                    }
                    Err(e) => vec![unavailable(&resource, property, e)],
                }
            })
            .collect()
    })
}

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[
    ELASTICACHE_AT_REST_ENCRYPTED_WITH_STACK_KEY,
    ELASTICACHE_TRANSIT_ENCRYPTION_REQUIRED,
    ELASTICACHE_MULTI_AZ_ENABLED,
    ELASTICACHE_AUTOMATIC_FAILOVER_ENABLED,
    ELASTICACHE_AUTH_TOKEN_ENABLED,
    ELASTICACHE_SUBNET_GROUP_PRIVATE_ONLY,
    ELASTICACHE_SECURITY_GROUP_IS_STACK_CACHE_GROUP,
    ELASTICACHE_SNAPSHOTS_RETAINED,
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
    claims: &[
        Claim {
            property: "AtRestEncryptionEnabled",
            about: "The replication group (every member and snapshot with it) is encrypted at rest",
            mutants: &[&mutants::REDIS_AT_REST_UNENCRYPTED],
            not_emulated: None,
        },
        Claim {
            property: "KmsKeyId",
            about: "The key is the stack's data key (DataKeyArn), not another key of the stack or the service-owned key",
            mutants: &[&mutants::REDIS_ENCRYPTED_WITH_LOGS_KEY],
            not_emulated: None,
        },
    ],
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
    claims: &[
        Claim {
            property: "TransitEncryptionEnabled",
            about: "TLS is on for the replication group",
            mutants: &[&mutants::REDIS_TRANSIT_ENCRYPTION_OFF],
            not_emulated: None,
        },
        Claim {
            property: "TransitEncryptionMode",
            about: "TLS is required, not preferred (preferred also admits plaintext clients); a group with TLS on that reports no mode predates modes and is TLS-only",
            mutants: &[&mutants::REDIS_TRANSIT_ENCRYPTION_PREFERRED],
            not_emulated: None,
        },
    ],
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
        title: "The Redis replication group is Multi-AZ, and every node group has a replica in another zone than its primary",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::Medium,
        risk: "An outage of the primary's zone loses the session store: users of the patient records system are cut off.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) MultiAZEnabled: true with ReplicasPerNodeGroup: 1 or more, and a cache subnet group spanning two zones.",
    },
    claims: &[
        Claim {
            property: "MultiAZ",
            about: "Multi-AZ is enabled on the replication group",
            mutants: &[&mutants::REDIS_MULTI_AZ_OFF],
            not_emulated: None,
        },
        Claim {
            property: "NodeGroupMembers",
            about: "Every node group (as DescribeReplicationGroups lists them; none fails) has a primary and at least one replica",
            mutants: &[&mutants::REDIS_NO_REPLICA],
            not_emulated: None,
        },
        Claim {
            property: "PreferredAvailabilityZone",
            about: "The members of every node group sit in at least two Availability Zones",
            mutants: &[&mutants::REDIS_MEMBERS_IN_ONE_ZONE],
            not_emulated: None,
        },
    ],
    run: elasticache_multi_az_enabled,
};

fn elasticache_multi_az_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let rg = &f.data.replication_group;
    judge_named(rg, "MultiAZ", |g| {
        let multi_az = g.multi_az.as_deref().unwrap_or("not reported");
        let mut findings = vec![Finding::judge(
            &rg.resource,
            "MultiAZ",
            multi_az == "enabled",
            "enabled",
            multi_az,
            &json!({"MultiAZ": g.multi_az}),
        )];
        if g.node_groups.is_empty() {
            findings.push(Finding::judge(
                &rg.resource,
                "NodeGroupMembers",
                false,
                "node groups",
                "none",
                &g.node_groups,
            ));
        }
        for n in &g.node_groups {
            findings.extend(node_group_findings(&format!("{}/{}", rg.resource, n.node_group_id), n));
        }
        findings
    })
}

/// One node group: a primary with at least one replica, and its members in two zones or more.
fn node_group_findings(resource: &str, n: &NodeGroup) -> [Finding; 2] {
    let members = &n.node_group_members;
    let roles: Vec<String> = members
        .iter()
        .map(|m| format!("{} ({})", m.cache_cluster_id, m.current_role.as_deref().unwrap_or("role not reported")))
        .collect();
    // Cluster mode reports no roles: then any member beyond the first is a replica.
    let replicas = members.iter().filter(|m| m.current_role.as_deref() == Some("replica")).count();
    let has_replica = members.len() >= 2 && (replicas >= 1 || members.iter().all(|m| m.current_role.is_none()));
    // Two zones or more: some member, a replica, is outside the primary's zone.
    let zones: BTreeSet<&str> = members.iter().filter_map(|m| m.preferred_availability_zone.as_deref()).collect();
    let shown = |items: Vec<&str>, none: &str| if items.is_empty() { none.to_owned() } else { items.join(", ") };
    [
        Finding::judge(
            resource,
            "NodeGroupMembers",
            has_replica,
            "a primary and at least one replica",
            shown(roles.iter().map(String::as_str).collect(), "none"),
            members,
        ),
        Finding::judge(
            resource,
            "PreferredAvailabilityZone",
            zones.len() >= 2,
            "members in at least two zones",
            shown(zones.into_iter().collect(), "no zone reported"),
            members,
        ),
    ]
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
        about: "AutomaticFailover is enabled (disabled, enabling or disabling fail)",
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
        about: "The replication group requires an AUTH token (not reported fails)",
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
        title: "The Redis cache clusters are placed by the stack's cache subnet group, which holds only private subnets",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::High,
        risk: "A public subnet in the cache subnet group lets a cache node land on a subnet routed to the internet.",
        remediation: "template.yml: CacheSubnetGroup (AWS::ElastiCache::SubnetGroup) SubnetIds must be PrivateSubnet1 and PrivateSubnet2 only; RedisReplicationGroup CacheSubnetGroupName: !Ref CacheSubnetGroup.",
    },
    claims: &[
        Claim {
            property: "Subnets",
            about: "The stack's cache subnet group holds subnets, and only the stack's private ones",
            mutants: &[&mutants::CACHE_SUBNET_GROUP_PUBLIC_SUBNET],
            not_emulated: None,
        },
        Claim {
            property: "CacheSubnetGroupName",
            about: "Every member cluster of the replication group was placed by that subnet group, not another one",
            mutants: &[],
            not_emulated: Some(
                "moto 5.2.5 keeps no cache clusters for a replication group's members, and takes no subnet group per member",
            ),
        },
    ],
    run: elasticache_subnet_group_private_only,
};

fn elasticache_subnet_group_private_only(f: &HipaaFacts) -> Vec<Finding> {
    let g = &f.data.cache_subnet_group;
    let mut findings = judge_named(g, "Subnets", |group| {
        let subnets: Vec<String> = group.subnets.iter().map(|s| s.subnet_identifier.clone()).collect();
        only_private_subnets(&f.network.private_subnet_ids, &g.resource, &subnets, group)
    });
    findings.extend(each_member_cluster(f, "CacheSubnetGroupName", |resource, c| {
        judge_fact(resource, &g.fact, "CacheSubnetGroupName", |group| {
            let stack_group = &group.cache_subnet_group_name;
            let name = c.cache_subnet_group_name.as_deref().unwrap_or("not reported");
            // ElastiCache stores subnet group names in lowercase.
            let ok = name.eq_ignore_ascii_case(stack_group);
            vec![Finding::judge(resource, "CacheSubnetGroupName", ok, stack_group, name, c)]
        })
    }));
    findings
}

pub const ELASTICACHE_SECURITY_GROUP_IS_STACK_CACHE_GROUP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "elasticache_security_group_is_stack_cache_group",
        service: "elasticache",
        title: "Every Redis cache cluster is behind the stack's cache security group and no other",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Another group's rules decide who reaches the session store: session data (which can carry PHI) no longer follows the tiered least-privilege design.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) SecurityGroupIds: [!GetAtt CacheSecurityGroup.GroupId] only.",
    },
    claims: &[Claim {
        property: "SecurityGroups",
        about: "Every member cluster's attached groups (DescribeCacheClusters, not the outputs) are exactly the stack's cache group: another group instead of it, or beside it, fails",
        mutants: &[],
        not_emulated: Some(
            "moto 5.2.5 keeps no cache clusters for a replication group's members, reports no SecurityGroups on cache clusters, and cannot change a group's security groups",
        ),
    }],
    run: elasticache_security_group_is_stack_cache_group,
};

fn elasticache_security_group_is_stack_cache_group(f: &HipaaFacts) -> Vec<Finding> {
    let sg = &f.security_groups.cache;
    each_member_cluster(f, "SecurityGroups", |resource, c| {
        judge_fact(resource, &sg.fact, "SecurityGroups", |sg| {
            let ok = matches!(c.security_groups.as_slice(), [only] if only == sg);
            vec![Finding::judge(
                resource,
                "SecurityGroups",
                ok,
                format!("[{sg}]"),
                format!("[{}]", c.security_groups.join(", ")),
                c,
            )]
        })
    })
}

pub const ELASTICACHE_SNAPSHOTS_RETAINED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "elasticache_snapshots_retained",
        service: "elasticache",
        title: "The Redis replication group keeps automatic daily snapshots",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Medium,
        risk: "Session data lost with the cluster cannot be restored.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) SnapshotRetentionLimit >= 1 (the stack keeps 7).",
    },
    claims: &[Claim {
        property: "SnapshotRetentionLimit",
        about: "Automatic snapshots are kept for at least one day (0 or not reported fails)",
        mutants: &[&mutants::REDIS_SNAPSHOTS_OFF],
        not_emulated: None,
    }],
    run: elasticache_snapshots_retained,
};

fn elasticache_snapshots_retained(f: &HipaaFacts) -> Vec<Finding> {
    let rg = &f.data.replication_group;
    judge_named(rg, "SnapshotRetentionLimit", |g| {
        let days = g.snapshot_retention_limit;
        vec![Finding::judge(
            &rg.resource,
            "SnapshotRetentionLimit",
            days.is_some_and(|d| d >= MIN_SNAPSHOT_RETENTION),
            format!("at least {MIN_SNAPSHOT_RETENTION} day(s)"),
            days.map_or("not reported".to_owned(), |d| d.to_string()),
            &json!({"SnapshotRetentionLimit": days}),
        )]
    })
}

#[cfg(test)]
mod tests {
    use stackproof_harness::check::Status;
    use stackproof_harness::error::Fact;
    use stackproof_harness::facts::elasticache::NodeGroupMember;

    use super::*;

    fn member(id: &str, role: Option<&str>, zone: &str) -> NodeGroupMember {
        NodeGroupMember {
            cache_cluster_id: id.into(),
            current_role: role.map(str::to_owned),
            preferred_availability_zone: Some(zone.into()),
        }
    }

    fn statuses(members: Vec<NodeGroupMember>) -> [Status; 2] {
        node_group_findings("redis-x/0001", &NodeGroup { node_group_id: "0001".into(), node_group_members: members })
            .map(|f| f.status)
    }

    #[test]
    fn a_node_group_needs_a_replica_in_another_zone() {
        let (a, b) = ("eu-central-1a", "eu-central-1b");
        let p = |zone| member("redis-x-001", Some("primary"), zone);
        let r = |zone| member("redis-x-002", Some("replica"), zone);
        assert_eq!(statuses(vec![p(a), r(b)]), [Status::Pass, Status::Pass]);
        assert_eq!(statuses(vec![p(a), r(a)]), [Status::Pass, Status::Fail]);
        assert_eq!(statuses(vec![p(a)]), [Status::Fail, Status::Fail]);
        assert_eq!(statuses(vec![]), [Status::Fail, Status::Fail]);
        // Two primaries are no replica; cluster mode, which reports no roles, has one.
        assert_eq!(statuses(vec![p(a), p(b)]), [Status::Fail, Status::Pass]);
        let unroled = |id, zone| member(id, None, zone);
        assert_eq!(statuses(vec![unroled("c-1", a), unroled("c-2", b)]), [Status::Pass, Status::Pass]);
    }

    fn members(clusters: Vec<(&str, Fact<CacheCluster>)>) -> Named<Vec<MemberCluster>> {
        Named {
            output: "CacheReplicationGroupId",
            resource: "redis-x".into(),
            fact: Ok(clusters
                .into_iter()
                .map(|(id, cluster)| MemberCluster { cache_cluster_id: id.into(), cluster })
                .collect()),
        }
    }

    fn cluster(groups: &[&str]) -> Fact<CacheCluster> {
        Ok(CacheCluster {
            cache_cluster_id: "redis-x-001".into(),
            replication_group_id: Some("redis-x".into()),
            cache_cluster_status: Some("available".into()),
            preferred_availability_zone: Some("eu-central-1a".into()),
            cache_subnet_group_name: Some("cache-subnet-group-x".into()),
            security_groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        })
    }

    fn judged(m: &Named<Vec<MemberCluster>>, emulated: bool) -> Vec<(String, Status)> {
        member_findings(m, emulated, "SecurityGroups", |resource, c| {
            vec![Finding::judge(resource, "SecurityGroups", c.security_groups == ["sg-cache"], "", "", c)]
        })
        .into_iter()
        .map(|f| (f.resource, f.status))
        .collect()
    }

    #[test]
    fn every_member_is_judged_and_a_missing_one_fails_except_on_the_emulator() {
        let gone = || Err(FactError::Absent { what: "cache cluster redis-x-002".into() });
        let m = members(vec![("redis-x-001", cluster(&["sg-cache", "sg-app"])), ("redis-x-002", gone())]);
        let on_aws = judged(&m, false);
        assert_eq!(
            on_aws,
            [("redis-x/redis-x-001".to_owned(), Status::Fail), ("redis-x/redis-x-002".to_owned(), Status::Fail)]
        );
        let m = members(vec![("redis-x-001", cluster(&["sg-cache"])), ("redis-x-002", gone())]);
        assert_eq!(judged(&m, true)[1].1, Status::Skip, "moto keeps no member clusters");
        let refused = Err(FactError::Api { operation: "DescribeCacheClusters".into(), detail: "denied".into() });
        assert_eq!(judged(&members(vec![("redis-x-001", refused)]), true)[0].1, Status::Error);
        assert_eq!(judged(&members(vec![]), false), [("redis-x".to_owned(), Status::Fail)], "no members");
    }
}
