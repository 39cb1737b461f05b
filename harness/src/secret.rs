//! What looks like a secret, decided in one place for every layer: facts drop such values when
//! they fetch, checks find credentials kept in plain configuration, and the reports' redaction
//! blanks what slipped through.

/// Words that make a variable name read as a credential (`DB_PASSWORD`, `REDIS_AUTH_TOKEN`,
/// `CLIENT_SECRET`): matched anywhere in the name, without case.
pub const CREDENTIAL_WORDS: &[&str] =
    &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "AUTH", "PRIVATE_KEY", "CREDENTIAL"];

/// A variable or option name that reads as a credential: an environment variable, a log-router
/// option. Broad on purpose, since a false alarm costs a look and a miss leaks a credential.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    CREDENTIAL_WORDS.iter().any(|w| upper.contains(w))
}

/// Whether a field of this name carries secret material: SecretString, Password,
/// MasterUserPassword, AuthToken, any `*Token`, private and secret access keys. Names are compared
/// without case, `_` or `-`, so `auth_token`, `AuthToken` and `auth-token` are one name.
pub fn is_secret_field(key: &str) -> bool {
    let k: String = key.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    const EXACT: &[&str] = &["secret", "secretvalue", "plaintext", "passphrase", "passwd", "pwd"];
    const ENDINGS: &[&str] =
        &["password", "token", "secretstring", "secretbinary", "secretaccesskey", "privatekey", "apikeyvalue"];
    EXACT.contains(&k.as_str()) || ENDINGS.iter().any(|e| k.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_like_names_are_caught_and_configuration_is_not() {
        for name in ["DB_PASSWORD", "api_key", "SLACK_TOKEN", "CLIENT_SECRET", "REDIS_AUTH_TOKEN"] {
            assert!(looks_secret(name), "{name}");
        }
        for name in [
            "ALERTS_TOPIC_ARN",
            "CONFIG_PARAMETER_NAME",
            "REGION",
            "DB_HOST",
            "AUDIT_LOG_GROUP",
            "REDIS_TLS",
            "DATA_DIR",
        ] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[test]
    fn secret_fields_are_named_as_secret_material_not_as_references_to_it() {
        for key in ["SecretString", "auth_token", "MasterUserPassword", "PrivateKey", "pwd"] {
            assert!(is_secret_field(key), "{key}");
        }
        for key in ["SecretArn", "KmsKeyId", "AuthTokenEnabled", "TokenCount"] {
            assert!(!is_secret_field(key), "{key}");
        }
    }
}
