//! The ECS roles: the task execution role (pull, logs, inject the two existing secrets) and the
//! task role (the patient data through the access point, the audit trail, the secrets at runtime).

use aws_sdk_iam::Client as Iam;
use serde_json::{Value, json};
use stackproof_harness::deployment::Suffix;

use super::Refs;
use crate::hipaa::{REGION, names, tags};
use crate::{SeedError, step};

/// A role: its name, description and inline policy; the execution role also gets AWS's managed
/// task execution policy.
pub struct RoleSpec {
    pub name: String,
    pub about: &'static str,
    pub managed_policy: Option<&'static str>,
    pub policy_name: String,
    pub policy: Value,
}

/// Both roles, as the template declares them.
pub struct RolesSpec {
    pub trust: Value,
    pub execution: RoleSpec,
    pub task: RoleSpec,
}

impl RolesSpec {
    pub fn new(refs: &Refs) -> Self {
        let suffix = &refs.base.suffix;
        Self {
            trust: trust(&refs.account),
            execution: RoleSpec {
                name: format!("ecs-task-execution-role-{suffix}"),
                about: "Pulls the image, writes container logs and injects the existing secrets.",
                managed_policy: Some("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),
                policy_name: format!("ecs-task-execution-secrets-{suffix}"),
                policy: execution_policy(refs),
            },
            task: RoleSpec {
                name: names::task_role(suffix),
                about: "Runtime identity of the patient records containers.",
                managed_policy: None,
                policy_name: format!("ecs-task-policy-{suffix}"),
                policy: task_policy(refs),
            },
        }
    }
}

/// ECS tasks of this account only.
fn trust(account: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": "ecs-tasks.amazonaws.com" },
            "Action": "sts:AssumeRole",
            "Condition": { "StringEquals": { "aws:SourceAccount": account } }
        }]
    })
}

/// The secrets' key's Decrypt (SecretsKeyArn), only on behalf of Secrets Manager.
fn decrypt_via_secrets_manager(refs: &Refs) -> Value {
    json!({
        "Sid": "DecryptSecretsThroughSecretsManager",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": refs.base.secrets_key,
        "Condition": { "StringEquals": { "kms:ViaService": format!("secretsmanager.{REGION}.amazonaws.com") } }
    })
}

fn execution_policy(refs: &Refs) -> Value {
    let secrets = [&refs.base.db_secret, &refs.base.api_secret];
    json!({
        "Version": "2012-10-17",
        "Statement": [
            { "Sid": "ReadTheTwoExistingSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secrets },
            decrypt_via_secrets_manager(refs),
        ]
    })
}

fn task_policy(refs: &Refs) -> Value {
    let (base, account) = (refs.base, &refs.account);
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "MountEfsThroughTheAccessPointOnly",
                "Effect": "Allow",
                "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                "Resource": names::arn("elasticfilesystem", account, &format!("file-system/{}", refs.file_system)),
                "Condition": { "StringEquals": {
                    "elasticfilesystem:AccessPointArn": names::arn("elasticfilesystem", account, &format!("access-point/{}", refs.access_point))
                } }
            },
            {
                "Sid": "WriteApplicationAuditTrail",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "Resource": names::arn("logs", account, &format!("log-group:{}:*", base.audit_log_group))
            },
            {
                "Sid": "ReadRotatedSecretsAtRuntime",
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": [base.db_secret, base.api_secret]
            },
            decrypt_via_secrets_manager(refs),
        ]
    })
}

/// The roles' ARNs.
pub struct Roles {
    pub execution: String,
    pub task: String,
}

/// Creates both roles, then their policies, in the template's order.
pub async fn create(iam: &Iam, spec: &RolesSpec, suffix: &Suffix) -> Result<Roles, SeedError> {
    let trust = spec.trust.to_string();
    let roles = Roles {
        execution: create_role(iam, &spec.execution, &trust, suffix).await?,
        task: create_role(iam, &spec.task, &trust, suffix).await?,
    };
    for role in [&spec.execution, &spec.task] {
        attach_policies(iam, role).await?;
    }
    Ok(roles)
}

async fn create_role(iam: &Iam, spec: &RoleSpec, trust: &str, suffix: &Suffix) -> Result<String, SeedError> {
    Ok(iam
        .create_role()
        .role_name(&spec.name)
        .description(spec.about)
        .assume_role_policy_document(trust)
        .set_tags(Some(tags::iam(&spec.name, suffix)?))
        .send()
        .await
        .map_err(step("CreateRole"))?
        .role
        .map(|r| r.arn)
        .unwrap_or_default())
}

async fn attach_policies(iam: &Iam, spec: &RoleSpec) -> Result<(), SeedError> {
    if let Some(managed) = spec.managed_policy {
        iam.attach_role_policy()
            .role_name(&spec.name)
            .policy_arn(managed)
            .send()
            .await
            .map_err(step("AttachRolePolicy"))?;
    }
    iam.put_role_policy()
        .role_name(&spec.name)
        .policy_name(&spec.policy_name)
        .policy_document(spec.policy.to_string())
        .send()
        .await
        .map_err(step("PutRolePolicy"))?;
    Ok(())
}
