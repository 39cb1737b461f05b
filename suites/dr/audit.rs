//! The requirements v1 of the layout did not meet and v2 does (stacks/dr/v1/CHANGELOG.md): TLS to
//! the database enforced by parameter, database audit logging into encrypted, retained log groups,
//! VPC flow logs, and server access logging of the data buckets. They are judged on every
//! version: a v1 deployment fails them by name (`V1_GAPS`), because it is not compliant just
//! because its own contract is met. The static suite judges the same requirements under the same
//! ids (synth/audit.rs) and shares the rules below.
//!
//! Everything is read from what runs, not from what the outputs promise: the group a cluster runs
//! with, the flow logs a VPC has, where a bucket delivers its logs. The outputs only say which of
//! the layout's resources these must be.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::facts::logs::LogGroup;
use stackproof_harness::facts::rds::{Parameter, parameter};
use stackproof_harness::facts::s3::Logging;
use stackproof_harness::facts::{Fact, Named};
use stackproof_harness::kit::fact::{judge_fact, judge_named, unavailable};

use super::DrFacts;
use super::facts::core::{Side, SideCluster, Sided, is_default_group};
use super::mutants;

/// Checks by the live service they belong to, placed after that service's own.
pub const NETWORK_CHECKS: &[Check<DrFacts>] = &[VPC_FLOW_LOGS_ON];
pub const AURORA_CHECKS: &[Check<DrFacts>] = &[DATABASE_TLS_ENFORCED, DATABASE_AUDIT_LOGGING];
pub const S3_CHECKS: &[Check<DrFacts>] = &[DATA_BUCKETS_ACCESS_LOGGED];

/// Audit records (flow logs, database logs) are kept at least a year: the layout's policy.
pub const AUDIT_RETENTION_DAYS: i32 = 365;
/// The statement classes pgaudit must log: schema changes, privilege changes, data changes.
pub const PGAUDIT_CLASSES: &[&str] = &["ddl", "role", "write"];
/// The default encryption S3 delivers server access logs to: SSE-S3 only, not SSE-KMS.
pub const ACCESS_LOG_SSE: &str = "AES256";

const fn claim(
    property: &'static str,
    about: &'static str,
    mutants: &'static [&'static stackproof_harness::mutation::Mutant],
) -> Claim<stackproof_harness::mutation::Mutant> {
    Claim { property, about, mutants, not_emulated: None }
}

/// True if a pgaudit.log value covers `class`: listed, or `all`; `-class` excludes it.
pub fn pgaudit_logs(value: &str, class: &str) -> bool {
    let items: Vec<String> = value.split(',').map(|i| i.trim().to_ascii_lowercase()).collect();
    let has = |i: &str| items.iter().any(|x| x == i);
    (has(class) || has("all")) && !has(&format!("-{class}"))
}

/// True if a shared_preload_libraries value loads pgaudit (without which pgaudit.log does nothing).
pub fn loads_pgaudit(value: &str) -> bool {
    value.split(',').any(|l| l.trim() == "pgaudit")
}

/// Where RDS writes a cluster's exported PostgreSQL log.
pub fn database_log_group(cluster_id: &str) -> String {
    format!("/aws/rds/cluster/{cluster_id}/postgresql")
}

/// The name of the log group a flow log of a side writes to, if it writes to CloudWatch Logs.
fn flow_log_groups(f: &DrFacts, side: Side) -> Vec<String> {
    let network = f.core.networks.iter().find(|n| n.side == side);
    let flow_logs = network.and_then(|n| n.vpc.fact.as_ref().ok()).map(|net| net.flow_logs.as_slice()).unwrap_or(&[]);
    flow_logs
        .iter()
        .filter(|l| l.log_destination_type == "cloud-watch-logs")
        .map(|l| l.log_group_name.clone())
        .collect()
}

