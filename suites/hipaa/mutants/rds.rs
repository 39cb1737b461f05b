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

pub const AURORA_FOREIGN_KEY: Mutant = Mutant {
    name: "aurora-foreign-key",
    about: "the Aurora cluster created encrypted, under a customer key that is not the stack's data key",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "KmsKeyId",
};

pub const AURORA_BACKUP_RETENTION_SHORT: Mutant = Mutant {
    name: "aurora-backup-retention-short",
    about: "ModifyDBCluster BackupRetentionPeriod=1",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "BackupRetentionPeriod",
};

pub const AURORA_SINGLE_INSTANCE: Mutant = Mutant {
    name: "aurora-single-instance",
    about: "the Aurora cluster created with its first instance only",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "DBClusterMembers",
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

pub const AURORA_EXTRA_INSTANCE_PUBLIC: Mutant = Mutant {
    name: "aurora-extra-instance-public",
    about: "CreateDBInstance adds a third, publicly accessible reader to the Aurora cluster (an instance the template never declared)",
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

pub const AURORA_FOREIGN_SUBNET_GROUP: Mutant = Mutant {
    name: "aurora-foreign-subnet-group",
    about: "the Aurora cluster created in another DB subnet group (first private and second public subnet), not the stack's",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "DBSubnetGroup",
};

pub const AURORA_AUDIT_LOG_EXPORT_OFF: Mutant = Mutant {
    name: "aurora-audit-log-export-off",
    about: "the Aurora cluster created without the audit log export (moto ignores CloudwatchLogsExportConfiguration)",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EnabledCloudwatchLogsExports",
};

pub const AURORA_AUDIT_LOGGING_OFF: Mutant = Mutant {
    name: "aurora-audit-logging-off",
    about: "server_audit_logging=0 in the cluster parameter group (the audit plugin stays loaded, and logs nothing)",
    output: o::DB_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "server_audit_logging",
};

pub const AURORA_AUDIT_EVENTS_CONNECT_ONLY: Mutant = Mutant {
    name: "aurora-audit-events-connect-only",
    about: "server_audit_events=CONNECT: logins are audited, the statements that read or change PHI are not",
    output: o::DB_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "server_audit_events",
};

pub const AURORA_AUDIT_EXCLUDES_ADMIN: Mutant = Mutant {
    name: "aurora-audit-excludes-admin",
    about: "server_audit_excl_users=hipaa_admin: the stack's own database user is exempt from the audit",
    output: o::DB_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "server_audit_excl_users",
};

pub const AURORA_AUDIT_INCLUDES_ONLY_RDSADMIN: Mutant = Mutant {
    name: "aurora-audit-includes-only-rdsadmin",
    about: "server_audit_incl_users=rdsadmin: only AWS's maintenance user is audited, nobody who reads PHI",
    output: o::DB_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "server_audit_incl_users",
};

pub const AURORA_TLS_NOT_REQUIRED: Mutant = Mutant {
    name: "aurora-tls-not-required",
    about: "require_secure_transport=OFF in the cluster parameter group",
    output: o::DB_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "require_secure_transport",
};

pub const AURORA_TLS_OLD_VERSIONS: Mutant = Mutant {
    name: "aurora-tls-old-versions",
    about: "tls_version=TLSv1,TLSv1.1,TLSv1.2 in the cluster parameter group: TLS is required, and may be a broken version of it",
    output: o::DB_CLUSTER_PARAMETER_GROUP_NAME,
    nth: 0,
    property: "tls_version",
};

pub const AURORA_FOREIGN_PARAMETER_GROUP: Mutant = Mutant {
    name: "aurora-foreign-parameter-group",
    about: "the Aurora cluster created with another cluster parameter group (same values), not the stack's",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "DBClusterParameterGroup",
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

pub const AURORA_EXTRA_SECURITY_GROUP: Mutant = Mutant {
    name: "aurora-extra-security-group",
    about: "ModifyDBCluster VpcSecurityGroupIds=[the database group, a second group of the VPC that admits MySQL from the app tier]",
    output: o::DB_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "VpcSecurityGroups",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &AURORA_STORAGE_UNENCRYPTED,
    &AURORA_FOREIGN_KEY,
    &AURORA_BACKUP_RETENTION_SHORT,
    &AURORA_SINGLE_INSTANCE,
    &AURORA_INSTANCES_ONE_AZ,
    &AURORA_INSTANCE_PUBLIC,
    &AURORA_EXTRA_INSTANCE_PUBLIC,
    &AURORA_FOREIGN_SUBNET_GROUP,
    &DB_SUBNET_GROUP_PUBLIC_SUBNET,
    &AURORA_AUDIT_LOG_EXPORT_OFF,
    &AURORA_AUDIT_LOGGING_OFF,
    &AURORA_AUDIT_EVENTS_CONNECT_ONLY,
    &AURORA_AUDIT_EXCLUDES_ADMIN,
    &AURORA_AUDIT_INCLUDES_ONLY_RDSADMIN,
    &AURORA_FOREIGN_PARAMETER_GROUP,
    &AURORA_TLS_NOT_REQUIRED,
    &AURORA_TLS_OLD_VERSIONS,
    &AURORA_ENGINE_VERSION_OLD,
    &AURORA_FOREIGN_SECURITY_GROUP,
    &AURORA_EXTRA_SECURITY_GROUP,
];
