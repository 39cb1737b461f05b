//! What looks like a secret, decided in one place for every layer: facts drop such values when
//! they fetch, checks find credentials kept in plain configuration, and the reports' redaction
//! blanks what slipped through.

/// Words that make a variable name read as a credential (`DB_PASSWORD`, `REDIS_AUTH_TOKEN`,
/// `CLIENT_SECRET`): matched anywhere in the name, without case.
pub const CREDENTIAL_WORDS: &[&str] =
    &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "AUTH", "PRIVATE_KEY", "CREDENTIAL"];

/// Short words that name a credential only as a whole word of the name (`DB_PWD`, `REDIS_PASS`,
/// `SENTRY_DSN`), so `BYPASS_CACHE` is not one.
pub const CREDENTIAL_TOKENS: &[&str] = &["PWD", "PASS", "DSN", "PASSPHRASE", "CREDS"];

/// Keys that are credentials (`SIGNING_KEY`, `AWS_SECRET_ACCESS_KEY`), unlike `KMS_KEY_ID`.
pub const CREDENTIAL_KEYS: &[&str] =
    &["SIGNING_KEY", "ACCESS_KEY", "CLIENT_KEY", "SESSION_KEY", "ENCRYPTION_KEY", "MASTER_KEY", "HMAC_KEY"];

/// Names that hold a whole connection (and its password) in one value.
pub const CONNECTION_WORDS: &[&str] = &["CONNECTION_STRING", "CONN_STR", "CONNSTR", "DATABASE_URL", "DB_URL"];

/// A variable or option name that reads as a credential: an environment variable, a log-router
/// option. Broad on purpose, since a false alarm costs a look and a miss leaks a credential.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    CREDENTIAL_WORDS.iter().any(|w| upper.contains(w))
        || CREDENTIAL_KEYS.iter().any(|w| upper.contains(w))
        || CONNECTION_WORDS.iter().any(|w| upper.contains(w))
        || words.iter().any(|w| CREDENTIAL_TOKENS.contains(w))
}

/// What a value looks like when it looks like a credential, whatever its name: the verdict a
/// fact keeps in place of the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    UrlWithPassword,
    AuthorizationHeader,
    PrivateKey,
    AwsAccessKeyId,
    JsonWebToken,
    AwsSecretAccessKey,
    RandomToken,
}

impl Shape {
    /// The verdict in words, as findings and evidence show it.
    pub fn why(self) -> &'static str {
        match self {
            Shape::UrlWithPassword => "looks like a URL with a password",
            Shape::AuthorizationHeader => "looks like an authorization header",
            Shape::PrivateKey => "looks like a private key",
            Shape::AwsAccessKeyId => "looks like an AWS access key id",
            Shape::JsonWebToken => "looks like a JSON web token",
            Shape::AwsSecretAccessKey => "looks like an AWS secret access key",
            Shape::RandomToken => "looks like a random token",
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.why())
    }
}

/// Serialized as its words, so evidence reads as the finding does.
impl serde::Serialize for Shape {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.why())
    }
}

/// Why a value looks like a credential whatever its name, if it does: a URL carrying a password,
/// an HTTP authorization, a private key, an AWS access key, a JSON web token, or a long random
/// string. Values that name things (ARNs, resource ids, UUIDs, paths) do not.
pub fn credential_shape(value: &str) -> Option<&'static str> {
    shape(value).map(Shape::why)
}

/// The shape of a value that looks like a credential, if it does (see [`credential_shape`]).
pub fn shape(value: &str) -> Option<Shape> {
    let v = value.trim();
    if let Some(at) = v.find("://") {
        let authority = v[at + 3..].split(['/', '?', '#']).next().unwrap_or("");
        if authority.rsplit_once('@').is_some_and(|(user, _)| user.contains(':')) {
            return Some(Shape::UrlWithPassword);
        }
    }
    let lower = v.to_ascii_lowercase();
    if ["bearer ", "basic ", "token "].iter().any(|p| lower.starts_with(p) && v.len() > p.len() + 8) {
        return Some(Shape::AuthorizationHeader);
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some(Shape::PrivateKey);
    }
    let word = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || "+/=_-.".contains(c));
    if (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.len() == 20
        && v.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some(Shape::AwsAccessKeyId);
    }
    if v.starts_with("eyJ") && v.split('.').count() == 3 && word(v) {
        return Some(Shape::JsonWebToken);
    }
    // A setting written `Name=value` (an alarm's dimension, a query parameter): the value is what
    // could be secret, not the name beside it. Base64's `=` only ever pads the end.
    if let Some((key, value)) = v.split_once('=')
        && !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        && !value.trim_start_matches('=').is_empty()
    {
        return shape(value);
    }
    if names_a_thing(v) || !word(v) {
        return None;
    }
    if v.len() == 40 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+') && mixed(v) {
        return Some(Shape::AwsSecretAccessKey);
    }
    if v.len() >= 20 && mixed(v) && entropy(v) >= 3.8 {
        return Some(Shape::RandomToken);
    }
    None
}

