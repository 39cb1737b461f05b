//! Aurora MySQL: the subnet group, the cluster parameter group (TLS required, activity audited),
//! the encrypted cluster and its two instances.

use aws_sdk_rds::Client as Rds;
use aws_sdk_rds::types::{ApplyMethod, Parameter, ServerlessV2ScalingConfiguration};
use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::deployment::Suffix;

use super::data_subnets;
use crate::hipaa::{Base, DB_PORT, Mutants, SECRET_CANARY, names, tags};
use crate::{SeedError, step};

pub const ENGINE_VERSION: &str = "8.0.mysql_aurora.3.08.1";
const OLD_ENGINE_VERSION: &str = "8.0.mysql_aurora.3.04.0";
const ENGINE: &str = "aurora-mysql";

/// An Aurora instance: its identifier and zone.
pub struct InstanceSpec {
    pub id: String,
    pub zone: String,
}

/// The database as the template declares it, with the mutants made at creation.
pub struct AuroraSpec {
    pub subnet_group: String,
    pub subnets: [String; 2],
    pub parameter_group: String,
    pub parameters: [(&'static str, &'static str); 7],
    pub cluster: String,
    pub engine_version: &'static str,
    pub log_exports: &'static [&'static str],
    /// Storage encrypted with the data key.
    pub encrypted: bool,
    pub security_group: String,
    pub instances: [InstanceSpec; 2],
}

impl AuroraSpec {
    pub fn new(base: &Base, mutants: &Mutants) -> Self {
        let suffix = &base.suffix;
        let [az1, az2] = &base.zones;
        let instance2_zone = if mutants.has(&m::AURORA_INSTANCES_ONE_AZ) { az1 } else { az2 };
        let instance =
            |n: u8, zone: &String| InstanceSpec { id: format!("aurora-instance-{n}-{suffix}"), zone: zone.clone() };
        let tls = if mutants.has(&m::AURORA_TLS_NOT_REQUIRED) { "OFF" } else { "ON" };
        Self {
            subnet_group: format!("db-subnet-group-{suffix}"),
            subnets: data_subnets(base, mutants.has(&m::DB_SUBNET_GROUP_PUBLIC_SUBNET)),
            parameter_group: format!("aurora-cluster-params-{suffix}"),
            parameters: [
                ("require_secure_transport", tls),
                ("server_audit_logging", "1"),
                ("server_audit_events", "CONNECT,QUERY_DCL,QUERY_DDL,QUERY_DML"),
                ("general_log", "1"),
                ("slow_query_log", "1"),
                ("long_query_time", "2"),
                ("log_output", "FILE"),
            ],
            cluster: names::aurora_cluster(suffix),
            engine_version: if mutants.has(&m::AURORA_ENGINE_VERSION_OLD) {
                OLD_ENGINE_VERSION
            } else {
                ENGINE_VERSION
            },
            // Made at creation: moto ignores ModifyDBCluster's CloudwatchLogsExportConfiguration.
            log_exports: if mutants.has(&m::AURORA_AUDIT_LOG_EXPORT_OFF) {
                &["error", "general", "slowquery"]
            } else {
                &["audit", "error", "general", "slowquery"]
            },
            encrypted: !mutants.has(&m::AURORA_STORAGE_UNENCRYPTED),
            security_group: base.sg.database.clone(),
            instances: [instance(1, az1), instance(2, instance2_zone)],
        }
    }
}

/// What [`create`] made.
pub struct Aurora {
    pub cluster: String,
    pub instances: [String; 2],
    pub subnet_group: String,
    pub parameter_group: String,
}

