//! Static checks on the disaster-recovery layout as `cdktf synth` writes it (Terraform JSON),
//! before anything is deployed. Each check walks the synthesized resources and emits one finding
//! per resource, naming `<type>.<logical id>` and the argument's dotted path; each has a mutation
//! that flips that argument in the synthesized layout and must make it fail.

pub mod aurora;
pub mod backup;
pub mod failover;
pub mod kms;
pub mod monitoring;
pub mod naming;
pub mod network;
pub mod storage;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

use serde_json::Value;
use stackproof_harness::Error;
use stackproof_harness::check::{Check, Facts, Finding};
use stackproof_harness::kit;
use stackproof_harness::source::terraform::{self, Resource, Synth};
use stackproof_harness::suite::InputOption;
use stackproof_harness::suite::TemplateSuite;

/// The primary region (provider `aws.primary`).
pub const PRIMARY_REGION: &str = "eu-west-2";
/// The disaster-recovery region (provider `aws.dr`).
pub const DR_REGION: &str = "eu-west-1";
/// The environment suffix the layout is synthesized with (`ENVIRONMENT_SUFFIX`).
pub const SYNTH_SUFFIX: &str = "dev";

/// The synthesized layout, read once.
pub struct SynthFacts {
    pub synth: Synth,
}

/// Every static check of the layout, in report order.
pub static CHECKS: &[Check<SynthFacts>] = &[
    kms::KMS_KEYS_ROTATE,
    aurora::AURORA_ENCRYPTED_WITH_REGION_KEY,
    aurora::AURORA_POSTGRESQL_SERVERLESS_V2,
    aurora::AURORA_GLOBAL_CLUSTER_SPANS_REGIONS,
    aurora::AURORA_PRIMARY_MULTI_AZ,
    aurora::AURORA_BACKUPS_RETAINED_OFF_PEAK,
    aurora::AURORA_POSTGRESQL_LOG_EXPORTED,
    aurora::AURORA_DESTROYABLE,
    aurora::AURORA_PASSWORD_IN_SECRETS_MANAGER,
    network::DB_SECURITY_GROUPS_POSTGRES_FROM_VPC,
    network::DB_SUBNETS_PRIVATE,
    storage::BUCKETS_VERSIONED,
    storage::BUCKETS_ENCRYPTED_WITH_REGION_KEY,
    storage::BUCKETS_PUBLIC_ACCESS_BLOCKED,
    storage::BUCKETS_TIER_AND_EXPIRE_VERSIONS,
    storage::BUCKET_REPLICATED_TO_DR,
    backup::BACKUP_VAULTS_ENCRYPTED_WITH_REGION_KEY,
    backup::BACKUP_PLAN_HOURLY_COPIED_TO_DR,
    backup::BACKUP_SELECTION_COVERS_PRIMARY_CLUSTER,
    monitoring::DATABASE_ALARMS_SET,
    monitoring::ALARMS_NOTIFY_TOPIC,
    monitoring::LOG_GROUPS_RETAINED,
    monitoring::LOG_GROUPS_ENCRYPTED_WITH_REGION_KEY,
    monitoring::CLOUDTRAIL_MULTI_REGION_VALIDATED,
    monitoring::REPLICATION_LAG_HEALTH_CHECK,
    failover::FAILOVER_LAMBDA_TRIGGERED_BY_ALERTS,
    failover::FAILOVER_POLICY_LEAST_PRIVILEGE,
    naming::NAMES_CARRY_SUFFIX,
];

pub struct DrSynth;

impl DrSynth {
    /// The CDKTF app's folder.
    pub fn app_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("stacks/dr/v1")
    }
}

impl TemplateSuite for DrSynth {
    type Facts = SynthFacts;

    fn name(&self) -> &'static str {
        "dr-synth"
    }

    fn stack(&self) -> &'static str {
        "dr"
    }

    fn input_option(&self) -> InputOption {
        InputOption::Synth
    }

    fn default_template(&self) -> PathBuf {
        Self::app_dir().join("cdktf.out/stacks/healthcare-dr/cdk.tf.json")
    }

    fn checks(&self) -> &'static [Check<SynthFacts>] {
        CHECKS
    }

    fn load(&self, path: &Path) -> Result<SynthFacts, Error> {
        if path == self.default_template() && !path.exists() {
            synthesize(path)?;
        }
        Ok(SynthFacts { synth: Synth::load(path)? })
    }
}

