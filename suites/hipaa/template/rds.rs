//! Aurora: encrypted with the stack's data key, backed up, across two zones, never public,
//! placed by a private subnet group, audited, TLS only, on a known engine version.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, judge_value, missing, per_resource};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, reference};

use super::{Change, Mutation, Own, TemplateFacts, number, only_private_subnets, private_subnets, refers_to, zone_of};
use crate::hipaa::outputs::DATA_KEY_ARN;
use crate::hipaa::rds::{
    ENGINE, MIN_BACKUP_RETENTION_DAYS, MIN_ENGINE_VERSION, audits_connections_and_queries,
    engine_version_at_least_minimum, entries, only_current_tls,
};

pub const AURORA_KEY_REMOVED: Mutation =
    Mutation { name: "aurora-key-removed", resource: "AuroraCluster", property: "KmsKeyId", change: Change::Remove };

pub const AURORA_STORAGE_UNENCRYPTED: Mutation = Mutation {
    name: "aurora-storage-unencrypted",
    resource: "AuroraCluster",
    property: "StorageEncrypted",
    change: Change::Set("false"),
};

pub const AURORA_BACKUP_RETENTION_SHORT: Mutation = Mutation {
    name: "aurora-backup-retention-short",
    resource: "AuroraCluster",
    property: "BackupRetentionPeriod",
    change: Change::Set("1"),
};

pub const AURORA_SECOND_INSTANCE_REMOVED: Mutation = Mutation {
    name: "aurora-second-instance-removed",
    resource: "AuroraCluster",
    property: "DBInstances",
    change: Change::Custom(remove_second_instance),
};