/// Whether a log group is one the audit checks judge (a cluster's exported log, a flow log's
/// destination, in its side's region, or the group the outputs name as a side's flow log group,
/// even while no flow log delivers to it): the logs checks judge every other.
pub fn is_judged_as_audit_log(f: &DrFacts, g: &Sided<LogGroup>) -> bool {
    if [super::outputs::PRIMARY_FLOW_LOG_GROUP_NAME, super::outputs::DR_FLOW_LOG_GROUP_NAME].contains(&g.named.output) {
        return true;
    }
    let Ok(group) = &g.named.fact else { return false };
    let name = group.log_group_name.as_str();
    let cluster_log = f
        .core
        .cluster(g.side)
        .and_then(|c| c.cluster.fact.as_ref().ok())
        .is_some_and(|c| database_log_group(&c.db_cluster_identifier) == name);
    cluster_log || flow_log_groups(f, g.side).iter().any(|n| n == name)
}

/// An audit log group of a side (`name`, written to by `writer`): the layout's, encrypted with its
/// region's key, kept at least a year. Not found among the layout's groups of that region is a
/// failure on `missing_property`, unless discovery failed (then nobody knows: an error).
fn audit_log_group_kept(f: &DrFacts, side: Side, name: &str, writer: &str, missing_property: &str) -> Vec<Finding> {
    let resource = format!("{name} (log group of {writer})");
    let Some(g) = f.core.log_group(side, name) else {
        let discovered = f.discovered_in(side);
        if let Err(e) = &discovered.inventory {
            return vec![unavailable(&resource, missing_property, e)];
        }
        return vec![Finding::judge(
            &resource,
            missing_property,
            false,
            format!("a log group of the layout (its default tags) named {name} in {}", side.region(&f.regions)),
            "no such log group of the layout",
            &serde_json::json!({ "logGroupName": name }),
        )];
    };
    let key = f.core.key_arns.of(side);
    judge_named(&g.named, "kmsKeyId", |group| {
        let mut out = judge_named(key, "kmsKeyId", |want| {
            let got = group.kms_key_id.as_deref();
            vec![Finding::judge(
                &resource,
                "kmsKeyId",
                got.is_some_and(|k| same_key(k, want)),
                format!("{} {want}", key.output),
                got.unwrap_or("none (service-managed)"),
                group,
            )]
        });
        out.push(Finding::judge(
            &resource,
            "retentionInDays",
            group.retention_in_days.is_some_and(|d| d >= AUDIT_RETENTION_DAYS),
            format!("at least {AUDIT_RETENTION_DAYS} days"),
            group.retention_in_days.map_or("never expire".to_owned(), |d| d.to_string()),
            group,
        ));
        out
    })
}

// ------------------------------------------------------------------ database TLS

pub const DATABASE_TLS_ENFORCED: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "database_tls_enforced",
        service: "aurora",
        title: "Both Aurora clusters refuse connections without TLS (rds.force_ssl = 1 in the cluster parameter group they run with)",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Aurora PostgreSQL's rds.force_ssl defaults to 0: a client that does not ask for TLS sends credentials and PHI in plaintext across the VPC.",
        remediation: "stacks/dr/v2 main.ts: RdsClusterParameterGroup primary_cluster_parameters and dr_cluster_parameters (family aurora-postgresql15) with parameter rds.force_ssl = 1; each RdsCluster dbClusterParameterGroupName: its region's group.",
    },
    claims: &[
        claim(
            "DBClusterParameterGroup",
            "Each cluster runs with its region's parameter group of the layout (the one the outputs name), not an AWS default group (rds.force_ssl 0, unchangeable) and not another",
            &[&mutants::DR_CLUSTER_FOREIGN_PARAMETER_GROUP],
        ),
        claim(
            "rds.force_ssl",
            "The group each cluster runs with sets rds.force_ssl to 1",
            &[&mutants::PRIMARY_FORCE_SSL_OFF],
        ),
    ],
    run: database_tls_enforced,
};

fn database_tls_enforced(f: &DrFacts) -> Vec<Finding> {
    f.core
        .clusters
        .iter()
        .flat_map(|c| {
            let mut findings = runs_layout_group(c);
            findings.extend(judge_named(&c.parameters, "rds.force_ssl", |params| {
                let value = parameter(params, "rds.force_ssl");
                vec![Finding::judge(
                    &c.parameters.resource,
                    "rds.force_ssl",
                    value == Some("1"),
                    "1",
                    value.unwrap_or("not set (default 0)"),
                    params,
                )]
            }));
            findings
        })
        .collect()
}

