//! The Fargate service: on Fargate with a rollback breaker, tasks private, without public IPs
//! and in the app security group only, credentials from the existing secrets (never in plain
//! environment, by name or by value), every container logging to the stack's ECS log group in
//! the stack's region, scaling from 2 to 10 tasks on CPU, Container Insights on, and the EFS
//! volume mounted over TLS with IAM. Every container and every volume is judged.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, judge_value, missing, per_resource};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, reference, show};

use super::{
    Change, Mutation, Own, REGION, TemplateFacts, is_secret_parameter, items, judge_found, number,
    only_private_subnets, private_subnets, sub_text, targets,
};
use stackproof_harness::secret::{credential_shape, looks_secret};

use crate::hipaa::ecs::{MAX_CPU_TARGET, MAX_TASKS, MIN_TASKS};
use crate::hipaa::outputs::{APP_SECURITY_GROUP_ID, ECS_LOG_GROUP_NAME, EFS_FILE_SYSTEM_ID};

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

pub const ECS_DESIRED_COUNT_ONE: Mutation = Mutation {
    name: "ecs-desired-count-one",
    resource: "EcsService",
    property: "DesiredCount",
    change: Change::Set("1"),
};

pub const ECS_CIRCUIT_BREAKER_WITHOUT_ROLLBACK: Mutation = Mutation {
    name: "ecs-circuit-breaker-without-rollback",
    resource: "EcsService",
    property: "DeploymentConfiguration.DeploymentCircuitBreaker",
    change: Change::Set(r#"{"Enable": true, "Rollback": false}"#),
};

pub const ECS_SERVICE_EXTRA_SECURITY_GROUP: Mutation = Mutation {
    name: "ecs-service-extra-security-group",
    resource: "EcsService",
    property: "NetworkConfiguration.AwsvpcConfiguration.SecurityGroups",
    change: Change::Set(
        r#"[{"Fn::GetAtt": ["AppSecurityGroup", "GroupId"]}, {"Fn::GetAtt": ["DatabaseSecurityGroup", "GroupId"]}]"#,
    ),
};

pub const ECS_SECRET_FROM_SSM_PARAMETER: Mutation = Mutation {
    name: "ecs-secret-from-ssm-parameter",
    resource: "TaskDefinition",
    property: "ContainerDefinitions[0].Secrets",
    change: Change::Custom(|t| {
        let parameter =
            json!({"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/db-password"});
        if let Some(from) = first_container(t).and_then(|c| c.pointer_mut("/Secrets/1/ValueFrom")) {
            *from = parameter;
        }
    }),
};

pub const ECS_API_KEYS_SECRET_NOT_INJECTED: Mutation = Mutation {
    name: "ecs-api-keys-secret-not-injected",
    resource: "TaskDefinition",
    property: "ContainerDefinitions[].Secrets",
    change: Change::Custom(|t| {
        if let Some(secrets) = first_container(t).and_then(|c| c.get_mut("Secrets")).and_then(Value::as_array_mut) {
            secrets.retain(|s| !s.to_string().contains("ApiKeysSecretArn"));
        }
    }),
};

pub const ECS_PASSWORD_IN_ENVIRONMENT: Mutation = Mutation {
    name: "ecs-password-in-environment",
    resource: "TaskDefinition",
    property: "ContainerDefinitions[0].Environment[].Name",
    change: Change::Custom(|t| push_environment(t, "DB_PASSWORD", json!("ChangeMe-Passw0rd"))),
};

pub const ECS_CREDENTIAL_URL_IN_ENVIRONMENT: Mutation = Mutation {
    name: "ecs-credential-url-in-environment",
    resource: "TaskDefinition",
    property: "ContainerDefinitions[0].Environment[].Value",
    change: Change::Custom(|t| {
        let url = json!({"Fn::Sub": "mysql://app:Xq7-pw-2024@${AuroraCluster.Endpoint.Address}:3306/phi"});
        push_environment(t, "PATIENT_DB", url);
    }),
};

pub const ECS_SIDECAR_WITHOUT_LOGS: Mutation = Mutation {
    name: "ecs-sidecar-without-logs",
    resource: "TaskDefinition",
    property: "ContainerDefinitions[1].LogConfiguration.LogDriver",
    change: Change::Custom(|t| {
        let containers = t
            .resource_mut("TaskDefinition")
            .and_then(|r| r.pointer_mut("/Properties/ContainerDefinitions"))
            .and_then(Value::as_array_mut);
        if let Some(containers) = containers {
            containers.push(json!({"Name": "metrics-sidecar", "Image": "metrics:1", "Essential": false}));
        }
    }),
};

pub const ECS_LOGS_TO_UNMANAGED_GROUP: Mutation = Mutation {
    name: "ecs-logs-to-unmanaged-group",
    resource: "TaskDefinition",
    property: "ContainerDefinitions[0].LogConfiguration.Options.awslogs-group",
    change: Change::Custom(log_to_unmanaged_group),
};

pub const ECS_LOGS_TO_OTHER_REGION: Mutation = Mutation {
    name: "ecs-logs-to-other-region",
    resource: "TaskDefinition",
    property: "ContainerDefinitions[0].LogConfiguration.Options.awslogs-region",
    change: Change::Custom(|t| {
        if let Some(region) = first_container(t).and_then(|c| c.pointer_mut("/LogConfiguration/Options/awslogs-region"))
        {
            *region = json!("eu-west-1");
        }
    }),
};

pub const ECS_MIN_CAPACITY_ONE: Mutation = Mutation {
    name: "ecs-min-capacity-one",
    resource: "EcsScalableTarget",
    property: "MinCapacity",
    change: Change::Set("1"),
};

pub const ECS_MAX_CAPACITY_FOUR: Mutation = Mutation {
    name: "ecs-max-capacity-four",
    resource: "EcsScalableTarget",
    property: "MaxCapacity",
    change: Change::Set("4"),
};

pub const ECS_SCALING_OUT_SUSPENDED: Mutation = Mutation {
    name: "ecs-scaling-out-suspended",
    resource: "EcsScalableTarget",
    property: "SuspendedState",
    change: Change::Set(r#"{"DynamicScalingOutSuspended": true}"#),
};

pub const ECS_SCALING_POLICY_ON_MEMORY: Mutation = Mutation {
    name: "ecs-scaling-policy-on-memory",
    resource: "EcsScalableTarget",
    property: "ScalingPolicy",
    change: Change::Custom(|t| {
        let at =
            "/Properties/TargetTrackingScalingPolicyConfiguration/PredefinedMetricSpecification/PredefinedMetricType";
        if let Some(metric) = t.resource_mut("EcsCpuScalingPolicy").and_then(|p| p.pointer_mut(at)) {
            *metric = json!("ECSServiceAverageMemoryUtilization");
        }
    }),
};

pub const ECS_CPU_TARGET_RAISED: Mutation = Mutation {
    name: "ecs-cpu-target-raised",
    resource: "EcsScalableTarget",
    property: "ScalingPolicy.TargetValue",
    change: Change::Custom(|t| {
        let at = "/Properties/TargetTrackingScalingPolicyConfiguration/TargetValue";
        if let Some(target) = t.resource_mut("EcsCpuScalingPolicy").and_then(|p| p.pointer_mut(at)) {
            *target = json!(95);
        }
    }),
};

pub const CONTAINER_INSIGHTS_OFF: Mutation = Mutation {
    name: "container-insights-off",
    resource: "EcsCluster",
    property: "ClusterSettings",
    change: Change::Set(r#"[{"Name": "containerInsights", "Value": "disabled"}]"#),
};

pub const ECS_EFS_OTHER_FILE_SYSTEM: Mutation = Mutation {
    name: "ecs-efs-other-file-system",
    resource: "TaskDefinition",
    property: "Volumes[0].EFSVolumeConfiguration.FilesystemId",
    change: Change::Custom(|t| set_efs(t, "FilesystemId", json!("fs-0fedcba9876543210"))),
};

pub const ECS_EFS_TRANSIT_PLAINTEXT: Mutation = Mutation {
    name: "ecs-efs-transit-plaintext",
    resource: "TaskDefinition",
    property: "Volumes[0].EFSVolumeConfiguration.TransitEncryption",
    change: Change::Custom(|t| set_efs(t, "TransitEncryption", json!("DISABLED"))),
};

pub const ECS_EFS_IAM_OFF: Mutation = Mutation {
    name: "ecs-efs-iam-off",
    resource: "TaskDefinition",
    property: "Volumes[0].EFSVolumeConfiguration.AuthorizationConfig.IAM",
    change: Change::Custom(|t| {
        let iam = "/Properties/Volumes/0/EFSVolumeConfiguration/AuthorizationConfig/IAM";
        if let Some(mode) = t.resource_mut("TaskDefinition").and_then(|r| r.pointer_mut(iam)) {
            *mode = json!("DISABLED");
        }
    }),
};

fn first_container(t: &mut Template) -> Option<&mut Value> {
    t.resource_mut("TaskDefinition")?.pointer_mut("/Properties/ContainerDefinitions/0")
}

fn push_environment(t: &mut Template, name: &str, value: Value) {
    if let Some(env) = first_container(t).and_then(|c| c.get_mut("Environment")).and_then(Value::as_array_mut) {
        env.push(json!({"Name": name, "Value": value}));
    }
}

fn log_to_unmanaged_group(t: &mut Template) {
    if let Some(group) = first_container(t).and_then(|c| c.pointer_mut("/LogConfiguration/Options/awslogs-group")) {
        *group = Value::String("/ecs/app".into());
    }
}

/// Sets `key` of the first volume's EFS configuration.
fn set_efs(t: &mut Template, key: &str, value: Value) {
    let efs =
        t.resource_mut("TaskDefinition").and_then(|r| r.pointer_mut("/Properties/Volumes/0/EFSVolumeConfiguration"));
    if let Some(efs) = efs.and_then(Value::as_object_mut) {
        efs.insert(key.to_owned(), value);
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
    claims: &[
        Claim {
            property: "LaunchType",
            about: "Every service runs on Fargate (LaunchType FARGATE, or only Fargate capacity providers)",
            mutants: &[&ECS_EC2_LAUNCH_TYPE],
            not_emulated: None,
        },
        Claim {
            property: "DesiredCount",
            about: "Every service desires at least 2 tasks, one per zone",
            mutants: &[&ECS_DESIRED_COUNT_ONE],
            not_emulated: None,
        },
        Claim {
            property: "DeploymentConfiguration.DeploymentCircuitBreaker",
            about: "A failed deployment is stopped and rolled back",
            mutants: &[&ECS_CIRCUIT_BREAKER_WITHOUT_ROLLBACK],
            not_emulated: None,
        },
    ],
    run: ecs_service_runs_on_fargate,
};

fn ecs_service_runs_on_fargate(f: &TemplateFacts) -> Vec<Finding> {
    let breaker = "DeploymentConfiguration.DeploymentCircuitBreaker";
    per_resource(&f.template, SERVICE, "LaunchType", |s| {
        let both = is_true(s.prop(&format!("{breaker}.Enable"))) && is_true(s.prop(&format!("{breaker}.Rollback")));
        vec![
            on_fargate(s),
            judge(
                s,
                "DesiredCount",
                number(s.prop("DesiredCount")).is_some_and(|n| n >= f64::from(MIN_TASKS)),
                format!("at least {MIN_TASKS}"),
            ),
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

pub const ECS_TASKS_USE_APP_SECURITY_GROUP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "ECS tasks are in the template's app security group and no other",
        remediation: "template.yml: EcsService (AWS::ECS::Service) NetworkConfiguration.AwsvpcConfiguration.SecurityGroups: [!GetAtt AppSecurityGroup.GroupId] only (the group output AppSecurityGroupId names).",
        ..crate::hipaa::ecs::ECS_TASKS_USE_APP_SECURITY_GROUP.info
    },
    claims: &[Claim {
        property: "NetworkConfiguration.AwsvpcConfiguration.SecurityGroups",
        about: "Every service gives its tasks the app security group and no other",
        mutants: &[&ECS_SERVICE_EXTRA_SECURITY_GROUP],
        not_emulated: None,
    }],
    run: ecs_tasks_use_app_security_group,
};

fn ecs_tasks_use_app_security_group(f: &TemplateFacts) -> Vec<Finding> {
    let app = Own::of(&f.template, APP_SECURITY_GROUP_ID);
    let groups = format!("{AWSVPC}.SecurityGroups");
    per_resource(&f.template, SERVICE, &groups, |s| {
        let listed = items(s.prop(&groups));
        let ok = !listed.is_empty() && listed.iter().all(|g| app.named_by(Some(g)));
        vec![judge(s, &groups, ok, format!("only {}", app.expected()))]
    })
}

pub const ECS_SECRETS_FROM_SECRETS_MANAGER: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Containers take credentials only from the existing secrets, never from plain environment variables",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) ContainerDefinitions[].Secrets[].ValueFrom (and LogConfiguration.SecretOptions): !Sub '${DatabaseSecretArn}:<key>::' or !Ref ApiKeysSecretArn, both secrets injected; no Environment entry named like a credential (PASSWORD, SECRET, TOKEN, PWD, DSN, ...) or whose value looks like one (a URL with a password, a bearer token, a key).",
        ..crate::hipaa::ecs::ECS_SECRETS_FROM_SECRETS_MANAGER.info
    },
    claims: &[
        Claim {
            property: "ContainerDefinitions[0].Secrets",
            about: "Every secret a container receives (Secrets and log SecretOptions) comes from a secret ARN parameter",
            mutants: &[&ECS_SECRET_FROM_SSM_PARAMETER],
            not_emulated: None,
        },
        Claim {
            property: "ContainerDefinitions[].Secrets",
            about: "Every task definition injects each of the template's secret ARN parameters",
            mutants: &[&ECS_API_KEYS_SECRET_NOT_INJECTED],
            not_emulated: None,
        },
        Claim {
            property: "ContainerDefinitions[0].Environment[].Name",
            about: "No container has a plain variable named like a credential",
            mutants: &[&ECS_PASSWORD_IN_ENVIRONMENT],
            not_emulated: None,
        },
        Claim {
            property: "ContainerDefinitions[0].Environment[].Value",
            about: "No container has a plain variable whose value (or !Sub text) is shaped like a credential, whatever its name",
            mutants: &[&ECS_CREDENTIAL_URL_IN_ENVIRONMENT],
            not_emulated: None,
        },
    ],
    run: ecs_secrets_from_secrets_manager,
};

fn ecs_secrets_from_secrets_manager(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, TASK_DEFINITION, "ContainerDefinitions", |task| {
        let mut findings = each_container(task, |at, c| {
            let received: Vec<&Value> = items(c.get("Secrets"))
                .into_iter()
                .chain(items(c.pointer("/LogConfiguration/SecretOptions")))
                .collect();
            let from_parameters =
                |s: &&Value| s.get("ValueFrom").is_some_and(|v| targets(v).iter().any(|p| is_secret_parameter(t, p)));
            let foreign: Vec<String> =
                received.iter().filter(|s| !from_parameters(s)).map(|s| show(s.get("ValueFrom"))).collect();
            let mut found = vec![Finding::judge(
                task.id,
                format!("{at}.Secrets"),
                foreign.is_empty(),
                "every ValueFrom naming a secret ARN parameter",
                if foreign.is_empty() {
                    format!("{} from secret parameters", received.len())
                } else {
                    foreign.join(", ")
                },
                &received,
            )];
            found.extend(plain_credentials(task, &at, c));
            found
        });
        findings.push(every_secret_injected(t, task));
        findings
    })
}

/// A container's plain environment judged by names and by value shapes, naming variables only.
fn plain_credentials(task: &Resource, at: &str, c: &Value) -> [Finding; 2] {
    let set: Vec<&Value> = items(c.get("Environment"))
        .into_iter()
        .filter(|e| e.get("Value").is_some_and(|v| v.as_str() != Some("")))
        .collect();
    let name = |e: &Value| e.get("Name").and_then(Value::as_str).unwrap_or("").to_owned();
    let named: Vec<String> = set.iter().map(|e| name(e)).filter(|n| looks_secret(n)).collect();
    // A literal value, or the literal text of a !Sub around references.
    let shaped: Vec<String> = set
        .iter()
        .filter_map(|e| {
            let v = e.get("Value")?;
            let why = credential_shape(v.as_str().or_else(|| sub_text(v))?)?;
            Some(format!("{} ({why})", name(e)))
        })
        .collect();
    let names: Vec<String> = set.iter().map(|e| name(e)).collect();
    let none_or = |found: &[String]| if found.is_empty() { "none".to_owned() } else { found.join(", ") };
    [
        Finding::judge(
            task.id,
            format!("{at}.Environment[].Name"),
            named.is_empty(),
            "no variable with a value named like a credential",
            none_or(&named),
            &names,
        ),
        Finding::judge(
            task.id,
            format!("{at}.Environment[].Value"),
            shaped.is_empty(),
            "no value shaped like a credential",
            none_or(&shaped),
            &names,
        ),
    ]
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

pub const ECS_LOGS_TO_STACK_LOG_GROUP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every container logs with awslogs to the stack's ECS log group",
        remediation: "template.yml: TaskDefinition (AWS::ECS::TaskDefinition) ContainerDefinitions[].LogConfiguration {LogDriver: awslogs, Options.awslogs-group: !Ref EcsLogGroup (the group output EcsLogGroupName names), Options.awslogs-region: !Ref AWS::Region}.",
        ..crate::hipaa::ecs::ECS_LOGS_TO_STACK_LOG_GROUP.info
    },
    claims: &[
        Claim {
            property: "ContainerDefinitions[1].LogConfiguration.LogDriver",
            about: "Every container, sidecars included, logs with the awslogs driver",
            mutants: &[&ECS_SIDECAR_WITHOUT_LOGS],
            not_emulated: None,
        },
        Claim {
            property: "ContainerDefinitions[0].LogConfiguration.Options.awslogs-group",
            about: "Every container logs to the stack's ECS log group",
            mutants: &[&ECS_LOGS_TO_UNMANAGED_GROUP],
            not_emulated: None,
        },
        Claim {
            property: "ContainerDefinitions[0].LogConfiguration.Options.awslogs-region",
            about: "Every container logs in the stack's own region (!Ref AWS::Region), where its log group is",
            mutants: &[&ECS_LOGS_TO_OTHER_REGION],
            not_emulated: None,
        },
    ],
    run: ecs_logs_to_stack_log_group,
};

fn ecs_logs_to_stack_log_group(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let stack_group = Own::of(t, ECS_LOG_GROUP_NAME);
    per_resource(t, TASK_DEFINITION, "ContainerDefinitions", |task| {
        each_container(task, |at, c| {
            let driver = c.pointer("/LogConfiguration/LogDriver");
            let group = c.pointer("/LogConfiguration/Options/awslogs-group");
            let region = c.pointer("/LogConfiguration/Options/awslogs-region");
            let awslogs = driver.and_then(Value::as_str) == Some("awslogs");
            let own_region = region.is_some_and(|r| reference(r) == Some("AWS::Region") || r.as_str() == Some(REGION));
            vec![
                judge_value(task, format!("{at}.LogConfiguration.LogDriver"), driver, awslogs, "awslogs"),
                judge_value(
                    task,
                    format!("{at}.LogConfiguration.Options.awslogs-group"),
                    group,
                    stack_group.named_by(group),
                    stack_group.expected(),
                ),
                judge_value(
                    task,
                    format!("{at}.LogConfiguration.Options.awslogs-region"),
                    region,
                    own_region,
                    format!("!Ref AWS::Region ({REGION})"),
                ),
            ]
        })
    })
}

pub const ECS_SERVICE_AUTO_SCALING: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every ECS service scales between at least 2 and 10 tasks with a target-tracking policy on CPU",
        remediation: "template.yml: EcsScalableTarget (AWS::ApplicationAutoScaling::ScalableTarget, ResourceId service/${EcsCluster}/${EcsService.Name}) MinCapacity: 2, MaxCapacity: 10, no SuspendedState.DynamicScalingOutSuspended; EcsCpuScalingPolicy TargetTrackingScaling on ECSServiceAverageCPUUtilization, TargetValue at most 60, with ScalingTargetId: !Ref EcsScalableTarget.",
        ..crate::hipaa::ecs::ECS_SERVICE_AUTO_SCALING.info
    },
    claims: &[
        Claim {
            property: "MinCapacity",
            about: "Every service never scales in below 2 tasks",
            mutants: &[&ECS_MIN_CAPACITY_ONE],
            not_emulated: None,
        },
        Claim {
            property: "MaxCapacity",
            about: "Every service may scale out to at least 10 tasks",
            mutants: &[&ECS_MAX_CAPACITY_FOUR],
            not_emulated: None,
        },
        Claim {
            property: "ScalingPolicy",
            about: "A target tracking policy on the scalable target follows average CPU",
            mutants: &[&ECS_SCALING_POLICY_ON_MEMORY],
            not_emulated: None,
        },
        Claim {
            property: "ScalingPolicy.TargetValue",
            about: "The CPU target is at most the stack's 60%",
            mutants: &[&ECS_CPU_TARGET_RAISED],
            not_emulated: None,
        },
        Claim {
            property: "SuspendedState",
            about: "Scaling out is not suspended",
            mutants: &[&ECS_SCALING_OUT_SUSPENDED],
            not_emulated: None,
        },
    ],
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

fn scales_on_cpu(t: &Template, target: &Resource) -> Vec<Finding> {
    let at_least = |property: &str, min: i32| {
        let ok = number(target.prop(property)).is_some_and(|n| n >= f64::from(min));
        judge(target, property, ok, format!("at least {min}"))
    };
    let cpu_policies: Vec<Resource> = t
        .resources_of("AWS::ApplicationAutoScaling::ScalingPolicy")
        .filter(|p| p.prop("ScalingTargetId").and_then(reference) == Some(target.id))
        .filter(|p| p.prop("PolicyType").and_then(Value::as_str) == Some("TargetTrackingScaling"))
        .filter(|p| {
            let metric =
                p.prop("TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType");
            metric.and_then(Value::as_str) == Some("ECSServiceAverageCPUUtilization")
        })
        .collect();
    let names: Vec<&str> = cpu_policies.iter().map(|p| p.id).collect();
    let suspended = is_true(target.prop("SuspendedState.DynamicScalingOutSuspended"));
    let mut findings = vec![
        at_least("MinCapacity", MIN_TASKS),
        at_least("MaxCapacity", MAX_TASKS),
        judge_found(
            target,
            "ScalingPolicy",
            &names,
            "a TargetTrackingScaling policy on ECSServiceAverageCPUUtilization",
        ),
        judge(target, "SuspendedState", !suspended, "dynamic scaling out not suspended"),
    ];
    // Several CPU policies scale out when any asks: the lowest target is the one in effect.
    let targets: Vec<Option<f64>> =
        cpu_policies.iter().map(|p| number(p.prop("TargetTrackingScalingPolicyConfiguration.TargetValue"))).collect();
    if !targets.is_empty() {
        let lowest = targets.iter().flatten().copied().reduce(f64::min);
        let ok = lowest.is_some_and(|v| v > 0.0 && v <= MAX_CPU_TARGET);
        let actual = lowest.map_or("not a number".to_owned(), |v| v.to_string());
        findings.push(Finding::judge(
            target.id,
            "ScalingPolicy.TargetValue",
            ok,
            format!("more than 0 and at most {MAX_CPU_TARGET}"),
            actual,
            &targets,
        ));
    }
    findings
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
    claims: &[
        Claim {
            property: "Volumes[0].EFSVolumeConfiguration.FilesystemId",
            about: "Every EFS volume is the stack's file system",
            mutants: &[&ECS_EFS_OTHER_FILE_SYSTEM],
            not_emulated: None,
        },
        Claim {
            property: "Volumes[0].EFSVolumeConfiguration.TransitEncryption",
            about: "Every EFS volume is mounted over TLS",
            mutants: &[&ECS_EFS_TRANSIT_PLAINTEXT],
            not_emulated: None,
        },
        Claim {
            property: "Volumes[0].EFSVolumeConfiguration.AuthorizationConfig.IAM",
            about: "Every EFS volume is mounted with IAM authorization",
            mutants: &[&ECS_EFS_IAM_OFF],
            not_emulated: None,
        },
    ],
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
