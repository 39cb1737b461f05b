//! AWS Backup: vaults, one backup plan's rules, and the plan's resource selections.

use aws_sdk_backup::Client;
use aws_smithy_types::date_time::Format;
use serde::Serialize;

use super::{Fact, FactError, classify};

/// The error codes meaning "this vault, plan or selection does not exist".
const GONE: &[&str] = &["ResourceNotFoundException"];

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vault {
    pub backup_vault_name: String,
    pub backup_vault_arn: String,
    pub encryption_key_arn: Option<String>,
    pub vault_type: Option<String>,
    pub vault_state: Option<String>,
    pub locked: Option<bool>,
    pub number_of_recovery_points: i64,
}

/// GetBackupPlan: the current version of a plan.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Plan {
    pub backup_plan_id: String,
    pub backup_plan_arn: String,
    pub version_id: Option<String>,
    pub backup_plan: PlanDocument,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PlanDocument {
    pub backup_plan_name: String,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    pub rule_name: String,
    pub rule_id: Option<String>,
    pub target_backup_vault_name: String,
    pub schedule_expression: Option<String>,
    pub schedule_expression_timezone: Option<String>,
    pub start_window_minutes: Option<i64>,
    pub completion_window_minutes: Option<i64>,
    pub enable_continuous_backup: Option<bool>,
    pub lifecycle: Option<Lifecycle>,
    pub copy_actions: Vec<CopyAction>,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Lifecycle {
    pub move_to_cold_storage_after_days: Option<i64>,
    pub delete_after_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CopyAction {
    pub destination_backup_vault_arn: String,
    pub lifecycle: Option<Lifecycle>,
}

/// GetBackupSelection: which resources a plan backs up, and with which role.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Selection {
    pub selection_id: String,
    pub selection_name: String,
    pub backup_plan_id: String,
    pub iam_role_arn: String,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    pub list_of_tags: Vec<TagCondition>,
    /// Tag conditions every selected resource must also meet (`StringEquals`, `StringLike`, ...):
    /// each narrows the selection to resources tagged so.
    pub conditions: Vec<TagCondition>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagCondition {
    pub condition_type: String,
    pub condition_key: String,
    pub condition_value: String,
}

/// The parts of a backup vault ARN (`arn:<partition>:backup:<region>:<account>:backup-vault:<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VaultArn<'a> {
    pub region: &'a str,
    pub account: &'a str,
    pub name: &'a str,
}

impl<'a> VaultArn<'a> {
    pub fn parse(arn: &'a str) -> Option<Self> {
        match arn.splitn(7, ':').collect::<Vec<_>>().as_slice() {
            ["arn", _, "backup", region, account, "backup-vault", name] if !name.is_empty() => {
                Some(Self { region, account, name })
            }
            _ => None,
        }
    }
}

fn lifecycle(l: &aws_sdk_backup::types::Lifecycle) -> Lifecycle {
    Lifecycle {
        move_to_cold_storage_after_days: l.move_to_cold_storage_after_days,
        delete_after_days: l.delete_after_days,
    }
}

/// A reply's identifying field: present, not empty, and the one asked for. A reply without it is
/// no evidence of the resource (an error); one naming another resource is no answer about this one.
fn identity(operation: &str, field: &str, value: Option<String>, asked: &str) -> Fact<String> {
    let value = present(operation, field, value)?;
    if value != asked {
        return Err(FactError::Api {
            operation: operation.into(),
            detail: format!("the reply's {field} is {value}, not {asked}"),
        });
    }
    Ok(value)
}

/// A field the reply must carry, not empty.
fn present(operation: &str, field: &str, value: Option<String>) -> Fact<String> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| FactError::Api { operation: operation.into(), detail: format!("no {field} in the reply") })
}

/// A selection's `Conditions`, one per operator and key, the operator as the API names it.
fn conditions(c: &aws_sdk_backup::types::Conditions) -> Vec<TagCondition> {
    let by = [
        ("StringEquals", c.string_equals()),
        ("StringNotEquals", c.string_not_equals()),
        ("StringLike", c.string_like()),
        ("StringNotLike", c.string_not_like()),
    ];
    by.into_iter()
        .flat_map(|(operator, parameters)| {
            parameters.iter().map(move |p| TagCondition {
                condition_type: operator.to_owned(),
                condition_key: p.condition_key.clone().unwrap_or_default(),
                condition_value: p.condition_value.clone().unwrap_or_default(),
            })
        })
        .collect()
}

/// DescribeBackupVault for one vault name.
pub async fn vault(backup: &Client, name: &str) -> Fact<Vault> {
    let out = backup
        .describe_backup_vault()
        .backup_vault_name(name)
        .send()
        .await
        .map_err(|e| classify("DescribeBackupVault", &e, GONE))?;
    Ok(Vault {
        backup_vault_name: identity("DescribeBackupVault", "BackupVaultName", out.backup_vault_name, name)?,
        backup_vault_arn: present("DescribeBackupVault", "BackupVaultArn", out.backup_vault_arn)?,
        encryption_key_arn: out.encryption_key_arn,
        vault_type: out.vault_type.map(|t| t.as_str().to_owned()),
        vault_state: out.vault_state.map(|s| s.as_str().to_owned()),
        locked: out.locked,
        number_of_recovery_points: out.number_of_recovery_points,
    })
}