pub const AURORA_INSTANCES_ONE_AZ: Mutation = Mutation {
    name: "aurora-instances-one-az",
    resource: "AuroraInstance2",
    property: "AvailabilityZone",
    change: Change::Set(r#"{"Fn::Select": [0, {"Fn::GetAZs": ""}]}"#),
};

pub const AURORA_INSTANCE_PUBLIC: Mutation = Mutation {
    name: "aurora-instance-public",
    resource: "AuroraInstance2",
    property: "PubliclyAccessible",
    change: Change::Set("true"),
};

pub const DB_SUBNET_GROUP_PUBLIC: Mutation = Mutation {
    name: "db-subnet-group-public",
    resource: "DbSubnetGroup",
    property: "SubnetIds",
    change: Change::Set(r#"[{"Ref": "PublicSubnet1"}, {"Ref": "PrivateSubnet2"}]"#),
};

pub const AURORA_SUBNET_GROUP_UNSET: Mutation = Mutation {
    name: "aurora-subnet-group-unset",
    resource: "AuroraCluster",
    property: "DBSubnetGroupName",
    change: Change::Remove,
};

pub const AURORA_AUDIT_EXPORT_OFF: Mutation = Mutation {
    name: "aurora-audit-export-off",
    resource: "AuroraCluster",
    property: "EnableCloudwatchLogsExports",
    change: Change::Set(r#"["error", "slowquery"]"#),
};

pub const AURORA_AUDIT_LOGGING_OFF: Mutation = Mutation {
    name: "aurora-audit-logging-off",
    resource: "DbClusterParameterGroup",
    property: "Parameters.server_audit_logging",
    change: Change::Set("\"0\""),
};

pub const AURORA_AUDIT_EVENTS_CONNECT_ONLY: Mutation = Mutation {
    name: "aurora-audit-events-connect-only",
    resource: "DbClusterParameterGroup",
    property: "Parameters.server_audit_events",
    change: Change::Set("\"CONNECT\""),
};

pub const AURORA_AUDIT_EXCLUDES_A_USER: Mutation = Mutation {
    name: "aurora-audit-excludes-a-user",
    resource: "DbClusterParameterGroup",
    property: "Parameters.server_audit_excl_users",
    change: Change::Set("\"app_user\""),
};

pub const AURORA_AUDIT_INCLUDES_ONLY_RDSADMIN: Mutation = Mutation {
    name: "aurora-audit-includes-only-rdsadmin",
    resource: "DbClusterParameterGroup",
    property: "Parameters.server_audit_incl_users",
    change: Change::Set("\"rdsadmin\""),
};

pub const AURORA_TLS_OPTIONAL: Mutation = Mutation {
    name: "aurora-tls-optional",
    resource: "DbClusterParameterGroup",
    property: "Parameters.require_secure_transport",
    change: Change::Set("\"OFF\""),
};

pub const AURORA_TLS_OLD_VERSIONS: Mutation = Mutation {
    name: "aurora-tls-old-versions",
    resource: "DbClusterParameterGroup",
    property: "Parameters.tls_version",
    change: Change::Set("\"TLSv1,TLSv1.1,TLSv1.2\""),
};

pub const AURORA_ENGINE_VERSION_FLOATING: Mutation = Mutation {
    name: "aurora-engine-version-floating",
    resource: "AuroraCluster",
    property: "EngineVersion",
    change: Change::Remove,
};

/// Drops the cluster's second instance: one instance is one zone.
fn remove_second_instance(t: &mut Template) {
    let removed = t.body.get_mut("Resources").and_then(Value::as_object_mut).and_then(|r| r.remove("AuroraInstance2"));
    assert!(removed.is_some(), "no AuroraInstance2 to remove");
}

fn each_cluster(f: &TemplateFacts, property: &str, judge_one: impl Fn(&Resource) -> Vec<Finding>) -> Vec<Finding> {
    per_resource(&f.template, "AWS::RDS::DBCluster", property, judge_one)
}

pub const AURORA_STORAGE_ENCRYPTED_WITH_STACK_KEY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Aurora storage is encrypted with the stack's data key",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) needs StorageEncrypted: true and KmsKeyId: !GetAtt DataKey.Arn (the key output DataKeyArn names).",
        ..crate::hipaa::rds::AURORA_STORAGE_ENCRYPTED_WITH_STACK_KEY.info
    },
    claims: &[
        Claim {
            property: "StorageEncrypted",
            about: "Every Aurora cluster declares StorageEncrypted: true",
            mutants: &[&AURORA_STORAGE_UNENCRYPTED],
            not_emulated: None,
        },
        Claim {
            property: "KmsKeyId",
            about: "Every Aurora cluster's KmsKeyId is the stack's data key (the key DataKeyArn outputs)",
            mutants: &[&AURORA_KEY_REMOVED],
            not_emulated: None,
        },
    ],
    run: aurora_storage_encrypted_with_stack_key,
};

fn aurora_storage_encrypted_with_stack_key(f: &TemplateFacts) -> Vec<Finding> {
    let data_key = Own::of(&f.template, DATA_KEY_ARN);
    each_cluster(f, "StorageEncrypted", |r| {
        vec![
            judge(r, "StorageEncrypted", is_true(r.prop("StorageEncrypted")), true),
            judge(r, "KmsKeyId", data_key.named_by(r.prop("KmsKeyId")), data_key.expected()),
        ]
    })
}

pub const AURORA_BACKUP_RETENTION_AND_PITR: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Aurora keeps automated backups, and so point-in-time recovery, for at least 7 days",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) BackupRetentionPeriod >= 7 (the stack uses 35).",
        ..crate::hipaa::rds::AURORA_BACKUP_RETENTION_AND_PITR.info
    },
    claims: &[Claim {
        property: "BackupRetentionPeriod",
        about: "Aurora keeps automated backups, and so point-in-time recovery, for at least 7 days",
        mutants: &[&AURORA_BACKUP_RETENTION_SHORT],
        not_emulated: None,
    }],
    run: aurora_backup_retention_and_pitr,
};

/// Point-in-time recovery is available exactly while automated backups are kept, so the
/// retention period is what the template can promise; the restorable times are the live half.
fn aurora_backup_retention_and_pitr(f: &TemplateFacts) -> Vec<Finding> {
    let min = f64::from(MIN_BACKUP_RETENTION_DAYS);
    each_cluster(f, "BackupRetentionPeriod", |r| {
        let days = number(r.prop("BackupRetentionPeriod"));
        vec![judge(r, "BackupRetentionPeriod", days.is_some_and(|d| d >= min), format!("at least {min} days"))]
    })
}

