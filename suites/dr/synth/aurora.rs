//! Aurora PostgreSQL: encrypted with each region's own key, 15.3 on Serverless v2 in the agreed
//! range, a global cluster with a member in each region, Multi-AZ in the primary, backed up
//! off-peak for 7 days, logging, private, destroyable, and with a generated master password kept
//! in Secrets Manager (RDS-managed passwords are not supported in a global database).

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::source::{judge, nothing_of, per_resource};
use stackproof_harness::source::json::{blocks, is_true, number};
use stackproof_harness::source::terraform::{Resource, Synth};

use super::{
    Change, DR_REGION, Mutation, PRIMARY_REGION, SynthFacts, companions, is_text, judge_region_key, primary_clusters,
    refers_to, region,
};
use crate::dr::aurora as live;

/// This service's checks, in report order: the live suite's, then those only the source shows.
pub const CHECKS: &[Check<SynthFacts>] = &[
    AURORA_ENCRYPTED_WITH_REGION_KEY,
    AURORA_ENGINE_POSTGRESQL_15_3,
    AURORA_SERVERLESS_V2_HALF_TO_TWO_ACU,
    AURORA_PRIMARY_MULTI_AZ,
    AURORA_BACKUP_RETENTION_SEVEN_DAYS,
    AURORA_BACKUP_WINDOW_OFF_PEAK,
    AURORA_LOGS_EXPORTED,
    AURORA_GLOBAL_DATABASE_SPANS_REGIONS,
    AURORA_INSTANCES_NOT_PUBLIC,
    AURORA_DESTROYABLE,
    AURORA_MASTER_PASSWORD_IN_SECRETS_MANAGER,
];

pub const ENGINE: &str = "aurora-postgresql";
pub const ENGINE_VERSION: &str = "15.3";
pub const MIN_ACU: f64 = 0.5;
pub const MAX_ACU: f64 = 2.0;
pub const MIN_RETENTION_DAYS: f64 = 7.0;
/// Off-peak for a UK/Irish healthcare workload: the backup window must sit inside 00:00-06:00 UTC.
pub const OFF_PEAK_END_MINUTES: u32 = 6 * 60;

