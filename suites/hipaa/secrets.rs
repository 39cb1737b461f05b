//! The existing secrets the stack consumes: present, read with DescribeSecret only, and encrypted
//! with the existing customer key the stack is given (SecretsKeyArn), which is enabled and
//! rotates. Secrets and key exist before the stack and outlive it (stacks/hipaa/v1/README.md,
//! "Before the first deploy"), so neither is the stack's own.

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::{Key, same_key};
use stackproof_harness::facts::secrets::Secret;
use stackproof_harness::facts::{Fact, FactError};
use stackproof_harness::kit::fact::{judge_both, judge_named};

use super::HipaaFacts;
use super::facts::app::is_alias;
use super::mutants;
use crate::shared::kms::{key_enabled, key_rotates};

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[SECRETS_EXIST, SECRETS_ENCRYPTED_WITH_ROTATING_CUSTOMER_KEY];

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

pub const SECRETS_ENCRYPTED_WITH_ROTATING_CUSTOMER_KEY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "secrets_encrypted_with_rotating_customer_key",
        service: "secrets",
        title: "The secrets the stack consumes are encrypted with the existing customer key SecretsKeyArn names, which is enabled and rotates",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(d)", "45 CFR 164.308(a)(7)(i)"],
        severity: Severity::High,
        risk: "Under another key, or the AWS managed aws/secretsmanager, no key policy of the organisation governs who reads the credentials (and the task roles, which decrypt through SecretsKeyArn only, cannot inject them); a disabled key makes them unreadable; key material that never rotates widens what one compromised key exposes.",
        remediation: "Create the key and both secrets once, before the first deploy, as stacks/hipaa/v1/README.md (\"Before the first deploy: the secrets and their key\") does, and pass the key's ARN as the template parameter SecretsKeyArn: a customer managed key (aws kms create-key) with rotation on (aws kms enable-key-rotation), enabled (aws kms enable-key; aws kms cancel-key-deletion if deletion is pending); move a secret under it with aws secretsmanager update-secret --secret-id <arn> --kms-key-id <SecretsKeyArn>.",
    },
    claims: &[
        Claim {
            property: "KmsKeyId",
            about: "Each secret the outputs name (DatabaseSecretArn, ApiKeysSecretArn) is encrypted with the key SecretsKeyArn names (by key ARN, key id, or an alias of it): not another customer key, not the AWS managed aws/secretsmanager",
            mutants: &[&mutants::SECRET_FOREIGN_KEY, &mutants::DB_SECRET_DEFAULT_KEY],
            not_emulated: None,
        },
        Claim {
            property: "KeyState",
            about: "The key SecretsKeyArn names is in state Enabled: not disabled, not pending deletion",
            mutants: &[&mutants::SECRETS_KEY_DISABLED],
            not_emulated: None,
        },
        Claim {
            property: "KeyManager",
            about: "The key SecretsKeyArn names is customer managed (KeyManager CUSTOMER), governed by the organisation's key policy",
            mutants: &[],
            not_emulated: Some(
                "moto 5.2.5 reports every key as KeyManager CUSTOMER, even alias/aws/* ones: no AWS managed key can stand in for SecretsKeyArn",
            ),
        },
        Claim {
            property: "KeyRotationEnabled",
            about: "The key SecretsKeyArn names rotates automatically",
            mutants: &[&mutants::SECRETS_KEY_ROTATION_OFF],
            not_emulated: None,
        },
        Claim {
            property: "RotationPeriodInDays",
            about: "It rotates at least once a year (RotationPeriodInDays at most 365)",
            mutants: &[],
            not_emulated: Some(
                "moto 5.2.5 takes EnableKeyRotation's RotationPeriodInDays but GetKeyRotationStatus never reports it (the finding is skipped there)",
            ),
        },
    ],
    run: secrets_encrypted_with_rotating_customer_key,
};

fn secrets_encrypted_with_rotating_customer_key(f: &HipaaFacts) -> Vec<Finding> {
    let keys = &f.keys;
    let mut findings: Vec<Finding> = f
        .app
        .secrets
        .iter()
        .flat_map(|n| {
            judge_both((n, &keys.secrets_key_arn), "KmsKeyId", |s, key| {
                vec![under_key(&n.resource, s, key, &f.app.secret_key_aliases)]
            })
        })
        .collect();
    findings.extend(key_enabled(&keys.secrets_key));
    findings.extend(key_rotates(&keys.secrets_key, f.emulated));
    findings
}