pub const AURORA_INSTANCES_SPAN_TWO_AZS: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every Aurora cluster has at least two instances in different availability zones",
        remediation: "template.yml: AuroraInstance1 and AuroraInstance2 (AWS::RDS::DBInstance, DBClusterIdentifier: !Ref AuroraCluster) AvailabilityZone: !Select [0, !GetAZs ''] and !Select [1, !GetAZs ''].",
        ..crate::hipaa::rds::AURORA_INSTANCES_SPAN_TWO_AZS.info
    },
    claims: &[
        Claim {
            property: "DBInstances",
            about: "Every Aurora cluster has at least two AWS::RDS::DBInstance naming it",
            mutants: &[&AURORA_SECOND_INSTANCE_REMOVED],
            not_emulated: None,
        },
        Claim {
            property: "AvailabilityZone",
            about: "Every instance names its zone, and another instance of its cluster is in a different one",
            mutants: &[&AURORA_INSTANCES_ONE_AZ],
            not_emulated: None,
        },
    ],
    run: aurora_instances_span_two_azs,
};

fn aurora_instances_span_two_azs(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    each_cluster(f, "DBInstances", |cluster| {
        let members: Vec<Resource> = t
            .resources_of("AWS::RDS::DBInstance")
            .filter(|i| i.prop("DBClusterIdentifier").and_then(reference) == Some(cluster.id))
            .collect();
        let expected = format!("two AWS::RDS::DBInstance with DBClusterIdentifier !Ref {}", cluster.id);
        if members.is_empty() {
            return vec![missing(cluster, "DBInstances", expected)];
        }
        let ids: Vec<&str> = members.iter().map(|i| i.id).collect();
        let mut findings =
            vec![Finding::judge(cluster.id, "DBInstances", members.len() >= 2, expected, ids.join(", "), &ids)];
        // An instance passes if it names its zone and another instance of the cluster is elsewhere.
        let zones: Vec<Option<String>> = members.iter().map(|i| zone_of(i.prop("AvailabilityZone"))).collect();
        findings.extend(members.iter().zip(&zones).map(|(i, zone)| {
            let elsewhere = zones.iter().any(|z| z.is_some() && z != zone);
            judge(
                i,
                "AvailabilityZone",
                zone.is_some() && elsewhere,
                "a zone, with another instance of the cluster in a different one",
            )
        }));
        findings
    })
}

pub const AURORA_INSTANCES_NOT_PUBLIC: Check<TemplateFacts> = Check {
    info: CheckInfo {
        remediation: "template.yml: set PubliclyAccessible: false on AuroraInstance1 and AuroraInstance2 (AWS::RDS::DBInstance).",
        ..crate::hipaa::rds::AURORA_INSTANCES_NOT_PUBLIC.info
    },
    claims: &[Claim {
        property: "PubliclyAccessible",
        about: "No Aurora instance is publicly accessible",
        mutants: &[&AURORA_INSTANCE_PUBLIC],
        not_emulated: None,
    }],
    run: aurora_instances_not_public,
};

fn aurora_instances_not_public(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::RDS::DBInstance", "PubliclyAccessible", |r| {
        vec![judge(r, "PubliclyAccessible", !is_true(r.prop("PubliclyAccessible")), false)]
    })
}

pub const AURORA_SUBNET_GROUP_PRIVATE_ONLY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Aurora is placed by a DB subnet group of the stack that holds only the template's private subnets",
        remediation: "template.yml: DbSubnetGroup (AWS::RDS::DBSubnetGroup) SubnetIds must list only PrivateSubnet1 and PrivateSubnet2; AuroraCluster DBSubnetGroupName: !Ref DbSubnetGroup.",
        ..crate::hipaa::rds::AURORA_SUBNET_GROUP_PRIVATE_ONLY.info
    },
    claims: &[
        Claim {
            property: "DBSubnetGroupName",
            about: "Every Aurora cluster is placed by a DB subnet group of this stack (!Ref), not the account's default",
            mutants: &[&AURORA_SUBNET_GROUP_UNSET],
            not_emulated: None,
        },
        Claim {
            property: "SubnetIds",
            about: "Every DB subnet group of the stack holds only the template's private subnets",
            mutants: &[&DB_SUBNET_GROUP_PUBLIC],
            not_emulated: None,
        },
    ],
    run: aurora_subnet_group_private_only,
};

fn aurora_subnet_group_private_only(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let private = private_subnets(t);
    let mut findings = per_resource(t, "AWS::RDS::DBSubnetGroup", "SubnetIds", |g| {
        let ok = only_private_subnets(&private, g.prop("SubnetIds"));
        vec![judge(g, "SubnetIds", ok, "only private subnets of this stack")]
    });
    findings.extend(each_cluster(f, "DBSubnetGroupName", |c| {
        let ok = refers_to(t, c.prop("DBSubnetGroupName"), "AWS::RDS::DBSubnetGroup");
        vec![judge(c, "DBSubnetGroupName", ok, "!Ref of an AWS::RDS::DBSubnetGroup of this stack")]
    }));
    findings
}

