//! The Aurora PostgreSQL global database (main.ts "Aurora PostgreSQL global database"): the global
//! cluster, the primary cluster with two Serverless v2 instances in two zones, and the DR cluster,
//! a secondary of the global database, with one.
//!
//! moto cannot create a global cluster from an existing one (SourceDBClusterIdentifier: an ARN
//! answers DBClusterNotFoundFault, a bare id "Malformed db cluster arn"), so the global cluster is
//! created empty with Engine/EngineVersion and both clusters join it through CreateDBCluster's
//! GlobalClusterIdentifier, as the Terraform provider does. moto's ModifyDBCluster ignores
//! log-export changes, so those mutants are made at creation.
//!
//! v2: each cluster runs with its side's cluster parameter group (`parameters`), and the log group
//! its postgresql log is exported to is created before it, under the side's key, kept 365 days.

use aws_sdk_rds::types::{ServerlessV2ScalingConfiguration, Tag as RdsTag};

use super::monitoring::{AUDIT_LOG_RETENTION_DAYS, GroupKey, LogGroupSpec};
use super::names::Names;
use super::network::Network;
use super::{ENGINE, ENGINE_VERSION, Layout, Side, parameters};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// The log type both clusters export to CloudWatch Logs.
const LOG_EXPORT: &str = "postgresql";
const BACKUP_WINDOW: &str = "03:00-04:00";
const BACKUP_RETENTION_DAYS: i32 = 7;
/// The instance class of a Serverless v2 instance.
pub(crate) const SERVERLESS_CLASS: &str = "db.serverless";
/// Serverless v2 capacity, in ACUs.
const MIN_ACU: f64 = 0.5;
const MAX_ACU: f64 = 2.0;

/// The master credentials the layout generates (random_password).
pub(crate) struct Master {
    pub username: &'static str,
    pub password: String,
}

/// A cluster as main.ts declares it.
pub(crate) struct ClusterSpec {
    pub side: Side,
    pub id: String,
    /// The global cluster it joins; None for a standalone cluster.
    pub global_cluster: Option<String>,
    pub engine_version: &'static str,
    pub min_acu: f64,
    pub max_acu: f64,
    /// Storage encrypted with `kms_key`.
    pub encrypted: bool,
    pub kms_key: String,
    pub database_name: Option<&'static str>,
    pub log_export: bool,
    pub backup_window: &'static str,
    pub maintenance_window: Option<&'static str>,
    /// Whether it declares the master credentials: the primary does, a secondary inherits the
    /// global database's, and a standalone cluster needs its own (AWS and moto both refuse it
    /// without).
    pub master_credentials: bool,
    pub subnet_group: String,
    pub security_group: String,
    /// v2: the cluster parameter group it runs with; None (v1) leaves the engine's default.
    pub parameter_group: Option<String>,
}

/// The primary cluster: under the primary key, the database and the maintenance window declared.
pub(crate) fn primary_cluster(l: &Layout, global_cluster: &str, key: &str, net: &Network) -> ClusterSpec {
    ClusterSpec {
        side: Side::Primary,
        id: l.names.cluster(Side::Primary),
        global_cluster: Some(global_cluster.to_owned()),
        engine_version: if l.has(&m::PRIMARY_ENGINE_15_4) { "15.4" } else { ENGINE_VERSION },
        min_acu: if l.has(&m::PRIMARY_SERVERLESS_MIN_1) { 1.0 } else { MIN_ACU },
        max_acu: MAX_ACU,
        encrypted: !l.has(&m::PRIMARY_CLUSTER_UNENCRYPTED),
        kms_key: key.to_owned(),
        database_name: Some("healthcare"),
        log_export: true,
        backup_window: BACKUP_WINDOW,
        maintenance_window: Some("sun:04:30-sun:05:30"),
        master_credentials: true,
        subnet_group: net.subnet_group.clone(),
        security_group: net.sg.clone(),
        parameter_group: l.v2().then(|| parameters::of_cluster(l, Side::Primary)),
    }
}

