//! ECS: the cluster with Container Insights, the task definition (secrets from the existing
//! secrets, logs to the stack's group, EFS over TLS), the Fargate service in the private subnets,
//! and its auto scaling on CPU.

use aws_sdk_applicationautoscaling::Client as AutoScaling;
use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use aws_sdk_ecs::Client as Ecs;
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem, ClusterSetting, ClusterSettingName,
    Compatibility, ContainerDefinition, CpuArchitecture, DeploymentCircuitBreaker, DeploymentConfiguration,
    EfsAuthorizationConfig, EfsAuthorizationConfigIam, EfsTransitEncryption, EfsVolumeConfiguration, KeyValuePair,
    LaunchType, LogConfiguration, LogDriver, MountPoint, NetworkConfiguration, NetworkMode, OsFamily, PortMapping,
    PropagateTags, RuntimePlatform, Secret, TransportProtocol, Volume,
};
use stackproof::hipaa::mutants as m;
use stackproof_harness::deployment::Suffix;

use super::Refs;
use super::iam::Roles;
use crate::hipaa::{APP_PORT, CACHE_PORT, DB_PORT, Mutants, REGION, SECRET_CANARY, names, tags};
use crate::{SeedError, step};

const CAPACITY_PROVIDER: &str = "FARGATE";
/// The task's EFS volume, as the container mounts it.
const VOLUME: &str = "patient-data";
const DATA_DIR: &str = "/mnt/patient-data";