pub const DR_CLUSTER_KEY_FROM_PRIMARY_REGION: Mutation = Mutation {
    name: "dr-cluster-key-from-primary-region",
    resource: "aws_rds_cluster.dr_cluster",
    property: "kms_key_id",
    change: Change::Set(r#""${aws_kms_key.primary_key.arn}""#),
};

pub const PRIMARY_ENGINE_15_4: Mutation = Mutation {
    name: "primary-engine-15-4",
    resource: "aws_rds_cluster.primary_cluster",
    property: "engine_version",
    change: Change::Set(r#""15.4""#),
};

pub const AURORA_MAX_CAPACITY_16: Mutation = Mutation {
    name: "aurora-max-capacity-16",
    resource: "aws_rds_cluster.primary_cluster",
    property: "serverlessv2_scaling_configuration.max_capacity",
    change: Change::Set("16"),
};

pub const AURORA_INSTANCES_IN_ONE_AZ: Mutation = Mutation {
    name: "aurora-instances-in-one-az",
    resource: "aws_rds_cluster_instance.primary_instance_2",
    property: "availability_zone",
    change: Change::Custom(same_zone),
};

pub const AURORA_RETENTION_ONE_DAY: Mutation = Mutation {
    name: "aurora-retention-one-day",
    resource: "aws_rds_cluster.primary_cluster",
    property: "backup_retention_period",
    change: Change::Set("1"),
};

pub const DR_BACKUP_WINDOW_MIDDAY: Mutation = Mutation {
    name: "dr-backup-window-midday",
    resource: "aws_rds_cluster.dr_cluster",
    property: "preferred_backup_window",
    change: Change::Set(r#""12:00-13:00""#),
};

pub const AURORA_LOG_EXPORT_OFF: Mutation = Mutation {
    name: "aurora-log-export-off",
    resource: "aws_rds_cluster.primary_cluster",
    property: "enabled_cloudwatch_logs_exports",
    change: Change::Set("[]"),
};

pub const DR_CLUSTER_OUTSIDE_GLOBAL_CLUSTER: Mutation = Mutation {
    name: "dr-cluster-outside-global-cluster",
    resource: "aws_rds_cluster.dr_cluster",
    property: "global_cluster_identifier",
    change: Change::Remove,
};

pub const PRIMARY_INSTANCE_PUBLIC: Mutation = Mutation {
    name: "primary-instance-public",
    resource: "aws_rds_cluster_instance.primary_instance_1",
    property: "publicly_accessible",
    change: Change::Set("true"),
};

pub const DR_CLUSTER_DELETION_PROTECTED: Mutation = Mutation {
    name: "dr-cluster-deletion-protected",
    resource: "aws_rds_cluster.dr_cluster",
    property: "deletion_protection",
    change: Change::Set("true"),
};

pub const AURORA_PASSWORD_LITERAL: Mutation = Mutation {
    name: "aurora-password-literal",
    resource: "aws_rds_cluster.primary_cluster",
    property: "master_password",
    change: Change::Set(r#""ChangeMe-Passw0rd""#),
};

pub const PRIMARY_CLUSTER_UNENCRYPTED: Mutation = Mutation {
    name: "primary-cluster-unencrypted",
    resource: "aws_rds_cluster.primary_cluster",
    property: "storage_encrypted",
    change: Change::Set("false"),
};

pub const DR_INSTANCE_ENGINE_15_4: Mutation = Mutation {
    name: "dr-instance-engine-15-4",
    resource: "aws_rds_cluster_instance.dr_instance_1",
    property: "engine_version",
    change: Change::Set(r#""15.4""#),
};

pub const DR_MIN_CAPACITY_1: Mutation = Mutation {
    name: "dr-min-capacity-1",
    resource: "aws_rds_cluster.dr_cluster",
    property: "serverlessv2_scaling_configuration.min_capacity",
    change: Change::Set("1"),
};

pub const DR_INSTANCE_PROVISIONED_CLASS: Mutation = Mutation {
    name: "dr-instance-provisioned-class",
    resource: "aws_rds_cluster_instance.dr_instance_1",
    property: "instance_class",
    change: Change::Set(r#""db.r6g.large""#),
};

pub const DR_CLUSTER_SERVERLESS_V1: Mutation = Mutation {
    name: "dr-cluster-serverless-v1",
    resource: "aws_rds_cluster.dr_cluster",
    property: "engine_mode",
    change: Change::Set(r#""serverless""#),
};

pub const PRIMARY_SECOND_INSTANCE_REMOVED: Mutation = Mutation {
    name: "primary-second-instance-removed",
    resource: "aws_rds_cluster.primary_cluster",
    property: "instances",
    change: Change::Custom(remove_primary_instance_2),
};

pub const DR_RETENTION_ONE_DAY: Mutation = Mutation {
    name: "dr-retention-one-day",
    resource: "aws_rds_cluster.dr_cluster",
    property: "backup_retention_period",
    change: Change::Set("1"),
};

pub const DR_INSTANCE_PUBLIC: Mutation = Mutation {
    name: "dr-instance-public",
    resource: "aws_rds_cluster_instance.dr_instance_1",
    property: "publicly_accessible",
    change: Change::Set("true"),
};

pub const DR_CLUSTER_HEADLESS: Mutation = Mutation {
    name: "dr-cluster-headless",
    resource: "aws_rds_cluster.dr_cluster",
    property: "instances",
    change: Change::Custom(remove_dr_instance),
};

pub const PRIMARY_FINAL_SNAPSHOT_KEPT: Mutation = Mutation {
    name: "primary-final-snapshot-kept",
    resource: "aws_rds_cluster.primary_cluster",
    property: "skip_final_snapshot",
    change: Change::Set("false"),
};

pub const PRIMARY_MANAGED_MASTER_PASSWORD: Mutation = Mutation {
    name: "primary-managed-master-password",
    resource: "aws_rds_cluster.primary_cluster",
    property: "manage_master_user_password",
    change: Change::Set("true"),
};

/// Removes one instance of the layout.
fn remove_instance(s: &mut Synth, id: &str) {
    let instances = s.body.pointer_mut("/resource/aws_rds_cluster_instance").and_then(Value::as_object_mut);
    let removed = instances.and_then(|i| i.remove(id));
    assert!(removed.is_some(), "no aws_rds_cluster_instance.{id} to remove");
}

fn remove_primary_instance_2(s: &mut Synth) {
    remove_instance(s, "primary_instance_2");
}

fn remove_dr_instance(s: &mut Synth) {
    remove_instance(s, "dr_instance_1");
}

/// Puts the second primary instance in the first one's zone.
fn same_zone(s: &mut Synth) {
    let zone = s.resource("aws_rds_cluster_instance", "primary_instance_1").and_then(|i| i.prop("availability_zone"));
    let zone = zone.cloned().unwrap_or(Value::Null);
    let Some(second) = s.resource_mut("aws_rds_cluster_instance", "primary_instance_2") else {
        panic!("no primary_instance_2")
    };
    second["availability_zone"] = zone;
}

pub const AURORA_ENCRYPTED_WITH_REGION_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: RdsCluster primary_cluster needs storageEncrypted: true and kmsKeyId: primary_key.arn; dr_cluster storageEncrypted: true and kmsKeyId: dr_key.arn.",
        ..live::AURORA_ENCRYPTED_WITH_REGION_KEY.info
    },
    claims: &[
        Claim {
            property: "storage_encrypted",
            about: "Every Aurora cluster declares storage_encrypted: true",
            mutants: &[&PRIMARY_CLUSTER_UNENCRYPTED],
            not_emulated: None,
        },
        Claim {
            property: "kms_key_id",
            about: "Every Aurora cluster's kms_key_id is a customer key of the layout in the cluster's own region",
            mutants: &[&DR_CLUSTER_KEY_FROM_PRIMARY_REGION],
            not_emulated: None,
        },
    ],
    run: aurora_encrypted_with_region_key,
};

fn aurora_encrypted_with_region_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_rds_cluster", "storage_encrypted", |c| {
        vec![
            judge(c, "storage_encrypted", is_true(c.prop("storage_encrypted")), true),
            judge_region_key(s, c, "kms_key_id"),
        ]
    })
}

pub const AURORA_ENGINE_POSTGRESQL_15_3: Check<SynthFacts> = Check {
    info: CheckInfo {
        title: "The global cluster, both clusters and their instances run Aurora PostgreSQL 15.3, the layout's pinned engine",
        remediation: "stacks/dr/v1: engine aurora-postgresql and engineVersion ENGINE_VERSION (15.3) on RdsGlobalCluster global_cluster, RdsCluster primary_cluster and dr_cluster, and every RdsClusterInstance.",
        ..live::AURORA_ENGINE_POSTGRESQL_15_3.info
    },
    claims: &[Claim {
        property: "engine_version",
        about: "The global cluster, both clusters and their instances run Aurora PostgreSQL 15.3, the layout's pinned engine",
        mutants: &[&PRIMARY_ENGINE_15_4, &DR_INSTANCE_ENGINE_15_4],
        not_emulated: None,
    }],
    run: aurora_engine_postgresql_15_3,
};

fn aurora_engine_postgresql_15_3(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let pinned = |r: &Resource| {
        vec![
            judge(r, "engine", is_text(r.prop("engine"), ENGINE), ENGINE),
            judge(r, "engine_version", is_text(r.prop("engine_version"), ENGINE_VERSION), ENGINE_VERSION),
        ]
    };
    let mut findings = per_resource(s, "aws_rds_cluster", "engine_version", pinned);
    findings.extend(per_resource(s, "aws_rds_global_cluster", "engine_version", pinned));
    for i in s.resources_of("aws_rds_cluster_instance") {
        // An instance inherits the cluster's version when it names none.
        let version = i.prop("engine_version");
        findings.push(judge(&i, "engine", is_text(i.prop("engine"), ENGINE), ENGINE));
        findings.push(judge(
            &i,
            "engine_version",
            version.is_none() || is_text(version, ENGINE_VERSION),
            format!("{ENGINE_VERSION} (or unset)"),
        ));
    }
    findings
}

pub const AURORA_SERVERLESS_V2_HALF_TO_TWO_ACU: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: both RdsCluster engineMode provisioned (or unset), serverlessv2ScalingConfiguration { minCapacity: 0.5, maxCapacity: 2 }; every RdsClusterInstance instanceClass db.serverless.",
        ..live::AURORA_SERVERLESS_V2_HALF_TO_TWO_ACU.info
    },
    claims: &[
        Claim {
            property: "engine_mode",
            about: "Every Aurora cluster is provisioned (or leaves engine_mode unset), as Serverless v2 requires",
            mutants: &[&DR_CLUSTER_SERVERLESS_V1],
            not_emulated: None,
        },
        Claim {
            property: "serverlessv2_scaling_configuration.min_capacity",
            about: "Every Aurora cluster scales down to 0.5 ACU",
            mutants: &[&DR_MIN_CAPACITY_1],
            not_emulated: None,
        },
        Claim {
            property: "serverlessv2_scaling_configuration.max_capacity",
            about: "Every Aurora cluster scales up to 2 ACU, no further",
            mutants: &[&AURORA_MAX_CAPACITY_16],
            not_emulated: None,
        },
        Claim {
            property: "instance_class",
            about: "Every instance is db.serverless",
            mutants: &[&DR_INSTANCE_PROVISIONED_CLASS],
            not_emulated: None,
        },
    ],
    run: aurora_serverless_v2_half_to_two_acu,
};

