//! Aurora, EFS and ElastiCache of the HIPAA reference deployment, and their mutants.
//!
//! Breakages the emulator cannot apply after creation are made at creation time: moto ignores
//! ModifyDBCluster's CloudwatchLogsExportConfiguration, answers PutBackupPolicy and
//! ModifyCacheSubnetGroup with HTTP 500, and drops TransitEncryptionMode on any
//! ModifyReplicationGroup (so every Redis mutant is made at creation).

pub mod aurora;
pub mod cache;
pub mod efs;

use std::collections::BTreeMap;

use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::mutation::Mutant;

pub use self::aurora::ENGINE_VERSION;
use self::aurora::{Aurora, AuroraSpec};
use self::cache::CacheSpec;
use self::efs::{EfsSpec, FileSystem};
use super::{Base, Mutants};
use crate::{SeedError, Seeder, step};

/// Seeds this layer on top of `base`, adds its outputs to `base.outputs`, applies its mutants.
pub async fn deploy(s: &Seeder, base: &mut Base, mutants: &Mutants) -> Result<(), SeedError> {
    // Boxed: the layer's future is large, and debug builds run it on a test thread's stack.
    Box::pin(seed(s, base, mutants)).await
}

async fn seed(s: &Seeder, base: &mut Base, mutants: &Mutants) -> Result<(), SeedError> {
    let suffix = base.suffix.clone();
    let zones = subnet_zones(&s.ec2, base).await?;
    let aurora = aurora::create(s, &AuroraSpec::new(base, mutants), &base.data_key, &suffix).await?;
    let efs_spec = EfsSpec::new(base, mutants, |subnet| zones.get(subnet).cloned());
    let fs = efs::create(&s.efs, &efs_spec, &suffix).await?;
    let cache = CacheSpec::new(base, mutants);
    cache::create(&s.elasticache, &cache, &suffix).await?;
    for mutant in mutants.iter() {
        drift(s, base, &aurora, &fs, mutant).await?;
    }
    base.add_outputs(aurora.outputs());
    base.add_outputs([(o::EFS_FILE_SYSTEM_ID, fs.id)]);
    base.add_outputs(cache.outputs());
    Ok(())
}

/// Applies `mutant` to the deployed layer, if it is this layer's drift.
async fn drift(s: &Seeder, base: &Base, aurora: &Aurora, fs: &FileSystem, mutant: &Mutant) -> Result<(), SeedError> {
    match *mutant {
        m::AURORA_BACKUP_RETENTION_SHORT => aurora::shorten_backup_retention(&s.rds, aurora).await,
        m::AURORA_FOREIGN_SECURITY_GROUP => aurora::move_to_security_group(&s.rds, aurora, &base.sg.app).await,
        m::AURORA_INSTANCE_PUBLIC => aurora::make_second_instance_public(&s.rds, aurora).await,
        m::AURORA_EXTRA_SECURITY_GROUP => aurora::add_security_group(s, base, aurora).await,
        m::EFS_MOUNT_TARGET_FOREIGN_SG => efs::move_first_mount_target_to(&s.efs, fs, &base.sg.app).await,
        m::EFS_MOUNT_TARGET_EXTRA_SG => {
            efs::add_group_to_second_mount_target(&s.efs, fs, &base.sg.efs, &base.sg.app).await
        }
        // Made at creation, or another layer's.
        _ => Ok(()),
    }
}

/// A data store's two subnets: the private ones, or the first private and the second public one
/// when a mutant puts the store there.
fn data_subnets(base: &Base, second_public: bool) -> [String; 2] {
    let [private1, private2] = &base.private_subnets;
    let second = if second_public { &base.public_subnets[1] } else { private2 };
    [private1.clone(), second.clone()]
}

/// The zone of each private subnet and of the second public one, by subnet id.
async fn subnet_zones(ec2: &aws_sdk_ec2::Client, base: &Base) -> Result<BTreeMap<String, String>, SeedError> {
    let [private1, private2] = &base.private_subnets;
    let subnets = ec2
        .describe_subnets()
        .subnet_ids(private1)
        .subnet_ids(private2)
        .subnet_ids(&base.public_subnets[1])
        .send()
        .await
        .map_err(step("DescribeSubnets"))?
        .subnets
        .unwrap_or_default();
    Ok(subnets.into_iter().filter_map(|s| Some((s.subnet_id?, s.availability_zone?))).collect())
}
