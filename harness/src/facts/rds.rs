//! Aurora (RDS): one DB cluster, its instances, its DB subnet group and the user-set parameters
//! of its cluster parameter group.

use aws_sdk_rds::Client;
use aws_sdk_rds::types::Filter;
use aws_smithy_types::date_time::Format;
use serde::Serialize;

use super::{Fact, FactError, classify};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cluster {
    #[serde(rename = "DBClusterIdentifier")]
    pub db_cluster_identifier: String,
    pub status: String,
    pub engine: String,
    pub engine_version: String,
    pub storage_encrypted: bool,
    /// moto reports `default_kms_key_id` for an unencrypted cluster: judge it with StorageEncrypted.
    pub kms_key_id: Option<String>,
    pub backup_retention_period: Option<i32>,
    pub earliest_restorable_time: Option<String>,
    pub latest_restorable_time: Option<String>,
    #[serde(rename = "DBSubnetGroup")]
    pub db_subnet_group: Option<String>,
    #[serde(rename = "DBClusterParameterGroup")]
    pub db_cluster_parameter_group: Option<String>,
    /// VpcSecurityGroups[].VpcSecurityGroupId
    pub vpc_security_groups: Vec<String>,
    pub enabled_cloudwatch_logs_exports: Vec<String>,
    /// The instances the cluster says it has, each with whether it is the writer and whether it
    /// runs its cluster parameter group's current values.
    #[serde(rename = "DBClusterMembers")]
    pub db_cluster_members: Vec<ClusterMember>,
    #[serde(rename = "MultiAZ")]
    pub multi_az: Option<bool>,
    pub publicly_accessible: Option<bool>,
    pub preferred_backup_window: Option<String>,
    pub deletion_protection: Option<bool>,
    /// ServerlessV2ScalingConfiguration.{MinCapacity, MaxCapacity}, in ACUs.
    pub serverless_v2_scaling_configuration: Option<ScalingRange>,
    #[serde(rename = "DBClusterArn")]
    pub db_cluster_arn: Option<String>,
}

