//! Breakages of the kms checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const KMS_ROTATION_OFF: Mutant = Mutant {
    name: "kms-rotation-off",
    about: "DisableKeyRotation on the data key",
    output: o::DATA_KEY_ARN,
    nth: 0,
    property: "KeyRotationEnabled",
};

pub const LOGS_KEY_ROTATION_OFF: Mutant = Mutant {
    name: "logs-key-rotation-off",
    about: "DisableKeyRotation on the logs key",
    output: o::LOGS_KEY_ARN,
    nth: 0,
    property: "KeyRotationEnabled",
};

pub const KMS_KEY_DISABLED: Mutant = Mutant {
    name: "kms-key-disabled",
    about: "DisableKey on the data key",
    output: o::DATA_KEY_ARN,
    nth: 0,
    property: "KeyState",
};

pub const LOGS_KEY_PENDING_DELETION: Mutant = Mutant {
    name: "logs-key-pending-deletion",
    about: "ScheduleKeyDeletion (7 days) on the logs key (by key id: moto answers it by ARN with HTTP 500)",
    output: o::LOGS_KEY_ARN,
    nth: 0,
    property: "KeyState",
};

pub const UNLISTED_KEY_ROTATION_OFF: Mutant = Mutant {
    name: "unlisted-key-rotation-off",
    about: "a key added to the stack without an output (logical id UnlistedKey), created without rotation",
    output: "logical-id:UnlistedKey",
    nth: 0,
    property: "KeyRotationEnabled",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &KMS_ROTATION_OFF,
    &LOGS_KEY_ROTATION_OFF,
    &UNLISTED_KEY_ROTATION_OFF,
    &KMS_KEY_DISABLED,
    &LOGS_KEY_PENDING_DELETION,
];