fn aurora_serverless_v2_half_to_two_acu(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings = per_resource(s, "aws_rds_cluster", "serverlessv2_scaling_configuration", |c| {
        let mode = c.prop("engine_mode");
        vec![
            judge(c, "engine_mode", mode.is_none() || is_text(mode, "provisioned"), "provisioned (or unset)"),
            judge(
                c,
                "serverlessv2_scaling_configuration.min_capacity",
                number(c.prop("serverlessv2_scaling_configuration.min_capacity")) == Some(MIN_ACU),
                MIN_ACU,
            ),
            judge(
                c,
                "serverlessv2_scaling_configuration.max_capacity",
                number(c.prop("serverlessv2_scaling_configuration.max_capacity")) == Some(MAX_ACU),
                MAX_ACU,
            ),
        ]
    });
    for i in s.resources_of("aws_rds_cluster_instance") {
        findings.push(judge(&i, "instance_class", is_text(i.prop("instance_class"), "db.serverless"), "db.serverless"));
    }
    findings
}

pub const AURORA_PRIMARY_MULTI_AZ: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: RdsClusterInstance primary_instance_1 and primary_instance_2 on primary_cluster, availabilityZone Fn.element(primary_azs.names, 0/1) (different zones).",
        ..live::AURORA_PRIMARY_MULTI_AZ.info
    },
    claims: &[
        Claim {
            property: "instances",
            about: "The primary cluster has at least two instances",
            mutants: &[&PRIMARY_SECOND_INSTANCE_REMOVED],
            not_emulated: None,
        },
        Claim {
            property: "availability_zone",
            about: "Each primary instance names a zone no other instance of the cluster uses",
            mutants: &[&AURORA_INSTANCES_IN_ONE_AZ],
            not_emulated: None,
        },
    ],
    run: aurora_primary_multi_az,
};