/// The DR cluster: a secondary of the global database under the DR key.
pub(crate) fn dr_cluster(l: &Layout, global_cluster: &str, keys: [&str; 2], net: &Network) -> ClusterSpec {
    let [primary_key, dr_key] = keys;
    ClusterSpec {
        side: Side::Dr,
        id: l.names.cluster(Side::Dr),
        global_cluster: (!l.has(&m::DR_CLUSTER_OUTSIDE_GLOBAL)).then(|| global_cluster.to_owned()),
        engine_version: if l.has(&m::DR_ENGINE_15_4) { "15.4" } else { ENGINE_VERSION },
        min_acu: MIN_ACU,
        max_acu: if l.has(&m::DR_SERVERLESS_MAX_16) { 16.0 } else { MAX_ACU },
        encrypted: true,
        kms_key: if l.has(&m::DR_CLUSTER_PRIMARY_KEY) { primary_key } else { dr_key }.to_owned(),
        database_name: None,
        log_export: !l.has(&m::DR_CLUSTER_NO_LOG_EXPORT),
        backup_window: if l.has(&m::DR_BACKUP_WINDOW_MIDDAY) { "12:00-13:00" } else { BACKUP_WINDOW },
        maintenance_window: None,
        master_credentials: l.has(&m::DR_CLUSTER_OUTSIDE_GLOBAL),
        subnet_group: net.subnet_group.clone(),
        security_group: net.sg.clone(),
        parameter_group: l.v2().then(|| parameters::of_cluster(l, Side::Dr)),
    }
}

/// v2: the log group the cluster's postgresql log is exported to, under `key` (the side's layout
/// key, whatever key the cluster's storage uses), kept 365 days; None in v1, or when a mutant
/// leaves it out (RDS would then create it at the first export, unencrypted and never expiring).
pub(crate) fn log_group(l: &Layout, cluster: &ClusterSpec, key: &str) -> Option<LogGroupSpec> {
    let (primary, dr) = (cluster.side == Side::Primary, cluster.side == Side::Dr);
    if !l.v2() || (dr && l.has(&m::DR_DB_LOG_GROUP_MISSING)) {
        return None;
    }
    Some(LogGroupSpec {
        side: cluster.side,
        name: Names::db_log_group(&cluster.id),
        key: if primary && l.has(&m::PRIMARY_DB_LOG_GROUP_UNENCRYPTED) {
            GroupKey::Unencrypted
        } else {
            GroupKey::Layout(key.to_owned())
        },
        retention: Some(if dr && l.has(&m::DR_DB_LOG_GROUP_WEEK) { 7 } else { AUDIT_LOG_RETENTION_DAYS }),
        name_tag: None,
    })
}

/// A Serverless v2 instance of a cluster, never publicly accessible.
pub(crate) struct InstanceSpec {
    pub side: Side,
    pub id: String,
    pub cluster: String,
    pub engine_version: &'static str,
    pub class: &'static str,
    /// None lets RDS place it.
    pub zone: Option<String>,
    pub subnet_group: String,
}

/// Instance `n` of `cluster`, in `zone`.
pub(crate) fn instance(l: &Layout, cluster: &ClusterSpec, n: u8, zone: Option<&str>) -> InstanceSpec {
    InstanceSpec {
        side: cluster.side,
        id: l.names.instance(cluster.side, n),
        cluster: cluster.id.clone(),
        engine_version: cluster.engine_version,
        class: SERVERLESS_CLASS,
        zone: zone.map(str::to_owned),
        subnet_group: cluster.subnet_group.clone(),
    }
}

/// The primary cluster's two instances, one per zone (both in the first, or the first only,
/// when asked).
pub(crate) fn primary_instances(l: &Layout, cluster: &ClusterSpec, zones: &(String, String)) -> Vec<InstanceSpec> {
    let second = if l.has(&m::PRIMARY_INSTANCES_ONE_AZ) { &zones.0 } else { &zones.1 };
    let mut instances = vec![instance(l, cluster, 1, Some(&zones.0))];
    if !l.has(&m::PRIMARY_SINGLE_INSTANCE) {
        instances.push(instance(l, cluster, 2, Some(second)));
    }
    instances
}

