//! Redaction before any report or the console holds a value. The harness never reads a secret
//! value on purpose (the guard refuses GetSecretValue and friends, facts keep fields by
//! allowlist); this is the second net: a value that carries one anyway is blanked, by the name of
//! its field and by its own shape, in every field of every record (evidence, expected, actual,
//! reason, and so every message) and in the API appendix.

use serde_json::Value;

use super::Record;
use crate::secret::{credential_shape, is_secret_field, looks_secret};

/// What stands where a value named like a secret was.
pub const REDACTED: &str = "<redacted: named like a secret>";

/// What stands where a value shaped like a credential was.
pub fn redacted(why: &str) -> String {
    format!("<redacted: {why}>")
}

/// An environment-style name (`DB_PASSWORD`, `SENTRY_DSN`): upper case, digits and `_`.
fn env_style(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A field or variable name that marks its value as a secret.
fn secret_name(name: &str) -> bool {
    is_secret_field(name) || (env_style(name) && looks_secret(name))
}

/// Replaces, in place, every secret-bearing value: fields named as secrets, the `value` of a
/// name/value pair (environment variables, tags) whose name is one, and any text shaped like a
/// credential. Booleans and nulls stay: they say whether a secret is set (`AuthTokenEnabled`),
/// not what it is.
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let pair_is_secret = ["name", "Name", "key", "Key"]
                .iter()
                .filter_map(|k| map.get(*k).and_then(Value::as_str))
                .any(secret_name);
            for (key, field) in map.iter_mut() {
                let is_pair_value = pair_is_secret && matches!(key.as_str(), "value" | "Value");
                // `ClientSecret: "..."` is a secret; `MasterUserSecret: {SecretArn, KmsKeyId}` only
                // describes one, so it is searched, not blanked.
                let names_a_secret = key.to_ascii_lowercase().ends_with("secret") && field.is_string();
                if (is_pair_value || names_a_secret || secret_name(key))
                    && !matches!(field, Value::Null | Value::Bool(_))
                {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    redact(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        Value::String(s) => {
            let text = redact_text(s);
            if text != *s {
                *s = text;
            }
        }
        _ => {}
    }
}

/// `text` with every word shaped like a credential, and the value of every `NAME=value` whose name
/// reads as a secret, replaced by a marker saying why.
pub fn redact_text(text: &str) -> String {
    // A private key spans lines and spaces: it is judged whole.
    if let Some(why) = credential_shape(text).filter(|_| !text.trim().contains(' ') || text.contains("PRIVATE KEY")) {
        return redacted(why);
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    // The word after `Bearer`, `Basic` or `Token` is the credential of an authorization.
    let mut after_scheme = false;
    let mut flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let scheme = ["bearer", "basic", "token"].contains(&word.to_ascii_lowercase().as_str());
        if after_scheme && word.len() >= 8 {
            out.push_str(&redacted("looks like an authorization header"));
        } else if let Some((name, value)) = word.split_once('=').filter(|(n, v)| secret_name(n) && !v.is_empty()) {
            out.push_str(name);
            out.push('=');
            out.push_str(&credential_shape(value).map_or_else(|| REDACTED.to_owned(), redacted));
        } else if let Some(why) = credential_shape(word) {
            out.push_str(&redacted(why));
        } else {
            out.push_str(word);
        }
        after_scheme = scheme;
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || "\"'`,;()[]{}<>|".contains(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A record with every finding's evidence, expected, actual and reason redacted: what every
/// report and the console are given.
pub fn record(mut r: Record) -> Record {
    for f in &mut r.outcome.findings {
        redact(&mut f.evidence);
        f.expected = redact_text(&f.expected);
        f.actual = redact_text(&f.actual);
        f.reason = f.reason.as_deref().map(redact_text);
    }
    r
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
    fn values_shaped_like_credentials_are_redacted_whatever_their_field() {
        let mut v = json!({
            "Environment": {"SENTRY_DSN": "https://k@o1.ingest.example.io/1", "DB": "postgres://app:pw-canary@db:5432/phi",
                             "SIGNING_KEY": "kAjs8d7Fh2Lq9Zx1Vb4Nm6Tr3Yp0We5U"},
            "Tags": [{"Key": "conn", "Value": "mysql://root:tag-canary@10.0.0.1/app"}],
            "Note": "token Bearer abcdefghij0123456789 in a sentence",
            "Arn": "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        });
        redact(&mut v);
        let text = v.to_string();
        for canary in ["pw-canary", "tag-canary", "kAjs8d7Fh2Lq9Zx1Vb4Nm6Tr3Yp0We5U", "abcdefghij0123456789"] {
            assert!(!text.contains(canary), "{canary} survived: {text}");
        }
        assert!(text.contains("<redacted: looks like a URL with a password>"), "{text}");
        assert!(text.contains("arn:aws:kms:eu-central-1:123456789012:key/1234abcd"), "an ARN is not a secret: {text}");
        assert_eq!(v["Environment"]["SENTRY_DSN"], REDACTED, "named like a secret");
    }

    #[test]
    fn text_keeps_its_words_and_loses_its_credentials() {
        assert_eq!(
            redact_text("saw postgres://u:hunter2@h/db, expected none"),
            "saw <redacted: looks like a URL with a password>, expected none"
        );
        assert_eq!(
            redact_text("DB_PASSWORD=hunter2 PORT=5432"),
            "DB_PASSWORD=<redacted: named like a secret> PORT=5432"
        );
        assert_eq!(
            redact_text("KeyRotationEnabled expected true, saw false"),
            "KeyRotationEnabled expected true, saw false"
        );
        assert_eq!(
            redact_text("header Bearer abcdefghij0123456789 sent"),
            "header Bearer <redacted: looks like an authorization header> sent"
        );
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
