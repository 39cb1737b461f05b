//! The existing secrets the stack consumes: present and KMS-encrypted, read with DescribeSecret only.

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::{judge_both, judge_named};

use super::HipaaFacts;
use super::mutants;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[SECRETS_EXIST, SECRETS_ENCRYPTED_WITH_STACK_KEY];

pub const SECRETS_EXIST: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "secrets_exist",
        service: "secrets",
        title: "The secrets the stack consumes exist and are not scheduled for deletion",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.312(d)"],
        severity: Severity::High,
        risk: "A missing or deleted secret leaves the tasks without database and cache credentials: an outage, and a push to hard-code credentials.",
        remediation: "template.yml: the DatabaseSecretArn and ApiKeysSecretArn parameters must name existing secrets; restore a secret pending deletion with secretsmanager:RestoreSecret.",
    },
    claims: &[Claim {
        property: "DeletedDate",
        about: "Each secret the outputs name (database credentials, API keys) is described by DescribeSecret, and not scheduled for deletion",
        mutants: &[&mutants::SECRET_SCHEDULED_FOR_DELETION, &mutants::API_KEYS_SECRET_SCHEDULED_FOR_DELETION],
        not_emulated: None,
    }],
    run: secrets_exist,
};

fn secrets_exist(f: &HipaaFacts) -> Vec<Finding> {
    f.app
        .secrets
        .iter()
        .flat_map(|n| {
            judge_named(n, "DeletedDate", |s| {
                vec![Finding::judge(
                    &n.resource,
                    "DeletedDate",
                    s.deleted_date.is_none(),
                    "not scheduled for deletion",
                    s.deleted_date.as_deref().map_or("none".to_owned(), |d| format!("deletion scheduled for {d}")),
                    &json!({ "ARN": s.arn, "Name": s.name, "DeletedDate": s.deleted_date }),
                )]
            })
        })
        .collect()
}

pub const SECRETS_ENCRYPTED_WITH_STACK_KEY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "secrets_encrypted_with_stack_key",
        service: "secrets",
        title: "The secrets the stack consumes are encrypted with the stack's data key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(d)"],
        severity: Severity::High,
        risk: "Under another key (or the AWS managed key) access to the credentials is not governed by the stack's key policy and rotation.",
        remediation: "Encrypt the secrets named by DatabaseSecretArn and ApiKeysSecretArn with the stack's DataKey (secretsmanager:UpdateSecret --kms-key-id); TaskExecutionRole already decrypts through that key only.",
    },
    claims: &[Claim {
        property: "KmsKeyId",
        about: "Each secret the outputs name is encrypted with the stack's data key: not another customer key, not the AWS managed aws/secretsmanager",
        mutants: &[&mutants::SECRET_FOREIGN_KEY, &mutants::DB_SECRET_DEFAULT_KEY],
        not_emulated: None,
    }],
    run: secrets_encrypted_with_stack_key,
};

fn secrets_encrypted_with_stack_key(f: &HipaaFacts) -> Vec<Finding> {
    f.app
        .secrets
        .iter()
        .flat_map(|n| {
            judge_both((n, &f.keys.data_key), "KmsKeyId", |s, key| {
                let actual = s.kms_key_id.as_deref().unwrap_or("none (aws/secretsmanager)");
                let ok = s.kms_key_id.as_deref().is_some_and(|k| same_key(k, key));
                vec![Finding::judge(
                    &n.resource,
                    "KmsKeyId",
                    ok,
                    key,
                    actual,
                    &json!({ "ARN": s.arn, "KmsKeyId": s.kms_key_id }),
                )]
            })
        })
        .collect()
}
