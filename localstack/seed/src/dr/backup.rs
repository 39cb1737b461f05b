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
    /// None leaves the vault under the AWS managed key.
    pub key: Option<String>,
}

pub(crate) fn vaults(l: &Layout, core: &Core) -> [VaultSpec; 2] {
    let primary_key = (!l.has(&m::PRIMARY_VAULT_AWS_MANAGED_KEY)).then(|| core.primary_key.clone());
    let dr_key = if l.has(&m::DR_VAULT_PRIMARY_KEY) { &core.primary_key } else { &core.dr_key };
    [
        VaultSpec { side: Side::Primary, name: l.names.backup_vault(Side::Primary), key: primary_key },
        VaultSpec { side: Side::Dr, name: l.names.backup_vault(Side::Dr), key: Some(dr_key.clone()) },
    ]
}

/// The plan's rule as main.ts declares it, and the second rule a mutant adds.
pub(crate) struct PlanSpec {
    pub name: String,
    pub rule: RuleSpec,
    pub extra_rule: Option<RuleSpec>,
}

/// One backup rule.
#[derive(Clone)]
pub(crate) struct RuleSpec {
    pub name: String,
    pub vault: String,
    pub schedule: &'static str,
    pub continuous: bool,
    /// None keeps recovery points forever.
    pub keep_days: Option<i64>,
    /// The vault (ARN) each recovery point is copied to, and for how long.
    pub copy_to: Option<String>,
    pub copy_keep_days: i64,
}

/// The plan, backing up into `vault` and copying to the DR vault (`vaults` are the ARNs of the
/// primary and DR vaults).
pub(crate) fn plan(l: &Layout, vault: &str, [primary_vault_arn, dr_vault_arn]: [&str; 2]) -> PlanSpec {
    let schedule = if l.has(&m::BACKUP_PLAN_DAILY) {
        "cron(0 5 ? * * *)"
    } else if l.has(&m::BACKUP_PLAN_EVERY_12_HOURS) {
        "cron(0 */12 * * ? *)"
    } else {
        "cron(0 */1 * * ? *)"
    };
    let copy_to = if l.has(&m::BACKUP_PLAN_NO_COPY) {
        None
    } else if l.has(&m::BACKUP_COPY_TO_PRIMARY_VAULT) {
        Some(primary_vault_arn.to_owned())
    } else {
        Some(dr_vault_arn.to_owned())
    };
    let rule = RuleSpec {
        name: l.names.backup_rule(),
        vault: vault.to_owned(),
        schedule,
        continuous: !l.has(&m::BACKUP_PLAN_NOT_CONTINUOUS),
        keep_days: Some(if l.has(&m::BACKUP_PLAN_KEEPS_35_DAYS) { 35 } else { KEEP_DAYS }),
        copy_to,
        copy_keep_days: if l.has(&m::BACKUP_COPY_KEEPS_35_DAYS) { 35 } else { KEEP_DAYS },
    };
    // A daily rule beside the hourly one, copied to the DR vault, whose points never expire.
    let extra_rule = l.has(&m::BACKUP_PLAN_EXTRA_RULE_KEPT_FOREVER).then(|| RuleSpec {
        name: format!("daily-{}", l.suffix.as_str()),
        schedule: "cron(0 5 ? * * *)",
        continuous: false,
        keep_days: None,
        copy_to: Some(dr_vault_arn.to_owned()),
        ..rule.clone()
    });
    PlanSpec { name: l.names.backup_plan(), rule, extra_rule }
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
        .set_encryption_key_arn(spec.key.clone())
        .set_backup_vault_tags(tags(l))
        .send()
        .await
        .map_err(step("CreateBackupVault"))?;
    Ok(created.backup_vault_arn.unwrap_or_default())
}

/// Creates the plan in the primary region; returns its id.
pub(crate) async fn create_plan(l: &Layout, spec: &PlanSpec) -> Result<String, SeedError> {
    let mut plan = BackupPlanInput::builder().backup_plan_name(&spec.name).rules(rule(&spec.rule)?);
    if let Some(extra) = &spec.extra_rule {
        plan = plan.rules(rule(extra)?);
    }
    let created = l
        .primary
        .backup
        .create_backup_plan()
        .backup_plan(plan.build().map_err(step("BackupPlanInput"))?)
        .set_backup_plan_tags(tags(l))
        .send()
        .await
        .map_err(step("CreateBackupPlan"))?;
    Ok(created.backup_plan_id.unwrap_or_default())
}

fn rule(spec: &RuleSpec) -> Result<BackupRuleInput, SeedError> {
    let keep = |days: i64| Lifecycle::builder().delete_after_days(days).build();
    let mut rule = BackupRuleInput::builder()
        .rule_name(&spec.name)
        .target_backup_vault_name(&spec.vault)
        .schedule_expression(spec.schedule)
        .enable_continuous_backup(spec.continuous)
        .start_window_minutes(60)
        .completion_window_minutes(180)
        .set_lifecycle(spec.keep_days.map(keep));
    if let Some(vault) = &spec.copy_to {
        let copy = CopyAction::builder().destination_backup_vault_arn(vault).lifecycle(keep(spec.copy_keep_days));
        rule = rule.copy_actions(copy.build().map_err(step("CopyAction"))?);
    }
    rule.build().map_err(step("BackupRuleInput"))
}
