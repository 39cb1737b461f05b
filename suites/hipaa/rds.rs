//! Aurora: encryption with the stack key, backups and point-in-time recovery, Multi-AZ, private placement, audit logs, TLS, engine version.

use std::collections::BTreeSet;

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::facts::rds::{Instance, parameter};

use stackproof_harness::kit::fact::{judge_fact, judge_named};

use super::HipaaFacts;
use super::facts::Named;
use super::mutants;

/// Fewest days of automated backups (the template keeps 35).
pub const MIN_BACKUP_RETENTION_DAYS: i32 = 7;
/// The engine the stack pins, and the oldest version accepted (minor upgrades are automatic).
pub const ENGINE: &str = "aurora-mysql";
pub const MIN_ENGINE_VERSION: &str = "8.0.mysql_aurora.3.08.1";

/// Judges that `subnets` is a non-empty set drawn only from the stack's `private` subnets.
pub(crate) fn only_private_subnets(
    private: &Named<Vec<String>>,
    resource: &str,
    subnets: &[String],
    evidence: &impl serde::Serialize,
) -> Vec<Finding> {
    judge_fact(resource, &private.fact, "Subnets", |private| {
        let foreign: Vec<&str> = subnets.iter().filter(|s| !private.contains(s)).map(String::as_str).collect();
        let actual = if subnets.is_empty() {
            "no subnets".to_owned()
        } else if foreign.is_empty() {
            subnets.join(", ")
        } else {
            format!("{} (not private: {})", subnets.join(", "), foreign.join(", "))
        };
        let ok = !subnets.is_empty() && foreign.is_empty();
        vec![Finding::judge(
            resource,
            "Subnets",
            ok,
            format!("only the stack's private subnets ({})", private.join(", ")),
            actual,
            evidence,
        )]
    })
}

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[
    AURORA_STORAGE_ENCRYPTED_WITH_STACK_KEY,
    AURORA_BACKUP_RETENTION_AND_PITR,
    AURORA_INSTANCES_SPAN_TWO_AZS,
    AURORA_INSTANCES_NOT_PUBLIC,
    AURORA_SUBNET_GROUP_PRIVATE_ONLY,
    AURORA_AUDIT_LOG_EXPORTED,
    AURORA_TLS_REQUIRED,
    AURORA_ENGINE_VERSION_PINNED,
    AURORA_SECURITY_GROUP_IS_STACK_DATABASE_GROUP,
];

/// The comma-separated entries of a parameter value, trimmed, upper-cased, empty ones dropped.
pub(crate) fn entries(value: Option<&str>) -> BTreeSet<String> {
    value.unwrap_or("").split(',').map(|e| e.trim().to_ascii_uppercase()).filter(|e| !e.is_empty()).collect()
}

/// Whether every instance the cluster lists among its members was found (and judged), and
/// the cluster has at least `fewest`: a list short of the cluster's own instances is a failure,
/// never a shorter pass.
fn members_found(f: &HipaaFacts, instances: &[Instance], fewest: usize) -> Vec<Finding> {
    let c = &f.data.db_cluster;
    judge_named(c, "DBClusterMembers", |cluster| {
        let found: BTreeSet<&str> = instances.iter().map(|i| i.db_instance_identifier.as_str()).collect();
        let members: Vec<&str> = cluster.db_cluster_members.iter().map(|m| m.db_instance_identifier.as_str()).collect();
        let missing: Vec<&str> = members.iter().copied().filter(|m| !found.contains(m)).collect();
        let ok = missing.is_empty() && found.len() >= fewest;
        let actual = if missing.is_empty() {
            format!("{} ({})", found.len(), found.iter().copied().collect::<Vec<_>>().join(", "))
        } else {
            format!("members not returned by DescribeDBInstances: {}", missing.join(", "))
        };
        let expected = format!("at least {fewest} instance(s), every member of the cluster among them");
        vec![Finding::judge(
            &c.resource,
            "DBClusterMembers",
            ok,
            expected,
            actual,
            &json!({ "DBClusterMembers": cluster.db_cluster_members, "DBInstances": found }),
        )]
    })
}

