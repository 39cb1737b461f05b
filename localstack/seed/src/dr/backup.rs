//! AWS Backup (main.ts "AWS Backup"): a vault per region under its key, and an hourly
//! continuous plan in the primary region that copies every recovery point to the DR vault.
//!
//! main.ts also selects the primary cluster for the plan (BackupSelection); moto 5.2.5 answers
//! CreateBackupSelection (and ListBackupSelections) with HTTP 500, so it is not seeded and the
//! check skips it.

use std::collections::HashMap;

use aws_sdk_backup::types::{BackupPlanInput, BackupRuleInput, CopyAction, Lifecycle};

use super::core::Core;
use super::{Layout, Side};
use crate::{SeedError, step};
use stackproof::dr::mutants as m;

/// How long recovery points and their copies are kept, in days.
const KEEP_DAYS: i64 = 7;

/// A vault as main.ts declares it.
pub(crate) struct VaultSpec {
    pub side: Side,
    pub name: String,
    pub key: String,
}

pub(crate) fn vaults(l: &Layout, core: &Core) -> [VaultSpec; 2] {
    let dr_key = if l.has(&m::DR_VAULT_PRIMARY_KEY) { &core.primary_key } else { &core.dr_key };
    [
        VaultSpec { side: Side::Primary, name: l.names.backup_vault(Side::Primary), key: core.primary_key.clone() },
        VaultSpec { side: Side::Dr, name: l.names.backup_vault(Side::Dr), key: dr_key.clone() },
    ]
}

/// The plan's one rule as main.ts declares it.
pub(crate) struct PlanSpec {
    pub name: String,
    pub rule: String,
    pub vault: String,
    pub schedule: &'static str,
    pub continuous: bool,
    pub keep_days: i64,
    /// The vault (ARN) each recovery point is copied to.
    pub copy_to: Option<String>,
}

pub(crate) fn plan(l: &Layout, vault: &str, dr_vault_arn: &str) -> PlanSpec {
    PlanSpec {
        name: l.names.backup_plan(),
        rule: l.names.backup_rule(),
        vault: vault.to_owned(),
        schedule: if l.has(&m::BACKUP_PLAN_DAILY) { "cron(0 5 ? * * *)" } else { "cron(0 */1 * * ? *)" },
        continuous: !l.has(&m::BACKUP_PLAN_NOT_CONTINUOUS),
        keep_days: if l.has(&m::BACKUP_PLAN_KEEPS_35_DAYS) { 35 } else { KEEP_DAYS },
        copy_to: (!l.has(&m::BACKUP_PLAN_NO_COPY)).then(|| dr_vault_arn.to_owned()),
    }
}

fn tags(l: &Layout) -> Option<HashMap<String, String>> {
    Some(l.tags(&[]).into_iter().collect())
}

/// Creates the vault; returns its ARN.
pub(crate) async fn create_vault(l: &Layout, spec: &VaultSpec) -> Result<String, SeedError> {
    let created = l
        .at(spec.side)
        .backup
        .create_backup_vault()
        .backup_vault_name(&spec.name)
        .encryption_key_arn(&spec.key)
        .set_backup_vault_tags(tags(l))
        .send()
        .await
        .map_err(step("CreateBackupVault"))?;
    Ok(created.backup_vault_arn.unwrap_or_default())
}

/// Creates the plan in the primary region; returns its id.
pub(crate) async fn create_plan(l: &Layout, spec: &PlanSpec) -> Result<String, SeedError> {
    let keep = |days: i64| Lifecycle::builder().delete_after_days(days).build();
    let mut rule = BackupRuleInput::builder()
        .rule_name(&spec.rule)
        .target_backup_vault_name(&spec.vault)
        .schedule_expression(spec.schedule)
        .enable_continuous_backup(spec.continuous)
        .start_window_minutes(60)
        .completion_window_minutes(180)
        .lifecycle(keep(spec.keep_days));
    if let Some(vault) = &spec.copy_to {
        let copy = CopyAction::builder().destination_backup_vault_arn(vault).lifecycle(keep(KEEP_DAYS));
        rule = rule.copy_actions(copy.build().map_err(step("CopyAction"))?);
    }
    let plan = BackupPlanInput::builder()
        .backup_plan_name(&spec.name)
        .rules(rule.build().map_err(step("BackupRuleInput"))?)
        .build()
        .map_err(step("BackupPlanInput"))?;
    let created = l
        .primary
        .backup
        .create_backup_plan()
        .backup_plan(plan)
        .set_backup_plan_tags(tags(l))
        .send()
        .await
        .map_err(step("CreateBackupPlan"))?;
    Ok(created.backup_plan_id.unwrap_or_default())
}
