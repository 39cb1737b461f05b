//! v2's server access logging of the data buckets (main.ts `accessLogBucket(side, provider,
//! dataBucketArn)` and `<side>_bucket_logging`): each data bucket logs under `access/` to a log
//! bucket of its own region that is versioned, encrypted with SSE-S3 (S3 delivers access logs to
//! no SSE-KMS bucket), blocks all public access, refuses plain HTTP and lets only the logging
//! service write, for that data bucket.
//!
//! moto's PutBucketLogging answers HTTP 500 when the target's policy has a Principal "*" (mod.rs),
//! so `enable` puts the delivery statement alone on the target while it enables logging, then puts
//! the target's own policy back.

use aws_sdk_s3::types::{BucketLoggingStatus, LoggingEnabled};
use serde_json::{Value, json};

use super::core::Core;
use super::s3::{self, PublicAccess};
use super::{Layout, Side};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// Where in the log bucket the data bucket's access logs go.
const PREFIX: &str = "access/";

/// An access log bucket as main.ts declares it.
pub(crate) struct LogBucketSpec {
    pub side: Side,
    pub name: String,
    /// The default encryption key; None is SSE-S3 (AES256), as main.ts declares.
    pub key: Option<String>,
    pub public_access: PublicAccess,
    /// The bucket policy's statements.
    pub statements: Vec<Value>,
}

/// The access log bucket of the side's data bucket `data_bucket`.
pub(crate) fn log_bucket(l: &Layout, core: &Core, side: Side, data_bucket: &str) -> LogBucketSpec {
    let name = l.names.access_log_bucket(side);
    let sse_kms = side == Side::Primary && l.has(&m::PRIMARY_ACCESS_LOG_BUCKET_SSE_KMS);
    let public_policy_allowed = side == Side::Dr && l.has(&m::DR_ACCESS_LOG_BUCKET_PUBLIC_POLICY_ALLOWED);
    LogBucketSpec {
        side,
        key: sse_kms.then(|| core.primary_key.clone()),
        public_access: PublicAccess { block_public_policy: !public_policy_allowed, ..PublicAccess::BLOCKED },
        statements: vec![s3::deny_insecure_transport(&s3::arn(&name)), delivery(&name, data_bucket, &core.account)],
        name,
    }
}

/// The logging service may put objects under `access/` in `log_bucket`, for `source` in this
/// account only.
fn delivery(log_bucket: &str, source: &str, account: &str) -> Value {
    json!({
        "Sid": "S3ServerAccessLogsDelivery",
        "Effect": "Allow",
        "Principal": { "Service": "logging.s3.amazonaws.com" },
        "Action": "s3:PutObject",
        "Resource": format!("{}/{PREFIX}*", s3::arn(log_bucket)),
        "Condition": {
            "ArnLike": { "aws:SourceArn": s3::arn(source) },
            "StringEquals": { "aws:SourceAccount": account },
        },
    })
}

/// Creates the bucket with the default tags and versioning, its encryption, public access block
/// and policy.
pub(crate) async fn create_log_bucket(l: &Layout, spec: &LogBucketSpec) -> Result<(), SeedError> {
    let s = l.at(spec.side);
    s3::bucket(l, s, &spec.name).await?;
    s3::encryption(s, &spec.name, spec.key.as_deref()).await?;
    s3::public_access_block(s, &spec.name, spec.public_access).await?;
    s3::bucket_policy(s, &spec.name, spec.statements.clone()).await
}

/// A data bucket's access logging as main.ts declares it.
pub(crate) struct LoggingSpec {
    pub side: Side,
    pub source: String,
    /// The bucket its logs go to; None leaves logging off.
    pub target: Option<String>,
}

pub(crate) fn logging(l: &Layout, side: Side, data_bucket: &str, log_bucket: &str) -> LoggingSpec {
    let target = if side == Side::Dr && l.has(&m::DR_BUCKET_NOT_LOGGED) {
        None
    } else if side == Side::Primary && l.has(&m::PRIMARY_BUCKET_LOGS_TO_ITSELF) {
        Some(data_bucket.to_owned())
    } else {
        Some(log_bucket.to_owned())
    };
    LoggingSpec { side, source: data_bucket.to_owned(), target }
}

/// Turns the source's logging on into the target under `access/`. The target must let the logging
/// service write there when logging is put (S3 refuses it otherwise), and moto fails on main.ts's
/// TLS Deny beside that statement: so the target holds the delivery statement alone meanwhile, and
/// gets its own policy back after.
pub(crate) async fn enable(l: &Layout, spec: &LoggingSpec, account: &str) -> Result<(), SeedError> {
    let Some(target) = &spec.target else { return Ok(()) };
    let s = l.at(spec.side);
    let own = s.s3.get_bucket_policy().bucket(target).send().await.map_err(step("GetBucketPolicy"))?;
    let own = own.policy.ok_or_else(|| SeedError::Api {
        step: "GetBucketPolicy".into(),
        detail: format!("{target} has no policy to put back after enabling logging"),
    })?;
    s3::bucket_policy(s, target, vec![delivery(target, &spec.source, account)]).await?;
    let enabled = LoggingEnabled::builder().target_bucket(target).target_prefix(PREFIX).build();
    s.s3.put_bucket_logging()
        .bucket(&spec.source)
        .bucket_logging_status(
            BucketLoggingStatus::builder().logging_enabled(enabled.map_err(step("LoggingEnabled"))?).build(),
        )
        .send()
        .await
        .map_err(step("PutBucketLogging"))?;
    s.s3.put_bucket_policy().bucket(target).policy(own).send().await.map_err(step("PutBucketPolicy"))?;
    Ok(())
}
