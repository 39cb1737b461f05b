//! The DR layout (stacks/dr/v1, CDKTF) seeded into the emulator through the SDK in both of its
//! regions, named as main.ts names every resource, and the named breakages (mutants) that prove
//! each live DR check can fail. `deploy` returns the 32 outputs of stacks/dr/v1/outputs.yml;
//! `write_cdktf_outputs` writes them as `cdktf deploy --outputs-file` does.
//!
//! Layers follow the live suite's facts: `core` (IAM roles, keys, networks, the Aurora global
//! database and its master secret), `storage` (S3 buckets and replication, AWS Backup), `ops`
//! (topic, alarms, log groups, CloudTrail, the failover function, the Route53 health check).
//! A layer only composes: each resource (or tight group) has its own module with a plain spec
//! struct, the data main.ts declares, built with the mutants that change it *before* creation,
//! and a small function that creates it from the spec (`kms`, `network`, `aurora`, `s3`, ...).
//! Names come from `names`. Breakages that exist only after creation (a disabled key, a stopped
//! trail) are `drift`, applied last to the resources the outputs name.
//!
//! What moto 5.2.5 does differently from AWS (measured against the emulator):
//! - KMS DisableKey by ARN answers HTTP 500 (by key id it works); logs AssociateKmsKey answers
//!   500, so the log group mutant is made at creation.
//! - RDS: CreateGlobalCluster cannot adopt an existing cluster (SourceDBClusterIdentifier: an ARN
//!   answers DBClusterNotFoundFault, a bare id "Malformed db cluster arn"), so the global cluster
//!   is created with Engine/EngineVersion and both clusters join through CreateDBCluster's
//!   GlobalClusterIdentifier. ModifyDBCluster ignores log-export changes (mutants at creation).
//!   DescribeGlobalClusters ignores GlobalClusterIdentifier (and Filters) and answers every
//!   global cluster of the account: readers must pick theirs by identifier. The DR cluster's
//!   instance is reported as IsClusterWriter=true and the DR cluster has no
//!   ReplicationSourceIdentifier. Engine versions are not checked against the global cluster's.
//!   A duplicate CreateDBCluster answers DBClusterSnapshotAlreadyExistsFault.
//! - Secrets Manager: AddReplicaRegions is kept and DescribeSecret reports ReplicationStatus
//!   (Status InSync), but the replica's KmsKeyId is dropped: it reads "alias/aws/secretsmanager".
//! - AWS Backup: CreateBackupSelection and ListBackupSelections answer HTTP 500 (not
//!   implemented), so the selection of the primary cluster is not seeded.
//! - S3 replication: DeleteMarkerReplication always reads Disabled, SourceSelectionCriteria is
//!   dropped; AWS would refuse RTC without Metrics, moto takes it.
//! - Route53: a CLOUDWATCH_METRIC health check loses AlarmIdentifier and
//!   InsufficientDataHealthStatus (and gains Port 80); they are still sent as main.ts does.
//! - CloudTrail: CreateTrail leaves the trail not logging (the Terraform provider starts it,
//!   so the seeder calls StartLogging); GetEventSelectors answers empty; DescribeTrails ignores
//!   trailNameList and answers every trail of the region.
//! - Lambda: CreateFunction takes any bytes as a zip; the seeder still sends a real one.
//! - CloudWatch: aws-sdk-cloudwatch from 1.100 on speaks only RPC v2 CBOR, which moto does not
//!   route (HTTP 404 on /service/GraniteServiceVersion20100801/operation/...); it takes Query and
//!   JSON 1.0. The workspace pins 1.99 (Query), so PutMetricAlarm goes through the SDK.

mod aurora;
mod backup;
mod core;
mod drift;
mod failover;
mod health;
mod iam;
mod kms;
mod monitoring;
mod names;
mod network;
mod ops;
mod package;
mod replication;
mod s3;
mod secret;
mod storage;
mod trail;
mod unlisted;

use std::collections::BTreeMap;

use stackproof::dr::outputs as o;
use stackproof_harness::deployment::Suffix;

pub use stackproof::dr::mutants::ALL as MUTANTS;
use stackproof_harness::mutation::Mutant;

use crate::mutant::Mutants;
use crate::{SeedError, Seeder};
use names::Names;

pub const PRIMARY_REGION: &str = "eu-west-2";
pub const DR_REGION: &str = "eu-west-1";
/// The CDKTF stack name: `cdktf deploy --outputs-file` keys the outputs by it.
pub const STACK_NAME: &str = "healthcare-dr";
/// The `Project` default tag.
pub const PROJECT: &str = "healthcare-dr";
pub const PRIMARY_CIDR: &str = "10.0.0.0/16";
pub const DR_CIDR: &str = "10.1.0.0/16";
pub const ENGINE: &str = "aurora-postgresql";
pub const ENGINE_VERSION: &str = "15.3";
/// The recovery point objective, 15 minutes, in the replication lag alarm's milliseconds.
pub const RPO_MS: f64 = 15.0 * 60.0 * 1000.0;

/// The outputs every deployment writes: the keys of stacks/dr/v1/outputs.yml (the seeder builds
/// v1, which states no StackVersion; v2 is not seeded yet).
pub const OUTPUT_KEYS: &[&str] = o::V1;

/// The DR mutant called `name`; an unknown name lists the known ones.
pub fn mutant(name: &str) -> Result<&'static Mutant, SeedError> {
    crate::mutant::find(&MUTANTS, name)
}

/// One of the layout's two regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Primary,
    Dr,
}

impl Side {
    /// The word main.ts puts in the side's resource names.
    pub fn name(self) -> &'static str {
        match self {
            Side::Primary => "primary",
            Side::Dr => "dr",
        }
    }

    pub fn region(self) -> &'static str {
        match self {
            Side::Primary => PRIMARY_REGION,
            Side::Dr => DR_REGION,
        }
    }
}