fn aurora_primary_multi_az(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let clusters = primary_clusters(s);
    if clusters.is_empty() {
        return vec![nothing_of::<Synth>(&format!("aws_rds_cluster in {PRIMARY_REGION}"), "instances")];
    }
    let mut findings = Vec::new();
    for c in clusters {
        let instances = companions(s, "aws_rds_cluster_instance", "cluster_identifier", &c);
        let names: Vec<String> = instances.iter().map(|i| i.address()).collect();
        let ok = instances.len() >= 2;
        findings.push(Finding::judge(c.address(), "instances", ok, "at least 2 instances", names.len(), &names));
        for i in &instances {
            let zone = i.prop("availability_zone");
            let shared = instances.iter().any(|o| o.id != i.id && o.prop("availability_zone") == zone);
            let ok = zone.is_some_and(|z| !z.is_null()) && !shared;
            findings.push(judge(i, "availability_zone", ok, "a zone no other instance of the cluster uses"));
        }
    }
    findings
}

pub const AURORA_BACKUP_RETENTION_SEVEN_DAYS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: both RdsCluster backupRetentionPeriod: 7 (at least).",
        ..live::AURORA_BACKUP_RETENTION_SEVEN_DAYS.info
    },
    claims: &[Claim {
        property: "backup_retention_period",
        about: "Both clusters keep automated backups for at least 7 days",
        mutants: &[&AURORA_RETENTION_ONE_DAY, &DR_RETENTION_ONE_DAY],
        not_emulated: None,
    }],
    run: aurora_backup_retention_seven_days,
};

