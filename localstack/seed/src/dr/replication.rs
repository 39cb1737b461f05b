//! Cross-region replication of the primary data bucket (main.ts "S3 replication"): the
//! replication role's policy and the bucket's replication configuration, everything to the DR
//! bucket within 15 minutes (RTC), with metrics, under the DR key.
//!
//! moto always reads DeleteMarkerReplication as Disabled, drops SourceSelectionCriteria and reads
//! every rule's Filter as Prefix ""; AWS would refuse RTC without Metrics, moto takes it.

use aws_sdk_s3::types::{
    DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination, EncryptionConfiguration, Metrics,
    MetricsStatus, ReplicationConfiguration, ReplicationRule, ReplicationRuleFilter, ReplicationRuleStatus,
    ReplicationTime, ReplicationTimeStatus, ReplicationTimeValue, SourceSelectionCriteria, SseKmsEncryptedObjects,
    SseKmsEncryptedObjectsStatus, StorageClass,
};
use serde_json::{Value, json};

use super::core::Core;
use super::{DR_REGION, Layout, PRIMARY_REGION, s3};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// The replication time control's and the metrics' threshold.
const MINUTES: i32 = 15;

/// The replication configuration as main.ts declares it: the role and its rules.
pub(crate) struct ReplicationSpec {
    pub role: String,
    pub source: String,
    pub rules: Vec<RuleSpec>,
}

/// One replication rule: what it selects, where it sends it, and how.
#[derive(Clone)]
pub(crate) struct RuleSpec {
    pub id: &'static str,
    pub priority: i32,
    pub prefix: &'static str,
    pub enabled: bool,
    /// The destination bucket's name.
    pub destination: String,
    /// The replicas' key; None leaves out EncryptionConfiguration.
    pub replica_key: Option<String>,
    /// Replication time control.
    pub rtc: bool,
    pub metrics: bool,
}

pub(crate) fn spec(l: &Layout, core: &Core, source: &str, destination: &str) -> ReplicationSpec {
    let replica_key = if l.has(&m::REPLICATION_REPLICA_KEY_PRIMARY) { &core.primary_key } else { &core.dr_key };
    let destination =
        if l.has(&m::REPLICATION_TO_TRAIL_BUCKET) { l.names.trail_bucket() } else { destination.to_owned() };
    let main = RuleSpec {
        id: "replicate-all-to-dr",
        priority: 1,
        prefix: "",
        enabled: !l.has(&m::REPLICATION_RULE_DISABLED),
        destination,
        replica_key: Some(replica_key.clone()),
        rtc: !l.has(&m::REPLICATION_NO_RTC),
        metrics: !l.has(&m::REPLICATION_NO_METRICS),
    };
    let role = if l.has(&m::REPLICATION_AS_BACKUP_ROLE) {
        format!("arn:aws:iam::{}:role/{}", core.account, l.names.backup_role())
    } else {
        core.replication_role.clone()
    };
    let rules = match extra_rule(l, &main) {
        Some(extra) => vec![main, extra],
        None => vec![main],
    };
    ReplicationSpec { role, source: source.to_owned(), rules }
}

/// The second rule some mutants add: as the first, on prefix `urgent/` at priority 2, with the
/// one property the mutant breaks.
fn extra_rule(l: &Layout, main: &RuleSpec) -> Option<RuleSpec> {
    let extra = RuleSpec { id: "replicate-urgent-to-dr", priority: 2, prefix: "urgent/", ..main.clone() };
    if l.has(&m::REPLICATION_EXTRA_RULE_DISABLED) {
        Some(RuleSpec { enabled: false, ..extra })
    } else if l.has(&m::REPLICATION_EXTRA_RULE_NO_RTC) {
        Some(RuleSpec { rtc: false, ..extra })
    } else if l.has(&m::REPLICATION_EXTRA_RULE_NO_METRICS) {
        Some(RuleSpec { metrics: false, ..extra })
    } else if l.has(&m::REPLICATION_EXTRA_RULE_NO_REPLICA_KEY) {
        Some(RuleSpec { replica_key: None, ..extra })
    } else {
        None
    }
}

/// The replication role may read the source, write replicas and use both keys through S3.
pub(crate) fn role_policy(core: &Core, source: &str, destination: &str) -> Vec<Value> {
    let (source, destination) = (s3::arn(source), s3::arn(destination));
    vec![
        json!({
            "Sid": "ReadSourceConfiguration",
            "Effect": "Allow",
            "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            "Resource": [source],
        }),
        json!({
            "Sid": "ReadSourceObjectVersions",
            "Effect": "Allow",
            "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
            "Resource": [format!("{source}/*")],
        }),
        json!({
            "Sid": "WriteReplicas",
            "Effect": "Allow",
            "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            "Resource": [format!("{destination}/*")],
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
    ]
}

/// Puts the source bucket's replication configuration.
pub(crate) async fn create(l: &Layout, spec: &ReplicationSpec) -> Result<(), SeedError> {
    let rules = spec.rules.iter().map(rule).collect::<Result<Vec<_>, _>>()?;
    let replication = ReplicationConfiguration::builder()
        .role(&spec.role)
        .set_rules(Some(rules))
        .build()
        .map_err(step("ReplicationConfiguration"))?;
    l.primary
        .s3
        .put_bucket_replication()
        .bucket(&spec.source)
        .replication_configuration(replication)
        .send()
        .await
        .map_err(step("PutBucketReplication"))?;
    Ok(())
}

/// One rule: delete markers and SSE-KMS objects replicated, as main.ts declares.
fn rule(spec: &RuleSpec) -> Result<ReplicationRule, SeedError> {
    let sse_kms = SseKmsEncryptedObjects::builder().status(SseKmsEncryptedObjectsStatus::Enabled);
    let status = if spec.enabled { ReplicationRuleStatus::Enabled } else { ReplicationRuleStatus::Disabled };
    ReplicationRule::builder()
        .id(spec.id)
        .status(status)
        .priority(spec.priority)
        .filter(ReplicationRuleFilter::builder().prefix(spec.prefix).build())
        .delete_marker_replication(
            DeleteMarkerReplication::builder().status(DeleteMarkerReplicationStatus::Enabled).build(),
        )
        .source_selection_criteria(
            SourceSelectionCriteria::builder()
                .sse_kms_encrypted_objects(sse_kms.build().map_err(step("SseKmsEncryptedObjects"))?)
                .build(),
        )
        .destination(destination(spec)?)
        .build()
        .map_err(step("ReplicationRule"))
}

/// The destination bucket, in the Standard class, under the replica key, with RTC and metrics as
/// asked.
fn destination(spec: &RuleSpec) -> Result<Destination, SeedError> {
    let minutes = || ReplicationTimeValue::builder().minutes(MINUTES).build();
    let mut destination =
        Destination::builder().bucket(s3::arn(&spec.destination)).storage_class(StorageClass::Standard);
    if let Some(key) = &spec.replica_key {
        destination =
            destination.encryption_configuration(EncryptionConfiguration::builder().replica_kms_key_id(key).build());
    }
    if spec.rtc {
        let rtc = ReplicationTime::builder().status(ReplicationTimeStatus::Enabled).time(minutes());
        destination = destination.replication_time(rtc.build().map_err(step("ReplicationTime"))?);
    }
    if spec.metrics {
        let metrics = Metrics::builder().status(MetricsStatus::Enabled).event_threshold(minutes());
        destination = destination.metrics(metrics.build().map_err(step("Metrics"))?);
    }
    destination.build().map_err(step("Destination"))
}