/// What every layer works with: both regions' clients, the resources' names, the mutants asked
/// for, and the outputs gathered so far.
pub(crate) struct Layout {
    pub primary: Seeder,
    pub dr: Seeder,
    pub suffix: Suffix,
    pub names: Names,
    pub mutants: Mutants,
    pub outputs: BTreeMap<String, String>,
}

impl Layout {
    pub fn has(&self, mutant: &Mutant) -> bool {
        self.mutants.has(mutant)
    }

    /// The clients of a side's region.
    pub fn at(&self, side: Side) -> &Seeder {
        match side {
            Side::Primary => &self.primary,
            Side::Dr => &self.dr,
        }
    }

    pub fn output(&mut self, key: &str, value: impl Into<String>) {
        self.outputs.insert(key.to_owned(), value.into());
    }

    /// The provider's default tags (main.ts `defaultTags`), then the resource's own.
    pub fn tags(&self, own: &[(&str, &str)]) -> Vec<(String, String)> {
        [("EnvironmentSuffix", self.suffix.as_str()), ("Project", PROJECT)]
            .iter()
            .chain(own)
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }
}

/// Seeds the DR layout under `suffix` in both regions of the emulator at `endpoint`, applies the
/// mutants, and returns the layout's outputs (lists comma-separated). A suffix that is already
/// seeded is refused before anything is created.
pub async fn deploy(endpoint: &str, suffix: &Suffix, mutants: &Mutants) -> Result<BTreeMap<String, String>, SeedError> {
    let mut layout = Layout {
        primary: Seeder::new(endpoint, PRIMARY_REGION).await?,
        dr: Seeder::new(endpoint, DR_REGION).await?,
        suffix: suffix.clone(),
        names: Names::of(suffix),
        mutants: mutants.clone(),
        outputs: BTreeMap::new(),
    };
    if already_seeded(&layout).await {
        return Err(SeedError::AlreadySeeded { suffix: suffix.to_string(), stack: STACK_NAME.to_owned() });
    }
    // Boxed: each layer's future is large, and debug builds run it on a test thread's stack.
    let core = Box::pin(core::deploy(&mut layout)).await?;
    Box::pin(storage::deploy(&mut layout, &core)).await?;
    Box::pin(ops::deploy(&mut layout, &core)).await?;
    Box::pin(unlisted::deploy(&layout)).await?;
    if let Some(missing) = OUTPUT_KEYS.iter().find(|k| !layout.outputs.contains_key(**k)) {
        return Err(SeedError::Api {
            step: "outputs".into(),
            detail: format!("the seeder made no value for output {missing}"),
        });
    }
    for mutant in layout.mutants.iter() {
        Box::pin(drift::apply(&layout, mutant)).await?;
    }
    Ok(layout.outputs)
}

/// Whether this suffix's layout (or the start of it) is already in the emulator: the first
/// resource seeded (the replication role), the primary bucket or the primary cluster exists.
async fn already_seeded(l: &Layout) -> bool {
    let (p, n) = (&l.primary, &l.names);
    let role = p.iam.get_role().role_name(n.replication_role()).send();
    let bucket = p.s3.head_bucket().bucket(n.data_bucket(Side::Primary)).send();
    let cluster = p.rds.describe_db_clusters().db_cluster_identifier(n.cluster(Side::Primary)).send();
    let (role, bucket, cluster) = tokio::join!(role, bucket, cluster);
    role.is_ok() || bucket.is_ok() || cluster.is_ok()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use stackproof::dr::mutants as m;

    use super::*;

    #[test]
    fn mutant_names_are_unique_and_unknown_names_list_the_known_ones() {
        let mut names = BTreeSet::new();
        for m in MUTANTS.iter() {
            assert!(names.insert(m.name), "{} twice", m.name);
            assert_eq!(mutant(m.name).unwrap().name, m.name);
            assert!(
                m.unlisted().is_some() || OUTPUT_KEYS.contains(&m.output),
                "{} names output {}, which the layout lacks",
                m.name,
                m.output
            );
        }
        assert_eq!(MUTANTS.len(), 141);
        let err = mutant("dr-key-off").unwrap_err().to_string();
        assert!(
            err.contains("dr-key-off")
                && err.contains(m::DR_KEY_DISABLED.name)
                && err.contains(m::DR_BUCKET_UNSUFFIXED.name),
            "{err}"
        );
        // The HIPAA catalogue is another one.
        assert!(mutant(stackproof::hipaa::mutants::KMS_KEY_DISABLED.name).is_err());
    }

    #[test]
    fn output_keys_are_the_contracts() {
        let yaml = include_str!("../../../../stacks/dr/v1/outputs.yml");
        let contract = stackproof_harness::deployment::Contract::parse("dr", yaml).unwrap();
        let contract_keys: BTreeSet<&str> = contract.outputs.keys().map(String::as_str).collect();
        let ours: BTreeSet<&str> = OUTPUT_KEYS.iter().copied().collect();
        assert_eq!(ours, contract_keys);
        assert_eq!(OUTPUT_KEYS.len(), 32);
        assert_eq!(contract.stack_name, STACK_NAME);
        assert_eq!(contract.regions.get("primary").map(String::as_str), Some(PRIMARY_REGION));
        assert_eq!(contract.regions.get("dr").map(String::as_str), Some(DR_REGION));
    }

    #[test]
    fn unknown_mutants_are_refused_before_anything_is_created() {
        // Names resolve before any client exists: nothing can have been created.
        let err = Mutants::resolve(&["nope"], &MUTANTS).unwrap_err();
        assert!(matches!(err, SeedError::UnknownMutant { .. }), "{err}");
    }
}
