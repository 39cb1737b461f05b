//! Breakages of the backup checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const DR_VAULT_PRIMARY_KEY: Mutant = Mutant {
    name: "dr-vault-primary-key",
    about: "the DR backup vault created with the primary region's key ARN",
    output: o::DR_BACKUP_VAULT_NAME,
    nth: 0,
    property: "EncryptionKeyArn",
};

pub const PRIMARY_VAULT_AWS_MANAGED_KEY: Mutant = Mutant {
    name: "primary-vault-aws-managed-key",
    about: "the primary backup vault created without EncryptionKeyArn (the AWS managed key)",
    output: o::PRIMARY_BACKUP_VAULT_NAME,
    nth: 0,
    property: "EncryptionKeyArn",
};

pub const BACKUP_PLAN_DAILY: Mutant = Mutant {
    name: "backup-plan-daily",
    about: "the backup rule scheduled cron(0 5 ? * * *) (daily)",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "ScheduleExpression",
};

pub const BACKUP_PLAN_EVERY_12_HOURS: Mutant = Mutant {
    name: "backup-plan-every-12-hours",
    about: "the backup rule scheduled cron(0 */12 * * ? *): still a */N hours field, but two backups a day",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "ScheduleExpression",
};

pub const BACKUP_PLAN_NOT_CONTINUOUS: Mutant = Mutant {
    name: "backup-plan-not-continuous",
    about: "the backup rule with EnableContinuousBackup=false",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "EnableContinuousBackup",
};

pub const BACKUP_PLAN_KEEPS_35_DAYS: Mutant = Mutant {
    name: "backup-plan-keeps-35-days",
    about: "the backup rule with Lifecycle.DeleteAfterDays=35",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "Lifecycle.DeleteAfterDays",
};

pub const BACKUP_PLAN_EXTRA_RULE_KEPT_FOREVER: Mutant = Mutant {
    name: "backup-plan-extra-rule-kept-forever",
    about: "a second backup rule (daily, into the primary vault, copied to the DR vault for 7 days) without a Lifecycle: its recovery points never expire",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "Lifecycle.DeleteAfterDays",
};

pub const BACKUP_COPY_KEEPS_35_DAYS: Mutant = Mutant {
    name: "backup-copy-keeps-35-days",
    about: "the backup rule's copy to the DR vault with Lifecycle.DeleteAfterDays=35",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "CopyActions.Lifecycle.DeleteAfterDays",
};

pub const BACKUP_PLAN_NO_COPY: Mutant = Mutant {
    name: "backup-plan-no-copy",
    about: "the backup rule without CopyActions",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "CopyActions",
};

pub const BACKUP_COPY_TO_PRIMARY_VAULT: Mutant = Mutant {
    name: "backup-copy-to-primary-vault",
    about: "the backup rule's copy action to the primary vault (same region) instead of the DR vault",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "CopyActions",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &DR_VAULT_PRIMARY_KEY,
    &PRIMARY_VAULT_AWS_MANAGED_KEY,
    &BACKUP_PLAN_DAILY,
    &BACKUP_PLAN_EVERY_12_HOURS,
    &BACKUP_PLAN_NOT_CONTINUOUS,
    &BACKUP_PLAN_KEEPS_35_DAYS,
    &BACKUP_PLAN_EXTRA_RULE_KEPT_FOREVER,
    &BACKUP_COPY_KEEPS_35_DAYS,
    &BACKUP_PLAN_NO_COPY,
    &BACKUP_COPY_TO_PRIMARY_VAULT,
];