pub const AURORA_STORAGE_ENCRYPTED_WITH_STACK_KEY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "aurora_storage_encrypted_with_stack_key",
        service: "rds",
        title: "The Aurora cluster's storage is encrypted with the stack's data key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(c)(1)"],
        severity: Severity::Critical,
        risk: "PHI at rest (tables, snapshots, backups) readable by anyone who obtains the storage, or governed by a key the stack does not control.",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) needs StorageEncrypted: true and KmsKeyId: !GetAtt DataKey.Arn; encryption cannot be added later: restore a snapshot into an encrypted cluster.",
    },
    claims: &[
        Claim {
            property: "StorageEncrypted",
            about: "The cluster's storage is encrypted at rest",
            mutants: &[&mutants::AURORA_STORAGE_UNENCRYPTED],
            not_emulated: None,
        },
        Claim {
            property: "KmsKeyId",
            about: "The key of the encrypted storage is the stack's data key, not another customer key or the AWS managed one",
            mutants: &[&mutants::AURORA_FOREIGN_KEY],
            not_emulated: None,
        },
    ],
    run: aurora_storage_encrypted_with_stack_key,
};

fn aurora_storage_encrypted_with_stack_key(f: &HipaaFacts) -> Vec<Finding> {
    let c = &f.data.db_cluster;
    judge_named(c, "StorageEncrypted", |cluster| {
        let evidence = json!({"StorageEncrypted": cluster.storage_encrypted, "KmsKeyId": cluster.kms_key_id});
        let mut findings = vec![Finding::judge(
            &c.resource,
            "StorageEncrypted",
            cluster.storage_encrypted,
            true,
            cluster.storage_encrypted,
            &evidence,
        )];
        // An unencrypted cluster can still report a KmsKeyId (moto: default_kms_key_id), so
        // the key is judged only as the key of encrypted storage.
        findings.extend(judge_fact(&c.resource, &f.keys.data_key.fact, "KmsKeyId", |stack_key| {
            let ok = cluster.storage_encrypted && cluster.kms_key_id.as_deref().is_some_and(|k| same_key(k, stack_key));
            let actual = match (&cluster.kms_key_id, cluster.storage_encrypted) {
                (Some(k), true) => k.clone(),
                (Some(k), false) => format!("{k} (storage not encrypted)"),
                (None, _) => "none".to_owned(),
            };
            vec![Finding::judge(&c.resource, "KmsKeyId", ok, stack_key, actual, &evidence)]
        }));
        findings
    })
}

pub const AURORA_BACKUP_RETENTION_AND_PITR: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "aurora_backup_retention_and_pitr",
        service: "rds",
        title: "The Aurora cluster keeps automated backups for at least 7 days and can be restored to a point in time",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.310(d)(2)(iv)"],
        severity: Severity::High,
        risk: "Without a retrievable exact copy, corrupted or deleted PHI cannot be restored (data backup and disaster recovery plans).",
        remediation: "template.yml: set BackupRetentionPeriod (>= 7; the stack uses 35) and PreferredBackupWindow on AuroraCluster (AWS::RDS::DBCluster).",
    },
    claims: &[
        Claim {
            property: "BackupRetentionPeriod",
            about: "Automated backups are kept for at least 7 days",
            mutants: &[&mutants::AURORA_BACKUP_RETENTION_SHORT],
            not_emulated: None,
        },
        Claim {
            property: "LatestRestorableTime",
            about: "The cluster reports a restorable window (EarliestRestorableTime to LatestRestorableTime, in order): point-in-time recovery is available",
            mutants: &[],
            not_emulated: Some(
                "moto reports EarliestRestorableTime (creation) and LatestRestorableTime (now) for every cluster, and Aurora refuses a retention of 0: no seeded cluster lacks a restorable window",
            ),
        },
    ],
    run: aurora_backup_retention_and_pitr,
};

