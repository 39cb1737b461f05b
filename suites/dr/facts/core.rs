//! Keys, networks, the Aurora global database, its master secret and the log groups, each read
//! in the region that owns it.

use futures_util::future::join_all;
use stackproof_harness::aws::{Clients, RegionClients};
use stackproof_harness::deployment::Outputs;
use stackproof_harness::facts::discovery::{self, Discovered};
use stackproof_harness::facts::ec2::{Groups, Network};
use stackproof_harness::facts::kms::Key;
use stackproof_harness::facts::logs::LogGroup;
use stackproof_harness::facts::rds::{Cluster, GlobalCluster, Instance, Parameter};
use stackproof_harness::facts::secrets::Secret;
use stackproof_harness::facts::{self, Fact, Named, declared, declared_list, named};

use super::Regions;
use crate::dr::contract_of;
use crate::dr::outputs::*;
use crate::shared::discovery::groups_outside;

/// Which side of the layout a resource belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Primary,
    Dr,
}

impl Side {
    /// The output naming this side's customer key: every resource of a side uses its region's key.
    pub fn key_output(self) -> &'static str {
        match self {
            Side::Primary => PRIMARY_KMS_KEY_ARN,
            Side::Dr => DR_KMS_KEY_ARN,
        }
    }

    /// Its place in what is kept per region (primary, then DR), such as the discovered inventories.
    pub fn index(self) -> usize {
        match self {
            Side::Primary => 0,
            Side::Dr => 1,
        }
    }

    pub fn region(self, regions: &Regions) -> &str {
        match self {
            Side::Primary => &regions.primary,
            Side::Dr => &regions.dr,
        }
    }
}

/// A fact of one side.
pub struct Sided<T> {
    pub side: Side,
    pub named: Named<T>,
}

/// One side's network: the VPC with its subnets and security groups, and what the outputs say
/// its private subnets and database group are.
pub struct SideNetwork {
    pub side: Side,
    pub vpc: Named<Network>,
    pub private_subnet_ids: Named<Vec<String>>,
    pub db_security_group_id: Named<String>,
    /// The groups the layout's tags mark in the side's region that its VPC does not hold,
    /// described (a group made without a vpcId lands in the region's default VPC).
    pub groups_outside_vpc: Fact<Groups>,
}

/// One side's Aurora cluster, its instances, and the parameters of the cluster parameter group it
/// runs with.
pub struct SideCluster {
    pub side: Side,
    pub cluster: Named<Cluster>,
    pub instances: Named<Vec<Instance>>,
    /// The parameters its owner set in the group the cluster runs with (whichever it is), named by
    /// that group. An AWS default group (`default.*`) cannot be changed, so it has none: not read.
    pub parameters: Named<Vec<Parameter>>,
    /// The cluster parameter group the outputs say this side's cluster runs with; `None` for a
    /// version whose contract declares none (v1, whose clusters run the default group).
    pub parameter_group: Option<Named<String>>,
}

/// The cluster parameters the TLS and audit checks judge: of a group's settings only these are kept.
pub const JUDGED_PARAMETERS: &[&str] =
    &["rds.force_ssl", "shared_preload_libraries", "pgaudit.log", "log_connections", "log_disconnections"];

/// Whether a cluster parameter group is one of AWS's defaults (`default.aurora-postgresql15`):
/// rds.force_ssl 0, no pgaudit, and no way to change them.
pub fn is_default_group(name: &str) -> bool {
    name.starts_with("default.") || name.starts_with("default:")
}

/// The customer keys' ARNs as the outputs declare them: every resource of a side must use its
/// side's key.
pub struct KeyArns {
    pub primary: Named<String>,
    pub dr: Named<String>,
}

impl KeyArns {
    pub fn of(&self, side: Side) -> &Named<String> {
        match side {
            Side::Primary => &self.primary,
            Side::Dr => &self.dr,
        }
    }
}

