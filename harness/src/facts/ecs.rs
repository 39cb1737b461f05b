//! ECS: a cluster with its settings, a service with its network placement, and a task definition
//! with its containers, volumes and log configuration. Environment variable VALUES are never
//! kept: a check needs their names only, and a value may be a credential that must not reach a
//! report.

use std::collections::BTreeMap;

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::ClusterField;
use serde::Serialize;

use super::{Fact, FactError, classify};

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
    pub awsvpc_configuration: Option<AwsVpcConfiguration>,
    /// Absent on the emulator (moto drops it).
    pub deployment_configuration: Option<DeploymentConfiguration>,
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
        awsvpc_configuration: s.network_configuration.and_then(|n| n.awsvpc_configuration).map(|v| {
            AwsVpcConfiguration {
                subnets: v.subnets,
                security_groups: v.security_groups.unwrap_or_default(),
                assign_public_ip: v.assign_public_ip.map(|a| a.as_str().to_owned()),
            }
        }),
        deployment_configuration: s.deployment_configuration.map(|d| DeploymentConfiguration {
            maximum_percent: d.maximum_percent,
            minimum_healthy_percent: d.minimum_healthy_percent,
            deployment_circuit_breaker: d
                .deployment_circuit_breaker
                .map(|b| DeploymentCircuitBreaker { enable: b.enable, rollback: b.rollback }),
        }),
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
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub name: String,
    pub image: String,
    /// Names of the plain environment variables; their values are deliberately not kept.
    pub environment_names: Vec<String>,
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
    let containers = td
        .container_definitions
        .unwrap_or_default()
        .into_iter()
        .map(|c| Container {
            name: c.name.unwrap_or_default(),
            image: c.image.unwrap_or_default(),
            environment_names: c.environment.unwrap_or_default().into_iter().filter_map(|kv| kv.name).collect(),
            secrets: c
                .secrets
                .unwrap_or_default()
                .into_iter()
                .map(|s| SecretRef { name: s.name, value_from: s.value_from })
                .collect(),
            log_configuration: c.log_configuration.map(|l| LogConfiguration {
                log_driver: l.log_driver.as_str().to_owned(),
                options: l.options.unwrap_or_default().into_iter().collect(),
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