fn aurora_backup_retention_and_pitr(f: &HipaaFacts) -> Vec<Finding> {
    let c = &f.data.db_cluster;
    judge_named(c, "BackupRetentionPeriod", |cluster| {
        let evidence = json!({
            "BackupRetentionPeriod": cluster.backup_retention_period,
            "EarliestRestorableTime": cluster.earliest_restorable_time,
            "LatestRestorableTime": cluster.latest_restorable_time,
        });
        let days = cluster.backup_retention_period;
        let window = match (&cluster.earliest_restorable_time, &cluster.latest_restorable_time) {
            // RFC 3339 UTC times of one format compare as text.
            (Some(from), Some(to)) if from <= to => Ok(format!("{from} to {to}")),
            (Some(from), Some(to)) => Err(format!("{from} to {to} (ends before it starts)")),
            (from, to) => Err(format!(
                "EarliestRestorableTime {}, LatestRestorableTime {}",
                from.as_deref().unwrap_or("none"),
                to.as_deref().unwrap_or("none")
            )),
        };
        vec![
            Finding::judge(
                &c.resource,
                "BackupRetentionPeriod",
                days.is_some_and(|d| d >= MIN_BACKUP_RETENTION_DAYS),
                format!("at least {MIN_BACKUP_RETENTION_DAYS} days"),
                days.map_or("not reported".to_owned(), |d| format!("{d} days")),
                &evidence,
            ),
            Finding::judge(
                &c.resource,
                "LatestRestorableTime",
                window.is_ok(),
                "a restorable window (point-in-time recovery available)",
                window.unwrap_or_else(|e| e),
                &evidence,
            ),
        ]
    })
}

pub const AURORA_INSTANCES_SPAN_TWO_AZS: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "aurora_instances_span_two_azs",
        service: "rds",
        title: "The Aurora cluster has at least two instances in distinct Availability Zones",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::High,
        risk: "With every instance in one zone, an outage of that zone stops all access to patient records (emergency mode operation).",
        remediation: "template.yml: AuroraInstance1 and AuroraInstance2 (AWS::RDS::DBInstance) need different AvailabilityZone values (!Select [0|1, !GetAZs '']).",
    },
    claims: &[
        Claim {
            property: "DBClusterMembers",
            about: "The cluster has at least two instances, and every member it lists is found and judged",
            mutants: &[&mutants::AURORA_SINGLE_INSTANCE],
            not_emulated: None,
        },
        Claim {
            property: "AvailabilityZone (distinct)",
            about: "The instances sit in at least two distinct Availability Zones",
            mutants: &[&mutants::AURORA_INSTANCES_ONE_AZ],
            not_emulated: None,
        },
    ],
    run: aurora_instances_span_two_azs,
};

fn aurora_instances_span_two_azs(f: &HipaaFacts) -> Vec<Finding> {
    let i = &f.data.db_instances;
    judge_named(i, "DBClusterMembers", |instances| {
        let mut findings = members_found(f, instances, 2);
        findings.push(distinct_zones(&i.resource, instances));
        findings
    })
}

/// The instances sit in at least two zones; an instance without a zone counts for none.
fn distinct_zones(resource: &str, instances: &[Instance]) -> Finding {
    let evidence = json!(
        instances
            .iter()
            .map(|x| json!({"DBInstanceIdentifier": x.db_instance_identifier, "AvailabilityZone": x.availability_zone}))
            .collect::<Vec<_>>()
    );
    let zones: BTreeSet<&str> = instances.iter().filter_map(|x| x.availability_zone.as_deref()).collect();
    Finding::judge(
        resource,
        "AvailabilityZone (distinct)",
        zones.len() >= 2,
        "at least 2 zones",
        format!("{} ({})", zones.len(), zones.iter().copied().collect::<Vec<_>>().join(", ")),
        &evidence,
    )
}

