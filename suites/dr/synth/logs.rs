//! The layout's log groups (application, failover function): kept 30 days, encrypted with the
//! primary key.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::json::number;

use super::{Change, Mutation, PRIMARY_REGION, SynthFacts, judge_key_in};
use crate::dr::logs as live;

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] = &[LOG_GROUPS_RETAINED_30_DAYS, LOG_GROUPS_ENCRYPTED_WITH_PRIMARY_KEY];

pub const RETENTION_DAYS: f64 = 30.0;

pub const FAILOVER_LOG_RETENTION_7_DAYS: Mutation = Mutation {
    name: "failover-log-retention-7-days",
    resource: "aws_cloudwatch_log_group.failover_log_group",
    property: "retention_in_days",
    change: Change::Set("7"),
};

pub const APP_LOG_RETENTION_REMOVED: Mutation = Mutation {
    name: "app-log-retention-removed",
    resource: "aws_cloudwatch_log_group.app_log_group",
    property: "retention_in_days",
    change: Change::Remove,
};

pub const FAILOVER_LOG_GROUP_UNDER_DR_KEY: Mutation = Mutation {
    name: "failover-log-group-under-dr-key",
    resource: "aws_cloudwatch_log_group.failover_log_group",
    property: "kms_key_id",
    change: Change::Set(r#""${aws_kms_key.dr_key.arn}""#),
};

pub const APP_LOG_GROUP_UNENCRYPTED: Mutation = Mutation {
    name: "app-log-group-unencrypted",
    resource: "aws_cloudwatch_log_group.app_log_group",
    property: "kms_key_id",
    change: Change::Remove,
};

pub const LOG_GROUPS_RETAINED_30_DAYS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: every CloudwatchLogGroup (app_log_group, failover_log_group) retentionInDays: 30.",
        ..live::LOG_GROUPS_RETAINED_30_DAYS.info
    },
    claims: &[Claim {
        property: "retention_in_days",
        about: "Every aws_cloudwatch_log_group of the layout keeps events exactly 30 days (unset: forever)",
        mutants: &[&FAILOVER_LOG_RETENTION_7_DAYS, &APP_LOG_RETENTION_REMOVED],
        not_emulated: None,
    }],
    run: log_groups_retained_30_days,
};

fn log_groups_retained_30_days(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_cloudwatch_log_group", "retention_in_days", |g| {
        // Audit log groups (v2: flow logs, database logs) are kept longer; their own checks judge them.
        if super::is_audit_log_group(s, g) {
            return vec![];
        }
        // As the live check: exactly 30; unset means never expire.
        vec![judge(g, "retention_in_days", number(g.prop("retention_in_days")) == Some(RETENTION_DAYS), RETENTION_DAYS)]
    })
}

pub const LOG_GROUPS_ENCRYPTED_WITH_PRIMARY_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: every CloudwatchLogGroup (app_log_group, failover_log_group) kmsKeyId: primary_key.arn.",
        ..live::LOG_GROUPS_ENCRYPTED_WITH_PRIMARY_KEY.info
    },
    claims: &[Claim {
        property: "kms_key_id",
        about: "Every aws_cloudwatch_log_group of the layout is encrypted with a key of the layout in the primary region: not unencrypted, not the DR key",
        mutants: &[&APP_LOG_GROUP_UNENCRYPTED, &FAILOVER_LOG_GROUP_UNDER_DR_KEY],
        not_emulated: None,
    }],
    run: log_groups_encrypted_with_primary_key,
};

fn log_groups_encrypted_with_primary_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_cloudwatch_log_group", "kms_key_id", |g| {
        // Audit log groups (v2) live in both regions, each under its region's key: judged by their own checks.
        if super::is_audit_log_group(s, g) {
            return vec![];
        }
        vec![judge_key_in(s, g, "kms_key_id", PRIMARY_REGION)]
    })
}
