//! Customer keys: enabled, customer-managed, rotating.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};

use crate::shared::kms::{key_enabled, key_rotates};

use super::HipaaFacts;
use super::mutants;
use crate::shared::discovery::Failure;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[KMS_KEY_ENABLED, KMS_KEY_ROTATION_ENABLED];

pub const KMS_KEY_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "kms_key_enabled",
        service: "kms",
        title: "The stack's KMS keys are enabled customer-managed keys",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.308(a)(7)(i)"],
        severity: Severity::High,
        risk: "A disabled key makes every record encrypted under it unreadable: an outage of the data it protects.",
        remediation: "template.yml: DataKey and LogsKey (AWS::KMS::Key) need Enabled: true (the default); re-enable the key with kms:EnableKey.",
    },
    claims: &[
        Claim {
            property: "KeyState",
            about: "Every key of the stack (data and logs, which the outputs name, and any other discovery finds) is in state Enabled: not disabled, not pending deletion",
            mutants: &[&mutants::KMS_KEY_DISABLED, &mutants::LOGS_KEY_PENDING_DELETION],
            not_emulated: None,
        },
        Claim {
            property: "KeyManager",
            about: "Every key of the stack is customer managed (KeyManager CUSTOMER), governed by the stack's key policy",
            mutants: &[],
            not_emulated: Some(
                "moto 5.2.5 reports every key as KeyManager CUSTOMER, even alias/aws/* ones: no AWS-managed key can stand in for the stack's",
            ),
        },
    ],
    run: kms_key_enabled,
};

fn kms_key_enabled(f: &HipaaFacts) -> Vec<Finding> {
    f.keys.keys.iter().flat_map(key_enabled).chain(f.discovered.failure("KeyState")).collect()
}

pub const KMS_KEY_ROTATION_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "kms_key_rotation_enabled",
        service: "kms",
        title: "The stack's KMS keys rotate automatically",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Key material that never rotates widens what one compromised key exposes.",
        remediation: "template.yml: set EnableKeyRotation: true on DataKey and LogsKey (AWS::KMS::Key).",
    },
    claims: &[
        Claim {
            property: "KeyRotationEnabled",
            about: "Every key of the stack (data and logs, which the outputs name, and any other discovery finds) rotates automatically",
            mutants: &[
                &mutants::KMS_ROTATION_OFF,
                &mutants::LOGS_KEY_ROTATION_OFF,
                &mutants::UNLISTED_KEY_ROTATION_OFF,
            ],
            not_emulated: None,
        },
        Claim {
            property: "RotationPeriodInDays",
            about: "A rotating key rotates at least once a year (RotationPeriodInDays at most 365)",
            mutants: &[],
            not_emulated: Some(
                "moto 5.2.5 takes EnableKeyRotation's RotationPeriodInDays but GetKeyRotationStatus never reports it (the finding is skipped there)",
            ),
        },
    ],
    run: kms_key_rotation_enabled,
};

fn kms_key_rotation_enabled(f: &HipaaFacts) -> Vec<Finding> {
    f.keys
        .keys
        .iter()
        .flat_map(|k| key_rotates(k, f.emulated))
        .chain(f.discovered.failure("KeyRotationEnabled"))
        .collect()
}
