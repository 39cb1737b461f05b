//! S3 data buckets and their cross-region replication, and AWS Backup (main.ts: "S3 data
//! buckets" and "AWS Backup").

use std::collections::HashMap;

use aws_sdk_backup::types::{BackupPlanInput, BackupRuleInput, CopyAction, Lifecycle};
use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration,
    DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination, EncryptionConfiguration, ExpirationStatus,
    LifecycleRule, LifecycleRuleFilter, Metrics, MetricsStatus, NoncurrentVersionExpiration,
    PublicAccessBlockConfiguration, ReplicationConfiguration, ReplicationRule, ReplicationRuleFilter,
    ReplicationRuleStatus, ReplicationTime, ReplicationTimeStatus, ReplicationTimeValue, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    SourceSelectionCriteria, SseKmsEncryptedObjects, SseKmsEncryptedObjectsStatus, StorageClass, Tag, Tagging,
    Transition, TransitionStorageClass, VersioningConfiguration,
};
use serde_json::{Value, json};

use super::core::{Core, policy};
use super::{DR_REGION, Layout, PRIMARY_REGION};
use crate::{SeedError, Seeder, step};
use stackproof::dr::mutants as m;

/// main.ts `denyInsecureTransport(bucketArn)`.
pub(crate) fn deny_insecure_transport(bucket_arn: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, format!("{bucket_arn}/*")],
        "Condition": { "Bool": { "aws:SecureTransport": "false" } },
    })
}

/// Creates a bucket in `s`'s region with the default tags, versioning on.
pub(crate) async fn bucket(l: &Layout, s: &Seeder, name: &str) -> Result<(), SeedError> {
    let location = CreateBucketConfiguration::builder()
        .location_constraint(BucketLocationConstraint::from(s.region.as_str()))
        .build();
    s.s3.create_bucket()
        .bucket(name)
        .create_bucket_configuration(location)
        .send()
        .await
        .map_err(step("CreateBucket"))?;
    let tags = l.tags(&[]).into_iter().map(|(k, v)| Tag::builder().key(k).value(v).build());
    let tagging = Tagging::builder().set_tag_set(Some(tags.collect::<Result<_, _>>().map_err(step("Tag"))?));
    s.s3.put_bucket_tagging()
        .bucket(name)
        .tagging(tagging.build().map_err(step("Tagging"))?)
        .send()
        .await
        .map_err(step("PutBucketTagging"))?;
    versioning(s, name, BucketVersioningStatus::Enabled).await
}

pub(crate) async fn versioning(s: &Seeder, bucket: &str, status: BucketVersioningStatus) -> Result<(), SeedError> {
    s.s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(VersioningConfiguration::builder().status(status).build())
        .send()
        .await
        .map_err(step("PutBucketVersioning"))?;
    Ok(())
}

/// Default encryption under `key` with a bucket key, or SSE-S3 when `key` is None.
pub(crate) async fn encryption(s: &Seeder, bucket: &str, key: Option<&str>) -> Result<(), SeedError> {
    let by_default = match key {
        Some(key) => {
            ServerSideEncryptionByDefault::builder().sse_algorithm(ServerSideEncryption::AwsKms).kms_master_key_id(key)
        }
        None => ServerSideEncryptionByDefault::builder().sse_algorithm(ServerSideEncryption::Aes256),
    };
    let rule = ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(by_default.build().map_err(step("ServerSideEncryptionByDefault"))?)
        .set_bucket_key_enabled(key.map(|_| true))
        .build();
    let config = ServerSideEncryptionConfiguration::builder().rules(rule).build().map_err(step("EncryptionRules"))?;
    s.s3.put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(config)
        .send()
        .await
        .map_err(step("PutBucketEncryption"))?;
    Ok(())
}

pub(crate) async fn block_public_access(s: &Seeder, bucket: &str, block_public_policy: bool) -> Result<(), SeedError> {
    let config = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .block_public_policy(block_public_policy)
        .ignore_public_acls(true)
        .restrict_public_buckets(true)
        .build();
    s.s3.put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(config)
        .send()
        .await
        .map_err(step("PutPublicAccessBlock"))?;
    Ok(())
}

pub(crate) async fn bucket_policy(s: &Seeder, bucket: &str, statements: Vec<Value>) -> Result<(), SeedError> {
    s.s3.put_bucket_policy().bucket(bucket).policy(policy(statements)).send().await.map_err(step("PutBucketPolicy"))?;
    Ok(())
}

