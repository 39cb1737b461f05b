//! Availability and recovery: Aurora and Redis across zones with failover, backups kept, and the
//! Aurora engine pinned to a known version.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, reference};

use super::{Change, Mutation, TemplateFacts, judge, missing, number, per_resource, zone_of};

/// Fewest days Aurora keeps its automated backups (point-in-time recovery window).
pub const MIN_BACKUP_RETENTION_DAYS: f64 = 7.0;
/// Fewest daily snapshots Redis keeps.
pub const MIN_SNAPSHOT_RETENTION: f64 = 1.0;
pub const AURORA_ENGINE: &str = "aurora-mysql";
/// The Aurora MySQL version the stack is built and tested on.
pub const AURORA_ENGINE_VERSION: &str = "8.0.mysql_aurora.3.08.1";

pub const AURORA_INSTANCES_ONE_AZ: Mutation = Mutation {
    name: "aurora-instances-one-az",
    resource: "AuroraInstance2",
    property: "AvailabilityZone",
    change: Change::Set(r#"{"Fn::Select": [0, {"Fn::GetAZs": ""}]}"#),
};

pub const REDIS_SINGLE_AZ: Mutation = Mutation {
    name: "redis-single-az",
    resource: "RedisReplicationGroup",
    property: "MultiAZEnabled",
    change: Change::Set("false"),
};

pub const EFS_BACKUP_DISABLED: Mutation = Mutation {
    name: "efs-backup-disabled",
    resource: "EfsFileSystem",
    property: "BackupPolicy.Status",
    change: Change::Set(r#""DISABLED""#),
};

pub const AURORA_ENGINE_VERSION_FLOATING: Mutation = Mutation {
    name: "aurora-engine-version-floating",
    resource: "AuroraCluster",
    property: "EngineVersion",
    change: Change::Remove,
};

pub const AURORA_MULTI_AZ: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "aurora_multi_az",
        service: "rds",
        title: "Every Aurora cluster has at least two instances in different availability zones",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::High,
        risk: "A single-zone database loses access to patient records when that zone fails, with no instance to fail over to.",
        remediation: "template.yml: AuroraInstance1 and AuroraInstance2 (AWS::RDS::DBInstance, DBClusterIdentifier: !Ref AuroraCluster) AvailabilityZone: !Select [0, !GetAZs ''] and !Select [1, !GetAZs ''].",
    },
    mutant: &AURORA_INSTANCES_ONE_AZ,
    run: aurora_multi_az,
};

fn aurora_multi_az(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::RDS::DBCluster", "DBInstances", |cluster| {
        let members: Vec<Resource> = t
            .resources_of("AWS::RDS::DBInstance")
            .filter(|i| i.prop("DBClusterIdentifier").and_then(reference) == Some(cluster.id))
            .collect();
        if members.is_empty() {
            return vec![missing(
                cluster,
                "DBInstances",
                format!("two AWS::RDS::DBInstance with DBClusterIdentifier !Ref {}", cluster.id),
            )];
        }
        // An instance passes if it names its zone and another instance of the cluster is elsewhere.
        let zones: Vec<Option<String>> = members.iter().map(|i| zone_of(i.prop("AvailabilityZone"))).collect();
        members
            .iter()
            .zip(&zones)
            .map(|(i, zone)| {
                let elsewhere = zones.iter().any(|z| z.is_some() && z != zone);
                judge(
                    i,
                    "AvailabilityZone",
                    zone.is_some() && elsewhere,
                    "a zone, with another instance of the cluster in a different one",
                )
            })
            .collect()
    })
}

pub const REDIS_MULTI_AZ_WITH_FAILOVER: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "redis_multi_az_with_failover",
        service: "elasticache",
        title: "Redis replication groups are multi-AZ with automatic failover and at least one replica",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::High,
        risk: "Losing the only Redis node or its zone drops every session of the records application.",
        remediation: "template.yml: RedisReplicationGroup (AWS::ElastiCache::ReplicationGroup) MultiAZEnabled: true, AutomaticFailoverEnabled: true, ReplicasPerNodeGroup: 1 (or NumCacheClusters: 2).",
    },
    mutant: &REDIS_SINGLE_AZ,
    run: redis_multi_az_with_failover,
};