/// The Aurora identifiers as the outputs declare them: what the global database's members, the
/// alarms' dimension, the backup selection and the failover role's scope must name.
pub struct ClusterIds {
    pub global: Named<String>,
    pub primary: Named<String>,
    pub dr: Named<String>,
}

pub struct CoreFacts {
    /// Every customer key of the layout, each read in its region: the two the outputs name
    /// (primary, DR), then any other the default tags mark in either region.
    pub keys: Vec<Sided<Key>>,
    pub key_arns: KeyArns,
    pub networks: Vec<SideNetwork>,
    pub clusters: Vec<SideCluster>,
    pub cluster_ids: ClusterIds,
    pub global_cluster: Named<GlobalCluster>,
    pub master_secret: Named<Secret>,
    /// Every log group of the layout in both regions: those the outputs name, then every other
    /// the default tags mark (judged by the logs checks, or by the audit checks for the groups the
    /// database logs and flow logs are written to).
    pub log_groups: Vec<Sided<LogGroup>>,
}

impl CoreFacts {
    /// The cluster of a side.
    pub fn cluster(&self, side: Side) -> Option<&SideCluster> {
        self.clusters.iter().find(|c| c.side == side)
    }

    /// The log group of a side with this name, as discovered (or as an output names it).
    pub fn log_group(&self, side: Side, name: &str) -> Option<&Sided<LogGroup>> {
        self.log_groups.iter().find(|g| {
            g.side == side
                && match &g.named.fact {
                    Ok(group) => group.log_group_name == name,
                    Err(_) => g.named.resource.split(' ').next() == Some(name),
                }
        })
    }
}

/// The log groups of one side's region the outputs of this version name.
fn log_group_outputs(side: Side, outputs: &Outputs) -> Vec<&'static str> {
    let keys: &[&'static str] = match side {
        Side::Primary => &[APP_LOG_GROUP_NAME, FAILOVER_LOG_GROUP_NAME, PRIMARY_FLOW_LOG_GROUP_NAME],
        Side::Dr => &[DR_FLOW_LOG_GROUP_NAME],
    };
    keys.iter().copied().filter(|k| contract_of(outputs).declares(k)).collect()
}

