//! ElastiCache: one replication group with its node groups, the cache clusters that are its
//! members (where the groups actually attached to the cache and the subnet group that placed it
//! are reported), and one cache subnet group.

use aws_sdk_elasticache::Client;
use serde::Serialize;

use super::{Fact, FactError, classify};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NodeGroupMember {
    pub cache_cluster_id: String,
    pub current_role: Option<String>,
    pub preferred_availability_zone: Option<String>,
}

/// One node group (a shard): its primary and replicas.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NodeGroup {
    pub node_group_id: String,
    pub node_group_members: Vec<NodeGroupMember>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicationGroup {
    pub replication_group_id: String,
    pub status: String,
    pub engine: Option<String>,
    /// `enabled` / `disabled`
    #[serde(rename = "MultiAZ")]
    pub multi_az: Option<String>,
    /// `enabled` / `disabled` / `enabling` / `disabling`
    pub automatic_failover: Option<String>,
    pub at_rest_encryption_enabled: Option<bool>,
    pub kms_key_id: Option<String>,
    pub transit_encryption_enabled: Option<bool>,
    /// `required` / `preferred`
    pub transit_encryption_mode: Option<String>,
    pub auth_token_enabled: Option<bool>,
    /// Days automatic snapshots are kept; 0 or absent keeps none.
    pub snapshot_retention_limit: Option<i32>,
    pub member_clusters: Vec<String>,
    pub node_groups: Vec<NodeGroup>,
}

/// DescribeCacheClusters for one member of the replication group: what only the member reports.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CacheCluster {
    pub cache_cluster_id: String,
    pub replication_group_id: Option<String>,
    pub cache_cluster_status: Option<String>,
    pub preferred_availability_zone: Option<String>,
    /// The subnet group that placed the cluster.
    pub cache_subnet_group_name: Option<String>,
    /// SecurityGroups[].SecurityGroupId: the VPC security groups actually attached.
    pub security_groups: Vec<String>,
}

/// A member cluster of a replication group, described on its own: one missing or refused member
/// does not hide the others.
#[derive(Debug, Clone)]
pub struct MemberCluster {
    pub cache_cluster_id: String,
    pub cluster: Fact<CacheCluster>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupSubnet {
    pub subnet_identifier: String,
    /// SubnetAvailabilityZone.Name
    pub subnet_availability_zone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CacheSubnetGroup {
    pub cache_subnet_group_name: String,
    pub vpc_id: Option<String>,
    pub subnets: Vec<GroupSubnet>,
}

/// DescribeReplicationGroups for one replication group id.
pub async fn replication_group(ec: &Client, id: &str) -> Fact<ReplicationGroup> {
    let out = ec
        .describe_replication_groups()
        .replication_group_id(id)
        .send()
        .await
        .map_err(|e| classify("DescribeReplicationGroups", &e, &["ReplicationGroupNotFoundFault"]))?;
    let g = out
        .replication_groups
        .unwrap_or_default()
        .into_iter()
        .find(|g| g.replication_group_id.as_deref() == Some(id))
        .ok_or_else(|| FactError::Absent { what: format!("replication group {id}") })?;
    Ok(ReplicationGroup {
        replication_group_id: id.to_owned(),
        status: g.status.unwrap_or_default(),
        engine: g.engine,
        multi_az: g.multi_az.map(|s| s.as_str().to_owned()),
        automatic_failover: g.automatic_failover.map(|s| s.as_str().to_owned()),
        at_rest_encryption_enabled: g.at_rest_encryption_enabled,
        kms_key_id: g.kms_key_id,
        transit_encryption_enabled: g.transit_encryption_enabled,
        transit_encryption_mode: g.transit_encryption_mode.map(|m| m.as_str().to_owned()),
        auth_token_enabled: g.auth_token_enabled,
        snapshot_retention_limit: g.snapshot_retention_limit,
        member_clusters: g.member_clusters.unwrap_or_default(),
        node_groups: g
            .node_groups
            .unwrap_or_default()
            .into_iter()
            .map(|n| NodeGroup {
                node_group_id: n.node_group_id.unwrap_or_default(),
                node_group_members: n
                    .node_group_members
                    .unwrap_or_default()
                    .into_iter()
                    .map(|m| NodeGroupMember {
                        cache_cluster_id: m.cache_cluster_id.unwrap_or_default(),
                        current_role: m.current_role,
                        preferred_availability_zone: m.preferred_availability_zone,
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// DescribeCacheClusters for each of `members` (a replication group's MemberClusters), one after
/// another: a group has a handful.
pub async fn member_clusters(ec: &Client, members: &[String]) -> Vec<MemberCluster> {
    let mut out = Vec::with_capacity(members.len());
    for id in members {
        out.push(MemberCluster { cache_cluster_id: id.clone(), cluster: cache_cluster(ec, id).await });
    }
    out
}

async fn cache_cluster(ec: &Client, id: &str) -> Fact<CacheCluster> {
    let out =
        ec.describe_cache_clusters().cache_cluster_id(id).send().await.map_err(|e| {
            classify("DescribeCacheClusters", &e, &["CacheClusterNotFound", "CacheClusterNotFoundFault"])
        })?;
    let c = out
        .cache_clusters
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.cache_cluster_id.as_deref() == Some(id))
        .ok_or_else(|| FactError::Absent { what: format!("cache cluster {id}") })?;
    // A group membership without its id says nothing about which group is attached.
    let security_groups = c
        .security_groups
        .unwrap_or_default()
        .into_iter()
        .map(|g| g.security_group_id.filter(|s| !s.is_empty()))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| FactError::Api {
            operation: "DescribeCacheClusters".into(),
            detail: format!("the reply for {id} holds a security group without SecurityGroupId"),
        })?;
    Ok(CacheCluster {
        cache_cluster_id: id.to_owned(),
        replication_group_id: c.replication_group_id,
        cache_cluster_status: c.cache_cluster_status,
        preferred_availability_zone: c.preferred_availability_zone,
        cache_subnet_group_name: c.cache_subnet_group_name,
        security_groups,
    })
}

/// DescribeCacheSubnetGroups for one group name.
pub async fn cache_subnet_group(ec: &Client, name: &str) -> Fact<CacheSubnetGroup> {
    let out = ec
        .describe_cache_subnet_groups()
        .cache_subnet_group_name(name)
        .send()
        .await
        .map_err(|e| classify("DescribeCacheSubnetGroups", &e, &["CacheSubnetGroupNotFoundFault"]))?;
    let g = out
        .cache_subnet_groups
        .unwrap_or_default()
        .into_iter()
        .find(|g| g.cache_subnet_group_name.as_deref() == Some(name))
        .ok_or_else(|| FactError::Absent { what: format!("cache subnet group {name}") })?;
    Ok(CacheSubnetGroup {
        cache_subnet_group_name: name.to_owned(),
        vpc_id: g.vpc_id,
        subnets: g
            .subnets
            .unwrap_or_default()
            .into_iter()
            .map(|s| GroupSubnet {
                subnet_identifier: s.subnet_identifier.unwrap_or_default(),
                subnet_availability_zone: s.subnet_availability_zone.and_then(|z| z.name),
            })
            .collect(),
    })
}
