//! Aurora, EFS and ElastiCache of the HIPAA reference deployment, and their mutants.
//!
//! Breakages the emulator cannot apply after creation are made at creation time: moto ignores
//! ModifyDBCluster's CloudwatchLogsExportConfiguration, answers PutBackupPolicy and
//! ModifyCacheSubnetGroup with HTTP 500, and drops TransitEncryptionMode on any
//! ModifyReplicationGroup (so every Redis mutant is made at creation).

use aws_sdk_efs::types::{
    CreationInfo, LifecyclePolicy, PerformanceMode, PosixUser, RootDirectory, ThroughputMode, TransitionToIaRules,
};
use aws_sdk_elasticache::types::TransitEncryptionMode;
use aws_sdk_rds::types::{ApplyMethod, Parameter, ServerlessV2ScalingConfiguration};
use serde_json::json;

use super::{Base, CACHE_PORT, DB_PORT, Mutants, SECRET_CANARY};
use crate::{SeedError, Seeder, step};
use stackproof::hipaa::mutants as m;
use stackproof_harness::mutation::Mutant;

pub const ENGINE_VERSION: &str = "8.0.mysql_aurora.3.08.1";

/// Seeds this layer on top of `base`, adds its outputs to `base.outputs`, applies its mutants.
pub async fn deploy(s: &Seeder, base: &mut Base, mutants: &Mutants) -> Result<(), SeedError> {
    // Boxed: the layer's future is large, and debug builds run it on a test thread's stack.
    Box::pin(seed(s, base, mutants)).await
}

