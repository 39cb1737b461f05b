//! The requirements v1 of the layout did not meet and v2 does (stacks/dr/v1/CHANGELOG.md names
//! the gaps): TLS to the database enforced by parameter, database audit logging, VPC flow logs,
//! and server access logging on the data buckets. They are judged on every version: a v1 synth
//! fails exactly these (see the tests), because v1 is not compliant just because it is v1.
//!
//! The live suite judges the same requirements under the same ids (`crate::dr::audit`), whose
//! rules (pgaudit classes, retention) these share; the lag alarm's region, the other v1 gap, is
//! judged by `replication_lag_alarm_at_rpo` (monitoring.rs).

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, judge_value, missing, nothing_of};
use stackproof_harness::source::json::{blocks, number};
use stackproof_harness::source::terraform::{Resource, Synth};

use super::{Change, Mutation, SynthFacts, companions, data_buckets, is_text, judge_key_in, names, region};
use crate::dr::audit as live;

/// Checks by the live service they belong to, placed after that service's own.
pub const NETWORK_CHECKS: &[Check<SynthFacts>] = &[VPC_FLOW_LOGS_ON];
pub const AURORA_CHECKS: &[Check<SynthFacts>] = &[DATABASE_TLS_ENFORCED, DATABASE_AUDIT_LOGGING];
pub const S3_CHECKS: &[Check<SynthFacts>] = &[DATA_BUCKETS_ACCESS_LOGGED];

/// Audit records (flow logs, database logs) are kept at least a year: the layout's policy.
pub const AUDIT_RETENTION_DAYS: f64 = live::AUDIT_RETENTION_DAYS as f64;
use live::{PGAUDIT_CLASSES, loads_pgaudit, pgaudit_logs};

const fn claim(property: &'static str, about: &'static str, mutants: &'static [&'static Mutation]) -> Claim<Mutation> {
    Claim { property, about, mutants, not_emulated: None }
}

/// The value of the parameter `name` a cluster parameter group sets, if it sets it.
fn parameter<'s>(group: &Resource<'s>, name: &str) -> Option<&'s Value> {
    blocks(group.prop("parameter")).into_iter().find(|p| is_text(p.get("name"), name)).and_then(|p| p.get("value"))
}

/// The cluster parameter group a cluster names, when it is one of the layout's in the cluster's
/// own region; else a finding on the cluster saying so.
fn parameter_group<'s>(s: &'s Synth, cluster: &Resource<'s>) -> Result<Resource<'s>, Box<Finding>> {
    let home = region(s, cluster);
    let group = s
        .resources_of("aws_rds_cluster_parameter_group")
        .find(|g| names(cluster.prop("db_cluster_parameter_group_name"), g) && region(s, g) == home);
    group.ok_or_else(|| {
        Box::new(judge(
            cluster,
            "db_cluster_parameter_group_name",
            false,
            format!("a cluster parameter group of this layout in {home} (the default group leaves rds.force_ssl 0)"),
        ))
    })
}

/// A mutation that sets one parameter of a group (`Custom`: the parameter list is matched by name).
fn set_parameter(s: &mut Synth, group: &str, name: &str, value: &str) {
    let Some(body) = s.resource_mut("aws_rds_cluster_parameter_group", group) else { panic!("no {group}") };
    let Some(list) = body.get_mut("parameter").and_then(Value::as_array_mut) else {
        panic!("{group}: no parameter list")
    };
    let Some(p) = list.iter_mut().find(|p| p.get("name").and_then(Value::as_str) == Some(name)) else {
        panic!("{group}: no parameter {name}")
    };
    p["value"] = Value::String(value.to_owned());
}

/// A mutation that deletes a resource from the layout.
fn delete(s: &mut Synth, kind: &str, id: &str) {
    let removed = s
        .body
        .get_mut("resource")
        .and_then(|r| r.get_mut(kind))
        .and_then(Value::as_object_mut)
        .and_then(|m| m.remove(id));
    assert!(removed.is_some(), "no {kind}.{id}");
}

// ------------------------------------------------------------------ database TLS

