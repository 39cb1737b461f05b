//! Breakages that exist only after creation (drift): applied last, each to the resource its
//! mutant names in the outputs, as an operator's later change would be. The other mutants change
//! a spec before creation, in the resource's own module.

use aws_sdk_ec2::types::AttributeBooleanValue;
use aws_sdk_s3::types::BucketVersioningStatus;
use stackproof_harness::mutation::Mutant;

use super::network::{self, ANYWHERE, allow_postgres};
use super::{DR_CIDR, ENGINE_VERSION, Layout, PRIMARY_CIDR, Side, aurora, kms, monitoring, s3};
use crate::{SeedError, Seeder, step};
use stackproof::dr::mutants as m;
use stackproof::dr::outputs as o;

/// Applies `mutant` if it is drift; the others were made at creation.
pub(crate) async fn apply(l: &Layout, mutant: &Mutant) -> Result<(), SeedError> {
    let target = || {
        mutant.resource(&l.outputs).ok_or_else(|| SeedError::Api {
            step: "outputs".into(),
            detail: format!("mutant {} breaks output {}, which the seeder did not make", mutant.name, mutant.output),
        })
    };
    match *mutant {
        m::DR_KEY_DISABLED => disable_key(&l.dr, &target()?).await,
        m::PRIMARY_KEY_ROTATION_OFF => disable_rotation(&l.primary, &target()?).await,
        m::PRIMARY_SUBNET_PUBLIC_IP => map_public_ip(&l.primary, &target()?).await,
        m::DR_DB_SG_OPEN => allow_postgres(&l.dr, &target()?, ANYWHERE, "PostgreSQL from anywhere").await,
        m::PRIMARY_BACKUP_RETENTION_1 => keep_backups_one_day(&l.primary, &target()?).await,
        m::DR_BACKUP_RETENTION_1 => keep_backups_one_day(&l.dr, &target()?).await,
        // The cluster's second instance (main.ts names them after the cluster).
        m::PRIMARY_INSTANCE_PUBLIC => make_public(&l.primary, &l.names.instance(Side::Primary, 2)).await,
        m::DR_INSTANCE_PUBLIC => make_public(&l.dr, &l.names.instance(Side::Dr, 1)).await,
        m::DR_BUCKET_VERSIONING_SUSPENDED => s3::versioning(&l.dr, &target()?, BucketVersioningStatus::Suspended).await,
        m::TRAIL_BUCKET_VERSIONING_SUSPENDED => {
            s3::versioning(&l.primary, &target()?, BucketVersioningStatus::Suspended).await
        }
        m::TRAIL_BUCKET_DENY_SCOPED_TO_A_PREFIX => s3::scope_tls_deny(&l.primary, &target()?, "AWSLogs/").await,
        m::APP_LOG_RETENTION_7 => monitoring::retention(l, &target()?, 7).await,
        m::TRAIL_STOPPED => stop_logging(&l.primary, &target()?).await,
        m::DR_KEY_ROTATION_OFF => disable_rotation(&l.dr, &target()?).await,
        m::PRIMARY_KEY_PENDING_DELETION => kms::schedule_deletion(&l.primary.kms, &target()?).await,
        m::PRIMARY_VPC_SECONDARY_CIDR => network::add_secondary_block(&l.primary, &target()?, DR_CIDR).await,
        m::DR_SUBNET_ASSIGNS_IPV6 => network::subnet_assigns_ipv6(&l.dr, &output(l, o::DR_VPC_ID)?, &target()?).await,
        m::PRIMARY_DB_SG_EXTRA_PORT => network::allow_port(&l.primary, &target()?, 22, PRIMARY_CIDR).await,
        m::PRIMARY_DB_SG_PREFIX_LIST_OUTSIDE_VPC => {
            let name = l.names.db_prefix_list(Side::Primary);
            network::allow_postgres_from_list(l, Side::Primary, &target()?, &name, &[PRIMARY_CIDR, "192.168.0.0/16"])
                .await
        }
        m::DR_CLUSTER_EXTRA_OPEN_GROUP => {
            let (vpc, sg) = (output(l, o::DR_VPC_ID)?, output(l, o::DR_DB_SECURITY_GROUP_ID)?);
            network::attach_open_group(l, Side::Dr, &vpc, &sg).await
        }
        m::FAILOVER_LOG_RETENTION_OFF => monitoring::delete_retention(l, &target()?).await,
        m::DR_INSTANCE_UNSUFFIXED => add_unsuffixed_dr_instance(l).await,
        _ => Ok(()),
    }
}

/// The value of output `key`, which the layout made.
fn output(l: &Layout, key: &str) -> Result<String, SeedError> {
    l.outputs.get(key).cloned().ok_or_else(|| SeedError::Api {
        step: "outputs".into(),
        detail: format!("the seeder made no value for output {key}"),
    })
}

/// A second instance in the DR cluster, named without the suffix.
async fn add_unsuffixed_dr_instance(l: &Layout) -> Result<(), SeedError> {
    let spec = aurora::InstanceSpec {
        side: Side::Dr,
        id: "healthcare-db-dr-reader".to_owned(),
        cluster: l.names.cluster(Side::Dr),
        engine_version: ENGINE_VERSION,
        class: aurora::SERVERLESS_CLASS,
        zone: None,
        subnet_group: l.names.db_subnet_group(Side::Dr),
    };
    aurora::create_instance(l, &spec).await
}

/// moto answers DisableKey by ARN with HTTP 500; by key id it works.
async fn disable_key(s: &Seeder, key_arn: &str) -> Result<(), SeedError> {
    let key_id = key_arn.rsplit_once("key/").map_or(key_arn, |(_, id)| id);
    s.kms.disable_key().key_id(key_id).send().await.map_err(step("DisableKey"))?;
    Ok(())
}

async fn disable_rotation(s: &Seeder, key_arn: &str) -> Result<(), SeedError> {
    s.kms.disable_key_rotation().key_id(key_arn).send().await.map_err(step("DisableKeyRotation"))?;
    Ok(())
}

async fn map_public_ip(s: &Seeder, subnet: &str) -> Result<(), SeedError> {
    s.ec2
        .modify_subnet_attribute()
        .subnet_id(subnet)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .map_err(step("ModifySubnetAttribute"))?;
    Ok(())
}

async fn keep_backups_one_day(s: &Seeder, cluster: &str) -> Result<(), SeedError> {
    s.rds
        .modify_db_cluster()
        .db_cluster_identifier(cluster)
        .backup_retention_period(1)
        .apply_immediately(true)
        .send()
        .await
        .map_err(step("ModifyDBCluster"))?;
    Ok(())
}

async fn make_public(s: &Seeder, instance: &str) -> Result<(), SeedError> {
    s.rds
        .modify_db_instance()
        .db_instance_identifier(instance)
        .publicly_accessible(true)
        .apply_immediately(true)
        .send()
        .await
        .map_err(step("ModifyDBInstance"))?;
    Ok(())
}

async fn stop_logging(s: &Seeder, trail: &str) -> Result<(), SeedError> {
    s.cloudtrail.stop_logging().name(trail).send().await.map_err(step("StopLogging"))?;
    Ok(())
}