async fn seed(s: &Seeder, base: &mut Base, mutants: &Mutants) -> Result<(), SeedError> {
    let has = |mutant: &Mutant| mutants.has(mutant);
    let suffix = base.suffix.clone();
    let (private1, private2) = match base.private_subnets.as_slice() {
        [a, b, ..] => (a.clone(), b.clone()),
        _ => {
            return Err(SeedError::Api {
                step: "data layer".into(),
                detail: "the network layer made fewer than two private subnets".into(),
            });
        }
    };
    let public2 = base.public_subnets.get(1).cloned().unwrap_or_default();
    let second_subnet = |mutant: &Mutant| if has(mutant) { public2.clone() } else { private2.clone() };

    // The instances go to the region's first two zones, as the template's !Select [0|1, !GetAZs ''].
    let zones = s.ec2.describe_availability_zones().send().await.map_err(step("DescribeAvailabilityZones"))?;
    let mut zones: Vec<String> = zones.availability_zones().iter().filter_map(|z| z.zone_name.clone()).collect();
    zones.sort();
    let (az1, az2) = match zones.as_slice() {
        [a, b, ..] => (a.clone(), b.clone()),
        _ => {
            return Err(SeedError::Api {
                step: "DescribeAvailabilityZones".into(),
                detail: "fewer than two zones".into(),
            });
        }
    };
    // The subnets' zones, for the mount targets (EFS allows one per zone).
    let subnets = s
        .ec2
        .describe_subnets()
        .subnet_ids(&private1)
        .subnet_ids(&private2)
        .subnet_ids(&public2)
        .send()
        .await
        .map_err(step("DescribeSubnets"))?
        .subnets
        .unwrap_or_default();
    let zone_of = |id: &str| {
        subnets.iter().find(|x| x.subnet_id.as_deref() == Some(id)).and_then(|x| x.availability_zone.clone())
    };

    // ---- Aurora MySQL ----
    let rds_tags = |name: &str| {
        vec![
            aws_sdk_rds::types::Tag::builder().key("Name").value(name).build(),
            aws_sdk_rds::types::Tag::builder().key("EnvironmentSuffix").value(suffix.as_str()).build(),
        ]
    };
    let db_subnet_group = format!("db-subnet-group-{suffix}");
    s.rds
        .create_db_subnet_group()
        .db_subnet_group_name(&db_subnet_group)
        .db_subnet_group_description("Private subnets only - the database is never reachable from the internet")
        .subnet_ids(&private1)
        .subnet_ids(second_subnet(&m::DB_SUBNET_GROUP_PUBLIC_SUBNET))
        .set_tags(Some(rds_tags(&db_subnet_group)))
        .send()
        .await
        .map_err(step("CreateDBSubnetGroup"))?;

    let params_group = format!("aurora-cluster-params-{suffix}");
    s.rds
        .create_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(&params_group)
        .db_parameter_group_family("aurora-mysql8.0")
        .description("Aurora MySQL 8.0 - TLS required, database activity audited")
        .set_tags(Some(rds_tags(&params_group)))
        .send()
        .await
        .map_err(step("CreateDBClusterParameterGroup"))?;
    let tls = if has(&m::AURORA_TLS_NOT_REQUIRED) { "OFF" } else { "ON" };
    let parameters = [
        ("require_secure_transport", tls),
        ("server_audit_logging", "1"),
        ("server_audit_events", "CONNECT,QUERY_DCL,QUERY_DDL,QUERY_DML"),
        ("general_log", "1"),
        ("slow_query_log", "1"),
        ("long_query_time", "2"),
        ("log_output", "FILE"),
    ];
    s.rds
        .modify_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(&params_group)
        .set_parameters(Some(
            parameters
                .iter()
                .map(|(k, v)| {
                    Parameter::builder()
                        .parameter_name(*k)
                        .parameter_value(*v)
                        .apply_method(ApplyMethod::Immediate)
                        .build()
                })
                .collect(),
        ))
        .send()
        .await
        .map_err(step("ModifyDBClusterParameterGroup"))?;

    let cluster = format!("aurora-cluster-{suffix}");
    let logs: &[&str] = if has(&m::AURORA_AUDIT_LOG_EXPORT_OFF) {
        &["error", "general", "slowquery"]
    } else {
        &["audit", "error", "general", "slowquery"]
    };
    let create = s
        .rds
        .create_db_cluster()
        .db_cluster_identifier(&cluster)
        .engine("aurora-mysql")
        .engine_version(if has(&m::AURORA_ENGINE_VERSION_OLD) { "8.0.mysql_aurora.3.04.0" } else { ENGINE_VERSION })
        .port(DB_PORT)
        .master_username("hipaa_admin")
        .master_user_password(format!("{SECRET_CANARY}-db-password"))
        .db_subnet_group_name(&db_subnet_group)
        .db_cluster_parameter_group_name(&params_group)
        .vpc_security_group_ids(&base.sg.database)
        .backup_retention_period(35)
        .preferred_backup_window("02:00-03:00")
        .preferred_maintenance_window("sun:04:00-sun:05:00")
        .copy_tags_to_snapshot(true)
        .set_enable_cloudwatch_logs_exports(Some(logs.iter().map(|l| (*l).to_owned()).collect()))
        .serverless_v2_scaling_configuration(
            ServerlessV2ScalingConfiguration::builder().min_capacity(0.5).max_capacity(16.0).build(),
        )
        .deletion_protection(false)
        .set_tags(Some(rds_tags(&cluster)));
    let create = if has(&m::AURORA_STORAGE_UNENCRYPTED) {
        create.storage_encrypted(false)
    } else {
        create.storage_encrypted(true).kms_key_id(&base.data_key)
    };
    create.send().await.map_err(step("CreateDBCluster"))?;

    let instance2_az = if has(&m::AURORA_INSTANCES_ONE_AZ) { &az1 } else { &az2 };
    let mut instances = Vec::new();
    for (n, az) in [(1, &az1), (2, instance2_az)] {
        let id = format!("aurora-instance-{n}-{suffix}");
        s.rds
            .create_db_instance()
            .db_instance_identifier(&id)
            .db_cluster_identifier(&cluster)
            .engine("aurora-mysql")
            .db_instance_class("db.serverless")
            .availability_zone(az.as_str())
            .publicly_accessible(false)
            .auto_minor_version_upgrade(true)
            .ca_certificate_identifier("rds-ca-rsa2048-g1")
            .enable_performance_insights(true)
            .performance_insights_kms_key_id(&base.data_key)
            .performance_insights_retention_period(7)
            .set_tags(Some(rds_tags(&id)))
            .send()
            .await
            .map_err(step("CreateDBInstance"))?;
        instances.push(id);
    }

    // ---- EFS ----
    let efs_tag = |k: &str, v: &str| aws_sdk_efs::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"));
    let fs = s
        .efs
        .create_file_system()
        .creation_token(format!("efs-{suffix}"))
        .encrypted(!has(&m::EFS_UNENCRYPTED))
        .set_kms_key_id((!has(&m::EFS_UNENCRYPTED)).then(|| base.data_key.clone()))
        .performance_mode(PerformanceMode::GeneralPurpose)
        .throughput_mode(ThroughputMode::Elastic)
        .backup(!has(&m::EFS_BACKUP_OFF))
        .tags(efs_tag("Name", &format!("efs-{suffix}"))?)
        .tags(efs_tag("EnvironmentSuffix", suffix.as_str())?)
        .send()
        .await
        .map_err(step("CreateFileSystem"))?
        .file_system_id;
    s.efs
        .put_lifecycle_configuration()
        .file_system_id(&fs)
        .lifecycle_policies(LifecyclePolicy::builder().transition_to_ia(TransitionToIaRules::After30Days).build())
        .send()
        .await
        .map_err(step("PutLifecycleConfiguration"))?;
    // The account comes from the data key's ARN (arn:aws:kms:REGION:ACCOUNT:key/ID).
    let account = base.data_key.split(':').nth(4).unwrap_or_default();
    let deny_plain_nfs = json!({
        "Sid": "DenyUnencryptedTransport",
        "Effect": "Deny",
        "Principal": { "AWS": "*" },
        "Action": "*",
        "Condition": { "Bool": { "aws:SecureTransport": "false" } }
    });
    let allow_task = json!({
        "Sid": "AllowAppTaskMountThroughMountTargets",
        "Effect": "Allow",
        "Principal": { "AWS": format!("arn:aws:iam::{account}:role/ecs-task-role-{suffix}") },
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        "Condition": { "Bool": { "elasticfilesystem:AccessedViaMountTarget": "true" } }
    });
    let statements =
        if has(&m::EFS_POLICY_ALLOWS_PLAIN_NFS) { vec![allow_task] } else { vec![deny_plain_nfs, allow_task] };
    s.efs
        .put_file_system_policy()
        .file_system_id(&fs)
        .policy(json!({ "Version": "2012-10-17", "Statement": statements }).to_string())
        .send()
        .await
        .map_err(step("PutFileSystemPolicy"))?;
    let mut targets = vec![private1.clone()];
    let second = second_subnet(&m::EFS_MOUNT_TARGET_PUBLIC_SUBNET);
    // A second mount target in the first one's zone would be refused (MountTargetConflict), as
    // it is when another layer's mutant puts both private subnets in one zone.
    if !has(&m::EFS_MOUNT_TARGET_ONE_AZ) && zone_of(&second) != zone_of(&private1) {
        targets.push(second);
    }
    let mut mount_targets = Vec::new();
    for subnet in targets {
        let mt = s
            .efs
            .create_mount_target()
            .file_system_id(&fs)
            .subnet_id(subnet)
            .security_groups(&base.sg.efs)
            .send()
            .await
            .map_err(step("CreateMountTarget"))?
            .mount_target_id;
        mount_targets.push(mt);
    }
    let root = RootDirectory::builder()
        .path("/patient-data")
        .creation_info(
            CreationInfo::builder()
                .owner_uid(1000)
                .owner_gid(1000)
                .permissions("0750")
                .build()
                .map_err(step("CreationInfo"))?,
        )
        .build();
    s.efs
        .create_access_point()
        .client_token(format!("efs-access-point-{suffix}"))
        .file_system_id(&fs)
        .posix_user(PosixUser::builder().uid(1000).gid(1000).build().map_err(step("PosixUser"))?)
        .root_directory(root)
        .tags(efs_tag("Name", &format!("efs-access-point-{suffix}"))?)
        .tags(efs_tag("EnvironmentSuffix", suffix.as_str())?)
        .send()
        .await
        .map_err(step("CreateAccessPoint"))?;

    // ---- ElastiCache Redis ----
    let cache_tags = |name: &str| {
        vec![
            aws_sdk_elasticache::types::Tag::builder().key("Name").value(name).build(),
            aws_sdk_elasticache::types::Tag::builder().key("EnvironmentSuffix").value(suffix.as_str()).build(),
        ]
    };
    let cache_subnet_group = format!("cache-subnet-group-{suffix}");
    s.elasticache
        .create_cache_subnet_group()
        .cache_subnet_group_name(&cache_subnet_group)
        .cache_subnet_group_description("Private subnets only - the session store is never reachable from the internet")
        .subnet_ids(&private1)
        .subnet_ids(second_subnet(&m::CACHE_SUBNET_GROUP_PUBLIC_SUBNET))
        .set_tags(Some(cache_tags(&cache_subnet_group)))
        .send()
        .await
        .map_err(step("CreateCacheSubnetGroup"))?;
    let redis = format!("redis-{suffix}");
    // ReplicasPerNodeGroup, not NumCacheClusters: moto makes one member of NumCacheClusters=2.
    let create = s
        .elasticache
        .create_replication_group()
        .replication_group_id(&redis)
        .replication_group_description(format!("Session store of the HIPAA stack {suffix}"))
        .engine("redis")
        .engine_version("7.1")
        .cache_node_type("cache.r7g.large")
        .num_node_groups(1)
        .replicas_per_node_group(1)
        .multi_az_enabled(!has(&m::REDIS_MULTI_AZ_OFF))
        .automatic_failover_enabled(!has(&m::REDIS_AUTOMATIC_FAILOVER_OFF))
        .port(CACHE_PORT)
        .cache_subnet_group_name(&cache_subnet_group)
        .security_group_ids(&base.sg.cache)
        .transit_encryption_enabled(true)
        .transit_encryption_mode(if has(&m::REDIS_TRANSIT_ENCRYPTION_PREFERRED) {
            TransitEncryptionMode::Preferred
        } else {
            TransitEncryptionMode::Required
        })
        .snapshot_retention_limit(7)
        .snapshot_window("03:00-04:00")
        .preferred_maintenance_window("sun:05:00-sun:06:00")
        .auto_minor_version_upgrade(true)
        .set_tags(Some(cache_tags(&redis)));
    let create = if has(&m::REDIS_AT_REST_UNENCRYPTED) {
        create.at_rest_encryption_enabled(false)
    } else {
        create.at_rest_encryption_enabled(true).kms_key_id(&base.data_key)
    };
    let create = if has(&m::REDIS_AUTH_TOKEN_OFF) {
        create
    } else {
        create.auth_token(format!("{SECRET_CANARY}-redis-auth-token"))
    };
    create.send().await.map_err(step("CreateReplicationGroup"))?;

    // Drift applied on top of the compliant deployment.
    for mutant in mutants.iter() {
        match *mutant {
            m::AURORA_BACKUP_RETENTION_SHORT => {
                s.rds
                    .modify_db_cluster()
                    .db_cluster_identifier(&cluster)
                    .backup_retention_period(1)
                    .apply_immediately(true)
                    .send()
                    .await
                    .map_err(step("ModifyDBCluster"))?;
            }
            m::AURORA_FOREIGN_SECURITY_GROUP => {
                s.rds
                    .modify_db_cluster()
                    .db_cluster_identifier(&cluster)
                    .vpc_security_group_ids(&base.sg.app)
                    .apply_immediately(true)
                    .send()
                    .await
                    .map_err(step("ModifyDBCluster"))?;
            }
            m::AURORA_INSTANCE_PUBLIC => {
                s.rds
                    .modify_db_instance()
                    .db_instance_identifier(&instances[1])
                    .publicly_accessible(true)
                    .apply_immediately(true)
                    .send()
                    .await
                    .map_err(step("ModifyDBInstance"))?;
            }
            m::EFS_MOUNT_TARGET_FOREIGN_SG => {
                s.efs
                    .modify_mount_target_security_groups()
                    .mount_target_id(&mount_targets[0])
                    .security_groups(&base.sg.app)
                    .send()
                    .await
                    .map_err(step("ModifyMountTargetSecurityGroups"))?;
            }
            // Applied at creation above, or another layer's.
            _ => {}
        }
    }

    for (k, v) in [
        ("DbClusterIdentifier", cluster),
        ("DbSubnetGroupName", db_subnet_group),
        ("DbClusterParameterGroupName", params_group),
        ("EfsFileSystemId", fs),
        ("CacheReplicationGroupId", redis),
        ("CacheSubnetGroupName", cache_subnet_group),
    ] {
        base.outputs.insert(k.to_owned(), v);
    }
    Ok(())
}