pub const PRIMARY_FORCE_SSL_OFF: Mutation = Mutation {
    name: "primary-force-ssl-off",
    resource: "aws_rds_cluster_parameter_group.primary_cluster_parameters",
    property: "parameter.rds.force_ssl",
    change: Change::Custom(|s| set_parameter(s, "primary_cluster_parameters", "rds.force_ssl", "0")),
};

pub const DATABASE_TLS_ENFORCED: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v2: RdsClusterParameterGroup primary_cluster_parameters and dr_cluster_parameters (family aurora-postgresql15) with parameter rds.force_ssl = 1; each RdsCluster dbClusterParameterGroupName: its region's group.",
        ..live::DATABASE_TLS_ENFORCED.info
    },
    // A cluster on the default group (v1) fails on db_cluster_parameter_group_name, here and in
    // database_audit_logging: both depend on the group, so no one mutation can break it for one
    // check alone; the v1 synth test proves that finding.
    claims: &[claim(
        "parameter.rds.force_ssl",
        "The cluster parameter group each cluster names (one of the layout's, in the cluster's region, not the default) sets rds.force_ssl to 1",
        &[&PRIMARY_FORCE_SSL_OFF],
    )],
    run: database_tls_enforced,
};

fn database_tls_enforced(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let clusters: Vec<_> = s.resources_of("aws_rds_cluster").collect();
    if clusters.is_empty() {
        return vec![nothing_of::<Synth>("aws_rds_cluster", "db_cluster_parameter_group_name")];
    }
    clusters
        .iter()
        .map(|c| match parameter_group(s, c) {
            Err(finding) => *finding,
            Ok(g) => {
                let value = parameter(&g, "rds.force_ssl");
                judge_value(&g, "parameter.rds.force_ssl", value, is_text(value, "1"), "1")
            }
        })
        .collect()
}

// ------------------------------------------------------------------ database audit logging

pub const DR_PGAUDIT_NOT_LOADED: Mutation = Mutation {
    name: "dr-pgaudit-not-loaded",
    resource: "aws_rds_cluster_parameter_group.dr_cluster_parameters",
    property: "parameter.shared_preload_libraries",
    change: Change::Custom(|s| {
        set_parameter(s, "dr_cluster_parameters", "shared_preload_libraries", "pg_stat_statements")
    }),
};
pub const PRIMARY_PGAUDIT_LOGS_NONE: Mutation = Mutation {
    name: "primary-pgaudit-logs-none",
    resource: "aws_rds_cluster_parameter_group.primary_cluster_parameters",
    property: "parameter.pgaudit.log",
    change: Change::Custom(|s| set_parameter(s, "primary_cluster_parameters", "pgaudit.log", "none")),
};
pub const PRIMARY_PGAUDIT_WITHOUT_WRITE: Mutation = Mutation {
    name: "primary-pgaudit-without-write",
    resource: "aws_rds_cluster_parameter_group.primary_cluster_parameters",
    property: "parameter.pgaudit.log",
    change: Change::Custom(|s| set_parameter(s, "primary_cluster_parameters", "pgaudit.log", "ddl,role")),
};
pub const PRIMARY_CONNECTIONS_NOT_LOGGED: Mutation = Mutation {
    name: "primary-connections-not-logged",
    resource: "aws_rds_cluster_parameter_group.primary_cluster_parameters",
    property: "parameter.log_connections",
    change: Change::Custom(|s| set_parameter(s, "primary_cluster_parameters", "log_connections", "0")),
};
pub const DR_DISCONNECTIONS_NOT_LOGGED: Mutation = Mutation {
    name: "dr-disconnections-not-logged",
    resource: "aws_rds_cluster_parameter_group.dr_cluster_parameters",
    property: "parameter.log_disconnections",
    change: Change::Custom(|s| set_parameter(s, "dr_cluster_parameters", "log_disconnections", "0")),
};
pub const PRIMARY_DB_LOG_GROUP_UNENCRYPTED: Mutation = Mutation {
    name: "primary-db-log-group-unencrypted",
    resource: "aws_cloudwatch_log_group.primary_db_log_group",
    property: "kms_key_id",
    change: Change::Remove,
};
pub const DR_DB_LOG_GROUP_WEEK: Mutation = Mutation {
    name: "dr-db-log-group-week",
    resource: "aws_cloudwatch_log_group.dr_db_log_group",
    property: "retention_in_days",
    change: Change::Set("7"),
};
pub const DR_DB_LOG_GROUP_MISSING: Mutation = Mutation {
    name: "dr-db-log-group-missing",
    resource: "aws_rds_cluster.dr_cluster",
    property: "log_group",
    change: Change::Custom(|s| delete(s, "aws_cloudwatch_log_group", "dr_db_log_group")),
};

