//! The stack's customer keys (data and logs, rotating, with aliases), the secrets' key (not the
//! stack's: made before it, as its README's procedure does), and keys that are not the stack's
//! for the mutants that move a resource to one.

use aws_sdk_kms::Client as Kms;
use stackproof_harness::deployment::Suffix;

use stackproof::hipaa::mutants as m;

use crate::hipaa::{names, tags};
use crate::{SeedError, step};

/// A customer key as the template declares it; every key of the stack rotates (but a mutant's).
pub struct KeySpec {
    /// Its logical id in the template, which CloudFormation tags it with.
    pub logical_id: &'static str,
    pub name: String,
    pub alias: String,
    pub rotates: bool,
}

impl KeySpec {
    /// The key of the data at rest: Aurora, EFS, ElastiCache.
    pub fn data(suffix: &Suffix) -> Self {
        Self {
            logical_id: "DataKey",
            name: format!("kms-data-key-{suffix}"),
            alias: format!("alias/hipaa-data-{suffix}"),
            rotates: true,
        }
    }

    /// The key of the log groups.
    pub fn logs(suffix: &Suffix) -> Self {
        Self {
            logical_id: "LogsKey",
            name: format!("kms-logs-key-{suffix}"),
            alias: format!("alias/hipaa-logs-{suffix}"),
            rotates: true,
        }
    }

    /// A key added to the stack without an output, and without rotation.
    pub fn unlisted(suffix: &Suffix) -> Self {
        Self {
            logical_id: m::UNLISTED_KEY_ROTATION_OFF.unlisted().unwrap_or("UnlistedKey"),
            name: format!("kms-unlisted-key-{suffix}"),
            alias: format!("alias/hipaa-unlisted-{suffix}"),
            rotates: false,
        }
    }
}

/// Creates the key (with rotation on, as the template does) and its alias, tagged as
/// CloudFormation tags it; returns its ARN.
pub async fn create(kms: &Kms, spec: &KeySpec, suffix: &Suffix) -> Result<String, SeedError> {
    let stack = names::stack(suffix);
    let mut key_tags = tags::kms(&spec.name, suffix)?;
    for (k, v) in tags::cloudformation(spec.logical_id, &stack) {
        key_tags.push(aws_sdk_kms::types::Tag::builder().tag_key(k).tag_value(v).build().map_err(step("Tag"))?);
    }
    let arn = kms
        .create_key()
        .description(format!("{} (stacks/hipaa/v1)", spec.name))
        .set_tags(Some(key_tags))
        .send()
        .await
        .map_err(step("CreateKey"))?
        .key_metadata
        .and_then(|m| m.arn)
        .unwrap_or_default();
    if spec.rotates {
        kms.enable_key_rotation().key_id(&arn).send().await.map_err(step("EnableKeyRotation"))?;
    }
    kms.create_alias().alias_name(&spec.alias).target_key_id(&arn).send().await.map_err(step("CreateAlias"))?;
    Ok(arn)
}

/// Creates the key the secrets are encrypted with as stacks/hipaa/v1/README.md ("Before the first
/// deploy") does: `aws kms create-key` (customer managed, no alias, no tags), then `aws kms
/// enable-key-rotation`. Returns its ARN, which the stack is given as SecretsKeyArn.
pub async fn create_secrets_key(kms: &Kms, suffix: &Suffix) -> Result<String, SeedError> {
    let arn = kms
        .create_key()
        .description(format!("patient-records secrets ({suffix})"))
        .send()
        .await
        .map_err(step("CreateKey"))?
        .key_metadata
        .and_then(|m| m.arn)
        .unwrap_or_default();
    kms.enable_key_rotation().key_id(&arn).send().await.map_err(step("EnableKeyRotation"))?;
    Ok(arn)
}

/// Creates a key that is not the stack's (untagged, no alias); returns its ARN.
pub async fn create_foreign(kms: &Kms, suffix: &Suffix) -> Result<String, SeedError> {
    Ok(kms
        .create_key()
        .description(format!("a key that is not the stack's ({suffix})"))
        .send()
        .await
        .map_err(step("CreateKey"))?
        .key_metadata
        .and_then(|m| m.arn)
        .unwrap_or_default())
}

// Drift on a deployed key.

pub async fn disable_rotation(kms: &Kms, arn: &str) -> Result<(), SeedError> {
    kms.disable_key_rotation().key_id(arn).send().await.map_err(step("DisableKeyRotation"))?;
    Ok(())
}

pub async fn disable(kms: &Kms, arn: &str) -> Result<(), SeedError> {
    // moto 5.2.5 answers DisableKey by ARN with HTTP 500; by key id it works.
    let key_id = arn.rsplit_once("key/").map_or(arn, |(_, id)| id);
    kms.disable_key().key_id(key_id).send().await.map_err(step("DisableKey"))?;
    Ok(())
}

/// ScheduleKeyDeletion, the shortest window. moto answers it by ARN with HTTP 500; by key id it works.
pub async fn schedule_deletion(kms: &Kms, arn: &str) -> Result<(), SeedError> {
    let key_id = arn.rsplit_once("key/").map_or(arn, |(_, id)| id);
    kms.schedule_key_deletion()
        .key_id(key_id)
        .pending_window_in_days(7)
        .send()
        .await
        .map_err(step("ScheduleKeyDeletion"))?;
    Ok(())
}
