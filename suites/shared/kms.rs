//! A customer key is enabled, customer-managed and rotating: the same judgement for every
//! stack's keys.

use stackproof_harness::check::Finding;
use stackproof_harness::facts::Named;
use stackproof_harness::facts::kms::Key;
use stackproof_harness::kit::fact::{judge_fact, judge_named};

/// The longest rotation period a key may have, in days.
pub const MAX_ROTATION_DAYS: i32 = 365;

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
        judge_fact(&k.resource, &key.rotation, "KeyRotationEnabled", |rotation| {
            let rotating = rotation.key_rotation_enabled;
            let mut findings = vec![Finding::judge(&k.resource, "KeyRotationEnabled", rotating, true, rotating, key)];
            if rotating {
                findings.push(match rotation.rotation_period_in_days {
                    Some(days) => Finding::judge(
                        &k.resource,
                        "RotationPeriodInDays",
                        days <= MAX_ROTATION_DAYS,
                        format!("at most {MAX_ROTATION_DAYS}"),
                        days,
                        key,
                    ),
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
    })
}
