//! Facts of the layout's storage and backups: the data buckets of both regions and the trail
//! bucket (every configuration S3 reports for each), the two backup vaults, each read in its own
//! region, and the hourly plan with its selections. All fetched concurrently; each fetch is boxed,
//! as in the HIPAA suite, so the joined futures stay off a test thread's stack.

use futures_util::future::join_all;
use stackproof_harness::aws::{Clients, RegionClients};
use stackproof_harness::deployment::Outputs;
use stackproof_harness::facts::backup::{self, Plan, Selection, Vault};
use stackproof_harness::facts::discovery::{self, Discovered};
use stackproof_harness::facts::s3::{self, Bucket, Logging};
use stackproof_harness::facts::{Named, declared, named};

use super::Regions;
use super::core::{Side, Sided};
use crate::dr::contract_of;
use crate::dr::outputs::{
    BACKUP_PLAN_ID, DR_ACCESS_LOG_BUCKET_NAME, DR_BACKUP_VAULT_NAME, DR_BUCKET_NAME, PRIMARY_ACCESS_LOG_BUCKET_NAME,
    PRIMARY_BACKUP_VAULT_NAME, PRIMARY_BUCKET_NAME, REPLICATION_ROLE_ARN, TRAIL_BUCKET_NAME,
};

/// What the primary bucket's replication must name, as the outputs declare it.
pub struct ReplicationTarget {
    pub role_arn: Named<String>,
    pub dr_bucket_name: Named<String>,
}

/// The vaults' names as the outputs declare them: the plan backs up into the primary one and
/// copies to the DR one.
pub struct VaultNames {
    pub primary: Named<String>,
    pub dr: Named<String>,
}

pub struct StorageFacts {
    /// Read in the primary region.
    pub primary_bucket: Named<Bucket>,
    /// Read in the DR region.
    pub dr_bucket: Named<Bucket>,
    pub replication_target: ReplicationTarget,
    /// Read in the primary region.
    pub trail_bucket: Named<Bucket>,
    pub primary_vault: Named<Vault>,
    /// Read in the DR region.
    pub dr_vault: Named<Vault>,
    pub vault_names: VaultNames,
    pub backup_plan: Named<Plan>,
    /// The selections of the plan named by BackupPlanId.
    pub backup_selections: Named<Vec<Selection>>,
    /// Where each data bucket delivers its server access logs (primary, then DR), named by the
    /// data bucket.
    pub access_logging: [Named<Option<Logging>>; 2],
    /// The access log buckets the outputs name (primary, then DR), each read in its region; `None`
    /// for a version whose contract declares none (v1 logs no access).
    pub access_log_buckets: [Option<Named<Bucket>>; 2],
    /// Every other bucket the layout's tags mark, with the side whose discovery found it.
    pub unlisted_buckets: Vec<Sided<Bucket>>,
}

/// Every bucket output of every version: an unlisted bucket is one none of them names.
const BUCKET_OUTPUTS: &[&str] = &[
    PRIMARY_BUCKET_NAME,
    DR_BUCKET_NAME,
    TRAIL_BUCKET_NAME,
    PRIMARY_ACCESS_LOG_BUCKET_NAME,
    DR_ACCESS_LOG_BUCKET_NAME,
];

