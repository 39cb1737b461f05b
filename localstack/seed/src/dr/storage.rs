//! The storage layer: the S3 data buckets (in v2 with their access log buckets and logging) and
//! their cross-region replication, and AWS Backup (main.ts: "S3 data buckets" and "AWS Backup").
//! It composes the resource modules and records their outputs.

use stackproof::dr::outputs as o;

use super::core::Core;
use super::{Layout, Side, access_logs, backup, iam, replication, s3};
use crate::SeedError;

/// Seeds the data buckets, replication and backup; records their outputs.
pub(crate) async fn deploy(l: &mut Layout, core: &Core) -> Result<(), SeedError> {
    let primary_bucket = s3::primary_data_bucket(l, core);
    let dr_bucket = s3::dr_data_bucket(l, core);
    s3::create_data_bucket(l, &primary_bucket).await?;
    s3::create_data_bucket(l, &dr_bucket).await?;
    if l.v2() {
        for (side, data_bucket, output) in [
            (Side::Primary, &primary_bucket.name, o::PRIMARY_ACCESS_LOG_BUCKET_NAME),
            (Side::Dr, &dr_bucket.name, o::DR_ACCESS_LOG_BUCKET_NAME),
        ] {
            let logs = access_logs::log_bucket(l, core, side, data_bucket);
            access_logs::create_log_bucket(l, &logs).await?;
            access_logs::enable(l, &access_logs::logging(l, side, data_bucket, &logs.name), &core.account).await?;
            l.output(output, logs.name);
        }
    }
    s3::create_unlisted_bucket(l).await?;
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
