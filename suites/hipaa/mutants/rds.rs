//! Breakages of the rds checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const AURORA_STORAGE_UNENCRYPTED: Mutant = Mutant {
    name: "aurora-storage-unencrypted",
    about: "the Aurora cluster created with StorageEncrypted=false",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "StorageEncrypted",
};

pub const AURORA_BACKUP_RETENTION_SHORT: Mutant = Mutant {
    name: "aurora-backup-retention-short",
    about: "ModifyDBCluster BackupRetentionPeriod=1",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "BackupRetentionPeriod",
};

pub const AURORA_INSTANCES_ONE_AZ: Mutant = Mutant {
    name: "aurora-instances-one-az",
    about: "both Aurora instances created in the first AZ",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "AvailabilityZone (distinct)",
};

pub const AURORA_INSTANCE_PUBLIC: Mutant = Mutant {
    name: "aurora-instance-public",
    about: "ModifyDBInstance PubliclyAccessible=true on the second Aurora instance",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "PubliclyAccessible",
};

pub const DB_SUBNET_GROUP_PUBLIC_SUBNET: Mutant = Mutant {
    name: "db-subnet-group-public-subnet",
    about: "the DB subnet group created with the second public subnet instead of the second private one",
    output: o::DB_SUBNET_GROUP_NAME,
    nth: 0,
    property: "Subnets",
};

pub const AURORA_AUDIT_LOG_EXPORT_OFF: Mutant = Mutant {
    name: "aurora-audit-log-export-off",
    about: "the Aurora cluster created without the audit log export (moto ignores CloudwatchLogsExportConfiguration)",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EnabledCloudwatchLogsExports",
};

pub const AURORA_TLS_NOT_REQUIRED: Mutant = Mutant {
    name: "aurora-tls-not-required",
    about: "require_secure_transport=OFF in the cluster parameter group",
    output: o::DB_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "require_secure_transport",
};

pub const AURORA_ENGINE_VERSION_OLD: Mutant = Mutant {
    name: "aurora-engine-version-old",
    about: "the Aurora cluster created on engine version 8.0.mysql_aurora.3.04.0",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EngineVersion",
};

pub const AURORA_FOREIGN_SECURITY_GROUP: Mutant = Mutant {
    name: "aurora-foreign-security-group",
    about: "ModifyDBCluster VpcSecurityGroupIds=[the app tier's group]",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "VpcSecurityGroups",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &AURORA_STORAGE_UNENCRYPTED,
    &AURORA_BACKUP_RETENTION_SHORT,
    &AURORA_INSTANCES_ONE_AZ,
    &AURORA_INSTANCE_PUBLIC,
    &DB_SUBNET_GROUP_PUBLIC_SUBNET,
    &AURORA_AUDIT_LOG_EXPORT_OFF,
    &AURORA_TLS_NOT_REQUIRED,
    &AURORA_ENGINE_VERSION_OLD,
    &AURORA_FOREIGN_SECURITY_GROUP,
];
