//! A customer key is enabled, customer-managed and rotating: the same judgement for every
//! stack's keys.

use stackproof_harness::check::Finding;
use stackproof_harness::facts::Named;
use stackproof_harness::facts::kms::Key;
use stackproof_harness::kit::fact::judge_named;

/// KeyState Enabled and KeyManager CUSTOMER.
pub fn key_enabled(k: &Named<Key>) -> Vec<Finding> {
    judge_named(k, "KeyState", |key| {
        vec![
            Finding::judge(&k.resource, "KeyState", key.key_state == "Enabled", "Enabled", &key.key_state, key),
            Finding::judge(&k.resource, "KeyManager", key.key_manager == "CUSTOMER", "CUSTOMER", &key.key_manager, key),
        ]
    })
}

/// KeyRotationEnabled, and a rotation period of at most a year where the target reports one.
pub fn key_rotates(k: &Named<Key>, emulated: bool) -> Vec<Finding> {
    judge_named(k, "KeyRotationEnabled", |key| {
        let rotating = key.key_rotation_enabled;
        let mut findings = vec![Finding::judge(&k.resource, "KeyRotationEnabled", rotating, true, rotating, key)];
        if rotating {
            findings.push(match key.rotation_period_in_days {
                Some(days) => {
                    Finding::judge(&k.resource, "RotationPeriodInDays", days <= 365, "at most 365", days, key)
                }
                None if emulated => Finding::skip(
                    &k.resource,
                    "RotationPeriodInDays",
                    "not emulated: moto does not report RotationPeriodInDays",
                ),
                None => Finding::error(
                    &k.resource,
                    "RotationPeriodInDays",
                    "GetKeyRotationStatus returned no rotation period",
                ),
            });
        }
        findings
    })
}