/// Runs `stacks/dr/v1/synth` (npm ci when needed, then `cdktf synth`) to write the default
/// synth, once even when several loads ask at the same time.
fn synthesize(path: &Path) -> Result<(), Error> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    if path.exists() {
        return Ok(());
    }
    let dir = DrSynth::app_dir();
    let script = dir.join("synth");
    let fail = |detail: String| Error::Template { path: path.to_owned(), detail };
    if !script.is_file() {
        return Err(fail(format!("does not exist and there is no {} to synthesize it", script.display())));
    }
    let out = Command::new("bash")
        .arg(&script)
        .current_dir(&dir)
        .env("ENVIRONMENT_SUFFIX", SYNTH_SUFFIX)
        .output()
        .map_err(|e| fail(format!("does not exist and {} could not be run: {e}", script.display())))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let last = stderr.lines().chain(stdout.lines()).rfind(|l| !l.trim().is_empty()).unwrap_or("no output");
        return Err(fail(format!("does not exist and {} failed ({}): {}", script.display(), out.status, last.trim())));
    }
    Ok(())
}

/// How a mutation breaks the synthesized layout for one check.
pub type Change = stackproof_harness::mutation::Change<Synth>;

/// A named breakage of the layout: the failing finding must name `resource` (`type.id`) and
/// `property` (the argument's dotted path).
pub type Mutation = stackproof_harness::mutation::Mutation<Synth>;

impl Facts for SynthFacts {
    type Mutant = Mutation;
}

// Shared helpers for the checks; the judgements every static suite makes are in `kit::source`.
pub use stackproof_harness::kit::source::{judge, judge_value, missing, per_resource};

/// A failing finding for a requirement no resource of the layout fulfils.
pub fn nothing_of(kind: &str, property: &str) -> Finding {
    kit::source::nothing_of::<Synth>(kind, property)
}

/// The region a resource is created in, for messages: `unknown` if its provider has none.
pub fn region<'s>(s: &'s Synth, r: &Resource) -> &'s str {
    s.region_of(r).unwrap_or("unknown")
}

/// True if the value refers to a KMS key of the layout created in `region`.
pub fn is_key_in(s: &Synth, v: Option<&Value>, region: &str) -> bool {
    s.referenced(v).is_some_and(|k| k.kind == "aws_kms_key" && s.region_of(&k) == Some(region))
}

/// Judges that `property` of `r` names a KMS key of the layout in r's own region.
pub fn judge_region_key(s: &Synth, r: &Resource, property: &str) -> Finding {
    let home = region(s, r);
    judge(r, property, is_key_in(s, r.prop(property), home), format!("a KMS key of this layout in {home}"))
}

/// True if the value refers to a resource of `kind` the layout creates.
pub fn refers_to(s: &Synth, v: Option<&Value>, kind: &str) -> bool {
    s.referenced(v).is_some_and(|r| r.kind == kind)
}

/// True if the value (a reference or a list of them) names the resource `target`.
pub fn names(v: Option<&Value>, target: &Resource) -> bool {
    v.is_some_and(|v| terraform::references(v).into_iter().any(|r| target.is(r)))
}

/// The resources of `kind` whose `property` names `target`: the versioning of a bucket, the
/// instances of a cluster.
pub fn companions<'s>(s: &'s Synth, kind: &'s str, property: &str, target: &Resource) -> Vec<Resource<'s>> {
    s.resources_of(kind).filter(|c| names(c.prop(property), target)).collect()
}

/// The path of a leaf inside the i-th of n blocks: `rule.transition` when there is one rule,
/// `rule.1.transition` when there are several.
pub fn block_path(base: &str, i: usize, n: usize, leaf: &str) -> String {
    if n == 1 { format!("{base}.{leaf}") } else { format!("{base}.{i}.{leaf}") }
}

/// A text value equals `want`.
pub fn is_text(v: Option<&Value>, want: &str) -> bool {
    v.and_then(Value::as_str) == Some(want)
}

/// The Aurora clusters of the primary region.
pub fn primary_clusters(s: &Synth) -> Vec<Resource<'_>> {
    s.resources_of("aws_rds_cluster").filter(|c| s.region_of(c) == Some(PRIMARY_REGION)).collect()
}

/// The buckets that hold data: every bucket but those CloudTrail writes its log files to.
pub fn data_buckets(s: &Synth) -> Vec<Resource<'_>> {
    s.resources_of("aws_s3_bucket")
        .filter(|b| !s.resources_of("aws_cloudtrail").any(|t| names(t.prop("s3_bucket_name"), b)))
        .collect()
}

#[cfg(test)]
mod tests;
