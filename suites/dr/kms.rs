//! The layout's customer keys, in both regions: the two the outputs name (one per region) and
//! every other its default tags mark, each read in its region: enabled, customer-managed,
//! rotating. A region whose discovery failed is an error of each check: its keys beyond the
//! outputs' were not judged.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};

use crate::shared::kms::{key_enabled, key_rotates};

use super::DrFacts;
use super::mutants;
use crate::shared::discovery::Failure;

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[KMS_KEYS_ENABLED, KMS_KEYS_ROTATE];

pub const KMS_KEYS_ENABLED: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "kms_keys_enabled",
        service: "kms",
        title: "Every customer key of the layout, in both regions, is enabled and customer-managed",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Critical,
        risk: "A disabled key makes the data, replicas and backups encrypted under it unreadable: the DR copy is lost exactly when it is needed.",
        remediation: "main.ts: primary_key, dr_key and every other KmsKey of the layout must stay enabled (isEnabled defaults to true); re-enable with kms:EnableKey.",
    },
    claims: &[
        Claim {
            property: "KeyState",
            about: "Every key of the layout (the two the outputs name, primary and DR, and any other its default tags mark in either region, read in its region) is in state Enabled: not disabled, not pending deletion",
            mutants: &[&mutants::DR_KEY_DISABLED, &mutants::PRIMARY_KEY_PENDING_DELETION],
            not_emulated: None,
        },
        Claim {
            property: "KeyManager",
            about: "Every key of the layout is customer managed (KeyManager CUSTOMER), governed by the layout's key policies",
            mutants: &[],
            not_emulated: Some(
                "moto 5.2.5 reports every key as KeyManager CUSTOMER, even alias/aws/* ones: no AWS-managed key can stand in for the layout's",
            ),
        },
    ],
    run: kms_keys_enabled,
};

fn kms_keys_enabled(f: &DrFacts) -> Vec<Finding> {
    let undiscovered = f.discovered.iter().flat_map(|d| d.failure("KeyState"));
    f.core.keys.iter().flat_map(|k| key_enabled(&k.named)).chain(undiscovered).collect()
}

pub const KMS_KEYS_ROTATE: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "kms_keys_rotate",
        service: "kms",
        title: "Every customer key of the layout, in both regions, rotates automatically",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Key material that never rotates widens what one compromised key exposes, in both regions.",
        remediation: "main.ts: set enableKeyRotation: true on primary_key, dr_key and every other KmsKey of the layout.",
    },
    claims: &[
        Claim {
            property: "KeyRotationEnabled",
            about: "Every key of the layout (the two the outputs name, primary and DR, and any other its default tags mark in either region, read in its region) rotates automatically",
            mutants: &[
                &mutants::PRIMARY_KEY_ROTATION_OFF,
                &mutants::DR_KEY_ROTATION_OFF,
                &mutants::DR_UNLISTED_KEY_ROTATION_OFF,
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
    run: kms_keys_rotate,
};

fn kms_keys_rotate(f: &DrFacts) -> Vec<Finding> {
    let undiscovered = f.discovered.iter().flat_map(|d| d.failure("KeyRotationEnabled"));
    f.core.keys.iter().flat_map(|k| key_rotates(&k.named, f.emulated)).chain(undiscovered).collect()
}
