//! The layout's customer managed keys (main.ts "KMS"): one per region, rotating, with main.ts's
//! key policy and an alias. In v2 the DR key also serves the DR region's CloudWatch Logs (the flow
//! log and database log groups) and its alerts topic.

use serde_json::{Value, json};

use super::iam::policy;
use super::{Layout, PRIMARY_REGION, Side};
use crate::{SeedError, step};

/// The principals main.ts's key policies name.
pub(crate) struct Principals<'a> {
    pub account: &'a str,
    pub replication: &'a str,
    pub backup: &'a str,
}

/// A key as main.ts declares it.
pub(crate) struct KeySpec {
    pub side: Side,
    pub description: String,
    pub policy: String,
    pub alias: String,
}

/// The primary region's key: it also serves CloudTrail, CloudWatch Logs, SNS and CloudWatch.
pub(crate) fn primary(l: &Layout, p: &Principals<'_>) -> KeySpec {
    let side = Side::Primary;
    let services = primary_services(p.account, &l.names.trail_arn(p.account));
    KeySpec {
        side,
        description: format!("healthcare-dr primary data key ({}) {}", side.region(), l.suffix),
        policy: key_policy(p, side.region(), services),
        alias: l.names.key_alias(side),
    }
}

/// The DR region's key; in v2 it also serves the region's CloudWatch Logs, SNS and CloudWatch.
pub(crate) fn dr(l: &Layout, p: &Principals<'_>) -> KeySpec {
    let side = Side::Dr;
    let services = if l.v2() { region_services(p.account, side.region()) } else { vec![] };
    KeySpec {
        side,
        description: format!("healthcare-dr DR data key ({}) {}", side.region(), l.suffix),
        policy: key_policy(p, side.region(), services),
        alias: l.names.key_alias(side),
    }
}

/// Creates the key with the default tags, turns rotation on, aliases it; returns its ARN.
pub(crate) async fn create(l: &Layout, spec: &KeySpec) -> Result<String, SeedError> {
    let kms = &l.at(spec.side).kms;
    let mut create = kms.create_key().description(&spec.description).policy(&spec.policy);
    for (k, v) in l.tags(&[]) {
        create = create.tags(aws_sdk_kms::types::Tag::builder().tag_key(k).tag_value(v).build().map_err(step("Tag"))?);
    }
    let arn = create.send().await.map_err(step("CreateKey"))?.key_metadata.and_then(|m| m.arn).unwrap_or_default();
    kms.enable_key_rotation().key_id(&arn).send().await.map_err(step("EnableKeyRotation"))?;
    kms.create_alias().alias_name(&spec.alias).target_key_id(&arn).send().await.map_err(step("CreateAlias"))?;
    Ok(arn)
}

/// main.ts `keyPolicy(region, extra)`.
fn key_policy(r: &Principals<'_>, region: &str, extra: Vec<Value>) -> String {
    let (account, root) = (r.account, format!("arn:aws:iam::{}:root", r.account));
    let mut statements = vec![
        json!({
            "Sid": "AccountRootAdministersTheKey",
            "Effect": "Allow",
            "Principal": { "AWS": root },
            "Action": "kms:*",
            "Resource": "*",
        }),
        json!({
            "Sid": "S3ReplicationRole",
            "Effect": "Allow",
            "Principal": { "AWS": r.replication },
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": { "StringEquals": { "kms:ViaService": format!("s3.{region}.amazonaws.com") } },
        }),
        json!({
            "Sid": "BackupRole",
            "Effect": "Allow",
            "Principal": { "AWS": r.backup },
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
        }),
        json!({
            "Sid": "BackupRoleGrantsForAwsResources",
            "Effect": "Allow",
            "Principal": { "AWS": r.backup },
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": { "Bool": { "kms:GrantIsForAWSResource": "true" } },
        }),
        json!({
            "Sid": "SecretsManagerUsesKeyForAccount",
            "Effect": "Allow",
            "Principal": { "AWS": root },
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": format!("secretsmanager.{region}.amazonaws.com"),
                    "kms:CallerAccount": account,
                },
            },
        }),
    ];
    statements.extend(extra);
    policy(statements)
}

/// The primary key's extra statements: the services that encrypt with it in the primary region.
fn primary_services(account: &str, trail_arn: &str) -> Vec<Value> {
    vec![
        json!({
            "Sid": "CloudTrailEncryptsLogs",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringLike": { "kms:EncryptionContext:aws:cloudtrail:arn": format!("arn:aws:cloudtrail:*:{account}:trail/*") },
                "StringEquals": { "aws:SourceArn": trail_arn },
            },
        }),
        json!({
            "Sid": "CloudTrailDescribesKey",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "kms:DescribeKey",
            "Resource": "*",
        }),
    ]
    .into_iter()
    .chain(region_services(account, PRIMARY_REGION))
    .collect()
}

/// The statements for the services that encrypt with a region's key: CloudWatch Logs of that
/// region (its log groups), and SNS and CloudWatch (its encrypted alerts topic).
fn region_services(account: &str, region: &str) -> Vec<Value> {
    vec![
        json!({
            "Sid": "CloudWatchLogsEncryptsLogGroups",
            "Effect": "Allow",
            "Principal": { "Service": format!("logs.{region}.amazonaws.com") },
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {
                "ArnLike": { "kms:EncryptionContext:aws:logs:arn": format!("arn:aws:logs:{region}:{account}:log-group:*") },
            },
        }),
        json!({
            "Sid": "SnsAndCloudWatchAlarmsUseEncryptedTopic",
            "Effect": "Allow",
            "Principal": { "Service": ["sns.amazonaws.com", "cloudwatch.amazonaws.com"] },
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": { "StringEquals": { "aws:SourceAccount": account } },
        }),
    ]
}

// Drift on a deployed key.

/// ScheduleKeyDeletion, the shortest window. moto answers it by ARN with HTTP 500; by key id it works.
pub(crate) async fn schedule_deletion(kms: &aws_sdk_kms::Client, key_arn: &str) -> Result<(), SeedError> {
    let key_id = key_arn.rsplit_once("key/").map_or(key_arn, |(_, id)| id);
    kms.schedule_key_deletion()
        .key_id(key_id)
        .pending_window_in_days(7)
        .send()
        .await
        .map_err(step("ScheduleKeyDeletion"))?;
    Ok(())
}
