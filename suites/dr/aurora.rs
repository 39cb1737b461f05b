//! The Aurora PostgreSQL global database: a Serverless v2 writer cluster over two zones in the
//! primary region and a promotable secondary in the DR region, each encrypted with its region's
//! key, backed up off-peak and exporting its logs.

use std::collections::BTreeSet;

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::facts::rds::{Cluster, Instance};
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
/// The instance class of a Serverless v2 instance.
const SERVERLESS_CLASS: &str = "db.serverless";
const MIN_ACU: f64 = 0.5;
const MAX_ACU: f64 = 2.0;
const RETENTION_DAYS: i32 = 7;
/// Off-peak for a UK/Irish healthcare workload: the backup window must sit inside 00:00–06:00 UTC.
const OFF_PEAK_END_MINUTES: u32 = 6 * 60;

/// Runs `judge` on each side's cluster, or reports why it could not be read.
fn per_cluster(f: &DrFacts, property: &str, judge: impl Fn(&SideCluster, &Cluster) -> Vec<Finding>) -> Vec<Finding> {
    f.core.clusters.iter().flat_map(|side| judge_named(&side.cluster, property, |c| judge(side, c))).collect()
}

/// Runs `judge` on each side's instances, or reports why they could not be read.
fn per_instances(
    f: &DrFacts,
    property: &str,
    judge: impl Fn(&SideCluster, &[Instance]) -> Vec<Finding>,
) -> Vec<Finding> {
    f.core.clusters.iter().flat_map(|side| judge_named(&side.instances, property, |i| judge(side, i))).collect()
}

/// Every member the side's cluster lists was found among its instances, and there are at least
/// `fewest`: a list short of the cluster's own instances is a failure, never a shorter pass.
fn members_found(side: &SideCluster, instances: &[Instance], fewest: usize) -> Vec<Finding> {
    let c = &side.cluster;
    judge_named(c, "DBClusterMembers", |cluster| {
        let found: BTreeSet<&str> = instances.iter().map(|i| i.db_instance_identifier.as_str()).collect();
        let missing: Vec<&str> = cluster
            .db_cluster_members
            .iter()
            .map(|m| m.db_instance_identifier.as_str())
            .filter(|m| !found.contains(m))
            .collect();
        let actual = if missing.is_empty() {
            format!("{} ({})", found.len(), found.iter().copied().collect::<Vec<_>>().join(", "))
        } else {
            format!("members not returned by DescribeDBInstances: {}", missing.join(", "))
        };
        vec![Finding::judge(
            &c.resource,
            "DBClusterMembers",
            missing.is_empty() && found.len() >= fewest,
            format!("at least {fewest} instance(s), every member of the cluster among them"),
            actual,
            &json!({ "DBClusterMembers": cluster.db_cluster_members, "DBInstances": found }),
        )]
    })
}

/// The finding resource of one instance of a side's cluster: `cluster/instance`.
fn instance_resource(side: &SideCluster, i: &Instance) -> String {
    format!("{}/{}", side.instances.resource, i.db_instance_identifier)
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
    claims: &[
        Claim {
            property: "StorageEncrypted",
            about: "Each cluster, primary and DR, encrypts its storage at rest",
            mutants: &[&mutants::PRIMARY_CLUSTER_UNENCRYPTED],
            not_emulated: None,
        },
        Claim {
            property: "KmsKeyId",
            about: "Each cluster's storage key is its own region's customer key (the primary's in eu-west-2, the DR key in eu-west-1)",
            mutants: &[&mutants::DR_CLUSTER_PRIMARY_KEY],
            not_emulated: None,
        },
    ],
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
        about: "Each cluster, every instance of it (which can lag during an upgrade) and the global database run aurora-postgresql 15.3",
        mutants: &[&mutants::PRIMARY_ENGINE_15_4, &mutants::DR_ENGINE_15_4],
        not_emulated: None,
    }],
    run: aurora_engine_postgresql_15_3,
};

/// `engine version`, as findings show a pinned engine.
fn engine_text(engine: Option<&str>, version: Option<&str>) -> String {
    format!("{} {}", engine.unwrap_or("(no engine)"), version.unwrap_or("(no version)"))
}