pub const DATABASE_AUDIT_LOGGING: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v2: each cluster parameter group sets shared_preload_libraries including pgaudit, pgaudit.log including ddl, role and write (or all), log_connections = 1, log_disconnections = 1; each RdsCluster exports postgresql (aurora_logs_exported) into CloudwatchLogGroup /aws/rds/cluster/<id>/postgresql with kmsKeyId its region's key and retentionInDays 365.",
        ..live::DATABASE_AUDIT_LOGGING.info
    },
    claims: &[
        claim(
            "parameter.shared_preload_libraries",
            "The cluster parameter group each cluster names (one of the layout's in its region; the default group audits nothing) loads pgaudit, without which pgaudit.log does nothing",
            &[&DR_PGAUDIT_NOT_LOADED],
        ),
        claim(
            "parameter.pgaudit.log",
            "pgaudit logs at least the ddl, role and write classes",
            &[&PRIMARY_PGAUDIT_LOGS_NONE, &PRIMARY_PGAUDIT_WITHOUT_WRITE],
        ),
        claim("parameter.log_connections", "Connections are logged", &[&PRIMARY_CONNECTIONS_NOT_LOGGED]),
        claim("parameter.log_disconnections", "Disconnections are logged", &[&DR_DISCONNECTIONS_NOT_LOGGED]),
        claim(
            "log_group",
            "The layout creates the log group the cluster's postgresql log is exported to (/aws/rds/cluster/<id>/postgresql), in the cluster's region",
            &[&DR_DB_LOG_GROUP_MISSING],
        ),
        claim(
            "kms_key_id",
            "That log group is encrypted with a key of the layout in its region",
            &[&PRIMARY_DB_LOG_GROUP_UNENCRYPTED],
        ),
        claim("retention_in_days", "That log group keeps events at least 365 days", &[&DR_DB_LOG_GROUP_WEEK]),
    ],
    run: database_audit_logging,
};

/// A log group holding an audit trail (the database's or the network's): encrypted with a key of
/// the layout in its own region, and kept at least the audit retention.
fn audit_log_group_kept(s: &Synth, g: &Resource, home: &str) -> [Finding; 2] {
    let kept = number(g.prop("retention_in_days")).is_some_and(|d| d >= AUDIT_RETENTION_DAYS);
    [
        judge_key_in(s, g, "kms_key_id", home),
        judge(g, "retention_in_days", kept, format!("at least {AUDIT_RETENTION_DAYS} days")),
    ]
}

fn database_audit_logging(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let clusters: Vec<_> = s.resources_of("aws_rds_cluster").collect();
    if clusters.is_empty() {
        return vec![nothing_of::<Synth>("aws_rds_cluster", "db_cluster_parameter_group_name")];
    }
    let mut findings = Vec::new();
    for c in &clusters {
        match parameter_group(s, c) {
            Err(finding) => findings.push(*finding),
            Ok(g) => {
                let text = |name: &str| parameter(&g, name).and_then(Value::as_str).unwrap_or("");
                let preload = parameter(&g, "shared_preload_libraries");
                let loads = loads_pgaudit(text("shared_preload_libraries"));
                findings.push(judge_value(
                    &g,
                    "parameter.shared_preload_libraries",
                    preload,
                    loads,
                    "a list including pgaudit",
                ));
                let classes = PGAUDIT_CLASSES.iter().all(|class| pgaudit_logs(text("pgaudit.log"), class));
                findings.push(judge_value(
                    &g,
                    "parameter.pgaudit.log",
                    parameter(&g, "pgaudit.log"),
                    classes,
                    format!("classes including {} (or all)", PGAUDIT_CLASSES.join(", ")),
                ));
                for name in ["log_connections", "log_disconnections"] {
                    let v = parameter(&g, name);
                    findings.push(judge_value(&g, format!("parameter.{name}"), v, is_text(v, "1"), "1"));
                }
            }
        }
        // The export's destination: RDS writes to /aws/rds/cluster/<identifier>/postgresql.
        let home = region(s, c);
        let want = c.prop("cluster_identifier").and_then(Value::as_str).map(live::database_log_group);
        let group = s.resources_of("aws_cloudwatch_log_group").find(|g| {
            want.is_some() && g.prop("name").and_then(Value::as_str) == want.as_deref() && region(s, g) == home
        });
        match group {
            None => findings.push(missing(
                c,
                "log_group",
                format!("a log group {} in {home}", want.as_deref().unwrap_or("/aws/rds/cluster/<id>/postgresql")),
            )),
            Some(g) => findings.extend(audit_log_group_kept(s, &g, home)),
        }
    }
    findings
}

