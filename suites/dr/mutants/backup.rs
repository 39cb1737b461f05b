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

pub const BACKUP_PLAN_DAILY: Mutant = Mutant {
    name: "backup-plan-daily",
    about: "the backup rule scheduled cron(0 5 ? * * *) (daily)",
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

pub const BACKUP_PLAN_NO_COPY: Mutant = Mutant {
    name: "backup-plan-no-copy",
    about: "the backup rule without CopyActions",
    output: o::BACKUP_PLAN_ID,
    nth: 0,
    property: "CopyActions",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &DR_VAULT_PRIMARY_KEY,
    &BACKUP_PLAN_DAILY,
    &BACKUP_PLAN_NOT_CONTINUOUS,
    &BACKUP_PLAN_KEEPS_35_DAYS,
    &BACKUP_PLAN_NO_COPY,
];