/// The cluster runs with the layout's group of its region: never a default group; the one the
/// outputs name where the version declares it.
fn runs_layout_group(c: &SideCluster) -> Vec<Finding> {
    let r = &c.cluster.resource;
    judge_named(&c.cluster, "DBClusterParameterGroup", |cluster| {
        let actual = cluster.db_cluster_parameter_group.as_deref().unwrap_or("none");
        let evidence = serde_json::json!({ "DBClusterParameterGroup": actual });
        if is_default_group(actual) {
            let expected = "the layout's cluster parameter group (a default group leaves rds.force_ssl 0)";
            return vec![Finding::judge(r, "DBClusterParameterGroup", false, expected, actual, &evidence)];
        }
        match &c.parameter_group {
            Some(declared) => judge_fact(r, &declared.fact, "DBClusterParameterGroup", |want| {
                vec![Finding::judge(r, "DBClusterParameterGroup", actual == want, want, actual, &evidence)]
            }),
            // A version that names no group: any group but a default one is the layout's own.
            None => vec![Finding::judge(r, "DBClusterParameterGroup", true, "not a default group", actual, &evidence)],
        }
    })
}

// ------------------------------------------------------------------ database audit logging

pub const DATABASE_AUDIT_LOGGING: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "database_audit_logging",
        service: "aurora",
        title: "Both Aurora clusters audit statements and connections (pgaudit, log_connections, log_disconnections) into encrypted, retained log groups",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(5)(ii)(C)"],
        severity: Severity::High,
        risk: "Without statement and connection logging nobody can tell who read or changed PHI in the database, or who tried to log in: the audit controls of 164.312(b) do not reach the data store.",
        remediation: "stacks/dr/v2 main.ts: each cluster parameter group sets shared_preload_libraries including pgaudit, pgaudit.log including ddl, role and write (or all), log_connections = 1, log_disconnections = 1; CloudwatchLogGroup primary_db_log_group and dr_db_log_group (/aws/rds/cluster/<id>/postgresql) with kmsKeyId its region's key and retentionInDays 365.",
    },
    claims: &[
        claim(
            "shared_preload_libraries",
            "The group each cluster runs with loads pgaudit (a default group loads nothing)",
            &[&mutants::DR_PGAUDIT_NOT_LOADED],
        ),
        claim(
            "pgaudit.log",
            "pgaudit logs at least the ddl, role and write classes (or all)",
            &[&mutants::PRIMARY_PGAUDIT_WITHOUT_WRITE],
        ),
        claim("log_connections", "Connections are logged (1)", &[&mutants::PRIMARY_CONNECTIONS_NOT_LOGGED]),
        claim("log_disconnections", "Disconnections are logged (1)", &[&mutants::DR_DISCONNECTIONS_NOT_LOGGED]),
        claim(
            "logGroup",
            "The log group each cluster's PostgreSQL log is exported to (/aws/rds/cluster/<id>/postgresql) is one the layout creates in the cluster's region, not one RDS makes on first export (unencrypted, never expiring)",
            &[&mutants::DR_DB_LOG_GROUP_MISSING],
        ),
        claim(
            "kmsKeyId",
            "That log group is encrypted with its region's customer key",
            &[&mutants::PRIMARY_DB_LOG_GROUP_UNENCRYPTED],
        ),
        claim("retentionInDays", "That log group keeps events at least 365 days", &[&mutants::DR_DB_LOG_GROUP_WEEK]),
    ],
    run: database_audit_logging,
};

fn database_audit_logging(f: &DrFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for c in &f.core.clusters {
        findings.extend(judge_named(&c.parameters, "shared_preload_libraries", |params| audit_parameters(c, params)));
        findings.extend(judge_named(&c.cluster, "logGroup", |cluster| {
            let id = &cluster.db_cluster_identifier;
            audit_log_group_kept(f, c.side, &database_log_group(id), &format!("cluster {id}"), "logGroup")
        }));
    }
    findings
}

