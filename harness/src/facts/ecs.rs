//! ECS: a cluster with its settings, a service with its network placement and deployments, the
//! tasks it runs with their network interfaces, and task definitions with their containers,
//! volumes and log configuration. Environment variable VALUES are never kept: a check needs
//! their names and whether a value looks like a credential (decided here, as it is fetched), and
//! a value may be a credential that must not reach a report. Log options are kept the same way:
//! every key with its verdict, a value only for the keys the checks read ([`KEPT_LOG_OPTIONS`]).
//! Of a running task (DescribeTasks, whose reply holds the containers' override environments)
//! only its ARNs, status and network attachment are kept.

use std::collections::BTreeMap;

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{ClusterField, DesiredStatus};
use serde::Serialize;

use super::{Fact, FactError, Setting, classify};

/// The log options whose values the checks read: where the awslogs driver writes.
pub const KEPT_LOG_OPTIONS: &[&str] = &["awslogs-group", "awslogs-region", "awslogs-stream-prefix"];

const NOT_FOUND: &[&str] = &["ClusterNotFoundException", "ServiceNotFoundException"];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub cluster_arn: String,
    pub cluster_name: String,
    pub status: String,
    /// Cluster settings by name (`containerInsights` -> `enabled`).
    pub settings: BTreeMap<String, String>,
}

/// DescribeClusters with its settings, for one cluster by name or ARN.
pub async fn cluster(ecs: &Client, cluster: &str) -> Fact<Cluster> {
    let out = ecs
        .describe_clusters()
        .clusters(cluster)
        .include(ClusterField::Settings)
        .send()
        .await
        .map_err(|e| classify("DescribeClusters", &e, NOT_FOUND))?;
    let found = out.clusters.unwrap_or_default().into_iter().find(|c| c.status.as_deref() != Some("INACTIVE"));
    let Some(c) = found else {
        return Err(FactError::Absent { what: format!("ECS cluster {cluster}") });
    };
    Ok(Cluster {
        cluster_arn: c.cluster_arn.unwrap_or_default(),
        cluster_name: c.cluster_name.unwrap_or_default(),
        status: c.status.unwrap_or_default(),
        settings: c
            .settings
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| Some((s.name?.as_str().to_owned(), s.value.unwrap_or_default())))
            .collect(),
    })
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsVpcConfiguration {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// `ENABLED` or `DISABLED`; absent means the API default, `DISABLED`.
    pub assign_public_ip: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentCircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentConfiguration {
    pub maximum_percent: Option<i32>,
    pub minimum_healthy_percent: Option<i32>,
    pub deployment_circuit_breaker: Option<DeploymentCircuitBreaker>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub service_arn: String,
    pub service_name: String,
    pub cluster_arn: String,
    pub status: String,
    pub launch_type: Option<String>,
    pub platform_version: Option<String>,
    pub desired_count: i32,
    pub running_count: i32,
    pub task_definition: String,
    /// Capacity providers of the service's strategy, when it has one instead of a launch type.
    pub capacity_providers: Vec<String>,
    pub awsvpc_configuration: Option<AwsVpcConfiguration>,
    /// Absent on the emulator (moto drops it).
    pub deployment_configuration: Option<DeploymentConfiguration>,
    /// Every deployment of the service (PRIMARY, and ACTIVE ones still running older tasks):
    /// what actually runs, which may differ from the service's own settings.
    pub deployments: Vec<ServiceDeployment>,
}

/// One deployment of a service: the revision, placement and launch type its tasks run with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDeployment {
    pub id: String,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    pub status: String,
    pub task_definition: String,
    pub launch_type: Option<String>,
    pub capacity_providers: Vec<String>,
    pub awsvpc_configuration: Option<AwsVpcConfiguration>,
    /// `COMPLETED`, `IN_PROGRESS` or `FAILED`.
    pub rollout_state: Option<String>,
    pub desired_count: i32,
    pub running_count: i32,
}

fn awsvpc_of(n: Option<aws_sdk_ecs::types::NetworkConfiguration>) -> Option<AwsVpcConfiguration> {
    n.and_then(|n| n.awsvpc_configuration).map(|v| AwsVpcConfiguration {
        subnets: v.subnets,
        security_groups: v.security_groups.unwrap_or_default(),
        assign_public_ip: v.assign_public_ip.map(|a| a.as_str().to_owned()),
    })
}

