//! Redaction of secret-bearing fields in evidence before any report holds it. The harness never
//! reads a secret value on purpose (the guard refuses GetSecretValue and friends); this is the
//! second line: an API reply that carries one anyway does not reach a report.

use serde_json::Value;

use crate::secret::is_secret_field;

pub const REDACTED: &str = "[redacted]";

/// Replaces, in place, every secret-bearing value: fields named as secrets, and the `value` of a
/// name/value pair (environment variables, tags) whose name is one. Booleans and nulls stay: they
/// say whether a secret is set (`AuthTokenEnabled`), not what it is.
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let pair_is_secret = ["name", "Name", "key", "Key"]
                .iter()
                .filter_map(|k| map.get(*k).and_then(Value::as_str))
                .any(is_secret_field);
            for (key, field) in map.iter_mut() {
                let is_pair_value = pair_is_secret && matches!(key.as_str(), "value" | "Value");
                // `ClientSecret: "..."` is a secret; `MasterUserSecret: {SecretArn, KmsKeyId}` only
                // describes one, so it is searched, not blanked.
                let names_a_secret = key.to_ascii_lowercase().ends_with("secret") && field.is_string();
                if (is_pair_value || names_a_secret || is_secret_field(key))
                    && !matches!(field, Value::Null | Value::Bool(_))
                {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    redact(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secret_bearing_fields_are_redacted_at_any_depth() {
        let mut v = json!({
            "SecretString": "s1", "secret_binary": "s2", "Password": "s3", "MasterUserPassword": "s4",
            "AuthToken": "s5", "auth_token": "s6", "SessionToken": "s7", "NextToken": "s8",
            "SecretAccessKey": "s9", "PrivateKey": {"pem": "s10"},
            "nested": [{"deeper": {"ClientSecret": "s13", "db_password": 42}}],
            "MasterUserSecret": {"SecretArn": "arn:aws:secretsmanager:x", "SecretString": "s14"},
            "Environment": [{"name": "REDIS_AUTH_TOKEN", "value": "s11"}, {"name": "PORT", "value": "8080"}],
            "Tags": [{"Key": "Password", "Value": "s12"}, {"Key": "Owner", "Value": "team"}],
        });
        redact(&mut v);
        let text = v.to_string();
        for n in 1..=14 {
            assert!(!text.contains(&format!("\"s{n}\"")), "s{n} survived: {text}");
        }
        assert!(!text.contains("\"s10\"") && !text.contains("42"), "{text}");
        assert_eq!(v["Environment"][1]["value"], "8080");
        assert_eq!(v["Tags"][1]["Value"], "team");
        assert_eq!(v["MasterUserSecret"]["SecretArn"], "arn:aws:secretsmanager:x");
    }

    #[test]
    fn flags_about_secrets_and_ordinary_fields_are_kept() {
        let mut v = json!({
            "AuthTokenEnabled": true, "ManageMasterUserPassword": false, "TransitEncryptionEnabled": true,
            "KmsKeyId": "arn:aws:kms:eu-central-1:1:key/k", "SecretArn": "arn:aws:secretsmanager:x", "Password": null,
            "TokenCount": 3,
        });
        let before = v.clone();
        redact(&mut v);
        assert_eq!(v, before);
    }
}
