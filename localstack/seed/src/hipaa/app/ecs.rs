//! ECS: the cluster with Container Insights, the task definition (secrets from the existing
//! secrets, logs to the stack's group, EFS over TLS), the Fargate service in the private subnets,
//! the tasks it runs (one per private subnet, started here since moto starts none for a service),
//! and its auto scaling on CPU.
//!
//! A mutant on what runs rather than on what the outputs name registers a second revision of the
//! task definition, and has the service, its first deployment or one of its tasks run it.

use aws_sdk_applicationautoscaling::Client as AutoScaling;
use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace, SuspendedState,
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
use stackproof_harness::mutation::Mutant;

use super::Refs;
use super::iam::Roles;
use crate::hipaa::{APP_PORT, CACHE_PORT, DB_PORT, Mutants, REGION, SECRET_CANARY, names, tags};
use crate::{SeedError, step};

const CAPACITY_PROVIDER: &str = "FARGATE";
/// The task's EFS volume, as the container mounts it.
const VOLUME: &str = "patient-data";
const DATA_DIR: &str = "/mnt/patient-data";
/// The scaling bounds and CPU target the template declares.
const MIN_TASKS: i32 = 2;
const MAX_TASKS: i32 = 10;
const CPU_TARGET: f64 = 60.0;
/// A region that is not the stack's, for a log configuration that points elsewhere.
const OTHER_REGION: &str = "eu-west-1";
/// A file system that is not the stack's (nor the stand-in for it).
const OTHER_FILE_SYSTEM: &str = "fs-0fedcba9876543210";

