//! The Aurora PostgreSQL global database: a Serverless v2 writer cluster over two zones in the
//! primary region and a promotable secondary in the DR region, each encrypted with its region's
//! key, backed up off-peak and exporting its logs.

use std::collections::BTreeSet;

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::facts::rds::Cluster;
use stackproof_harness::kit::fact::{judge_fact, judge_named};

use super::DrFacts;
use super::facts::core::{Side, SideCluster};
use super::mutants;

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[
    AURORA_ENCRYPTED_WITH_REGION_KEY,
    AURORA_ENGINE_POSTGRESQL_15_3,
    AURORA_SERVERLESS_V2_HALF_TO_TWO_ACU,
    AURORA_PRIMARY_MULTI_AZ,
    AURORA_BACKUP_RETENTION_SEVEN_DAYS,
    AURORA_BACKUP_WINDOW_OFF_PEAK,
    AURORA_LOGS_EXPORTED,
    AURORA_GLOBAL_DATABASE_SPANS_REGIONS,
    AURORA_INSTANCES_NOT_PUBLIC,
];

pub const ENGINE: &str = "aurora-postgresql";
pub const ENGINE_VERSION: &str = "15.3";
const MIN_ACU: f64 = 0.5;
const MAX_ACU: f64 = 2.0;
const RETENTION_DAYS: i32 = 7;
/// Off-peak for a UK/Irish healthcare workload: the backup window must sit inside 00:00–06:00 UTC.
const OFF_PEAK_END_MINUTES: u32 = 6 * 60;

/// Runs `judge` on each side's cluster, or reports why it could not be read.
fn per_cluster(f: &DrFacts, property: &str, judge: impl Fn(&SideCluster, &Cluster) -> Vec<Finding>) -> Vec<Finding> {
    f.core.clusters.iter().flat_map(|side| judge_named(&side.cluster, property, |c| judge(side, c))).collect()
}

pub const AURORA_ENCRYPTED_WITH_REGION_KEY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_encrypted_with_region_key",
        service: "aurora",
        title: "Both Aurora clusters are encrypted at rest with their own region's customer key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Critical,
        risk: "PHI at rest without the layout's key is either unencrypted or under a key the layout does not control, and a cross-region key makes the DR copy depend on the failed region.",
        remediation: "main.ts: primary_cluster storageEncrypted: true, kmsKeyId: primaryKey.arn; dr_cluster storageEncrypted: true, kmsKeyId: drKey.arn (RdsCluster).",
    },
    claims: &[Claim {
        property: "KmsKeyId",
        about: "Both Aurora clusters are encrypted at rest with their own region's customer key",
        mutants: &[&mutants::DR_CLUSTER_PRIMARY_KEY],
        not_emulated: None,
    }],
    run: aurora_encrypted_with_region_key,
};

fn aurora_encrypted_with_region_key(f: &DrFacts) -> Vec<Finding> {
    per_cluster(f, "KmsKeyId", |side, c| {
        let id = &side.cluster.resource;
        let mut out = vec![Finding::judge(id, "StorageEncrypted", c.storage_encrypted, true, c.storage_encrypted, c)];
        // moto reports a placeholder key even for unencrypted clusters: the key only counts when encrypted.
        if c.storage_encrypted {
            let key = f.core.key_arns.of(side.side);
            out.extend(judge_fact(id, &key.fact, "KmsKeyId", |want| {
                let got = c.kms_key_id.as_deref().unwrap_or("none");
                vec![Finding::judge(id, "KmsKeyId", same_key(got, want), format!("{} {want}", key.output), got, c)]
            }));
        }
        out
    })
}

pub const AURORA_ENGINE_POSTGRESQL_15_3: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_engine_postgresql_15_3",
        service: "aurora",
        title: "Both clusters run Aurora PostgreSQL 15.3, the layout's pinned engine",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(8)"],
        severity: Severity::Medium,
        risk: "Members of a global database on different engines or versions cannot replicate or fail over to each other.",
        remediation: "main.ts: engine aurora-postgresql and engineVersion ENGINE_VERSION (15.3) on global_cluster, primary_cluster and dr_cluster.",
    },
    claims: &[Claim {
        property: "EngineVersion",
        about: "Both clusters run Aurora PostgreSQL 15.3, the layout's pinned engine",
        mutants: &[&mutants::PRIMARY_ENGINE_15_4],
        not_emulated: None,
    }],
    run: aurora_engine_postgresql_15_3,
};

