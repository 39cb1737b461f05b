//! AWS Backup: both vaults encrypted with their region's key, and the plan backing up the primary
//! Aurora cluster every hour (continuous), keeping recovery points 7 days and copying each to the
//! DR vault.
//!
//! Emulator gaps (moto 5.2.5): CreateBackupSelection and ListBackupSelections are not implemented,
//! so the selection of the primary cluster (inside `backup_plan_hourly`) is skipped on the
//! emulator when no selection can be seen, and judged on AWS.

use serde_json::{Value, json};
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::backup::{Plan, Rule, Selection, Vault, VaultArn};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::facts::{FactError, Named};
use stackproof_harness::kit::fact::{judge_both, judge_fact, judge_named};

use super::DrFacts;
use super::mutants;

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[
    BACKUP_VAULTS_ENCRYPTED_WITH_REGION_KEY,
    BACKUP_PLAN_HOURLY,
    BACKUP_PLAN_CONTINUOUS,
    BACKUP_PLAN_DELETES_AFTER_7_DAYS,
    BACKUP_PLAN_COPIES_TO_DR_VAULT,
];

/// What the layout's plan says.
const HOURLY: &str = "cron(0 */1 * * ? *)";
const RETENTION_DAYS: i64 = 7;

/// Runs `judge` on each rule of the plan that backs up into the primary vault, or reports why
/// there is none to judge.
fn on_plan_rules(f: &DrFacts, property: &str, judge: impl Fn(&str, &Plan, &Rule) -> Vec<Finding>) -> Vec<Finding> {
    let p = &f.storage.backup_plan;
    judge_named(p, property, |plan| {
        judge_fact(&p.resource, &f.storage.vault_names.primary.fact, property, |vault| {
            let rules: Vec<&Rule> =
                plan.backup_plan.rules.iter().filter(|r| r.target_backup_vault_name == *vault).collect();
            if rules.is_empty() {
                let targets: Vec<&str> =
                    plan.backup_plan.rules.iter().map(|r| r.target_backup_vault_name.as_str()).collect();
                return vec![Finding::judge(
                    &p.resource,
                    property,
                    false,
                    format!("a rule backing up into {vault}"),
                    format!("rules target [{}]", targets.join(", ")),
                    plan,
                )];
            }
            rules.into_iter().flat_map(|r| judge(&p.resource, plan, r)).collect()
        })
    })
}

/// The rule's identity and the fields judged, as evidence.
fn rule_evidence(plan: &Plan, rule: &Rule, field: &str, value: Value) -> Value {
    json!({"BackupPlanId": plan.backup_plan_id, "RuleName": rule.rule_name, field: value})
}

pub const BACKUP_VAULTS_ENCRYPTED_WITH_REGION_KEY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "backup_vaults_encrypted_with_region_key",
        service: "backup",
        title: "Both backup vaults encrypt recovery points with their own region's customer key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.308(a)(7)(ii)(A)"],
        severity: Severity::High,
        risk: "Recovery points under another region's key cannot be restored when that region is lost; under an AWS managed key they escape the stack's key policy.",
        remediation: "main.ts: primary_vault (BackupVault) needs kmsKeyArn = primaryKey.arn and dr_vault (BackupVault) kmsKeyArn = drKey.arn; a vault's key is fixed at creation: create a new vault.",
    },
    claims: &[Claim {
        property: "EncryptionKeyArn",
        about: "Both backup vaults encrypt recovery points with their own region's customer key",
        mutants: &[&mutants::DR_VAULT_PRIMARY_KEY],
        not_emulated: None,
    }],
    run: backup_vaults_encrypted_with_region_key,
};

fn backup_vaults_encrypted_with_region_key(f: &DrFacts) -> Vec<Finding> {
    let keys = &f.core.key_arns;
    let vaults: [(&Named<Vault>, &Named<String>); 2] =
        [(&f.storage.primary_vault, &keys.primary), (&f.storage.dr_vault, &keys.dr)];
    vaults
        .into_iter()
        .flat_map(|(v, key)| {
            judge_both((v, key), "EncryptionKeyArn", |vault, key| {
                let actual = vault.encryption_key_arn.as_deref();
                vec![Finding::judge(
                    &v.resource,
                    "EncryptionKeyArn",
                    actual.is_some_and(|a| same_key(a, key)),
                    key,
                    actual.unwrap_or("none"),
                    vault,
                )]
            })
        })
        .collect()
}

pub const BACKUP_PLAN_HOURLY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "backup_plan_hourly",
        service: "backup",
        title: "The backup plan backs up the primary Aurora cluster every hour",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::High,
        risk: "Backups taken daily (or of nothing) lose up to a day of patient records when the cluster must be restored.",
        remediation: "main.ts: backup_plan (BackupPlan) rule.schedule = \"cron(0 */1 * * ? *)\"; backup_selection (BackupSelection) resources = [primaryCluster.arn] with planId = backupPlan.id.",
    },
    claims: &[Claim {
        property: "ScheduleExpression",
        about: "The backup plan backs up the primary Aurora cluster every hour",
        mutants: &[&mutants::BACKUP_PLAN_DAILY],
        not_emulated: None,
    }],
    run: backup_plan_hourly,
};

