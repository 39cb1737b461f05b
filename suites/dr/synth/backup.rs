//! AWS Backup: vaults encrypted with their region's key, a plan backing up into the primary vault
//! every hour, continuously, deleting after 7 days and copying to the DR vault, with a selection
//! of the primary Aurora cluster.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::source::{judge, judge_value, missing, nothing_of, per_resource};
use stackproof_harness::source::json::{blocks, is_true, lookup, number};
use stackproof_harness::source::terraform::{Resource, Synth};

use super::{
    Change, DR_REGION, Mutation, PRIMARY_REGION, SynthFacts, block_path, companions, judge_region_key, names,
    primary_clusters, refers_to,
};
use crate::dr::backup as live;

/// This service's checks, in report order: the live suite's, then the one only the source shows.
pub const CHECKS: &[Check<SynthFacts>] = &[
    BACKUP_VAULTS_ENCRYPTED_WITH_REGION_KEY,
    BACKUP_PLAN_HOURLY,
    BACKUP_PLAN_CONTINUOUS,
    BACKUP_PLAN_DELETES_AFTER_7_DAYS,
    BACKUP_PLAN_COPIES_TO_DR_VAULT,
    BACKUP_SELECTION_COVERS_PRIMARY_CLUSTER,
];

/// Every hour, on the hour.
pub const HOURLY: &str = "cron(0 */1 * * ? *)";
pub const DELETE_AFTER_DAYS: f64 = 7.0;

pub const DR_VAULT_KEY_REMOVED: Mutation = Mutation {
    name: "dr-vault-key-removed",
    resource: "aws_backup_vault.dr_vault",
    property: "kms_key_arn",
    change: Change::Remove,
};

