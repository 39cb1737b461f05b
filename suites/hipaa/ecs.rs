//! ECS Fargate: private tasks without public IPs, secrets from Secrets Manager, encrypted logs, auto scaling, Container Insights.

use std::collections::BTreeSet;

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::ecs::{AwsVpcConfiguration, Container, Service, TaskDefinition};

use stackproof_harness::kit::fact::{judge_fact, judge_named};
use stackproof_harness::secret::{CREDENTIAL_WORDS, looks_secret};

use super::HipaaFacts;
use super::mutants;

/// Fewest tasks the service may scale in to (one per AZ), and the least room it must have to scale out.
pub const MIN_TASKS: i32 = 2;
pub const MAX_TASKS: i32 = 10;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[
    ECS_SERVICE_RUNS_ON_FARGATE,
    ECS_TASKS_NO_PUBLIC_IP,
    ECS_TASKS_IN_PRIVATE_SUBNETS,
    ECS_TASKS_USE_APP_SECURITY_GROUP,
    ECS_SECRETS_FROM_SECRETS_MANAGER,
    ECS_LOGS_TO_STACK_LOG_GROUP,
    ECS_SERVICE_AUTO_SCALING,
    ECS_CONTAINER_INSIGHTS_ENABLED,
    ECS_EFS_VOLUME_ENCRYPTED_IN_TRANSIT,
];

/// The service, named by its ARN once it is known.
fn with_service(f: &HipaaFacts, property: &str, judge: impl FnOnce(&str, &Service) -> Vec<Finding>) -> Vec<Finding> {
    judge_named(&f.app.service, property, |s| {
        judge(if s.service_arn.is_empty() { &f.app.service.resource } else { &s.service_arn }, s)
    })
}

/// The service's awsvpc configuration; a service without one fails `property`.
fn with_awsvpc(
    f: &HipaaFacts,
    property: &str,
    judge: impl FnOnce(&str, &AwsVpcConfiguration) -> Finding,
) -> Vec<Finding> {
    with_service(f, property, |arn, s| match &s.awsvpc_configuration {
        Some(v) => vec![judge(arn, v)],
        None => vec![Finding::judge(arn, property, false, "an awsvpc network configuration", "none", s)],
    })
}

/// A container of the task definition, as a resource.
fn container_resource(td: &TaskDefinition, c: &Container) -> String {
    format!("{} (container {})", td.task_definition_arn, c.name)
}

/// The task definition the outputs name; one without containers fails.
fn with_task_definition(
    f: &HipaaFacts,
    property: &str,
    judge: impl FnOnce(&TaskDefinition) -> Vec<Finding>,
) -> Vec<Finding> {
    judge_named(&f.app.task_definition, property, |td| {
        if td.container_definitions.is_empty() {
            return vec![Finding::judge(
                &td.task_definition_arn,
                "containerDefinitions",
                false,
                "at least one container",
                "none",
                td,
            )];
        }
        judge(td)
    })
}

pub const ECS_SERVICE_RUNS_ON_FARGATE: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_service_runs_on_fargate",
        service: "ecs",
        title: "The ECS service runs its desired tasks on Fargate and rolls back failed deployments",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.312(a)(1)"],
        severity: Severity::High,
        risk: "Tasks on self-managed EC2 hosts share an OS the stack does not patch or isolate; a service short of its tasks, or stuck on a failed deployment, is an outage of patient records.",
        remediation: "template.yml: EcsService (AWS::ECS::Service) needs LaunchType: FARGATE, DesiredCount: 2 and DeploymentConfiguration.DeploymentCircuitBreaker {Enable: true, Rollback: true}.",
    },
    claims: &[Claim {
        property: "launchType",
        about: "The ECS service runs its desired tasks on Fargate and rolls back failed deployments",
        mutants: &[&mutants::ECS_SERVICE_EC2_LAUNCH_TYPE],
        not_emulated: None,
    }],
    run: ecs_service_runs_on_fargate,
};

