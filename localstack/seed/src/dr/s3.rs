//! S3 buckets (main.ts `dataBucket(side, provider, key)` and the trail's bucket): creation with
//! the default tags and versioning, default encryption, the public access block, the lifecycle
//! and the bucket policy, each a small step, and the data buckets from their spec.

use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration,
    ExpirationStatus, LifecycleExpiration, LifecycleRule, LifecycleRuleFilter, NoncurrentVersionExpiration,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging, Transition, TransitionStorageClass,
    VersioningConfiguration,
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

/// The four public access block settings.
#[derive(Clone, Copy)]
pub(crate) struct PublicAccess {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccess {
    /// All four on, as main.ts declares them for every bucket.
    pub const BLOCKED: Self = Self {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };
}

/// A lifecycle rule a mutant adds beside the layout's own: on `prefix`, moving objects to
/// GLACIER, expiring noncurrent versions, or expiring current versions after the given days.
pub(crate) struct ExtraLifecycleRule {
    pub id: &'static str,
    pub prefix: &'static str,
    pub glacier_after: Option<i32>,
    pub noncurrent_after: Option<i32>,
    pub current_after: Option<i32>,
}

/// A data bucket as main.ts declares it: versioned, KMS-encrypted, private, tiered after 30 days
/// with noncurrent versions expiring after 90, and refusing plain HTTP.
pub(crate) struct DataBucketSpec {
    pub side: Side,
    pub name: String,
    /// The default encryption key; None is SSE-S3.
    pub key: Option<String>,
    pub public_access: PublicAccess,
    pub noncurrent_expiry: bool,
    pub extra_lifecycle_rule: Option<ExtraLifecycleRule>,
    /// The bucket policy's statements.
    pub statements: Vec<Value>,
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
    let extra_lifecycle_rule = if l.has(&m::PRIMARY_BUCKET_PREFIX_TO_GLACIER) {
        Some(ExtraLifecycleRule { glacier_after: Some(1), ..ExtraLifecycleRule::on("archive-early", "archive/") })
    } else if l.has(&m::PRIMARY_BUCKET_PREFIX_NONCURRENT_1_DAY) {
        Some(ExtraLifecycleRule { noncurrent_after: Some(1), ..ExtraLifecycleRule::on("drafts-cleanup", "drafts/") })
    } else {
        None
    };
    DataBucketSpec {
        side: Side::Primary,
        key: (!l.has(&m::PRIMARY_BUCKET_SSE_S3)).then(|| core.primary_key.clone()),
        public_access: PublicAccess {
            block_public_acls: !l.has(&m::PRIMARY_BUCKET_PUBLIC_ACLS_ALLOWED),
            ..PublicAccess::BLOCKED
        },
        noncurrent_expiry: true,
        extra_lifecycle_rule,
        statements: vec![statement],
        name,
    }
}

/// The DR data bucket, the replicas' destination, under the DR key.
pub(crate) fn dr_data_bucket(l: &Layout, core: &Core) -> DataBucketSpec {
    let name = if l.has(&m::DR_BUCKET_UNSUFFIXED) {
        "healthcare-data-dr-replica".to_owned()
    } else {
        l.names.data_bucket(Side::Dr)
    };
    let key = if l.has(&m::DR_BUCKET_PRIMARY_KEY) { &core.primary_key } else { &core.dr_key };
    let extra_lifecycle_rule = l
        .has(&m::DR_BUCKET_EXPIRES_CURRENT_VERSIONS)
        .then(|| ExtraLifecycleRule { current_after: Some(7), ..ExtraLifecycleRule::on("expire-current", "") });
    DataBucketSpec {
        side: Side::Dr,
        statements: dr_statements(l, &core.account, &arn(&name)),
        name,
        key: Some(key.clone()),
        public_access: PublicAccess {
            ignore_public_acls: !l.has(&m::DR_BUCKET_PUBLIC_ACLS_HONOURED),
            restrict_public_buckets: !l.has(&m::DR_BUCKET_PUBLIC_BUCKETS_UNRESTRICTED),
            ..PublicAccess::BLOCKED
        },
        noncurrent_expiry: !l.has(&m::DR_BUCKET_NO_NONCURRENT_EXPIRY),
        extra_lifecycle_rule,
    }
}

/// The DR bucket policy: the TLS Deny (its condition widened by one mutant), and a public read
/// statement beside it for another.
fn dr_statements(l: &Layout, account: &str, bucket_arn: &str) -> Vec<Value> {
    let mut deny = deny_insecure_transport(bucket_arn);
    if l.has(&m::DR_BUCKET_DENY_EXEMPTS_ROLES) {
        deny["Condition"]["StringNotLike"] = json!({ "aws:PrincipalArn": format!("arn:aws:iam::{account}:role/*") });
    }
    let mut statements = vec![deny];
    if l.has(&m::DR_BUCKET_POLICY_PUBLIC_READ) {
        statements.push(json!({
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": format!("{bucket_arn}/*"),
        }));
    }
    statements
}

impl ExtraLifecycleRule {
    /// A rule on `prefix` that does nothing yet.
    fn on(id: &'static str, prefix: &'static str) -> Self {
        Self { id, prefix, glacier_after: None, noncurrent_after: None, current_after: None }
    }
}

pub(crate) async fn create_data_bucket(l: &Layout, spec: &DataBucketSpec) -> Result<(), SeedError> {
    let s = l.at(spec.side);
    bucket(l, s, &spec.name).await?;
    encryption(s, &spec.name, spec.key.as_deref()).await?;
    public_access_block(s, &spec.name, spec.public_access).await?;
    lifecycle(s, &spec.name, spec.noncurrent_expiry, spec.extra_lifecycle_rule.as_ref()).await?;
    bucket_policy(s, &spec.name, spec.statements.clone()).await
}

/// A bucket added to the layout in the DR region without an output (the unlisted-bucket mutant),
/// marked by the default tags and its Name: versioned, private and TLS-only like the others, but
/// encrypting with SSE-S3 instead of the DR key. Its name.
pub(crate) async fn create_unlisted_bucket(l: &Layout) -> Result<Option<String>, SeedError> {
    let Some(logical_id) = m::UNLISTED_BUCKET_SSE_S3.unlisted().filter(|_| l.has(&m::UNLISTED_BUCKET_SSE_S3)) else {
        return Ok(None);
    };
    let (s, name) = (&l.dr, format!("healthcare-unlisted-{}-dr", l.suffix));
    tagged_bucket(l, s, &name, &[("Name", logical_id)]).await?;
    encryption(s, &name, None).await?;
    public_access_block(s, &name, PublicAccess::BLOCKED).await?;
    bucket_policy(s, &name, vec![deny_insecure_transport(&arn(&name))]).await?;
    Ok(Some(name))
}

/// Creates a bucket in `s`'s region with the default tags, versioning on.
pub(crate) async fn bucket(l: &Layout, s: &Seeder, name: &str) -> Result<(), SeedError> {
    tagged_bucket(l, s, name, &[]).await
}

/// Creates a bucket in `s`'s region with the default tags and its own, versioning on.
async fn tagged_bucket(l: &Layout, s: &Seeder, name: &str, own: &[(&str, &str)]) -> Result<(), SeedError> {
    let location = CreateBucketConfiguration::builder()
        .location_constraint(BucketLocationConstraint::from(s.region.as_str()))
        .build();
    s.s3.create_bucket()
        .bucket(name)
        .create_bucket_configuration(location)
        .send()
        .await
        .map_err(step("CreateBucket"))?;
    let tags = l.tags(own).into_iter().map(|(k, v)| Tag::builder().key(k).value(v).build());
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
    public_access_block(s, bucket, PublicAccess { block_public_policy, ..PublicAccess::BLOCKED }).await
}

pub(crate) async fn public_access_block(s: &Seeder, bucket: &str, p: PublicAccess) -> Result<(), SeedError> {
    let config = PublicAccessBlockConfiguration::builder()
        .block_public_acls(p.block_public_acls)
        .block_public_policy(p.block_public_policy)
        .ignore_public_acls(p.ignore_public_acls)
        .restrict_public_buckets(p.restrict_public_buckets)
        .build();
    s.s3.put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(config)
        .send()
        .await
        .map_err(step("PutPublicAccessBlock"))?;
    Ok(())
}

/// Intelligent-Tiering after 30 days; noncurrent versions expire after 90 when asked; and the
/// extra rule a mutant adds, if any.
async fn lifecycle(
    s: &Seeder,
    bucket: &str,
    noncurrent_expiry: bool,
    extra: Option<&ExtraLifecycleRule>,
) -> Result<(), SeedError> {
    let mut rule = LifecycleRule::builder()
        .id("intelligent-tiering-and-noncurrent-expiry")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .transitions(Transition::builder().days(30).storage_class(TransitionStorageClass::IntelligentTiering).build());
    if noncurrent_expiry {
        rule = rule.noncurrent_version_expiration(NoncurrentVersionExpiration::builder().noncurrent_days(90).build());
    }
    let mut lifecycle = BucketLifecycleConfiguration::builder().rules(rule.build().map_err(step("LifecycleRule"))?);
    if let Some(extra) = extra {
        lifecycle = lifecycle.rules(extra_lifecycle_rule(extra)?);
    }
    s.s3.put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(lifecycle.build().map_err(step("BucketLifecycleConfiguration"))?)
        .send()
        .await
        .map_err(step("PutBucketLifecycleConfiguration"))?;
    Ok(())
}

fn extra_lifecycle_rule(extra: &ExtraLifecycleRule) -> Result<LifecycleRule, SeedError> {
    let mut rule = LifecycleRule::builder()
        .id(extra.id)
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix(extra.prefix).build());
    if let Some(days) = extra.glacier_after {
        rule =
            rule.transitions(Transition::builder().days(days).storage_class(TransitionStorageClass::Glacier).build());
    }
    if let Some(days) = extra.noncurrent_after {
        rule = rule.noncurrent_version_expiration(NoncurrentVersionExpiration::builder().noncurrent_days(days).build());
    }
    if let Some(days) = extra.current_after {
        rule = rule.expiration(LifecycleExpiration::builder().days(days).build());
    }
    rule.build().map_err(step("LifecycleRule"))
}

pub(crate) async fn bucket_policy(s: &Seeder, bucket: &str, statements: Vec<Value>) -> Result<(), SeedError> {
    s.s3.put_bucket_policy().bucket(bucket).policy(policy(statements)).send().await.map_err(step("PutBucketPolicy"))?;
    Ok(())
}

/// Rewrites the Resource of the bucket policy's TLS Deny to the bucket and the keys under
/// `prefix` only, as an operator's later edit would (drift).
pub(crate) async fn scope_tls_deny(s: &Seeder, bucket: &str, prefix: &str) -> Result<(), SeedError> {
    let reply = s.s3.get_bucket_policy().bucket(bucket).send().await.map_err(step("GetBucketPolicy"))?;
    let mut document: Value = serde_json::from_str(reply.policy().unwrap_or_default())
        .map_err(|e| SeedError::Api { step: "GetBucketPolicy".into(), detail: e.to_string() })?;
    let bucket_arn = arn(bucket);
    let Some(statements) = document["Statement"].as_array_mut() else {
        return Err(SeedError::Api { step: "GetBucketPolicy".into(), detail: "no Statement list".into() });
    };
    for deny in statements.iter_mut().filter(|st| st["Sid"] == "DenyInsecureTransport") {
        deny["Resource"] = json!([bucket_arn, format!("{bucket_arn}/{prefix}*")]);
    }
    let text = document.to_string();
    s.s3.put_bucket_policy().bucket(bucket).policy(text).send().await.map_err(step("PutBucketPolicy"))?;
    Ok(())
}