fn aurora_backup_retention_seven_days(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_rds_cluster", "backup_retention_period", |c| {
        let days = number(c.prop("backup_retention_period"));
        vec![judge(
            c,
            "backup_retention_period",
            days.is_some_and(|d| d >= MIN_RETENTION_DAYS),
            format!("at least {MIN_RETENTION_DAYS}"),
        )]
    })
}

pub const AURORA_BACKUP_WINDOW_OFF_PEAK: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: both RdsCluster preferredBackupWindow \"03:00-04:00\" (inside 00:00-06:00 UTC).",
        ..live::AURORA_BACKUP_WINDOW_OFF_PEAK.info
    },
    claims: &[Claim {
        property: "preferred_backup_window",
        about: "Both clusters back up inside the off-peak hours (00:00-06:00 UTC)",
        mutants: &[&DR_BACKUP_WINDOW_MIDDAY],
        not_emulated: None,
    }],
    run: aurora_backup_window_off_peak,
};

/// Minutes after midnight of `hh:mm`.
fn minutes(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// A `hh:mm-hh:mm` window (UTC) inside the off-peak hours, as the live check judges it.
fn off_peak(v: Option<&Value>) -> bool {
    let Some((start, end)) = v.and_then(Value::as_str).and_then(|w| w.split_once('-')) else { return false };
    matches!((minutes(start), minutes(end)), (Some(s), Some(e)) if s < e && e <= OFF_PEAK_END_MINUTES)
}

fn aurora_backup_window_off_peak(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_rds_cluster", "preferred_backup_window", |c| {
        vec![judge(
            c,
            "preferred_backup_window",
            off_peak(c.prop("preferred_backup_window")),
            "a window inside 00:00-06:00 UTC",
        )]
    })
}

pub const AURORA_LOGS_EXPORTED: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: both RdsCluster enabledCloudwatchLogsExports: ['postgresql'].",
        ..live::AURORA_LOGS_EXPORTED.info
    },
    claims: &[Claim {
        property: "enabled_cloudwatch_logs_exports",
        about: "Both clusters export their PostgreSQL log to CloudWatch Logs",
        mutants: &[&AURORA_LOG_EXPORT_OFF],
        not_emulated: None,
    }],
    run: aurora_logs_exported,
};

fn aurora_logs_exported(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_rds_cluster", "enabled_cloudwatch_logs_exports", |c| {
        let exports = blocks(c.prop("enabled_cloudwatch_logs_exports"));
        let ok = exports.iter().any(|x| x.as_str() == Some("postgresql"));
        vec![judge(c, "enabled_cloudwatch_logs_exports", ok, "a list including postgresql")]
    })
}

pub const AURORA_GLOBAL_DATABASE_SPANS_REGIONS: Check<SynthFacts> = Check {
    info: CheckInfo {
        title: "The global database joins an Aurora cluster in eu-west-2 (the primary) and one in eu-west-1 (the DR secondary)",
        remediation: "stacks/dr/v1: RdsGlobalCluster global_cluster, with RdsCluster primary_cluster (aws.primary) and dr_cluster (aws.dr) both setting globalClusterIdentifier: global_cluster.id.",
        ..live::AURORA_GLOBAL_DATABASE_SPANS_REGIONS.info
    },
    claims: &[Claim {
        property: "global_cluster_identifier",
        about: "The global database joins an Aurora cluster in eu-west-2 (the primary) and one in eu-west-1 (the DR secondary)",
        mutants: &[&DR_CLUSTER_OUTSIDE_GLOBAL_CLUSTER],
        not_emulated: None,
    }],
    run: aurora_global_database_spans_regions,
};

