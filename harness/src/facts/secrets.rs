//! Secrets Manager: a secret's metadata by DescribeSecret. Secret values are never read.

use aws_sdk_secretsmanager::Client;
use serde::Serialize;

use super::{Fact, FactError, classify};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Secret {
    #[serde(rename = "ARN")]
    pub arn: String,
    pub name: String,
    /// Absent when the secret uses the AWS managed key `aws/secretsmanager`.
    pub kms_key_id: Option<String>,
    /// Set when the secret is scheduled for deletion.
    pub deleted_date: Option<String>,
    pub rotation_enabled: Option<bool>,
    /// Regions the secret is replicated to, with each replica's key and status.
    pub replication_status: Vec<Replica>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Replica {
    pub region: String,
    pub kms_key_id: Option<String>,
    /// `InSync`, `InProgress` or `Failed`.
    pub status: Option<String>,
    pub status_message: Option<String>,
}

/// DescribeSecret for one secret by ARN or name.
pub async fn secret(sm: &Client, secret_id: &str) -> Fact<Secret> {
    let s = sm
        .describe_secret()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|e| classify("DescribeSecret", &e, &["ResourceNotFoundException"]))?;
    // A reply that does not say which secret (or which replica region) it describes is no
    // evidence about the secret asked for.
    let without =
        |what: &str| FactError::Api { operation: "DescribeSecret".into(), detail: format!("the reply holds {what}") };
    let replication_status = s
        .replication_status()
        .iter()
        .map(|r| {
            Ok(Replica {
                region: r
                    .region
                    .clone()
                    .filter(|x| !x.is_empty())
                    .ok_or_else(|| without("a replica without its Region"))?,
                kms_key_id: r.kms_key_id.clone(),
                status: r.status.as_ref().map(|s| s.as_str().to_owned()),
                status_message: r.status_message.clone(),
            })
        })
        .collect::<Fact<Vec<_>>>()?;
    Ok(Secret {
        arn: s.arn.filter(|a| !a.is_empty()).ok_or_else(|| without("no ARN"))?,
        name: s.name.unwrap_or_default(),
        kms_key_id: s.kms_key_id,
        deleted_date: s.deleted_date.map(|d| d.to_string()),
        rotation_enabled: s.rotation_enabled,
        replication_status,
    })
}
