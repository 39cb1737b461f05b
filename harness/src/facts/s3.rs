//! S3 buckets: versioning, default encryption, public access block, lifecycle, replication and
//! the bucket policy. Each configuration is a fact of its own, so one refused or failed read does
//! not hide the others; a configuration the bucket does not have is `None`, a definite answer.

use aws_sdk_s3::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;

use super::{Fact, FactError, classify};

/// The error codes meaning "this bucket does not exist".
const BUCKET_GONE: &[&str] = &["NoSuchBucket"];

/// One bucket's configuration, one fact per S3 read.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Bucket {
    pub name: String,
    /// GetBucketVersioning.
    pub versioning: Fact<Versioning>,
    /// GetBucketEncryption; `None` when the bucket has no default encryption configuration.
    #[serde(rename = "ServerSideEncryptionConfiguration")]
    pub encryption: Fact<Option<Encryption>>,
    /// GetPublicAccessBlock; `None` when the bucket has no public access block.
    #[serde(rename = "PublicAccessBlockConfiguration")]
    pub public_access_block: Fact<Option<PublicAccessBlock>>,
    /// GetBucketLifecycleConfiguration; `None` when the bucket has no lifecycle configuration.
    #[serde(rename = "LifecycleConfiguration")]
    pub lifecycle: Fact<Option<Lifecycle>>,
    /// GetBucketReplication; `None` when the bucket does not replicate.
    #[serde(rename = "ReplicationConfiguration")]
    pub replication: Fact<Option<Replication>>,
    /// GetBucketPolicy, parsed; `None` when the bucket has no policy.
    pub policy: Fact<Option<serde_json::Value>>,
}

