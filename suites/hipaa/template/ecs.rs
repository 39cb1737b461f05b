//! The Fargate service: on Fargate with a rollback breaker, tasks private and without public
//! IPs, credentials from the existing secrets, logs to the stack's ECS log group, scaling from 2
//! to 10 tasks on CPU, Container Insights on, and the EFS volume mounted over TLS with IAM.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, judge_value, missing, per_resource};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, reference};

use super::{
    Change, Mutation, Own, TemplateFacts, is_secret_parameter, items, judge_found, number, only_private_subnets,
    private_subnets, targets,
};
use stackproof_harness::secret::looks_secret;

use crate::hipaa::ecs::{MAX_TASKS, MIN_TASKS};
use crate::hipaa::outputs::{ECS_LOG_GROUP_NAME, EFS_FILE_SYSTEM_ID};

pub const ECS_EC2_LAUNCH_TYPE: Mutation = Mutation {
    name: "ecs-ec2-launch-type",
    resource: "EcsService",
    property: "LaunchType",
    change: Change::Set(r#""EC2""#),
};

pub const ECS_PUBLIC_IP: Mutation = Mutation {
    name: "ecs-public-ip",
    resource: "EcsService",
    property: "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
    change: Change::Set(r#""ENABLED""#),
};

pub const ECS_SERVICE_PUBLIC_SUBNET: Mutation = Mutation {
    name: "ecs-service-public-subnet",
    resource: "EcsService",
    property: "NetworkConfiguration.AwsvpcConfiguration.Subnets",
    change: Change::Set(r#"[{"Ref": "PublicSubnet1"}, {"Ref": "PrivateSubnet2"}]"#),
};

pub const ECS_PASSWORD_IN_ENVIRONMENT: Mutation = Mutation {
    name: "ecs-password-in-environment",
    resource: "TaskDefinition",
    property: "ContainerDefinitions[0].Environment",
    change: Change::Custom(put_password_in_environment),
};

pub const ECS_LOGS_TO_UNMANAGED_GROUP: Mutation = Mutation {
    name: "ecs-logs-to-unmanaged-group",
    resource: "TaskDefinition",
    property: "ContainerDefinitions[0].LogConfiguration.Options.awslogs-group",
    change: Change::Custom(log_to_unmanaged_group),
};

pub const ECS_MIN_CAPACITY_ONE: Mutation = Mutation {
    name: "ecs-min-capacity-one",
    resource: "EcsScalableTarget",
    property: "MinCapacity",
    change: Change::Set("1"),
};

pub const CONTAINER_INSIGHTS_OFF: Mutation = Mutation {
    name: "container-insights-off",
    resource: "EcsCluster",
    property: "ClusterSettings",
    change: Change::Set(r#"[{"Name": "containerInsights", "Value": "disabled"}]"#),
};

pub const ECS_EFS_TRANSIT_PLAINTEXT: Mutation = Mutation {
    name: "ecs-efs-transit-plaintext",
    resource: "TaskDefinition",
    property: "Volumes[0].EFSVolumeConfiguration.TransitEncryption",
    change: Change::Custom(mount_efs_without_tls),
};

fn first_container(t: &mut Template) -> Option<&mut Value> {
    t.resource_mut("TaskDefinition")?.pointer_mut("/Properties/ContainerDefinitions/0")
}

fn put_password_in_environment(t: &mut Template) {
    if let Some(env) = first_container(t).and_then(|c| c.get_mut("Environment")).and_then(Value::as_array_mut) {
        env.push(serde_json::json!({"Name": "DB_PASSWORD", "Value": "ChangeMe-Passw0rd"}));
    }
}

fn log_to_unmanaged_group(t: &mut Template) {
    if let Some(group) = first_container(t).and_then(|c| c.pointer_mut("/LogConfiguration/Options/awslogs-group")) {
        *group = Value::String("/ecs/app".into());
    }
}

fn mount_efs_without_tls(t: &mut Template) {
    let mode = t
        .resource_mut("TaskDefinition")
        .and_then(|r| r.pointer_mut("/Properties/Volumes/0/EFSVolumeConfiguration/TransitEncryption"));
    if let Some(mode) = mode {
        *mode = Value::String("DISABLED".into());
    }
}

const SERVICE: &str = "AWS::ECS::Service";
const TASK_DEFINITION: &str = "AWS::ECS::TaskDefinition";
const AWSVPC: &str = "NetworkConfiguration.AwsvpcConfiguration";

/// Each container definition of a task definition with its index; a task without any fails.
fn each_container(r: &Resource, judge_one: impl Fn(String, &Value) -> Vec<Finding>) -> Vec<Finding> {
    let containers = items(r.prop("ContainerDefinitions"));
    if containers.is_empty() {
        return vec![judge(r, "ContainerDefinitions", false, "at least one container definition")];
    }
    containers.into_iter().enumerate().flat_map(|(i, c)| judge_one(format!("ContainerDefinitions[{i}]"), c)).collect()
}

pub const ECS_SERVICE_RUNS_ON_FARGATE: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "ECS services run their desired tasks on Fargate and roll back failed deployments",
        remediation: "template.yml: EcsService (AWS::ECS::Service) needs LaunchType: FARGATE, DesiredCount: 2 and DeploymentConfiguration.DeploymentCircuitBreaker {Enable: true, Rollback: true}.",
        ..crate::hipaa::ecs::ECS_SERVICE_RUNS_ON_FARGATE.info
    },
    claims: &[Claim {
        property: "LaunchType",
        about: "ECS services run their desired tasks on Fargate and roll back failed deployments",
        mutants: &[&ECS_EC2_LAUNCH_TYPE],
        not_emulated: None,
    }],
    run: ecs_service_runs_on_fargate,
};

fn ecs_service_runs_on_fargate(f: &TemplateFacts) -> Vec<Finding> {
    let breaker = "DeploymentConfiguration.DeploymentCircuitBreaker";
    per_resource(&f.template, SERVICE, "LaunchType", |s| {
        let both = is_true(s.prop(&format!("{breaker}.Enable"))) && is_true(s.prop(&format!("{breaker}.Rollback")));
        vec![
            on_fargate(s),
            judge(s, "DesiredCount", number(s.prop("DesiredCount")).is_some_and(|n| n >= 1.0), "at least 1"),
            judge(s, breaker, both, "Enable: true, Rollback: true"),
        ]
    })
}

/// LaunchType FARGATE, or a capacity provider strategy made only of Fargate providers.
fn on_fargate(s: &Resource) -> Finding {
    let expected = "FARGATE (or only FARGATE/FARGATE_SPOT capacity providers)";
    if s.prop("LaunchType").is_some() || s.prop("CapacityProviderStrategy").is_none() {
        return judge(s, "LaunchType", s.prop("LaunchType").and_then(Value::as_str) == Some("FARGATE"), expected);
    }
    let providers = items(s.prop("CapacityProviderStrategy"));
    let fargate = providers
        .iter()
        .all(|p| matches!(p.get("CapacityProvider").and_then(Value::as_str), Some("FARGATE" | "FARGATE_SPOT")));
    judge(s, "CapacityProviderStrategy", !providers.is_empty() && fargate, expected)
}

pub const ECS_TASKS_NO_PUBLIC_IP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        remediation: "template.yml: EcsService (AWS::ECS::Service) NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp: DISABLED.",
        ..crate::hipaa::ecs::ECS_TASKS_NO_PUBLIC_IP.info
    },
    claims: &[Claim {
        property: "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
        about: "ECS tasks get no public IP address",
        mutants: &[&ECS_PUBLIC_IP],
        not_emulated: None,
    }],
    run: ecs_tasks_no_public_ip,
};