fn audit_parameters(c: &SideCluster, params: &[Parameter]) -> Vec<Finding> {
    let r = &c.parameters.resource;
    let value = |name| parameter(params, name);
    let shown = |name| value(name).unwrap_or("not set").to_owned();
    let mut findings = vec![
        Finding::judge(
            r,
            "shared_preload_libraries",
            value("shared_preload_libraries").is_some_and(loads_pgaudit),
            "a list including pgaudit",
            shown("shared_preload_libraries"),
            &params,
        ),
        Finding::judge(
            r,
            "pgaudit.log",
            value("pgaudit.log").is_some_and(|v| PGAUDIT_CLASSES.iter().all(|class| pgaudit_logs(v, class))),
            format!("classes including {} (or all)", PGAUDIT_CLASSES.join(", ")),
            shown("pgaudit.log"),
            &params,
        ),
    ];
    for name in ["log_connections", "log_disconnections"] {
        findings.push(Finding::judge(r, name, value(name) == Some("1"), "1", shown(name), &params));
    }
    findings
}

// ------------------------------------------------------------------ VPC flow logs

pub const VPC_FLOW_LOGS_ON: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "vpc_flow_logs_on",
        service: "network",
        title: "Both VPCs log all their traffic (flow logs) to KMS-encrypted log groups kept at least a year",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.308(a)(6)(ii)"],
        severity: Severity::Medium,
        risk: "Without flow logs there is no record of which hosts talked to the PHI database or where data left the VPC: an intrusion or exfiltration cannot be traced.",
        remediation: "stacks/dr/v2 main.ts: FlowLog primary_flow_log and dr_flow_log { vpcId: its VPC, trafficType: ALL, logDestinationType: cloud-watch-logs, logDestination: its CloudwatchLogGroup } with that log group's kmsKeyId its region's key and retentionInDays 365.",
    },
    claims: &[
        claim("FlowLogs", "Every VPC of the layout has an active flow log", &[&mutants::DR_VPC_WITHOUT_FLOW_LOG]),
        claim(
            "TrafficType",
            "Every flow log of the VPC records ALL traffic, accepted and rejected",
            &[&mutants::PRIMARY_FLOW_LOG_REJECT_ONLY],
        ),
        claim(
            "kmsKeyId",
            "Each delivers to a log group of the layout in the VPC's region encrypted with that region's customer key",
            &[&mutants::PRIMARY_FLOW_LOG_GROUP_UNENCRYPTED],
        ),
        claim(
            "retentionInDays",
            "That log group keeps events at least 365 days (not forever, not less)",
            &[&mutants::DR_FLOW_LOG_GROUP_FOREVER],
        ),
    ],
    run: vpc_flow_logs_on,
};

fn vpc_flow_logs_on(f: &DrFacts) -> Vec<Finding> {
    f.core
        .networks
        .iter()
        .flat_map(|n| {
            judge_named(&n.vpc, "FlowLogs", |net| {
                let vpc = &n.vpc.resource;
                let active = net.flow_logs.iter().filter(|l| l.flow_log_status == "ACTIVE").count();
                let mut findings = vec![Finding::judge(
                    vpc,
                    "FlowLogs",
                    active > 0,
                    "an active flow log",
                    format!("{} flow logs, {active} active", net.flow_logs.len()),
                    &net.flow_logs,
                )];
                for l in &net.flow_logs {
                    let r = format!("{} (flow log of {vpc})", l.flow_log_id);
                    findings.push(Finding::judge(
                        &r,
                        "TrafficType",
                        l.traffic_type == "ALL",
                        "ALL",
                        &l.traffic_type,
                        l,
                    ));
                    if l.log_destination_type != "cloud-watch-logs" {
                        let expected = "delivery to a KMS-encrypted log group of the layout";
                        let actual = format!("delivers to {}", l.log_destination_type);
                        findings.push(Finding::judge(&r, "kmsKeyId", false, expected, actual, l));
                        continue;
                    }
                    findings.extend(audit_log_group_kept(f, n.side, &l.log_group_name, &r, "kmsKeyId"));
                }
                findings
            })
        })
        .collect()
}

// ------------------------------------------------------------------ S3 server access logging

