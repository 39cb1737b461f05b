//! ElastiCache Redis: the subnet group and the encrypted, authenticated, Multi-AZ replication
//! group.
//!
//! Every Redis mutant is made at creation: moto answers ModifyCacheSubnetGroup with HTTP 500 and
//! drops TransitEncryptionMode on any ModifyReplicationGroup.

use aws_sdk_elasticache::Client as ElastiCache;
use aws_sdk_elasticache::types::TransitEncryptionMode;
use stackproof::hipaa::mutants as m;
use stackproof::hipaa::outputs as o;
use stackproof_harness::deployment::Suffix;

use super::data_subnets;
use crate::hipaa::{Base, CACHE_PORT, Mutants, SECRET_CANARY, names, tags};
use crate::{SeedError, step};

/// Days of automatic snapshots the template keeps.
const SNAPSHOT_DAYS: i32 = 7;

/// The session store as the template declares it, with the mutants made at creation.
pub struct CacheSpec {
    pub subnet_group: String,
    pub subnets: [String; 2],
    pub replication_group: String,
    pub security_group: String,
    pub multi_az: bool,
    pub automatic_failover: bool,
    /// Replicas of the one node group.
    pub replicas: i32,
    /// Where the members go, primary first: AWS spreads a Multi-AZ group over the stack's zones.
    pub zones: Vec<String>,
    /// None: TLS off.
    pub transit_encryption: Option<TransitEncryptionMode>,
    /// The key it is encrypted with at rest (the data key unless a mutant says otherwise);
    /// None: unencrypted.
    pub at_rest_key: Option<String>,
    pub auth_token: bool,
    pub snapshot_retention: i32,
}

impl CacheSpec {
    pub fn new(base: &Base, mutants: &Mutants) -> Self {
        let suffix = &base.suffix;
        let [first, second] = &base.zones;
        let second = if mutants.has(&m::REDIS_MEMBERS_IN_ONE_ZONE) { first } else { second };
        Self {
            subnet_group: format!("cache-subnet-group-{suffix}"),
            subnets: data_subnets(base, mutants.has(&m::CACHE_SUBNET_GROUP_PUBLIC_SUBNET)),
            replication_group: names::redis(suffix),
            security_group: base.sg.cache.clone(),
            multi_az: !mutants.has(&m::REDIS_MULTI_AZ_OFF),
            automatic_failover: !mutants.has(&m::REDIS_AUTOMATIC_FAILOVER_OFF),
            replicas: if mutants.has(&m::REDIS_NO_REPLICA) { 0 } else { 1 },
            zones: vec![first.clone(), second.clone()],
            transit_encryption: if mutants.has(&m::REDIS_TRANSIT_ENCRYPTION_OFF) {
                None
            } else if mutants.has(&m::REDIS_TRANSIT_ENCRYPTION_PREFERRED) {
                Some(TransitEncryptionMode::Preferred)
            } else {
                Some(TransitEncryptionMode::Required)
            },
            at_rest_key: if mutants.has(&m::REDIS_AT_REST_UNENCRYPTED) {
                None
            } else if mutants.has(&m::REDIS_ENCRYPTED_WITH_LOGS_KEY) {
                Some(base.logs_key.clone())
            } else {
                Some(base.data_key.clone())
            },
            auth_token: !mutants.has(&m::REDIS_AUTH_TOKEN_OFF),
            snapshot_retention: if mutants.has(&m::REDIS_SNAPSHOTS_OFF) { 0 } else { SNAPSHOT_DAYS },
        }
    }

    pub fn outputs(&self) -> [(&'static str, String); 2] {
        [
            (o::CACHE_REPLICATION_GROUP_ID, self.replication_group.clone()),
            (o::CACHE_SUBNET_GROUP_NAME, self.subnet_group.clone()),
        ]
    }
}

pub async fn create(cache: &ElastiCache, spec: &CacheSpec, suffix: &Suffix) -> Result<(), SeedError> {
    cache
        .create_cache_subnet_group()
        .cache_subnet_group_name(&spec.subnet_group)
        .cache_subnet_group_description("Private subnets only - the session store is never reachable from the internet")
        .set_subnet_ids(Some(spec.subnets.to_vec()))
        .set_tags(Some(tags::elasticache(&spec.subnet_group, suffix)))
        .send()
        .await
        .map_err(step("CreateCacheSubnetGroup"))?;
    create_replication_group(cache, spec, suffix).await
}

async fn create_replication_group(cache: &ElastiCache, spec: &CacheSpec, suffix: &Suffix) -> Result<(), SeedError> {
    // ReplicasPerNodeGroup, not NumCacheClusters: moto makes one member of NumCacheClusters=2.
    let create = cache
        .create_replication_group()
        .replication_group_id(&spec.replication_group)
        .replication_group_description(format!("Session store of the HIPAA stack {suffix}"))
        .engine("redis")
        .engine_version("7.1")
        .cache_node_type("cache.r7g.large")
        .num_node_groups(1)
        .replicas_per_node_group(spec.replicas)
        .set_preferred_cache_cluster_azs(Some(spec.zones.clone()))
        .multi_az_enabled(spec.multi_az)
        .automatic_failover_enabled(spec.automatic_failover)
        .port(CACHE_PORT)
        .cache_subnet_group_name(&spec.subnet_group)
        .security_group_ids(&spec.security_group)
        .transit_encryption_enabled(spec.transit_encryption.is_some())
        .set_transit_encryption_mode(spec.transit_encryption.clone())
        .at_rest_encryption_enabled(spec.at_rest_key.is_some())
        .set_kms_key_id(spec.at_rest_key.clone())
        .snapshot_retention_limit(spec.snapshot_retention)
        .snapshot_window("03:00-04:00")
        .preferred_maintenance_window("sun:05:00-sun:06:00")
        .auto_minor_version_upgrade(true)
        .set_tags(Some(tags::elasticache(&spec.replication_group, suffix)));
    let create = if spec.auth_token { create.auth_token(format!("{SECRET_CANARY}-redis-auth-token")) } else { create };
    create.send().await.map_err(step("CreateReplicationGroup"))?;
    Ok(())
}