/// The DR cluster's one instance, placed by RDS (provisioned, or none at all, when asked).
pub(crate) fn dr_instances(l: &Layout, cluster: &ClusterSpec) -> Vec<InstanceSpec> {
    if l.has(&m::DR_CLUSTER_HEADLESS) {
        return Vec::new();
    }
    let mut only = instance(l, cluster, 1, None);
    if l.has(&m::DR_INSTANCE_PROVISIONED_CLASS) {
        only.class = "db.r6g.large";
    }
    vec![only]
}

/// Creates the global cluster, empty, in the primary region; returns its ARN.
pub(crate) async fn create_global_cluster(l: &Layout, id: &str) -> Result<String, SeedError> {
    let created = l
        .primary
        .rds
        .create_global_cluster()
        .global_cluster_identifier(id)
        .engine(ENGINE)
        .engine_version(ENGINE_VERSION)
        .storage_encrypted(true)
        .deletion_protection(false)
        .set_tags(Some(rds_tags(l)))
        .send()
        .await
        .map_err(step("CreateGlobalCluster"))?;
    Ok(created.global_cluster.and_then(|g| g.global_cluster_arn).unwrap_or_default())
}

/// A created cluster's ARN and writer endpoint.
pub(crate) struct Cluster {
    pub arn: String,
    pub endpoint: String,
}

/// Creates the cluster; returns its ARN and endpoint.
pub(crate) async fn create_cluster(l: &Layout, spec: &ClusterSpec, master: &Master) -> Result<Cluster, SeedError> {
    let scaling = ServerlessV2ScalingConfiguration::builder().min_capacity(spec.min_acu).max_capacity(spec.max_acu);
    let mut create = l
        .at(spec.side)
        .rds
        .create_db_cluster()
        .db_cluster_identifier(&spec.id)
        .engine(ENGINE)
        .engine_version(spec.engine_version)
        .engine_mode("provisioned")
        .serverless_v2_scaling_configuration(scaling.build())
        .set_database_name(spec.database_name.map(str::to_owned))
        .storage_encrypted(spec.encrypted)
        .set_kms_key_id(spec.encrypted.then(|| spec.kms_key.clone()))
        .preferred_backup_window(spec.backup_window)
        .set_preferred_maintenance_window(spec.maintenance_window.map(str::to_owned))
        .backup_retention_period(BACKUP_RETENTION_DAYS)
        .copy_tags_to_snapshot(true)
        .deletion_protection(false)
        .db_subnet_group_name(&spec.subnet_group)
        .vpc_security_group_ids(&spec.security_group)
        .set_db_cluster_parameter_group_name(spec.parameter_group.clone())
        .set_tags(Some(rds_tags(l)));
    if spec.log_export {
        create = create.enable_cloudwatch_logs_exports(LOG_EXPORT);
    }
    if spec.master_credentials {
        create = create.master_username(master.username).master_user_password(&master.password);
    }
    let created = create.set_global_cluster_identifier(spec.global_cluster.clone()).send().await;
    let cluster = created.map_err(step("CreateDBCluster"))?.db_cluster;
    let arn = cluster.as_ref().and_then(|c| c.db_cluster_arn.clone()).unwrap_or_default();
    Ok(Cluster { arn, endpoint: cluster.and_then(|c| c.endpoint).unwrap_or_default() })
}

pub(crate) async fn create_instance(l: &Layout, spec: &InstanceSpec) -> Result<(), SeedError> {
    l.at(spec.side)
        .rds
        .create_db_instance()
        .db_instance_identifier(&spec.id)
        .db_cluster_identifier(&spec.cluster)
        .db_instance_class(spec.class)
        .engine(ENGINE)
        .engine_version(spec.engine_version)
        .set_availability_zone(spec.zone.clone())
        .db_subnet_group_name(&spec.subnet_group)
        .publicly_accessible(false)
        .set_tags(Some(rds_tags(l)))
        .send()
        .await
        .map_err(step("CreateDBInstance"))?;
    Ok(())
}

/// The default tags, for RDS.
pub(crate) fn rds_tags(l: &Layout) -> Vec<RdsTag> {
    l.tags(&[]).into_iter().map(|(k, v)| RdsTag::builder().key(k).value(v).build()).collect()
}
