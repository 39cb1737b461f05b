//! Names the template gives resources that more than one seeded resource refers to: made here
//! once, so a reference cannot drift from the resource it names.

use stackproof_harness::deployment::Suffix;

use super::REGION;

/// The CloudFormation stack (`stack_name: "TapStack{suffix}"` of outputs.yml).
pub fn stack(suffix: &Suffix) -> String {
    format!("TapStack{suffix}")
}

/// The ECS task role: the EFS policy admits it, the task definition runs as it.
pub fn task_role(suffix: &Suffix) -> String {
    format!("ecs-task-role-{suffix}")
}

/// The Aurora cluster; the containers reach it by its endpoint.
pub fn aurora_cluster(suffix: &Suffix) -> String {
    format!("aurora-cluster-{suffix}")
}

/// The Redis replication group; the containers reach it by its endpoint.
pub fn redis(suffix: &Suffix) -> String {
    format!("redis-{suffix}")
}

/// The internal NLB: API Gateway's VPC link targets it and its integration calls it.
pub fn load_balancer(suffix: &Suffix) -> String {
    format!("nlb-{suffix}")
}

/// The audit log group: the task role may write to it, the containers are told its name.
pub fn audit_log_group(suffix: &Suffix) -> String {
    format!("/hipaa/audit-{suffix}")
}

/// The ARN of `resource` of `service` in the stack's region and `account`.
pub fn arn(service: &str, account: &str, resource: &str) -> String {
    format!("arn:aws:{service}:{REGION}:{account}:{resource}")
}