pub const AURORA_INSTANCES_NOT_PUBLIC: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "aurora_instances_not_public",
        service: "rds",
        title: "No Aurora instance is publicly accessible",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A publicly accessible instance gets an internet-resolvable address: the database holding PHI is one security group rule away from the internet.",
        remediation: "template.yml: set PubliclyAccessible: false on AuroraInstance1 and AuroraInstance2 (AWS::RDS::DBInstance).",
    },
    claims: &[
        Claim {
            property: "PubliclyAccessible",
            about: "Every instance of the cluster, declared or added since, is not publicly accessible",
            mutants: &[&mutants::AURORA_INSTANCE_PUBLIC, &mutants::AURORA_EXTRA_INSTANCE_PUBLIC],
            not_emulated: None,
        },
        Claim {
            property: "DBClusterMembers",
            about: "Every member the cluster lists is among the instances judged (a list short of them is no pass)",
            mutants: &[],
            not_emulated: Some(
                "moto answers DescribeDBInstances with every member of the cluster; a cluster without instances also breaks aurora_instances_span_two_azs",
            ),
        },
    ],
    run: aurora_instances_not_public,
};

fn aurora_instances_not_public(f: &HipaaFacts) -> Vec<Finding> {
    let i = &f.data.db_instances;
    judge_named(i, "PubliclyAccessible", |instances| {
        let mut findings = members_found(f, instances, 1);
        findings.extend(instances.iter().map(|x| {
            let resource = format!("{}/{}", i.resource, x.db_instance_identifier);
            match x.publicly_accessible {
                Some(public) => Finding::judge(resource, "PubliclyAccessible", !public, false, public, x),
                None => Finding::error(
                    resource,
                    "PubliclyAccessible",
                    "DescribeDBInstances did not report PubliclyAccessible",
                ),
            }
        }));
        findings
    })
}

pub const AURORA_SUBNET_GROUP_PRIVATE_ONLY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "aurora_subnet_group_private_only",
        service: "rds",
        title: "The Aurora cluster is placed by the stack's DB subnet group, which holds only private subnets",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::High,
        risk: "A public subnet in the DB subnet group lets an instance land where the internet gateway routes: PHI exposed to the internet.",
        remediation: "template.yml: DbSubnetGroup (AWS::RDS::DBSubnetGroup) SubnetIds must be PrivateSubnet1 and PrivateSubnet2 only; AuroraCluster DBSubnetGroupName: !Ref DbSubnetGroup.",
    },
    claims: &[
        Claim {
            property: "DBSubnetGroup",
            about: "The cluster runs in the stack's DB subnet group, not another one",
            mutants: &[&mutants::AURORA_FOREIGN_SUBNET_GROUP],
            not_emulated: None,
        },
        Claim {
            property: "Subnets",
            about: "Every subnet of the stack's DB subnet group is one of the stack's private subnets",
            mutants: &[&mutants::DB_SUBNET_GROUP_PUBLIC_SUBNET],
            not_emulated: None,
        },
    ],
    run: aurora_subnet_group_private_only,
};

fn aurora_subnet_group_private_only(f: &HipaaFacts) -> Vec<Finding> {
    let c = &f.data.db_cluster;
    let g = &f.data.db_subnet_group;
    let mut findings = judge_named(c, "DBSubnetGroup", |cluster| {
        let actual = cluster.db_subnet_group.as_deref().unwrap_or("none");
        vec![Finding::judge(
            &c.resource,
            "DBSubnetGroup",
            actual == g.resource,
            &g.resource,
            actual,
            &json!({"DBSubnetGroup": actual}),
        )]
    });
    findings.extend(judge_named(g, "Subnets", |group| {
        let subnets: Vec<String> = group.subnets.iter().map(|s| s.subnet_identifier.clone()).collect();
        only_private_subnets(&f.network.private_subnet_ids, &g.resource, &subnets, group)
    }));
    findings
}

