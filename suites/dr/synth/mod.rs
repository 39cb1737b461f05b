//! Static checks on the disaster-recovery layout as `cdktf synth` writes it (Terraform JSON),
//! before anything is deployed. Each check walks the synthesized resources and emits one finding
//! per resource, naming `<type>.<logical id>` and the argument's dotted path; each has a mutation
//! that flips that argument in the synthesized layout and must make it fail.
//!
//! The files and services are the live suite's (`suites/dr/*.rs`), and a check that judges a
//! requirement the live suite also judges carries the live check's id and service (its metadata
//! is the live check's, with a remediation for the source), so a report can say a requirement was
//! proven before and after deploy. Requirements only the source can show (`aurora_destroyable`,
//! ...) keep ids of their own.

pub mod audit;
pub mod aurora;
pub mod backup;
pub mod cloudtrail;
pub mod deploy;
pub mod failover;
pub mod kms;
pub mod logs;
pub mod monitoring;
pub mod naming;
pub mod network;
pub mod s3;
pub mod secrets;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{LazyLock, Mutex, PoisonError};

use serde_json::Value;
use stackproof_harness::Error;
use stackproof_harness::check::{Check, Facts, Finding};
use stackproof_harness::kit::policy::Policy;
use stackproof_harness::kit::source::judge;
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

/// Every static check of the layout, in report order: the live suite's service order, each
/// service module listing its own.
pub static CHECKS: LazyLock<Vec<Check<SynthFacts>>> = LazyLock::new(|| {
    [
        deploy::CHECKS,
        kms::CHECKS,
        network::CHECKS,
        audit::NETWORK_CHECKS,
        aurora::CHECKS,
        audit::AURORA_CHECKS,
        secrets::CHECKS,
        s3::CHECKS,
        audit::S3_CHECKS,
        backup::CHECKS,
        monitoring::CHECKS,
        logs::CHECKS,
        cloudtrail::CHECKS,
        failover::CHECKS,
        naming::CHECKS,
    ]
    .concat()
});

pub struct DrSynth;

/// The layout version the static suite checks when no `--synth` is given: the current one.
/// Every version is judged by the same checks, the current requirements (see audit.rs).
pub const CURRENT_VERSION: &str = "v2";

impl DrSynth {
    /// The CDKTF app's folder of the current version.
    pub fn app_dir() -> PathBuf {
        Self::app_dir_of(CURRENT_VERSION)
    }

    /// The CDKTF app's folder of `version` (`v1`, `v2`).
    pub fn app_dir_of(version: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("stacks/dr").join(version)
    }

    /// Where `version`'s synth script writes its layout.
    pub fn synth_of(version: &str) -> PathBuf {
        Self::app_dir_of(version).join("cdktf.out/stacks/healthcare-dr/cdk.tf.json")
    }

    /// The layout of `version`, synthesized when missing.
    pub fn load_version(version: &str) -> Result<SynthFacts, Error> {
        let path = Self::synth_of(version);
        if !path.exists() {
            synthesize(&Self::app_dir_of(version), &path)?;
        }
        DrSynth.read(&path)
    }

    fn read(&self, path: &Path) -> Result<SynthFacts, Error> {
        let mut synth = Synth::load(path)?;
        synth.deployed_by = deploy::documented_deploys(Path::new(env!("CARGO_MANIFEST_DIR")))?;
        Ok(SynthFacts { synth })
    }
}

/// The version a synthesized layout states (its `StackVersion` output); v1 states none.
pub fn version_of(s: &Synth) -> String {
    s.body.pointer("/output/StackVersion/value").and_then(Value::as_str).unwrap_or("v1").to_owned()
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
        Self::synth_of(CURRENT_VERSION)
    }

    fn checks(&self) -> &'static [Check<SynthFacts>] {
        &CHECKS
    }

    fn load(&self, path: &Path) -> Result<SynthFacts, Error> {
        if path == self.default_template() && !path.exists() {
            synthesize(&Self::app_dir(), path)?;
        }
        self.read(path)
    }
}

