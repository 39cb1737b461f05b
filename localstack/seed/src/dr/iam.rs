//! IAM roles (main.ts "IAM roles used by key policies" and the failover role): the role with its
//! trust policy and managed policies from a spec; inline policies are put by the layer that knows
//! the resources they name.

use serde_json::{Value, json};

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
    /// AWS managed policies attached (names under `service-role/`).
    pub managed: &'static [&'static str],
}

/// S3 replicates the data bucket as this role, for this account only.
pub(crate) fn replication(l: &Layout, account: &str) -> RoleSpec {
    RoleSpec {
        name: l.names.replication_role(),
        service: "s3.amazonaws.com",
        condition: Some(json!({ "StringEquals": { "aws:SourceAccount": account } })),
        managed: &[],
    }
}

/// AWS Backup backs up and restores as this role.
pub(crate) fn backup(l: &Layout) -> RoleSpec {
    RoleSpec {
        name: l.names.backup_role(),
        service: "backup.amazonaws.com",
        condition: None,
        managed: &["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"],
    }
}

/// The failover function runs as this role.
pub(crate) fn failover(l: &Layout) -> RoleSpec {
    RoleSpec { name: l.names.failover_role(), service: "lambda.amazonaws.com", condition: None, managed: &[] }
}

fn trust(spec: &RoleSpec) -> Value {
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
    let mut create = iam.create_role().role_name(&spec.name).assume_role_policy_document(policy(vec![trust(spec)]));
    for (k, v) in l.tags(&[]) {
        create = create.tags(aws_sdk_iam::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
    }
    let arn = create.send().await.map_err(step("CreateRole"))?.role.map(|r| r.arn).unwrap_or_default();
    for managed in spec.managed {
        iam.attach_role_policy()
            .role_name(&spec.name)
            .policy_arn(format!("arn:aws:iam::aws:policy/service-role/{managed}"))
            .send()
            .await
            .map_err(step("AttachRolePolicy"))?;
    }
    Ok(arn)
}

/// Puts the role's inline policy, named as the role.
pub(crate) async fn put_inline_policy(l: &Layout, role: &str, statements: Vec<Value>) -> Result<(), SeedError> {
    l.primary
        .iam
        .put_role_policy()
        .role_name(role)
        .policy_name(role)
        .policy_document(policy(statements))
        .send()
        .await
        .map_err(step("PutRolePolicy"))?;
    Ok(())
}
