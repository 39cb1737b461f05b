//! Breakages of the aurora checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const PRIMARY_CLUSTER_UNENCRYPTED: Mutant = Mutant {
    name: "primary-cluster-unencrypted",
    about: "the primary cluster created with StorageEncrypted=false",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "StorageEncrypted",
};

pub const DR_CLUSTER_PRIMARY_KEY: Mutant = Mutant {
    name: "dr-cluster-primary-key",
    about: "the DR cluster created with KmsKeyId = the primary region's key ARN",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "KmsKeyId",
};

pub const PRIMARY_ENGINE_15_4: Mutant = Mutant {
    name: "primary-engine-15-4",
    about: "the primary cluster (and its instances) created on engine version 15.4",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EngineVersion",
};

pub const DR_ENGINE_15_4: Mutant = Mutant {
    name: "dr-engine-15-4",
    about: "the DR cluster (and its instance) created on engine version 15.4 while the primary runs 15.3",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EngineVersion",
};

pub const DR_SERVERLESS_MAX_16: Mutant = Mutant {
    name: "dr-serverless-max-16",
    about: "the DR cluster created with Serverless v2 scaling 0.5..16 ACU",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "ServerlessV2ScalingConfiguration.MaxCapacity",
};

pub const PRIMARY_SERVERLESS_MIN_1: Mutant = Mutant {
    name: "primary-serverless-min-1",
    about: "the primary cluster created with Serverless v2 scaling 1..2 ACU",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "ServerlessV2ScalingConfiguration.MinCapacity",
};

pub const DR_INSTANCE_PROVISIONED_CLASS: Mutant = Mutant {
    name: "dr-instance-provisioned-class",
    about: "the DR cluster's instance created as db.r6g.large: a provisioned instance, not Serverless v2",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "DBInstanceClass",
};

pub const PRIMARY_SINGLE_INSTANCE: Mutant = Mutant {
    name: "primary-single-instance",
    about: "the primary cluster created with its first instance only",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "DBClusterMembers",
};

pub const PRIMARY_INSTANCES_ONE_AZ: Mutant = Mutant {
    name: "primary-instances-one-az",
    about: "both primary instances created in the first AZ",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "AvailabilityZone (distinct)",
};

pub const PRIMARY_BACKUP_RETENTION_1: Mutant = Mutant {
    name: "primary-backup-retention-1",
    about: "ModifyDBCluster BackupRetentionPeriod=1 on the primary cluster",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "BackupRetentionPeriod",
};

pub const DR_BACKUP_WINDOW_MIDDAY: Mutant = Mutant {
    name: "dr-backup-window-midday",
    about: "the DR cluster created with PreferredBackupWindow 12:00-13:00",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "PreferredBackupWindow",
};

pub const DR_BACKUP_RETENTION_1: Mutant = Mutant {
    name: "dr-backup-retention-1",
    about: "ModifyDBCluster BackupRetentionPeriod=1 on the DR cluster",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "BackupRetentionPeriod",
};

pub const DR_CLUSTER_NO_LOG_EXPORT: Mutant = Mutant {
    name: "dr-cluster-no-log-export",
    about: "the DR cluster created without EnableCloudwatchLogsExports (moto ignores ModifyDBCluster log-export changes)",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "EnabledCloudwatchLogsExports",
};

pub const DR_CLUSTER_OUTSIDE_GLOBAL: Mutant = Mutant {
    name: "dr-cluster-outside-global",
    about: "the DR cluster created without GlobalClusterIdentifier (a standalone cluster, so with its own master credentials)",
    output: o::GLOBAL_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "GlobalClusterMembers",
};

pub const PRIMARY_INSTANCE_PUBLIC: Mutant = Mutant {
    name: "primary-instance-public",
    about: "ModifyDBInstance PubliclyAccessible=true on the second primary instance",
    output: o::PRIMARY_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "PubliclyAccessible",
};

pub const DR_INSTANCE_PUBLIC: Mutant = Mutant {
    name: "dr-instance-public",
    about: "ModifyDBInstance PubliclyAccessible=true on the DR cluster's instance",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "PubliclyAccessible",
};

pub const DR_CLUSTER_HEADLESS: Mutant = Mutant {
    name: "dr-cluster-headless",
    about: "the DR cluster created without its instance: a headless secondary, no instance to judge",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "DBClusterMembers",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &PRIMARY_CLUSTER_UNENCRYPTED,
    &DR_CLUSTER_PRIMARY_KEY,
    &PRIMARY_ENGINE_15_4,
    &DR_ENGINE_15_4,
    &PRIMARY_SERVERLESS_MIN_1,
    &DR_SERVERLESS_MAX_16,
    &DR_INSTANCE_PROVISIONED_CLASS,
    &PRIMARY_SINGLE_INSTANCE,
    &PRIMARY_INSTANCES_ONE_AZ,
    &PRIMARY_BACKUP_RETENTION_1,
    &DR_BACKUP_RETENTION_1,
    &DR_BACKUP_WINDOW_MIDDAY,
    &DR_CLUSTER_NO_LOG_EXPORT,
    &DR_CLUSTER_OUTSIDE_GLOBAL,
    &PRIMARY_INSTANCE_PUBLIC,
    &DR_INSTANCE_PUBLIC,
    &DR_CLUSTER_HEADLESS,
];
