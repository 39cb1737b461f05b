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
    /// GetKeyRotationStatus, or why it could not be read (AWS refuses it for a key pending
    /// deletion): the key's state is judged either way.
    pub rotation: Fact<Rotation>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rotation {
    pub key_rotation_enabled: bool,
    /// Absent on the emulator (moto does not report it).
    pub rotation_period_in_days: Option<i32>,
}

/// Same KMS key whether named by ARN or by key id. Aliases are not resolved: an alias never
/// equals a key here, so a resource configured with an alias fails a same-key comparison.
pub fn same_key(a: &str, b: &str) -> bool {
    let id = |s: &str| s.rsplit_once("key/").map_or(s, |(_, id)| id).to_owned();
    a == b || id(a) == id(b)
}

/// DescribeKey and GetKeyRotationStatus for one key, by id, ARN or alias.
pub async fn key(kms: &Client, key_ref: &str) -> Fact<Key> {
    let not_found = ["NotFoundException"];
    let (described, rotation) =
        tokio::join!(kms.describe_key().key_id(key_ref).send(), kms.get_key_rotation_status().key_id(key_ref).send(),);
    let meta = described.map_err(|e| classify("DescribeKey", &e, &not_found))?.key_metadata.ok_or_else(|| {
        FactError::Api { operation: "DescribeKey".into(), detail: "no KeyMetadata in the reply".into() }
    })?;
    // A key the reply cannot name is no evidence of the stack's key.
    let arn = meta.arn.filter(|a| !a.is_empty()).ok_or_else(|| FactError::Api {
        operation: "DescribeKey".into(),
        detail: "the reply's KeyMetadata has no Arn".into(),
    })?;
    if !key_ref.contains("alias/") && !same_key(&arn, key_ref) {
        return Err(FactError::Api {
            operation: "DescribeKey".into(),
            detail: format!("asked for {key_ref}, the reply describes {arn}"),
        });
    }
    let rotation = rotation.map_err(|e| classify("GetKeyRotationStatus", &e, &not_found)).map(|r| Rotation {
        key_rotation_enabled: r.key_rotation_enabled,
        rotation_period_in_days: r.rotation_period_in_days,
    });
    Ok(Key {
        arn,
        key_id: meta.key_id,
        enabled: meta.enabled,
        key_state: meta.key_state.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        key_manager: meta.key_manager.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        rotation,
    })
}

#[cfg(test)]
mod tests {
    use super::same_key;

    #[test]
    fn keys_match_by_arn_or_id_but_not_across_keys() {
        let arn = "arn:aws:kms:eu-central-1:123456789012:key/1111-2222";
        assert!(same_key(arn, arn));
        assert!(same_key(arn, "1111-2222"));
        assert!(!same_key(arn, "arn:aws:kms:eu-central-1:123456789012:key/3333"));
        assert!(!same_key(arn, "alias/hipaa-data-x"));
    }
}