fn aurora_global_database_spans_regions(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings = per_resource(s, "aws_rds_cluster", "global_cluster_identifier", |c| {
        let joined = refers_to(s, c.prop("global_cluster_identifier"), "aws_rds_global_cluster");
        vec![judge(c, "global_cluster_identifier", joined, "a global cluster of this layout")]
    });
    for g in s.resources_of("aws_rds_global_cluster") {
        let members = companions(s, "aws_rds_cluster", "global_cluster_identifier", &g);
        let regions: Vec<&str> = members.iter().map(|m| region(s, m)).collect();
        for want in [PRIMARY_REGION, DR_REGION] {
            let ok = regions.contains(&want);
            let actual = if regions.is_empty() { "none".into() } else { regions.join(", ") };
            findings.push(Finding::judge(
                g.address(),
                "members",
                ok,
                format!("a member cluster in {want}"),
                actual,
                &regions,
            ));
        }
    }
    if s.resources_of("aws_rds_global_cluster").next().is_none() {
        findings.push(nothing_of::<Synth>("aws_rds_global_cluster", "global_cluster_identifier"));
    }
    findings
}

pub const AURORA_INSTANCES_NOT_PUBLIC: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: every RdsClusterInstance (primary_instance_1/2, dr_instance_1) publiclyAccessible: false; each RdsCluster has at least one.",
        ..live::AURORA_INSTANCES_NOT_PUBLIC.info
    },
    claims: &[
        Claim {
            property: "instances",
            about: "Every Aurora cluster has at least one instance to judge",
            mutants: &[&DR_CLUSTER_HEADLESS],
            not_emulated: None,
        },
        Claim {
            property: "publicly_accessible",
            about: "No instance in either region is publicly accessible",
            mutants: &[&PRIMARY_INSTANCE_PUBLIC, &DR_INSTANCE_PUBLIC],
            not_emulated: None,
        },
    ],
    run: aurora_instances_not_public,
};

fn aurora_instances_not_public(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings = per_resource(s, "aws_rds_cluster", "instances", |c| {
        let names: Vec<String> =
            companions(s, "aws_rds_cluster_instance", "cluster_identifier", c).iter().map(|i| i.address()).collect();
        vec![Finding::judge(c.address(), "instances", !names.is_empty(), "at least one instance", names.len(), &names)]
    });
    for i in s.resources_of("aws_rds_cluster_instance") {
        findings.push(judge(&i, "publicly_accessible", !is_true(i.prop("publicly_accessible")), "false (or unset)"));
    }
    findings
}

pub const AURORA_DESTROYABLE: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "aurora_destroyable",
        service: "aurora",
        title: "Every Aurora cluster skips its final snapshot and has no deletion protection",
        citations: &["45 CFR 164.308(a)(7)(ii)(D)"],
        severity: Severity::Low,
        risk: "A layout that cannot be torn down cannot be rebuilt to test the recovery plan; leftover snapshots are PHI copies nobody tracks.",
        remediation: "stacks/dr/v1: both RdsCluster skipFinalSnapshot: true, deletionProtection: false.",
    },
    claims: &[
        Claim {
            property: "skip_final_snapshot",
            about: "Every Aurora cluster skips its final snapshot",
            mutants: &[&PRIMARY_FINAL_SNAPSHOT_KEPT],
            not_emulated: None,
        },
        Claim {
            property: "deletion_protection",
            about: "No Aurora cluster has deletion protection",
            mutants: &[&DR_CLUSTER_DELETION_PROTECTED],
            not_emulated: None,
        },
    ],
    run: aurora_destroyable,
};

