//! The DR layout (stacks/dr, CDKTF) seeded into the emulator through the SDK in both of its
//! regions, in either version: v2, the current layout (stacks/dr/v2/main.ts), or v1 as deployed
//! (stacks/dr/v1/main.ts, with its known gaps). Every resource is named as main.ts names it, and
//! the named breakages (mutants) prove each live DR check can fail. `deploy` returns exactly the
//! outputs of the version's outputs.yml (32 in v1; v2 adds StackVersion and 7 more, 40);
//! `write_cdktf_outputs` writes them as `cdktf deploy --outputs-file` does.
//!
//! Layers follow the live suite's facts: `core` (IAM roles, keys, networks and, in v2, their flow
//! logs, the Aurora global database with, in v2, its parameter groups and log groups, and its
//! master secret), `storage` (S3 buckets and replication, in v2 the access log buckets, AWS
//! Backup), `ops` (topics, alarms, log groups, CloudTrail, the failover function, the Route53
//! health check). A layer only composes: each resource (or tight group) has its own module with a
//! plain spec struct, the data main.ts declares, built with the mutants that change it *before*
//! creation, and a small function that creates it from the spec (`kms`, `network`, `flow_log`,
//! `parameters`, `aurora`, `s3`, `access_logs`, ...). Names come from `names`. Breakages that exist
//! only after creation (a disabled key, a stopped trail) are `drift`, applied last to the
//! resources the outputs name. The mutants of what only v2 declares (`V2_ONLY`,
//! `stackproof::dr::mutants::audit`) are refused for a v1 layout.
//!
//! What v2 changes from v1 (stacks/dr/v2/README.md): the DR key's policy lets CloudWatch Logs of
//! its region, SNS and CloudWatch use it; a flow log role and, per side, a flow log group and an
//! ALL-traffic flow log; per side a cluster parameter group (TLS, pgaudit, connection logging)
//! each cluster runs with and a postgresql log group created before the cluster; per side an
//! access log bucket the data bucket logs to; the DR region's alerts topic, which the replication
//! lag alarm (now on the DR cluster, in the DR region) notifies and the failover function
//! subscribes to across regions; the health check reads the alarm in the DR region.
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
//! - RDS cluster parameter groups (v2): CreateDBClusterParameterGroup and
//!   ModifyDBClusterParameterGroup are kept (family, description, tags; a later Modify overwrites
//!   a value). DescribeDBClusterParameters answers only the parameters set on the group, with
//!   ParameterName, ParameterValue and ApplyMethod (no Source, no engine defaults: on AWS the
//!   group holds every parameter of the family, most with Source engine-default) and ignores
//!   its Source filter. CreateDBCluster takes any DBClusterParameterGroupName, even one that does
//!   not exist (AWS refuses it), and reads it back as DBClusterParameterGroup; a cluster created
//!   without one reads "default.aurora8.0" whatever its engine. Neither the parameters nor
//!   rds.force_ssl do anything: no database runs.
//! - RDS log export (v2): CreateDBCluster with EnableCloudwatchLogsExports creates no log group
//!   (AWS creates /aws/rds/cluster/<id>/postgresql, unencrypted and never expiring, at the first
//!   export if the layout has not): the DR database log group mutant is the group left out.
//! - Secrets Manager: AddReplicaRegions is kept and DescribeSecret reports ReplicationStatus
//!   (Status InSync), but the replica's KmsKeyId is dropped: it reads "alias/aws/secretsmanager".
//! - AWS Backup: CreateBackupSelection and ListBackupSelections answer HTTP 500 (not
//!   implemented), so the selection of the primary cluster is not seeded.
//! - S3 replication: DeleteMarkerReplication always reads Disabled, SourceSelectionCriteria is
//!   dropped; AWS would refuse RTC without Metrics, moto takes it.
//! - S3 server access logging (v2): PutBucketLogging refuses a target in another region or
//!   without the logging service's permission (a bucket policy statement for
//!   logging.s3.amazonaws.com allowing s3:PutObject on `<target>/<prefix>*`, or the LogDelivery
//!   group's ACL grants), as AWS does; but it answers HTTP 500 when the target's policy has a
//!   statement whose Principal is the string "*" (it reads every Principal as a map), as main.ts's
//!   DenyInsecureTransport is. So `access_logs` puts the delivery statement alone on the target,
//!   enables logging, and puts the target's policy back as main.ts declares it: the state read
//!   afterwards is main.ts's. GetBucketLogging answers TargetBucket and TargetPrefix as put. No
//!   access log is ever delivered.
//! - VPC flow logs (v2): CreateFlowLogs keeps TrafficType, LogDestinationType, LogDestination,
//!   DeliverLogsPermissionArn, MaxAggregationInterval and the vpc-flow-log tags, and DescribeFlowLogs
//!   filters by resource-id. With LogDestination (a log group ARN, as the Terraform provider sends
//!   main.ts's logDestination) moto looks the group up by LogGroupName, which is then empty, so it
//!   reads DeliverLogsStatus FAILED ("Access error") and no LogGroupName (AWS answers both
//!   LogGroupName and LogDestination); the seeder still sends LogDestination as main.ts does, and
//!   the harness's flow log fact takes the group from LogDestination when LogGroupName is empty.
//!   Nothing is ever delivered; the role is not assumed.
//! - SNS: a topic's lambda subscription to a function in another region is kept (moto checks no
//!   endpoint) and listed by ListSubscriptionsByTopic in the topic's region only, as on AWS.
//! - Route53: a CLOUDWATCH_METRIC health check loses AlarmIdentifier (v2: its region eu-west-1)
//!   and InsufficientDataHealthStatus (and gains Port 80); they are still sent as main.ts does.
//! - CloudTrail: CreateTrail leaves the trail not logging (the Terraform provider starts it,
//!   so the seeder calls StartLogging); GetEventSelectors answers empty; DescribeTrails ignores
//!   trailNameList and answers every trail of the region.
//! - Lambda: CreateFunction takes any bytes as a zip; the seeder still sends a real one.
//!   AddPermission takes a SourceArn of another region's topic, as AWS does.
//! - CloudWatch: aws-sdk-cloudwatch from 1.100 on speaks only RPC v2 CBOR, which moto does not
//!   route (HTTP 404 on /service/GraniteServiceVersion20100801/operation/...); it takes Query and
//!   JSON 1.0. The workspace pins 1.99 (Query), so PutMetricAlarm goes through the SDK.
//! - CloudWatch Logs: CreateLogGroup takes any KmsKeyId (AWS checks the key policy lets the
//!   region's logs service use it).

