//! Aurora MySQL: the subnet group, the cluster parameter group (TLS required, activity audited),
//! the encrypted cluster and its two instances; the other groups, keys and instances the
//! mutants place it by.

use aws_sdk_ec2::types::{IpPermission, ResourceType, UserIdGroupPair};
use aws_sdk_rds::Client as Rds;
use aws_sdk_rds::types::{ApplyMethod, Parameter, ServerlessV2ScalingConfiguration};
use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;

use super::data_subnets;
use crate::hipaa::network::keys;
use crate::hipaa::tags::tagged;
use crate::hipaa::{Base, DB_PORT, Mutants, SECRET_CANARY, names, tags};
use crate::{SeedError, Seeder, step};

pub const ENGINE_VERSION: &str = "8.0.mysql_aurora.3.08.1";
const OLD_ENGINE_VERSION: &str = "8.0.mysql_aurora.3.04.0";
const ENGINE: &str = "aurora-mysql";
/// The master user, as the database secret names it.
const MASTER_USERNAME: &str = "hipaa_admin";

/// An Aurora instance: its identifier, zone, and whether it is publicly accessible.
pub struct InstanceSpec {
    pub id: String,
    pub zone: String,
    pub public: bool,
}

/// The database as the template declares it, with the mutants made at creation.
pub struct AuroraSpec {
    pub subnet_group: String,
    pub subnets: [String; 2],
    /// Another subnet group (and its subnets) that places the cluster instead of the stack's.
    pub other_subnet_group: Option<(String, [String; 2])>,
    pub parameter_group: String,
    pub parameters: Vec<(&'static str, &'static str)>,
    /// Another cluster parameter group, with the same values, the cluster runs with instead.
    pub other_parameter_group: Option<String>,
    pub cluster: String,
    pub engine_version: &'static str,
    pub log_exports: &'static [&'static str],
    /// Storage encrypted (with the data key, unless `foreign_key`).
    pub encrypted: bool,
    /// Storage encrypted under a key that is not the stack's.
    pub foreign_key: bool,
    pub security_group: String,
    pub instances: Vec<InstanceSpec>,
}

/// Parameters a mutant adds to the cluster parameter group.
const MUTANT_PARAMETERS: [(&Mutant, (&str, &str)); 3] = [
    (&m::AURORA_AUDIT_EXCLUDES_ADMIN, ("server_audit_excl_users", MASTER_USERNAME)),
    (&m::AURORA_AUDIT_INCLUDES_ONLY_RDSADMIN, ("server_audit_incl_users", "rdsadmin")),
    (&m::AURORA_TLS_OLD_VERSIONS, ("tls_version", "TLSv1,TLSv1.1,TLSv1.2")),
];

/// The cluster parameter group's values: TLS required, connections and queries audited.
fn parameters(mutants: &Mutants) -> Vec<(&'static str, &'static str)> {
    let pick = |mutant, broken, kept| if mutants.has(mutant) { broken } else { kept };
    let mut parameters = vec![
        ("require_secure_transport", pick(&m::AURORA_TLS_NOT_REQUIRED, "OFF", "ON")),
        ("server_audit_logging", pick(&m::AURORA_AUDIT_LOGGING_OFF, "0", "1")),
        (
            "server_audit_events",
            pick(&m::AURORA_AUDIT_EVENTS_CONNECT_ONLY, "CONNECT", "CONNECT,QUERY_DCL,QUERY_DDL,QUERY_DML"),
        ),
        ("general_log", "1"),
        ("slow_query_log", "1"),
        ("long_query_time", "2"),
        ("log_output", "FILE"),
    ];
    parameters.extend(MUTANT_PARAMETERS.iter().filter(|(mutant, _)| mutants.has(mutant)).map(|(_, p)| *p));
    parameters
}

