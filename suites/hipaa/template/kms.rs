//! Every customer key of the template is enabled and rotates, at least yearly.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::json::is_true;

use super::{Change, Mutation, TemplateFacts, number};
use crate::shared::kms::MAX_ROTATION_DAYS;

pub const DATA_KEY_DISABLED: Mutation =
    Mutation { name: "data-key-disabled", resource: "DataKey", property: "Enabled", change: Change::Set("false") };

pub const KMS_ROTATION_OFF: Mutation = Mutation {
    name: "kms-rotation-off",
    resource: "DataKey",
    property: "EnableKeyRotation",
    change: Change::Set("false"),
};

pub const LOGS_KEY_ROTATION_OFF: Mutation = Mutation {
    name: "logs-key-rotation-off",
    resource: "LogsKey",
    property: "EnableKeyRotation",
    change: Change::Remove,
};

pub const LOGS_KEY_ROTATES_EVERY_TWO_YEARS: Mutation = Mutation {
    name: "logs-key-rotates-every-two-years",
    resource: "LogsKey",
    property: "RotationPeriodInDays",
    change: Change::Set("730"),
};

pub const KMS_KEY_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every KMS key the template creates is enabled",
        remediation: "template.yml: leave Enabled true (or unset) on every AWS::KMS::Key (DataKey, LogsKey).",
        ..crate::hipaa::kms::KMS_KEY_ENABLED.info
    },
    claims: &[Claim {
        property: "Enabled",
        about: "No AWS::KMS::Key of the template sets Enabled false (a key the template creates is customer managed)",
        mutants: &[&DATA_KEY_DISABLED],
        not_emulated: None,
    }],
    run: kms_key_enabled,
};

fn kms_key_enabled(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::KMS::Key", "Enabled", |k| {
        // Absent, a key is created enabled.
        vec![judge(k, "Enabled", k.prop("Enabled").is_none_or(|v| is_true(Some(v))), true)]
    })
}

pub const KMS_KEY_ROTATION_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every KMS key the template creates rotates automatically, at least once a year",
        remediation: "template.yml: set EnableKeyRotation: true on every AWS::KMS::Key (DataKey, LogsKey), and RotationPeriodInDays at most 365 where set.",
        ..crate::hipaa::kms::KMS_KEY_ROTATION_ENABLED.info
    },
    claims: &[
        Claim {
            property: "EnableKeyRotation",
            about: "Every AWS::KMS::Key of the template sets EnableKeyRotation true",
            mutants: &[&KMS_ROTATION_OFF, &LOGS_KEY_ROTATION_OFF],
            not_emulated: None,
        },
        Claim {
            property: "RotationPeriodInDays",
            about: "A key that sets RotationPeriodInDays rotates at least once a year (unset is AWS's 365)",
            mutants: &[&LOGS_KEY_ROTATES_EVERY_TWO_YEARS],
            not_emulated: None,
        },
    ],
    run: kms_key_rotation_enabled,
};

fn kms_key_rotation_enabled(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::KMS::Key", "EnableKeyRotation", |k| {
        let mut findings = vec![judge(k, "EnableKeyRotation", is_true(k.prop("EnableKeyRotation")), true)];
        if let Some(period) = k.prop("RotationPeriodInDays") {
            let ok = number(Some(period)).is_some_and(|d| d <= f64::from(MAX_ROTATION_DAYS));
            findings.push(judge(k, "RotationPeriodInDays", ok, format!("at most {MAX_ROTATION_DAYS}")));
        }
        findings
    })
}
