//! KMS keys: state and rotation.

use aws_sdk_kms::Client;
use serde::Serialize;

use super::{Fact, FactError, classify};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Key {
    pub arn: String,
    pub key_id: String,
    pub enabled: bool,
    pub key_state: String,
    pub key_manager: String,
    pub key_rotation_enabled: bool,
    /// Absent on the emulator (moto does not report it).
    pub rotation_period_in_days: Option<i32>,
}

/// DescribeKey and GetKeyRotationStatus for one key, by id, ARN or alias.
pub async fn key(kms: &Client, key_ref: &str) -> Fact<Key> {
    let not_found = ["NotFoundException"];
    let (described, rotation) = tokio::join!(
        kms.describe_key().key_id(key_ref).send(),
        kms.get_key_rotation_status().key_id(key_ref).send(),
    );
    let meta = described
        .map_err(|e| classify("DescribeKey", &e, &not_found))?
        .key_metadata
        .ok_or_else(|| FactError::Api { operation: "DescribeKey".into(), detail: "no KeyMetadata in the reply".into() })?;
    let rotation = rotation.map_err(|e| classify("GetKeyRotationStatus", &e, &not_found))?;
    Ok(Key {
        arn: meta.arn.unwrap_or_default(),
        key_id: meta.key_id,
        enabled: meta.enabled,
        key_state: meta.key_state.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        key_manager: meta.key_manager.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        key_rotation_enabled: rotation.key_rotation_enabled,
        rotation_period_in_days: rotation.rotation_period_in_days,
    })
}