fn backup_plan_hourly(f: &DrFacts) -> Vec<Finding> {
    let mut findings = on_plan_rules(f, "ScheduleExpression", |plan_id, plan, rule| {
        let schedule = rule.schedule_expression.as_deref();
        vec![Finding::judge(
            plan_id,
            "ScheduleExpression",
            schedule == Some(HOURLY),
            HOURLY,
            schedule.unwrap_or("none"),
            &rule_evidence(plan, rule, "ScheduleExpression", json!(schedule)),
        )]
    });
    findings.extend(selection_covers_primary_cluster(f));
    findings
}

/// True if `arn` names the cluster `id` in `region` (and `account`, when known).
fn is_cluster_arn(arn: &str, region: &str, account: Option<&str>, id: &str) -> bool {
    match arn.splitn(7, ':').collect::<Vec<_>>().as_slice() {
        ["arn", _, "rds", r, a, "cluster", name] => {
            *r == region && *name == id && account.is_none_or(|account| *a == account)
        }
        _ => false,
    }
}

/// The account of the plan, from its ARN (`arn:aws:backup:<region>:<account>:backup-plan:<id>`).
fn plan_account(plan: &Plan) -> Option<&str> {
    plan.backup_plan_arn.as_deref().and_then(|arn| arn.split(':').nth(4)).filter(|a| !a.is_empty())
}

/// Whether the emulator cannot show the plan's selections: moto implements neither
/// CreateBackupSelection nor ListBackupSelections (it answers the latter with a bare 500).
fn selections_not_emulated(f: &DrFacts) -> bool {
    f.emulated
        && match &f.storage.backup_selections.fact {
            Ok(selections) => selections.is_empty(),
            Err(FactError::Api { operation, .. }) => operation == "ListBackupSelections",
            Err(_) => false,
        }
}

fn selection_covers_primary_cluster(f: &DrFacts) -> Vec<Finding> {
    const PROPERTY: &str = "Resources";
    let s = &f.storage.backup_selections;
    judge_fact(&s.resource, &f.core.cluster_ids.primary.fact, PROPERTY, |cluster| {
        if selections_not_emulated(f) {
            return vec![Finding::skip(
                &s.resource,
                PROPERTY,
                "not emulated: CreateBackupSelection and ListBackupSelections are not implemented by moto",
            )];
        }
        // Every other failure is reported.
        judge_named(s, PROPERTY, |selections: &Vec<Selection>| {
            let account = f.storage.backup_plan.value().and_then(plan_account);
            let region = f.regions.primary.as_str();
            let covered =
                selections.iter().any(|sel| sel.resources.iter().any(|r| is_cluster_arn(r, region, account, cluster)));
            let resources: Vec<&str> =
                selections.iter().flat_map(|sel| sel.resources.iter().map(String::as_str)).collect();
            vec![Finding::judge(
                &s.resource,
                PROPERTY,
                covered,
                format!("arn:aws:rds:{region}:{}:cluster:{cluster}", account.unwrap_or("<account>")),
                if resources.is_empty() { "no selection".to_owned() } else { resources.join(", ") },
                &json!({"BackupSelections": selections}),
            )]
        })
    })
}

pub const BACKUP_PLAN_CONTINUOUS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "backup_plan_continuous",
        service: "backup",
        title: "The backup plan keeps continuous backups (point-in-time restore)",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::High,
        risk: "Without continuous backup the cluster can only be restored to the last snapshot, not to the moment before a corruption.",
        remediation: "main.ts: backup_plan (BackupPlan) rule.enableContinuousBackup = true.",
    },
    claims: &[Claim {
        property: "EnableContinuousBackup",
        about: "The backup plan keeps continuous backups (point-in-time restore)",
        mutants: &[&mutants::BACKUP_PLAN_NOT_CONTINUOUS],
        not_emulated: None,
    }],
    run: backup_plan_continuous,
};

fn backup_plan_continuous(f: &DrFacts) -> Vec<Finding> {
    on_plan_rules(f, "EnableContinuousBackup", |plan_id, plan, rule| {
        let continuous = rule.enable_continuous_backup;
        vec![Finding::judge(
            plan_id,
            "EnableContinuousBackup",
            continuous == Some(true),
            true,
            continuous.map_or_else(|| "absent (false)".to_owned(), |c| c.to_string()),
            &rule_evidence(plan, rule, "EnableContinuousBackup", json!(continuous)),
        )]
    })
}