fn aurora_engine_postgresql_15_3(f: &DrFacts) -> Vec<Finding> {
    per_cluster(f, "EngineVersion", |side, c| {
        let id = &side.cluster.resource;
        vec![
            Finding::judge(id, "Engine", c.engine == ENGINE, ENGINE, &c.engine, c),
            Finding::judge(
                id,
                "EngineVersion",
                c.engine_version == ENGINE_VERSION,
                ENGINE_VERSION,
                &c.engine_version,
                c,
            ),
        ]
    })
}

pub const AURORA_SERVERLESS_V2_HALF_TO_TWO_ACU: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_serverless_v2_half_to_two_acu",
        service: "aurora",
        title: "Both clusters scale as Serverless v2 between 0.5 and 2 ACUs",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Low,
        risk: "A secondary sized differently from the primary either cannot carry the load after failover or spends far more than planned.",
        remediation: "main.ts: serverlessv2ScalingConfiguration { minCapacity: 0.5, maxCapacity: 2 } on primary_cluster and dr_cluster (RdsCluster).",
    },
    claims: &[Claim {
        property: "ServerlessV2ScalingConfiguration.MaxCapacity",
        about: "Both clusters scale as Serverless v2 between 0.5 and 2 ACUs",
        mutants: &[&mutants::DR_SERVERLESS_MAX_16],
        not_emulated: None,
    }],
    run: aurora_serverless_v2_half_to_two_acu,
};

fn aurora_serverless_v2_half_to_two_acu(f: &DrFacts) -> Vec<Finding> {
    per_cluster(f, "ServerlessV2ScalingConfiguration", |side, c| {
        let id = &side.cluster.resource;
        let Some(range) = c.serverless_v2_scaling_configuration else {
            return vec![Finding::judge(id, "ServerlessV2ScalingConfiguration", false, "0.5-2 ACU", "absent", c)];
        };
        let show = |v: Option<f64>| v.map_or("absent".to_owned(), |v| v.to_string());
        vec![
            Finding::judge(
                id,
                "ServerlessV2ScalingConfiguration.MinCapacity",
                range.min_capacity == Some(MIN_ACU),
                MIN_ACU,
                show(range.min_capacity),
                &range,
            ),
            Finding::judge(
                id,
                "ServerlessV2ScalingConfiguration.MaxCapacity",
                range.max_capacity == Some(MAX_ACU),
                MAX_ACU,
                show(range.max_capacity),
                &range,
            ),
        ]
    })
}

pub const AURORA_PRIMARY_MULTI_AZ: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_primary_multi_az",
        service: "aurora",
        title: "The primary cluster has instances in at least two availability zones",
        citations: &["45 CFR 164.308(a)(7)(ii)(C)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::High,
        risk: "A writer without a standby in another zone turns a zone outage into a cross-region failover.",
        remediation: "main.ts: primary_instance_1 and primary_instance_2 (RdsClusterInstance) availabilityZone Fn.element(primary_azs.names, 0/1).",
    },
    claims: &[Claim {
        property: "AvailabilityZone (distinct)",
        about: "The primary cluster has instances in at least two availability zones",
        mutants: &[&mutants::PRIMARY_INSTANCES_ONE_AZ],
        not_emulated: None,
    }],
    run: aurora_primary_multi_az,
};

fn aurora_primary_multi_az(f: &DrFacts) -> Vec<Finding> {
    const PROPERTY: &str = "AvailabilityZone (distinct)";
    let primary = f.core.clusters.iter().filter(|s| s.side == Side::Primary);
    primary
        .flat_map(|side| {
            judge_named(&side.instances, PROPERTY, |instances| {
                let zones: BTreeSet<&str> = instances.iter().filter_map(|i| i.availability_zone.as_deref()).collect();
                let list = zones.iter().copied().collect::<Vec<_>>().join(", ");
                vec![Finding::judge(
                    &side.instances.resource,
                    PROPERTY,
                    zones.len() >= 2,
                    "instances in at least 2 zones",
                    format!("{} instance(s) in {} zone(s) ({list})", instances.len(), zones.len()),
                    instances,
                )]
            })
        })
        .collect()
}