pub const AURORA_AUDIT_LOG_EXPORTED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "aurora_audit_log_exported",
        service: "rds",
        title: "The Aurora cluster audits database activity and exports the audit log to CloudWatch Logs",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "Without the audit log nobody can tell who connected and which statements read or changed PHI (audit controls, activity review).",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) EnableCloudwatchLogsExports must include audit; DbClusterParameterGroup Parameters server_audit_logging: '1', server_audit_events: 'CONNECT,QUERY_DCL,QUERY_DDL,QUERY_DML', no server_audit_incl_users or server_audit_excl_users.",
    },
    claims: &[
        Claim {
            property: "EnabledCloudwatchLogsExports",
            about: "The cluster exports its audit log to CloudWatch Logs",
            mutants: &[&mutants::AURORA_AUDIT_LOG_EXPORT_OFF],
            not_emulated: None,
        },
        Claim {
            property: "server_audit_logging",
            about: "The parameter group the cluster runs with turns the audit log on",
            mutants: &[&mutants::AURORA_AUDIT_LOGGING_OFF],
            not_emulated: None,
        },
        Claim {
            property: "server_audit_events",
            about: "The audited events cover connections (CONNECT) and the statements that read or change data (QUERY, or QUERY_DML with QUERY_DDL)",
            mutants: &[&mutants::AURORA_AUDIT_EVENTS_CONNECT_ONLY],
            not_emulated: None,
        },
        Claim {
            property: "server_audit_excl_users",
            about: "No database user is exempt from the audit (only AWS's own rdsadmin may be)",
            mutants: &[&mutants::AURORA_AUDIT_EXCLUDES_ADMIN],
            not_emulated: None,
        },
        Claim {
            property: "server_audit_incl_users",
            about: "The audit is not narrowed to a list of users: everyone who connects is audited",
            mutants: &[&mutants::AURORA_AUDIT_INCLUDES_ONLY_RDSADMIN],
            not_emulated: None,
        },
    ],
    run: aurora_audit_log_exported,
};

/// Whether the audited events cover who connected and which statements read or changed data:
/// CONNECT, and QUERY (every statement) or both QUERY_DML (reads and writes of rows) and
/// QUERY_DDL (changes to the schema). QUERY_DML_NO_SELECT leaves reads unaudited.
pub(crate) fn audits_connections_and_queries(events: &BTreeSet<String>) -> bool {
    let has = |e: &str| events.contains(e);
    has("CONNECT") && (has("QUERY") || (has("QUERY_DML") && has("QUERY_DDL")))
}

/// Users an audit may exempt: AWS's own maintenance user only.
const EXEMPTIBLE_USERS: &[&str] = &["RDSADMIN"];

fn aurora_audit_log_exported(f: &HipaaFacts) -> Vec<Finding> {
    let c = &f.data.db_cluster;
    let mut findings = judge_named(c, "EnabledCloudwatchLogsExports", |cluster| {
        let exports = &cluster.enabled_cloudwatch_logs_exports;
        let actual = if exports.is_empty() { "none".to_owned() } else { exports.join(", ") };
        vec![Finding::judge(
            &c.resource,
            "EnabledCloudwatchLogsExports",
            exports.iter().any(|l| l == "audit"),
            "includes audit",
            actual,
            exports,
        )]
    });
    // The parameters of the group the cluster runs with, whichever it is.
    let p = &f.data.db_cluster_parameters;
    findings.extend(judge_named(p, "server_audit_logging", |params| {
        let value = |name| parameter(params, name);
        let logging = value("server_audit_logging");
        let events = entries(value("server_audit_events"));
        let excluded: Vec<String> = entries(value("server_audit_excl_users"))
            .into_iter()
            .filter(|u| !EXEMPTIBLE_USERS.contains(&u.as_str()))
            .collect();
        let included = entries(value("server_audit_incl_users"));
        let shown = |v: Option<&str>, unset: &str| v.filter(|v| !v.trim().is_empty()).unwrap_or(unset).to_owned();
        vec![
            Finding::judge(
                &p.resource,
                "server_audit_logging",
                logging.is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("ON")),
                "1",
                shown(logging, "not set (default 0)"),
                params,
            ),
            Finding::judge(
                &p.resource,
                "server_audit_events",
                audits_connections_and_queries(&events),
                "CONNECT and QUERY (or QUERY_DML and QUERY_DDL)",
                shown(value("server_audit_events"), "not set"),
                params,
            ),
            Finding::judge(
                &p.resource,
                "server_audit_excl_users",
                excluded.is_empty(),
                "no user exempt (rdsadmin aside)",
                shown(value("server_audit_excl_users"), "not set"),
                params,
            ),
            Finding::judge(
                &p.resource,
                "server_audit_incl_users",
                included.is_empty(),
                "not set (every user audited)",
                shown(value("server_audit_incl_users"), "not set"),
                params,
            ),
        ]
    }));
    findings
}