fn aurora_engine_postgresql_15_3(f: &DrFacts) -> Vec<Finding> {
    let pinned = engine_text(Some(ENGINE), Some(ENGINE_VERSION));
    let mut findings = per_cluster(f, "EngineVersion", |side, c| {
        let ok = c.engine == ENGINE && c.engine_version == ENGINE_VERSION;
        let got = engine_text(Some(&c.engine), Some(&c.engine_version));
        vec![Finding::judge(&side.cluster.resource, "EngineVersion", ok, &pinned, got, c)]
    });
    findings.extend(per_instances(f, "EngineVersion", |side, instances| {
        instances
            .iter()
            .map(|i| match &i.engine_version {
                Some(v) => Finding::judge(
                    instance_resource(side, i),
                    "EngineVersion",
                    v == ENGINE_VERSION,
                    ENGINE_VERSION,
                    v,
                    i,
                ),
                None => Finding::error(
                    instance_resource(side, i),
                    "EngineVersion",
                    "DescribeDBInstances did not report EngineVersion",
                ),
            })
            .collect()
    }));
    // The global database's own engine is what a member must match to join or fail over.
    let g = &f.core.global_cluster;
    findings.extend(judge_named(g, "EngineVersion", |global| {
        let ok = global.engine.as_deref() == Some(ENGINE) && global.engine_version.as_deref() == Some(ENGINE_VERSION);
        let got = engine_text(global.engine.as_deref(), global.engine_version.as_deref());
        vec![Finding::judge(&g.resource, "EngineVersion", ok, &pinned, got, global)]
    }));
    findings
}

pub const AURORA_SERVERLESS_V2_HALF_TO_TWO_ACU: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "aurora_serverless_v2_half_to_two_acu",
        service: "aurora",
        title: "Both clusters scale as Serverless v2 between 0.5 and 2 ACUs",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Low,
        risk: "A secondary sized differently from the primary either cannot carry the load after failover or spends far more than planned.",
        remediation: "main.ts: serverlessv2ScalingConfiguration { minCapacity: 0.5, maxCapacity: 2 } on primary_cluster and dr_cluster (RdsCluster); instanceClass db.serverless on every RdsClusterInstance.",
    },
    claims: &[
        Claim {
            property: "ServerlessV2ScalingConfiguration.MinCapacity",
            about: "Each cluster scales down to 0.5 ACU, no higher floor",
            mutants: &[&mutants::PRIMARY_SERVERLESS_MIN_1],
            not_emulated: None,
        },
        Claim {
            property: "ServerlessV2ScalingConfiguration.MaxCapacity",
            about: "Each cluster scales up to 2 ACU, no further",
            mutants: &[&mutants::DR_SERVERLESS_MAX_16],
            not_emulated: None,
        },
        Claim {
            property: "DBInstanceClass",
            about: "Every instance of both clusters is db.serverless: a provisioned instance does not scale with the range",
            mutants: &[&mutants::DR_INSTANCE_PROVISIONED_CLASS],
            not_emulated: None,
        },
    ],
    run: aurora_serverless_v2_half_to_two_acu,
};