/// What one revision of the task definition declares, with the mutants made at its registration.
#[derive(Clone)]
pub struct RevisionSpec {
    pub environment: Vec<(&'static str, String)>,
    /// Environment variables from secrets: name, what they come from.
    pub secrets: Vec<(&'static str, String)>,
    pub log_group: String,
    pub log_region: &'static str,
    /// Log options beside the awslogs group, region and stream prefix.
    pub log_options: Vec<(&'static str, String)>,
    /// A second container, a sidecar without log configuration.
    pub sidecar: bool,
    pub file_system: String,
    pub efs_transit_encryption: bool,
    pub efs_iam: bool,
}

impl RevisionSpec {
    /// The revision as the template declares it.
    fn compliant(refs: &Refs<'_>) -> Self {
        let base = refs.base;
        let (db, api) = (&base.db_secret, &base.api_secret);
        Self {
            environment: environment(refs),
            secrets: vec![
                ("DB_USERNAME", format!("{db}:username::")),
                ("DB_PASSWORD", format!("{db}:password::")),
                ("REDIS_AUTH_TOKEN", format!("{api}:redis_auth_token::")),
                ("API_KEYS", api.clone()),
            ],
            log_group: base.ecs_log_group.clone(),
            log_region: REGION,
            log_options: Vec::new(),
            sidecar: false,
            file_system: refs.file_system.clone(),
            efs_transit_encryption: true,
            efs_iam: true,
        }
    }

    /// The revision the outputs name, with the mutants made when it is registered.
    fn first(refs: &Refs<'_>, mutants: &Mutants) -> Self {
        let mut spec = Self::compliant(refs);
        for mutant in mutants.iter() {
            spec.break_first(refs, mutant);
        }
        spec
    }

    fn break_first(&mut self, refs: &Refs<'_>, mutant: &Mutant) {
        let suffix = &refs.base.suffix;
        match *mutant {
            m::ECS_SECRET_IN_ENVIRONMENT => {
                self.environment.push(("DB_PASSWORD", format!("{SECRET_CANARY}-db-password")))
            }
            m::ECS_CREDENTIAL_URL_IN_ENVIRONMENT => {
                let host = format!("{}.cluster-c0ffee.{REGION}.rds.amazonaws.com", names::aurora_cluster(suffix));
                self.environment.push(("PATIENT_DB", format!("mysql://app:{SECRET_CANARY}@{host}:{DB_PORT}/phi")));
            }
            m::ECS_SECRET_FROM_SSM_PARAMETER => {
                let parameter = names::arn("ssm", &refs.account, &format!("parameter/hipaa/{suffix}/db-password"));
                self.secrets.retain(|(name, _)| *name != "DB_PASSWORD");
                self.secrets.push(("DB_PASSWORD", parameter));
            }
            m::ECS_API_KEYS_SECRET_NOT_INJECTED => {
                let api = &refs.base.api_secret;
                self.secrets.retain(|(_, from)| !from.starts_with(api.as_str()));
            }
            m::ECS_CREDENTIAL_IN_LOG_OPTIONS => {
                self.log_options.push(("apikey", format!("{SECRET_CANARY}-log-router")))
            }
            m::ECS_SIDECAR_WITHOUT_LOG_CONFIGURATION => self.sidecar = true,
            m::ECS_LOGS_TO_OTHER_GROUP => self.log_group = format!("/ecs/unencrypted-{suffix}"),
            m::ECS_LOGS_TO_OTHER_REGION => self.log_region = OTHER_REGION,
            m::ECS_EFS_VOLUME_ON_OTHER_FILE_SYSTEM => self.file_system = OTHER_FILE_SYSTEM.to_owned(),
            m::ECS_EFS_TRANSIT_ENCRYPTION_OFF => self.efs_transit_encryption = false,
            m::ECS_EFS_IAM_AUTHORIZATION_OFF => self.efs_iam = false,
            _ => {}
        }
    }
}

/// Where a second revision runs, beside the first the outputs name.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RunsOn {
    /// The service is updated to it.
    Service,
    /// The service is created on it, then updated to the first: its deployment still runs it.
    Deployment,
    /// One task of the service's group runs it.
    Task,
}

/// The second revision a mutant registers, and where it runs.
fn second_revision(refs: &Refs<'_>, mutants: &Mutants) -> Option<(RunsOn, RevisionSpec)> {
    let mut spec = RevisionSpec::compliant(refs);
    let suffix = &refs.base.suffix;
    let runs_on = mutants.iter().find_map(|mutant| match *mutant {
        m::ECS_SERVICE_REVISION_SECRET_IN_ENVIRONMENT => {
            spec.environment.push(("REDIS_PASS", format!("{SECRET_CANARY}-redis")));
            Some(RunsOn::Service)
        }
        m::ECS_DEPLOYMENT_REVISION_TOKEN_IN_ENVIRONMENT => {
            spec.environment.push(("UPSTREAM_HEADER", format!("Bearer {SECRET_CANARY}-upstream")));
            Some(RunsOn::Deployment)
        }
        m::ECS_DEPLOYMENT_REVISION_LOGS_TO_OTHER_GROUP => {
            spec.log_group = format!("/ecs/debug-{suffix}");
            Some(RunsOn::Deployment)
        }
        m::ECS_TASK_RUNNING_REVISION_WITHOUT_EFS_TLS => {
            spec.efs_transit_encryption = false;
            Some(RunsOn::Task)
        }
        _ => None,
    })?;
    Some((runs_on, spec))
}

/// The cluster, task definition, service and scaling as the template declares them, with the
/// mutants made at creation.
pub struct EcsSpec {
    pub cluster: String,
    pub container_insights: bool,
    pub family: String,
    pub image: String,
    /// The revision the outputs name.
    pub revision: RevisionSpec,
    /// A second revision a mutant registers, and where it runs.
    pub second: Option<(RunsOn, RevisionSpec)>,
    pub service: String,
    pub launch_type: LaunchType,
    /// The service's placement when it is created.
    pub network: Awsvpc,
    pub scaling_policy: String,
    pub scaling_metric: MetricType,
    pub cpu_target: f64,
    /// Whether the service's tasks are started: moto fails RunTask in a VPC without DNS
    /// hostnames (its task network interface then has no DNS name to report).
    pub tasks_run: bool,
}

/// A service's awsvpc placement.
#[derive(Clone)]
pub struct Awsvpc {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub public_ip: bool,
}

impl EcsSpec {
    pub fn new(refs: &Refs<'_>, mutants: &Mutants) -> Self {
        let base = refs.base;
        let suffix = &base.suffix;
        Self {
            cluster: format!("ecs-cluster-{suffix}"),
            // Made at creation: UpdateClusterSettings is not emulated.
            container_insights: !mutants.has(&m::ECS_CONTAINER_INSIGHTS_OFF),
            family: format!("ecs-task-{suffix}"),
            image: format!("{}.dkr.ecr.{REGION}.amazonaws.com/patient-records:1.0.0", refs.account),
            revision: RevisionSpec::first(refs, mutants),
            second: second_revision(refs, mutants),
            service: format!("ecs-service-{suffix}"),
            launch_type: if mutants.has(&m::ECS_SERVICE_EC2_LAUNCH_TYPE) {
                LaunchType::Ec2
            } else {
                LaunchType::Fargate
            },
            network: Awsvpc { public_ip: mutants.has(&m::ECS_DEPLOYMENT_PUBLIC_IP), ..compliant_placement(refs) },
            scaling_policy: format!("ecs-cpu-scaling-{suffix}"),
            scaling_metric: if mutants.has(&m::ECS_SCALING_POLICY_ON_MEMORY) {
                MetricType::EcsServiceAverageMemoryUtilization
            } else {
                MetricType::EcsServiceAverageCpuUtilization
            },
            cpu_target: if mutants.has(&m::ECS_SCALING_CPU_TARGET_RAISED) { 95.0 } else { CPU_TARGET },
            tasks_run: !mutants.has(&m::VPC_DNS_HOSTNAMES_OFF),
        }
    }
}

/// The placement the template declares: the private subnets, the app group, no public IP.
fn compliant_placement(refs: &Refs<'_>) -> Awsvpc {
    let base = refs.base;
    Awsvpc { subnets: base.private_subnets.to_vec(), security_groups: vec![base.sg.app.clone()], public_ip: false }
}

/// The containers' plain environment: endpoints and settings, never a secret.
fn environment(refs: &Refs<'_>) -> Vec<(&'static str, String)> {
    let suffix = &refs.base.suffix;
    vec![
        ("DB_HOST", format!("{}.cluster-c0ffee.{REGION}.rds.amazonaws.com", names::aurora_cluster(suffix))),
        ("DB_PORT", DB_PORT.to_string()),
        ("DB_SSL_MODE", "REQUIRED".into()),
        ("REDIS_HOST", format!("master.{}.c0ffee.euc1.cache.amazonaws.com", names::redis(suffix))),
        ("REDIS_PORT", CACHE_PORT.to_string()),
        ("REDIS_TLS", "true".into()),
        ("DATA_DIR", DATA_DIR.into()),
        ("AUDIT_LOG_GROUP", refs.base.audit_log_group.clone()),
    ]
}

/// The names ECS and auto scaling know the service by.
pub struct Service {
    pub cluster: String,
    pub name: String,
    /// The revision the outputs name.
    pub task_definition: String,
    /// A second revision a mutant registered.
    pub second: Option<(RunsOn, String)>,
}

impl Service {
    /// Auto scaling's id of the service.
    fn scaling_id(&self) -> String {
        format!("service/{}/{}", self.cluster, self.name)
    }

    /// The second revision, if it runs on `place`.
    fn second_on(&self, place: RunsOn) -> Option<&str> {
        self.second.as_ref().filter(|(on, _)| *on == place).map(|(_, arn)| arn.as_str())
    }
}

/// Creates the cluster, registers the task definition, creates the service, starts its tasks and
/// sets its scaling.
pub async fn create(
    ecs: &Ecs,
    scaling: &AutoScaling,
    spec: &EcsSpec,
    refs: &Refs<'_>,
    roles: &Roles,
    suffix: &Suffix,
) -> Result<Service, SeedError> {
    create_cluster(ecs, spec, suffix).await?;
    let task_definition = register_task_definition(ecs, spec, &spec.revision, refs, roles, suffix).await?;
    let second = match &spec.second {
        Some((on, revision)) => Some((*on, register_task_definition(ecs, spec, revision, refs, roles, suffix).await?)),
        None => None,
    };
    let service = Service { cluster: spec.cluster.clone(), name: spec.service.clone(), task_definition, second };
    create_service(ecs, spec, &service, suffix).await?;
    if spec.tasks_run {
        for placement in task_placements(refs) {
            run_task(ecs, &service, &service.task_definition, &placement).await?;
        }
    }
    register_scalable_target(scaling, &service, MIN_TASKS, MAX_TASKS, false).await?;
    put_cpu_scaling_policy(scaling, &service, spec).await?;
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

/// Registers a Fargate revision of the task definition; returns its ARN.
async fn register_task_definition(
    ecs: &Ecs,
    spec: &EcsSpec,
    revision: &RevisionSpec,
    refs: &Refs<'_>,
    roles: &Roles,
    suffix: &Suffix,
) -> Result<String, SeedError> {
    let platform =
        RuntimePlatform::builder().operating_system_family(OsFamily::Linux).cpu_architecture(CpuArchitecture::X8664);
    let mut containers = vec![container(spec, revision)?];
    if revision.sidecar {
        containers.push(sidecar(spec));
    }
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
        .set_container_definitions(Some(containers))
        .volumes(volume(revision, refs)?)
        .set_tags(Some(tags::ecs(&spec.family, suffix)))
        .send()
        .await
        .map_err(step("RegisterTaskDefinition"))?
        .task_definition
        .and_then(|t| t.task_definition_arn)
        .unwrap_or_default())
}

fn container(spec: &EcsSpec, revision: &RevisionSpec) -> Result<ContainerDefinition, SeedError> {
    let env = |(name, value): &(&str, String)| KeyValuePair::builder().name(*name).value(value).build();
    let secret = |(name, value_from): &(&str, String)| {
        Secret::builder().name(*name).value_from(value_from).build().map_err(step("Secret"))
    };
    let logs = revision.log_options.iter().fold(
        LogConfiguration::builder()
            .log_driver(LogDriver::Awslogs)
            .options("awslogs-group", &revision.log_group)
            .options("awslogs-region", revision.log_region)
            .options("awslogs-stream-prefix", "app"),
        |logs, (key, value)| logs.options(*key, value),
    );
    let logs = logs.build().map_err(step("LogConfiguration"))?;
    Ok(ContainerDefinition::builder()
        .name("app")
        .image(&spec.image)
        .essential(true)
        // A soft limit within the task's memory: moto runs no task whose containers name none.
        .memory_reservation(1536)
        .port_mappings(PortMapping::builder().container_port(APP_PORT).protocol(TransportProtocol::Tcp).build())
        .set_environment(Some(revision.environment.iter().map(env).collect()))
        .set_secrets(Some(revision.secrets.iter().map(secret).collect::<Result<_, _>>()?))
        .mount_points(MountPoint::builder().source_volume(VOLUME).container_path(DATA_DIR).read_only(false).build())
        .log_configuration(logs)
        .build())
}

/// A metrics sidecar without log configuration: its output is kept nowhere.
fn sidecar(spec: &EcsSpec) -> ContainerDefinition {
    ContainerDefinition::builder()
        .name("metrics-sidecar")
        .image(format!("{}:sidecar", spec.image.split(':').next().unwrap_or(&spec.image)))
        .essential(false)
        .memory_reservation(128)
        .build()
}

/// The patient data volume: EFS through the access point, IAM-authorized.
fn volume(revision: &RevisionSpec, refs: &Refs) -> Result<Volume, SeedError> {
    let transit =
        if revision.efs_transit_encryption { EfsTransitEncryption::Enabled } else { EfsTransitEncryption::Disabled };
    let iam = if revision.efs_iam { EfsAuthorizationConfigIam::Enabled } else { EfsAuthorizationConfigIam::Disabled };
    let authorization = EfsAuthorizationConfig::builder().access_point_id(refs.access_point).iam(iam).build();
    let efs = EfsVolumeConfiguration::builder()
        .file_system_id(&revision.file_system)
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

/// Creates the service on the first revision, or on the second when its deployment must run it,
/// settled: its deployment COMPLETED with as many tasks running as it desires, as a finished
/// deploy leaves it. moto runs no task, so it marks a deployment COMPLETED only when it is
/// created with none to start: the service is created at 0 tasks, then scaled to the stack's
/// count (moto applies a new desiredCount at once, runningCount with it). Created with tasks to
/// start, its deployment would stay IN_PROGRESS, a rollout `--settle` waits for
/// ([`start_rollout`]).
async fn create_service(ecs: &Ecs, spec: &EcsSpec, service: &Service, suffix: &Suffix) -> Result<(), SeedError> {
    let deployment = DeploymentConfiguration::builder()
        .minimum_healthy_percent(100)
        .maximum_percent(200)
        .deployment_circuit_breaker(DeploymentCircuitBreaker::builder().enable(true).rollback(true).build())
        .build();
    let revision = service.second_on(RunsOn::Deployment).unwrap_or(&service.task_definition);
    ecs.create_service()
        .cluster(&service.cluster)
        .service_name(&service.name)
        .task_definition(revision)
        .launch_type(spec.launch_type.clone())
        .desired_count(0)
        .enable_ecs_managed_tags(true)
        .propagate_tags(PropagateTags::Service)
        .enable_execute_command(false)
        .deployment_configuration(deployment)
        .network_configuration(network_configuration(&spec.network)?)
        .set_tags(Some(tags::ecs(&service.name, suffix)))
        .send()
        .await
        .map_err(step("CreateService"))?;
    scale(ecs, &service.cluster, &service.name, MIN_TASKS).await
}

/// UpdateService: desiredCount `count`.
async fn scale(ecs: &Ecs, cluster: &str, service: &str, count: i32) -> Result<(), SeedError> {
    ecs.update_service()
        .cluster(cluster)
        .service(service)
        .desired_count(count)
        .send()
        .await
        .map_err(step("UpdateService"))?;
    Ok(())
}

/// Where the service's tasks run: one per private subnet, in the app group.
fn task_placements(refs: &Refs<'_>) -> Vec<Awsvpc> {
    let placement = compliant_placement(refs);
    placement.subnets.iter().map(|s| Awsvpc { subnets: vec![s.clone()], ..placement.clone() }).collect()
}

/// Starts one task of the service's group, as the service would (moto starts none for it).
async fn run_task(ecs: &Ecs, service: &Service, revision: &str, placement: &Awsvpc) -> Result<(), SeedError> {
    ecs.run_task()
        .cluster(&service.cluster)
        .task_definition(revision)
        .launch_type(LaunchType::Fargate)
        .group(format!("service:{}", service.name))
        .started_by("ecs-svc/0000000000000000000")
        .network_configuration(network_configuration(placement)?)
        .send()
        .await
        .map_err(step("RunTask"))?;
    Ok(())
}

/// The service scales between `min` and `max` tasks; scaling out is suspended if `suspended`.
async fn register_scalable_target(
    scaling: &AutoScaling,
    service: &Service,
    min: i32,
    max: i32,
    suspended: bool,
) -> Result<(), SeedError> {
    let mut target = scaling
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(service.scaling_id())
        .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
        .min_capacity(min)
        .max_capacity(max);
    if suspended {
        target = target.suspended_state(SuspendedState::builder().dynamic_scaling_out_suspended(true).build());
    }
    target.send().await.map_err(step("RegisterScalableTarget"))?;
    Ok(())
}

/// Target tracking on the service's average CPU.
async fn put_cpu_scaling_policy(scaling: &AutoScaling, service: &Service, spec: &EcsSpec) -> Result<(), SeedError> {
    let metric = PredefinedMetricSpecification::builder()
        .predefined_metric_type(spec.scaling_metric.clone())
        .build()
        .map_err(step("PredefinedMetricSpecification"))?;
    let tracking = TargetTrackingScalingPolicyConfiguration::builder()
        .predefined_metric_specification(metric)
        .target_value(spec.cpu_target)
        .scale_in_cooldown(120)
        .scale_out_cooldown(60)
        .build()
        .map_err(step("TargetTrackingScalingPolicyConfiguration"))?;
    scaling
        .put_scaling_policy()
        .policy_name(&spec.scaling_policy)
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
/// applies them together. A service created with public IPs goes back to the template's
/// placement, leaving its first deployment as it was.
pub fn drifted_network(refs: &Refs<'_>, mutants: &Mutants) -> Option<Awsvpc> {
    let base = refs.base;
    let public_ip = mutants.has(&m::ECS_TASK_PUBLIC_IP);
    let public_subnet = mutants.has(&m::ECS_SERVICE_IN_PUBLIC_SUBNET);
    let extra_group = mutants.has(&m::ECS_SERVICE_EXTRA_SECURITY_GROUP);
    if !(public_ip || public_subnet || extra_group || mutants.has(&m::ECS_DEPLOYMENT_PUBLIC_IP)) {
        return None;
    }
    let mut placement = Awsvpc { public_ip, ..compliant_placement(refs) };
    if public_subnet {
        placement.subnets.push(base.public_subnets[0].clone());
    }
    if extra_group {
        placement.security_groups.push(base.sg.database.clone());
    }
    Some(placement)
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

/// The service's revision after the mutants asked for, if they change it: the second revision
/// when the service must run it, the first when only its first deployment must.
pub fn drifted_revision(service: &Service) -> Option<&str> {
    match service.second.as_ref()? {
        (RunsOn::Service, second) => Some(second),
        (RunsOn::Deployment, _) => Some(&service.task_definition),
        (RunsOn::Task, _) => None,
    }
}

/// UpdateService to `revision`.
pub async fn update_revision(ecs: &Ecs, service: &Service, revision: &str) -> Result<(), SeedError> {
    ecs.update_service()
        .cluster(&service.cluster)
        .service(&service.name)
        .task_definition(revision)
        .send()
        .await
        .map_err(step("UpdateService"))?;
    Ok(())
}

/// UpdateService: desiredCount 1.
pub async fn desire_one(ecs: &Ecs, service: &Service) -> Result<(), SeedError> {
    scale(ecs, &service.cluster, &service.name, 1).await
}

// A rollout caught under way, and finished: what `--settle` waits for.

/// Starts the service over, as it is (revision, launch type, placement, desired count), on a new
/// deployment IN_PROGRESS with none of its tasks running yet: the service as AWS shows it right
/// after a deploy that replaced it. moto takes a CreateService under the name of an existing
/// service as its replacement, and leaves a deployment created with tasks to start IN_PROGRESS.
pub async fn start_rollout(ecs: &Ecs, cluster: &str, service: &str) -> Result<(), SeedError> {
    let desired = recreate(ecs, cluster, service, None).await?;
    if desired == 0 {
        return Err(SeedError::Api {
            step: "CreateService".into(),
            detail: format!("service {service} desires no task: no rollout to start"),
        });
    }
    Ok(())
}

/// Finishes the rollout [`start_rollout`] started: the service as the seeder makes it, its
/// deployment COMPLETED with every desired task running.
pub async fn finish_rollout(ecs: &Ecs, cluster: &str, service: &str) -> Result<(), SeedError> {
    let desired = recreate(ecs, cluster, service, Some(0)).await?;
    scale(ecs, cluster, service, desired).await
}

/// CreateService again under the service's name, with its revision, launch type and placement,
/// desiring `desired` tasks (its own count when `None`); returns its own count.
async fn recreate(ecs: &Ecs, cluster: &str, service: &str, desired: Option<i32>) -> Result<i32, SeedError> {
    let described =
        ecs.describe_services().cluster(cluster).services(service).send().await.map_err(step("DescribeServices"))?;
    let Some(s) = described.services.unwrap_or_default().into_iter().next() else {
        return Err(SeedError::Api {
            step: "DescribeServices".into(),
            detail: format!("no service {service} in {cluster}"),
        });
    };
    ecs.create_service()
        .cluster(cluster)
        .service_name(service)
        .set_task_definition(s.task_definition)
        .set_launch_type(s.launch_type)
        .desired_count(desired.unwrap_or(s.desired_count))
        .set_network_configuration(s.network_configuration)
        .send()
        .await
        .map_err(step("CreateService"))?;
    Ok(s.desired_count)
}

/// RunTask: one more task of the service's group, where or as the mutant says.
pub async fn run_stray_task(ecs: &Ecs, refs: &Refs<'_>, service: &Service, mutant: &Mutant) -> Result<(), SeedError> {
    let base = refs.base;
    let mut placement = compliant_placement(refs);
    placement.subnets.truncate(1);
    let mut revision = service.task_definition.as_str();
    match *mutant {
        m::ECS_TASK_RUNNING_IN_PUBLIC_SUBNET => placement.subnets = vec![base.public_subnets[1].clone()],
        m::ECS_TASK_RUNNING_WITH_EXTRA_SECURITY_GROUP => placement.security_groups.push(base.sg.cache.clone()),
        m::ECS_TASK_RUNNING_REVISION_WITHOUT_EFS_TLS => {
            revision = service.second_on(RunsOn::Task).unwrap_or(revision);
        }
        _ => return Ok(()),
    }
    run_task(ecs, service, revision, &placement).await
}

/// RegisterScalableTarget again, with MinCapacity 1.
pub async fn scale_down_to_one(scaling: &AutoScaling, service: &Service) -> Result<(), SeedError> {
    register_scalable_target(scaling, service, 1, MAX_TASKS, false).await
}

/// RegisterScalableTarget again, with MaxCapacity 4.
pub async fn cap_at_four(scaling: &AutoScaling, service: &Service) -> Result<(), SeedError> {
    register_scalable_target(scaling, service, MIN_TASKS, 4, false).await
}

/// RegisterScalableTarget again, with dynamic scaling out suspended.
pub async fn suspend_scaling_out(scaling: &AutoScaling, service: &Service) -> Result<(), SeedError> {
    register_scalable_target(scaling, service, MIN_TASKS, MAX_TASKS, true).await
}
