//! Breakages of the kms checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const DR_KEY_DISABLED: Mutant = Mutant {
    name: "dr-key-disabled",
    about: "DisableKey on the DR key (by key id: moto answers DisableKey by ARN with HTTP 500)",
    output: o::DR_KMS_KEY_ARN,
    nth: 0,
    property: "KeyState",
};

pub const PRIMARY_KEY_PENDING_DELETION: Mutant = Mutant {
    name: "primary-key-pending-deletion",
    about: "ScheduleKeyDeletion (7 days) on the primary key (by key id: moto answers it by ARN with HTTP 500)",
    output: o::PRIMARY_KMS_KEY_ARN,
    nth: 0,
    property: "KeyState",
};

pub const PRIMARY_KEY_ROTATION_OFF: Mutant = Mutant {
    name: "primary-key-rotation-off",
    about: "DisableKeyRotation on the primary key",
    output: o::PRIMARY_KMS_KEY_ARN,
    nth: 0,
    property: "KeyRotationEnabled",
};

pub const DR_KEY_ROTATION_OFF: Mutant = Mutant {
    name: "dr-key-rotation-off",
    about: "DisableKeyRotation on the DR key",
    output: o::DR_KMS_KEY_ARN,
    nth: 0,
    property: "KeyRotationEnabled",
};

pub const DR_UNLISTED_KEY_ROTATION_OFF: Mutant = Mutant {
    name: "dr-unlisted-key-rotation-off",
    about: "a customer key added to the DR region without an output (the layout's default tags, Name UnlistedKey), created without rotation",
    output: "logical-id:UnlistedKey",
    nth: 0,
    property: "KeyRotationEnabled",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &DR_KEY_DISABLED,
    &PRIMARY_KEY_PENDING_DELETION,
    &PRIMARY_KEY_ROTATION_OFF,
    &DR_KEY_ROTATION_OFF,
    &DR_UNLISTED_KEY_ROTATION_OFF,
];