// ------------------------------------------------------------------ VPC flow logs

pub const DR_VPC_WITHOUT_FLOW_LOG: Mutation = Mutation {
    name: "dr-vpc-without-flow-log",
    resource: "aws_vpc.dr_vpc",
    property: "aws_flow_log",
    change: Change::Custom(|s| delete(s, "aws_flow_log", "dr_flow_log")),
};
pub const PRIMARY_FLOW_LOG_REJECT_ONLY: Mutation = Mutation {
    name: "primary-flow-log-reject-only",
    resource: "aws_flow_log.primary_flow_log",
    property: "traffic_type",
    change: Change::Set(r#""REJECT""#),
};
pub const PRIMARY_FLOW_LOG_GROUP_UNENCRYPTED: Mutation = Mutation {
    name: "primary-flow-log-group-unencrypted",
    resource: "aws_cloudwatch_log_group.primary_flow_log_group",
    property: "kms_key_id",
    change: Change::Remove,
};
pub const DR_FLOW_LOG_GROUP_FOREVER: Mutation = Mutation {
    name: "dr-flow-log-group-forever",
    resource: "aws_cloudwatch_log_group.dr_flow_log_group",
    property: "retention_in_days",
    change: Change::Remove,
};

pub const VPC_FLOW_LOGS_ON: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v2: FlowLog primary_flow_log and dr_flow_log { vpcId: its VPC, trafficType: ALL, logDestinationType: cloud-watch-logs, logDestination: its CloudwatchLogGroup } with that log group's kmsKeyId its region's key and retentionInDays 365.",
        ..live::VPC_FLOW_LOGS_ON.info
    },
    claims: &[
        claim("aws_flow_log", "Every VPC of the layout has a flow log", &[&DR_VPC_WITHOUT_FLOW_LOG]),
        claim(
            "traffic_type",
            "The flow log records ALL traffic, accepted and rejected",
            &[&PRIMARY_FLOW_LOG_REJECT_ONLY],
        ),
        claim(
            "kms_key_id",
            "It delivers to a log group of the layout encrypted with a key of the VPC's region",
            &[&PRIMARY_FLOW_LOG_GROUP_UNENCRYPTED],
        ),
        claim(
            "retention_in_days",
            "That log group keeps events at least 365 days (not forever, not less)",
            &[&DR_FLOW_LOG_GROUP_FOREVER],
        ),
    ],
    run: vpc_flow_logs_on,
};

fn vpc_flow_logs_on(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let vpcs: Vec<_> = s.resources_of("aws_vpc").collect();
    if vpcs.is_empty() {
        return vec![nothing_of::<Synth>("aws_vpc", "aws_flow_log")];
    }
    let mut findings = Vec::new();
    for vpc in &vpcs {
        let home = region(s, vpc);
        let logs = companions(s, "aws_flow_log", "vpc_id", vpc);
        if logs.is_empty() {
            findings.push(missing(vpc, "aws_flow_log", "a flow log of all traffic"));
        }
        for log in &logs {
            findings.push(judge(log, "traffic_type", is_text(log.prop("traffic_type"), "ALL"), "ALL"));
            let group = s.referenced(log.prop("log_destination")).filter(|g| g.kind == "aws_cloudwatch_log_group");
            let Some(g) = group else {
                findings.push(judge(log, "log_destination", false, "a CloudWatch log group of this layout"));
                continue;
            };
            findings.extend(audit_log_group_kept(s, &g, home));
        }
    }
    findings
}