fn aurora_serverless_v2_half_to_two_acu(f: &DrFacts) -> Vec<Finding> {
    let show = |v: Option<f64>| v.map_or("absent".to_owned(), |v| v.to_string());
    let mut findings = per_cluster(f, "ServerlessV2ScalingConfiguration", |side, c| {
        let id = &side.cluster.resource;
        // Without a scaling configuration both bounds are absent: each bound fails.
        let range = c.serverless_v2_scaling_configuration;
        let (min, max) = (range.and_then(|r| r.min_capacity), range.and_then(|r| r.max_capacity));
        vec![
            Finding::judge(
                id,
                "ServerlessV2ScalingConfiguration.MinCapacity",
                min == Some(MIN_ACU),
                MIN_ACU,
                show(min),
                &range,
            ),
            Finding::judge(
                id,
                "ServerlessV2ScalingConfiguration.MaxCapacity",
                max == Some(MAX_ACU),
                MAX_ACU,
                show(max),
                &range,
            ),
        ]
    });
    findings.extend(per_instances(f, "DBInstanceClass", |side, instances| {
        instances
            .iter()
            .map(|i| {
                let class = i.db_instance_class.as_deref();
                let ok = class == Some(SERVERLESS_CLASS);
                Finding::judge(
                    instance_resource(side, i),
                    "DBInstanceClass",
                    ok,
                    SERVERLESS_CLASS,
                    class.unwrap_or("none"),
                    i,
                )
            })
            .collect()
    }));
    findings
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
    claims: &[
        Claim {
            property: "DBClusterMembers",
            about: "The primary cluster has at least two instances (a writer and a standby), and every member it lists is found and judged",
            mutants: &[&mutants::PRIMARY_SINGLE_INSTANCE],
            not_emulated: None,
        },
        Claim {
            property: "AvailabilityZone (distinct)",
            about: "The primary cluster's instances sit in at least two distinct availability zones",
            mutants: &[&mutants::PRIMARY_INSTANCES_ONE_AZ],
            not_emulated: None,
        },
    ],
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
                let mut out = members_found(side, instances, 2);
                out.push(Finding::judge(
                    &side.instances.resource,
                    PROPERTY,
                    zones.len() >= 2,
                    "instances in at least 2 zones",
                    format!("{} instance(s) in {} zone(s) ({list})", instances.len(), zones.len()),
                    instances,
                ));
                out
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
        about: "Each cluster, primary and DR, keeps automated backups for at least 7 days",
        mutants: &[&mutants::PRIMARY_BACKUP_RETENTION_1, &mutants::DR_BACKUP_RETENTION_1],
        not_emulated: None,
    }],
    run: aurora_backup_retention_seven_days,
};

fn aurora_backup_retention_seven_days(f: &DrFacts) -> Vec<Finding> {
    per_cluster(f, "BackupRetentionPeriod", |side, c| {
        let days = c.backup_retention_period;
        vec![Finding::judge(
            &side.cluster.resource,
            "BackupRetentionPeriod",
            days.is_some_and(|d| d >= RETENTION_DAYS),
            format!("at least {RETENTION_DAYS} days"),
            days.map_or("not reported".to_owned(), |d| d.to_string()),
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
        about: "Each cluster's backup window starts and ends inside 00:00-06:00 UTC",
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
        about: "Each cluster, primary and DR, exports its postgresql log to CloudWatch Logs",
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
        about: "The global database's members include the primary cluster as its writer and the DR cluster as a secondary (not the writer)",
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
        let members: Vec<String> = global
            .global_cluster_members
            .iter()
            .map(|m| format!("{}{}", m.db_cluster_arn, if m.is_writer { " (writer)" } else { "" }))
            .collect();
        let seen = if members.is_empty() { "no members".to_owned() } else { members.join(", ") };
        let mut findings = Vec::new();
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
    claims: &[
        Claim {
            property: "PubliclyAccessible",
            about: "Every instance of both clusters, in both regions, is not publicly accessible",
            mutants: &[&mutants::PRIMARY_INSTANCE_PUBLIC, &mutants::DR_INSTANCE_PUBLIC],
            not_emulated: None,
        },
        Claim {
            property: "DBClusterMembers",
            about: "Each cluster has an instance to judge, and every member it lists is among the instances judged (a list short of them is no pass)",
            mutants: &[&mutants::DR_CLUSTER_HEADLESS],
            not_emulated: None,
        },
    ],
    run: aurora_instances_not_public,
};

fn aurora_instances_not_public(f: &DrFacts) -> Vec<Finding> {
    per_instances(f, "PubliclyAccessible", |side, instances| {
        let mut out = members_found(side, instances, 1);
        out.extend(instances.iter().map(|i| match i.publicly_accessible {
            Some(public) => Finding::judge(instance_resource(side, i), "PubliclyAccessible", !public, false, public, i),
            // No answer is no evidence that the instance is private.
            None => Finding::error(
                instance_resource(side, i),
                "PubliclyAccessible",
                "DescribeDBInstances did not report PubliclyAccessible",
            ),
        }));
        out
    })
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