fn ecs_tasks_no_public_ip(f: &TemplateFacts) -> Vec<Finding> {
    let public_ip = format!("{AWSVPC}.AssignPublicIp");
    per_resource(&f.template, SERVICE, &public_ip, |s| {
        let disabled = s.prop(&public_ip).and_then(Value::as_str) == Some("DISABLED");
        vec![judge(s, &public_ip, disabled, "DISABLED")]
    })
}

pub const ECS_TASKS_IN_PRIVATE_SUBNETS: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "ECS tasks run only in the template's private subnets",
        remediation: "template.yml: EcsService (AWS::ECS::Service) NetworkConfiguration.AwsvpcConfiguration.Subnets: [!Ref PrivateSubnet1, !Ref PrivateSubnet2] only.",
        ..crate::hipaa::ecs::ECS_TASKS_IN_PRIVATE_SUBNETS.info
    },
    claims: &[Claim {
        property: "NetworkConfiguration.AwsvpcConfiguration.Subnets",
        about: "ECS tasks run only in the template's private subnets",
        mutants: &[&ECS_SERVICE_PUBLIC_SUBNET],
        not_emulated: None,
    }],
    run: ecs_tasks_in_private_subnets,
};

fn ecs_tasks_in_private_subnets(f: &TemplateFacts) -> Vec<Finding> {
    let private = private_subnets(&f.template);
    let subnets = format!("{AWSVPC}.Subnets");
    per_resource(&f.template, SERVICE, &subnets, |s| {
        let ok = only_private_subnets(&private, s.prop(&subnets));
        vec![judge(s, &subnets, ok, "only private subnets of this stack")]
    })
}

