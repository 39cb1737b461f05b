//! The Fargate service: credentials injected from the existing secrets, container logs to an
//! encrypted group of the stack, autoscaling from 2 to 10 tasks on CPU, Container Insights on.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::template::{Resource, Template, reference};

use super::{
    Change, Mutation, TemplateFacts, is_secret_parameter, is_stack_key, items, judge, judge_found, judge_value,
    missing, number, per_resource, targets,
};

/// Fewest and most tasks the service scales between.
pub const MIN_TASKS: f64 = 2.0;
pub const MAX_TASKS: f64 = 10.0;

/// Environment variable names that look like they hold a credential (compared in upper case).
const SECRET_NAMES: &[&str] = &["PASSWORD", "SECRET", "TOKEN", "API_KEY", "AUTH"];

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

/// Each container definition of a task definition with its index; a task without any fails.
fn each_container(r: &Resource, judge_one: impl Fn(String, &Value) -> Vec<Finding>) -> Vec<Finding> {
    let containers = items(r.prop("ContainerDefinitions"));
    if containers.is_empty() {
        return vec![judge(r, "ContainerDefinitions", false, "at least one container definition")];
    }
    containers.into_iter().enumerate().flat_map(|(i, c)| judge_one(format!("ContainerDefinitions[{i}]"), c)).collect()
}

pub const ECS_SECRETS_FROM_SECRETS_MANAGER: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "ecs_secrets_from_secrets_manager",
        service: "ecs",
        title: "Containers take credentials from the existing secrets, never from plain environment variables",
        citations: &["45 CFR 164.308(a)(5)(ii)(D)", "45 CFR 164.312(a)(1)", "45 CFR 164.312(d)"],
        severity: Severity::Critical,
        risk: "A credential in a plain environment variable is readable by anyone who can describe the task definition.",
        remediation: "template.yml: TaskDefinition ContainerDefinitions[].Secrets[].ValueFrom: !Sub '${DatabaseSecretArn}:<key>::' or !Ref ApiKeysSecretArn; no Environment entry named like PASSWORD, SECRET, TOKEN, API_KEY or AUTH.",
    },
    mutant: &ECS_PASSWORD_IN_ENVIRONMENT,
    run: ecs_secrets_from_secrets_manager,
};

fn ecs_secrets_from_secrets_manager(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::ECS::TaskDefinition", "ContainerDefinitions", |task| {
        each_container(task, |at, c| {
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
        })
    })
}

/// An environment entry whose name looks like a credential and which carries a value.
fn carries_secret(entry: &Value) -> bool {
    let name = entry.get("Name").and_then(Value::as_str).unwrap_or("").to_uppercase();
    let value = entry.get("Value").is_some_and(|v| v.as_str() != Some(""));
    value && SECRET_NAMES.iter().any(|s| name.contains(s))
}

pub const ECS_LOGS_TO_ENCRYPTED_GROUP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "ecs_logs_to_encrypted_group",
        service: "ecs",
        title: "Every container logs through awslogs to a log group of the stack encrypted with a stack key",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::High,
        risk: "Container output can carry PHI; sent elsewhere it is unencrypted, unretained and outside the stack's audit trail.",
        remediation: "template.yml: TaskDefinition ContainerDefinitions[].LogConfiguration LogDriver: awslogs, Options.awslogs-group: !Ref EcsLogGroup (KmsKeyId: !GetAtt LogsKey.Arn).",
    },
    mutant: &ECS_LOGS_TO_UNMANAGED_GROUP,
    run: ecs_logs_to_encrypted_group,
};

fn ecs_logs_to_encrypted_group(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::ECS::TaskDefinition", "ContainerDefinitions", |task| {
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
                    encrypted_group(t, group),
                    ENCRYPTED_GROUP,
                ),
            ]
        })
    })
}

const ENCRYPTED_GROUP: &str = "a log group of this stack with a stack KMS key";

fn encrypted_group(t: &Template, v: Option<&Value>) -> bool {
    let groups = v.map(targets).unwrap_or_default();
    groups
        .iter()
        .filter_map(|id| t.resource(id))
        .any(|g| g.kind == "AWS::Logs::LogGroup" && is_stack_key(t, g.prop("KmsKeyId")))
}

pub const ECS_AUTOSCALING_TWO_TO_TEN_ON_CPU: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "ecs_autoscaling_two_to_ten_on_cpu",
        service: "ecs",
        title: "Every ECS service scales between 2 and 10 tasks with a target-tracking policy on CPU",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Medium,
        risk: "A single task, or one that never scales out, makes access to patient records fail under load or on one task's loss.",
        remediation: "template.yml: EcsScalableTarget (AWS::ApplicationAutoScaling::ScalableTarget, ResourceId service/${EcsCluster}/${EcsService.Name}) MinCapacity: 2, MaxCapacity: 10; EcsCpuScalingPolicy TargetTrackingScaling on ECSServiceAverageCPUUtilization with ScalingTargetId: !Ref EcsScalableTarget.",
    },
    mutant: &ECS_MIN_CAPACITY_ONE,
    run: ecs_autoscaling_two_to_ten_on_cpu,
};

fn ecs_autoscaling_two_to_ten_on_cpu(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::ECS::Service", "ScalableTarget", |service| {
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
    let exactly =
        |property: &str, want: f64| judge(target, property, number(target.prop(property)) == Some(want), want);
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
        exactly("MinCapacity", MIN_TASKS),
        exactly("MaxCapacity", MAX_TASKS),
        judge_found(
            target,
            "ScalingPolicy",
            &cpu_policies,
            "a TargetTrackingScaling policy on ECSServiceAverageCPUUtilization",
        ),
    ]
}

pub const ECS_CONTAINER_INSIGHTS_ON: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "ecs_container_insights_on",
        service: "ecs",
        title: "Every ECS cluster has Container Insights enabled",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::Low,
        risk: "Without Container Insights, task failures and resource exhaustion in the PHI service go unseen until users notice.",
        remediation: "template.yml: EcsCluster (AWS::ECS::Cluster) ClusterSettings: [{Name: containerInsights, Value: enabled}] (or enhanced).",
    },
    mutant: &CONTAINER_INSIGHTS_OFF,
    run: ecs_container_insights_on,
};

fn ecs_container_insights_on(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::ECS::Cluster", "ClusterSettings", |c| {
        let on = items(c.prop("ClusterSettings")).iter().any(|s| {
            s.get("Name").and_then(Value::as_str) == Some("containerInsights")
                && matches!(s.get("Value").and_then(Value::as_str), Some("enabled" | "enhanced"))
        });
        vec![judge(c, "ClusterSettings", on, "containerInsights enabled (or enhanced)")]
    })
}