pub const AURORA_BACKUP_RETENTION_SEVEN_DAYS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_backup_retention_seven_days",
        service: "aurora",
        title: "Both clusters keep automated backups for at least 7 days",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.310(d)(2)(iv)"],
        severity: Severity::High,
        risk: "Short retention leaves no restorable copy of PHI from before a corruption that went unnoticed for days.",
        remediation: "main.ts: backupRetentionPeriod: 7 on primary_cluster and dr_cluster (RdsCluster).",
    },
    claims: &[Claim {
        property: "BackupRetentionPeriod",
        about: "Both clusters keep automated backups for at least 7 days",
        mutants: &[&mutants::PRIMARY_BACKUP_RETENTION_1],
        not_emulated: None,
    }],
    run: aurora_backup_retention_seven_days,
};

fn aurora_backup_retention_seven_days(f: &DrFacts) -> Vec<Finding> {
    per_cluster(f, "BackupRetentionPeriod", |side, c| {
        let days = c.backup_retention_period.unwrap_or(0);
        vec![Finding::judge(
            &side.cluster.resource,
            "BackupRetentionPeriod",
            days >= RETENTION_DAYS,
            format!("at least {RETENTION_DAYS} days"),
            days,
            c,
        )]
    })
}

/// Minutes after midnight of `hh:mm`.
fn minutes(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Whether a backup window `hh:mm-hh:mm` (UTC) lies inside the off-peak hours.
fn off_peak(window: &str) -> bool {
    let Some((start, end)) = window.split_once('-') else { return false };
    matches!((minutes(start), minutes(end)), (Some(s), Some(e)) if s < e && e <= OFF_PEAK_END_MINUTES)
}

pub const AURORA_BACKUP_WINDOW_OFF_PEAK: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_backup_window_off_peak",
        service: "aurora",
        title: "Both clusters back up inside the off-peak hours (00:00-06:00 UTC)",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)"],
        severity: Severity::Low,
        risk: "Backups during clinic hours compete with patient-facing load, and a slow backup delays the restorable point.",
        remediation: "main.ts: preferredBackupWindow \"03:00-04:00\" on primary_cluster and dr_cluster (RdsCluster).",
    },
    claims: &[Claim {
        property: "PreferredBackupWindow",
        about: "Both clusters back up inside the off-peak hours (00:00-06:00 UTC)",
        mutants: &[&mutants::DR_BACKUP_WINDOW_MIDDAY],
        not_emulated: None,
    }],
    run: aurora_backup_window_off_peak,
};

fn aurora_backup_window_off_peak(f: &DrFacts) -> Vec<Finding> {
    per_cluster(f, "PreferredBackupWindow", |side, c| {
        let window = c.preferred_backup_window.as_deref().unwrap_or("none");
        vec![Finding::judge(
            &side.cluster.resource,
            "PreferredBackupWindow",
            off_peak(window),
            "a window inside 00:00-06:00 UTC",
            window,
            c,
        )]
    })
}

pub const AURORA_LOGS_EXPORTED: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_logs_exported",
        service: "aurora",
        title: "Both clusters export their PostgreSQL log to CloudWatch Logs",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "Without the exported log, access to PHI in either region leaves no reviewable record.",
        remediation: "main.ts: enabledCloudwatchLogsExports: [\"postgresql\"] on primary_cluster and dr_cluster (RdsCluster).",
    },
    claims: &[Claim {
        property: "EnabledCloudwatchLogsExports",
        about: "Both clusters export their PostgreSQL log to CloudWatch Logs",
        mutants: &[&mutants::DR_CLUSTER_NO_LOG_EXPORT],
        not_emulated: None,
    }],
    run: aurora_logs_exported,
};

fn aurora_logs_exported(f: &DrFacts) -> Vec<Finding> {
    per_cluster(f, "EnabledCloudwatchLogsExports", |side, c| {
        let exports = &c.enabled_cloudwatch_logs_exports;
        vec![Finding::judge(
            &side.cluster.resource,
            "EnabledCloudwatchLogsExports",
            exports.iter().any(|e| e == "postgresql"),
            "includes postgresql",
            format!("[{}]", exports.join(", ")),
            c,
        )]
    })
}

pub const AURORA_GLOBAL_DATABASE_SPANS_REGIONS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_global_database_spans_regions",
        service: "aurora",
        title: "The global database has the primary cluster as writer and the DR cluster as its secondary",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::Critical,
        risk: "A DR cluster outside the global database receives no replication: failing over to it loses every write since it was created.",
        remediation: "main.ts: global_cluster (RdsGlobalCluster) with primary_cluster and dr_cluster both setting globalClusterIdentifier: globalCluster.id.",
    },
    claims: &[Claim {
        property: "GlobalClusterMembers",
        about: "The global database has the primary cluster as writer and the DR cluster as its secondary",
        mutants: &[&mutants::DR_CLUSTER_OUTSIDE_GLOBAL],
        not_emulated: None,
    }],
    run: aurora_global_database_spans_regions,
};