pub const ECS_SECRETS_FROM_SECRETS_MANAGER: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Containers take credentials only from the existing secrets, never from plain environment variables",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) ContainerDefinitions[].Secrets[].ValueFrom: !Sub '${DatabaseSecretArn}:<key>::' or !Ref ApiKeysSecretArn, both secrets injected; no Environment entry with a value named like PASSWORD, SECRET, TOKEN, API_KEY, AUTH or CREDENTIAL.",
        ..crate::hipaa::ecs::ECS_SECRETS_FROM_SECRETS_MANAGER.info
    },
    claims: &[Claim {
        property: "ContainerDefinitions[0].Environment",
        about: "Containers take credentials only from the existing secrets, never from plain environment variables",
        mutants: &[&ECS_PASSWORD_IN_ENVIRONMENT],
        not_emulated: None,
    }],
    run: ecs_secrets_from_secrets_manager,
};

fn ecs_secrets_from_secrets_manager(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, TASK_DEFINITION, "ContainerDefinitions", |task| {
        let mut findings = each_container(task, |at, c| {
            let secrets = c.get("Secrets");
            let from_parameters =
                |s: &&Value| s.get("ValueFrom").is_some_and(|v| targets(v).iter().any(|p| is_secret_parameter(t, p)));
            let fetched = !items(secrets).is_empty() && items(secrets).iter().all(from_parameters);
            let environment = c.get("Environment");
            let leaked: Vec<&str> = items(environment)
                .into_iter()
                .filter(|e| carries_secret(e))
                .filter_map(|e| e.get("Name")?.as_str())
                .collect();
            let named = if leaked.is_empty() { "none".to_owned() } else { leaked.join(", ") };
            let expected = "no secret-like variable with a value";
            vec![
                judge_value(task, format!("{at}.Secrets"), secrets, fetched, "ValueFrom naming a secret ARN parameter"),
                Finding::judge(task.id, format!("{at}.Environment"), leaked.is_empty(), expected, named, &environment),
            ]
        });
        findings.push(every_secret_injected(t, task));
        findings
    })
}

/// The stack consumes each of its secret ARN parameters: a task definition that leaves one out
/// runs without the credential it was given.
fn every_secret_injected(t: &Template, task: &Resource) -> Finding {
    let parameters: Vec<&str> = t
        .body
        .get("Parameters")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).filter(|name| is_secret_parameter(t, name)).collect())
        .unwrap_or_default();
    let referenced: Vec<&str> = items(task.prop("ContainerDefinitions"))
        .into_iter()
        .flat_map(|c| items(c.get("Secrets")))
        .filter_map(|s| s.get("ValueFrom"))
        .flat_map(targets)
        .collect();
    let left_out: Vec<&str> = parameters.iter().copied().filter(|p| !referenced.contains(p)).collect();
    let actual =
        if left_out.is_empty() { "all injected".to_owned() } else { format!("not injected: {}", left_out.join(", ")) };
    let expected = if parameters.is_empty() {
        "a secret ARN parameter of the template (none declared)".to_owned()
    } else {
        format!("every secret ARN parameter injected ({})", parameters.join(", "))
    };
    let ok = !parameters.is_empty() && left_out.is_empty();
    Finding::judge(task.id, "ContainerDefinitions[].Secrets", ok, expected, actual, &referenced)
}