fn ecs_service_runs_on_fargate(f: &HipaaFacts) -> Vec<Finding> {
    with_service(f, "launchType", |arn, s| {
        let launch = s.launch_type.as_deref().unwrap_or("none");
        let mut findings = vec![Finding::judge(arn, "launchType", launch == "FARGATE", "FARGATE", launch, s)];
        let counts = json!({"desiredCount": s.desired_count, "runningCount": s.running_count});
        findings.push(if f.emulated {
            Finding::skip(arn, "runningCount", "not emulated: moto runs no tasks (runningCount is always 0)")
        } else {
            let ok = s.desired_count >= 1 && s.running_count >= s.desired_count;
            Finding::judge(
                arn,
                "runningCount",
                ok,
                format!("at least desiredCount ({}), and at least 1", s.desired_count),
                s.running_count,
                &counts,
            )
        });
        let breaker = s.deployment_configuration.as_ref().and_then(|d| d.deployment_circuit_breaker.as_ref());
        let property = "deploymentConfiguration.deploymentCircuitBreaker";
        findings.push(match breaker {
            Some(b) => Finding::judge(
                arn,
                property,
                b.enable && b.rollback,
                "enable: true, rollback: true",
                format!("enable: {}, rollback: {}", b.enable, b.rollback),
                b,
            ),
            None if f.emulated => {
                Finding::skip(arn, property, "not emulated: moto drops the service's deploymentConfiguration")
            }
            None => Finding::judge(
                arn,
                property,
                false,
                "enable: true, rollback: true",
                "not configured",
                &s.deployment_configuration,
            ),
        });
        findings
    })
}

pub const ECS_TASKS_NO_PUBLIC_IP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_tasks_no_public_ip",
        service: "ecs",
        title: "ECS tasks get no public IP address",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A task with a public address processing PHI is reachable from the internet, bypassing API Gateway, WAF and the load balancer.",
        remediation: "template.yml: EcsService (AWS::ECS::Service) NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp: DISABLED.",
    },
    claims: &[Claim {
        property: "assignPublicIp",
        about: "ECS tasks get no public IP address",
        mutants: &[&mutants::ECS_TASK_PUBLIC_IP],
        not_emulated: None,
    }],
    run: ecs_tasks_no_public_ip,
};

fn ecs_tasks_no_public_ip(f: &HipaaFacts) -> Vec<Finding> {
    with_awsvpc(f, "assignPublicIp", |arn, v| {
        // The API's default, when the field is absent, is DISABLED.
        let actual = v.assign_public_ip.as_deref().unwrap_or("DISABLED");
        Finding::judge(arn, "assignPublicIp", actual == "DISABLED", "DISABLED", actual, v)
    })
}

pub const ECS_TASKS_IN_PRIVATE_SUBNETS: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_tasks_in_private_subnets",
        service: "ecs",
        title: "ECS tasks run only in the stack's private subnets",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A task placed in a public subnet sits next to the internet gateway; one address or rule change exposes PHI processing directly.",
        remediation: "template.yml: EcsService (AWS::ECS::Service) NetworkConfiguration.AwsvpcConfiguration.Subnets: [!Ref PrivateSubnet1, !Ref PrivateSubnet2] only.",
    },
    claims: &[Claim {
        property: "subnets",
        about: "ECS tasks run only in the stack's private subnets",
        mutants: &[&mutants::ECS_SERVICE_IN_PUBLIC_SUBNET],
        not_emulated: None,
    }],
    run: ecs_tasks_in_private_subnets,
};

fn ecs_tasks_in_private_subnets(f: &HipaaFacts) -> Vec<Finding> {
    judge_fact(&f.app.service.resource, &f.network.private_subnet_ids.fact, "subnets", |private| {
        with_awsvpc(f, "subnets", |arn, v| tasks_in(arn, v, private))
    })
}

/// The awsvpc configuration places tasks only in `private` subnets.
fn tasks_in(arn: &str, v: &AwsVpcConfiguration, private: &[String]) -> Finding {
    let outside: Vec<&String> = v.subnets.iter().filter(|s| !private.contains(s)).collect();
    let ok = !v.subnets.is_empty() && outside.is_empty();
    let actual = if v.subnets.is_empty() {
        "none".to_owned()
    } else if outside.is_empty() {
        v.subnets.join(",")
    } else {
        format!(
            "{} (not private: {})",
            v.subnets.join(","),
            outside.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
        )
    };
    Finding::judge(arn, "subnets", ok, format!("only private subnets {}", private.join(",")), actual, v)
}

pub const ECS_TASKS_USE_APP_SECURITY_GROUP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_tasks_use_app_security_group",
        service: "ecs",
        title: "ECS tasks are in the app security group and no other",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Another group on the tasks adds whatever it admits: the least-privilege path load balancer -> app -> data no longer holds.",
        remediation: "template.yml: EcsService (AWS::ECS::Service) NetworkConfiguration.AwsvpcConfiguration.SecurityGroups: [!GetAtt AppSecurityGroup.GroupId] only.",
    },
    claims: &[Claim {
        property: "securityGroups",
        about: "ECS tasks are in the app security group and no other",
        mutants: &[&mutants::ECS_SERVICE_EXTRA_SECURITY_GROUP],
        not_emulated: None,
    }],
    run: ecs_tasks_use_app_security_group,
};

