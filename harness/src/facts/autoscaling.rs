//! Application Auto Scaling: one scalable target and the scaling policies attached to it.

use aws_sdk_applicationautoscaling::Client;
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use serde::Serialize;

use super::{Fact, FactError, classify};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalableTarget {
    pub service_namespace: String,
    pub resource_id: String,
    pub scalable_dimension: String,
    pub min_capacity: i32,
    pub max_capacity: i32,
    /// Which scaling is suspended; absent means none.
    pub suspended_state: Option<SuspendedState>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SuspendedState {
    pub dynamic_scaling_in_suspended: bool,
    pub dynamic_scaling_out_suspended: bool,
    pub scheduled_scaling_suspended: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetTracking {
    pub target_value: f64,
    pub predefined_metric_type: Option<String>,
    pub scale_in_cooldown: Option<i32>,
    pub scale_out_cooldown: Option<i32>,
    pub disable_scale_in: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalingPolicy {
    pub policy_name: String,
    pub policy_type: String,
    pub target_tracking_scaling_policy_configuration: Option<TargetTracking>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Scaling {
    pub scalable_target: ScalableTarget,
    pub scaling_policies: Vec<ScalingPolicy>,
}

/// DescribeScalableTargets and DescribeScalingPolicies for one resource and dimension
/// (`service/<cluster>/<service>`, `ecs:service:DesiredCount`). No registered target is absence.
pub async fn scaling(
    aas: &Client,
    namespace: ServiceNamespace,
    resource_id: &str,
    dimension: ScalableDimension,
) -> Fact<Scaling> {
    let not_found = ["ObjectNotFoundException"];
    let (targets, policies) = tokio::join!(
        aas.describe_scalable_targets()
            .service_namespace(namespace.clone())
            .resource_ids(resource_id)
            .scalable_dimension(dimension.clone())
            .send(),
        aas.describe_scaling_policies()
            .service_namespace(namespace.clone())
            .resource_id(resource_id)
            .scalable_dimension(dimension.clone())
            .send(),
    );
    let targets = targets.map_err(|e| classify("DescribeScalableTargets", &e, &not_found))?;
    let policies = policies.map_err(|e| classify("DescribeScalingPolicies", &e, &not_found))?;
    let target = targets
        .scalable_targets
        .unwrap_or_default()
        .into_iter()
        .find(|t| t.resource_id == resource_id && t.scalable_dimension == dimension)
        .ok_or_else(|| FactError::Absent { what: format!("scalable target {resource_id} ({})", dimension.as_str()) })?;
    Ok(Scaling {
        scalable_target: ScalableTarget {
            service_namespace: target.service_namespace.as_str().to_owned(),
            resource_id: target.resource_id,
            scalable_dimension: target.scalable_dimension.as_str().to_owned(),
            min_capacity: target.min_capacity,
            max_capacity: target.max_capacity,
            suspended_state: target.suspended_state.map(|s| SuspendedState {
                dynamic_scaling_in_suspended: s.dynamic_scaling_in_suspended.unwrap_or(false),
                dynamic_scaling_out_suspended: s.dynamic_scaling_out_suspended.unwrap_or(false),
                scheduled_scaling_suspended: s.scheduled_scaling_suspended.unwrap_or(false),
            }),
        },
        scaling_policies: policies
            .scaling_policies
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.resource_id == resource_id && p.scalable_dimension == dimension)
            .map(|p| ScalingPolicy {
                policy_name: p.policy_name,
                policy_type: p.policy_type.as_str().to_owned(),
                target_tracking_scaling_policy_configuration: p.target_tracking_scaling_policy_configuration.map(|t| {
                    TargetTracking {
                        target_value: t.target_value,
                        predefined_metric_type: t
                            .predefined_metric_specification
                            .map(|m| m.predefined_metric_type.as_str().to_owned()),
                        scale_in_cooldown: t.scale_in_cooldown,
                        scale_out_cooldown: t.scale_out_cooldown,
                        disable_scale_in: t.disable_scale_in,
                    }
                }),
            })
            .collect(),
    })
}

/// The scalable target and policies of one ECS service's desired count.
pub async fn ecs_service(aas: &Client, cluster: &str, service: &str) -> Fact<Scaling> {
    scaling(
        aas,
        ServiceNamespace::Ecs,
        &ecs_service_resource_id(cluster, service),
        ScalableDimension::EcsServiceDesiredCount,
    )
    .await
}

/// Application Auto Scaling's name for an ECS service: `service/<cluster>/<service>`.
pub fn ecs_service_resource_id(cluster: &str, service: &str) -> String {
    format!("service/{cluster}/{service}")
}