/// An environment entry whose name looks like a credential (the judgement every suite makes) and
/// which carries a value.
fn carries_secret(entry: &Value) -> bool {
    let name = entry.get("Name").and_then(Value::as_str).unwrap_or("");
    let value = entry.get("Value").is_some_and(|v| v.as_str() != Some(""));
    value && looks_secret(name)
}

pub const ECS_LOGS_TO_STACK_LOG_GROUP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every container logs with awslogs to the stack's ECS log group",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) ContainerDefinitions[].LogConfiguration {LogDriver: awslogs, Options.awslogs-group: !Ref EcsLogGroup (the group output EcsLogGroupName names)}.",
        ..crate::hipaa::ecs::ECS_LOGS_TO_STACK_LOG_GROUP.info
    },
    claims: &[Claim {
        property: "ContainerDefinitions[0].LogConfiguration.Options.awslogs-group",
        about: "Every container logs with awslogs to the stack's ECS log group",
        mutants: &[&ECS_LOGS_TO_UNMANAGED_GROUP],
        not_emulated: None,
    }],
    run: ecs_logs_to_stack_log_group,
};

fn ecs_logs_to_stack_log_group(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let stack_group = Own::of(t, ECS_LOG_GROUP_NAME);
    per_resource(t, TASK_DEFINITION, "ContainerDefinitions", |task| {
        each_container(task, |at, c| {
            let driver = c.pointer("/LogConfiguration/LogDriver");
            let group = c.pointer("/LogConfiguration/Options/awslogs-group");
            let awslogs = driver.and_then(Value::as_str) == Some("awslogs");
            vec![
                judge_value(task, format!("{at}.LogConfiguration.LogDriver"), driver, awslogs, "awslogs"),
                judge_value(
                    task,
                    format!("{at}.LogConfiguration.Options.awslogs-group"),
                    group,
                    stack_group.named_by(group),
                    stack_group.expected(),
                ),
            ]
        })
    })
}

pub const ECS_SERVICE_AUTO_SCALING: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every ECS service scales between at least 2 and 10 tasks with a target-tracking policy on CPU",
        remediation: "template.yml: EcsScalableTarget (AWS::ApplicationAutoScaling::ScalableTarget, ResourceId service/${EcsCluster}/${EcsService.Name}) MinCapacity: 2, MaxCapacity: 10; EcsCpuScalingPolicy TargetTrackingScaling on ECSServiceAverageCPUUtilization with ScalingTargetId: !Ref EcsScalableTarget.",
        ..crate::hipaa::ecs::ECS_SERVICE_AUTO_SCALING.info
    },
    claims: &[Claim {
        property: "MinCapacity",
        about: "Every ECS service scales between at least 2 and 10 tasks with a target-tracking policy on CPU",
        mutants: &[&ECS_MIN_CAPACITY_ONE],
        not_emulated: None,
    }],
    run: ecs_service_auto_scaling,
};

fn ecs_service_auto_scaling(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, SERVICE, "ScalableTarget", |service| {
        let scaling: Vec<Resource> = t
            .resources_of("AWS::ApplicationAutoScaling::ScalableTarget")
            .filter(|s| s.prop("ScalableDimension").and_then(Value::as_str) == Some("ecs:service:DesiredCount"))
            .filter(|s| s.prop("ResourceId").is_some_and(|v| targets(v).contains(&service.id)))
            .collect();
        if scaling.is_empty() {
            return vec![missing(
                service,
                "ScalableTarget",
                "an AWS::ApplicationAutoScaling::ScalableTarget on its DesiredCount",
            )];
        }
        scaling.iter().flat_map(|s| scales_on_cpu(t, s)).collect()
    })
}

