//! The layout's secrets (the Aurora master credentials): encrypted with the primary key and
//! replicated to the DR region under the DR key, so a promoted secondary can still be
//! administered.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge_value, per_resource};
use stackproof_harness::source::json::blocks;
use stackproof_harness::source::terraform::Synth;

use super::{Change, DR_REGION, Mutation, PRIMARY_REGION, SynthFacts, block_path, is_key_in, is_text, judge_key_in};
use crate::dr::secrets as live;

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] = &[MASTER_SECRET_ENCRYPTED_WITH_PRIMARY_KEY, MASTER_SECRET_REPLICATED_TO_DR];

pub const MASTER_SECRET_DEFAULT_KEY: Mutation = Mutation {
    name: "master-secret-default-key",
    resource: "aws_secretsmanager_secret.db_master_secret",
    property: "kms_key_id",
    change: Change::Remove,
};

pub const MASTER_SECRET_NOT_REPLICATED: Mutation = Mutation {
    name: "master-secret-not-replicated",
    resource: "aws_secretsmanager_secret.db_master_secret",
    property: "replica",
    change: Change::Remove,
};

pub const SECRET_REPLICA_KEY_FROM_PRIMARY_REGION: Mutation = Mutation {
    name: "secret-replica-key-from-primary-region",
    resource: "aws_secretsmanager_secret.db_master_secret",
    property: "replica.kms_key_id",
    change: Change::Custom(replica_under_primary_key),
};

/// The DR replica encrypted with the primary region's key, which the DR region cannot use.
fn replica_under_primary_key(s: &mut Synth) {
    let secret = s.resource_mut("aws_secretsmanager_secret", "db_master_secret");
    let Some(replica) = secret.and_then(|r| r.get_mut("replica")) else { panic!("no replica on db_master_secret") };
    let primary_key = Value::String("${aws_kms_key.primary_key.arn}".into());
    match replica {
        Value::Array(blocks) => blocks.iter_mut().for_each(|b| b["kms_key_id"] = primary_key.clone()),
        block => block["kms_key_id"] = primary_key,
    }
}

pub const MASTER_SECRET_ENCRYPTED_WITH_PRIMARY_KEY: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: SecretsmanagerSecret db_master_secret (aws.primary) kmsKeyId: primary_key.arn.",
        ..live::MASTER_SECRET_ENCRYPTED_WITH_PRIMARY_KEY.info
    },
    claims: &[Claim {
        property: "kms_key_id",
        about: "The Aurora master secret exists and is encrypted with the primary customer key",
        mutants: &[&MASTER_SECRET_DEFAULT_KEY],
        not_emulated: None,
    }],
    run: master_secret_encrypted_with_primary_key,
};

fn master_secret_encrypted_with_primary_key(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_secretsmanager_secret", "kms_key_id", |secret| {
        vec![judge_key_in(s, secret, "kms_key_id", PRIMARY_REGION)]
    })
}

pub const MASTER_SECRET_REPLICATED_TO_DR: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: SecretsmanagerSecret db_master_secret replica: [{ region: DR_REGION (eu-west-1), kmsKeyId: dr_key.arn }].",
        ..live::MASTER_SECRET_REPLICATED_TO_DR.info
    },
    claims: &[
        Claim {
            property: "replica",
            about: "Every secret of the layout declares a replica in the DR region",
            mutants: &[&MASTER_SECRET_NOT_REPLICATED],
            not_emulated: None,
        },
        Claim {
            property: "replica.kms_key_id",
            about: "The DR replica is encrypted with a customer key of the layout in the DR region",
            mutants: &[&SECRET_REPLICA_KEY_FROM_PRIMARY_REGION],
            not_emulated: None,
        },
    ],
    run: master_secret_replicated_to_dr,
};

fn master_secret_replicated_to_dr(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_secretsmanager_secret", "replica", |secret| {
        let replicas = blocks(secret.prop("replica"));
        let n = replicas.len();
        let in_dr = replicas.iter().enumerate().find(|(_, r)| is_text(r.get("region"), DR_REGION));
        let Some((i, replica)) = in_dr else {
            return vec![judge_value(
                secret,
                "replica",
                secret.prop("replica"),
                false,
                format!("a replica in {DR_REGION}"),
            )];
        };
        let key = replica.get("kms_key_id");
        vec![
            judge_value(secret, "replica", secret.prop("replica"), true, format!("a replica in {DR_REGION}")),
            judge_value(
                secret,
                block_path("replica", i, n, "kms_key_id"),
                key,
                is_key_in(s, key, DR_REGION),
                format!("a KMS key of this layout in {DR_REGION}"),
            ),
        ]
    })
}
