//! Breakages of the ecs checks' claims. A mutant on a revision the service runs (rather than the
//! one the outputs name) names the service: its findings name the revision "run by" it.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const ECS_SERVICE_EC2_LAUNCH_TYPE: Mutant = Mutant {
    name: "ecs-service-ec2-launch-type",
    about: "the ECS service created with launch type EC2 instead of FARGATE",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "launchType",
};

pub const ECS_SERVICE_DESIRED_ONE: Mutant = Mutant {
    name: "ecs-service-desired-one",
    about: "UpdateService: desiredCount 1, one task for two zones",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "desiredCount",
};

pub const ECS_TASK_PUBLIC_IP: Mutant = Mutant {
    name: "ecs-task-public-ip",
    about: "UpdateService: assignPublicIp ENABLED on the service's awsvpc configuration",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "assignPublicIp",
};

pub const ECS_DEPLOYMENT_PUBLIC_IP: Mutant = Mutant {
    name: "ecs-deployment-public-ip",
    about: "the service created with assignPublicIp ENABLED, then UpdateService back to DISABLED: its deployment still places tasks with public IPs",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "assignPublicIp",
};

pub const ECS_SERVICE_IN_PUBLIC_SUBNET: Mutant = Mutant {
    name: "ecs-service-in-public-subnet",
    about: "UpdateService: the service's tasks placed in the first public subnet too",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "subnets",
};

pub const ECS_TASK_RUNNING_IN_PUBLIC_SUBNET: Mutant = Mutant {
    name: "ecs-task-running-in-public-subnet",
    about: "RunTask: a task of the service's group running in the second public subnet, though the service places tasks privately",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "subnets",
};

pub const ECS_SERVICE_EXTRA_SECURITY_GROUP: Mutant = Mutant {
    name: "ecs-service-extra-security-group",
    about: "UpdateService: the database security group added to the service's tasks",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "securityGroups",
};

pub const ECS_TASK_RUNNING_WITH_EXTRA_SECURITY_GROUP: Mutant = Mutant {
    name: "ecs-task-running-with-extra-security-group",
    about: "RunTask: a task of the service's group whose network interface also has the cache security group",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "securityGroups",
};

pub const ECS_SECRET_FROM_SSM_PARAMETER: Mutant = Mutant {
    name: "ecs-secret-from-ssm-parameter",
    about: "the task definition registered with DB_PASSWORD from an SSM parameter, not from the stack's database secret",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "secrets[].valueFrom",
};

pub const ECS_API_KEYS_SECRET_NOT_INJECTED: Mutant = Mutant {
    name: "ecs-api-keys-secret-not-injected",
    about: "the task definition registered without the variables from the API keys secret",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "secrets",
};

pub const ECS_SECRET_IN_ENVIRONMENT: Mutant = Mutant {
    name: "ecs-secret-in-environment",
    about: "the task definition registered with DB_PASSWORD as a plain environment variable",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "environment[].name",
};

pub const ECS_SERVICE_REVISION_SECRET_IN_ENVIRONMENT: Mutant = Mutant {
    name: "ecs-service-revision-secret-in-environment",
    about: "UpdateService to a second revision with REDIS_PASS as a plain environment variable; the outputs still name the first",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "environment[].name",
};

pub const ECS_CREDENTIAL_URL_IN_ENVIRONMENT: Mutant = Mutant {
    name: "ecs-credential-url-in-environment",
    about: "the task definition registered with PATIENT_DB, a harmless name, holding a database URL with its password",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "environment[].value",
};

pub const ECS_DEPLOYMENT_REVISION_TOKEN_IN_ENVIRONMENT: Mutant = Mutant {
    name: "ecs-deployment-revision-token-in-env",
    about: "the service created on a second revision with UPSTREAM_HEADER holding a bearer token, then UpdateService to the first: its deployment still runs the second",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "environment[].value",
};

pub const ECS_CREDENTIAL_IN_LOG_OPTIONS: Mutant = Mutant {
    name: "ecs-credential-in-log-options",
    about: "the task definition registered with a log option `apikey` holding a log router's API key in plain text",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "logConfiguration.options",
};

pub const ECS_SIDECAR_WITHOUT_LOG_CONFIGURATION: Mutant = Mutant {
    name: "ecs-sidecar-without-log-configuration",
    about: "the task definition registered with a second container (a sidecar) without log configuration",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "logConfiguration.logDriver",
};

pub const ECS_LOGS_TO_OTHER_GROUP: Mutant = Mutant {
    name: "ecs-logs-to-other-group",
    about: "the task definition's container logs to a log group that is not the stack's",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "logConfiguration.options.awslogs-group",
};

pub const ECS_DEPLOYMENT_REVISION_LOGS_TO_OTHER_GROUP: Mutant = Mutant {
    name: "ecs-deployment-revision-logs-to-other-group",
    about: "the service created on a second revision logging to another group, then UpdateService to the first: its deployment still runs the second",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "logConfiguration.options.awslogs-group",
};

