//! Audit log groups: encrypted with the stack's logs key and kept long enough.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::{judge_both, judge_named};

use super::HipaaFacts;
use super::mutants;
use crate::shared::discovery::Failure;

/// Fewest days an audit log group may keep its events.
pub const MIN_RETENTION_DAYS: i32 = 90;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[LOG_GROUP_ENCRYPTED_WITH_STACK_KEY, LOG_GROUP_RETENTION_SET];

pub const LOG_GROUP_ENCRYPTED_WITH_STACK_KEY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "log_group_encrypted_with_stack_key",
        service: "logs",
        title: "Audit log groups are encrypted with the stack's logs key",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::High,
        risk: "Audit trails can hold PHI; under another key (or none) their access is not governed by the stack's key policy.",
        remediation: "template.yml: set KmsKeyId: !GetAtt LogsKey.Arn on every AWS::Logs::LogGroup (AuditLogGroup first).",
    },
    claims: &[Claim {
        property: "kmsKeyId",
        about: "Every log group of the stack (the four the outputs name, and the API execution, Aurora audit, error, general, slow-query and WAF groups, or any other, found by discovery) is encrypted with the logs key the outputs name: not another key, not the service-owned one",
        mutants: &[
            &mutants::LOG_GROUP_FOREIGN_KEY,
            &mutants::FLOW_LOG_GROUP_UNENCRYPTED,
            &mutants::UNLISTED_LOG_GROUP_UNENCRYPTED,
        ],
        not_emulated: None,
    }],
    run: log_group_encrypted_with_stack_key,
};

fn log_group_encrypted_with_stack_key(f: &HipaaFacts) -> Vec<Finding> {
    let stack_key = &f.keys.logs_key;
    f.logs
        .groups
        .iter()
        .flat_map(|g| {
            judge_both((g, stack_key), "kmsKeyId", |group, stack_key| {
                let actual = group.kms_key_id.as_deref().unwrap_or("none (service-owned key)");
                let ok = group.kms_key_id.as_deref().is_some_and(|k| same_key(k, stack_key));
                vec![Finding::judge(&g.resource, "kmsKeyId", ok, stack_key, actual, group)]
            })
        })
        .chain(f.discovered.failure("kmsKeyId"))
        .collect()
}

pub const LOG_GROUP_RETENTION_SET: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "log_group_retention_set",
        service: "logs",
        title: "Audit log groups keep events for a set period of at least 90 days",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.316(b)(2)(i)"],
        severity: Severity::Medium,
        risk: "Without a retention policy the audit trail's lifetime is undefined; too short a one loses the evidence.",
        remediation: "template.yml: set RetentionInDays (>= 90, 365 for AuditLogGroup) on every AWS::Logs::LogGroup.",
    },
    claims: &[Claim {
        property: "retentionInDays",
        about: "Every log group of the stack, named by an output or found by discovery, has a retention policy, of at least 90 days",
        mutants: &[&mutants::LOG_RETENTION_OFF, &mutants::FLOW_LOG_RETENTION_30],
        not_emulated: None,
    }],
    run: log_group_retention_set,
};

fn log_group_retention_set(f: &HipaaFacts) -> Vec<Finding> {
    f.logs
        .groups
        .iter()
        .flat_map(|g| {
            judge_named(g, "retentionInDays", |group| {
                let ok = group.retention_in_days.is_some_and(|d| d >= MIN_RETENTION_DAYS);
                let actual = group
                    .retention_in_days
                    .map_or("never expire (no retention policy)".to_owned(), |d| format!("{d} days"));
                vec![Finding::judge(
                    &g.resource,
                    "retentionInDays",
                    ok,
                    format!("at least {MIN_RETENTION_DAYS} days"),
                    actual,
                    group,
                )]
            })
        })
        .chain(f.discovered.failure("retentionInDays"))
        .collect()
}