fn ecs_tasks_use_app_security_group(f: &HipaaFacts) -> Vec<Finding> {
    judge_fact(&f.app.service.resource, &f.security_groups.app.fact, "securityGroups", |app| {
        with_awsvpc(f, "securityGroups", |arn, v| {
            let ok = !v.security_groups.is_empty() && v.security_groups.iter().all(|g| g == app);
            let actual = if v.security_groups.is_empty() { "none".to_owned() } else { v.security_groups.join(",") };
            Finding::judge(arn, "securityGroups", ok, format!("only {app}"), actual, v)
        })
    })
}

/// A `valueFrom` that names one of `secrets` (the whole secret, or a JSON key / version of it).
fn from_secret(value_from: &str, secrets: &[&str]) -> bool {
    secrets
        .iter()
        .any(|arn| value_from == *arn || value_from.strip_prefix(arn).is_some_and(|rest| rest.starts_with(':')))
}

pub const ECS_SECRETS_FROM_SECRETS_MANAGER: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_secrets_from_secrets_manager",
        service: "ecs",
        title: "Containers get credentials only from the stack's existing secrets, never as plain environment values",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(d)", "45 CFR 164.308(a)(5)(ii)(D)"],
        severity: Severity::Critical,
        risk: "A credential in a plain environment variable is readable by anyone who can describe the task definition, and never rotates.",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) ContainerDefinitions[].Secrets[].ValueFrom from DatabaseSecretArn/ApiKeysSecretArn; keep credentials out of Environment.",
    },
    claims: &[Claim {
        property: "environment",
        about: "Containers get credentials only from the stack's existing secrets, never as plain environment values",
        mutants: &[&mutants::ECS_SECRET_IN_ENVIRONMENT],
        not_emulated: None,
    }],
    run: ecs_secrets_from_secrets_manager,
};

fn ecs_secrets_from_secrets_manager(f: &HipaaFacts) -> Vec<Finding> {
    const PROPERTY: &str = "secrets[].valueFrom";
    let (td, app) = (&f.app.task_definition.resource, &f.app);
    judge_fact(td, &app.database_secret_arn.fact, PROPERTY, |db| {
        judge_fact(td, &app.api_keys_secret_arn.fact, PROPERTY, |api| {
            with_task_definition(f, PROPERTY, |td| secrets_only_from(td, &[db, api]))
        })
    })
}

/// Every container reads secrets only from `stack_secrets` and keeps no credential-like
/// variable in plain environment; the task definition injects each of `stack_secrets`.
fn secrets_only_from(td: &TaskDefinition, stack_secrets: &[&str]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut referenced = BTreeSet::new();
    for c in &td.container_definitions {
        let resource = container_resource(td, c);
        let foreign: Vec<&str> =
            c.secrets.iter().map(|s| s.value_from.as_str()).filter(|v| !from_secret(v, stack_secrets)).collect();
        for s in stack_secrets {
            if c.secrets.iter().any(|r| from_secret(&r.value_from, &[s])) {
                referenced.insert(*s);
            }
        }
        let actual = if foreign.is_empty() {
            format!("{} from the stack's secrets", c.secrets.len())
        } else {
            format!("from elsewhere: {}", foreign.join(", "))
        };
        findings.push(Finding::judge(
            &resource,
            "secrets[].valueFrom",
            foreign.is_empty(),
            "only the stack's secrets",
            actual,
            &c.secrets,
        ));
        let exposed: Vec<&str> = c.environment_names.iter().map(String::as_str).filter(|n| looks_secret(n)).collect();
        let actual = if exposed.is_empty() {
            "no credential-like names".to_owned()
        } else {
            format!("plain values for {}", exposed.join(", "))
        };
        findings.push(Finding::judge(
            &resource,
            "environment",
            exposed.is_empty(),
            format!("no variable named like {}", CREDENTIAL_WORDS.join("/")),
            actual,
            &json!({ "environment[].name": c.environment_names }),
        ));
    }
    let missing: Vec<&str> = stack_secrets.iter().copied().filter(|s| !referenced.contains(s)).collect();
    findings.push(Finding::judge(
        &td.task_definition_arn,
        "secrets",
        missing.is_empty(),
        "both stack secrets injected",
        if missing.is_empty() { "both injected".to_owned() } else { format!("not injected: {}", missing.join(", ")) },
        &json!({ "referenced": referenced }),
    ));
    findings
}

