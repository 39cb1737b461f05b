//! S3 buckets (main.ts `dataBucket(side, provider, key)` and the trail's bucket): creation with
//! the default tags and versioning, default encryption, the public access block, the lifecycle
//! and the bucket policy, each a small step, and the data buckets from their spec.

use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration,
    ExpirationStatus, LifecycleRule, LifecycleRuleFilter, NoncurrentVersionExpiration, PublicAccessBlockConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    Tag, Tagging, Transition, TransitionStorageClass, VersioningConfiguration,
};
use serde_json::{Value, json};

use super::core::Core;
use super::iam::policy;
use super::{Layout, Side};
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

pub(crate) fn arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// A data bucket as main.ts declares it: versioned, KMS-encrypted, private, tiered after 30 days
/// with noncurrent versions expiring after 90, and refusing plain HTTP.
pub(crate) struct DataBucketSpec {
    pub side: Side,
    pub name: String,
    /// The default encryption key; None is SSE-S3.
    pub key: Option<String>,
    pub noncurrent_expiry: bool,
    /// The bucket policy's one statement.
    pub statement: Value,
}

/// The primary data bucket, under the primary key.
pub(crate) fn primary_data_bucket(l: &Layout, core: &Core) -> DataBucketSpec {
    let name = l.names.data_bucket(Side::Primary);
    let statement = if l.has(&m::PRIMARY_BUCKET_POLICY_ALLOWS_HTTP) {
        // A policy still exists, so the check judges its statements rather than its absence.
        json!({
            "Sid": "ReplicationRoleReadsConfiguration",
            "Effect": "Allow",
            "Principal": { "AWS": core.replication_role },
            "Action": "s3:GetReplicationConfiguration",
            "Resource": arn(&name),
        })
    } else {
        deny_insecure_transport(&arn(&name))
    };
    let key = (!l.has(&m::PRIMARY_BUCKET_SSE_S3)).then(|| core.primary_key.clone());
    DataBucketSpec { side: Side::Primary, name, key, noncurrent_expiry: true, statement }
}

/// The DR data bucket, the replicas' destination, under the DR key.
pub(crate) fn dr_data_bucket(l: &Layout, core: &Core) -> DataBucketSpec {
    let name = if l.has(&m::DR_BUCKET_UNSUFFIXED) {
        "healthcare-data-dr-replica".to_owned()
    } else {
        l.names.data_bucket(Side::Dr)
    };
    DataBucketSpec {
        side: Side::Dr,
        statement: deny_insecure_transport(&arn(&name)),
        name,
        key: Some(core.dr_key.clone()),
        noncurrent_expiry: !l.has(&m::DR_BUCKET_NO_NONCURRENT_EXPIRY),
    }
}

pub(crate) async fn create_data_bucket(l: &Layout, spec: &DataBucketSpec) -> Result<(), SeedError> {
    let s = l.at(spec.side);
    bucket(l, s, &spec.name).await?;
    encryption(s, &spec.name, spec.key.as_deref()).await?;
    block_public_access(s, &spec.name, true).await?;
    lifecycle(s, &spec.name, spec.noncurrent_expiry).await?;
    bucket_policy(s, &spec.name, vec![spec.statement.clone()]).await
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

/// Intelligent-Tiering after 30 days; noncurrent versions expire after 90 when asked.
async fn lifecycle(s: &Seeder, bucket: &str, noncurrent_expiry: bool) -> Result<(), SeedError> {
    let mut rule = LifecycleRule::builder()
        .id("intelligent-tiering-and-noncurrent-expiry")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .transitions(Transition::builder().days(30).storage_class(TransitionStorageClass::IntelligentTiering).build());
    if noncurrent_expiry {
        rule = rule.noncurrent_version_expiration(NoncurrentVersionExpiration::builder().noncurrent_days(90).build());
    }
    let lifecycle = BucketLifecycleConfiguration::builder()
        .rules(rule.build().map_err(step("LifecycleRule"))?)
        .build()
        .map_err(step("BucketLifecycleConfiguration"))?;
    s.s3.put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(lifecycle)
        .send()
        .await
        .map_err(step("PutBucketLifecycleConfiguration"))?;
    Ok(())
}

pub(crate) async fn bucket_policy(s: &Seeder, bucket: &str, statements: Vec<Value>) -> Result<(), SeedError> {
    s.s3.put_bucket_policy().bucket(bucket).policy(policy(statements)).send().await.map_err(step("PutBucketPolicy"))?;
    Ok(())
}