pub const BACKUP_PLAN_DAILY: Mutation = Mutation {
    name: "backup-plan-daily",
    resource: "aws_backup_plan.backup_plan",
    property: "rule.schedule",
    change: Change::Set(r#""cron(0 3 * * ? *)""#),
};

pub const BACKUP_PLAN_NOT_CONTINUOUS: Mutation = Mutation {
    name: "backup-plan-not-continuous",
    resource: "aws_backup_plan.backup_plan",
    property: "rule.enable_continuous_backup",
    change: Change::Set("false"),
};

pub const BACKUP_PLAN_KEEPS_35_DAYS: Mutation = Mutation {
    name: "backup-plan-keeps-35-days",
    resource: "aws_backup_plan.backup_plan",
    property: "rule.lifecycle.delete_after",
    change: Change::Set("35"),
};

pub const BACKUP_COPY_TO_PRIMARY_VAULT: Mutation = Mutation {
    name: "backup-copy-to-primary-vault",
    resource: "aws_backup_plan.backup_plan",
    property: "rule.copy_action.destination_vault_arn",
    change: Change::Set(r#""${aws_backup_vault.primary_vault.arn}""#),
};

pub const BACKUP_SELECTION_EMPTY: Mutation = Mutation {
    name: "backup-selection-empty",
    resource: "aws_backup_selection.backup_selection",
    property: "resources",
    change: Change::Set("[]"),
};

pub const PRIMARY_VAULT_KEY_FROM_DR_REGION: Mutation = Mutation {
    name: "primary-vault-key-from-dr-region",
    resource: "aws_backup_vault.primary_vault",
    property: "kms_key_arn",
    change: Change::Set(r#""${aws_kms_key.dr_key.arn}""#),
};

pub const BACKUP_PLAN_EVERY_12_HOURS: Mutation = Mutation {
    name: "backup-plan-every-12-hours",
    resource: "aws_backup_plan.backup_plan",
    property: "rule.schedule",
    change: Change::Set(r#""cron(0 */12 * * ? *)""#),
};

pub const BACKUP_COPY_KEEPS_35_DAYS: Mutation = Mutation {
    name: "backup-copy-keeps-35-days",
    resource: "aws_backup_plan.backup_plan",
    property: "rule.copy_action.lifecycle.delete_after",
    change: Change::Set("35"),
};

pub const BACKUP_PLAN_NO_COPY: Mutation = Mutation {
    name: "backup-plan-no-copy",
    resource: "aws_backup_plan.backup_plan",
    property: "rule.copy_action.destination_vault_arn",
    change: Change::Custom(backup_plan_no_copy),
};

pub const BACKUP_SELECTION_OF_ANOTHER_PLAN: Mutation = Mutation {
    name: "backup-selection-of-another-plan",
    resource: "aws_backup_selection.backup_selection",
    property: "plan_id",
    change: Change::Set(r#""plan-elsewhere""#),
};

pub const BACKUP_SELECTION_FOREIGN_ROLE: Mutation = Mutation {
    name: "backup-selection-foreign-role",
    resource: "aws_backup_selection.backup_selection",
    property: "iam_role_arn",
    change: Change::Set(r#""arn:aws:iam::123456789012:role/other""#),
};

pub const BACKUP_SELECTION_EXCLUDES_CLUSTER: Mutation = Mutation {
    name: "backup-selection-excludes-cluster",
    resource: "aws_backup_selection.backup_selection",
    property: "resources",
    change: Change::Custom(backup_selection_excludes_cluster),
};

/// Keeps the cluster in resources but takes it out again with not_resources.
fn backup_selection_excludes_cluster(s: &mut Synth) {
    let Some(body) = s.resource_mut("aws_backup_selection", "backup_selection") else { panic!("no backup_selection") };
    body["not_resources"] = body["resources"].clone();
}

/// Removes every rule's copy actions.
fn backup_plan_no_copy(s: &mut Synth) {
    let Some(body) = s.resource_mut("aws_backup_plan", "backup_plan") else { panic!("no backup_plan") };
    let Some(rules) = body["rule"].as_array_mut() else { panic!("backup_plan.rule is not a list") };
    for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
        rule.remove("copy_action");
    }
}

pub const BACKUP_VAULTS_ENCRYPTED_WITH_REGION_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: BackupVault primary_vault kmsKeyArn: primary_key.arn; dr_vault (aws.dr) kmsKeyArn: dr_key.arn.",
        ..live::BACKUP_VAULTS_ENCRYPTED_WITH_REGION_KEY.info
    },
    claims: &[Claim {
        property: "kms_key_arn",
        about: "Each vault names a KMS key of this layout in the vault's own region (not absent, not the other region's)",
        mutants: &[&DR_VAULT_KEY_REMOVED, &PRIMARY_VAULT_KEY_FROM_DR_REGION],
        not_emulated: None,
    }],
    run: backup_vaults_encrypted_with_region_key,
};

fn backup_vaults_encrypted_with_region_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_backup_vault", "kms_key_arn", |v| vec![judge_region_key(s, v, "kms_key_arn")])
}

/// True if the value refers to a backup vault of the layout in `region`.
fn is_vault_in(s: &Synth, v: Option<&Value>, region: &str) -> bool {
    s.referenced(v).is_some_and(|r| r.kind == "aws_backup_vault" && s.region_of(&r) == Some(region))
}

/// For every backup plan, the findings of `judge_rules` on the rules that back up into a vault of
/// the primary region together (what the plan does for the cluster), with their indexes; a
/// failing finding on a plan with no such rule.
fn on_primary_vault_rules(
    s: &Synth,
    property: &str,
    judge_rules: impl Fn(&Resource, &[(usize, &Value)]) -> Vec<Finding>,
) -> Vec<Finding> {
    per_resource(s, "aws_backup_plan", property, |p| {
        let rules = blocks(p.prop("rule"));
        let into_primary: Vec<(usize, &Value)> = rules
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, r)| is_vault_in(s, r.get("target_vault_name"), PRIMARY_REGION))
            .collect();
        if into_primary.is_empty() {
            return vec![missing(
                p,
                "rule.target_vault_name",
                format!("a rule backing up into a vault of this layout in {PRIMARY_REGION}"),
            )];
        }
        judge_rules(p, &into_primary)
    })
}

/// For every backup plan, the findings of `judge_rule` on each of its rules, with the path of a
/// leaf inside it; a failing finding on a plan without rules.
fn on_every_rule(
    s: &Synth,
    property: &str,
    judge_rule: impl Fn(&Resource, &Value, &dyn Fn(&str) -> String) -> Vec<Finding>,
) -> Vec<Finding> {
    per_resource(s, "aws_backup_plan", property, |p| {
        let rules = blocks(p.prop("rule"));
        if rules.is_empty() {
            return vec![missing(p, "rule", "backup rules")];
        }
        let n = rules.len();
        rules
            .iter()
            .enumerate()
            .flat_map(|(i, rule)| judge_rule(p, rule, &|leaf: &str| block_path("rule", i, n, leaf)))
            .collect()
    })
}