/// The instances: one per zone; one only, or both in the first zone, or a third public reader
/// when a mutant says so.
fn instances(base: &Base, mutants: &Mutants) -> Vec<InstanceSpec> {
    let suffix = &base.suffix;
    let [az1, az2] = &base.zones;
    let instance = |n: u8, zone: &String, public| InstanceSpec {
        id: format!("aurora-instance-{n}-{suffix}"),
        zone: zone.clone(),
        public,
    };
    let second_zone = if mutants.has(&m::AURORA_INSTANCES_ONE_AZ) { az1 } else { az2 };
    let mut instances = vec![instance(1, az1, false)];
    if !mutants.has(&m::AURORA_SINGLE_INSTANCE) {
        instances.push(instance(2, second_zone, false));
    }
    if mutants.has(&m::AURORA_EXTRA_INSTANCE_PUBLIC) {
        instances.push(instance(3, az2, true));
    }
    instances
}

impl AuroraSpec {
    pub fn new(base: &Base, mutants: &Mutants) -> Self {
        let suffix = &base.suffix;
        Self {
            subnet_group: format!("db-subnet-group-{suffix}"),
            subnets: data_subnets(base, mutants.has(&m::DB_SUBNET_GROUP_PUBLIC_SUBNET)),
            other_subnet_group: mutants
                .has(&m::AURORA_FOREIGN_SUBNET_GROUP)
                .then(|| (format!("db-subnet-group-legacy-{suffix}"), data_subnets(base, true))),
            parameter_group: format!("aurora-cluster-params-{suffix}"),
            parameters: parameters(mutants),
            other_parameter_group: mutants
                .has(&m::AURORA_FOREIGN_PARAMETER_GROUP)
                .then(|| format!("aurora-cluster-params-legacy-{suffix}")),
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
            foreign_key: mutants.has(&m::AURORA_FOREIGN_KEY),
            security_group: base.sg.database.clone(),
            instances: instances(base, mutants),
        }
    }

    /// The subnet group that places the cluster.
    fn placed_by(&self) -> &str {
        self.other_subnet_group.as_ref().map_or(&self.subnet_group, |(name, _)| name)
    }

    /// The cluster parameter group the cluster runs with.
    fn runs_with(&self) -> &str {
        self.other_parameter_group.as_deref().unwrap_or(&self.parameter_group)
    }
}