pub const ECS_LOGS_TO_OTHER_REGION: Mutant = Mutant {
    name: "ecs-logs-to-other-region",
    about: "the task definition's container logs to the stack's group name in another region",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "logConfiguration.options.awslogs-region",
};

pub const ECS_SCALING_MIN_ONE: Mutant = Mutant {
    name: "ecs-scaling-min-one",
    about: "RegisterScalableTarget again with MinCapacity 1",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "MinCapacity",
};

pub const ECS_SCALING_MAX_FOUR: Mutant = Mutant {
    name: "ecs-scaling-max-four",
    about: "RegisterScalableTarget again with MaxCapacity 4",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "MaxCapacity",
};

pub const ECS_SCALING_POLICY_ON_MEMORY: Mutant = Mutant {
    name: "ecs-scaling-policy-on-memory",
    about: "the target tracking policy created on average memory instead of CPU",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "ScalingPolicies",
};

pub const ECS_SCALING_CPU_TARGET_RAISED: Mutant = Mutant {
    name: "ecs-scaling-cpu-target-raised",
    about: "the CPU target tracking policy created with TargetValue 95",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "TargetTrackingScalingPolicyConfiguration.TargetValue",
};

pub const ECS_SCALING_OUT_SUSPENDED: Mutant = Mutant {
    name: "ecs-scaling-out-suspended",
    about: "RegisterScalableTarget again with SuspendedState DynamicScalingOutSuspended",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "SuspendedState",
};

pub const ECS_CONTAINER_INSIGHTS_OFF: Mutant = Mutant {
    name: "ecs-container-insights-off",
    about: "the cluster created with containerInsights disabled (UpdateClusterSettings is not emulated)",
    output: o::ECS_CLUSTER_NAME,
    nth: 0,
    property: "containerInsights",
};

pub const ECS_EFS_VOLUME_ON_OTHER_FILE_SYSTEM: Mutant = Mutant {
    name: "ecs-efs-volume-on-other-file-system",
    about: "the task definition's EFS volume registered on a file system that is not the stack's",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "fileSystemId",
};

pub const ECS_EFS_TRANSIT_ENCRYPTION_OFF: Mutant = Mutant {
    name: "ecs-efs-transit-encryption-off",
    about: "the task definition's EFS volume registered with transitEncryption DISABLED",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "transitEncryption",
};

pub const ECS_TASK_RUNNING_REVISION_WITHOUT_EFS_TLS: Mutant = Mutant {
    name: "ecs-task-running-revision-without-efs-tls",
    about: "RunTask: a task of the service's group on a second revision whose EFS volume has transitEncryption DISABLED",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "transitEncryption",
};

pub const ECS_EFS_IAM_AUTHORIZATION_OFF: Mutant = Mutant {
    name: "ecs-efs-iam-authorization-off",
    about: "the task definition's EFS volume registered with authorizationConfig.iam DISABLED",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "authorizationConfig.iam",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &ECS_SERVICE_EC2_LAUNCH_TYPE,
    &ECS_SERVICE_DESIRED_ONE,
    &ECS_TASK_PUBLIC_IP,
    &ECS_DEPLOYMENT_PUBLIC_IP,
    &ECS_SERVICE_IN_PUBLIC_SUBNET,
    &ECS_TASK_RUNNING_IN_PUBLIC_SUBNET,
    &ECS_SERVICE_EXTRA_SECURITY_GROUP,
    &ECS_TASK_RUNNING_WITH_EXTRA_SECURITY_GROUP,
    &ECS_SECRET_FROM_SSM_PARAMETER,
    &ECS_API_KEYS_SECRET_NOT_INJECTED,
    &ECS_SECRET_IN_ENVIRONMENT,
    &ECS_SERVICE_REVISION_SECRET_IN_ENVIRONMENT,
    &ECS_CREDENTIAL_URL_IN_ENVIRONMENT,
    &ECS_DEPLOYMENT_REVISION_TOKEN_IN_ENVIRONMENT,
    &ECS_CREDENTIAL_IN_LOG_OPTIONS,
    &ECS_SIDECAR_WITHOUT_LOG_CONFIGURATION,
    &ECS_LOGS_TO_OTHER_GROUP,
    &ECS_DEPLOYMENT_REVISION_LOGS_TO_OTHER_GROUP,
    &ECS_LOGS_TO_OTHER_REGION,
    &ECS_SCALING_MIN_ONE,
    &ECS_SCALING_MAX_FOUR,
    &ECS_SCALING_POLICY_ON_MEMORY,
    &ECS_SCALING_CPU_TARGET_RAISED,
    &ECS_SCALING_OUT_SUSPENDED,
    &ECS_CONTAINER_INSIGHTS_OFF,
    &ECS_EFS_VOLUME_ON_OTHER_FILE_SYSTEM,
    &ECS_EFS_TRANSIT_ENCRYPTION_OFF,
    &ECS_TASK_RUNNING_REVISION_WITHOUT_EFS_TLS,
    &ECS_EFS_IAM_AUTHORIZATION_OFF,
];