/// The cluster, task definition, service and scaling as the template declares them, with the
/// mutants made at creation.
pub struct EcsSpec {
    pub cluster: String,
    pub container_insights: bool,
    pub family: String,
    pub image: String,
    pub environment: Vec<(&'static str, String)>,
    /// Environment variables from the existing secrets: name, secret ARN with its JSON key.
    pub secrets: [(&'static str, String); 4],
    pub log_group: String,
    pub efs_transit_encryption: bool,
    pub service: String,
    pub launch_type: LaunchType,
    pub network: Awsvpc,
    pub scaling_policy: String,
}

/// A service's awsvpc placement.
pub struct Awsvpc {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub public_ip: bool,
}

impl EcsSpec {
    pub fn new(refs: &Refs<'_>, mutants: &Mutants) -> Self {
        let base = refs.base;
        let suffix = &base.suffix;
        let (db, api) = (&base.db_secret, &base.api_secret);
        Self {
            cluster: format!("ecs-cluster-{suffix}"),
            // Made at creation: UpdateClusterSettings is not emulated.
            container_insights: !mutants.has(&m::ECS_CONTAINER_INSIGHTS_OFF),
            family: format!("ecs-task-{suffix}"),
            image: format!("{}.dkr.ecr.{REGION}.amazonaws.com/patient-records:1.0.0", refs.account),
            environment: environment(refs, mutants),
            secrets: [
                ("DB_USERNAME", format!("{db}:username::")),
                ("DB_PASSWORD", format!("{db}:password::")),
                ("REDIS_AUTH_TOKEN", format!("{api}:redis_auth_token::")),
                ("API_KEYS", api.clone()),
            ],
            log_group: if mutants.has(&m::ECS_LOGS_TO_OTHER_GROUP) {
                format!("/ecs/unencrypted-{suffix}")
            } else {
                base.ecs_log_group.clone()
            },
            efs_transit_encryption: !mutants.has(&m::ECS_EFS_TRANSIT_ENCRYPTION_OFF),
            service: format!("ecs-service-{suffix}"),
            launch_type: if mutants.has(&m::ECS_SERVICE_EC2_LAUNCH_TYPE) {
                LaunchType::Ec2
            } else {
                LaunchType::Fargate
            },
            network: Awsvpc {
                subnets: base.private_subnets.to_vec(),
                security_groups: vec![base.sg.app.clone()],
                public_ip: false,
            },
            scaling_policy: format!("ecs-cpu-scaling-{suffix}"),
        }
    }
}

/// The containers' plain environment: endpoints and settings, never a secret (unless a mutant
/// puts one there).
fn environment(refs: &Refs<'_>, mutants: &Mutants) -> Vec<(&'static str, String)> {
    let suffix = &refs.base.suffix;
    let mut environment = vec![
        ("DB_HOST", format!("{}.cluster-c0ffee.{REGION}.rds.amazonaws.com", names::aurora_cluster(suffix))),
        ("DB_PORT", DB_PORT.to_string()),
        ("DB_SSL_MODE", "REQUIRED".into()),
        ("REDIS_HOST", format!("master.{}.c0ffee.euc1.cache.amazonaws.com", names::redis(suffix))),
        ("REDIS_PORT", CACHE_PORT.to_string()),
        ("REDIS_TLS", "true".into()),
        ("DATA_DIR", DATA_DIR.into()),
        ("AUDIT_LOG_GROUP", refs.base.audit_log_group.clone()),
    ];
    if mutants.has(&m::ECS_SECRET_IN_ENVIRONMENT) {
        environment.push(("DB_PASSWORD", format!("{SECRET_CANARY}-db-password")));
    }
    environment
}

/// The names ECS and auto scaling know the service by.
pub struct Service {
    pub cluster: String,
    pub name: String,
    pub task_definition: String,
}

impl Service {
    /// Auto scaling's id of the service.
    fn scaling_id(&self) -> String {
        format!("service/{}/{}", self.cluster, self.name)
    }
}

/// Creates the cluster, registers the task definition, creates the service and its scaling.
pub async fn create(
    ecs: &Ecs,
    scaling: &AutoScaling,
    spec: &EcsSpec,
    refs: &Refs<'_>,
    roles: &Roles,
    suffix: &Suffix,
) -> Result<Service, SeedError> {
    create_cluster(ecs, spec, suffix).await?;
    let task_definition = register_task_definition(ecs, spec, refs, roles, suffix).await?;
    let service = Service { cluster: spec.cluster.clone(), name: spec.service.clone(), task_definition };
    create_service(ecs, spec, &service, suffix).await?;
    register_scalable_target(scaling, &service, 2).await?;
    put_cpu_scaling_policy(scaling, &service, &spec.scaling_policy).await?;
    Ok(service)
}

async fn create_cluster(ecs: &Ecs, spec: &EcsSpec, suffix: &Suffix) -> Result<(), SeedError> {
    let fargate = CapacityProviderStrategyItem::builder()
        .capacity_provider(CAPACITY_PROVIDER)
        .weight(1)
        .build()
        .map_err(step("CapacityProviderStrategyItem"))?;
    let insights = if spec.container_insights { "enabled" } else { "disabled" };
    ecs.create_cluster()
        .cluster_name(&spec.cluster)
        .capacity_providers(CAPACITY_PROVIDER)
        .default_capacity_provider_strategy(fargate)
        .settings(ClusterSetting::builder().name(ClusterSettingName::ContainerInsights).value(insights).build())
        .set_tags(Some(tags::ecs(&spec.cluster, suffix)))
        .send()
        .await
        .map_err(step("CreateCluster"))?;
    Ok(())
}

/// Registers the Fargate task definition; returns its ARN.
async fn register_task_definition(
    ecs: &Ecs,
    spec: &EcsSpec,
    refs: &Refs<'_>,
    roles: &Roles,
    suffix: &Suffix,
) -> Result<String, SeedError> {
    let platform =
        RuntimePlatform::builder().operating_system_family(OsFamily::Linux).cpu_architecture(CpuArchitecture::X8664);
    Ok(ecs
        .register_task_definition()
        .family(&spec.family)
        .requires_compatibilities(Compatibility::Fargate)
        .network_mode(NetworkMode::Awsvpc)
        .cpu("1024")
        .memory("2048")
        .runtime_platform(platform.build())
        .execution_role_arn(&roles.execution)
        .task_role_arn(&roles.task)
        .container_definitions(container(spec)?)
        .volumes(volume(spec, refs)?)
        .set_tags(Some(tags::ecs(&spec.family, suffix)))
        .send()
        .await
        .map_err(step("RegisterTaskDefinition"))?
        .task_definition
        .and_then(|t| t.task_definition_arn)
        .unwrap_or_default())
}

fn container(spec: &EcsSpec) -> Result<ContainerDefinition, SeedError> {
    let env = |(name, value): &(&str, String)| KeyValuePair::builder().name(*name).value(value).build();
    let secret = |(name, value_from): &(&str, String)| {
        Secret::builder().name(*name).value_from(value_from).build().map_err(step("Secret"))
    };
    let logs = LogConfiguration::builder()
        .log_driver(LogDriver::Awslogs)
        .options("awslogs-group", &spec.log_group)
        .options("awslogs-region", REGION)
        .options("awslogs-stream-prefix", "app")
        .build()
        .map_err(step("LogConfiguration"))?;
    Ok(ContainerDefinition::builder()
        .name("app")
        .image(&spec.image)
        .essential(true)
        .port_mappings(PortMapping::builder().container_port(APP_PORT).protocol(TransportProtocol::Tcp).build())
        .set_environment(Some(spec.environment.iter().map(env).collect()))
        .set_secrets(Some(spec.secrets.iter().map(secret).collect::<Result<_, _>>()?))
        .mount_points(MountPoint::builder().source_volume(VOLUME).container_path(DATA_DIR).read_only(false).build())
        .log_configuration(logs)
        .build())
}

/// The patient data volume: EFS through the access point, IAM-authorized.
fn volume(spec: &EcsSpec, refs: &Refs) -> Result<Volume, SeedError> {
    let transit =
        if spec.efs_transit_encryption { EfsTransitEncryption::Enabled } else { EfsTransitEncryption::Disabled };
    let authorization = EfsAuthorizationConfig::builder()
        .access_point_id(refs.access_point)
        .iam(EfsAuthorizationConfigIam::Enabled)
        .build();
    let efs = EfsVolumeConfiguration::builder()
        .file_system_id(&refs.file_system)
        .transit_encryption(transit)
        .authorization_config(authorization)
        .build()
        .map_err(step("EfsVolumeConfiguration"))?;
    Ok(Volume::builder().name(VOLUME).efs_volume_configuration(efs).build())
}

fn network_configuration(placement: &Awsvpc) -> Result<NetworkConfiguration, SeedError> {
    let assign = if placement.public_ip { AssignPublicIp::Enabled } else { AssignPublicIp::Disabled };
    let awsvpc = AwsVpcConfiguration::builder()
        .set_subnets(Some(placement.subnets.clone()))
        .set_security_groups(Some(placement.security_groups.clone()))
        .assign_public_ip(assign)
        .build()
        .map_err(step("AwsVpcConfiguration"))?;
    Ok(NetworkConfiguration::builder().awsvpc_configuration(awsvpc).build())
}

async fn create_service(ecs: &Ecs, spec: &EcsSpec, service: &Service, suffix: &Suffix) -> Result<(), SeedError> {
    let deployment = DeploymentConfiguration::builder()
        .minimum_healthy_percent(100)
        .maximum_percent(200)
        .deployment_circuit_breaker(DeploymentCircuitBreaker::builder().enable(true).rollback(true).build())
        .build();
    ecs.create_service()
        .cluster(&service.cluster)
        .service_name(&service.name)
        .task_definition(&service.task_definition)
        .launch_type(spec.launch_type.clone())
        .desired_count(2)
        .enable_ecs_managed_tags(true)
        .propagate_tags(PropagateTags::Service)
        .enable_execute_command(false)
        .deployment_configuration(deployment)
        .network_configuration(network_configuration(&spec.network)?)
        .set_tags(Some(tags::ecs(&service.name, suffix)))
        .send()
        .await
        .map_err(step("CreateService"))?;
    Ok(())
}

/// The service scales between `min` and 10 tasks.
async fn register_scalable_target(scaling: &AutoScaling, service: &Service, min: i32) -> Result<(), SeedError> {
    scaling
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(service.scaling_id())
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .min_capacity(min)
        .max_capacity(10)
        .send()
        .await
        .map_err(step("RegisterScalableTarget"))?;
    Ok(())
}

/// Target tracking on the service's average CPU.
async fn put_cpu_scaling_policy(scaling: &AutoScaling, service: &Service, name: &str) -> Result<(), SeedError> {
    let metric = PredefinedMetricSpecification::builder()
        .predefined_metric_type(MetricType::EcsServiceAverageCpuUtilization)
        .build()
        .map_err(step("PredefinedMetricSpecification"))?;
    let tracking = TargetTrackingScalingPolicyConfiguration::builder()
        .predefined_metric_specification(metric)
        .target_value(60.0)
        .scale_in_cooldown(120)
        .scale_out_cooldown(60)
        .build()
        .map_err(step("TargetTrackingScalingPolicyConfiguration"))?;
    scaling
        .put_scaling_policy()
        .policy_name(name)
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(service.scaling_id())
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .policy_type(PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(tracking)
        .send()
        .await
        .map_err(step("PutScalingPolicy"))?;
    Ok(())
}

// Drift on the deployed service.

/// The service's placement after the network mutants asked for, if any: one UpdateService
/// applies them together.
pub fn drifted_network(refs: &Refs<'_>, mutants: &Mutants) -> Option<Awsvpc> {
    let base = refs.base;
    let public_ip = mutants.has(&m::ECS_TASK_PUBLIC_IP);
    let public_subnet = mutants.has(&m::ECS_SERVICE_IN_PUBLIC_SUBNET);
    let extra_group = mutants.has(&m::ECS_SERVICE_EXTRA_SECURITY_GROUP);
    if !(public_ip || public_subnet || extra_group) {
        return None;
    }
    let mut subnets = base.private_subnets.to_vec();
    if public_subnet {
        subnets.push(base.public_subnets[0].clone());
    }
    let mut security_groups = vec![base.sg.app.clone()];
    if extra_group {
        security_groups.push(base.sg.database.clone());
    }
    Some(Awsvpc { subnets, security_groups, public_ip })
}

pub async fn update_network(ecs: &Ecs, service: &Service, placement: &Awsvpc) -> Result<(), SeedError> {
    ecs.update_service()
        .cluster(&service.cluster)
        .service(&service.name)
        .network_configuration(network_configuration(placement)?)
        .send()
        .await
        .map_err(step("UpdateService"))?;
    Ok(())
}

/// RegisterScalableTarget again, with MinCapacity 1.
pub async fn scale_down_to_one(scaling: &AutoScaling, service: &Service) -> Result<(), SeedError> {
    register_scalable_target(scaling, service, 1).await
}