mod access_logs;
mod aurora;
mod backup;
mod core;
mod drift;
mod failover;
mod flow_log;
mod health;
mod iam;
mod kms;
mod monitoring;
mod names;
mod network;
mod ops;
mod package;
mod parameters;
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

/// The mutants of what only v2 declares (database TLS and audit logging, flow logs, access
/// logging, the DR region's alerts path), in `MUTANTS` too: refused for a v1 layout.
pub const V2_ONLY: &[&Mutant] = stackproof::dr::mutants::audit::ALL;

/// Which version of the layout to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutVersion {
    /// stacks/dr/v1 as deployed, with its known gaps: states no StackVersion.
    V1,
    /// stacks/dr/v2, the current layout: StackVersion = v2.
    V2,
}

impl LayoutVersion {
    /// The current layout: what a seeding builds unless told otherwise.
    pub const CURRENT: Self = Self::V2;

    /// The version as its contract and the StackVersion output spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
        }
    }

    /// The keys of the version's outputs.yml, exactly the outputs a deployment of it writes.
    pub fn output_keys(self) -> &'static [&'static str] {
        match self {
            Self::V1 => o::V1,
            Self::V2 => o::USED,
        }
    }
}

impl std::fmt::Display for LayoutVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

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
    pub version: LayoutVersion,
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

    /// Whether the layout is v2 (or later): what v2 adds is built.
    pub fn v2(&self) -> bool {
        self.version == LayoutVersion::V2
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

/// Seeds version `version` of the DR layout under `suffix` in both regions of the emulator at
/// `endpoint`, applies the mutants, and returns the layout's outputs (lists comma-separated):
/// exactly the keys of the version's outputs.yml. A suffix that is already seeded, or a v2-only
/// mutant for a v1 layout, is refused before anything is created.
pub async fn deploy(
    endpoint: &str,
    suffix: &Suffix,
    version: LayoutVersion,
    mutants: &Mutants,
) -> Result<BTreeMap<String, String>, SeedError> {
    if version == LayoutVersion::V1
        && let Some(m) = mutants.iter().find(|m| V2_ONLY.iter().any(|v2| v2.name == m.name))
    {
        return Err(SeedError::NotInLayout { mutant: m.name.to_owned(), version: version.to_string() });
    }
    let mut layout = Layout {
        version,
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
    if version == LayoutVersion::V2 {
        layout.output(o::STACK_VERSION, version.name());
    }
    let keys = version.output_keys();
    if let Some(missing) = keys.iter().find(|k| !layout.outputs.contains_key(**k)) {
        return Err(SeedError::Api {
            step: "outputs".into(),
            detail: format!("the seeder made no value for output {missing}"),
        });
    }
    if let Some(extra) = layout.outputs.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(SeedError::Api {
            step: "outputs".into(),
            detail: format!("the seeder made output {extra}, which {version}'s outputs.yml does not declare"),
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
            // Every mutant breaks what the current layout declares.
            assert!(
                m.unlisted().is_some() || LayoutVersion::CURRENT.output_keys().contains(&m.output),
                "{} names output {}, which the layout lacks",
                m.name,
                m.output
            );
        }
        assert_eq!(MUTANTS.len(), 163);
        assert_eq!(V2_ONLY.len(), 20);
        assert!(V2_ONLY.iter().all(|v2| names.contains(v2.name)), "a v2-only mutant the catalogue lacks");
        let err = mutant("dr-key-off").unwrap_err().to_string();
        assert!(
            err.contains("dr-key-off")
                && err.contains(m::DR_KEY_DISABLED.name)
                && err.contains(m::DR_BUCKET_UNSUFFIXED.name)
                && err.contains(m::PRIMARY_FORCE_SSL_OFF.name),
            "{err}"
        );
        // The HIPAA catalogue is another one.
        assert!(mutant(stackproof::hipaa::mutants::KMS_KEY_DISABLED.name).is_err());
    }

    #[test]
    fn output_keys_are_the_contracts() {
        let contracts = [
            (LayoutVersion::V1, include_str!("../../../../stacks/dr/v1/outputs.yml"), 32),
            (LayoutVersion::V2, include_str!("../../../../stacks/dr/v2/outputs.yml"), 40),
        ];
        for (version, yaml, count) in contracts {
            let contract = stackproof_harness::deployment::Contract::parse("dr", yaml).unwrap();
            let contract_keys: BTreeSet<&str> = contract.outputs.keys().map(String::as_str).collect();
            let ours: BTreeSet<&str> = version.output_keys().iter().copied().collect();
            assert_eq!(ours, contract_keys, "{version}");
            assert_eq!(version.output_keys().len(), count, "{version}");
            assert_eq!(contract.version, version.name());
            assert_eq!(contract.stack_name, STACK_NAME);
            assert_eq!(contract.regions.get("primary").map(String::as_str), Some(PRIMARY_REGION));
            assert_eq!(contract.regions.get("dr").map(String::as_str), Some(DR_REGION));
        }
        assert_eq!(LayoutVersion::CURRENT, LayoutVersion::V2);
    }

    #[test]
    fn v2_only_mutants_are_refused_for_v1_before_anything_is_created() {
        // The endpoint answers nothing: the refusal comes before any client is used.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let suffix = Suffix::parse("v1-audit").unwrap();
        let mutants = Mutants::of(&[&m::PRIMARY_FORCE_SSL_OFF]);
        let err = rt.block_on(deploy("http://127.0.0.1:9", &suffix, LayoutVersion::V1, &mutants)).unwrap_err();
        assert!(
            matches!(&err, SeedError::NotInLayout { mutant, version } if mutant == m::PRIMARY_FORCE_SSL_OFF.name && version == "v1"),
            "{err}"
        );
    }

    #[test]
    fn unknown_mutants_are_refused_before_anything_is_created() {
        // Names resolve before any client exists: nothing can have been created.
        let err = Mutants::resolve(&["nope"], &MUTANTS).unwrap_err();
        assert!(matches!(err, SeedError::UnknownMutant { .. }), "{err}");
    }
}