/// GetBucketVersioning. `Status` is absent on a bucket whose versioning was never enabled.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Versioning {
    pub status: Option<String>,
    #[serde(rename = "MFADelete")]
    pub mfa_delete: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Encryption {
    pub rules: Vec<EncryptionRule>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptionRule {
    pub apply_server_side_encryption_by_default: Option<EncryptionByDefault>,
    pub bucket_key_enabled: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EncryptionByDefault {
    #[serde(rename = "SSEAlgorithm")]
    pub sse_algorithm: String,
    /// Absent with `aws:kms` means the AWS managed key `aws/s3`.
    #[serde(rename = "KMSMasterKeyID")]
    pub kms_master_key_id: Option<String>,
}

impl Encryption {
    /// The default encryption the bucket applies: S3 allows one rule, so the first that has one.
    pub fn default_encryption(&self) -> Option<&EncryptionByDefault> {
        self.rules.iter().find_map(|r| r.apply_server_side_encryption_by_default.as_ref())
    }
}

/// GetPublicAccessBlock; a setting the reply leaves out is off.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// The `Filter` of a lifecycle or replication rule.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleFilter {
    pub prefix: Option<String>,
    pub tag: Option<Tag>,
    pub object_size_greater_than: Option<i64>,
    pub object_size_less_than: Option<i64>,
    pub and: Option<AndFilter>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AndFilter {
    pub prefix: Option<String>,
    pub tags: Vec<Tag>,
    pub object_size_greater_than: Option<i64>,
    pub object_size_less_than: Option<i64>,
}

impl RuleFilter {
    /// True if the filter selects every object: no tag or size condition and an empty prefix.
    pub fn selects_everything(&self) -> bool {
        let empty = |p: &Option<String>| p.as_deref().is_none_or(str::is_empty);
        let and_empty = self.and.as_ref().is_none_or(|a| {
            empty(&a.prefix)
                && a.tags.is_empty()
                && a.object_size_greater_than.is_none()
                && a.object_size_less_than.is_none()
        });
        empty(&self.prefix)
            && self.tag.is_none()
            && self.object_size_greater_than.is_none()
            && self.object_size_less_than.is_none()
            && and_empty
    }
}

/// A rule applies to the whole bucket when neither its filter nor its (deprecated) rule-level
/// prefix narrows it.
fn covers_whole_bucket(filter: Option<&RuleFilter>, prefix: Option<&str>) -> bool {
    filter.is_none_or(RuleFilter::selects_everything) && prefix.is_none_or(str::is_empty)
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Lifecycle {
    pub rules: Vec<LifecycleRule>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LifecycleRule {
    #[serde(rename = "ID")]
    pub id: Option<String>,
    pub status: String,
    pub filter: Option<RuleFilter>,
    /// The deprecated rule-level prefix.
    pub prefix: Option<String>,
    pub transitions: Vec<Transition>,
    pub expiration: Option<Expiration>,
    pub noncurrent_version_transitions: Vec<NoncurrentVersionTransition>,
    pub noncurrent_version_expiration: Option<NoncurrentVersionExpiration>,
}

impl LifecycleRule {
    pub fn covers_whole_bucket(&self) -> bool {
        covers_whole_bucket(self.filter.as_ref(), self.prefix.as_deref())
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Transition {
    pub days: Option<i32>,
    pub date: Option<String>,
    pub storage_class: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Expiration {
    pub days: Option<i32>,
    pub date: Option<String>,
    pub expired_object_delete_marker: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentVersionTransition {
    pub noncurrent_days: Option<i32>,
    pub storage_class: Option<String>,
    pub newer_noncurrent_versions: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoncurrentVersionExpiration {
    pub noncurrent_days: Option<i32>,
    pub newer_noncurrent_versions: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Replication {
    pub role: String,
    pub rules: Vec<ReplicationRule>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicationRule {
    #[serde(rename = "ID")]
    pub id: Option<String>,
    pub priority: Option<i32>,
    pub status: String,
    pub filter: Option<RuleFilter>,
    /// The deprecated rule-level prefix.
    pub prefix: Option<String>,
    pub delete_marker_replication: Option<StatusOf>,
    pub source_selection_criteria: Option<SourceSelectionCriteria>,
    pub destination: Option<Destination>,
}

impl ReplicationRule {
    pub fn covers_whole_bucket(&self) -> bool {
        covers_whole_bucket(self.filter.as_ref(), self.prefix.as_deref())
    }
}

/// A `{ "Status": ... }` element.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusOf {
    pub status: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SourceSelectionCriteria {
    pub sse_kms_encrypted_objects: Option<StatusOf>,
    pub replica_modifications: Option<StatusOf>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Destination {
    /// The destination bucket's ARN.
    pub bucket: String,
    pub account: Option<String>,
    pub storage_class: Option<String>,
    pub encryption_configuration: Option<ReplicaEncryption>,
    pub replication_time: Option<ReplicationTime>,
    pub metrics: Option<Metrics>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplicaEncryption {
    #[serde(rename = "ReplicaKmsKeyID")]
    pub replica_kms_key_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicationTime {
    pub status: String,
    /// Time.Minutes
    pub time: Option<Minutes>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Metrics {
    pub status: String,
    /// EventThreshold.Minutes
    pub event_threshold: Option<Minutes>,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Minutes {
    pub minutes: Option<i32>,
}

/// GetBucketLogging: where the bucket delivers its server access logs. Only the target is kept
/// (grants are the log bucket's business, judged by its own policy and public access block).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Logging {
    pub target_bucket: String,
    pub target_prefix: String,
}

/// The bucket's server access logging; `None` when it is off (S3 answers an empty
/// BucketLoggingStatus, with no LoggingEnabled).
pub async fn logging(s3: &Client, name: &str) -> Fact<Option<Logging>> {
    let out =
        s3.get_bucket_logging().bucket(name).send().await.map_err(|e| classify("GetBucketLogging", &e, BUCKET_GONE))?;
    Ok(out.logging_enabled.map(|l| Logging { target_bucket: l.target_bucket, target_prefix: l.target_prefix }))
}

/// The reply, `None` when S3 answered `missing` (the bucket has no such configuration), or the
/// error sorted by `classify`.
fn configured<T, E, R>(operation: &str, reply: Result<T, SdkError<E, R>>, missing: &str) -> Fact<Option<T>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match reply {
        Ok(out) => Ok(Some(out)),
        Err(SdkError::ServiceError(se)) if se.err().code() == Some(missing) => Ok(None),
        Err(e) => Err(classify(operation, &e, BUCKET_GONE)),
    }
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

fn tag(t: &aws_sdk_s3::types::Tag) -> Tag {
    Tag { key: t.key.clone(), value: t.value.clone() }
}

fn lifecycle_filter(f: &aws_sdk_s3::types::LifecycleRuleFilter) -> RuleFilter {
    RuleFilter {
        prefix: f.prefix.clone(),
        tag: f.tag.as_ref().map(tag),
        object_size_greater_than: f.object_size_greater_than,
        object_size_less_than: f.object_size_less_than,
        and: f.and.as_ref().map(|a| AndFilter {
            prefix: a.prefix.clone(),
            tags: a.tags().iter().map(tag).collect(),
            object_size_greater_than: a.object_size_greater_than,
            object_size_less_than: a.object_size_less_than,
        }),
    }
}

fn replication_filter(f: &aws_sdk_s3::types::ReplicationRuleFilter) -> RuleFilter {
    RuleFilter {
        prefix: f.prefix.clone(),
        tag: f.tag.as_ref().map(tag),
        and: f.and.as_ref().map(|a| AndFilter {
            prefix: a.prefix.clone(),
            tags: a.tags().iter().map(tag).collect(),
            ..AndFilter::default()
        }),
        ..RuleFilter::default()
    }
}

async fn versioning(s3: &Client, name: &str) -> Fact<Versioning> {
    let out = s3
        .get_bucket_versioning()
        .bucket(name)
        .send()
        .await
        .map_err(|e| classify("GetBucketVersioning", &e, BUCKET_GONE))?;
    Ok(Versioning {
        status: out.status.map(|s| s.as_str().to_owned()),
        mfa_delete: out.mfa_delete.map(|s| s.as_str().to_owned()),
    })
}

async fn encryption(s3: &Client, name: &str) -> Fact<Option<Encryption>> {
    let reply = s3.get_bucket_encryption().bucket(name).send().await;
    let Some(out) = configured("GetBucketEncryption", reply, "ServerSideEncryptionConfigurationNotFoundError")? else {
        return Ok(None);
    };
    let rules = out.server_side_encryption_configuration.map(|c| c.rules).unwrap_or_default();
    Ok(Some(Encryption {
        rules: rules
            .into_iter()
            .map(|r| EncryptionRule {
                apply_server_side_encryption_by_default: r.apply_server_side_encryption_by_default.map(|d| {
                    EncryptionByDefault {
                        sse_algorithm: d.sse_algorithm.as_str().to_owned(),
                        kms_master_key_id: d.kms_master_key_id,
                    }
                }),
                bucket_key_enabled: r.bucket_key_enabled,
            })
            .collect(),
    }))
}

async fn public_access_block(s3: &Client, name: &str) -> Fact<Option<PublicAccessBlock>> {
    let reply = s3.get_public_access_block().bucket(name).send().await;
    let Some(out) = configured("GetPublicAccessBlock", reply, "NoSuchPublicAccessBlockConfiguration")? else {
        return Ok(None);
    };
    Ok(out.public_access_block_configuration.map(|c| PublicAccessBlock {
        block_public_acls: c.block_public_acls.unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls.unwrap_or(false),
        block_public_policy: c.block_public_policy.unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets.unwrap_or(false),
    }))
}

async fn lifecycle(s3: &Client, name: &str) -> Fact<Option<Lifecycle>> {
    let reply = s3.get_bucket_lifecycle_configuration().bucket(name).send().await;
    let Some(out) = configured("GetBucketLifecycleConfiguration", reply, "NoSuchLifecycleConfiguration")? else {
        return Ok(None);
    };
    Ok(Some(Lifecycle {
        rules: out
            .rules
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                #[allow(deprecated)] // the rule-level prefix is deprecated but still narrows a rule
                let prefix = r.prefix.clone();
                LifecycleRule {
                    id: r.id.clone(),
                    status: r.status.as_str().to_owned(),
                    filter: r.filter.as_ref().map(lifecycle_filter),
                    prefix,
                    transitions: r
                        .transitions()
                        .iter()
                        .map(|t| Transition {
                            days: t.days,
                            date: time(t.date.as_ref()),
                            storage_class: t.storage_class.as_ref().map(|c| c.as_str().to_owned()),
                        })
                        .collect(),
                    expiration: r.expiration.as_ref().map(|e| Expiration {
                        days: e.days,
                        date: time(e.date.as_ref()),
                        expired_object_delete_marker: e.expired_object_delete_marker,
                    }),
                    noncurrent_version_transitions: r
                        .noncurrent_version_transitions()
                        .iter()
                        .map(|t| NoncurrentVersionTransition {
                            noncurrent_days: t.noncurrent_days,
                            storage_class: t.storage_class.as_ref().map(|c| c.as_str().to_owned()),
                            newer_noncurrent_versions: t.newer_noncurrent_versions,
                        })
                        .collect(),
                    noncurrent_version_expiration: r.noncurrent_version_expiration.as_ref().map(|e| {
                        NoncurrentVersionExpiration {
                            noncurrent_days: e.noncurrent_days,
                            newer_noncurrent_versions: e.newer_noncurrent_versions,
                        }
                    }),
                }
            })
            .collect(),
    }))
}

async fn replication(s3: &Client, name: &str) -> Fact<Option<Replication>> {
    let reply = s3.get_bucket_replication().bucket(name).send().await;
    let Some(out) = configured("GetBucketReplication", reply, "ReplicationConfigurationNotFoundError")? else {
        return Ok(None);
    };
    let Some(config) = out.replication_configuration else {
        return Ok(None);
    };
    let status = |s: Option<String>| StatusOf { status: s };
    Ok(Some(Replication {
        role: config.role,
        rules: config
            .rules
            .into_iter()
            .map(|r| {
                #[allow(deprecated)] // the rule-level prefix is deprecated but still narrows a rule
                let prefix = r.prefix.clone();
                ReplicationRule {
                    id: r.id.clone(),
                    priority: r.priority,
                    status: r.status.as_str().to_owned(),
                    filter: r.filter.as_ref().map(replication_filter),
                    prefix,
                    delete_marker_replication: r
                        .delete_marker_replication
                        .as_ref()
                        .map(|d| status(d.status.as_ref().map(|s| s.as_str().to_owned()))),
                    source_selection_criteria: r.source_selection_criteria.as_ref().map(|c| SourceSelectionCriteria {
                        sse_kms_encrypted_objects: c
                            .sse_kms_encrypted_objects
                            .as_ref()
                            .map(|o| status(Some(o.status.as_str().to_owned()))),
                        replica_modifications: c
                            .replica_modifications
                            .as_ref()
                            .map(|o| status(Some(o.status.as_str().to_owned()))),
                    }),
                    destination: r.destination.as_ref().map(|d| Destination {
                        bucket: d.bucket.clone(),
                        account: d.account.clone(),
                        storage_class: d.storage_class.as_ref().map(|c| c.as_str().to_owned()),
                        encryption_configuration: d
                            .encryption_configuration
                            .as_ref()
                            .map(|e| ReplicaEncryption { replica_kms_key_id: e.replica_kms_key_id.clone() }),
                        replication_time: d.replication_time.as_ref().map(|t| ReplicationTime {
                            status: t.status.as_str().to_owned(),
                            time: t.time.as_ref().map(|v| Minutes { minutes: v.minutes }),
                        }),
                        metrics: d.metrics.as_ref().map(|m| Metrics {
                            status: m.status.as_str().to_owned(),
                            event_threshold: m.event_threshold.as_ref().map(|v| Minutes { minutes: v.minutes }),
                        }),
                    }),
                }
            })
            .collect(),
    }))
}

async fn policy(s3: &Client, name: &str) -> Fact<Option<serde_json::Value>> {
    let reply = s3.get_bucket_policy().bucket(name).send().await;
    let Some(text) = configured("GetBucketPolicy", reply, "NoSuchBucketPolicy")?.and_then(|out| out.policy) else {
        return Ok(None);
    };
    serde_json::from_str(&text).map(Some).map_err(|e| FactError::Api {
        operation: "GetBucketPolicy".into(),
        detail: format!("the policy is not JSON: {e}"),
    })
}

/// Every configuration of one bucket, read concurrently. The bucket is absent if any read says
/// so; any other failure stays with the configuration it concerns.
pub async fn bucket(s3: &Client, name: &str) -> Fact<Bucket> {
    let (versioning, encryption, public_access_block, lifecycle, replication, policy) = tokio::join!(
        Box::pin(versioning(s3, name)),
        Box::pin(encryption(s3, name)),
        Box::pin(public_access_block(s3, name)),
        Box::pin(lifecycle(s3, name)),
        Box::pin(replication(s3, name)),
        Box::pin(policy(s3, name)),
    );
    let absent = [
        versioning.as_ref().err(),
        encryption.as_ref().err(),
        public_access_block.as_ref().err(),
        lifecycle.as_ref().err(),
        replication.as_ref().err(),
        policy.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .any(|e| matches!(e, FactError::Absent { .. }));
    if absent {
        return Err(FactError::Absent { what: format!("bucket {name}") });
    }
    Ok(Bucket { name: name.to_owned(), versioning, encryption, public_access_block, lifecycle, replication, policy })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_unconditioned_filter_with_an_empty_prefix_selects_everything() {
        assert!(RuleFilter::default().selects_everything());
        assert!(RuleFilter { prefix: Some(String::new()), ..RuleFilter::default() }.selects_everything());
        assert!(!RuleFilter { prefix: Some("logs/".into()), ..RuleFilter::default() }.selects_everything());
        let tagged = Tag { key: "k".into(), value: "v".into() };
        assert!(!RuleFilter { tag: Some(tagged.clone()), ..RuleFilter::default() }.selects_everything());
        let and = AndFilter { tags: vec![tagged], ..AndFilter::default() };
        assert!(!RuleFilter { and: Some(and), ..RuleFilter::default() }.selects_everything());
        assert!(covers_whole_bucket(None, Some("")));
        assert!(!covers_whole_bucket(None, Some("tmp/")));
    }
}
