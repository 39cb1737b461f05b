//! Breakages of the ecs checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const ECS_SERVICE_EC2_LAUNCH_TYPE: Mutant = Mutant {
    name: "ecs-service-ec2-launch-type",
    about: "the ECS service created with launch type EC2 instead of FARGATE",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "launchType",
};

pub const ECS_TASK_PUBLIC_IP: Mutant = Mutant {
    name: "ecs-task-public-ip",
    about: "UpdateService: assignPublicIp ENABLED on the service's awsvpc configuration",
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

pub const ECS_SERVICE_EXTRA_SECURITY_GROUP: Mutant = Mutant {
    name: "ecs-service-extra-security-group",
    about: "UpdateService: the database security group added to the service's tasks",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "securityGroups",
};

pub const ECS_SECRET_IN_ENVIRONMENT: Mutant = Mutant {
    name: "ecs-secret-in-environment",
    about: "the task definition registered with DB_PASSWORD as a plain environment variable",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "environment",
};

pub const ECS_LOGS_TO_OTHER_GROUP: Mutant = Mutant {
    name: "ecs-logs-to-other-group",
    about: "the task definition's container logs to a log group that is not the stack's",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "logConfiguration.options.awslogs-group",
};

pub const ECS_SCALING_MIN_ONE: Mutant = Mutant {
    name: "ecs-scaling-min-one",
    about: "RegisterScalableTarget again with MinCapacity 1",
    output: o::ECS_SERVICE_NAME,
    nth: 0,
    property: "MinCapacity",
};

pub const ECS_CONTAINER_INSIGHTS_OFF: Mutant = Mutant {
    name: "ecs-container-insights-off",
    about: "the cluster created with containerInsights disabled (UpdateClusterSettings is not emulated)",
    output: o::ECS_CLUSTER_NAME,
    nth: 0,
    property: "containerInsights",
};

pub const ECS_EFS_TRANSIT_ENCRYPTION_OFF: Mutant = Mutant {
    name: "ecs-efs-transit-encryption-off",
    about: "the task definition's EFS volume registered with transitEncryption DISABLED",
    output: o::TASK_DEFINITION_ARN,
    nth: 0,
    property: "transitEncryption",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &ECS_SERVICE_EC2_LAUNCH_TYPE,
    &ECS_TASK_PUBLIC_IP,
    &ECS_SERVICE_IN_PUBLIC_SUBNET,
    &ECS_SERVICE_EXTRA_SECURITY_GROUP,
    &ECS_SECRET_IN_ENVIRONMENT,
    &ECS_LOGS_TO_OTHER_GROUP,
    &ECS_SCALING_MIN_ONE,
    &ECS_CONTAINER_INSIGHTS_OFF,
    &ECS_EFS_TRANSIT_ENCRYPTION_OFF,
];
