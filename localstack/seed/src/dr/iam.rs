//! IAM roles (main.ts "IAM roles used by key policies", v2's flow log role and the failover
//! role): the role with its trust policy and managed policies from a spec; inline policies are
//! put by the layer that knows the resources they name.

use serde_json::{Value, json};

use stackproof::dr::mutants as m;

use super::Layout;
use crate::{SeedError, step};

/// An IAM / key / bucket policy document.
pub(crate) fn policy(statements: Vec<Value>) -> String {
    json!({ "Version": "2012-10-17", "Statement": statements }).to_string()
}

/// A role as main.ts declares it.
pub(crate) struct RoleSpec {
    pub name: String,
    /// The service that may assume it.
    pub service: &'static str,
    /// The trust statement's condition, if any.
    pub condition: Option<Value>,
    /// Another principal (an account's root) a second trust statement lets assume the role.
    pub also_trusted: Option<String>,
    /// AWS managed policies attached, by path under `arn:aws:iam::aws:policy/`.
    pub managed: Vec<&'static str>,
}

/// S3 replicates the data bucket as this role, for this account only.
pub(crate) fn replication(l: &Layout, account: &str) -> RoleSpec {
    RoleSpec {
        name: l.names.replication_role(),
        service: "s3.amazonaws.com",
        condition: Some(json!({ "StringEquals": { "aws:SourceAccount": account } })),
        also_trusted: None,
        managed: vec![],
    }
}

/// AWS Backup backs up and restores as this role.
pub(crate) fn backup(l: &Layout) -> RoleSpec {
    RoleSpec {
        name: l.names.backup_role(),
        service: "backup.amazonaws.com",
        condition: None,
        also_trusted: None,
        managed: vec![
            "service-role/AWSBackupServiceRolePolicyForBackup",
            "service-role/AWSBackupServiceRolePolicyForRestores",
        ],
    }
}

/// v2: VPC flow logs deliver to CloudWatch Logs as this role, for this account only.
pub(crate) fn flow_logs(l: &Layout, account: &str) -> RoleSpec {
    RoleSpec {
        name: l.names.flow_log_role(),
        service: "vpc-flow-logs.amazonaws.com",
        condition: Some(json!({ "StringEquals": { "aws:SourceAccount": account } })),
        also_trusted: None,
        managed: vec![],
    }
}

/// The failover function runs as this role; the mutants trust another principal or attach a
/// managed policy.
pub(crate) fn failover(l: &Layout, account: &str) -> RoleSpec {
    RoleSpec {
        name: l.names.failover_role(),
        service: "lambda.amazonaws.com",
        condition: None,
        also_trusted: l.has(&m::FAILOVER_ROLE_TRUSTS_ACCOUNT).then(|| format!("arn:aws:iam::{account}:root")),
        managed: if l.has(&m::FAILOVER_ROLE_ATTACHED_S3_READ) { vec!["AmazonS3ReadOnlyAccess"] } else { vec![] },
    }
}

/// The trust policy's statements: the service's, and another principal's if the spec names one.
fn trust(spec: &RoleSpec) -> Vec<Value> {
    let mut statements = vec![service_trust(spec)];
    if let Some(principal) = &spec.also_trusted {
        statements.push(json!({ "Effect": "Allow", "Principal": { "AWS": principal }, "Action": "sts:AssumeRole" }));
    }
    statements
}

fn service_trust(spec: &RoleSpec) -> Value {
    let mut statement = json!({
        "Effect": "Allow",
        "Principal": { "Service": spec.service },
        "Action": "sts:AssumeRole",
    });
    if let (Some(condition), Some(fields)) = (&spec.condition, statement.as_object_mut()) {
        fields.insert("Condition".into(), condition.clone());
    }
    statement
}

/// Creates the role with the default tags, attaches its managed policies, and returns its ARN.
pub(crate) async fn create(l: &Layout, spec: &RoleSpec) -> Result<String, SeedError> {
    let iam = &l.primary.iam;
    let mut create = iam.create_role().role_name(&spec.name).assume_role_policy_document(policy(trust(spec)));
    for (k, v) in l.tags(&[]) {
        create = create.tags(aws_sdk_iam::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
    }
    let arn = create.send().await.map_err(step("CreateRole"))?.role.map(|r| r.arn).unwrap_or_default();
    for managed in &spec.managed {
        iam.attach_role_policy()
            .role_name(&spec.name)
            .policy_arn(format!("arn:aws:iam::aws:policy/{managed}"))
            .send()
            .await
            .map_err(step("AttachRolePolicy"))?;
    }
    Ok(arn)
}

/// Puts the role's inline policy, named as the role.
pub(crate) async fn put_inline_policy(l: &Layout, role: &str, statements: Vec<Value>) -> Result<(), SeedError> {
    put_named_inline_policy(l, role, role, statements).await
}

/// Puts an inline policy of the role under `name`.
pub(crate) async fn put_named_inline_policy(
    l: &Layout,
    role: &str,
    name: &str,
    statements: Vec<Value>,
) -> Result<(), SeedError> {
    l.primary
        .iam
        .put_role_policy()
        .role_name(role)
        .policy_name(name)
        .policy_document(policy(statements))
        .send()
        .await
        .map_err(step("PutRolePolicy"))?;
    Ok(())
}