pub const ECS_LOGS_TO_STACK_LOG_GROUP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_logs_to_stack_log_group",
        service: "ecs",
        title: "Every container logs with awslogs to the stack's encrypted ECS log group",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::High,
        risk: "Container output (which can echo PHI) sent elsewhere escapes the stack's key and retention, or is not kept at all: no audit trail.",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) ContainerDefinitions[].LogConfiguration {LogDriver: awslogs, Options.awslogs-group: !Ref EcsLogGroup}.",
    },
    claims: &[Claim {
        property: "logConfiguration.options.awslogs-group",
        about: "Every container logs with awslogs to the stack's encrypted ECS log group",
        mutants: &[&mutants::ECS_LOGS_TO_OTHER_GROUP],
        not_emulated: None,
    }],
    run: ecs_logs_to_stack_log_group,
};

fn ecs_logs_to_stack_log_group(f: &HipaaFacts) -> Vec<Finding> {
    let td = &f.app.task_definition.resource;
    judge_fact(td, &f.logs.ecs_group.fact, "logConfiguration.options.awslogs-group", |group| {
        with_task_definition(f, "logConfiguration", |td| logs_to(td, group))
    })
}

/// Every container logs with awslogs into `group`.
fn logs_to(td: &TaskDefinition, group: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for c in &td.container_definitions {
        let resource = container_resource(td, c);
        let driver = c.log_configuration.as_ref().map_or("none", |l| l.log_driver.as_str());
        findings.push(Finding::judge(
            &resource,
            "logConfiguration.logDriver",
            driver == "awslogs",
            "awslogs",
            driver,
            &c.log_configuration,
        ));
        let actual =
            c.log_configuration.as_ref().and_then(|l| l.options.get("awslogs-group")).map_or("none", String::as_str);
        findings.push(Finding::judge(
            &resource,
            "logConfiguration.options.awslogs-group",
            actual == group,
            group,
            actual,
            &c.log_configuration,
        ));
    }
    findings
}

pub const ECS_SERVICE_AUTO_SCALING: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_service_auto_scaling",
        service: "ecs",
        title: "The ECS service scales between at least 2 and 10 tasks, tracking average CPU",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::Medium,
        risk: "One task is one failure from an outage; without target tracking, load spikes make patient records unavailable.",
        remediation: "template.yml: EcsScalableTarget (AWS::ApplicationAutoScaling::ScalableTarget) MinCapacity: 2, MaxCapacity: 10; EcsCpuScalingPolicy PolicyType: TargetTrackingScaling on ECSServiceAverageCPUUtilization.",
    },
    claims: &[Claim {
        property: "MinCapacity",
        about: "The ECS service scales between at least 2 and 10 tasks, tracking average CPU",
        mutants: &[&mutants::ECS_SCALING_MIN_ONE],
        not_emulated: None,
    }],
    run: ecs_service_auto_scaling,
};

fn ecs_service_auto_scaling(f: &HipaaFacts) -> Vec<Finding> {
    let resource = &f.app.scaling.resource;
    judge_named(&f.app.scaling, "MinCapacity", |s| {
        let t = &s.scalable_target;
        let cpu = s.scaling_policies.iter().find(|p| {
            p.policy_type == "TargetTrackingScaling"
                && p.target_tracking_scaling_policy_configuration
                    .as_ref()
                    .and_then(|c| c.predefined_metric_type.as_deref())
                    .is_some_and(|m| m == "ECSServiceAverageCPUUtilization")
        });
        let policies: Vec<String> =
            s.scaling_policies.iter().map(|p| format!("{} ({})", p.policy_name, p.policy_type)).collect();
        vec![
            Finding::judge(
                resource,
                "MinCapacity",
                t.min_capacity >= MIN_TASKS,
                format!("at least {MIN_TASKS}"),
                t.min_capacity,
                t,
            ),
            Finding::judge(
                resource,
                "MaxCapacity",
                t.max_capacity >= MAX_TASKS,
                format!("at least {MAX_TASKS}"),
                t.max_capacity,
                t,
            ),
            Finding::judge(
                resource,
                "ScalingPolicies",
                cpu.is_some(),
                "a TargetTrackingScaling policy on ECSServiceAverageCPUUtilization",
                if policies.is_empty() { "none".to_owned() } else { policies.join(", ") },
                &s.scaling_policies,
            ),
        ]
    })
}

