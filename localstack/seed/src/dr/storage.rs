//! The storage layer: the S3 data buckets and their cross-region replication, and AWS Backup
//! (main.ts: "S3 data buckets" and "AWS Backup"). It composes the resource modules and records
//! their outputs.

use stackproof::dr::outputs as o;

use super::core::Core;
use super::{Layout, backup, iam, replication, s3};
use crate::SeedError;

/// Seeds the data buckets, replication and backup; records their outputs.
pub(crate) async fn deploy(l: &mut Layout, core: &Core) -> Result<(), SeedError> {
    let primary_bucket = s3::primary_data_bucket(l, core);
    let dr_bucket = s3::dr_data_bucket(l, core);
    s3::create_data_bucket(l, &primary_bucket).await?;
    s3::create_data_bucket(l, &dr_bucket).await?;
    let (source, destination) = (primary_bucket.name, dr_bucket.name);
    let role_policy = replication::role_policy(core, &source, &destination);
    iam::put_inline_policy(l, &l.names.replication_role(), role_policy).await?;
    replication::create(l, &replication::spec(l, core, &source, &destination)).await?;

    let [primary_vault, dr_vault] = backup::vaults(l, core);
    let primary_vault_arn = backup::create_vault(l, &primary_vault).await?;
    let dr_vault_arn = backup::create_vault(l, &dr_vault).await?;
    let plan = backup::plan(l, &primary_vault.name, [&primary_vault_arn, &dr_vault_arn]);
    let plan_id = backup::create_plan(l, &plan).await?;

    l.output(o::PRIMARY_BUCKET_NAME, source);
    l.output(o::DR_BUCKET_NAME, destination);
    l.output(o::PRIMARY_BACKUP_VAULT_NAME, primary_vault.name);
    l.output(o::DR_BACKUP_VAULT_NAME, dr_vault.name);
    l.output(o::BACKUP_PLAN_ID, plan_id);
    Ok(())
}