fn providers_of(strategy: Option<Vec<aws_sdk_ecs::types::CapacityProviderStrategyItem>>) -> Vec<String> {
    strategy.unwrap_or_default().into_iter().map(|c| c.capacity_provider).collect()
}

/// DescribeServices for one service of one cluster.
pub async fn service(ecs: &Client, cluster: &str, service: &str) -> Fact<Service> {
    let out = ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(|e| classify("DescribeServices", &e, NOT_FOUND))?;
    let found = out.services.unwrap_or_default().into_iter().find(|s| s.status.as_deref() != Some("INACTIVE"));
    let Some(s) = found else {
        return Err(FactError::Absent { what: format!("ECS service {service} in cluster {cluster}") });
    };
    Ok(Service {
        service_arn: s.service_arn.unwrap_or_default(),
        service_name: s.service_name.unwrap_or_default(),
        cluster_arn: s.cluster_arn.unwrap_or_default(),
        status: s.status.unwrap_or_default(),
        launch_type: s.launch_type.map(|l| l.as_str().to_owned()),
        platform_version: s.platform_version,
        desired_count: s.desired_count,
        running_count: s.running_count,
        task_definition: s.task_definition.unwrap_or_default(),
        capacity_providers: providers_of(s.capacity_provider_strategy),
        awsvpc_configuration: awsvpc_of(s.network_configuration),
        deployment_configuration: s.deployment_configuration.map(|d| DeploymentConfiguration {
            maximum_percent: d.maximum_percent,
            minimum_healthy_percent: d.minimum_healthy_percent,
            deployment_circuit_breaker: d
                .deployment_circuit_breaker
                .map(|b| DeploymentCircuitBreaker { enable: b.enable, rollback: b.rollback }),
        }),
        deployments: s
            .deployments
            .unwrap_or_default()
            .into_iter()
            .map(|d| ServiceDeployment {
                id: d.id.unwrap_or_default(),
                status: d.status.unwrap_or_default(),
                task_definition: d.task_definition.unwrap_or_default(),
                launch_type: d.launch_type.map(|l| l.as_str().to_owned()),
                capacity_providers: providers_of(d.capacity_provider_strategy),
                awsvpc_configuration: awsvpc_of(d.network_configuration),
                rollout_state: d.rollout_state.map(|r| r.as_str().to_owned()),
                desired_count: d.desired_count,
                running_count: d.running_count,
            })
            .collect(),
    })
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretRef {
    pub name: String,
    pub value_from: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogConfiguration {
    pub log_driver: String,
    /// Every option, in key order, with the verdicts on its value; the value only for
    /// [`KEPT_LOG_OPTIONS`] (and never one that looks like a credential).
    pub options: Vec<Setting>,
    /// Options injected from secrets (`secretOptions`): where they come from, never their values.
    pub secret_options: Vec<SecretRef>,
}

impl LogConfiguration {
    /// The kept value of option `key`, if it is set and kept.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options.iter().find(|o| o.name == key).and_then(|o| o.value.as_deref())
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub name: String,
    pub image: String,
    /// The plain environment variables, each with the verdicts on its value, never the value.
    pub environment: Vec<Setting>,
    pub secrets: Vec<SecretRef>,
    pub log_configuration: Option<LogConfiguration>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EfsVolumeConfiguration {
    pub file_system_id: String,
    pub root_directory: Option<String>,
    pub transit_encryption: Option<String>,
    pub access_point_id: Option<String>,
    /// `authorizationConfig.iam`.
    pub iam: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    pub name: String,
    pub efs_volume_configuration: Option<EfsVolumeConfiguration>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskDefinition {
    pub task_definition_arn: String,
    pub family: String,
    pub revision: i32,
    pub status: String,
    pub network_mode: Option<String>,
    pub requires_compatibilities: Vec<String>,
    pub execution_role_arn: Option<String>,
    pub task_role_arn: Option<String>,
    pub container_definitions: Vec<Container>,
    pub volumes: Vec<Volume>,
}

/// DescribeTaskDefinition for one revision by ARN (or family:revision).
pub async fn task_definition(ecs: &Client, task_definition: &str) -> Fact<TaskDefinition> {
    let out = ecs.describe_task_definition().task_definition(task_definition).send().await.map_err(|e| {
        match classify("DescribeTaskDefinition", &e, NOT_FOUND) {
            // ECS answers an unknown revision with ClientException "Unable to describe task definition."
            FactError::Api { detail, .. }
                if detail.starts_with("ClientException") && detail.contains("Unable to describe") =>
            {
                FactError::Absent { what: format!("task definition {task_definition}") }
            }
            other => other,
        }
    })?;
    let Some(td) = out.task_definition else {
        return Err(FactError::Absent { what: format!("task definition {task_definition}") });
    };
    let secret_refs = |secrets: Option<Vec<aws_sdk_ecs::types::Secret>>| -> Vec<SecretRef> {
        secrets.unwrap_or_default().into_iter().map(|s| SecretRef { name: s.name, value_from: s.value_from }).collect()
    };
    let containers = td
        .container_definitions
        .unwrap_or_default()
        .into_iter()
        .map(|c| Container {
            name: c.name.unwrap_or_default(),
            image: c.image.unwrap_or_default(),
            environment: c.environment.unwrap_or_default().into_iter().filter_map(variable).collect(),
            secrets: secret_refs(c.secrets),
            log_configuration: c.log_configuration.map(|l| LogConfiguration {
                log_driver: l.log_driver.as_str().to_owned(),
                options: log_options(l.options.unwrap_or_default()),
                secret_options: secret_refs(l.secret_options),
            }),
        })
        .collect();
    let volumes = td
        .volumes
        .unwrap_or_default()
        .into_iter()
        .map(|v| Volume {
            name: v.name.unwrap_or_default(),
            efs_volume_configuration: v.efs_volume_configuration.map(|e| EfsVolumeConfiguration {
                file_system_id: e.file_system_id,
                root_directory: e.root_directory,
                transit_encryption: e.transit_encryption.map(|t| t.as_str().to_owned()),
                access_point_id: e.authorization_config.as_ref().and_then(|a| a.access_point_id.clone()),
                iam: e.authorization_config.and_then(|a| a.iam).map(|i| i.as_str().to_owned()),
            }),
        })
        .collect();
    Ok(TaskDefinition {
        task_definition_arn: td.task_definition_arn.unwrap_or_default(),
        family: td.family.unwrap_or_default(),
        revision: td.revision,
        status: td.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        network_mode: td.network_mode.map(|n| n.as_str().to_owned()),
        requires_compatibilities: td
            .requires_compatibilities
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        execution_role_arn: td.execution_role_arn,
        task_role_arn: td.task_role_arn,
        container_definitions: containers,
        volumes,
    })
}

/// An environment variable as kept: its value judged and dropped here.
fn variable(kv: aws_sdk_ecs::types::KeyValuePair) -> Option<Setting> {
    Some(Setting::judged(kv.name?, kv.value.as_deref().unwrap_or_default(), false))
}

/// Log options as kept, in key order: each judged, its value kept only for [`KEPT_LOG_OPTIONS`].
fn log_options(options: impl IntoIterator<Item = (String, String)>) -> Vec<Setting> {
    let mut kept: Vec<Setting> = options
        .into_iter()
        .map(|(k, v)| {
            let keep = KEPT_LOG_OPTIONS.contains(&k.as_str());
            Setting::judged(k, &v, keep)
        })
        .collect();
    kept.sort_by(|a, b| a.name.cmp(&b.name));
    kept
}

/// A task's network interface, as EC2 describes it: what the task actually got.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskNetworkInterface {
    pub network_interface_id: String,
    pub subnet_id: String,
    /// The security groups attached to the interface.
    pub groups: Vec<String>,
    /// The public address associated with it, if any.
    pub public_ip: Option<String>,
}

/// A task a service runs (desired status RUNNING).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunningTask {
    pub task_arn: String,
    /// `service:<service name>` for a service's task.
    pub group: String,
    pub last_status: String,
    pub task_definition_arn: String,
    /// The subnet of the task's elastic network interface attachment.
    pub subnet_id: Option<String>,
    pub network_interface_id: Option<String>,
    /// The interface as EC2 describes it; None if EC2 no longer knows it.
    pub network_interface: Option<TaskNetworkInterface>,
}

/// The tasks of one service whose desired status is RUNNING (ListTasks every page, DescribeTasks
/// in batches of 100), each with its network interface (DescribeNetworkInterfaces). Only tasks of
/// the service's group are kept: a task another service or a person started is not the
/// service's.
pub async fn service_tasks(
    ecs: &Client,
    ec2: &aws_sdk_ec2::Client,
    cluster: &str,
    service: &str,
) -> Fact<Vec<RunningTask>> {
    let arns = ecs
        .list_tasks()
        .cluster(cluster)
        .service_name(service)
        .desired_status(DesiredStatus::Running)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("ListTasks", &e, NOT_FOUND))?;
    let mut tasks = Vec::new();
    for batch in arns.chunks(100) {
        let out = ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(batch.to_vec()))
            .send()
            .await
            .map_err(|e| classify("DescribeTasks", &e, NOT_FOUND))?;
        tasks.extend(out.tasks.unwrap_or_default());
    }
    let group = format!("service:{service}");
    let mut running: Vec<RunningTask> =
        tasks.into_iter().filter(|t| t.group.as_deref() == Some(group.as_str())).map(running_task).collect();
    let ids: Vec<String> = running.iter().filter_map(|t| t.network_interface_id.clone()).collect();
    let interfaces = network_interfaces(ec2, &ids).await?;
    for task in &mut running {
        task.network_interface =
            interfaces.iter().find(|i| Some(&i.network_interface_id) == task.network_interface_id.as_ref()).cloned();
    }
    Ok(running)
}