impl Aurora {
    pub fn outputs(&self) -> [(&'static str, String); 3] {
        [
            (o::DB_CLUSTER_IDENTIFIER, self.cluster.clone()),
            (o::DB_SUBNET_GROUP_NAME, self.subnet_group.clone()),
            (o::DB_CLUSTER_PARAMETER_GROUP_NAME, self.parameter_group.clone()),
        ]
    }
}

pub async fn create(rds: &Rds, spec: &AuroraSpec, data_key: &str, suffix: &Suffix) -> Result<Aurora, SeedError> {
    create_subnet_group(rds, spec, suffix).await?;
    create_parameter_group(rds, spec, suffix).await?;
    create_cluster(rds, spec, data_key, suffix).await?;
    for instance in &spec.instances {
        create_instance(rds, spec, instance, data_key, suffix).await?;
    }
    Ok(Aurora {
        cluster: spec.cluster.clone(),
        instances: spec.instances.each_ref().map(|i| i.id.clone()),
        subnet_group: spec.subnet_group.clone(),
        parameter_group: spec.parameter_group.clone(),
    })
}

async fn create_subnet_group(rds: &Rds, spec: &AuroraSpec, suffix: &Suffix) -> Result<(), SeedError> {
    rds.create_db_subnet_group()
        .db_subnet_group_name(&spec.subnet_group)
        .db_subnet_group_description("Private subnets only - the database is never reachable from the internet")
        .set_subnet_ids(Some(spec.subnets.to_vec()))
        .set_tags(Some(tags::rds(&spec.subnet_group, suffix)))
        .send()
        .await
        .map_err(step("CreateDBSubnetGroup"))?;
    Ok(())
}

async fn create_parameter_group(rds: &Rds, spec: &AuroraSpec, suffix: &Suffix) -> Result<(), SeedError> {
    rds.create_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(&spec.parameter_group)
        .db_parameter_group_family("aurora-mysql8.0")
        .description("Aurora MySQL 8.0 - TLS required, database activity audited")
        .set_tags(Some(tags::rds(&spec.parameter_group, suffix)))
        .send()
        .await
        .map_err(step("CreateDBClusterParameterGroup"))?;
    let parameter = |(name, value): &(&str, &str)| {
        Parameter::builder().parameter_name(*name).parameter_value(*value).apply_method(ApplyMethod::Immediate).build()
    };
    rds.modify_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(&spec.parameter_group)
        .set_parameters(Some(spec.parameters.iter().map(parameter).collect()))
        .send()
        .await
        .map_err(step("ModifyDBClusterParameterGroup"))?;
    Ok(())
}

async fn create_cluster(rds: &Rds, spec: &AuroraSpec, data_key: &str, suffix: &Suffix) -> Result<(), SeedError> {
    let create = rds
        .create_db_cluster()
        .db_cluster_identifier(&spec.cluster)
        .engine(ENGINE)
        .engine_version(spec.engine_version)
        .port(DB_PORT)
        .master_username("hipaa_admin")
        .master_user_password(format!("{SECRET_CANARY}-db-password"))
        .db_subnet_group_name(&spec.subnet_group)
        .db_cluster_parameter_group_name(&spec.parameter_group)
        .vpc_security_group_ids(&spec.security_group)
        .backup_retention_period(35)
        .preferred_backup_window("02:00-03:00")
        .preferred_maintenance_window("sun:04:00-sun:05:00")
        .copy_tags_to_snapshot(true)
        .set_enable_cloudwatch_logs_exports(Some(spec.log_exports.iter().map(|l| (*l).to_owned()).collect()))
        .serverless_v2_scaling_configuration(
            ServerlessV2ScalingConfiguration::builder().min_capacity(0.5).max_capacity(16.0).build(),
        )
        .deletion_protection(false)
        .set_tags(Some(tags::rds(&spec.cluster, suffix)));
    let create = if spec.encrypted {
        create.storage_encrypted(true).kms_key_id(data_key)
    } else {
        create.storage_encrypted(false)
    };
    create.send().await.map_err(step("CreateDBCluster"))?;
    Ok(())
}

async fn create_instance(
    rds: &Rds,
    spec: &AuroraSpec,
    instance: &InstanceSpec,
    data_key: &str,
    suffix: &Suffix,
) -> Result<(), SeedError> {
    rds.create_db_instance()
        .db_instance_identifier(&instance.id)
        .db_cluster_identifier(&spec.cluster)
        .engine(ENGINE)
        .db_instance_class("db.serverless")
        .availability_zone(&instance.zone)
        .publicly_accessible(false)
        .auto_minor_version_upgrade(true)
        .ca_certificate_identifier("rds-ca-rsa2048-g1")
        .enable_performance_insights(true)
        .performance_insights_kms_key_id(data_key)
        .performance_insights_retention_period(7)
        .set_tags(Some(tags::rds(&instance.id, suffix)))
        .send()
        .await
        .map_err(step("CreateDBInstance"))?;
    Ok(())
}

// Drift on the deployed database.

pub async fn shorten_backup_retention(rds: &Rds, aurora: &Aurora) -> Result<(), SeedError> {
    rds.modify_db_cluster()
        .db_cluster_identifier(&aurora.cluster)
        .backup_retention_period(1)
        .apply_immediately(true)
        .send()
        .await
        .map_err(step("ModifyDBCluster"))?;
    Ok(())
}

/// The cluster moved to `group`, a security group that is not the database tier's.
pub async fn move_to_security_group(rds: &Rds, aurora: &Aurora, group: &str) -> Result<(), SeedError> {
    rds.modify_db_cluster()
        .db_cluster_identifier(&aurora.cluster)
        .vpc_security_group_ids(group)
        .apply_immediately(true)
        .send()
        .await
        .map_err(step("ModifyDBCluster"))?;
    Ok(())
}

pub async fn make_second_instance_public(rds: &Rds, aurora: &Aurora) -> Result<(), SeedError> {
    rds.modify_db_instance()
        .db_instance_identifier(&aurora.instances[1])
        .publicly_accessible(true)
        .apply_immediately(true)
        .send()
        .await
        .map_err(step("ModifyDBInstance"))?;
    Ok(())
}
