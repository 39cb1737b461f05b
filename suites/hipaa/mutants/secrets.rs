//! Breakages of the secrets checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const SECRET_SCHEDULED_FOR_DELETION: Mutant = Mutant {
    name: "secret-scheduled-for-deletion",
    about: "DeleteSecret (7-day recovery window) on the database secret",
    output: o::DATABASE_SECRET_ARN,
    nth: 0,
    property: "DeletedDate",
};

pub const API_KEYS_SECRET_SCHEDULED_FOR_DELETION: Mutant = Mutant {
    name: "api-keys-secret-scheduled-for-deletion",
    about: "DeleteSecret (7-day recovery window) on the API keys secret, the second secret the stack consumes",
    output: o::API_KEYS_SECRET_ARN,
    nth: 0,
    property: "DeletedDate",
};

pub const SECRET_FOREIGN_KEY: Mutant = Mutant {
    name: "secret-foreign-key",
    about: "UpdateSecret moves the API keys secret to another customer key than the one SecretsKeyArn names",
    output: o::API_KEYS_SECRET_ARN,
    nth: 0,
    property: "KmsKeyId",
};

pub const DB_SECRET_DEFAULT_KEY: Mutant = Mutant {
    name: "db-secret-default-key",
    about: "the database secret created without KmsKeyId: under the AWS managed key aws/secretsmanager",
    output: o::DATABASE_SECRET_ARN,
    nth: 0,
    property: "KmsKeyId",
};

pub const SECRETS_KEY_DISABLED: Mutant = Mutant {
    name: "secrets-key-disabled",
    about: "DisableKey on the secrets' key (the existing key SecretsKeyArn names)",
    output: o::SECRETS_KEY_ARN,
    nth: 0,
    property: "KeyState",
};

pub const SECRETS_KEY_ROTATION_OFF: Mutant = Mutant {
    name: "secrets-key-rotation-off",
    about: "DisableKeyRotation on the secrets' key (the existing key SecretsKeyArn names)",
    output: o::SECRETS_KEY_ARN,
    nth: 0,
    property: "KeyRotationEnabled",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &SECRET_SCHEDULED_FOR_DELETION,
    &API_KEYS_SECRET_SCHEDULED_FOR_DELETION,
    &SECRET_FOREIGN_KEY,
    &DB_SECRET_DEFAULT_KEY,
    &SECRETS_KEY_DISABLED,
    &SECRETS_KEY_ROTATION_OFF,
];