/// main.ts `dataBucket(side, provider, key)`: versioned, KMS-encrypted, private, tiered after 30
/// days with noncurrent versions expiring after 90, and refusing plain HTTP.
async fn data_bucket(l: &Layout, core: &Core, s: &Seeder, name: &str, side: &str) -> Result<(), SeedError> {
    let key = if side == "primary" { &core.primary_key } else { &core.dr_key };
    bucket(l, s, name).await?;
    let sse_s3 = side == "primary" && l.has(&m::PRIMARY_BUCKET_SSE_S3);
    encryption(s, name, if sse_s3 { None } else { Some(key) }).await?;
    block_public_access(s, name, true).await?;

    let mut rule = LifecycleRule::builder()
        .id("intelligent-tiering-and-noncurrent-expiry")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .transitions(Transition::builder().days(30).storage_class(TransitionStorageClass::IntelligentTiering).build());
    if !(side == "dr" && l.has(&m::DR_BUCKET_NO_NONCURRENT_EXPIRY)) {
        rule = rule.noncurrent_version_expiration(NoncurrentVersionExpiration::builder().noncurrent_days(90).build());
    }
    let lifecycle = BucketLifecycleConfiguration::builder()
        .rules(rule.build().map_err(step("LifecycleRule"))?)
        .build()
        .map_err(step("BucketLifecycleConfiguration"))?;
    s.s3.put_bucket_lifecycle_configuration()
        .bucket(name)
        .lifecycle_configuration(lifecycle)
        .send()
        .await
        .map_err(step("PutBucketLifecycleConfiguration"))?;

    let arn = format!("arn:aws:s3:::{name}");
    let statement = if side == "primary" && l.has(&m::PRIMARY_BUCKET_POLICY_ALLOWS_HTTP) {
        // A policy still exists, so the check judges its statements rather than its absence.
        json!({
            "Sid": "ReplicationRoleReadsConfiguration",
            "Effect": "Allow",
            "Principal": { "AWS": core.replication_role },
            "Action": "s3:GetReplicationConfiguration",
            "Resource": arn,
        })
    } else {
        deny_insecure_transport(&arn)
    };
    bucket_policy(s, name, vec![statement]).await
}