/// One entry of DBClusterMembers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterMember {
    #[serde(rename = "DBInstanceIdentifier")]
    pub db_instance_identifier: String,
    pub is_cluster_writer: Option<bool>,
    /// `in-sync`, or `pending-reboot` while the instance still runs older parameter values.
    #[serde(rename = "DBClusterParameterGroupStatus")]
    pub db_cluster_parameter_group_status: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalingRange {
    pub min_capacity: Option<f64>,
    pub max_capacity: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalMember {
    #[serde(rename = "DBClusterArn")]
    pub db_cluster_arn: String,
    pub is_writer: bool,
    /// `connected`, or `pending-resync` while the member catches up with the writer.
    pub synchronization_status: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalCluster {
    pub global_cluster_identifier: String,
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    pub storage_encrypted: Option<bool>,
    pub deletion_protection: Option<bool>,
    pub global_cluster_members: Vec<GlobalMember>,
    /// `available`, or `creating`, `modifying`, `failing-over`, ... while it changes.
    pub status: Option<String>,
    /// FailoverState.Status: `pending`, `failing-over` or `cancelling` during a managed failover
    /// or switchover; absent otherwise.
    pub failover_state: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Instance {
    #[serde(rename = "DBInstanceIdentifier")]
    pub db_instance_identifier: String,
    #[serde(rename = "DBClusterIdentifier")]
    pub db_cluster_identifier: String,
    #[serde(rename = "DBInstanceStatus")]
    pub db_instance_status: String,
    pub availability_zone: Option<String>,
    pub publicly_accessible: Option<bool>,
    #[serde(rename = "DBInstanceClass")]
    pub db_instance_class: Option<String>,
    /// The version this instance runs (during a rolling upgrade it can differ from the cluster's).
    pub engine_version: Option<String>,
    /// VpcSecurityGroups[].VpcSecurityGroupId
    pub vpc_security_groups: Vec<String>,
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
pub struct SubnetGroup {
    #[serde(rename = "DBSubnetGroupName")]
    pub db_subnet_group_name: String,
    pub vpc_id: Option<String>,
    pub subnets: Vec<GroupSubnet>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    pub parameter_name: String,
    pub parameter_value: Option<String>,
    pub source: Option<String>,
}

/// The value of a user-set cluster parameter, if set.
pub fn parameter<'a>(params: &'a [Parameter], name: &str) -> Option<&'a str> {
    params.iter().find(|p| p.parameter_name == name).and_then(|p| p.parameter_value.as_deref())
}

/// The error for a reply that lacks the field identifying what it describes.
fn without(operation: &str, what: &str) -> FactError {
    FactError::Api { operation: operation.into(), detail: format!("the reply holds {what}") }
}

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

/// DescribeDBClusters for one cluster identifier.
pub async fn cluster(rds: &Client, id: &str) -> Fact<Cluster> {
    let out = rds
        .describe_db_clusters()
        .db_cluster_identifier(id)
        .send()
        .await
        .map_err(|e| classify("DescribeDBClusters", &e, &["DBClusterNotFoundFault"]))?;
    let clusters = out.db_clusters.unwrap_or_default();
    let found = clusters.iter().find(|c| c.db_cluster_identifier.as_deref() == Some(id));
    let c = match found {
        Some(c) => c,
        // A reply whose cluster lacks its identifier is not evidence of absence, nor of anything.
        None if clusters.iter().any(|c| c.db_cluster_identifier.as_deref().is_none_or(str::is_empty)) => {
            return Err(without("DescribeDBClusters", "a DBCluster without its DBClusterIdentifier"));
        }
        None => return Err(FactError::Absent { what: format!("DB cluster {id}") }),
    };
    let db_cluster_members = c
        .db_cluster_members()
        .iter()
        .map(|m| {
            Ok(ClusterMember {
                db_instance_identifier: m.db_instance_identifier.clone().filter(|i| !i.is_empty()).ok_or_else(
                    || without("DescribeDBClusters", "a DBClusterMember without its DBInstanceIdentifier"),
                )?,
                is_cluster_writer: m.is_cluster_writer,
                db_cluster_parameter_group_status: m.db_cluster_parameter_group_status.clone(),
            })
        })
        .collect::<Fact<Vec<_>>>()?;
    Ok(Cluster {
        db_cluster_identifier: id.to_owned(),
        status: c.status.clone().unwrap_or_default(),
        engine: c.engine.clone().unwrap_or_default(),
        engine_version: c.engine_version.clone().unwrap_or_default(),
        storage_encrypted: c.storage_encrypted.unwrap_or(false),
        kms_key_id: c.kms_key_id.clone(),
        backup_retention_period: c.backup_retention_period,
        earliest_restorable_time: time(c.earliest_restorable_time.as_ref()),
        latest_restorable_time: time(c.latest_restorable_time.as_ref()),
        db_subnet_group: c.db_subnet_group.clone(),
        db_cluster_parameter_group: c.db_cluster_parameter_group.clone(),
        vpc_security_groups: c.vpc_security_groups().iter().filter_map(|g| g.vpc_security_group_id.clone()).collect(),
        enabled_cloudwatch_logs_exports: c.enabled_cloudwatch_logs_exports().to_vec(),
        db_cluster_members,
        multi_az: c.multi_az,
        publicly_accessible: c.publicly_accessible,
        preferred_backup_window: c.preferred_backup_window.clone(),
        deletion_protection: c.deletion_protection,
        serverless_v2_scaling_configuration: c
            .serverless_v2_scaling_configuration
            .as_ref()
            .map(|r| ScalingRange { min_capacity: r.min_capacity, max_capacity: r.max_capacity }),
        db_cluster_arn: c.db_cluster_arn.clone(),
    })
}

/// DescribeGlobalClusters for one global cluster identifier.
pub async fn global_cluster(rds: &Client, id: &str) -> Fact<GlobalCluster> {
    let out = rds
        .describe_global_clusters()
        .global_cluster_identifier(id)
        .send()
        .await
        .map_err(|e| classify("DescribeGlobalClusters", &e, &["GlobalClusterNotFoundFault"]))?;
    let globals = out.global_clusters.unwrap_or_default();
    let g = match globals.iter().find(|g| g.global_cluster_identifier.as_deref() == Some(id)) {
        Some(g) => g,
        None if globals.iter().any(|g| g.global_cluster_identifier.as_deref().is_none_or(str::is_empty)) => {
            return Err(without("DescribeGlobalClusters", "a GlobalCluster without its GlobalClusterIdentifier"));
        }
        None => return Err(FactError::Absent { what: format!("global cluster {id}") }),
    };
    Ok(GlobalCluster {
        global_cluster_identifier: id.to_owned(),
        engine: g.engine.clone(),
        engine_version: g.engine_version.clone(),
        storage_encrypted: g.storage_encrypted,
        deletion_protection: g.deletion_protection,
        global_cluster_members: g
            .global_cluster_members()
            .iter()
            .map(|m| {
                Ok(GlobalMember {
                    db_cluster_arn: m.db_cluster_arn.clone().filter(|a| !a.is_empty()).ok_or_else(|| {
                        without("DescribeGlobalClusters", "a GlobalClusterMember without its DBClusterArn")
                    })?,
                    is_writer: m.is_writer.unwrap_or(false),
                    synchronization_status: m.synchronization_status.as_ref().map(|s| s.as_str().to_owned()),
                })
            })
            .collect::<Fact<Vec<_>>>()?,
        status: g.status.clone(),
        failover_state: g.failover_state.as_ref().and_then(|f| f.status.as_ref()).map(|s| s.as_str().to_owned()),
    })
}

/// The instances of one cluster: DescribeDBInstances filtered by `db-cluster-id`, every page.
pub async fn cluster_instances(rds: &Client, cluster_id: &str) -> Fact<Vec<Instance>> {
    let instances = rds
        .describe_db_instances()
        .filters(Filter::builder().name("db-cluster-id").values(cluster_id).build())
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| classify("DescribeDBInstances", &e, &["DBClusterNotFoundFault"]))?;
    let mut found = Vec::new();
    for i in instances {
        // An instance that does not say which it is, or which cluster it belongs to, cannot be
        // judged, nor dropped: either would make the list look shorter than it is.
        let (Some(id), Some(cluster)) = (
            i.db_instance_identifier.clone().filter(|x| !x.is_empty()),
            i.db_cluster_identifier.clone().filter(|x| !x.is_empty()),
        ) else {
            return Err(without(
                "DescribeDBInstances",
                "a DBInstance without its DBInstanceIdentifier or DBClusterIdentifier",
            ));
        };
        if cluster != cluster_id {
            continue;
        }
        found.push(Instance {
            vpc_security_groups: i
                .vpc_security_groups()
                .iter()
                .filter_map(|g| g.vpc_security_group_id.clone())
                .collect(),
            db_instance_identifier: id,
            db_cluster_identifier: cluster,
            db_instance_status: i.db_instance_status.unwrap_or_default(),
            availability_zone: i.availability_zone,
            publicly_accessible: i.publicly_accessible,
            db_instance_class: i.db_instance_class,
            engine_version: i.engine_version,
        });
    }
    Ok(found)
}

/// DescribeDBSubnetGroups for one group name.
pub async fn subnet_group(rds: &Client, name: &str) -> Fact<SubnetGroup> {
    let out = rds
        .describe_db_subnet_groups()
        .db_subnet_group_name(name)
        .send()
        .await
        .map_err(|e| classify("DescribeDBSubnetGroups", &e, &["DBSubnetGroupNotFoundFault"]))?;
    let g = out
        .db_subnet_groups
        .unwrap_or_default()
        .into_iter()
        .find(|g| g.db_subnet_group_name.as_deref() == Some(name))
        .ok_or_else(|| FactError::Absent { what: format!("DB subnet group {name}") })?;
    Ok(SubnetGroup {
        db_subnet_group_name: name.to_owned(),
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

/// The parameters of a cluster parameter group set by its owner (`Source=user`), every page; of
/// those only the ones named in `kept` (the ones the checks judge) are kept.
pub async fn cluster_user_parameters(rds: &Client, group: &str, kept: &[&str]) -> Fact<Vec<Parameter>> {
    let params = rds
        .describe_db_cluster_parameters()
        .db_cluster_parameter_group_name(group)
        .source("user")
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| {
            classify("DescribeDBClusterParameters", &e, &["DBParameterGroupNotFound", "DBParameterGroupNotFoundFault"])
        })?;
    Ok(params
        .into_iter()
        .filter(|p| p.parameter_name.as_deref().is_some_and(|n| kept.contains(&n)))
        .map(|p| Parameter {
            parameter_name: p.parameter_name.unwrap_or_default(),
            parameter_value: p.parameter_value,
            source: p.source,
        })
        .collect())
}
