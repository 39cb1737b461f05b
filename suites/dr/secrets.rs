//! The Aurora master credentials' secret, read by DescribeSecret only (never its value): encrypted
//! with the primary key and replicated to the DR region under the DR key, so a promoted secondary
//! can still be administered.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::kms::same_key;
use stackproof_harness::kit::fact::{judge_fact, judge_named};

use super::DrFacts;
use super::mutants;

const MOTO_REPLICA_KEY: &str = "alias/aws/secretsmanager";

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[MASTER_SECRET_ENCRYPTED_WITH_PRIMARY_KEY, MASTER_SECRET_REPLICATED_TO_DR];

pub const MASTER_SECRET_ENCRYPTED_WITH_PRIMARY_KEY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "master_secret_encrypted_with_primary_key",
        service: "secrets",
        title: "The Aurora master secret exists and is encrypted with the primary customer key",
        citations: &["45 CFR 164.312(a)(2)(iv)", "45 CFR 164.312(d)"],
        severity: Severity::High,
        risk: "Master credentials under the AWS-managed key can be decrypted by any principal with secretsmanager access, outside the layout's key policy.",
        remediation: "main.ts: db_master_secret (SecretsmanagerSecret) kmsKeyId: primaryKey.arn.",
    },
    claims: &[
        Claim {
            property: "DeletedDate",
            about: "The secret the outputs name is described by DescribeSecret and not scheduled for deletion",
            mutants: &[],
            not_emulated: Some(
                "a secret with replicas cannot be deleted (moto, like AWS, refuses DeleteSecret until its replica regions are removed), so no seeded breakage of this claim leaves master_secret_replicated_to_dr passing",
            ),
        },
        Claim {
            property: "KmsKeyId",
            about: "The secret is encrypted with the primary region's customer key, not the AWS managed aws/secretsmanager or another key",
            mutants: &[&mutants::MASTER_SECRET_DEFAULT_KEY],
            not_emulated: None,
        },
    ],
    run: master_secret_encrypted_with_primary_key,
};

fn master_secret_encrypted_with_primary_key(f: &DrFacts) -> Vec<Finding> {
    let n = &f.core.master_secret;
    let key = &f.core.key_arns.primary;
    judge_named(n, "DeletedDate", |secret| {
        let mut findings = vec![Finding::judge(
            &n.resource,
            "DeletedDate",
            secret.deleted_date.is_none(),
            "not scheduled for deletion",
            secret.deleted_date.as_deref().unwrap_or("none"),
            secret,
        )];
        findings.extend(judge_fact(&n.resource, &key.fact, "KmsKeyId", |want| {
            let got = secret.kms_key_id.as_deref().unwrap_or("aws/secretsmanager (AWS managed)");
            vec![Finding::judge(
                &n.resource,
                "KmsKeyId",
                same_key(got, want),
                format!("{} {want}", key.output),
                got,
                secret,
            )]
        }));
        findings
    })
}

pub const MASTER_SECRET_REPLICATED_TO_DR: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "master_secret_replicated_to_dr",
        service: "secrets",
        title: "The Aurora master secret is replicated to the DR region under the DR key",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::High,
        risk: "Without a replica, losing the primary region also loses the credentials of the promoted DR cluster.",
        remediation: "main.ts: db_master_secret (SecretsmanagerSecret) replica: [{ region: DR_REGION, kmsKeyId: drKey.arn }].",
    },
    claims: &[
        Claim {
            property: "ReplicationStatus",
            about: "The secret lists a replica in the DR region",
            mutants: &[&mutants::MASTER_SECRET_NOT_REPLICATED],
            not_emulated: None,
        },
        Claim {
            property: "ReplicationStatus.Status",
            about: "The DR replica is in sync: listed but Failed (or still InProgress) is no copy to fail over with",
            mutants: &[&mutants::MASTER_SECRET_REPLICA_FAILED],
            not_emulated: None,
        },
        Claim {
            property: "ReplicationStatus.KmsKeyId",
            about: "The DR replica is encrypted with the DR region's customer key",
            mutants: &[],
            not_emulated: Some(
                "moto 5.2.5 drops a replica's KmsKeyId and reports alias/aws/secretsmanager for every replica, so its key is skipped on the emulator",
            ),
        },
    ],
    run: master_secret_replicated_to_dr,
};

fn master_secret_replicated_to_dr(f: &DrFacts) -> Vec<Finding> {
    const REPLICA_KEY: &str = "ReplicationStatus.KmsKeyId";
    let n = &f.core.master_secret;
    let key = &f.core.key_arns.dr;
    judge_named(n, "ReplicationStatus", |secret| {
        let dr = f.regions.dr.as_str();
        let replica = secret.replication_status.iter().find(|r| r.region == dr);
        let regions: Vec<&str> = secret.replication_status.iter().map(|r| r.region.as_str()).collect();
        let mut findings = vec![Finding::judge(
            &n.resource,
            "ReplicationStatus",
            replica.is_some(),
            format!("a replica in {dr}"),
            if regions.is_empty() { "no replicas".to_owned() } else { regions.join(", ") },
            &secret.replication_status,
        )];
        if let Some(replica) = replica {
            let status = replica.status.as_deref().unwrap_or("not reported");
            let message = replica.status_message.as_deref().map_or(String::new(), |m| format!(" ({m})"));
            findings.push(Finding::judge(
                &n.resource,
                "ReplicationStatus.Status",
                status == "InSync",
                format!("InSync in {dr}"),
                format!("{status}{message}"),
                replica,
            ));
            let got = replica.kms_key_id.as_deref().unwrap_or("aws/secretsmanager (AWS managed)");
            findings.extend(judge_fact(&n.resource, &key.fact, REPLICA_KEY, |want| {
                vec![if f.emulated && got == MOTO_REPLICA_KEY {
                    // moto 5.2.5 reports alias/aws/secretsmanager for every replica, whatever key it was given.
                    Finding::skip(
                        &n.resource,
                        REPLICA_KEY,
                        "not emulated: moto reports alias/aws/secretsmanager as every replica's key",
                    )
                } else {
                    Finding::judge(
                        &n.resource,
                        REPLICA_KEY,
                        same_key(got, want),
                        format!("{} {want}", key.output),
                        got,
                        replica,
                    )
                }]
            }));
        }
        findings
    })
}
