//! Facts of the Aurora, EFS and ElastiCache layer: each resource named by an output, described
//! once, all concurrently. Each fetch is boxed: ten SDK futures joined inline can overflow a
//! test thread's stack in debug builds.

use stackproof_harness::aws::RegionClients;
use stackproof_harness::deployment::Outputs;
use stackproof_harness::facts::efs::{AccessPoint, BackupPolicy, FileSystem, FileSystemPolicy, MountTarget};
use stackproof_harness::facts::elasticache::{CacheSubnetGroup, MemberCluster, ReplicationGroup};
use stackproof_harness::facts::rds::{Cluster, Instance, Parameter, SubnetGroup};
use stackproof_harness::facts::{FactError, declared, efs, elasticache, rds};

use super::{Named, named};
use crate::hipaa::outputs::{
    CACHE_REPLICATION_GROUP_ID, CACHE_SUBNET_GROUP_NAME, DB_CLUSTER_IDENTIFIER, DB_CLUSTER_PARAMETER_GROUP_NAME,
    DB_SUBNET_GROUP_NAME, EFS_FILE_SYSTEM_ID,
};

pub struct DataFacts {
    pub db_cluster: Named<Cluster>,
    /// The instances of the cluster named by DbClusterIdentifier.
    pub db_instances: Named<Vec<Instance>>,
    pub db_subnet_group: Named<SubnetGroup>,
    /// The stack's cluster parameter group, as DbClusterParameterGroupName declares it.
    pub db_cluster_parameter_group: Named<String>,
    /// User-set parameters of the group the cluster actually runs with (its reported
    /// DBClusterParameterGroup, which need not be the declared one), named by that group.
    pub db_cluster_parameters: Named<Vec<Parameter>>,
    /// The file system's id as the outputs declare it (what task volumes must mount).
    pub efs_file_system_id: Named<String>,
    /// The file system's ARN (what its policy's Resource must cover).
    pub file_system: Named<FileSystem>,
    pub efs_backup_policy: Named<BackupPolicy>,
    pub efs_policy: Named<FileSystemPolicy>,
    pub efs_mount_targets: Named<Vec<MountTarget>>,
    pub efs_access_points: Named<Vec<AccessPoint>>,
    pub replication_group: Named<ReplicationGroup>,
    /// The replication group's member clusters, each described (what the cache actually runs
    /// behind, and where); the group's own error when it could not be described.
    pub cache_clusters: Named<Vec<MemberCluster>>,
    pub cache_subnet_group: Named<CacheSubnetGroup>,
}

pub async fn gather(c: &RegionClients, outputs: &Outputs) -> DataFacts {
    let (
        (db_cluster, db_cluster_parameters),
        db_instances,
        db_subnet_group,
        file_system,
        efs_backup_policy,
        efs_policy,
        efs_mount_targets,
        efs_access_points,
        replication_group,
        cache_subnet_group,
    ) = tokio::join!(
        Box::pin(async {
            let cluster =
                named(outputs, DB_CLUSTER_IDENTIFIER, |id| async move { rds::cluster(&c.rds, &id).await }).await;
            let parameters = running_parameters(c, &cluster).await;
            (cluster, parameters)
        }),
        Box::pin(named(outputs, DB_CLUSTER_IDENTIFIER, |id| async move { rds::cluster_instances(&c.rds, &id).await })),
        Box::pin(named(outputs, DB_SUBNET_GROUP_NAME, |name| async move { rds::subnet_group(&c.rds, &name).await })),
        Box::pin(named(outputs, EFS_FILE_SYSTEM_ID, |id| async move { efs::file_system(&c.efs, &id).await })),
        Box::pin(named(outputs, EFS_FILE_SYSTEM_ID, |id| async move { efs::backup_policy(&c.efs, &id).await })),
        Box::pin(named(outputs, EFS_FILE_SYSTEM_ID, |id| async move { efs::file_system_policy(&c.efs, &id).await })),
        Box::pin(named(outputs, EFS_FILE_SYSTEM_ID, |id| async move { efs::mount_targets(&c.efs, &id).await })),
        Box::pin(named(outputs, EFS_FILE_SYSTEM_ID, |id| async move { efs::access_points(&c.efs, &id).await })),
        Box::pin(named(outputs, CACHE_REPLICATION_GROUP_ID, |id| async move {
            elasticache::replication_group(&c.elasticache, &id).await
        })),
        Box::pin(named(outputs, CACHE_SUBNET_GROUP_NAME, |name| async move {
            elasticache::cache_subnet_group(&c.elasticache, &name).await
        })),
    );
    // The members are the group's: asked for once the group is known.
    let cache_clusters = Named {
        output: replication_group.output,
        resource: replication_group.resource.clone(),
        fact: match &replication_group.fact {
            Ok(g) => Ok(Box::pin(elasticache::member_clusters(&c.elasticache, &g.member_clusters)).await),
            Err(e) => Err(e.clone()),
        },
    };
    DataFacts {
        efs_file_system_id: declared(outputs, EFS_FILE_SYSTEM_ID),
        db_cluster,
        db_instances,
        db_subnet_group,
        db_cluster_parameter_group: declared(outputs, DB_CLUSTER_PARAMETER_GROUP_NAME),
        db_cluster_parameters,
        file_system,
        efs_backup_policy,
        efs_policy,
        efs_mount_targets,
        efs_access_points,
        replication_group,
        cache_clusters,
        cache_subnet_group,
    }
}

/// The cluster parameters the TLS and audit checks judge: of a group's settings only these are kept.
pub const JUDGED_PARAMETERS: &[&str] = &[
    "require_secure_transport",
    "tls_version",
    "server_audit_logging",
    "server_audit_events",
    "server_audit_excl_users",
    "server_audit_incl_users",
];

/// The user-set parameters of the group the cluster reports it runs with: what is in effect,
/// whichever group the outputs declare. Without the cluster there is no group to read.
async fn running_parameters(c: &RegionClients, cluster: &Named<Cluster>) -> Named<Vec<Parameter>> {
    let output = DB_CLUSTER_IDENTIFIER;
    match &cluster.fact {
        Ok(Cluster { db_cluster_parameter_group: Some(group), .. }) if !group.is_empty() => Named {
            output,
            resource: group.clone(),
            fact: rds::cluster_user_parameters(&c.rds, group, JUDGED_PARAMETERS).await,
        },
        Ok(_) => Named {
            output,
            resource: cluster.resource.clone(),
            fact: Err(FactError::Api {
                operation: "DescribeDBClusters".into(),
                detail: "the reply names no DBClusterParameterGroup".into(),
            }),
        },
        Err(e) => Named { output, resource: cluster.resource.clone(), fact: Err(e.clone()) },
    }
}