/// GetBackupPlan for one plan id. A deleted plan still answers, with a DeletionDate: it is absent.
pub async fn plan(backup: &Client, id: &str) -> Fact<Plan> {
    let out =
        backup.get_backup_plan().backup_plan_id(id).send().await.map_err(|e| classify("GetBackupPlan", &e, GONE))?;
    if let Some(deleted) = out.deletion_date {
        let when = deleted.fmt(Format::DateTime).unwrap_or_default();
        return Err(FactError::Absent { what: format!("backup plan {id} (deleted {when})") });
    }
    let doc = out.backup_plan.ok_or_else(|| FactError::Api {
        operation: "GetBackupPlan".into(),
        detail: "no BackupPlan in the reply".into(),
    })?;
    Ok(Plan {
        backup_plan_id: identity("GetBackupPlan", "BackupPlanId", out.backup_plan_id, id)?,
        backup_plan_arn: present("GetBackupPlan", "BackupPlanArn", out.backup_plan_arn)?,
        version_id: out.version_id,
        backup_plan: PlanDocument {
            backup_plan_name: doc.backup_plan_name.clone(),
            rules: doc
                .rules()
                .iter()
                .map(|r| Rule {
                    rule_name: r.rule_name.clone(),
                    rule_id: r.rule_id.clone(),
                    target_backup_vault_name: r.target_backup_vault_name.clone(),
                    schedule_expression: r.schedule_expression.clone(),
                    schedule_expression_timezone: r.schedule_expression_timezone.clone(),
                    start_window_minutes: r.start_window_minutes,
                    completion_window_minutes: r.completion_window_minutes,
                    enable_continuous_backup: r.enable_continuous_backup,
                    lifecycle: r.lifecycle.as_ref().map(lifecycle),
                    copy_actions: r
                        .copy_actions()
                        .iter()
                        .map(|c| CopyAction {
                            destination_backup_vault_arn: c.destination_backup_vault_arn.clone(),
                            lifecycle: c.lifecycle.as_ref().map(lifecycle),
                        })
                        .collect(),
                })
                .collect(),
        },
    })
}

/// ListBackupSelections for one plan (every page), then GetBackupSelection for each.
pub async fn selections(backup: &Client, plan_id: &str) -> Fact<Vec<Selection>> {
    let listed = backup
        .list_backup_selections()
        .backup_plan_id(plan_id)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("ListBackupSelections", &e, GONE))?;
    // A plan has a handful of selections: asked one after another.
    let mut selections = Vec::with_capacity(listed.len());
    for id in listed.into_iter().filter_map(|s| s.selection_id) {
        let out = backup
            .get_backup_selection()
            .backup_plan_id(plan_id)
            .selection_id(&id)
            .send()
            .await
            .map_err(|e| classify("GetBackupSelection", &e, GONE))?;
        let Some(s) = out.backup_selection else {
            return Err(FactError::Api {
                operation: "GetBackupSelection".into(),
                detail: format!("no BackupSelection in the reply for {id}"),
            });
        };
        selections.push(Selection {
            selection_id: id,
            selection_name: s.selection_name.clone(),
            backup_plan_id: plan_id.to_owned(),
            iam_role_arn: s.iam_role_arn.clone(),
            resources: s.resources().to_vec(),
            not_resources: s.not_resources().to_vec(),
            list_of_tags: s
                .list_of_tags()
                .iter()
                .map(|c| TagCondition {
                    condition_type: c.condition_type.as_str().to_owned(),
                    condition_key: c.condition_key.clone(),
                    condition_value: c.condition_value.clone(),
                })
                .collect(),
            conditions: s.conditions.as_ref().map(conditions).unwrap_or_default(),
        });
    }
    Ok(selections)
}

#[cfg(test)]
mod tests {
    use super::{FactError, VaultArn, identity, present};

    #[test]
    fn replies_without_their_identity_or_with_another_are_errors() {
        assert_eq!(identity("Op", "Id", Some("a".into()), "a"), Ok("a".to_owned()));
        for reply in [None, Some(String::new()), Some("b".to_owned())] {
            assert!(matches!(identity("Op", "Id", reply, "a"), Err(FactError::Api { .. })));
        }
        assert!(matches!(present("Op", "Arn", Some(String::new())), Err(FactError::Api { .. })));
    }

    #[test]
    fn vault_arns_split_into_region_account_and_name() {
        let arn = "arn:aws:backup:eu-west-1:123456789012:backup-vault:healthcare-backup-vault-dr-x";
        assert_eq!(
            VaultArn::parse(arn),
            Some(VaultArn { region: "eu-west-1", account: "123456789012", name: "healthcare-backup-vault-dr-x" })
        );
        assert_eq!(VaultArn::parse("arn:aws:backup:eu-west-1:123456789012:backup-plan:abc"), None);
        assert_eq!(VaultArn::parse("healthcare-backup-vault-dr-x"), None);
    }
}