fn running_task(t: aws_sdk_ecs::types::Task) -> RunningTask {
    let eni =
        t.attachments.unwrap_or_default().into_iter().find(|a| a.r#type.as_deref() == Some("ElasticNetworkInterface"));
    let detail = |name: &str| {
        eni.as_ref()
            .and_then(|a| a.details.as_ref())
            .and_then(|d| d.iter().find(|kv| kv.name.as_deref() == Some(name)))
            .and_then(|kv| kv.value.clone())
    };
    RunningTask {
        task_arn: t.task_arn.unwrap_or_default(),
        group: t.group.unwrap_or_default(),
        last_status: t.last_status.unwrap_or_default(),
        task_definition_arn: t.task_definition_arn.unwrap_or_default(),
        subnet_id: detail("subnetId"),
        network_interface_id: detail("networkInterfaceId"),
        network_interface: None,
    }
}

/// DescribeNetworkInterfaces for `ids`, by filter: an interface that is gone is left out rather
/// than failing the rest.
async fn network_interfaces(ec2: &aws_sdk_ec2::Client, ids: &[String]) -> Fact<Vec<TaskNetworkInterface>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter =
        aws_sdk_ec2::types::Filter::builder().name("network-interface-id").set_values(Some(ids.to_vec())).build();
    let found = ec2
        .describe_network_interfaces()
        .filters(filter)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("DescribeNetworkInterfaces", &e, &[]))?;
    Ok(found
        .into_iter()
        .map(|n| TaskNetworkInterface {
            network_interface_id: n.network_interface_id.unwrap_or_default(),
            subnet_id: n.subnet_id.unwrap_or_default(),
            groups: n.groups.unwrap_or_default().into_iter().filter_map(|g| g.group_id).collect(),
            public_ip: n.association.and_then(|a| a.public_ip),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_options_keep_every_key_with_its_verdict_and_only_the_read_values() {
        let options = [
            ("awslogs-group", "/ecs/app-pr1"),
            ("awslogs-region", "eu-central-1"),
            ("apikey", "plainword"),
            ("Host", "http-intake.logs.example.com"),
            ("tls", "mysql://app:Zq8RkT3vWm6Y@db:3306/phi"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let logs = LogConfiguration {
            log_driver: "awsfirelens".into(),
            options: log_options(options),
            secret_options: vec![],
        };
        assert_eq!(logs.option("awslogs-group"), Some("/ecs/app-pr1"));
        assert_eq!(logs.option("awslogs-region"), Some("eu-central-1"));
        assert_eq!(logs.option("Host"), None, "not read by a check, so not kept");
        let names: Vec<&str> = logs.options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["Host", "apikey", "awslogs-group", "awslogs-region", "tls"]);
        let flagged: Vec<&str> =
            logs.options.iter().filter(|o| o.plaintext_credential().is_some()).map(|o| o.name.as_str()).collect();
        assert_eq!(flagged, ["apikey", "tls"]);
        let json = serde_json::to_string(&logs).unwrap();
        for value in ["plainword", "Zq8RkT3vWm6Y", "http-intake"] {
            assert!(!json.contains(value), "{value} kept: {json}");
        }
    }
}