/// Seeds the data buckets, replication and backup; applies this layer's mutants.
pub(crate) async fn deploy(l: &mut Layout, core: &Core) -> Result<(), SeedError> {
    let suffix = l.suffix.clone();
    let primary_bucket = format!("healthcare-data-{suffix}-primary");
    let dr_bucket = if l.has(&m::DR_BUCKET_UNSUFFIXED) {
        "healthcare-data-dr-replica".to_owned()
    } else {
        format!("healthcare-data-{suffix}-dr")
    };
    data_bucket(l, core, &l.primary, &primary_bucket, "primary").await?;
    data_bucket(l, core, &l.dr, &dr_bucket, "dr").await?;
    let (primary_arn, dr_arn) = (format!("arn:aws:s3:::{primary_bucket}"), format!("arn:aws:s3:::{dr_bucket}"));

    // The replication role may read the source, write replicas and use both keys through S3.
    let replication_policy = policy(vec![
        json!({
            "Sid": "ReadSourceConfiguration",
            "Effect": "Allow",
            "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            "Resource": [primary_arn],
        }),
        json!({
            "Sid": "ReadSourceObjectVersions",
            "Effect": "Allow",
            "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
            "Resource": [format!("{primary_arn}/*")],
        }),
        json!({
            "Sid": "WriteReplicas",
            "Effect": "Allow",
            "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            "Resource": [format!("{dr_arn}/*")],
        }),
        json!({
            "Sid": "DecryptSourceObjects",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": [core.primary_key],
            "Condition": { "StringEquals": { "kms:ViaService": format!("s3.{PRIMARY_REGION}.amazonaws.com") } },
        }),
        json!({
            "Sid": "EncryptReplicas",
            "Effect": "Allow",
            "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
            "Resource": [core.dr_key],
            "Condition": { "StringEquals": { "kms:ViaService": format!("s3.{DR_REGION}.amazonaws.com") } },
        }),
    ]);
    l.primary
        .iam
        .put_role_policy()
        .role_name(format!("healthcare-s3-replication-{suffix}"))
        .policy_name(format!("healthcare-s3-replication-{suffix}"))
        .policy_document(replication_policy)
        .send()
        .await
        .map_err(step("PutRolePolicy"))?;

    // Everything to the DR bucket within 15 minutes (RTC), with metrics, under the DR key.
    let minutes = || ReplicationTimeValue::builder().minutes(15).build();
    let replica_key = if l.has(&m::REPLICATION_REPLICA_KEY_PRIMARY) { &core.primary_key } else { &core.dr_key };
    let mut destination = Destination::builder()
        .bucket(&dr_arn)
        .storage_class(StorageClass::Standard)
        .encryption_configuration(EncryptionConfiguration::builder().replica_kms_key_id(replica_key).build());
    if !l.has(&m::REPLICATION_NO_RTC) {
        let rtc = ReplicationTime::builder().status(ReplicationTimeStatus::Enabled).time(minutes());
        destination = destination.replication_time(rtc.build().map_err(step("ReplicationTime"))?);
    }
    if !l.has(&m::REPLICATION_NO_METRICS) {
        let metrics = Metrics::builder().status(MetricsStatus::Enabled).event_threshold(minutes());
        destination = destination.metrics(metrics.build().map_err(step("Metrics"))?);
    }
    let sse_kms = SseKmsEncryptedObjects::builder().status(SseKmsEncryptedObjectsStatus::Enabled);
    let status = if l.has(&m::REPLICATION_RULE_DISABLED) {
        ReplicationRuleStatus::Disabled
    } else {
        ReplicationRuleStatus::Enabled
    };
    let rule = ReplicationRule::builder()
        .id("replicate-all-to-dr")
        .status(status)
        .priority(1)
        .filter(ReplicationRuleFilter::builder().prefix("").build())
        .delete_marker_replication(
            DeleteMarkerReplication::builder().status(DeleteMarkerReplicationStatus::Enabled).build(),
        )
        .source_selection_criteria(
            SourceSelectionCriteria::builder()
                .sse_kms_encrypted_objects(sse_kms.build().map_err(step("SseKmsEncryptedObjects"))?)
                .build(),
        )
        .destination(destination.build().map_err(step("Destination"))?)
        .build()
        .map_err(step("ReplicationRule"))?;
    let replication = ReplicationConfiguration::builder()
        .role(&core.replication_role)
        .rules(rule)
        .build()
        .map_err(step("ReplicationConfiguration"))?;
    l.primary
        .s3
        .put_bucket_replication()
        .bucket(&primary_bucket)
        .replication_configuration(replication)
        .send()
        .await
        .map_err(step("PutBucketReplication"))?;

    // AWS Backup: a vault per region under its key, an hourly continuous plan copying to DR.
    let backup_tags = || Some(l.tags(&[]).into_iter().collect::<HashMap<_, _>>());
    let primary_vault = format!("healthcare-backup-vault-{suffix}");
    let dr_vault = format!("healthcare-backup-vault-dr-{suffix}");
    l.primary
        .backup
        .create_backup_vault()
        .backup_vault_name(&primary_vault)
        .encryption_key_arn(&core.primary_key)
        .set_backup_vault_tags(backup_tags())
        .send()
        .await
        .map_err(step("CreateBackupVault"))?;
    let dr_vault_key = if l.has(&m::DR_VAULT_PRIMARY_KEY) { &core.primary_key } else { &core.dr_key };
    let dr_vault_arn =
        l.dr.backup
            .create_backup_vault()
            .backup_vault_name(&dr_vault)
            .encryption_key_arn(dr_vault_key)
            .set_backup_vault_tags(backup_tags())
            .send()
            .await
            .map_err(step("CreateBackupVault"))?
            .backup_vault_arn
            .unwrap_or_default();
    let keep = |days: i64| Lifecycle::builder().delete_after_days(days).build();
    let schedule = if l.has(&m::BACKUP_PLAN_DAILY) { "cron(0 5 ? * * *)" } else { "cron(0 */1 * * ? *)" };
    let mut rule = BackupRuleInput::builder()
        .rule_name(format!("hourly-continuous-{suffix}"))
        .target_backup_vault_name(&primary_vault)
        .schedule_expression(schedule)
        .enable_continuous_backup(!l.has(&m::BACKUP_PLAN_NOT_CONTINUOUS))
        .start_window_minutes(60)
        .completion_window_minutes(180)
        .lifecycle(keep(if l.has(&m::BACKUP_PLAN_KEEPS_35_DAYS) { 35 } else { 7 }));
    if !l.has(&m::BACKUP_PLAN_NO_COPY) {
        let copy = CopyAction::builder().destination_backup_vault_arn(&dr_vault_arn).lifecycle(keep(7));
        rule = rule.copy_actions(copy.build().map_err(step("CopyAction"))?);
    }
    let plan = BackupPlanInput::builder()
        .backup_plan_name(format!("healthcare-backup-plan-{suffix}"))
        .rules(rule.build().map_err(step("BackupRuleInput"))?)
        .build()
        .map_err(step("BackupPlanInput"))?;
    let plan_id = l
        .primary
        .backup
        .create_backup_plan()
        .backup_plan(plan)
        .set_backup_plan_tags(backup_tags())
        .send()
        .await
        .map_err(step("CreateBackupPlan"))?
        .backup_plan_id
        .unwrap_or_default();
    // main.ts also selects the primary cluster for the plan (BackupSelection); moto 5.2.5
    // answers CreateBackupSelection with HTTP 500, so it is not seeded and the check skips it.

    // Drift applied after creation.
    if l.has(&m::DR_BUCKET_VERSIONING_SUSPENDED) {
        versioning(&l.dr, &dr_bucket, BucketVersioningStatus::Suspended).await?;
    }

    l.output("PrimaryBucketName", primary_bucket);
    l.output("DrBucketName", dr_bucket);
    l.output("PrimaryBackupVaultName", primary_vault);
    l.output("DrBackupVaultName", dr_vault);
    l.output("BackupPlanId", plan_id);
    Ok(())
}
