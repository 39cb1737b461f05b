//! The layout's two customer keys (one per region): enabled, customer-managed, rotating.

use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};

use super::DrFacts;

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[KMS_KEYS_ENABLED, KMS_KEYS_ROTATE];

pub const KMS_KEYS_ENABLED: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "kms_keys_enabled",
        service: "kms",
        title: "Both regions' customer keys are enabled and customer-managed",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::Critical,
        risk: "A disabled key makes the data, replicas and backups encrypted under it unreadable: the DR copy is lost exactly when it is needed.",
        remediation: "main.ts: primary_key and dr_key (KmsKey) must stay enabled (isEnabled defaults to true); re-enable with kms:EnableKey.",
        mutant: "dr-key-disabled",
    },
    run: kms_keys_enabled,
};

fn kms_keys_enabled(f: &DrFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for k in &f.core.keys {
        let n = &k.named;
        match &n.fact {
            Ok(key) => {
                findings.push(Finding::judge(
                    &n.resource,
                    "KeyState",
                    key.key_state == "Enabled",
                    "Enabled",
                    &key.key_state,
                    key,
                ));
                findings.push(Finding::judge(
                    &n.resource,
                    "KeyManager",
                    key.key_manager == "CUSTOMER",
                    "CUSTOMER",
                    &key.key_manager,
                    key,
                ));
            }
            Err(e) => findings.push(Finding::unavailable(&n.resource, "KeyState", e)),
        }
    }
    findings
}

pub const KMS_KEYS_ROTATE: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "kms_keys_rotate",
        service: "kms",
        title: "Both regions' customer keys rotate automatically",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(e)(2)(ii)"],
        severity: Severity::High,
        risk: "Key material that never rotates widens what one compromised key exposes, in both regions.",
        remediation: "main.ts: set enableKeyRotation: true on primary_key and dr_key (KmsKey).",
        mutant: "primary-key-rotation-off",
    },
    run: kms_keys_rotate,
};

fn kms_keys_rotate(f: &DrFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    for k in &f.core.keys {
        let n = &k.named;
        let key = match &n.fact {
            Ok(key) => key,
            Err(e) => {
                findings.push(Finding::unavailable(&n.resource, "KeyRotationEnabled", e));
                continue;
            }
        };
        findings.push(Finding::judge(
            &n.resource,
            "KeyRotationEnabled",
            key.key_rotation_enabled,
            true,
            key.key_rotation_enabled,
            key,
        ));
        if key.key_rotation_enabled {
            findings.push(match key.rotation_period_in_days {
                Some(days) => {
                    Finding::judge(&n.resource, "RotationPeriodInDays", days <= 365, "at most 365", days, key)
                }
                None if f.emulated => Finding::skip(
                    &n.resource,
                    "RotationPeriodInDays",
                    "not emulated: moto does not report RotationPeriodInDays",
                ),
                None => Finding::error(&n.resource, "RotationPeriodInDays", "GetKeyRotationStatus returned no period"),
            });
        }
    }
    findings
}