// ------------------------------------------------------------------ S3 server access logging

pub const DR_BUCKET_NOT_LOGGED: Mutation = Mutation {
    name: "dr-bucket-not-logged",
    resource: "aws_s3_bucket.dr_bucket",
    property: "aws_s3_bucket_logging",
    change: Change::Custom(|s| delete(s, "aws_s3_bucket_logging", "dr_bucket_logging")),
};
pub const PRIMARY_BUCKET_LOGS_TO_ITSELF: Mutation = Mutation {
    name: "primary-bucket-logs-to-itself",
    resource: "aws_s3_bucket_logging.primary_bucket_logging",
    property: "target_bucket",
    change: Change::Set(r#""${aws_s3_bucket.primary_bucket.id}""#),
};
pub const PRIMARY_ACCESS_LOG_BUCKET_SSE_KMS: Mutation = Mutation {
    name: "primary-access-log-bucket-sse-kms",
    resource: "aws_s3_bucket_server_side_encryption_configuration.primary_access_log_bucket_encryption",
    property: "rule.apply_server_side_encryption_by_default.sse_algorithm",
    change: Change::Set(r#""aws:kms""#),
};

pub const DATA_BUCKETS_ACCESS_LOGGED: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v2: S3BucketLoggingA primary_bucket_logging and dr_bucket_logging { bucket: the data bucket, targetBucket: <side>_access_log_bucket (same region, not the data bucket), targetPrefix: access/ }; the log bucket's default encryption AES256 (S3 delivers access logs only to SSE-S3 buckets) and all public access blocked (buckets_block_public_access).",
        ..live::DATA_BUCKETS_ACCESS_LOGGED.info
    },
    claims: &[
        claim("aws_s3_bucket_logging", "Every data bucket has server access logging", &[&DR_BUCKET_NOT_LOGGED]),
        claim(
            "target_bucket",
            "The logs go to a dedicated log bucket of the layout in the same region, not the data bucket itself",
            &[&PRIMARY_BUCKET_LOGS_TO_ITSELF],
        ),
        claim(
            "rule.apply_server_side_encryption_by_default.sse_algorithm",
            "The log bucket is encrypted by default with SSE-S3 (AES256), the encryption S3 can deliver access logs to",
            &[&PRIMARY_ACCESS_LOG_BUCKET_SSE_KMS],
        ),
    ],
    run: data_buckets_access_logged,
};

fn data_buckets_access_logged(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let buckets = data_buckets(s);
    if buckets.is_empty() {
        return vec![nothing_of::<Synth>("aws_s3_bucket", "aws_s3_bucket_logging")];
    }
    let mut findings = Vec::new();
    for bucket in &buckets {
        let home = region(s, bucket);
        let logging = companions(s, "aws_s3_bucket_logging", "bucket", bucket);
        if logging.is_empty() {
            findings.push(missing(bucket, "aws_s3_bucket_logging", "server access logging to a log bucket"));
        }
        for l in &logging {
            let target = s.referenced(l.prop("target_bucket")).filter(|t| t.kind == "aws_s3_bucket");
            let dedicated = target.is_some_and(|t| super::is_access_log_bucket(s, &t) && region(s, &t) == home);
            findings.push(judge(
                l,
                "target_bucket",
                dedicated,
                format!("a dedicated access log bucket of this layout in {home}"),
            ));
            let Some(t) = target.filter(|_| dedicated) else { continue };
            let encryption = companions(s, "aws_s3_bucket_server_side_encryption_configuration", "bucket", &t);
            if encryption.is_empty() {
                findings.push(missing(&t, "aws_s3_bucket_server_side_encryption_configuration", "SSE-S3 by default"));
            }
            for e in &encryption {
                let property = "rule.apply_server_side_encryption_by_default.sse_algorithm";
                let value = blocks(e.prop("rule"))
                    .first()
                    .and_then(|r| blocks(r.get("apply_server_side_encryption_by_default")).first().copied())
                    .and_then(|d| d.get("sse_algorithm"));
                findings.push(judge_value(e, property, value, is_text(value, "AES256"), "AES256"));
            }
        }
    }
    findings
}