pub const AURORA_TLS_REQUIRED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "aurora_tls_required",
        service: "rds",
        title: "The Aurora cluster uses the stack's parameter group, which requires TLS for every connection",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Without require_secure_transport, clients may send credentials and PHI in clear text across the network.",
        remediation: "template.yml: DbClusterParameterGroup (AWS::RDS::DBClusterParameterGroup) Parameters require_secure_transport: 'ON' (and tls_version, if set, TLSv1.2 or later only); AuroraCluster DBClusterParameterGroupName: !Ref DbClusterParameterGroup.",
    },
    claims: &[
        Claim {
            property: "DBClusterParameterGroup",
            about: "The cluster runs with the stack's cluster parameter group, not another one",
            mutants: &[&mutants::AURORA_FOREIGN_PARAMETER_GROUP],
            not_emulated: None,
        },
        Claim {
            property: "require_secure_transport",
            about: "The parameter group the cluster runs with refuses connections without TLS",
            mutants: &[&mutants::AURORA_TLS_NOT_REQUIRED],
            not_emulated: None,
        },
        Claim {
            property: "tls_version",
            about: "The TLS it requires is TLS 1.2 or later: tls_version, if set, names no older version",
            mutants: &[&mutants::AURORA_TLS_OLD_VERSIONS],
            not_emulated: None,
        },
    ],
    run: aurora_tls_required,
};

/// TLS versions that still protect data in transit.
const CURRENT_TLS: &[&str] = &["TLSV1.2", "TLSV1.3"];

/// `tls_version` unset (the engine's default: TLS 1.2 or later) or naming only TLS 1.2 and 1.3.
/// Set but empty, MySQL turns encrypted connections off altogether.
pub(crate) fn only_current_tls(versions: Option<&str>) -> bool {
    let named = entries(versions);
    versions.is_none() || (!named.is_empty() && named.iter().all(|v| CURRENT_TLS.contains(&v.as_str())))
}

fn aurora_tls_required(f: &HipaaFacts) -> Vec<Finding> {
    let c = &f.data.db_cluster;
    let declared = &f.data.db_cluster_parameter_group;
    let mut findings = judge_named(c, "DBClusterParameterGroup", |cluster| {
        let actual = cluster.db_cluster_parameter_group.as_deref().unwrap_or("none");
        judge_fact(&c.resource, &declared.fact, "DBClusterParameterGroup", |stack_group| {
            vec![Finding::judge(
                &c.resource,
                "DBClusterParameterGroup",
                actual == stack_group,
                stack_group,
                actual,
                &json!({"DBClusterParameterGroup": actual}),
            )]
        })
    });
    // The parameters of the group the cluster runs with, whichever it is.
    let p = &f.data.db_cluster_parameters;
    findings.extend(judge_named(p, "require_secure_transport", |params| {
        let required = parameter(params, "require_secure_transport");
        let versions = parameter(params, "tls_version");
        vec![
            Finding::judge(
                &p.resource,
                "require_secure_transport",
                required.is_some_and(|v| v.eq_ignore_ascii_case("ON") || v == "1"),
                "ON",
                required.unwrap_or("not set (default OFF)"),
                params,
            ),
            Finding::judge(
                &p.resource,
                "tls_version",
                only_current_tls(versions),
                "not set (the engine's default, TLS 1.2 or later), or only TLSv1.2/TLSv1.3",
                versions.map_or("not set".to_owned(), |v| format!("{v:?}")),
                params,
            ),
        ]
    }));
    findings
}

