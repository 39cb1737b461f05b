//! The HIPAA stack's reference deployment (stacks/hipaa/v1), seeded layer by layer through the
//! SDK, and the named breakages (mutants) that prove each live check can fail.
//!
//! Each resource is made by a small function from a plain spec (names, CIDRs, ports, settings as
//! the template declares them); a mutant that the catalogue describes as made at creation changes
//! the spec before the resource exists. A mutant described as an API call on the deployed
//! resource (DisableKey, ModifyDBCluster, UpdateService, ...) is drift: a small function each
//! layer applies after creating its resources, in the order the mutants were asked for.

pub mod app;
pub mod data;
pub mod names;
pub mod network;
pub(crate) mod tags;

#[cfg(test)]
mod shape;

use std::collections::BTreeMap;

use aws_sdk_cloudformation::types::Tag as CfnTag;
use serde_json::json;
use stackproof_harness::deployment::Suffix;
use stackproof_harness::mutation::Mutant;

use crate::{SeedError, Seeder, step};

pub const REGION: &str = "eu-central-1";
pub const VPC_CIDR: &str = "10.0.0.0/16";
pub const APP_PORT: i32 = 8080;
pub const DB_PORT: i32 = 3306;
pub const CACHE_PORT: i32 = 6379;
pub const NFS_PORT: i32 = 2049;

/// Planted in every seeded secret value: no report may ever contain it.
pub use crate::canary::SECRET_CANARY;

pub use crate::mutant::Mutants;
pub use network::security_groups::SecurityGroups;
pub use stackproof::hipaa::mutants::ALL as MUTANTS;

/// The HIPAA mutant called `name`; an unknown name lists the known ones.
pub fn mutant(name: &str) -> Result<&'static Mutant, SeedError> {
    crate::mutant::find(&MUTANTS, name)
}

impl Mutants {
    /// The HIPAA mutants called `names`.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, SeedError> {
        Self::resolve(names, &MUTANTS)
    }
}

/// What the network layer made, for the layers above it; `outputs` gathers every layer's outputs.
pub struct Base {
    pub suffix: Suffix,
    /// The region's first two zones, as the template's `!Select [0|1, !GetAZs '']`.
    pub zones: [String; 2],
    pub vpc: String,
    pub public_subnets: [String; 2],
    pub private_subnets: [String; 2],
    pub data_key: String,
    pub logs_key: String,
    /// The existing key the secrets are encrypted with (SecretsKeyArn): the task roles decrypt
    /// through it.
    pub secrets_key: String,
    pub sg: SecurityGroups,
    pub audit_log_group: String,
    pub ecs_log_group: String,
    pub api_access_log_group: String,
    /// ARNs of the pre-existing secrets (credentials and API keys with the Redis auth token).
    pub db_secret: String,
    pub api_secret: String,
    pub outputs: BTreeMap<String, String>,
}

impl Base {
    /// Adds a layer's outputs.
    pub fn add_outputs<const N: usize>(&mut self, outputs: [(&'static str, String); N]) {
        self.outputs.extend(outputs.into_iter().map(|(k, v)| (k.to_owned(), v)));
    }
}

/// How to seed beyond the mutants.
#[derive(Debug, Clone, Default)]
pub struct SeedOptions {
    /// The secrets' key and both secrets, made elsewhere (by the README's procedure, say): the
    /// stack is seeded around them. None: the seeder makes them as that procedure does.
    pub existing: Option<network::secrets::Existing>,
}

/// Seeds every layer, applies the mutants, registers `TapStack<suffix>` with the outputs, and
/// returns them.
pub async fn deploy(s: &Seeder, suffix: &Suffix, mutants: &Mutants) -> Result<BTreeMap<String, String>, SeedError> {
    deploy_with(s, suffix, mutants, &SeedOptions::default()).await
}

/// `deploy`, with `options`.
pub async fn deploy_with(
    s: &Seeder,
    suffix: &Suffix,
    mutants: &Mutants,
    options: &SeedOptions,
) -> Result<BTreeMap<String, String>, SeedError> {
    network::secrets::check_given(options.existing.as_ref(), mutants)?;
    let stack_name = names::stack(suffix);
    if s.cloudformation.describe_stacks().stack_name(&stack_name).send().await.is_ok() {
        return Err(SeedError::AlreadySeeded { suffix: suffix.to_string(), stack: stack_name });
    }
    let mut base = network::deploy(s, suffix, mutants, options).await?;
    data::deploy(s, &mut base, mutants).await?;
    app::deploy(s, &mut base, mutants).await?;
    register_stack(s, &stack_name, suffix, &base.outputs).await?;
    Ok(base.outputs)
}

/// The region's first two availability zones, sorted by name.
async fn first_two_zones(ec2: &aws_sdk_ec2::Client) -> Result<[String; 2], SeedError> {
    let zones = ec2.describe_availability_zones().send().await.map_err(step("DescribeAvailabilityZones"))?;
    let mut zones: Vec<String> = zones.availability_zones().iter().filter_map(|z| z.zone_name.clone()).collect();
    zones.sort();
    match zones.as_slice() {
        [a, b, ..] => Ok([a.clone(), b.clone()]),
        _ => Err(SeedError::Api { step: "DescribeAvailabilityZones".into(), detail: "fewer than two zones".into() }),
    }
}

/// The account of an ARN (`arn:aws:<service>:<region>:<account>:...`).
fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4)
}

/// Registers a CloudFormation stack whose Outputs name the seeded resources, so DescribeStacks
/// answers as it would for a real deployment. Its only resource is a no-op.
async fn register_stack(
    s: &Seeder,
    name: &str,
    suffix: &Suffix,
    outputs: &BTreeMap<String, String>,
) -> Result<(), SeedError> {
    let template = json!({
        "Description": "stackproof emulator stand-in for stacks/hipaa/v1: outputs of the seeded resources",
        "Resources": { "Seeded": { "Type": "AWS::CloudFormation::WaitConditionHandle" } },
        "Outputs": outputs.iter().map(|(k, v)| (k.clone(), json!({ "Value": v }))).collect::<serde_json::Map<_, _>>(),
    });
    s.cloudformation
        .create_stack()
        .stack_name(name)
        .template_body(template.to_string())
        .tags(CfnTag::builder().key(tags::SUFFIX).value(suffix.as_str()).build())
        .send()
        .await
        .map_err(step("CreateStack"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackproof::hipaa::mutants as m;

    #[test]
    fn mutant_names_are_unique_and_unknown_names_list_the_known_ones() {
        let names: Vec<&str> = MUTANTS.iter().map(|m| m.name).collect();
        for name in &names {
            assert_eq!(names.iter().filter(|n| *n == name).count(), 1, "{name} twice");
            assert_eq!(mutant(name).unwrap().name, *name);
        }
        let err = mutant("kms-off").unwrap_err().to_string();
        assert!(
            err.contains("kms-off") && err.contains(m::KMS_ROTATION_OFF.name) && err.contains(m::NAT_MISSING.name),
            "{err}"
        );
    }
}