pub const BACKUP_PLAN_DELETES_AFTER_7_DAYS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "backup_plan_deletes_after_7_days",
        service: "backup",
        title: "The backup plan deletes recovery points and their DR copies after 7 days",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.310(d)(2)(i)"],
        severity: Severity::Medium,
        risk: "Copies of patient records kept beyond the designed retention are PHI nobody planned to dispose of; recovery points kept forever never expire at all.",
        remediation: "main.ts: backup_plan (BackupPlan) rule.lifecycle.deleteAfter = 7 and rule.copyAction[].lifecycle.deleteAfter = 7.",
    },
    claims: &[Claim {
        property: "Lifecycle.DeleteAfterDays",
        about: "The backup plan deletes recovery points and their DR copies after 7 days",
        mutants: &[&mutants::BACKUP_PLAN_KEEPS_35_DAYS],
        not_emulated: None,
    }],
    run: backup_plan_deletes_after_7_days,
};

fn backup_plan_deletes_after_7_days(f: &DrFacts) -> Vec<Finding> {
    let retention = |days: Option<i64>| days.map_or_else(|| "never (no DeleteAfterDays)".to_owned(), |d| d.to_string());
    on_plan_rules(f, "Lifecycle.DeleteAfterDays", |plan_id, plan, rule| {
        let days = rule.lifecycle.and_then(|l| l.delete_after_days);
        let mut findings = vec![Finding::judge(
            plan_id,
            "Lifecycle.DeleteAfterDays",
            days == Some(RETENTION_DAYS),
            RETENTION_DAYS,
            retention(days),
            &rule_evidence(plan, rule, "Lifecycle", json!(rule.lifecycle)),
        )];
        // Copies live in the DR vault under their own lifecycle; no copy action is the next check's.
        for copy in &rule.copy_actions {
            let days = copy.lifecycle.and_then(|l| l.delete_after_days);
            findings.push(Finding::judge(
                plan_id,
                "CopyActions.Lifecycle.DeleteAfterDays",
                days == Some(RETENTION_DAYS),
                RETENTION_DAYS,
                retention(days),
                &rule_evidence(plan, rule, "CopyAction", json!(copy)),
            ));
        }
        findings
    })
}

pub const BACKUP_PLAN_COPIES_TO_DR_VAULT: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "backup_plan_copies_to_dr_vault",
        service: "backup",
        title: "The backup plan copies every recovery point to the DR region's vault",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(A)"],
        severity: Severity::Critical,
        risk: "Recovery points stay in the primary region only: a regional outage takes the backups with the database.",
        remediation: "main.ts: backup_plan (BackupPlan) rule.copyAction = [{destinationVaultArn: drVault.arn, lifecycle: {deleteAfter: 7}}].",
    },
    claims: &[Claim {
        property: "CopyActions",
        about: "The backup plan copies every recovery point to the DR region's vault",
        mutants: &[&mutants::BACKUP_PLAN_NO_COPY],
        not_emulated: None,
    }],
    run: backup_plan_copies_to_dr_vault,
};

fn backup_plan_copies_to_dr_vault(f: &DrFacts) -> Vec<Finding> {
    let region = f.regions.dr.as_str();
    let plan = &f.storage.backup_plan;
    judge_fact(&plan.resource, &f.storage.vault_names.dr.fact, "CopyActions", |dr_vault| {
        on_plan_rules(f, "CopyActions", |plan_id, plan, rule| {
            let destinations: Vec<&str> =
                rule.copy_actions.iter().map(|c| c.destination_backup_vault_arn.as_str()).collect();
            let ok = destinations
                .iter()
                .filter_map(|arn| VaultArn::parse(arn))
                .any(|arn| arn.region == region && arn.name == *dr_vault);
            vec![Finding::judge(
                plan_id,
                "CopyActions",
                ok,
                format!("a copy to vault {dr_vault} in {region}"),
                if destinations.is_empty() { "no copy actions".to_owned() } else { destinations.join(", ") },
                &rule_evidence(plan, rule, "CopyActions", json!(rule.copy_actions)),
            )]
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_arns_match_by_region_account_and_identifier() {
        let arn = "arn:aws:rds:eu-west-2:123456789012:cluster:healthcare-db-x";
        assert!(is_cluster_arn(arn, "eu-west-2", Some("123456789012"), "healthcare-db-x"));
        assert!(is_cluster_arn(arn, "eu-west-2", None, "healthcare-db-x"));
        assert!(!is_cluster_arn(arn, "eu-west-1", None, "healthcare-db-x"));
        assert!(!is_cluster_arn(arn, "eu-west-2", Some("210987654321"), "healthcare-db-x"));
        // Another cluster, or an instance of the same name, is not the cluster.
        assert!(!is_cluster_arn(
            "arn:aws:rds:eu-west-2:123456789012:cluster:healthcare-db-dr-x",
            "eu-west-2",
            None,
            "healthcare-db-x"
        ));
        assert!(!is_cluster_arn(
            "arn:aws:rds:eu-west-2:123456789012:db:healthcare-db-x",
            "eu-west-2",
            None,
            "healthcare-db-x"
        ));
    }
}