/// Runs `stacks/dr/<version>/synth` (npm ci when needed, then `cdktf synth`) to write its
/// synth, once even when several loads ask at the same time.
fn synthesize(dir: &Path, path: &Path) -> Result<(), Error> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    if path.exists() {
        return Ok(());
    }
    let script = dir.join("synth");
    let fail = |detail: String| Error::Template { path: path.to_owned(), detail };
    if !script.is_file() {
        return Err(fail(format!("does not exist and there is no {} to synthesize it", script.display())));
    }
    let out = Command::new("bash")
        .arg(&script)
        .current_dir(dir)
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
    judge_key_in(s, r, property, region(s, r))
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

/// The buckets that hold data: every bucket but those CloudTrail writes its log files to and
/// those S3 writes server access logs to (v2).
pub fn data_buckets(s: &Synth) -> Vec<Resource<'_>> {
    s.resources_of("aws_s3_bucket")
        .filter(|b| !s.resources_of("aws_cloudtrail").any(|t| names(t.prop("s3_bucket_name"), b)))
        .filter(|b| !is_access_log_bucket(s, b))
        .collect()
}

/// True if `b` is one of the layout's server access log buckets (v2: `<side>_access_log_bucket`;
/// logical ids are part of the layout's contract). Told by id, not by what logs to it, so a
/// layout that stops logging does not turn its log bucket into a data bucket. S3 delivers access
/// logs only to SSE-S3 buckets, so these are not under a KMS key.
pub fn is_access_log_bucket(_s: &Synth, b: &Resource) -> bool {
    b.kind == "aws_s3_bucket" && b.id.ends_with("_access_log_bucket")
}

/// The log groups of the audit records v2 adds: VPC flow logs (an `aws_flow_log` delivers to
/// them) and the Aurora clusters' exported postgresql logs (`/aws/rds/cluster/...`). They live
/// in each region under that region's key and are kept a year; the other checks of log groups
/// judge the application's and the failover function's.
/// Told by name, not by what writes to them, so a layout that stops writing does not turn them
/// into application log groups.
pub fn is_audit_log_group(_s: &Synth, g: &Resource) -> bool {
    g.prop("name")
        .and_then(Value::as_str)
        .is_some_and(|n| n.starts_with("/aws/rds/cluster/") || n.contains("/flow-logs/"))
}

/// The judge of `property` of `r` naming a KMS key of the layout in `region` (the resource's own
/// region, or a fixed one such as the primary region).
pub fn judge_key_in(s: &Synth, r: &Resource, property: &str, region: &str) -> Finding {
    judge(r, property, is_key_in(s, r.prop(property), region), format!("a KMS key of this layout in {region}"))
}

/// A policy document as the synth declares it: a JSON string (the layout's `JSON.stringify`, with
/// `${...}` references inside strings) or an object. None if it is neither, or is an expression
/// (`${jsonencode(...)}`) that only Terraform can evaluate.
pub fn policy_document(v: Option<&Value>) -> Option<Policy> {
    let document = match v? {
        Value::String(text) => serde_json::from_str::<Value>(text).ok()?,
        object @ Value::Object(_) => object.clone(),
        _ => return None,
    };
    document.is_object().then(|| Policy::parse(&document))
}

/// The text of a policy's value with every plain reference to a resource attribute
/// (`${aws_s3_bucket.b.arn}`) replaced by what `stand_in` says it stands for; other expressions
/// are kept verbatim, so they match nothing but themselves.
pub fn resolve_references(text: &str, stand_in: impl Fn(&str, &str, &str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find('}') else {
            out.push_str(after);
            return out;
        };
        let expression = &after[..=end];
        let inner = &expression[2..expression.len() - 1];
        let parts: Vec<&str> = inner.split('.').collect();
        let replaced = match parts.as_slice() {
            [kind, id, attribute] => stand_in(kind, id, attribute),
            _ => None,
        };
        out.push_str(replaced.as_deref().unwrap_or(expression));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Rewrites one resource's policy document (a JSON string) with `edit`, for mutations.
pub fn edit_policy(s: &mut Synth, kind: &str, id: &str, property: &str, edit: impl FnOnce(&mut Value)) {
    let Some(body) = s.resource_mut(kind, id) else { panic!("no resource {kind}.{id}") };
    let text = body[property].as_str().unwrap_or_else(|| panic!("{kind}.{id}.{property} is not a JSON string"));
    let mut doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{kind}.{id}.{property}: {e}"));
    edit(&mut doc);
    body[property] = Value::String(doc.to_string());
}

#[cfg(test)]
mod tests;