/// One finding on `property` of plan `p`: does any of `rules` satisfy `ok`? The value shown is
/// each rule's `leaf`.
fn any_rule(
    p: &Resource,
    rules: &[(usize, &Value)],
    property: &str,
    leaf: &str,
    ok: impl Fn(Option<&Value>) -> bool,
    expected: impl ToString,
) -> Finding {
    let values: Vec<Value> = rules.iter().map(|(i, r)| serde_json::json!({"rule": i, leaf: r.get(leaf)})).collect();
    let value = Value::Array(values);
    judge_value(p, property, Some(&value), rules.iter().any(|(_, r)| ok(r.get(leaf))), expected)
}

pub const BACKUP_PLAN_HOURLY: Check<SynthFacts> = Check {
    info: CheckInfo {
        title: "The backup plan backs up into the primary vault every hour",
        remediation: "stacks/dr/v1: BackupPlan backup_plan rule { targetVaultName: primary_vault.name, schedule: 'cron(0 */1 * * ? *)' } (the cluster it backs up: backup_selection_covers_primary_cluster).",
        ..live::BACKUP_PLAN_HOURLY.info
    },
    claims: &[Claim {
        property: "rule.schedule",
        about: "A rule backing up into the primary vault runs once every hour (read by value)",
        mutants: &[&BACKUP_PLAN_DAILY, &BACKUP_PLAN_EVERY_12_HOURS],
        not_emulated: None,
    }],
    run: backup_plan_hourly,
};

fn backup_plan_hourly(f: &SynthFacts) -> Vec<Finding> {
    on_primary_vault_rules(&f.synth, "rule.schedule", |p, rules| {
        let hourly = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(live::is_hourly);
        vec![any_rule(p, rules, "rule.schedule", "schedule", hourly, format!("once every hour ({HOURLY})"))]
    })
}

pub const BACKUP_PLAN_CONTINUOUS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: BackupPlan backup_plan rule.enableContinuousBackup: true.",
        ..live::BACKUP_PLAN_CONTINUOUS.info
    },
    claims: &[Claim {
        property: "rule.enable_continuous_backup",
        about: "A rule backing up into the primary vault enables continuous backup",
        mutants: &[&BACKUP_PLAN_NOT_CONTINUOUS],
        not_emulated: None,
    }],
    run: backup_plan_continuous,
};

fn backup_plan_continuous(f: &SynthFacts) -> Vec<Finding> {
    on_primary_vault_rules(&f.synth, "rule.enable_continuous_backup", |p, rules| {
        let property = "rule.enable_continuous_backup";
        vec![any_rule(p, rules, property, "enable_continuous_backup", is_true, "true on a rule into the primary vault")]
    })
}

pub const BACKUP_PLAN_DELETES_AFTER_7_DAYS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: BackupPlan backup_plan rule.lifecycle.deleteAfter: 7 and every rule.copyAction[].lifecycle.deleteAfter: 7.",
        ..live::BACKUP_PLAN_DELETES_AFTER_7_DAYS.info
    },
    claims: &[
        Claim {
            property: "rule.lifecycle.delete_after",
            about: "Every rule deletes its recovery points after 7 days",
            mutants: &[&BACKUP_PLAN_KEEPS_35_DAYS],
            not_emulated: None,
        },
        Claim {
            property: "rule.copy_action.lifecycle.delete_after",
            about: "Every copy action of every rule deletes its copies after 7 days",
            mutants: &[&BACKUP_COPY_KEEPS_35_DAYS],
            not_emulated: None,
        },
    ],
    run: backup_plan_deletes_after_7_days,
};

fn backup_plan_deletes_after_7_days(f: &SynthFacts) -> Vec<Finding> {
    on_every_rule(&f.synth, "rule.lifecycle.delete_after", |p, rule, at| {
        let days = lookup(rule, "lifecycle.delete_after");
        let mut findings = vec![judge_value(
            p,
            at("lifecycle.delete_after"),
            days,
            number(days) == Some(DELETE_AFTER_DAYS),
            DELETE_AFTER_DAYS,
        )];
        // Copies live in the DR vault under their own lifecycle; no copy action is the next check's.
        let copies = blocks(rule.get("copy_action"));
        let m = copies.len();
        for (j, copy) in copies.iter().enumerate() {
            let days = lookup(copy, "lifecycle.delete_after");
            findings.push(judge_value(
                p,
                at(&block_path("copy_action", j, m, "lifecycle.delete_after")),
                days,
                number(days) == Some(DELETE_AFTER_DAYS),
                DELETE_AFTER_DAYS,
            ));
        }
        findings
    })
}

