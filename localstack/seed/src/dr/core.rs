//! The core layer: IAM roles, KMS keys, the two networks, the Aurora PostgreSQL global database
//! and its master secret (main.ts: "IAM roles used by key policies" to "Aurora PostgreSQL global
//! database"); in v2 also the flow log role and each VPC's flow log, the cluster parameter groups
//! and the clusters' log groups. It composes the resource modules and records their outputs.

use stackproof::dr::outputs as o;

use super::monitoring::create_log_group;
use super::network::{self, Network};
use super::{DR_REGION, Layout, PRIMARY_REGION, Side, aurora, flow_log, iam, kms, parameters, secret};
use crate::{SeedError, step};

/// What the layers above need from this one.
pub(crate) struct Core {
    pub account: String,
    pub primary_key: String,
    pub dr_key: String,
    pub replication_role: String,
    pub global_cluster: String,
    pub global_cluster_arn: String,
    pub primary_cluster: String,
    pub primary_cluster_arn: String,
    pub primary_endpoint: String,
    pub dr_cluster_arn: String,
}

/// The database layer's results.
struct Database {
    global_cluster_arn: String,
    secret_arn: String,
    primary: aurora::Cluster,
    dr: aurora::Cluster,
}

/// Seeds the roles, keys, networks, global database and master secret; records their outputs.
pub(crate) async fn deploy(l: &mut Layout) -> Result<Core, SeedError> {
    let sts = l.primary.sts.get_caller_identity().send().await.map_err(step("GetCallerIdentity"))?;
    let account = sts.account.unwrap_or_default();
    let replication_role = iam::create(l, &iam::replication(l, &account)).await?;
    let backup_role = iam::create(l, &iam::backup(l)).await?;
    let principals = kms::Principals { account: &account, replication: &replication_role, backup: &backup_role };
    let primary_key = kms::create(l, &kms::primary(l, &principals)).await?;
    let dr_key = kms::create(l, &kms::dr(l, &principals)).await?;
    let flow_log_role = if l.v2() {
        let role = iam::flow_logs(l, &account);
        let arn = iam::create(l, &role).await?;
        iam::put_inline_policy(l, &role.name, flow_log::role_policy(l, &account)).await?;
        Some(arn)
    } else {
        None
    };
    let primary_net = network::create(l, &network::primary(l)).await?;
    let dr_net = network::create(l, &network::dr(l)).await?;
    if let Some(role) = &flow_log_role {
        for (side, net, key) in [(Side::Primary, &primary_net, &primary_key), (Side::Dr, &dr_net, &dr_key)] {
            flow_log::create(l, &flow_log::spec(l, side, &net.vpc, key, role), &account).await?;
        }
    }
    let db = database(l, [&primary_key, &dr_key], &primary_net, &dr_net).await?;

    l.output(o::PRIMARY_REGION, PRIMARY_REGION);
    l.output(o::DR_REGION, DR_REGION);
    l.output(o::PRIMARY_KMS_KEY_ARN, primary_key.clone());
    l.output(o::DR_KMS_KEY_ARN, dr_key.clone());
    l.output(o::PRIMARY_VPC_ID, primary_net.vpc);
    l.output(o::DR_VPC_ID, dr_net.vpc);
    l.output(o::PRIMARY_PRIVATE_SUBNET_IDS, primary_net.subnets.join(","));
    l.output(o::DR_PRIVATE_SUBNET_IDS, dr_net.subnets.join(","));
    l.output(o::PRIMARY_DB_SECURITY_GROUP_ID, primary_net.sg);
    l.output(o::DR_DB_SECURITY_GROUP_ID, dr_net.sg);
    let (global_cluster, primary_cluster) = (l.names.global_cluster(), l.names.cluster(Side::Primary));
    l.output(o::GLOBAL_CLUSTER_IDENTIFIER, global_cluster.clone());
    l.output(o::PRIMARY_CLUSTER_IDENTIFIER, primary_cluster.clone());
    l.output(o::DR_CLUSTER_IDENTIFIER, l.names.cluster(Side::Dr));
    l.output(o::PRIMARY_MASTER_USER_SECRET_ARN, db.secret_arn);
    l.output(o::REPLICATION_ROLE_ARN, replication_role.clone());
    if l.v2() {
        for (side, group, flow_logs) in [
            (Side::Primary, o::PRIMARY_CLUSTER_PARAMETER_GROUP_NAME, o::PRIMARY_FLOW_LOG_GROUP_NAME),
            (Side::Dr, o::DR_CLUSTER_PARAMETER_GROUP_NAME, o::DR_FLOW_LOG_GROUP_NAME),
        ] {
            l.output(group, l.names.cluster_parameter_group(side));
            l.output(flow_logs, l.names.flow_log_group(side));
        }
    }
    Ok(Core {
        account,
        primary_key,
        dr_key,
        replication_role,
        global_cluster,
        global_cluster_arn: db.global_cluster_arn,
        primary_cluster,
        primary_cluster_arn: db.primary.arn,
        primary_endpoint: db.primary.endpoint,
        dr_cluster_arn: db.dr.arn,
    })
}

/// v2's cluster parameter groups; the global cluster, created empty; the master secret; the
/// primary cluster (after its log group, in v2) and its two instances; the DR cluster (likewise)
/// and its one.
async fn database(l: &Layout, keys: [&str; 2], primary: &Network, dr: &Network) -> Result<Database, SeedError> {
    let [primary_key, dr_key] = keys;
    if l.v2() {
        for group in parameters::groups(l) {
            parameters::create(l, &group).await?;
        }
    }
    let global_cluster = l.names.global_cluster();
    let global_cluster_arn = aurora::create_global_cluster(l, &global_cluster).await?;
    let master = secret::master();
    let secret_arn = secret::create(l, &secret::spec(l, primary_key, dr_key), &master).await?;

    let primary_spec = aurora::primary_cluster(l, &global_cluster, primary_key, primary);
    if let Some(group) = aurora::log_group(l, &primary_spec, primary_key) {
        create_log_group(l, &group).await?;
    }
    let primary_cluster = aurora::create_cluster(l, &primary_spec, &master).await?;
    let zones = network::zones(&l.primary).await?;
    for instance in aurora::primary_instances(l, &primary_spec, &zones) {
        aurora::create_instance(l, &instance).await?;
    }

    let dr_spec = aurora::dr_cluster(l, &global_cluster, keys, dr);
    if let Some(group) = aurora::log_group(l, &dr_spec, dr_key) {
        create_log_group(l, &group).await?;
    }
    let dr_cluster = aurora::create_cluster(l, &dr_spec, &master).await?;
    for instance in aurora::dr_instances(l, &dr_spec) {
        aurora::create_instance(l, &instance).await?;
    }
    Ok(Database { global_cluster_arn, secret_arn, primary: primary_cluster, dr: dr_cluster })
}