/// The cluster parameter group of this stack that a cluster names, if it names one.
fn parameter_group<'t>(t: &'t Template, cluster: &Resource) -> Option<Resource<'t>> {
    let id = cluster.prop("DBClusterParameterGroupName").and_then(reference)?;
    t.resource(id).filter(|g| g.kind == "AWS::RDS::DBClusterParameterGroup")
}

/// Judges one parameter of the cluster's parameter group; a cluster without one of this stack fails.
fn cluster_parameter(
    t: &Template,
    cluster: &Resource,
    name: &str,
    ok: impl Fn(Option<&Value>) -> bool,
    expected: &str,
) -> Finding {
    match parameter_group(t, cluster) {
        Some(group) => {
            let property = format!("Parameters.{name}");
            judge(&group, &property, ok(group.prop(&property)), expected)
        }
        None => judge(
            cluster,
            "DBClusterParameterGroupName",
            false,
            "!Ref of an AWS::RDS::DBClusterParameterGroup of this stack",
        ),
    }
}

/// A MySQL switch that is on: `ON` or `1`, as text or number.
fn switched_on(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => s.eq_ignore_ascii_case("on") || s == "1",
        Some(Value::Number(n)) => n.as_u64() == Some(1),
        _ => false,
    }
}

pub const AURORA_AUDIT_LOG_EXPORTED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Aurora audits database activity and exports the audit log to CloudWatch Logs",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) EnableCloudwatchLogsExports must include audit; DbClusterParameterGroup Parameters server_audit_logging: '1', server_audit_events: 'CONNECT,QUERY_DCL,QUERY_DDL,QUERY_DML', no server_audit_excl_users or server_audit_incl_users.",
        ..crate::hipaa::rds::AURORA_AUDIT_LOG_EXPORTED.info
    },
    claims: &[
        Claim {
            property: "EnableCloudwatchLogsExports",
            about: "Every Aurora cluster exports its audit log to CloudWatch Logs",
            mutants: &[&AURORA_AUDIT_EXPORT_OFF],
            not_emulated: None,
        },
        Claim {
            property: "Parameters.server_audit_logging",
            about: "The cluster's parameter group turns the audit log on",
            mutants: &[&AURORA_AUDIT_LOGGING_OFF],
            not_emulated: None,
        },
        Claim {
            property: "Parameters.server_audit_events",
            about: "The audited events cover connections (CONNECT) and the statements that read or change data (QUERY, or QUERY_DML with QUERY_DDL)",
            mutants: &[&AURORA_AUDIT_EVENTS_CONNECT_ONLY],
            not_emulated: None,
        },
        Claim {
            property: "Parameters.server_audit_excl_users",
            about: "No database user is exempt from the audit (only AWS's own rdsadmin may be)",
            mutants: &[&AURORA_AUDIT_EXCLUDES_A_USER],
            not_emulated: None,
        },
        Claim {
            property: "Parameters.server_audit_incl_users",
            about: "The audit is not narrowed to a list of users",
            mutants: &[&AURORA_AUDIT_INCLUDES_ONLY_RDSADMIN],
            not_emulated: None,
        },
    ],
    run: aurora_audit_log_exported,
};

fn aurora_audit_log_exported(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    each_cluster(f, "EnableCloudwatchLogsExports", |r| {
        let exports = r.prop("EnableCloudwatchLogsExports").and_then(Value::as_array);
        let audit = exports.is_some_and(|e| e.iter().any(|x| x.as_str() == Some("audit")));
        vec![
            judge(r, "EnableCloudwatchLogsExports", audit, "a list including audit"),
            cluster_parameter(t, r, "server_audit_logging", switched_on, "1"),
            cluster_parameter(
                t,
                r,
                "server_audit_events",
                by_text(|v| audits_connections_and_queries(&entries(v))),
                "CONNECT and QUERY (or QUERY_DML and QUERY_DDL)",
            ),
            cluster_parameter(
                t,
                r,
                "server_audit_excl_users",
                by_text(|v| entries(v).iter().all(|u| u == "RDSADMIN")),
                "no user exempt (rdsadmin aside)",
            ),
            cluster_parameter(
                t,
                r,
                "server_audit_incl_users",
                by_text(|v| entries(v).is_empty()),
                "not set (every user audited)",
            ),
        ]
    })
}