pub const BACKUP_PLAN_COPIES_TO_DR_VAULT: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: BackupPlan backup_plan rule.copyAction: [{ destinationVaultArn: dr_vault.arn, lifecycle: { deleteAfter: 7 } }].",
        ..live::BACKUP_PLAN_COPIES_TO_DR_VAULT.info
    },
    claims: &[Claim {
        property: "rule.copy_action.destination_vault_arn",
        about: "Every rule copies its recovery points to a vault of this layout in the DR region",
        mutants: &[&BACKUP_COPY_TO_PRIMARY_VAULT, &BACKUP_PLAN_NO_COPY],
        not_emulated: None,
    }],
    run: backup_plan_copies_to_dr_vault,
};

fn backup_plan_copies_to_dr_vault(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    on_every_rule(s, "rule.copy_action.destination_vault_arn", |p, rule, at| {
        let copies = blocks(rule.get("copy_action"));
        let m = copies.len();
        let copy =
            copies.iter().copied().enumerate().find(|(_, c)| is_vault_in(s, c.get("destination_vault_arn"), DR_REGION));
        let (path, value) = match copy.or_else(|| copies.first().copied().map(|c| (0, c))) {
            Some((j, c)) => (block_path("copy_action", j, m, "destination_vault_arn"), c.get("destination_vault_arn")),
            None => ("copy_action.destination_vault_arn".to_owned(), None),
        };
        vec![judge_value(
            p,
            at(&path),
            value,
            copy.is_some(),
            format!("a copy to a vault of this layout in {DR_REGION}"),
        )]
    })
}

pub const BACKUP_SELECTION_COVERS_PRIMARY_CLUSTER: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "backup_selection_covers_primary_cluster",
        service: "backup",
        title: "A backup selection of the plan includes the primary Aurora cluster",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)"],
        severity: Severity::High,
        risk: "A plan that selects nothing backs nothing up: the database has no recovery points at all.",
        remediation: "stacks/dr/v1: BackupSelection backup_selection { planId: backup_plan.id, iamRoleArn: backup_role.arn, resources: [primary_cluster.arn] }.",
    },
    claims: &[
        Claim {
            property: "resources",
            about: "A backup selection includes every primary Aurora cluster's ARN, none excluded by not_resources, no tag condition narrowing it",
            mutants: &[&BACKUP_SELECTION_EMPTY, &BACKUP_SELECTION_EXCLUDES_CLUSTER],
            not_emulated: None,
        },
        Claim {
            property: "plan_id",
            about: "Each selection belongs to a backup plan of this layout",
            mutants: &[&BACKUP_SELECTION_OF_ANOTHER_PLAN],
            not_emulated: None,
        },
        Claim {
            property: "iam_role_arn",
            about: "Each selection backs up as a role of this layout",
            mutants: &[&BACKUP_SELECTION_FOREIGN_ROLE],
            not_emulated: None,
        },
    ],
    run: backup_selection_covers_primary_cluster,
};

fn backup_selection_covers_primary_cluster(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let clusters = primary_clusters(s);
    if clusters.is_empty() {
        return vec![nothing_of::<Synth>("aws_rds_cluster in the primary region", "resources")];
    }
    let mut findings = per_resource(s, "aws_backup_selection", "resources", |sel| {
        // Named in resources, not taken out by not_resources, not narrowed by a tag condition.
        let conditioned = !blocks(sel.prop("condition")).is_empty();
        let covers = clusters.iter().all(|c| names(sel.prop("resources"), c) && !names(sel.prop("not_resources"), c))
            && !conditioned;
        vec![
            judge(sel, "plan_id", refers_to(s, sel.prop("plan_id"), "aws_backup_plan"), "a backup plan of this layout"),
            judge(sel, "iam_role_arn", refers_to(s, sel.prop("iam_role_arn"), "aws_iam_role"), "a role of this layout"),
            judge(
                sel,
                "resources",
                covers,
                "every primary Aurora cluster's ARN, none excluded by not_resources, no tag condition",
            ),
        ]
    });
    for c in &clusters {
        if companions(s, "aws_backup_selection", "resources", c).is_empty() {
            findings.push(missing(c, "backup_selection", "a backup selection including the cluster"));
        }
    }
    findings
}
