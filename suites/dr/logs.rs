//! The layout's log groups in both regions (the application's and the failover function's, and any
//! other its default tags mark): kept 30 days, encrypted with their region's key. The groups the
//! database logs and the flow logs are written to are audit records, kept a year: the audit
//! checks (audit.rs) judge those.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::judge_named;

use super::DrFacts;
use super::audit::is_judged_as_audit_log;
use super::facts::core::Sided;
use super::mutants;
use crate::shared::discovery::Failure;

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
    claims: &[Claim {
        property: "retentionInDays",
        about: "Every log group of the layout in either region (the application's and the failover function's, which the outputs name, and any other its default tags mark; not the database and flow log groups, which audit checks judge) keeps events exactly 30 days: not fewer, not forever",
        mutants: &[&mutants::APP_LOG_RETENTION_7, &mutants::FAILOVER_LOG_RETENTION_OFF],
        not_emulated: None,
    }],
    run: log_groups_retained_30_days,
};

/// The log groups these checks judge: all but the audit log groups.
fn judged(f: &DrFacts) -> impl Iterator<Item = &Sided<stackproof_harness::facts::logs::LogGroup>> {
    f.core.log_groups.iter().filter(|g| !is_judged_as_audit_log(f, g))
}

/// A finding per region whose discovery failed: its unlisted groups went unjudged.
fn undiscovered(f: &DrFacts, property: &str) -> Vec<Finding> {
    f.discovered.iter().flat_map(|d| d.failure(property)).collect()
}

fn log_groups_retained_30_days(f: &DrFacts) -> Vec<Finding> {
    judged(f)
        .flat_map(|Sided { named: n, .. }| {
            judge_named(n, "retentionInDays", |g| {
                vec![Finding::judge(
                    &n.resource,
                    "retentionInDays",
                    g.retention_in_days == Some(RETENTION_DAYS),
                    RETENTION_DAYS,
                    g.retention_in_days.map_or("never expire".to_owned(), |d| d.to_string()),
                    g,
                )]
            })
        })
        .chain(undiscovered(f, "retentionInDays"))
        .collect()
}

pub const LOG_GROUPS_ENCRYPTED_WITH_PRIMARY_KEY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "log_groups_encrypted_with_primary_key",
        service: "logs",
        title: "The layout's log groups are encrypted with the primary customer key (those of the DR region with the DR key)",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(b)"],
        severity: Severity::High,
        risk: "Logs can carry identifiers of patients; without the layout's key they are readable outside its key policy.",
        remediation: "main.ts: kmsKeyId: primaryKey.arn on app_log_group and failover_log_group (CloudwatchLogGroup).",
    },
    claims: &[Claim {
        property: "kmsKeyId",
        about: "Every log group of the layout (named by an output, or marked by its default tags; not the database and flow log groups, which audit checks judge) is encrypted with its region's key the outputs name, the primary key in the primary region: not another key, not the service-owned one",
        mutants: &[
            &mutants::FAILOVER_LOG_GROUP_UNENCRYPTED,
            &mutants::APP_LOG_GROUP_FOREIGN_KEY,
            &mutants::UNLISTED_LOG_GROUP_UNENCRYPTED,
            &mutants::UNLISTED_DR_LOG_GROUP_UNENCRYPTED,
        ],
        not_emulated: None,
    }],
    run: log_groups_encrypted_with_primary_key,
};

fn log_groups_encrypted_with_primary_key(f: &DrFacts) -> Vec<Finding> {
    judged(f)
        .flat_map(|Sided { side, named: n }| {
            let key = f.core.key_arns.of(*side);
            // Without the key to compare with, the group cannot be judged: an error on the output.
            judge_named(key, "kmsKeyId", |want| {
                judge_named(n, "kmsKeyId", |g| {
                    let got = g.kms_key_id.as_deref().unwrap_or("none (service-managed)");
                    vec![Finding::judge(
                        &n.resource,
                        "kmsKeyId",
                        same_key(got, want),
                        format!("{} {want}", key.output),
                        got,
                        g,
                    )]
                })
            })
        })
        .chain(undiscovered(f, "kmsKeyId"))
        .collect()
}