pub const ECS_CONTAINER_INSIGHTS_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_container_insights_enabled",
        service: "ecs",
        title: "Container Insights is enabled on the ECS cluster",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::Low,
        risk: "Without task-level metrics, failures and abnormal activity in the PHI workload go unnoticed in information system activity review.",
        remediation: "template.yml: EcsCluster (AWS::ECS::Cluster) ClusterSettings: [{Name: containerInsights, Value: enabled}].",
    },
    claims: &[Claim {
        property: "containerInsights",
        about: "Container Insights is enabled on the ECS cluster",
        mutants: &[&mutants::ECS_CONTAINER_INSIGHTS_OFF],
        not_emulated: None,
    }],
    run: ecs_container_insights_enabled,
};

fn ecs_container_insights_enabled(f: &HipaaFacts) -> Vec<Finding> {
    judge_named(&f.app.cluster, "containerInsights", |c| {
        let resource = if c.cluster_arn.is_empty() { &f.app.cluster.resource } else { &c.cluster_arn };
        let actual = c.settings.get("containerInsights").map_or("not set", String::as_str);
        vec![Finding::judge(
            resource,
            "containerInsights",
            matches!(actual, "enabled" | "enhanced"),
            "enabled (or enhanced)",
            actual,
            &c.settings,
        )]
    })
}

pub const ECS_EFS_VOLUME_ENCRYPTED_IN_TRANSIT: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "ecs_efs_volume_encrypted_in_transit",
        service: "ecs",
        title: "Tasks mount the stack's EFS file system over TLS with IAM authorization",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(e)(2)(ii)", "45 CFR 164.312(d)"],
        severity: Severity::High,
        risk: "Without transit encryption patient files cross the network as clear NFS; without IAM authorization any client in the security group can mount them.",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) Volumes[].EFSVolumeConfiguration {FilesystemId: !Ref EfsFileSystem, TransitEncryption: ENABLED, AuthorizationConfig.IAM: ENABLED}.",
    },
    claims: &[Claim {
        property: "transitEncryption",
        about: "Tasks mount the stack's EFS file system over TLS with IAM authorization",
        mutants: &[&mutants::ECS_EFS_TRANSIT_ENCRYPTION_OFF],
        not_emulated: None,
    }],
    run: ecs_efs_volume_encrypted_in_transit,
};

fn ecs_efs_volume_encrypted_in_transit(f: &HipaaFacts) -> Vec<Finding> {
    let stack_fs = &f.data.efs_file_system_id;
    judge_named(&f.app.task_definition, "transitEncryption", |td| {
        let efs: Vec<_> =
            td.volumes.iter().filter_map(|v| v.efs_volume_configuration.as_ref().map(|e| (v, e))).collect();
        if efs.is_empty() {
            return vec![Finding::judge(
                &td.task_definition_arn,
                "volumes[].efsVolumeConfiguration",
                false,
                "an EFS volume",
                "none",
                &td.volumes,
            )];
        }
        let mut findings = Vec::new();
        for (v, e) in efs {
            let resource = format!("{} (volume {})", td.task_definition_arn, v.name);
            findings.extend(judge_fact(&resource, &stack_fs.fact, "fileSystemId", |fs| {
                vec![Finding::judge(&resource, "fileSystemId", e.file_system_id == *fs, fs, &e.file_system_id, e)]
            }));
            let transit = e.transit_encryption.as_deref().unwrap_or("DISABLED (default)");
            findings.push(Finding::judge(&resource, "transitEncryption", transit == "ENABLED", "ENABLED", transit, e));
            let iam = e.iam.as_deref().unwrap_or("DISABLED (default)");
            findings.push(Finding::judge(&resource, "authorizationConfig.iam", iam == "ENABLED", "ENABLED", iam, e));
        }
        findings
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_references_match_whole_secrets_or_their_keys_only() {
        let arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-credentials-x-AbCdEf";
        assert!(from_secret(arn, &[arn]));
        assert!(from_secret(&format!("{arn}:password::"), &[arn]));
        assert!(!from_secret(&format!("{arn}zz"), &[arn]));
        assert!(!from_secret("arn:aws:ssm:eu-central-1:123456789012:parameter/db-password", &[arn]));
    }
}