/// `found` is what discovery found in each region, primary first.
pub async fn gather(clients: &Clients, regions: &Regions, outputs: &Outputs, found: &[Discovered; 2]) -> CoreFacts {
    let primary = clients.region(&regions.primary);
    let sides = [Side::Primary, Side::Dr];
    // Each side's key the outputs name, then every other key its region's discovery found.
    let keys = join_all(sides.map(|side| async move {
        let kms = &clients.region(side.region(regions)).kms;
        let (inventory, listed) = (&found[side.index()].inventory, [side.key_output()]);
        let keys = discovery::every(outputs, &listed, inventory, discovery::KMS_KEY, |arn| async move {
            facts::kms::key(kms, &arn).await
        });
        keys.await.into_iter().map(|named| Sided { side, named }).collect::<Vec<_>>()
    }));
    let networks = join_all(sides.map(|side| async move {
        let ec2 = &clients.region(side.region(regions)).ec2;
        let (vpc, subnets, sg) = match side {
            Side::Primary => (PRIMARY_VPC_ID, PRIMARY_PRIVATE_SUBNET_IDS, PRIMARY_DB_SECURITY_GROUP_ID),
            Side::Dr => (DR_VPC_ID, DR_PRIVATE_SUBNET_IDS, DR_DB_SECURITY_GROUP_ID),
        };
        let vpc = named(outputs, vpc, |id| async move { facts::ec2::network(ec2, &id).await }).await;
        // Only once the VPC is known can the layout's groups outside it be told apart (none: no request).
        let outside: Vec<String> =
            groups_outside(&found[side.index()], &vpc.fact).iter().map(|r| r.physical_id.clone()).collect();
        SideNetwork {
            side,
            groups_outside_vpc: facts::ec2::security_groups(ec2, &outside).await,
            vpc,
            private_subnet_ids: declared_list(outputs, subnets),
            db_security_group_id: declared(outputs, sg),
        }
    }));
    let clusters = join_all(sides.map(|side| async move {
        let region = clients.region(side.region(regions));
        let rds = &region.rds;
        let output = match side {
            Side::Primary => PRIMARY_CLUSTER_IDENTIFIER,
            Side::Dr => DR_CLUSTER_IDENTIFIER,
        };
        let group_output = match side {
            Side::Primary => PRIMARY_CLUSTER_PARAMETER_GROUP_NAME,
            Side::Dr => DR_CLUSTER_PARAMETER_GROUP_NAME,
        };
        let (cluster, instances) = tokio::join!(
            named(outputs, output, |id| async move { facts::rds::cluster(rds, &id).await }),
            named(outputs, output, |id| async move { facts::rds::cluster_instances(rds, &id).await }),
        );
        let parameters = cluster_parameters(region, &cluster).await;
        let parameter_group = contract_of(outputs).declares(group_output).then(|| declared(outputs, group_output));
        SideCluster { side, cluster, instances, parameters, parameter_group }
    }));
    let global_cluster =
        named(
            outputs,
            GLOBAL_CLUSTER_IDENTIFIER,
            |id| async move { facts::rds::global_cluster(&primary.rds, &id).await },
        );
    let master_secret = named(outputs, PRIMARY_MASTER_USER_SECRET_ARN, |arn| async move {
        facts::secrets::secret(&primary.secretsmanager, &arn).await
    });
    // Those the outputs name, then every other log group the layout's tags mark, in each region.
    let log_groups = join_all(sides.into_iter().zip(found).map(|(side, found)| async move {
        let logs = &clients.region(side.region(regions)).logs;
        let keys = log_group_outputs(side, outputs);
        discovery::every(outputs, &keys, &found.inventory, discovery::LOG_GROUP, |name| async move {
            facts::logs::log_group(logs, &name).await
        })
        .await
        .into_iter()
        .map(|named| Sided { side, named })
        .collect::<Vec<_>>()
    }));
    let (keys, networks, clusters, global_cluster, master_secret, log_groups) =
        tokio::join!(keys, networks, clusters, global_cluster, master_secret, log_groups);
    CoreFacts {
        keys: keys.into_iter().flatten().collect(),
        key_arns: KeyArns { primary: declared(outputs, PRIMARY_KMS_KEY_ARN), dr: declared(outputs, DR_KMS_KEY_ARN) },
        networks,
        clusters,
        cluster_ids: ClusterIds {
            global: declared(outputs, GLOBAL_CLUSTER_IDENTIFIER),
            primary: declared(outputs, PRIMARY_CLUSTER_IDENTIFIER),
            dr: declared(outputs, DR_CLUSTER_IDENTIFIER),
        },
        global_cluster,
        master_secret,
        log_groups: log_groups.into_iter().flatten().collect(),
    }
}

/// The user-set parameters of the group a cluster runs with, named by that group; the cluster's
/// own error when it could not be read.
async fn cluster_parameters(region: &RegionClients, cluster: &Named<Cluster>) -> Named<Vec<Parameter>> {
    let group = match &cluster.fact {
        Ok(c) => match c.db_cluster_parameter_group.as_deref().filter(|g| !g.is_empty()) {
            Some(group) => group.to_owned(),
            None => {
                let detail = "the reply names no DBClusterParameterGroup".to_owned();
                let fact = Err(facts::FactError::Api { operation: "DescribeDBClusters".into(), detail });
                return Named { output: cluster.output, resource: cluster.resource.clone(), fact };
            }
        },
        Err(e) => return Named { output: cluster.output, resource: cluster.resource.clone(), fact: Err(e.clone()) },
    };
    let fact = if is_default_group(&group) {
        Ok(Vec::new())
    } else {
        facts::rds::cluster_user_parameters(&region.rds, &group, JUDGED_PARAMETERS).await
    };
    Named { output: cluster.output, resource: format!("{group} (parameter group of {})", cluster.resource), fact }
}