/// A parameter's value as the live suite reads it: unset, or text. Anything else (an intrinsic
/// resolved only at deploy time) cannot be judged here, and is never taken as unset.
fn text(v: Option<&Value>) -> Result<Option<&str>, &Value> {
    match v {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(other),
    }
}

/// Judges a text parameter by the live suite's rule; a value that is not text fails.
fn by_text(rule: impl Fn(Option<&str>) -> bool) -> impl Fn(Option<&Value>) -> bool {
    move |v| text(v).is_ok_and(&rule)
}

pub const AURORA_TLS_REQUIRED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Aurora uses a cluster parameter group of the stack that refuses connections without TLS",
        remediation: "template.yml: DbClusterParameterGroup (AWS::RDS::DBClusterParameterGroup) Parameters.require_secure_transport: 'ON' (tls_version, if set, TLSv1.2 or later only), referenced by AuroraCluster DBClusterParameterGroupName.",
        ..crate::hipaa::rds::AURORA_TLS_REQUIRED.info
    },
    claims: &[
        Claim {
            property: "Parameters.require_secure_transport",
            about: "The cluster parameter group of the stack that every cluster names refuses connections without TLS",
            mutants: &[&AURORA_TLS_OPTIONAL],
            not_emulated: None,
        },
        Claim {
            property: "Parameters.tls_version",
            about: "The TLS it requires is TLS 1.2 or later: tls_version, if set, names no older version",
            mutants: &[&AURORA_TLS_OLD_VERSIONS],
            not_emulated: None,
        },
    ],
    run: aurora_tls_required,
};

fn aurora_tls_required(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    each_cluster(f, "DBClusterParameterGroupName", |cluster| {
        vec![
            cluster_parameter(t, cluster, "require_secure_transport", switched_on, "ON"),
            cluster_parameter(t, cluster, "tls_version", by_text(only_current_tls), "unset, or only TLSv1.2/TLSv1.3"),
        ]
    })
}

pub const AURORA_ENGINE_VERSION_PINNED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Aurora runs aurora-mysql pinned to 8.0.mysql_aurora.3.08.1 or a later 3.x release",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) Engine: aurora-mysql, EngineVersion: 8.0.mysql_aurora.3.08.1.",
        ..crate::hipaa::rds::AURORA_ENGINE_VERSION_PINNED.info
    },
    claims: &[Claim {
        property: "EngineVersion",
        about: "Every Aurora cluster declares Engine aurora-mysql and EngineVersion 8.0.mysql_aurora.3.08.1 or a later 3.x release",
        mutants: &[&AURORA_ENGINE_VERSION_FLOATING],
        not_emulated: None,
    }],
    run: aurora_engine_version_pinned,
};

fn aurora_engine_version_pinned(f: &TemplateFacts) -> Vec<Finding> {
    each_cluster(f, "EngineVersion", |r| {
        let text = |property: &str| r.prop(property).and_then(Value::as_str);
        let ok = text("Engine") == Some(ENGINE) && text("EngineVersion").is_some_and(engine_version_at_least_minimum);
        let actual = format!(
            "{} {}",
            text("Engine").unwrap_or("(no Engine)"),
            text("EngineVersion").unwrap_or("(no EngineVersion)")
        );
        let expected = format!("{ENGINE} {MIN_ENGINE_VERSION} or a later 3.x release");
        vec![judge_value(r, "EngineVersion", Some(&Value::String(actual)), ok, expected)]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_versions_compare_within_major_3() {
        assert!(engine_version_at_least_minimum(MIN_ENGINE_VERSION));
        assert!(engine_version_at_least_minimum("8.0.mysql_aurora.3.10.0"));
        assert!(!engine_version_at_least_minimum("8.0.mysql_aurora.3.04.0"));
        assert!(!engine_version_at_least_minimum("8.0.mysql_aurora.4.00.0"), "another major version is not pinned");
        assert!(!engine_version_at_least_minimum("5.7.mysql_aurora.2.11.2"));
        assert!(!engine_version_at_least_minimum("8.0"), "a floating version is not pinned");
    }
}