pub const AURORA_ENGINE_VERSION_PINNED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "aurora_engine_version_pinned",
        service: "rds",
        title: "The Aurora cluster runs aurora-mysql at 8.0.mysql_aurora.3.08.1 or a later 3.x release",
        citations: &["45 CFR 164.308(a)(1)(ii)(B)", "45 CFR 164.308(a)(5)(ii)(B)"],
        severity: Severity::Medium,
        risk: "An older engine lacks the security fixes the stack was assessed with (risk management, protection from malicious software).",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) Engine: aurora-mysql, EngineVersion: 8.0.mysql_aurora.3.08.1 (AutoMinorVersionUpgrade keeps it current).",
    },
    claims: &[Claim {
        property: "EngineVersion",
        about: "The cluster, and every instance of it (which can lag during a rolling upgrade), runs aurora-mysql 8.0.mysql_aurora.3.08.1 or a later 3.x release",
        mutants: &[&mutants::AURORA_ENGINE_VERSION_OLD],
        not_emulated: None,
    }],
    run: aurora_engine_version_pinned,
};

/// `8.0.mysql_aurora.3.08.1` -> (3, 8, 1); None for any other shape.
fn aurora_release(version: &str) -> Option<(u32, u32, u32)> {
    let release = version.strip_prefix("8.0.mysql_aurora.")?;
    let mut parts = release.split('.').map(|p| p.parse::<u32>().ok());
    let (a, b, c) = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some((a, b, c))
}

/// A release of the minimum's major version, and no older: the template allows minor upgrades,
/// so the version running (or declared) may be later. The static suite judges the same way.
pub(crate) fn engine_version_at_least_minimum(version: &str) -> bool {
    match (aurora_release(version), aurora_release(MIN_ENGINE_VERSION)) {
        (Some(v), Some(min)) => v.0 == min.0 && v >= min,
        _ => false,
    }
}

fn aurora_engine_version_pinned(f: &HipaaFacts) -> Vec<Finding> {
    let c = &f.data.db_cluster;
    let expected = format!("{ENGINE} {MIN_ENGINE_VERSION} or a later 3.x release");
    let mut findings = judge_named(c, "EngineVersion", |cluster| {
        let evidence = json!({"Engine": cluster.engine, "EngineVersion": cluster.engine_version});
        let ok = cluster.engine == ENGINE && engine_version_at_least_minimum(&cluster.engine_version);
        vec![Finding::judge(
            &c.resource,
            "EngineVersion",
            ok,
            &expected,
            format!("{} {}", cluster.engine, cluster.engine_version),
            &evidence,
        )]
    });
    // Each instance reports the version it runs; during a rolling upgrade it is not the cluster's.
    let i = &f.data.db_instances;
    findings.extend(judge_named(i, "EngineVersion", |instances| {
        instances
            .iter()
            .map(|x| {
                let resource = format!("{}/{}", i.resource, x.db_instance_identifier);
                match &x.engine_version {
                    Some(v) => {
                        Finding::judge(resource, "EngineVersion", engine_version_at_least_minimum(v), &expected, v, x)
                    }
                    None => {
                        Finding::error(resource, "EngineVersion", "DescribeDBInstances did not report EngineVersion")
                    }
                }
            })
            .collect()
    }));
    findings
}

pub const AURORA_SECURITY_GROUP_IS_STACK_DATABASE_GROUP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "aurora_security_group_is_stack_database_group",
        service: "rds",
        title: "The Aurora cluster is behind the stack's database security group and no other",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Another group's rules decide who reaches the database: access to PHI no longer follows the tiered least-privilege design.",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) VpcSecurityGroupIds: [!GetAtt DatabaseSecurityGroup.GroupId] only.",
    },
    claims: &[Claim {
        property: "VpcSecurityGroups",
        about: "The groups attached to the cluster and to each of its instances are exactly the stack's database group: none replaced, none added",
        mutants: &[&mutants::AURORA_FOREIGN_SECURITY_GROUP, &mutants::AURORA_EXTRA_SECURITY_GROUP],
        not_emulated: None,
    }],
    run: aurora_security_group_is_stack_database_group,
};