/// Whether a member ARN names the cluster with this identifier (`...:cluster:<id>`).
fn names_cluster(arn: &str, id: &str) -> bool {
    arn.rsplit_once(":cluster:").is_some_and(|(_, name)| name == id)
}

fn aurora_global_database_spans_regions(f: &DrFacts) -> Vec<Finding> {
    const PROPERTY: &str = "GlobalClusterMembers";
    let g = &f.core.global_cluster;
    let ids = &f.core.cluster_ids;
    judge_named(g, PROPERTY, |global| {
        let mut findings = vec![Finding::judge(
            &g.resource,
            "Engine",
            global.engine.as_deref() == Some(ENGINE),
            ENGINE,
            global.engine.as_deref().unwrap_or("none"),
            global,
        )];
        let members: Vec<String> = global
            .global_cluster_members
            .iter()
            .map(|m| format!("{}{}", m.db_cluster_arn, if m.is_writer { " (writer)" } else { "" }))
            .collect();
        let seen = if members.is_empty() { "no members".to_owned() } else { members.join(", ") };
        for (declared, writer) in [(&ids.primary, true), (&ids.dr, false)] {
            findings.extend(judge_fact(&g.resource, &declared.fact, PROPERTY, |id| {
                let member = global.global_cluster_members.iter().find(|m| names_cluster(&m.db_cluster_arn, id));
                let role = if writer { "writer" } else { "secondary" };
                vec![Finding::judge(
                    &g.resource,
                    PROPERTY,
                    member.is_some_and(|m| m.is_writer == writer),
                    format!("{id} as {role}"),
                    &seen,
                    &json!({ "GlobalClusterIdentifier": global.global_cluster_identifier, "GlobalClusterMembers": global.global_cluster_members }),
                )]
            }));
        }
        findings
    })
}

pub const AURORA_INSTANCES_NOT_PUBLIC: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_instances_not_public",
        service: "aurora",
        title: "No Aurora instance in either region is publicly accessible",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A publicly accessible instance gets a public DNS address: the PHI database becomes reachable from the internet.",
        remediation: "main.ts: publiclyAccessible: false on primary_instance_1/2 and dr_instance_1 (RdsClusterInstance).",
    },
    claims: &[Claim {
        property: "PubliclyAccessible",
        about: "No Aurora instance in either region is publicly accessible",
        mutants: &[&mutants::PRIMARY_INSTANCE_PUBLIC],
        not_emulated: None,
    }],
    run: aurora_instances_not_public,
};

fn aurora_instances_not_public(f: &DrFacts) -> Vec<Finding> {
    f.core
        .clusters
        .iter()
        .flat_map(|side| {
            judge_named(&side.instances, "PubliclyAccessible", |instances| {
                if instances.is_empty() {
                    // No instance to judge is no evidence that none is public.
                    return vec![Finding::judge(
                        &side.instances.resource,
                        "DBClusterMembers",
                        false,
                        "at least one instance",
                        "none",
                        instances,
                    )];
                }
                instances
                    .iter()
                    .map(|i| {
                        let public = i.publicly_accessible.unwrap_or(false);
                        Finding::judge(&i.db_instance_identifier, "PubliclyAccessible", !public, false, public, i)
                    })
                    .collect()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_windows_are_judged_against_the_off_peak_hours() {
        assert!(off_peak("03:00-04:00"));
        assert!(off_peak("00:00-06:00"));
        assert!(!off_peak("12:00-13:00"));
        assert!(!off_peak("05:30-06:30"));
        assert!(!off_peak("23:30-00:30"), "a window across midnight ends after it starts only on the clock");
        assert!(!off_peak("3-4"));
    }

    #[test]
    fn member_arns_match_by_cluster_identifier() {
        assert!(names_cluster("arn:aws:rds:eu-west-1:123:cluster:healthcare-db-dr-x", "healthcare-db-dr-x"));
        assert!(!names_cluster("arn:aws:rds:eu-west-1:123:cluster:healthcare-db-dr-x", "healthcare-db-x"));
    }
}