pub const DATA_BUCKETS_ACCESS_LOGGED: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "data_buckets_access_logged",
        service: "s3",
        title: "Both PHI buckets log every request (server access logging) to a dedicated, encrypted log bucket of their region",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::Medium,
        risk: "CloudTrail records bucket management, not who read which object: without access logs a read of PHI leaves no record.",
        remediation: "stacks/dr/v2 main.ts: S3BucketLoggingA primary_bucket_logging and dr_bucket_logging { bucket: the data bucket, targetBucket: <side>_access_log_bucket, targetPrefix: access/ }; the log bucket's default encryption AES256 (S3 delivers access logs only to SSE-S3 buckets).",
    },
    claims: &[
        claim(
            "LoggingEnabled",
            "Each data bucket (primary and DR) has server access logging on",
            &[&mutants::DR_BUCKET_NOT_LOGGED],
        ),
        claim(
            "TargetBucket",
            "It delivers to its region's access log bucket of the layout (the one the outputs name), never into itself or another bucket",
            &[&mutants::PRIMARY_BUCKET_LOGS_TO_ITSELF],
        ),
        claim(
            "SSEAlgorithm",
            "Each access log bucket encrypts by default with SSE-S3 (AES256), the only default encryption S3 delivers access logs to (its public access, versioning and TLS policy are judged with every bucket's)",
            &[&mutants::PRIMARY_ACCESS_LOG_BUCKET_SSE_KMS],
        ),
    ],
    run: data_buckets_access_logged,
};

fn data_buckets_access_logged(f: &DrFacts) -> Vec<Finding> {
    let s = &f.storage;
    let mut findings = Vec::new();
    for (i, logging) in s.access_logging.iter().enumerate() {
        let log_bucket = s.access_log_buckets[i].as_ref();
        findings.extend(judge_named(logging, "LoggingEnabled", |l| delivers_to_log_bucket(logging, l, log_bucket)));
        if let Some(b) = log_bucket {
            findings.extend(judge_named(b, "SSEAlgorithm", |bucket| {
                judge_fact(&b.resource, &bucket.encryption, "SSEAlgorithm", |encryption| {
                    let algorithm =
                        encryption.as_ref().and_then(|e| e.default_encryption()).map(|d| d.sse_algorithm.as_str());
                    vec![Finding::judge(
                        &b.resource,
                        "SSEAlgorithm",
                        algorithm == Some(ACCESS_LOG_SSE),
                        ACCESS_LOG_SSE,
                        algorithm.unwrap_or("no default encryption"),
                        encryption,
                    )]
                })
            }));
        }
    }
    findings
}

/// Logging on, into the side's access log bucket the outputs name (when the version names one).
fn delivers_to_log_bucket(
    data: &Named<Option<Logging>>,
    logging: &Option<Logging>,
    log_bucket: Option<&Named<stackproof_harness::facts::s3::Bucket>>,
) -> Vec<Finding> {
    let r = &data.resource;
    let Some(l) = logging else {
        return vec![Finding::judge(r, "LoggingEnabled", false, "server access logging on", "off", logging)];
    };
    let mut findings = vec![Finding::judge(r, "LoggingEnabled", true, "server access logging on", "on", logging)];
    let target = l.target_bucket.as_str();
    let expected: Fact<String> = match log_bucket {
        Some(b) => b.fact.as_ref().map(|bucket| bucket.name.clone()).map_err(Clone::clone),
        None => Ok(String::new()),
    };
    findings.extend(judge_fact(r, &expected, "TargetBucket", |want| {
        let ok = target != r.as_str() && (want.is_empty() || target == want);
        let expected =
            if want.is_empty() { "a dedicated log bucket, not the data bucket".to_owned() } else { want.clone() };
        vec![Finding::judge(r, "TargetBucket", ok, expected, target, logging)]
    }));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgaudit_classes_are_read_as_pgaudit_reads_them() {
        assert!(PGAUDIT_CLASSES.iter().all(|c| pgaudit_logs("ddl,role,write", c)));
        assert!(PGAUDIT_CLASSES.iter().all(|c| pgaudit_logs("all", c)));
        assert!(PGAUDIT_CLASSES.iter().all(|c| pgaudit_logs(" DDL, Role ,WRITE", c)));
        assert!(!pgaudit_logs("ddl,role", "write"));
        assert!(!pgaudit_logs("all,-write", "write"));
        assert!(!pgaudit_logs("none", "ddl"));
        assert!(loads_pgaudit("pgaudit,pg_stat_statements"));
        assert!(!loads_pgaudit("pg_stat_statements"));
        assert!(!loads_pgaudit("pgaudit_extra"));
    }

    #[test]
    fn default_groups_are_told_by_name() {
        assert!(is_default_group("default.aurora-postgresql15"));
        assert!(!is_default_group("healthcare-db-primary-pr1"));
    }
}
