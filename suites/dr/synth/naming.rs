//! Every name the layout gives carries the environment suffix, so deployments never collide and
//! every resource can be traced to the deployment that owns it.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, nothing_of};
use stackproof_harness::source::terraform::{Resource, Synth, reference};

use super::{Change, Mutation, SYNTH_SUFFIX, SynthFacts};
use crate::dr::naming as live;

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] = &[RESOURCE_NAMES_CARRY_SUFFIX];

/// Arguments that give a resource its name, for any type. A reference to another resource's
/// attribute (a bucket's `bucket` of `${aws_s3_bucket.x.id}`) names that resource, not a new one.
pub const NAME_PROPERTIES: &[&str] = &[
    "alarm_name",
    "bucket",
    "cluster_identifier",
    "function_name",
    "global_cluster_identifier",
    "identifier",
    "name",
    "rule_name",
    "tags.Name",
];

/// The kinds whose names the requirement singles out: at least one of each must be judged.
pub const MUST_BE_NAMED: &[(&str, &str)] =
    [("aws_s3_bucket", "bucket"), ("aws_rds_cluster", "cluster_identifier"), ("aws_lambda_function", "function_name")]
        .as_slice();

pub const PRIMARY_BUCKET_UNSUFFIXED: Mutation = Mutation {
    name: "primary-bucket-unsuffixed",
    resource: "aws_s3_bucket.primary_bucket",
    property: "bucket",
    change: Change::Set(r#""healthcare-data-primary""#),
};

pub const RESOURCE_NAMES_CARRY_SUFFIX: Check<SynthFacts> = Check {
    info: CheckInfo {
        title: "Every resource name the layout gives (buckets, clusters, functions and all other named resources) carries the environment suffix",
        remediation: "stacks/dr/v1: build every name from the suffix: `healthcare-db-${suffix}`, `healthcare-data-${suffix}-primary`.",
        ..live::RESOURCE_NAMES_CARRY_SUFFIX.info
    },
    claims: &[Claim {
        property: "bucket",
        about: "Every resource name the layout gives (buckets, clusters, functions and all other named resources) carries the environment suffix",
        mutants: &[&PRIMARY_BUCKET_UNSUFFIXED],
        not_emulated: None,
    }],
    run: resource_names_carry_suffix,
};

fn names_of(r: &Resource) -> Vec<Finding> {
    NAME_PROPERTIES
        .iter()
        .filter_map(|p| Some((*p, r.prop(p)?)))
        .filter(|(_, v)| v.is_string() && reference(v).is_none())
        .map(|(p, v)| {
            judge(
                r,
                p,
                v.as_str().is_some_and(|n| n.contains(SYNTH_SUFFIX)),
                format!("a name containing {SYNTH_SUFFIX}"),
            )
        })
        .collect()
}

fn resource_names_carry_suffix(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings: Vec<Finding> = s.resources().flat_map(|r| names_of(&r)).collect();
    for (kind, property) in MUST_BE_NAMED {
        let named = s.resources_of(kind).any(|r| r.prop(property).is_some_and(Value::is_string));
        if !named {
            findings.push(nothing_of::<Synth>(&format!("{kind} with a literal {property}"), property));
        }
    }
    findings
}
