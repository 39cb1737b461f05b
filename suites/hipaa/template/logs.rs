//! Audit logs: every log group encrypted with the stack's logs key and kept long enough.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, per_resource};
use stackproof_harness::source::template::Resource;

use super::{Change, Mutation, Own, TemplateFacts, number};
use crate::hipaa::logs::MIN_RETENTION_DAYS;
use crate::hipaa::outputs::LOGS_KEY_ARN;

pub const LOG_GROUP_UNENCRYPTED: Mutation =
    Mutation { name: "log-group-unencrypted", resource: "AuditLogGroup", property: "KmsKeyId", change: Change::Remove };

pub const FLOW_LOG_GROUP_UNDER_DATA_KEY: Mutation = Mutation {
    name: "flow-log-group-under-data-key",
    resource: "FlowLogGroup",
    property: "KmsKeyId",
    change: Change::Set(r#"{"Fn::GetAtt": ["DataKey", "Arn"]}"#),
};

pub const FLOW_LOG_RETENTION_30: Mutation = Mutation {
    name: "flow-log-retention-30",
    resource: "FlowLogGroup",
    property: "RetentionInDays",
    change: Change::Set("30"),
};

pub const LOG_RETENTION_REMOVED: Mutation = Mutation {
    name: "log-retention-removed",
    resource: "AuditLogGroup",
    property: "RetentionInDays",
    change: Change::Remove,
};

fn each_log_group(f: &TemplateFacts, property: &str, judge_one: impl Fn(&Resource) -> Finding) -> Vec<Finding> {
    per_resource(&f.template, "AWS::Logs::LogGroup", property, |r| vec![judge_one(r)])
}

pub const LOG_GROUP_ENCRYPTED_WITH_STACK_KEY: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every log group is encrypted with the stack's logs key",
        remediation: "template.yml: set KmsKeyId: !GetAtt LogsKey.Arn (the key output LogsKeyArn names) on every AWS::Logs::LogGroup.",
        ..crate::hipaa::logs::LOG_GROUP_ENCRYPTED_WITH_STACK_KEY.info
    },
    claims: &[Claim {
        property: "KmsKeyId",
        about: "Every AWS::Logs::LogGroup is encrypted with the key the output LogsKeyArn names: not unencrypted, not another of the stack's keys",
        mutants: &[&LOG_GROUP_UNENCRYPTED, &FLOW_LOG_GROUP_UNDER_DATA_KEY],
        not_emulated: None,
    }],
    run: log_group_encrypted_with_stack_key,
};

fn log_group_encrypted_with_stack_key(f: &TemplateFacts) -> Vec<Finding> {
    let logs_key = Own::of(&f.template, LOGS_KEY_ARN);
    each_log_group(f, "KmsKeyId", |r| judge(r, "KmsKeyId", logs_key.named_by(r.prop("KmsKeyId")), logs_key.expected()))
}

pub const LOG_GROUP_RETENTION_SET: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "Every log group keeps events for a set period of at least 90 days",
        remediation: "template.yml: set RetentionInDays (>= 90) on every AWS::Logs::LogGroup.",
        ..crate::hipaa::logs::LOG_GROUP_RETENTION_SET.info
    },
    claims: &[Claim {
        property: "RetentionInDays",
        about: "Every AWS::Logs::LogGroup sets RetentionInDays, to at least 90",
        mutants: &[&LOG_RETENTION_REMOVED, &FLOW_LOG_RETENTION_30],
        not_emulated: None,
    }],
    run: log_group_retention_set,
};

fn log_group_retention_set(f: &TemplateFacts) -> Vec<Finding> {
    each_log_group(f, "RetentionInDays", |r| {
        let days = number(r.prop("RetentionInDays"));
        judge(
            r,
            "RetentionInDays",
            days.is_some_and(|d| d >= f64::from(MIN_RETENTION_DAYS)),
            format!("at least {MIN_RETENTION_DAYS}"),
        )
    })
}