/// Whether secret `s` (named `resource`) is encrypted with `key` (the SecretsKeyArn output): its
/// KmsKeyId is that key by ARN or id, or an alias KMS resolves to it. No KmsKeyId is the AWS
/// managed key, which fails.
fn under_key(resource: &str, s: &Secret, key: &str, aliases: &[(String, Fact<Key>)]) -> Finding {
    let evidence = json!({ "ARN": s.arn, "KmsKeyId": s.kms_key_id });
    let expected = format!("{key} (SecretsKeyArn)");
    let Some(kms_key_id) = s.kms_key_id.as_deref() else {
        return Finding::judge(resource, "KmsKeyId", false, expected, "none (aws/secretsmanager)", &evidence);
    };
    if !is_alias(kms_key_id) {
        return Finding::judge(resource, "KmsKeyId", same_key(kms_key_id, key), expected, kms_key_id, &evidence);
    }
    match aliases.iter().find(|(alias, _)| alias == kms_key_id).map(|(_, k)| k) {
        Some(Ok(target)) => Finding::judge(
            resource,
            "KmsKeyId",
            same_key(&target.arn, key),
            expected,
            format!("{kms_key_id} (key {})", target.arn),
            &json!({ "ARN": s.arn, "KmsKeyId": s.kms_key_id, "AliasTargetKeyArn": target.arn }),
        ),
        // An alias that does not exist names no key at all, so not this one.
        Some(Err(FactError::Absent { .. })) => {
            Finding::judge(resource, "KmsKeyId", false, expected, format!("{kms_key_id} (no such alias)"), &evidence)
        }
        Some(Err(e)) => Finding::error(resource, "KmsKeyId", format!("cannot resolve {kms_key_id}: {e}")),
        None => Finding::error(resource, "KmsKeyId", format!("{kms_key_id} was not resolved")),
    }
}

#[cfg(test)]
mod tests {
    use stackproof_harness::check::Status;
    use stackproof_harness::facts::kms::Rotation;

    use super::*;

    const KEY: &str = "arn:aws:kms:eu-central-1:123456789012:key/1111-2222";
    const OTHER: &str = "arn:aws:kms:eu-central-1:123456789012:key/3333-4444";

    fn secret(kms_key_id: Option<&str>) -> Secret {
        Secret {
            arn: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCdEf".into(),
            name: "db".into(),
            kms_key_id: kms_key_id.map(str::to_owned),
            deleted_date: None,
            rotation_enabled: None,
            replication_status: Vec::new(),
        }
    }

    fn key(arn: &str) -> Key {
        Key {
            arn: arn.into(),
            key_id: arn.rsplit_once("key/").map_or(arn, |(_, id)| id).into(),
            enabled: true,
            key_state: "Enabled".into(),
            key_manager: "CUSTOMER".into(),
            rotation: Ok(Rotation { key_rotation_enabled: true, rotation_period_in_days: Some(365) }),
        }
    }

    fn status(kms_key_id: Option<&str>, aliases: &[(String, Fact<Key>)]) -> Status {
        under_key("secret", &secret(kms_key_id), KEY, aliases).status
    }

    #[test]
    fn a_secret_is_under_the_key_by_arn_id_or_an_alias_that_resolves_to_it() {
        let aliases = [
            ("alias/patient-records-secrets".to_owned(), Ok(key(KEY))),
            ("arn:aws:kms:eu-central-1:123456789012:alias/other".to_owned(), Ok(key(OTHER))),
            ("alias/gone".to_owned(), Err(FactError::Absent { what: "alias/gone".into() })),
            (
                "alias/throttled".to_owned(),
                Err(FactError::Api { operation: "DescribeKey".into(), detail: "ThrottlingException".into() }),
            ),
        ];
        assert_eq!(status(Some(KEY), &aliases), Status::Pass);
        assert_eq!(status(Some("1111-2222"), &aliases), Status::Pass);
        assert_eq!(status(Some("alias/patient-records-secrets"), &aliases), Status::Pass);
        assert_eq!(status(Some(OTHER), &aliases), Status::Fail);
        assert_eq!(status(Some("arn:aws:kms:eu-central-1:123456789012:alias/other"), &aliases), Status::Fail);
        assert_eq!(status(None, &aliases), Status::Fail, "aws/secretsmanager");
        // An alias that does not exist is no key; one that could not be read is no evidence.
        assert_eq!(status(Some("alias/gone"), &aliases), Status::Fail);
        assert_eq!(status(Some("alias/throttled"), &aliases), Status::Error);
        assert_eq!(status(Some("alias/unseen"), &aliases), Status::Error);
    }
}
