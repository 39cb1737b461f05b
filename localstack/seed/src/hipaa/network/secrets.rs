//! The secrets the stack consumes: they exist before it, as in a user's account, under the data
//! key; their values hold a canary so reports can be searched for leaks.

use aws_sdk_secretsmanager::Client as SecretsManager;
use stackproof_harness::deployment::Suffix;

use stackproof::hipaa::mutants as m;

use super::keys;
use crate::hipaa::{Mutants, SECRET_CANARY};
use crate::{SeedError, Seeder, step};

pub struct SecretSpec {
    pub name: String,
    pub value: String,
    /// Under the data key; otherwise under the AWS managed key aws/secretsmanager.
    pub data_key: bool,
}

impl SecretSpec {
    /// The database credentials.
    pub fn database(suffix: &Suffix, mutants: &Mutants) -> Self {
        Self {
            name: format!("db-credentials-{suffix}"),
            value: format!(r#"{{"username":"hipaa_admin","password":"{SECRET_CANARY}-db-password"}}"#),
            data_key: !mutants.has(&m::DB_SECRET_DEFAULT_KEY),
        }
    }

    /// The API keys, with the Redis auth token.
    pub fn api_keys(suffix: &Suffix) -> Self {
        Self {
            name: format!("api-keys-{suffix}"),
            value: format!(
                r#"{{"api_key":"{SECRET_CANARY}-api-key","redis_auth_token":"{SECRET_CANARY}-redis-auth-token"}}"#
            ),
            data_key: true,
        }
    }
}

/// Creates the secret under `data_key` (or the AWS managed key, as the spec says); returns its ARN.
pub async fn create(sm: &SecretsManager, spec: &SecretSpec, data_key: &str) -> Result<String, SeedError> {
    Ok(sm
        .create_secret()
        .name(&spec.name)
        .secret_string(&spec.value)
        .set_kms_key_id(spec.data_key.then(|| data_key.to_owned()))
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

/// UpdateSecret to a new key that is not the stack's.
pub async fn move_to_foreign_key(s: &Seeder, arn: &str, suffix: &Suffix) -> Result<(), SeedError> {
    let foreign = keys::create_foreign(&s.kms, suffix).await?;
    s.secretsmanager.update_secret().secret_id(arn).kms_key_id(foreign).send().await.map_err(step("UpdateSecret"))?;
    Ok(())
}