fn redis_multi_az_with_failover(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::ElastiCache::ReplicationGroup", "MultiAZEnabled", |r| {
        let per_group = number(r.prop("ReplicasPerNodeGroup")).is_some_and(|n| n >= 1.0);
        let clusters = number(r.prop("NumCacheClusters")).is_some_and(|n| n >= 2.0);
        let replicas = if r.prop("NumCacheClusters").is_some() { "NumCacheClusters" } else { "ReplicasPerNodeGroup" };
        vec![
            judge(r, "MultiAZEnabled", is_true(r.prop("MultiAZEnabled")), true),
            judge(r, "AutomaticFailoverEnabled", is_true(r.prop("AutomaticFailoverEnabled")), true),
            judge(r, replicas, per_group || clusters, "ReplicasPerNodeGroup >= 1 or NumCacheClusters >= 2"),
        ]
    })
}

pub const BACKUPS_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "backups_enabled",
        service: "backup",
        title: "Aurora keeps at least 7 days of backups, EFS is backed up, Redis keeps snapshots",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::High,
        risk: "Patient records lost to corruption, deletion or ransomware cannot be restored.",
        remediation: "template.yml: AuroraCluster BackupRetentionPeriod >= 7; EfsFileSystem BackupPolicy.Status: ENABLED; RedisReplicationGroup SnapshotRetentionLimit >= 1.",
    },
    mutant: &EFS_BACKUP_DISABLED,
    run: backups_enabled,
};

fn backups_enabled(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let at_least = |r: &Resource, property: &str, min: f64| {
        vec![judge(r, property, number(r.prop(property)).is_some_and(|n| n >= min), format!("at least {min}"))]
    };
    let mut findings = per_resource(t, "AWS::RDS::DBCluster", "BackupRetentionPeriod", |r| {
        at_least(r, "BackupRetentionPeriod", MIN_BACKUP_RETENTION_DAYS)
    });
    findings.extend(per_resource(t, "AWS::EFS::FileSystem", "BackupPolicy.Status", |r| {
        vec![judge(
            r,
            "BackupPolicy.Status",
            r.prop("BackupPolicy.Status").and_then(Value::as_str) == Some("ENABLED"),
            "ENABLED",
        )]
    }));
    findings.extend(per_resource(t, "AWS::ElastiCache::ReplicationGroup", "SnapshotRetentionLimit", |r| {
        at_least(r, "SnapshotRetentionLimit", MIN_SNAPSHOT_RETENTION)
    }));
    findings
}

pub const AURORA_ENGINE_VERSION_PINNED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "aurora_engine_version_pinned",
        service: "rds",
        title: "Aurora runs aurora-mysql pinned to the tested engine version",
        citations: &["45 CFR 164.308(a)(1)(ii)(B)", "45 CFR 164.308(a)(8)"],
        severity: Severity::Medium,
        risk: "An unpinned engine version deploys whatever AWS defaults to, untested against the TLS and audit parameters the stack relies on.",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) Engine: aurora-mysql, EngineVersion: 8.0.mysql_aurora.3.08.1.",
    },
    mutant: &AURORA_ENGINE_VERSION_FLOATING,
    run: aurora_engine_version_pinned,
};

fn aurora_engine_version_pinned(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::RDS::DBCluster", "EngineVersion", |r| {
        let is = |property: &str, want: &str| r.prop(property).and_then(Value::as_str) == Some(want);
        vec![
            judge(r, "Engine", is("Engine", AURORA_ENGINE), AURORA_ENGINE),
            judge(r, "EngineVersion", is("EngineVersion", AURORA_ENGINE_VERSION), AURORA_ENGINE_VERSION),
        ]
    })
}
