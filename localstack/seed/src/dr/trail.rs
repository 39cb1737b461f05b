//! CloudTrail (main.ts "CloudTrail"): a multi-region trail with log file validation, encrypted
//! with the primary key, into a private bucket of its own that only the trail may write to.
//!
//! moto's CreateTrail leaves the trail not logging; the Terraform provider starts it
//! (enable_logging), so the seeder calls StartLogging. moto's GetEventSelectors answers empty and
//! DescribeTrails ignores trailNameList (every trail of the region).

use serde_json::{Value, json};

use super::core::Core;
use super::{Layout, s3};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// The trail and its bucket as main.ts declares them.
pub(crate) struct TrailSpec {
    pub name: String,
    pub arn: String,
    pub bucket: String,
    pub bucket_blocks_public_policy: bool,
    pub multi_region: bool,
    pub log_validation: bool,
    /// None leaves the logs under SSE-S3.
    pub key: Option<String>,
}

pub(crate) fn spec(l: &Layout, core: &Core) -> TrailSpec {
    TrailSpec {
        name: l.names.trail(),
        arn: l.names.trail_arn(&core.account),
        bucket: l.names.trail_bucket(),
        bucket_blocks_public_policy: !l.has(&m::TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED),
        multi_region: !l.has(&m::TRAIL_SINGLE_REGION),
        log_validation: !l.has(&m::TRAIL_NO_LOG_VALIDATION),
        key: (!l.has(&m::TRAIL_UNENCRYPTED)).then(|| core.primary_key.clone()),
    }
}

/// The trail's bucket: under the primary key, private, only the trail may write.
pub(crate) async fn create_bucket(l: &Layout, core: &Core, spec: &TrailSpec) -> Result<(), SeedError> {
    let p = &l.primary;
    s3::bucket(l, p, &spec.bucket).await?;
    s3::encryption(p, &spec.bucket, Some(&core.primary_key)).await?;
    s3::block_public_access(p, &spec.bucket, spec.bucket_blocks_public_policy).await?;
    s3::bucket_policy(p, &spec.bucket, bucket_policy(spec, &core.account)).await
}

/// CloudTrail may check the bucket's ACL and write under AWSLogs/<account>, for this trail only.
fn bucket_policy(spec: &TrailSpec, account: &str) -> Vec<Value> {
    let bucket_arn = s3::arn(&spec.bucket);
    vec![
        json!({
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": { "StringEquals": { "aws:SourceArn": spec.arn } },
        }),
        json!({
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "s3:PutObject",
            "Resource": format!("{bucket_arn}/AWSLogs/{account}/*"),
            "Condition": {
                "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": spec.arn },
            },
        }),
        s3::deny_insecure_transport(&bucket_arn),
    ]
}

/// Creates the trail and starts it logging.
pub(crate) async fn create(l: &Layout, spec: &TrailSpec) -> Result<(), SeedError> {
    let cloudtrail = &l.primary.cloudtrail;
    let mut trail = cloudtrail
        .create_trail()
        .name(&spec.name)
        .s3_bucket_name(&spec.bucket)
        .is_multi_region_trail(spec.multi_region)
        .include_global_service_events(true)
        .enable_log_file_validation(spec.log_validation)
        .set_kms_key_id(spec.key.clone());
    for (k, v) in l.tags(&[]) {
        trail =
            trail.tags_list(aws_sdk_cloudtrail::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
    }
    trail.send().await.map_err(step("CreateTrail"))?;
    cloudtrail.start_logging().name(&spec.name).send().await.map_err(step("StartLogging"))?;
    Ok(())
}
