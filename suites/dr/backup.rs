//! AWS Backup: both vaults under their region's key, and the plan that backs up the primary
//! Aurora cluster every hour (continuous), keeping recovery points 7 days and copying each to the
//! DR vault. Every rule of the plan is judged: a property that must hold for every recovery point
//! (retention, the copy to the DR region) on each rule, one the plan as a whole provides (an hourly
//! schedule, continuous backup) on the rules backing up into the primary vault together.
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
use stackproof_harness::kit::policy::wildcard;

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

/// Runs `judge` on every rule of the plan, or fails `property` when the plan has none.
fn on_every_rule(f: &DrFacts, property: &str, judge: impl Fn(&str, &Plan, &Rule) -> Vec<Finding>) -> Vec<Finding> {
    let p = &f.storage.backup_plan;
    judge_named(p, property, |plan| {
        if plan.backup_plan.rules.is_empty() {
            return vec![Finding::judge(&p.resource, property, false, "backup rules", "no rules", plan)];
        }
        plan.backup_plan.rules.iter().flat_map(|r| judge(&p.resource, plan, r)).collect()
    })
}

/// Runs `judge` once on the rules of the plan that back up into the primary vault (what the plan
/// as a whole does to the cluster), or fails `property` when no rule does.
fn on_primary_vault_rules(
    f: &DrFacts,
    property: &str,
    judge: impl FnOnce(&str, &Plan, &[&Rule]) -> Vec<Finding>,
) -> Vec<Finding> {
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
            judge(&p.resource, plan, &rules)
        })
    })
}

/// The rule's identity and the fields judged, as evidence.
fn rule_evidence(plan: &Plan, rule: &Rule, field: &str, value: Value) -> Value {
    json!({"BackupPlanId": plan.backup_plan_id, "RuleName": rule.rule_name, field: value})
}

/// The rules' names and one field each, as evidence.
fn rules_evidence(plan: &Plan, rules: &[&Rule], field: &str, value: impl Fn(&Rule) -> Value) -> Value {
    let rules: Vec<Value> = rules.iter().map(|r| json!({"RuleName": r.rule_name, field: value(r)})).collect();
    json!({"BackupPlanId": plan.backup_plan_id, "Rules": rules})
}

/// `value (rule name)`: which rule a finding is about.
fn in_rule(rule: &Rule, value: impl std::fmt::Display) -> String {
    format!("{value} (rule {})", rule.rule_name)
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
        about: "The primary vault encrypts with the primary customer key and the DR vault with the DR customer key (not the other region's key, not the AWS managed key)",
        mutants: &[&mutants::DR_VAULT_PRIMARY_KEY, &mutants::PRIMARY_VAULT_AWS_MANAGED_KEY],
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
                    actual.unwrap_or("none (the AWS managed key)"),
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
    claims: &[
        Claim {
            property: "ScheduleExpression",
            about: "A rule of the plan backing up into the primary vault runs once every hour (a cron with one fixed minute and every hour of every day), read by value, not by spelling",
            mutants: &[&mutants::BACKUP_PLAN_DAILY, &mutants::BACKUP_PLAN_EVERY_12_HOURS],
            not_emulated: None,
        },
        Claim {
            property: "Resources",
            about: "A selection of the plan includes the primary Aurora cluster (a Resources pattern matching its ARN, no NotResources excluding it, no tag Conditions narrowing it)",
            mutants: &[],
            not_emulated: Some(
                "moto 5.2.5 implements neither CreateBackupSelection nor ListBackupSelections (HTTP 500): no selection can be seeded or read",
            ),
        },
    ],
    run: backup_plan_hourly,
};