/// `groups` are exactly the stack's database group `sg`.
fn only_group(resource: &str, groups: &[String], sg: &str) -> Finding {
    Finding::judge(
        resource,
        "VpcSecurityGroups",
        matches!(groups, [only] if only == sg),
        format!("[{sg}]"),
        format!("[{}]", groups.join(", ")),
        &groups,
    )
}

fn aurora_security_group_is_stack_database_group(f: &HipaaFacts) -> Vec<Finding> {
    let c = &f.data.db_cluster;
    let sg = &f.security_groups.database;
    let mut findings = judge_named(c, "VpcSecurityGroups", |cluster| {
        judge_fact(&c.resource, &sg.fact, "VpcSecurityGroups", |sg| {
            vec![only_group(&c.resource, &cluster.vpc_security_groups, sg)]
        })
    });
    // The groups each instance reports: what actually guards its endpoint.
    let i = &f.data.db_instances;
    findings.extend(judge_named(i, "VpcSecurityGroups", |instances| {
        judge_fact(&i.resource, &sg.fact, "VpcSecurityGroups", |sg| {
            instances
                .iter()
                .map(|x| {
                    only_group(&format!("{}/{}", i.resource, x.db_instance_identifier), &x.vpc_security_groups, sg)
                })
                .collect()
        })
    }));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aurora_releases_compare_within_major_3() {
        assert_eq!(aurora_release("8.0.mysql_aurora.3.08.1"), Some((3, 8, 1)));
        assert!(aurora_release("8.0.mysql_aurora.3.10.0") > aurora_release(MIN_ENGINE_VERSION));
        assert!(aurora_release("8.0.mysql_aurora.3.04.0") < aurora_release(MIN_ENGINE_VERSION));
        assert_eq!(aurora_release("5.7.mysql_aurora.2.11.2"), None);
        assert_eq!(aurora_release("8.0.mysql_aurora.3.08"), None);
    }

    #[test]
    fn audited_events_must_cover_connections_and_the_statements_on_data() {
        let covers = |events: &str| audits_connections_and_queries(&entries(Some(events)));
        assert!(covers("CONNECT,QUERY_DCL,QUERY_DDL,QUERY_DML"), "the stack's own list");
        assert!(covers("connect, query"), "QUERY is every statement; case and spaces do not matter");
        assert!(!covers("CONNECT"), "logins alone say nothing of what was read or changed");
        assert!(!covers("QUERY"), "statements without who connected");
        assert!(!covers("CONNECT,QUERY_DDL"), "schema changes without reads and writes of rows");
        assert!(!covers("CONNECT,QUERY_DML_NO_SELECT,QUERY_DDL"), "reads of PHI unaudited");
        assert!(!audits_connections_and_queries(&entries(None)), "unset names no event");
    }

    #[test]
    fn tls_versions_are_current_or_left_to_the_engine() {
        assert!(only_current_tls(None));
        assert!(only_current_tls(Some("TLSv1.2")));
        assert!(only_current_tls(Some("TLSv1.2,TLSv1.3")));
        assert!(!only_current_tls(Some("TLSv1,TLSv1.1,TLSv1.2")));
        assert!(!only_current_tls(Some("TLSv1.1")));
        assert!(!only_current_tls(Some("")), "set but empty turns encryption off");
    }

    #[test]
    fn keys_match_by_arn_or_id_but_not_across_keys() {
        let arn = "arn:aws:kms:eu-central-1:123456789012:key/1111-2222";
        assert!(same_key(arn, "1111-2222"));
        assert!(!same_key(arn, "default_kms_key_id"));
    }
}
