//! The secrets the stack consumes and their key: they exist before it, as in a user's account,
//! made as stacks/hipaa/v1/README.md ("Before the first deploy") makes them, or made elsewhere
//! and given (`Existing`). Seeded values hold a canary so reports can be searched for leaks.

use aws_sdk_secretsmanager::Client as SecretsManager;
use stackproof_harness::deployment::Suffix;

use stackproof::hipaa::mutants as m;

use super::keys;
use crate::hipaa::{Mutants, SECRET_CANARY};
use crate::{SeedError, Seeder, step};

/// The secrets' key and both secrets, by ARN: what the stack is given as SecretsKeyArn,
/// DatabaseSecretArn and ApiKeysSecretArn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub secrets_key: String,
    pub database_secret: String,
    pub api_keys_secret: String,
}

/// The mutants that change how the secrets are created: they cannot apply to secrets made
/// elsewhere.
const AT_CREATION: &[&stackproof_harness::mutation::Mutant] = &[&m::DB_SECRET_DEFAULT_KEY];

/// Refuses, before anything is seeded, a mutant that would have to make secrets that are given.
pub fn check_given(given: Option<&Existing>, mutants: &Mutants) -> Result<(), SeedError> {
    match AT_CREATION.iter().find(|c| mutants.has(c)) {
        Some(made) if given.is_some() => Err(SeedError::NotForExistingSecrets { mutant: made.name.to_owned() }),
        _ => Ok(()),
    }
}

/// The given secrets, or the key and both secrets made as the README's procedure makes them.
pub async fn existing_or_create(
    s: &Seeder,
    given: Option<&Existing>,
    suffix: &Suffix,
    mutants: &Mutants,
) -> Result<Existing, SeedError> {
    check_given(given, mutants)?;
    if let Some(given) = given {
        return Ok(given.clone());
    }
    let secrets_key = keys::create_secrets_key(&s.kms, suffix).await?;
    let database_secret = create(&s.secretsmanager, &SecretSpec::database(suffix, mutants), &secrets_key).await?;
    let api_keys_secret = create(&s.secretsmanager, &SecretSpec::api_keys(suffix), &secrets_key).await?;
    Ok(Existing { secrets_key, database_secret, api_keys_secret })
}

pub struct SecretSpec {
    pub name: String,
    pub value: String,
    /// Under the secrets' key; otherwise under the AWS managed key aws/secretsmanager.
    pub secrets_key: bool,
}

impl SecretSpec {
    /// The database credentials.
    pub fn database(suffix: &Suffix, mutants: &Mutants) -> Self {
        Self {
            name: format!("db-credentials-{suffix}"),
            value: format!(r#"{{"username":"hipaa_admin","password":"{SECRET_CANARY}-db-password"}}"#),
            secrets_key: !mutants.has(&m::DB_SECRET_DEFAULT_KEY),
        }
    }

    /// The API keys, with the Redis auth token.
    pub fn api_keys(suffix: &Suffix) -> Self {
        Self {
            name: format!("api-keys-{suffix}"),
            value: format!(
                r#"{{"api_key":"{SECRET_CANARY}-api-key","redis_auth_token":"{SECRET_CANARY}-redis-auth-token"}}"#
            ),
            secrets_key: true,
        }
    }
}

/// Creates the secret under `secrets_key` (or the AWS managed key, as the spec says), as `aws
/// secretsmanager create-secret --kms-key-id` does; returns its ARN.
pub async fn create(sm: &SecretsManager, spec: &SecretSpec, secrets_key: &str) -> Result<String, SeedError> {
    Ok(sm
        .create_secret()
        .name(&spec.name)
        .secret_string(&spec.value)
        .set_kms_key_id(spec.secrets_key.then(|| secrets_key.to_owned()))
        .send()
        .await
        .map_err(step("CreateSecret"))?
        .arn
        .unwrap_or_default())
}

// Drift on a deployed secret.

pub async fn schedule_deletion(sm: &SecretsManager, arn: &str) -> Result<(), SeedError> {
    sm.delete_secret().secret_id(arn).recovery_window_in_days(7).send().await.map_err(step("DeleteSecret"))?;
    Ok(())
}

/// UpdateSecret to a new customer key that is not the secrets' key.
pub async fn move_to_foreign_key(s: &Seeder, arn: &str, suffix: &Suffix) -> Result<(), SeedError> {
    let foreign = keys::create_foreign(&s.kms, suffix).await?;
    s.secretsmanager.update_secret().secret_id(arn).kms_key_id(foreign).send().await.map_err(step("UpdateSecret"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_secrets_take_drift_but_not_a_mutant_that_makes_them() {
        let given = Existing {
            secrets_key: "arn:aws:kms:eu-central-1:123456789012:key/1111".into(),
            database_secret: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCdEf".into(),
            api_keys_secret: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:api-AbCdEf".into(),
        };
        let made_at_creation = Mutants::of(&[&m::DB_SECRET_DEFAULT_KEY]);
        let err = check_given(Some(&given), &made_at_creation).unwrap_err().to_string();
        assert!(err.contains(m::DB_SECRET_DEFAULT_KEY.name), "{err}");
        assert!(check_given(None, &made_at_creation).is_ok());
        for drift in [&m::SECRET_FOREIGN_KEY, &m::SECRETS_KEY_DISABLED, &m::SECRETS_KEY_ROTATION_OFF] {
            assert!(check_given(Some(&given), &Mutants::of(&[drift])).is_ok(), "{}", drift.name);
        }
    }
}