/// What [`create`] made.
pub struct Aurora {
    pub cluster: String,
    pub instances: Vec<String>,
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

/// Creates the subnet and parameter groups (and the other ones a mutant places the cluster
/// by), the cluster under the data key (or a foreign one) and its instances.
pub async fn create(s: &Seeder, spec: &AuroraSpec, data_key: &str, suffix: &Suffix) -> Result<Aurora, SeedError> {
    let rds = &s.rds;
    create_subnet_group(rds, &spec.subnet_group, &spec.subnets, suffix).await?;
    if let Some((name, subnets)) = &spec.other_subnet_group {
        create_subnet_group(rds, name, subnets, suffix).await?;
    }
    for group in std::iter::once(&spec.parameter_group).chain(&spec.other_parameter_group) {
        create_parameter_group(rds, group, &spec.parameters, suffix).await?;
    }
    let cluster_key = if spec.foreign_key { keys::create_foreign(&s.kms, suffix).await? } else { data_key.to_owned() };
    create_cluster(rds, spec, &cluster_key, suffix).await?;
    for instance in &spec.instances {
        create_instance(rds, spec, instance, data_key, suffix).await?;
    }
    Ok(Aurora {
        cluster: spec.cluster.clone(),
        instances: spec.instances.iter().map(|i| i.id.clone()).collect(),
        subnet_group: spec.subnet_group.clone(),
        parameter_group: spec.parameter_group.clone(),
    })
}

async fn create_subnet_group(rds: &Rds, name: &str, subnets: &[String; 2], suffix: &Suffix) -> Result<(), SeedError> {
    rds.create_db_subnet_group()
        .db_subnet_group_name(name)
        .db_subnet_group_description("Private subnets only - the database is never reachable from the internet")
        .set_subnet_ids(Some(subnets.to_vec()))
        .set_tags(Some(tags::rds(name, suffix)))
        .send()
        .await
        .map_err(step("CreateDBSubnetGroup"))?;
    Ok(())
}

async fn create_parameter_group(
    rds: &Rds,
    name: &str,
    parameters: &[(&str, &str)],
    suffix: &Suffix,
) -> Result<(), SeedError> {
    rds.create_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(name)
        .db_parameter_group_family("aurora-mysql8.0")
        .description("Aurora MySQL 8.0 - TLS required, database activity audited")
        .set_tags(Some(tags::rds(name, suffix)))
        .send()
        .await
        .map_err(step("CreateDBClusterParameterGroup"))?;
    let parameter = |(name, value): &(&str, &str)| {
        Parameter::builder().parameter_name(*name).parameter_value(*value).apply_method(ApplyMethod::Immediate).build()
    };
    rds.modify_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(name)
        .set_parameters(Some(parameters.iter().map(parameter).collect()))
        .send()
        .await
        .map_err(step("ModifyDBClusterParameterGroup"))?;
    Ok(())
}

async fn create_cluster(rds: &Rds, spec: &AuroraSpec, key: &str, suffix: &Suffix) -> Result<(), SeedError> {
    let create = rds
        .create_db_cluster()
        .db_cluster_identifier(&spec.cluster)
        .engine(ENGINE)
        .engine_version(spec.engine_version)
        .port(DB_PORT)
        .master_username(MASTER_USERNAME)
        .master_user_password(format!("{SECRET_CANARY}-db-password"))
        .db_subnet_group_name(spec.placed_by())
        .db_cluster_parameter_group_name(spec.runs_with())
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
    let create =
        if spec.encrypted { create.storage_encrypted(true).kms_key_id(key) } else { create.storage_encrypted(false) };
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
        .publicly_accessible(instance.public)
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
    let second = aurora.instances.get(1).ok_or_else(|| SeedError::Api {
        step: "ModifyDBInstance".into(),
        detail: "the cluster has no second instance".into(),
    })?;
    rds.modify_db_instance()
        .db_instance_identifier(second)
        .publicly_accessible(true)
        .apply_immediately(true)
        .send()
        .await
        .map_err(step("ModifyDBInstance"))?;
    Ok(())
}

/// A second group beside the database tier's on the cluster: made in the stack's VPC, admitting
/// MySQL from the app tier as the database group does, and attached with ModifyDBCluster.
pub async fn add_security_group(s: &Seeder, base: &Base, aurora: &Aurora) -> Result<(), SeedError> {
    let name = format!("db-legacy-sg-{}", base.suffix);
    let group = s
        .ec2
        .create_security_group()
        .group_name(&name)
        .description("Aurora (legacy)")
        .vpc_id(&base.vpc)
        .tag_specifications(tagged(ResourceType::SecurityGroup, &name, &base.suffix))
        .send()
        .await
        .map_err(step("CreateSecurityGroup"))?
        .group_id
        .unwrap_or_default();
    let from_app = UserIdGroupPair::builder().group_id(&base.sg.app).build();
    let mysql =
        IpPermission::builder().ip_protocol("tcp").from_port(DB_PORT).to_port(DB_PORT).user_id_group_pairs(from_app);
    s.ec2
        .authorize_security_group_ingress()
        .group_id(&group)
        .ip_permissions(mysql.build())
        .send()
        .await
        .map_err(step("AuthorizeSecurityGroupIngress"))?;
    s.rds
        .modify_db_cluster()
        .db_cluster_identifier(&aurora.cluster)
        .vpc_security_group_ids(&base.sg.database)
        .vpc_security_group_ids(group)
        .apply_immediately(true)
        .send()
        .await
        .map_err(step("ModifyDBCluster"))?;
    Ok(())
}