pub async fn gather(clients: &Clients, regions: &Regions, outputs: &Outputs, found: &[Discovered; 2]) -> StorageFacts {
    let primary = clients.region(&regions.primary);
    let dr = clients.region(&regions.dr);
    let (
        primary_bucket,
        dr_bucket,
        trail_bucket,
        primary_vault,
        dr_vault,
        backup_plan,
        backup_selections,
        primary_logging,
        dr_logging,
        primary_log_bucket,
        dr_log_bucket,
        unlisted_buckets,
    ) = tokio::join!(
        Box::pin(named(outputs, PRIMARY_BUCKET_NAME, |name| async move { s3::bucket(&primary.s3, &name).await })),
        Box::pin(named(outputs, DR_BUCKET_NAME, |name| async move { s3::bucket(&dr.s3, &name).await })),
        Box::pin(named(outputs, TRAIL_BUCKET_NAME, |name| async move { s3::bucket(&primary.s3, &name).await })),
        Box::pin(named(outputs, PRIMARY_BACKUP_VAULT_NAME, |name| async move {
            backup::vault(&primary.backup, &name).await
        })),
        Box::pin(named(outputs, DR_BACKUP_VAULT_NAME, |name| async move { backup::vault(&dr.backup, &name).await })),
        Box::pin(named(outputs, BACKUP_PLAN_ID, |id| async move { backup::plan(&primary.backup, &id).await })),
        Box::pin(named(outputs, BACKUP_PLAN_ID, |id| async move { backup::selections(&primary.backup, &id).await })),
        Box::pin(named(outputs, PRIMARY_BUCKET_NAME, |name| async move { s3::logging(&primary.s3, &name).await })),
        Box::pin(named(outputs, DR_BUCKET_NAME, |name| async move { s3::logging(&dr.s3, &name).await })),
        Box::pin(access_log_bucket(outputs, PRIMARY_ACCESS_LOG_BUCKET_NAME, primary)),
        Box::pin(access_log_bucket(outputs, DR_ACCESS_LOG_BUCKET_NAME, dr)),
        Box::pin(unlisted_buckets(clients, regions, outputs, found)),
    );
    StorageFacts {
        primary_bucket,
        dr_bucket,
        replication_target: ReplicationTarget {
            role_arn: declared(outputs, REPLICATION_ROLE_ARN),
            dr_bucket_name: declared(outputs, DR_BUCKET_NAME),
        },
        trail_bucket,
        primary_vault,
        dr_vault,
        vault_names: VaultNames {
            primary: declared(outputs, PRIMARY_BACKUP_VAULT_NAME),
            dr: declared(outputs, DR_BACKUP_VAULT_NAME),
        },
        backup_plan,
        backup_selections,
        access_logging: [primary_logging, dr_logging],
        access_log_buckets: [primary_log_bucket, dr_log_bucket],
        unlisted_buckets,
    }
}

/// The access log bucket `key` names, read in its region, when the version's contract has one.
async fn access_log_bucket(outputs: &Outputs, key: &'static str, region: &RegionClients) -> Option<Named<Bucket>> {
    if !contract_of(outputs).declares(key) {
        return None;
    }
    Some(named(outputs, key, |name| async move { s3::bucket(&region.s3, &name).await }).await)
}

/// The buckets discovery found that no output names. S3 names are global and the tagging API may
/// list a bucket in more than one region (moto lists every bucket in both): each is read once,
/// through the first region that lists it.
async fn unlisted_buckets(
    clients: &Clients,
    regions: &Regions,
    outputs: &Outputs,
    found: &[Discovered; 2],
) -> Vec<Sided<Bucket>> {
    let named: Vec<&str> = BUCKET_OUTPUTS.iter().filter_map(|k| outputs.get(k).ok()).collect();
    let mut targets: Vec<(Side, &discovery::Resource)> = Vec::new();
    for side in [Side::Primary, Side::Dr] {
        let Ok(inventory) = &found[side.index()].inventory else { continue };
        for r in inventory.of_type(discovery::BUCKET) {
            let known =
                named.contains(&r.physical_id.as_str()) || targets.iter().any(|(_, t)| t.physical_id == r.physical_id);
            if !known {
                targets.push((side, r));
            }
        }
    }
    join_all(targets.into_iter().map(|(side, r)| async move {
        let s3 = &clients.region(side.region(regions)).s3;
        let fact = s3::bucket(s3, &r.physical_id).await;
        Sided { side, named: Named { output: discovery::UNLISTED, resource: r.label(), fact } }
    }))
    .await
}
