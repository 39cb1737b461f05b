//! CloudTrail (main.ts "CloudTrail"): a multi-region trail with log file validation, encrypted
//! with the primary key, into a private bucket of its own that only the trail may write to.
//!
//! moto's CreateTrail leaves the trail not logging; the Terraform provider starts it
//! (enable_logging), so the seeder calls StartLogging. moto's GetEventSelectors answers empty and
//! DescribeTrails ignores trailNameList (every trail of the region).

use aws_sdk_cloudtrail::types::{AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType};
use serde_json::{Value, json};
use stackproof::dr::mutants as m;

use super::core::Core;
use super::{Layout, Side, s3};
use crate::{SeedError, step};

/// The trail and its bucket as main.ts declares them.
pub(crate) struct TrailSpec {
    pub name: String,
    pub arn: String,
    pub bucket: String,
    pub bucket_blocks_public_policy: bool,
    /// Where the trail delivers its log files: the trail bucket, but for a mutant.
    pub delivery_bucket: String,
    pub multi_region: bool,
    pub global_events: bool,
    pub log_validation: bool,
    /// None leaves the logs under SSE-S3.
    pub key: Option<String>,
    pub selectors: Selectors,
}

/// What the trail records: main.ts puts no selectors (AWS's default: all management events).
pub(crate) enum Selectors {
    Default,
    Basic(EventSelector),
    Advanced(Vec<AdvancedEventSelector>),
}

pub(crate) fn spec(l: &Layout, core: &Core) -> Result<TrailSpec, SeedError> {
    let bucket = l.names.trail_bucket();
    let delivery_bucket =
        if l.has(&m::TRAIL_OTHER_BUCKET) { l.names.data_bucket(Side::Primary) } else { bucket.clone() };
    Ok(TrailSpec {
        name: l.names.trail(),
        arn: l.names.trail_arn(&core.account),
        bucket,
        bucket_blocks_public_policy: !l.has(&m::TRAIL_BUCKET_PUBLIC_POLICY_ALLOWED),
        delivery_bucket,
        // A multi-region trail must include global service events: the mutant is both.
        multi_region: !l.has(&m::TRAIL_SINGLE_REGION) && !l.has(&m::TRAIL_NO_GLOBAL_EVENTS),
        global_events: !l.has(&m::TRAIL_NO_GLOBAL_EVENTS),
        log_validation: !l.has(&m::TRAIL_NO_LOG_VALIDATION),
        key: (!l.has(&m::TRAIL_UNENCRYPTED)).then(|| core.primary_key.clone()),
        selectors: selectors(l)?,
    })
}

/// The selectors the mutants put; none for main.ts.
fn selectors(l: &Layout) -> Result<Selectors, SeedError> {
    let management = || EventSelector::builder().include_management_events(true);
    if l.has(&m::TRAIL_WRITE_ONLY) {
        return Ok(Selectors::Basic(management().read_write_type(ReadWriteType::WriteOnly).build()));
    }
    if l.has(&m::TRAIL_EXCLUDES_KMS_EVENTS) {
        let all = management().read_write_type(ReadWriteType::All);
        return Ok(Selectors::Basic(all.exclude_management_event_sources("kms.amazonaws.com").build()));
    }
    if l.has(&m::TRAIL_EXCLUDES_DATA_BUCKET) {
        let field = |name: &str| AdvancedFieldSelector::builder().field(name);
        let phi = format!("arn:aws:s3:::{}/", l.names.data_bucket(Side::Primary));
        let selectors = vec![
            AdvancedEventSelector::builder()
                .name("management")
                .field_selectors(field("eventCategory").equals("Management").build().map_err(step("FieldSelector"))?)
                .build()
                .map_err(step("AdvancedEventSelector"))?,
            AdvancedEventSelector::builder()
                .name("objects-but-phi")
                .field_selectors(field("eventCategory").equals("Data").build().map_err(step("FieldSelector"))?)
                .field_selectors(
                    field("resources.type").equals("AWS::S3::Object").build().map_err(step("FieldSelector"))?,
                )
                .field_selectors(field("resources.ARN").not_starts_with(phi).build().map_err(step("FieldSelector"))?)
                .build()
                .map_err(step("AdvancedEventSelector"))?,
        ];
        return Ok(Selectors::Advanced(selectors));
    }
    Ok(Selectors::Default)
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

/// Creates the trail, puts its selectors if it has any, and starts it logging.
pub(crate) async fn create(l: &Layout, spec: &TrailSpec) -> Result<(), SeedError> {
    let cloudtrail = &l.primary.cloudtrail;
    let mut trail = cloudtrail
        .create_trail()
        .name(&spec.name)
        .s3_bucket_name(&spec.delivery_bucket)
        .is_multi_region_trail(spec.multi_region)
        .include_global_service_events(spec.global_events)
        .enable_log_file_validation(spec.log_validation)
        .set_kms_key_id(spec.key.clone());
    for (k, v) in l.tags(&[]) {
        trail =
            trail.tags_list(aws_sdk_cloudtrail::types::Tag::builder().key(k).value(v).build().map_err(step("Tag"))?);
    }
    trail.send().await.map_err(step("CreateTrail"))?;
    let put = cloudtrail.put_event_selectors().trail_name(&spec.name);
    match &spec.selectors {
        Selectors::Default => {}
        Selectors::Basic(s) => _ = put.event_selectors(s.clone()).send().await.map_err(step("PutEventSelectors"))?,
        Selectors::Advanced(s) => {
            _ = put.set_advanced_event_selectors(Some(s.clone())).send().await.map_err(step("PutEventSelectors"))?
        }
    }
    cloudtrail.start_logging().name(&spec.name).send().await.map_err(step("StartLogging"))?;
    Ok(())
}
