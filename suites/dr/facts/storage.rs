//! Facts of the layout's storage and backups: the data buckets of both regions and the trail
//! bucket (every configuration S3 reports for each), the two backup vaults, each read in its own
//! region, and the hourly plan with its selections. All fetched concurrently; each fetch is boxed,
//! as in the HIPAA suite, so the joined futures stay off a test thread's stack.

use stackproof_harness::aws::Clients;
use stackproof_harness::deployment::Outputs;
use stackproof_harness::facts::backup::{self, Plan, Selection, Vault};
use stackproof_harness::facts::s3::{self, Bucket};
use stackproof_harness::facts::{Named, declared, named};

use super::Regions;
use crate::dr::outputs::{
    BACKUP_PLAN_ID, DR_BACKUP_VAULT_NAME, DR_BUCKET_NAME, PRIMARY_BACKUP_VAULT_NAME, PRIMARY_BUCKET_NAME,
    REPLICATION_ROLE_ARN, TRAIL_BUCKET_NAME,
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
}

pub async fn gather(clients: &Clients, regions: &Regions, outputs: &Outputs) -> StorageFacts {
    let primary = clients.region(&regions.primary);
    let dr = clients.region(&regions.dr);
    let (primary_bucket, dr_bucket, trail_bucket, primary_vault, dr_vault, backup_plan, backup_selections) = tokio::join!(
        Box::pin(named(outputs, PRIMARY_BUCKET_NAME, |name| async move { s3::bucket(&primary.s3, &name).await })),
        Box::pin(named(outputs, DR_BUCKET_NAME, |name| async move { s3::bucket(&dr.s3, &name).await })),
        Box::pin(named(outputs, TRAIL_BUCKET_NAME, |name| async move { s3::bucket(&primary.s3, &name).await })),
        Box::pin(named(outputs, PRIMARY_BACKUP_VAULT_NAME, |name| async move {
            backup::vault(&primary.backup, &name).await
        })),
        Box::pin(named(outputs, DR_BACKUP_VAULT_NAME, |name| async move { backup::vault(&dr.backup, &name).await })),
        Box::pin(named(outputs, BACKUP_PLAN_ID, |id| async move { backup::plan(&primary.backup, &id).await })),
        Box::pin(named(outputs, BACKUP_PLAN_ID, |id| async move { backup::selections(&primary.backup, &id).await })),
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
    }
}