fn scales_on_cpu(t: &Template, target: &Resource) -> [Finding; 3] {
    let at_least = |property: &str, min: i32| {
        let ok = number(target.prop(property)).is_some_and(|n| n >= f64::from(min));
        judge(target, property, ok, format!("at least {min}"))
    };
    let cpu_policies: Vec<&str> = t
        .resources_of("AWS::ApplicationAutoScaling::ScalingPolicy")
        .filter(|p| p.prop("ScalingTargetId").and_then(reference) == Some(target.id))
        .filter(|p| p.prop("PolicyType").and_then(Value::as_str) == Some("TargetTrackingScaling"))
        .filter(|p| {
            let metric =
                p.prop("TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType");
            metric.and_then(Value::as_str) == Some("ECSServiceAverageCPUUtilization")
        })
        .map(|p| p.id)
        .collect();
    [
        at_least("MinCapacity", MIN_TASKS),
        at_least("MaxCapacity", MAX_TASKS),
        judge_found(
            target,
            "ScalingPolicy",
            &cpu_policies,
            "a TargetTrackingScaling policy on ECSServiceAverageCPUUtilization",
        ),
    ]
}

pub const ECS_CONTAINER_INSIGHTS_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every ECS cluster has Container Insights enabled",
        remediation: "template.yml: EcsCluster (AWS::ECS::Cluster) ClusterSettings: [{Name: containerInsights, Value: enabled}] (or enhanced).",
        ..crate::hipaa::ecs::ECS_CONTAINER_INSIGHTS_ENABLED.info
    },
    claims: &[Claim {
        property: "ClusterSettings",
        about: "Every ECS cluster has Container Insights enabled",
        mutants: &[&CONTAINER_INSIGHTS_OFF],
        not_emulated: None,
    }],
    run: ecs_container_insights_enabled,
};

fn ecs_container_insights_enabled(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::ECS::Cluster", "ClusterSettings", |c| {
        let on = items(c.prop("ClusterSettings")).iter().any(|s| {
            s.get("Name").and_then(Value::as_str) == Some("containerInsights")
                && matches!(s.get("Value").and_then(Value::as_str), Some("enabled" | "enhanced"))
        });
        vec![judge(c, "ClusterSettings", on, "containerInsights enabled (or enhanced)")]
    })
}

pub const ECS_EFS_VOLUME_ENCRYPTED_IN_TRANSIT: Check<TemplateFacts> = Check {
    info: CheckInfo {
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) Volumes[].EFSVolumeConfiguration {FilesystemId: !Ref EfsFileSystem, TransitEncryption: ENABLED, AuthorizationConfig.IAM: ENABLED}.",
        ..crate::hipaa::ecs::ECS_EFS_VOLUME_ENCRYPTED_IN_TRANSIT.info
    },
    claims: &[Claim {
        property: "Volumes[0].EFSVolumeConfiguration.TransitEncryption",
        about: "Tasks mount the stack's EFS file system over TLS with IAM authorization",
        mutants: &[&ECS_EFS_TRANSIT_PLAINTEXT],
        not_emulated: None,
    }],
    run: ecs_efs_volume_encrypted_in_transit,
};

fn ecs_efs_volume_encrypted_in_transit(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let stack_fs = Own::of(t, EFS_FILE_SYSTEM_ID);
    per_resource(t, TASK_DEFINITION, "Volumes", |task| {
        let volumes = items(task.prop("Volumes"));
        let efs: Vec<(usize, &Value)> =
            volumes.into_iter().enumerate().filter_map(|(i, v)| Some((i, v.get("EFSVolumeConfiguration")?))).collect();
        if efs.is_empty() {
            return vec![judge(task, "Volumes", false, "an EFS volume (EFSVolumeConfiguration)")];
        }
        efs.into_iter()
            .flat_map(|(i, e)| {
                let at = format!("Volumes[{i}].EFSVolumeConfiguration");
                let enabled = |v: Option<&Value>| v.and_then(Value::as_str) == Some("ENABLED");
                let (fs, transit, iam) =
                    (e.get("FilesystemId"), e.get("TransitEncryption"), e.pointer("/AuthorizationConfig/IAM"));
                [
                    judge_value(task, format!("{at}.FilesystemId"), fs, stack_fs.named_by(fs), stack_fs.expected()),
                    judge_value(task, format!("{at}.TransitEncryption"), transit, enabled(transit), "ENABLED"),
                    judge_value(task, format!("{at}.AuthorizationConfig.IAM"), iam, enabled(iam), "ENABLED"),
                ]
            })
            .collect()
    })
}