fn backup_plan_hourly(f: &DrFacts) -> Vec<Finding> {
    let mut findings = on_primary_vault_rules(f, "ScheduleExpression", |plan_id, plan, rules| {
        let schedules: Vec<String> =
            rules.iter().map(|r| in_rule(r, r.schedule_expression.as_deref().unwrap_or("no schedule"))).collect();
        vec![Finding::judge(
            plan_id,
            "ScheduleExpression",
            rules.iter().any(|r| r.schedule_expression.as_deref().is_some_and(is_hourly)),
            format!("once every hour ({HOURLY})"),
            schedules.join(", "),
            &rules_evidence(plan, rules, "ScheduleExpression", |r| json!(r.schedule_expression)),
        )]
    });
    findings.extend(selection_covers_primary_cluster(f));
    findings
}

/// True if a backup schedule runs once every hour: `cron(M H DoM Mon DoW Y)` with one fixed
/// minute, every hour (`*`, `*/1`, `0/1`, `0-23`), every day of every month, every year. Read
/// by value: `cron(0 * * * ? *)` is as hourly as the layout's `cron(0 */1 * * ? *)`.
pub(crate) fn is_hourly(expression: &str) -> bool {
    let Some(fields) = expression.trim().strip_prefix("cron(").and_then(|e| e.strip_suffix(')')) else {
        return false;
    };
    let fields: Vec<&str> = fields.split_whitespace().collect();
    let [minute, hour, day_of_month, month, day_of_week, year] = fields.as_slice() else {
        return false;
    };
    let every = |f: &str| f == "*" || f == "?";
    minute.parse::<u8>().is_ok_and(|m| m < 60)
        && ["*", "*/1", "0/1", "0-23", "0-23/1"].contains(hour)
        && every(day_of_month)
        && every(day_of_week)
        && *month == "*"
        && *year == "*"
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

/// The ARN of cluster `id` in `region`, in the plan's partition and account (from its ARN,
/// `arn:<partition>:backup:<region>:<account>:backup-plan:<id>`); None if the plan ARN says neither.
fn cluster_arn(plan: &Plan, region: &str, id: &str) -> Option<String> {
    let parts: Vec<&str> = plan.backup_plan_arn.split(':').collect();
    match parts.as_slice() {
        ["arn", partition, "backup", _, account, ..] if !partition.is_empty() && !account.is_empty() => {
            Some(format!("arn:{partition}:rds:{region}:{account}:cluster:{id}"))
        }
        _ => None,
    }
}

/// Why a selection does not back up the cluster `arn`, or None when it does: a Resources pattern
/// matches it, no NotResources pattern does, and no tag condition narrows it (the cluster's tags
/// are not read, so a condition is never taken as met).
pub(crate) fn selection_gap(selection: &Selection, arn: &str) -> Option<String> {
    let name = &selection.selection_name;
    if !selection.resources.iter().any(|p| wildcard(p, arn)) {
        return Some(format!("{name}: Resources [{}] do not include it", selection.resources.join(", ")));
    }
    if let Some(p) = selection.not_resources.iter().find(|p| wildcard(p, arn)) {
        return Some(format!("{name}: NotResources {p} excludes it"));
    }
    if let Some(c) = selection.conditions.first() {
        return Some(format!(
            "{name}: Conditions {} {}={} narrow it to tagged resources",
            c.condition_type, c.condition_key, c.condition_value
        ));
    }
    None
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
        judge_named(&f.storage.backup_plan, PROPERTY, |plan| {
            let region = f.regions.primary.as_str();
            let Some(arn) = cluster_arn(plan, region, cluster) else {
                let why = format!("the plan ARN {} names no partition and account", plan.backup_plan_arn);
                return vec![Finding::error(&s.resource, PROPERTY, why)];
            };
            judge_named(s, PROPERTY, |selections: &Vec<Selection>| {
                let gaps: Vec<Option<String>> = selections.iter().map(|sel| selection_gap(sel, &arn)).collect();
                let actual = if selections.is_empty() {
                    "no selection".to_owned()
                } else if let Some(by) = selections.iter().zip(&gaps).find(|(_, g)| g.is_none()) {
                    format!("selected by {}", by.0.selection_name)
                } else {
                    gaps.iter().flatten().cloned().collect::<Vec<_>>().join("; ")
                };
                vec![Finding::judge(
                    &s.resource,
                    PROPERTY,
                    gaps.iter().any(Option::is_none),
                    format!("a selection including {arn}"),
                    actual,
                    &json!({"BackupSelections": selections}),
                )]
            })
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
        about: "A rule of the plan backing up into the primary vault has EnableContinuousBackup true",
        mutants: &[&mutants::BACKUP_PLAN_NOT_CONTINUOUS],
        not_emulated: None,
    }],
    run: backup_plan_continuous,
};

fn backup_plan_continuous(f: &DrFacts) -> Vec<Finding> {
    on_primary_vault_rules(f, "EnableContinuousBackup", |plan_id, plan, rules| {
        let seen: Vec<String> = rules
            .iter()
            .map(|r| {
                in_rule(r, r.enable_continuous_backup.map_or_else(|| "absent (false)".to_owned(), |c| c.to_string()))
            })
            .collect();
        vec![Finding::judge(
            plan_id,
            "EnableContinuousBackup",
            rules.iter().any(|r| r.enable_continuous_backup == Some(true)),
            "true on a rule into the primary vault",
            seen.join(", "),
            &rules_evidence(plan, rules, "EnableContinuousBackup", |r| json!(r.enable_continuous_backup)),
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
        remediation: "main.ts: backup_plan (BackupPlan) every rule's lifecycle.deleteAfter = 7 and every rule.copyAction[].lifecycle.deleteAfter = 7.",
    },
    claims: &[
        Claim {
            property: "Lifecycle.DeleteAfterDays",
            about: "Every rule of the plan deletes its recovery points after 7 days (not later, not never)",
            mutants: &[&mutants::BACKUP_PLAN_KEEPS_35_DAYS, &mutants::BACKUP_PLAN_EXTRA_RULE_KEPT_FOREVER],
            not_emulated: None,
        },
        Claim {
            property: "CopyActions.Lifecycle.DeleteAfterDays",
            about: "Every copy action of every rule deletes its copies after 7 days",
            mutants: &[&mutants::BACKUP_COPY_KEEPS_35_DAYS],
            not_emulated: None,
        },
    ],
    run: backup_plan_deletes_after_7_days,
};

fn backup_plan_deletes_after_7_days(f: &DrFacts) -> Vec<Finding> {
    let retention = |days: Option<i64>| days.map_or_else(|| "never (no DeleteAfterDays)".to_owned(), |d| d.to_string());
    on_every_rule(f, "Lifecycle.DeleteAfterDays", |plan_id, plan, rule| {
        let days = rule.lifecycle.and_then(|l| l.delete_after_days);
        let mut findings = vec![Finding::judge(
            plan_id,
            "Lifecycle.DeleteAfterDays",
            days == Some(RETENTION_DAYS),
            RETENTION_DAYS,
            in_rule(rule, retention(days)),
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
                in_rule(rule, format!("{} for the copy to {}", retention(days), copy.destination_backup_vault_arn)),
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
        remediation: "main.ts: backup_plan (BackupPlan) every rule's copyAction = [{destinationVaultArn: drVault.arn, lifecycle: {deleteAfter: 7}}].",
    },
    claims: &[Claim {
        property: "CopyActions",
        about: "Every rule of the plan has a copy action whose destination is the DR vault (by name) in the DR region: no rule without a copy, none copying only within the primary region",
        mutants: &[&mutants::BACKUP_PLAN_NO_COPY, &mutants::BACKUP_COPY_TO_PRIMARY_VAULT],
        not_emulated: None,
    }],
    run: backup_plan_copies_to_dr_vault,
};

fn backup_plan_copies_to_dr_vault(f: &DrFacts) -> Vec<Finding> {
    let region = f.regions.dr.as_str();
    let plan = &f.storage.backup_plan;
    judge_fact(&plan.resource, &f.storage.vault_names.dr.fact, "CopyActions", |dr_vault| {
        on_every_rule(f, "CopyActions", |plan_id, plan, rule| {
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
                in_rule(
                    rule,
                    if destinations.is_empty() { "no copy actions".to_owned() } else { destinations.join(", ") },
                ),
                &rule_evidence(plan, rule, "CopyActions", json!(rule.copy_actions)),
            )]
        })
    })
}

#[cfg(test)]
mod tests {
    use stackproof_harness::facts::backup::{PlanDocument, TagCondition};

    use super::*;

    const CLUSTER: &str = "arn:aws:rds:eu-west-2:123456789012:cluster:healthcare-db-x";

    fn selection(resources: &[&str]) -> Selection {
        Selection {
            selection_id: "s-1".into(),
            selection_name: "healthcare-aurora-x".into(),
            backup_plan_id: "p-1".into(),
            iam_role_arn: "arn:aws:iam::123456789012:role/backup".into(),
            resources: resources.iter().map(|r| (*r).to_owned()).collect(),
            not_resources: Vec::new(),
            list_of_tags: Vec::new(),
            conditions: Vec::new(),
        }
    }

    #[test]
    fn hourly_is_read_by_value() {
        for hourly in [HOURLY, "cron(0 * * * ? *)", "cron(15 0/1 ? * * *)", "cron(30 0-23 * * ? *)"] {
            assert!(is_hourly(hourly), "{hourly}");
        }
        for not in [
            "cron(0 5 ? * * *)",
            "cron(0 */12 * * ? *)",
            "cron(0 */2 * * ? *)",
            "cron(* * * * ? *)",
            "cron(0 */1 ? * MON-FRI *)",
            "cron(0 */1 1 * ? *)",
            "cron(0 */1 * JAN ? *)",
            "cron(0 */1 * * ?)",
            "rate(1 hour)",
            "",
        ] {
            assert!(!is_hourly(not), "{not}");
        }
    }

    #[test]
    fn the_cluster_arn_takes_the_plans_partition_and_account() {
        let plan = Plan {
            backup_plan_id: "p-1".into(),
            backup_plan_arn: "arn:aws:backup:eu-west-2:123456789012:backup-plan:p-1".into(),
            version_id: None,
            backup_plan: PlanDocument { backup_plan_name: "p".into(), rules: Vec::new() },
        };
        assert_eq!(cluster_arn(&plan, "eu-west-2", "healthcare-db-x").as_deref(), Some(CLUSTER));
        let odd = Plan { backup_plan_arn: "p-1".into(), ..plan };
        assert_eq!(cluster_arn(&odd, "eu-west-2", "healthcare-db-x"), None);
    }

    #[test]
    fn a_selection_covers_the_cluster_by_arn_or_pattern_and_nothing_takes_it_out() {
        assert_eq!(selection_gap(&selection(&[CLUSTER]), CLUSTER), None);
        assert_eq!(selection_gap(&selection(&["arn:aws:rds:*:*:cluster:*"]), CLUSTER), None);
        assert_eq!(selection_gap(&selection(&["*"]), CLUSTER), None);
        // Another cluster, the instance namespace, or nothing.
        for other in [
            &["arn:aws:rds:eu-west-2:123456789012:cluster:healthcare-db-dr-x"][..],
            &[],
            &["arn:aws:rds:eu-west-2:123456789012:db:healthcare-db-x"],
        ] {
            let why = selection_gap(&selection(other), CLUSTER).expect("not covered");
            assert!(why.contains("do not include it"), "{why}");
        }
        let mut excluded = selection(&["*"]);
        excluded.not_resources = vec![CLUSTER.to_owned()];
        assert!(selection_gap(&excluded, CLUSTER).is_some_and(|w| w.contains("NotResources")));
        let mut narrowed = selection(&[CLUSTER]);
        narrowed.conditions = vec![TagCondition {
            condition_type: "StringEquals".into(),
            condition_key: "aws:ResourceTag/backup".into(),
            condition_value: "yes".into(),
        }];
        assert!(selection_gap(&narrowed, CLUSTER).is_some_and(|w| w.contains("Conditions")));
    }
}
