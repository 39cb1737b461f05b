//! AWS Backup: vaults encrypted with their region's key, an hourly continuous plan kept 7 days
//! and copied to the DR vault, selecting the primary Aurora cluster.

use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::{blocks, is_true, lookup, number};

use super::{
    Change, DR_REGION, Mutation, SynthFacts, block_path, companions, is_text, judge, judge_region_key, judge_value,
    missing, names, nothing_of, per_resource, primary_clusters, refers_to,
};

/// Every hour, on the hour.
pub const HOURLY: &str = "cron(0 */1 * * ? *)";
pub const DELETE_AFTER_DAYS: f64 = 7.0;

pub const DR_VAULT_KEY_REMOVED: Mutation = Mutation {
    name: "dr-vault-key-removed",
    resource: "aws_backup_vault.dr_vault",
    property: "kms_key_arn",
    change: Change::Remove,
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

pub const BACKUP_VAULTS_ENCRYPTED_WITH_REGION_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "backup_vaults_encrypted_with_region_key",
        service: "backup",
        title: "Every backup vault is encrypted with the layout's KMS key of its own region",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.310(d)(2)(iv)"],
        severity: Severity::High,
        risk: "Recovery points of patient data under AWS's default key, outside the layout's key policy.",
        remediation: "stacks/dr/v1: BackupVault primary_vault kmsKeyArn: primary_key.arn; dr_vault (aws.dr) kmsKeyArn: dr_key.arn.",
    },
    mutant: &DR_VAULT_KEY_REMOVED,
    run: backup_vaults_encrypted_with_region_key,
};

fn backup_vaults_encrypted_with_region_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_backup_vault", "kms_key_arn", |v| vec![judge_region_key(s, v, "kms_key_arn")])
}

pub const BACKUP_PLAN_HOURLY_COPIED_TO_DR: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "backup_plan_hourly_continuous_copied_to_dr",
        service: "backup",
        title: "The backup plan runs hourly with continuous backup, deletes after 7 days and copies to a vault in eu-west-1",
        citations: &["45 CFR 164.308(a)(7)(ii)(A)", "45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.310(d)(2)(iv)"],
        severity: Severity::Critical,
        risk: "Without hourly, continuous, cross-region recovery points the 15-minute RPO cannot be met, and a regional outage takes the backups with it.",
        remediation: "stacks/dr/v1: BackupPlan backup_plan rule { schedule 'cron(0 */1 * * ? *)', enableContinuousBackup: true, lifecycle.deleteAfter: 7, targetVaultName: primary_vault.name, copyAction [{ destinationVaultArn: dr_vault.arn }] }.",
    },
    mutant: &BACKUP_COPY_TO_PRIMARY_VAULT,
    run: backup_plan_hourly_copied_to_dr,
};

fn backup_plan_hourly_copied_to_dr(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_backup_plan", "rule", |p| {
        let rules = blocks(p.prop("rule"));
        if rules.is_empty() {
            return vec![missing(p, "rule", "a backup rule")];
        }
        let n = rules.len();
        rules
            .iter()
            .enumerate()
            .flat_map(|(i, rule)| {
                let at = |leaf: &str| block_path("rule", i, n, leaf);
                let days = lookup(rule, "lifecycle.delete_after");
                let target = rule.get("target_vault_name");
                let copies = blocks(rule.get("copy_action"));
                let to_dr = |v: Option<&serde_json::Value>| {
                    s.referenced(v).is_some_and(|r| r.kind == "aws_backup_vault" && s.region_of(&r) == Some(DR_REGION))
                };
                let mut findings = vec![
                    judge_value(p, at("schedule"), rule.get("schedule"), is_text(rule.get("schedule"), HOURLY), HOURLY),
                    judge_value(
                        p,
                        at("enable_continuous_backup"),
                        rule.get("enable_continuous_backup"),
                        is_true(rule.get("enable_continuous_backup")),
                        true,
                    ),
                    judge_value(
                        p,
                        at("lifecycle.delete_after"),
                        days,
                        number(days) == Some(DELETE_AFTER_DAYS),
                        DELETE_AFTER_DAYS,
                    ),
                    judge_value(
                        p,
                        at("target_vault_name"),
                        target,
                        refers_to(s, target, "aws_backup_vault"),
                        "a vault of this layout",
                    ),
                ];
                let m = copies.len();
                let copy = copies.iter().copied().enumerate().find(|(_, c)| to_dr(c.get("destination_vault_arn")));
                let (path, value) = match copy.or_else(|| copies.first().copied().map(|c| (0, c))) {
                    Some((j, c)) => {
                        (block_path("copy_action", j, m, "destination_vault_arn"), c.get("destination_vault_arn"))
                    }
                    None => ("copy_action.destination_vault_arn".to_owned(), None),
                };
                findings.push(judge_value(
                    p,
                    at(&path),
                    value,
                    copy.is_some(),
                    format!("a copy to a vault of this layout in {DR_REGION}"),
                ));
                findings
            })
            .collect()
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
    mutant: &BACKUP_SELECTION_EMPTY,
    run: backup_selection_covers_primary_cluster,
};

fn backup_selection_covers_primary_cluster(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let clusters = primary_clusters(s);
    if clusters.is_empty() {
        return vec![nothing_of("aws_rds_cluster in the primary region", "resources")];
    }
    let mut findings = per_resource(s, "aws_backup_selection", "resources", |sel| {
        let covers = clusters.iter().all(|c| names(sel.prop("resources"), c));
        vec![
            judge(sel, "plan_id", refers_to(s, sel.prop("plan_id"), "aws_backup_plan"), "a backup plan of this layout"),
            judge(sel, "iam_role_arn", refers_to(s, sel.prop("iam_role_arn"), "aws_iam_role"), "a role of this layout"),
            judge(sel, "resources", covers, "a list including every primary Aurora cluster's ARN"),
        ]
    });
    for c in &clusters {
        if companions(s, "aws_backup_selection", "resources", c).is_empty() {
            findings.push(missing(c, "backup_selection", "a backup selection including the cluster"));
        }
    }
    findings
}
