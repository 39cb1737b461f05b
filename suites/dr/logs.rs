//! The layout's log groups (application, failover function): kept 30 days, encrypted with the
//! primary key.

use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::facts::kms::same_key;

use super::DrFacts;
use super::mutants;
use super::outputs::PRIMARY_KMS_KEY_ARN;

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[LOG_GROUPS_RETAINED_30_DAYS, LOG_GROUPS_ENCRYPTED_WITH_PRIMARY_KEY];

const RETENTION_DAYS: i32 = 30;

pub const LOG_GROUPS_RETAINED_30_DAYS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "log_groups_retained_30_days",
        service: "logs",
        title: "The layout's log groups keep events for 30 days",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::Medium,
        risk: "Logs expiring sooner than planned leave a failover or an incident without its record; never-expiring ones keep PHI-adjacent data forever.",
        remediation: "main.ts: retentionInDays: 30 on app_log_group and failover_log_group (CloudwatchLogGroup).",
    },
    mutant: &mutants::APP_LOG_RETENTION_7,
    run: log_groups_retained_30_days,
};

fn log_groups_retained_30_days(f: &DrFacts) -> Vec<Finding> {
    f.core
        .log_groups
        .iter()
        .map(|n| match &n.fact {
            Ok(g) => Finding::judge(
                &n.resource,
                "retentionInDays",
                g.retention_in_days == Some(RETENTION_DAYS),
                RETENTION_DAYS,
                g.retention_in_days.map_or("never expire".to_owned(), |d| d.to_string()),
                g,
            ),
            Err(e) => Finding::unavailable(&n.resource, "retentionInDays", e),
        })
        .collect()
}

pub const LOG_GROUPS_ENCRYPTED_WITH_PRIMARY_KEY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "log_groups_encrypted_with_primary_key",
        service: "logs",
        title: "The layout's log groups are encrypted with the primary customer key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(b)"],
        severity: Severity::High,
        risk: "Logs can carry identifiers of patients; without the layout's key they are readable outside its key policy.",
        remediation: "main.ts: kmsKeyId: primaryKey.arn on app_log_group and failover_log_group (CloudwatchLogGroup).",
    },
    mutant: &mutants::FAILOVER_LOG_GROUP_UNENCRYPTED,
    run: log_groups_encrypted_with_primary_key,
};

fn log_groups_encrypted_with_primary_key(f: &DrFacts) -> Vec<Finding> {
    let want = match f.outputs.get(PRIMARY_KMS_KEY_ARN) {
        Ok(want) => want,
        Err(e) => return vec![Finding::error(PRIMARY_KMS_KEY_ARN, "kmsKeyId", e)],
    };
    f.core
        .log_groups
        .iter()
        .map(|n| match &n.fact {
            Ok(g) => {
                let got = g.kms_key_id.as_deref().unwrap_or("none (service-managed)");
                Finding::judge(
                    &n.resource,
                    "kmsKeyId",
                    same_key(got, want),
                    format!("{PRIMARY_KMS_KEY_ARN} {want}"),
                    got,
                    g,
                )
            }
            Err(e) => Finding::unavailable(&n.resource, "kmsKeyId", e),
        })
        .collect()
}