fn aurora_destroyable(f: &SynthFacts) -> Vec<Finding> {
    per_resource(&f.synth, "aws_rds_cluster", "skip_final_snapshot", |c| {
        vec![
            judge(c, "skip_final_snapshot", is_true(c.prop("skip_final_snapshot")), true),
            judge(c, "deletion_protection", !is_true(c.prop("deletion_protection")), "false (or unset)"),
        ]
    })
}

pub const AURORA_MASTER_PASSWORD_IN_SECRETS_MANAGER: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "aurora_master_password_in_secrets_manager",
        service: "aurora",
        title: "Aurora's master password is generated, kept in a Secrets Manager secret and never written in the layout",
        citations: &["45 CFR 164.308(a)(4)(i)", "45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::Critical,
        risk: "A password in the synthesized JSON lands in state, CI logs and source control: anyone with those reads patient data. A managed master password on a global database member is rejected by AWS, so the layout does not deploy.",
        remediation: "stacks/dr/v1: RdsCluster primary_cluster masterPassword: random_password db_master_password .result, no manageMasterUserPassword (unsupported in an Aurora global database); SecretsmanagerSecretVersion db_master_secret_version stores that password in SecretsmanagerSecret db_master_secret (its key: master_secret_encrypted_with_primary_key).",
    },
    claims: &[
        Claim {
            property: "manage_master_user_password",
            about: "No member of the global database asks RDS to manage its master password (AWS rejects it there)",
            mutants: &[&PRIMARY_MANAGED_MASTER_PASSWORD],
            not_emulated: None,
        },
        Claim {
            property: "master_password",
            about: "The master password is a random_password of the layout, stored by a secret version in a secret of the layout, never a literal",
            mutants: &[&AURORA_PASSWORD_LITERAL],
            not_emulated: None,
        },
    ],
    run: aurora_master_password_in_secrets_manager,
};

/// True if a value is set (present and not null).
fn is_set(v: Option<&Value>) -> bool {
    v.is_some_and(|v| !v.is_null())
}

fn aurora_master_password_in_secrets_manager(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    // The credentials belong to the clusters that define them: the primary (a secondary inherits).
    let owners: Vec<_> = s
        .resources_of("aws_rds_cluster")
        .filter(|c| {
            ["master_username", "master_password", "manage_master_user_password"].iter().any(|p| is_set(c.prop(p)))
                || s.region_of(c) == Some(PRIMARY_REGION)
        })
        .collect();
    if owners.is_empty() {
        return vec![nothing_of::<Synth>("aws_rds_cluster with master credentials", "master_password")];
    }
    let mut findings = Vec::new();
    for c in owners {
        let global = is_set(c.prop("global_cluster_identifier"));
        let managed = is_true(c.prop("manage_master_user_password"));
        // AWS: Secrets Manager-managed master passwords are not supported for DB clusters that
        // are part of an Aurora global database.
        findings.push(judge(
            &c,
            "manage_master_user_password",
            !(global && managed),
            "false or unset on a member of a global cluster (AWS rejects it there)",
        ));
        if managed && !global {
            // RDS itself keeps the password in Secrets Manager.
            continue;
        }
        let generated = s.referenced(c.prop("master_password")).filter(|r| r.kind == "random_password");
        findings.push(judge(
            &c,
            "master_password",
            generated.is_some(),
            "a reference to a random_password of the layout",
        ));
        let Some(password) = generated else { continue };
        let versions = companions(s, "aws_secretsmanager_secret_version", "secret_string", &password);
        let secrets: Vec<String> = versions
            .iter()
            .filter_map(|v| s.referenced(v.prop("secret_id")))
            .filter(|secret| secret.kind == "aws_secretsmanager_secret")
            .map(|secret| secret.address())
            .collect();
        let actual = if secrets.is_empty() { "none".into() } else { secrets.join(", ") };
        findings.push(Finding::judge(
            c.address(),
            "master_password",
            !secrets.is_empty(),
            format!(
                "{} stored by an aws_secretsmanager_secret_version in an aws_secretsmanager_secret of the layout",
                password.address()
            ),
            actual,
            &secrets,
        ));
    }
    findings
}
