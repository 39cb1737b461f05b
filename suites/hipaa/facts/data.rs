//! Facts of the Aurora, EFS and ElastiCache layer: each resource named by an output, described
//! once, all concurrently. Each fetch is boxed: ten SDK futures joined inline can overflow a
//! test thread's stack in debug builds.

use stackproof_harness::aws::RegionClients;
use stackproof_harness::deployment::Outputs;
use stackproof_harness::facts::efs::{BackupPolicy, FileSystem, FileSystemPolicy, MountTarget};
use stackproof_harness::facts::elasticache::{CacheSubnetGroup, ReplicationGroup};
use stackproof_harness::facts::rds::{Cluster, Instance, Parameter, SubnetGroup};
use stackproof_harness::facts::{FactError, declared, efs, elasticache, rds};

use super::{Named, named};
use crate::hipaa::outputs::{
    CACHE_REPLICATION_GROUP_ID, CACHE_SUBNET_GROUP_NAME, DATA_KEY_ARN, DB_CLUSTER_IDENTIFIER,
    DB_CLUSTER_PARAMETER_GROUP_NAME, DB_SUBNET_GROUP_NAME, EFS_FILE_SYSTEM_ID,
};

pub struct DataFacts {
    pub db_cluster: Named<Cluster>,
    /// The instances of the cluster named by DbClusterIdentifier.
    pub db_instances: Named<Vec<Instance>>,
    pub db_subnet_group: Named<SubnetGroup>,
    /// User-set parameters of the group named by DbClusterParameterGroupName.
    pub db_cluster_parameters: Named<Vec<Parameter>>,
    /// The file system's id as the outputs declare it (what task volumes must mount).
    pub efs_file_system_id: Named<String>,
    /// The file system's ARN (what its policy's Resource must cover).
    pub efs_file_system_arn: Named<String>,
    pub file_system: Named<FileSystem>,
    pub efs_backup_policy: Named<BackupPolicy>,
    pub efs_policy: Named<FileSystemPolicy>,
    pub efs_mount_targets: Named<Vec<MountTarget>>,
    pub replication_group: Named<ReplicationGroup>,
    pub cache_subnet_group: Named<CacheSubnetGroup>,
}

pub async fn gather(c: &RegionClients, outputs: &Outputs) -> DataFacts {
    let (
        db_cluster,
        db_instances,
        db_subnet_group,
        db_cluster_parameters,
        file_system,
        efs_backup_policy,
        efs_policy,
        efs_mount_targets,
        replication_group,
        cache_subnet_group,
    ) = tokio::join!(
        Box::pin(named(outputs, DB_CLUSTER_IDENTIFIER, |id| async move { rds::cluster(&c.rds, &id).await })),
        Box::pin(named(outputs, DB_CLUSTER_IDENTIFIER, |id| async move { rds::cluster_instances(&c.rds, &id).await })),
        Box::pin(named(outputs, DB_SUBNET_GROUP_NAME, |name| async move { rds::subnet_group(&c.rds, &name).await })),
        Box::pin(named(outputs, DB_CLUSTER_PARAMETER_GROUP_NAME, |name| async move {
            rds::cluster_user_parameters(&c.rds, &name).await
        })),
        Box::pin(named(outputs, EFS_FILE_SYSTEM_ID, |id| async move { efs::file_system(&c.efs, &id).await })),
        Box::pin(named(outputs, EFS_FILE_SYSTEM_ID, |id| async move { efs::backup_policy(&c.efs, &id).await })),
        Box::pin(named(outputs, EFS_FILE_SYSTEM_ID, |id| async move { efs::file_system_policy(&c.efs, &id).await })),
        Box::pin(named(outputs, EFS_FILE_SYSTEM_ID, |id| async move { efs::mount_targets(&c.efs, &id).await })),
        Box::pin(named(outputs, CACHE_REPLICATION_GROUP_ID, |id| async move {
            elasticache::replication_group(&c.elasticache, &id).await
        })),
        Box::pin(named(outputs, CACHE_SUBNET_GROUP_NAME, |name| async move {
            elasticache::cache_subnet_group(&c.elasticache, &name).await
        })),
    );
    DataFacts {
        efs_file_system_id: declared(outputs, EFS_FILE_SYSTEM_ID),
        efs_file_system_arn: file_system_arn(outputs, &c.region),
        db_cluster,
        db_instances,
        db_subnet_group,
        db_cluster_parameters,
        file_system,
        efs_backup_policy,
        efs_policy,
        efs_mount_targets,
        replication_group,
        cache_subnet_group,
    }
}

/// The EFS file system's ARN. DescribeFileSystems's fact does not keep it, so it is built from
/// the file system's id in the stack's region and the partition and account of the stack's own
/// data key (`arn:aws:kms:REGION:ACCOUNT:key/ID`), which lives in the same account. Either output
/// missing, or a key ARN without an account, is the fact's error: the policy check then cannot
/// pass.
fn file_system_arn(outputs: &Outputs, region: &str) -> Named<String> {
    let id = declared(outputs, EFS_FILE_SYSTEM_ID);
    let key = declared(outputs, DATA_KEY_ARN);
    let fact = id.fact.and_then(|id| {
        let key = key.fact?;
        let parts: Vec<&str> = key.split(':').collect();
        match parts.as_slice() {
            ["arn", partition, _, _, account, ..] if !partition.is_empty() && !account.is_empty() => {
                Ok(format!("arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{id}"))
            }
            _ => Err(FactError::Api {
                operation: format!("resolving the file system ARN from {DATA_KEY_ARN}"),
                detail: format!("{key} is not an ARN with a partition and an account"),
            }),
        }
    });
    Named { output: EFS_FILE_SYSTEM_ID, resource: id.resource, fact }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn outputs(json: &str) -> Outputs {
        Outputs::from_json(json, Path::new("flat-outputs.json")).expect("flat outputs parse")
    }

    #[test]
    fn the_file_system_arn_takes_partition_and_account_from_the_data_key() {
        let o = outputs(
            r#"{"EfsFileSystemId": "fs-1", "DataKeyArn": "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/k"}"#,
        );
        let arn = file_system_arn(&o, "us-gov-west-1");
        assert_eq!(arn.resource, "fs-1");
        assert_eq!(
            arn.fact.ok().as_deref(),
            Some("arn:aws-us-gov:elasticfilesystem:us-gov-west-1:123456789012:file-system/fs-1")
        );
    }

    #[test]
    fn without_an_account_there_is_no_file_system_arn() {
        let no_key = file_system_arn(&outputs(r#"{"EfsFileSystemId": "fs-1"}"#), "eu-central-1");
        assert!(matches!(no_key.fact, Err(FactError::MissingOutput { .. })));
        let key_id_only =
            file_system_arn(&outputs(r#"{"EfsFileSystemId": "fs-1", "DataKeyArn": "1111-2222"}"#), "eu-central-1");
        assert!(key_id_only.fact.is_err());
        let no_fs = file_system_arn(&outputs(r#"{"DataKeyArn": "arn:aws:kms:r:1:key/k"}"#), "eu-central-1");
        assert_eq!(no_fs.resource, EFS_FILE_SYSTEM_ID);
        assert!(matches!(no_fs.fact, Err(FactError::MissingOutput { .. })));
    }
}