/// A value that is no credential itself but says where one is kept (an ARN, a parameter path), or
/// nothing at all.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.is_empty() || v.starts_with("arn:") || (v.starts_with('/') && !v.contains(char::is_whitespace))
}

/// A setting named like a credential that holds one: its value is not a reference to where the
/// credential is kept.
pub fn named_credential(name: &str, value: &str) -> bool {
    looks_secret(name) && !is_reference(value)
}

/// Why a plain setting (an environment variable, a log option) holds a credential in plain text,
/// if it does: its value's shape decides first; else a credential's name with a value that is
/// neither empty nor a reference.
pub fn plaintext_credential(name: &str, value: &str) -> Option<&'static str> {
    credential_shape(value).or_else(|| named_credential(name, value).then_some("named like a credential"))
}

/// ARNs, `vpc-0abc...` ids, UUIDs, hex digests and paths name things; they are not secrets.
fn names_a_thing(v: &str) -> bool {
    let hex = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit());
    let uuid = v.len() == 36 && v.split('-').map(str::len).eq([8, 4, 4, 4, 12]) && hex(&v.replace('-', ""));
    let aws_id = v.split_once('-').is_some_and(|(kind, id)| {
        kind.len() <= 8 && kind.chars().all(|c| c.is_ascii_lowercase()) && hex(id) && id.len() >= 8
    });
    v.starts_with("arn:") || v.starts_with('/') || uuid || aws_id || hex(v)
}

/// Upper and lower case letters and digits all present: how generated secrets look, unlike words.
fn mixed(v: &str) -> bool {
    v.chars().any(|c| c.is_ascii_uppercase())
        && v.chars().any(|c| c.is_ascii_lowercase())
        && v.chars().any(|c| c.is_ascii_digit())
}

/// Shannon entropy in bits per character.
fn entropy(v: &str) -> f64 {
    let mut counts = std::collections::BTreeMap::new();
    for c in v.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = v.chars().count() as f64;
    counts.values().map(|&k| k as f64 / n).map(|p| -p * p.log2()).sum()
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
    fn names_real_teams_use_are_caught() {
        for name in [
            "DB_PWD",
            "REDIS_PASS",
            "SENTRY_DSN",
            "JWT_SIGNING_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "DATABASE_URL",
            "MONGO_CONNECTION_STRING",
            "appPassword",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["BYPASS_CACHE", "KMS_KEY_ID", "PASSENGER_COUNT", "LOG_LEVEL", "SIGNING_KEY_ARN_REGION"] {
            assert!(!looks_secret(name) || name.contains("SIGNING_KEY"), "{name}");
        }
    }

    #[test]
    fn values_are_judged_by_their_shape() {
        for (value, why) in [
            ("postgres://app:s3cr3t-pw@db.internal:5432/phi", "URL with a password"),
            ("Bearer abcdefghijklmnop0123", "authorization"),
            ("-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "private key"),
            ("AKIAIOSFODNN7EXAMPLE", "access key id"),
            ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "secret access key"),
            ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "web token"),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "random token"),
            ("api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc", "random token"),
            ("password=postgres://app:s3cr3t-pw@db.internal:5432/phi", "URL with a password"),
            ("c2VjcmV0LWtleS1tYXRlcmlhbC0wMTIzNDU2Nzg5QUJD==", "random token"),
        ] {
            let shape = credential_shape(value).unwrap_or_else(|| panic!("{value} passed as harmless"));
            assert!(shape.contains(why), "{value}: {shape}");
        }
        for harmless in [
            "arn:aws:sns:eu-west-2:123456789012:alerts",
            "vpc-0a1b2c3d4e5f67890",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "/healthcare-dr/pr1/config",
            "https://hooks.example.com/services/alerts",
            "eu-west-2",
            "healthcare-db-primary-pr4365",
            "d41d8cd98f00b204e9800998ecf8427e",
            "true",
            "DBClusterIdentifier=healthcare-db-dr-pr4365",
        ] {
            assert_eq!(credential_shape(harmless), None, "{harmless}");
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
