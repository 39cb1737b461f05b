//! Audit logs: every log group encrypted with a stack key and kept long enough; Aurora exports
//! its audit log.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};

use stackproof_harness::source::template::Resource;

use super::{Change, Mutation, TemplateFacts, is_stack_key, judge, per_resource};

/// Fewest days a log group may keep its events.
pub const MIN_RETENTION_DAYS: i64 = 90;

pub const LOG_GROUP_UNENCRYPTED: Mutation =
    Mutation { name: "log-group-unencrypted", resource: "AuditLogGroup", property: "KmsKeyId", change: Change::Remove };

pub const LOG_RETENTION_REMOVED: Mutation = Mutation {
    name: "log-retention-removed",
    resource: "AuditLogGroup",
    property: "RetentionInDays",
    change: Change::Remove,
};

pub const AURORA_AUDIT_EXPORT_OFF: Mutation = Mutation {
    name: "aurora-audit-export-off",
    resource: "AuroraCluster",
    property: "EnableCloudwatchLogsExports",
    change: Change::Set(r#"["error", "slowquery"]"#),
};

fn each_log_group(f: &TemplateFacts, property: &str, judge_one: impl Fn(&Resource) -> Finding) -> Vec<Finding> {
    per_resource(&f.template, "AWS::Logs::LogGroup", property, |r| vec![judge_one(r)])
}

pub const LOG_GROUPS_ENCRYPTED_WITH_STACK_KEY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "log_groups_encrypted_with_stack_key",
        service: "logs",
        title: "Every log group is encrypted with a KMS key the stack creates",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.312(a)(2)(iv)"],
        severity: Severity::High,
        risk: "Audit trails can hold PHI; without the stack's key their access is not governed by its key policy.",
        remediation: "template.yml: set KmsKeyId: !GetAtt LogsKey.Arn on every AWS::Logs::LogGroup.",
    },
    mutant: &LOG_GROUP_UNENCRYPTED,
    run: log_groups_encrypted_with_stack_key,
};

fn log_groups_encrypted_with_stack_key(f: &TemplateFacts) -> Vec<Finding> {
    each_log_group(f, "KmsKeyId", |r| {
        judge(r, "KmsKeyId", is_stack_key(&f.template, r.prop("KmsKeyId")), "a KMS key of this stack")
    })
}

pub const LOG_GROUPS_RETAINED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "log_groups_retained",
        service: "logs",
        title: "Every log group sets a retention of at least 90 days",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.316(b)(2)(i)"],
        severity: Severity::Medium,
        risk: "Without a retention policy the audit trail's lifetime is undefined; too short a one loses the evidence.",
        remediation: "template.yml: set RetentionInDays (>= 90) on every AWS::Logs::LogGroup.",
    },
    mutant: &LOG_RETENTION_REMOVED,
    run: log_groups_retained,
};

fn log_groups_retained(f: &TemplateFacts) -> Vec<Finding> {
    each_log_group(f, "RetentionInDays", |r| {
        let days = r.prop("RetentionInDays").and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()));
        judge(
            r,
            "RetentionInDays",
            days.is_some_and(|d| d >= MIN_RETENTION_DAYS),
            format!("at least {MIN_RETENTION_DAYS}"),
        )
    })
}

pub const AURORA_AUDIT_LOGS_EXPORTED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "aurora_audit_logs_exported",
        service: "rds",
        title: "Aurora exports its audit log to CloudWatch Logs",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "Who read or changed patient records in the database leaves no reviewable trail.",
        remediation: "template.yml: AuroraCluster (AWS::RDS::DBCluster) EnableCloudwatchLogsExports must include audit.",
    },
    mutant: &AURORA_AUDIT_EXPORT_OFF,
    run: aurora_audit_logs_exported,
};

fn aurora_audit_logs_exported(f: &TemplateFacts) -> Vec<Finding> {
    per_resource(&f.template, "AWS::RDS::DBCluster", "EnableCloudwatchLogsExports", |r| {
        let exports = r.prop("EnableCloudwatchLogsExports").and_then(Value::as_array);
        let audit = exports.is_some_and(|e| e.iter().any(|x| x.as_str() == Some("audit")));
        vec![judge(r, "EnableCloudwatchLogsExports", audit, "a list including audit")]
    })
}
