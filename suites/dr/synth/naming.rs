//! Every name the layout gives carries the environment suffix, so deployments never collide and
//! every resource can be traced to the deployment that owns it.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, nothing_of};
use stackproof_harness::source::terraform::{Resource, Synth, reference};

use super::{Change, Mutation, SYNTH_SUFFIX, SynthFacts};
use crate::dr::naming::{self as live, PATTERN};

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

pub const APP_LOG_GROUP_SUFFIX_GLUED: Mutation = Mutation {
    name: "app-log-group-suffix-glued",
    resource: "aws_cloudwatch_log_group.app_log_group",
    property: "name",
    change: Change::Set(r#""/healthcare-dr/devapp""#),
};

pub const DR_SUBNET_NAME_UNSUFFIXED: Mutation = Mutation {
    name: "dr-subnet-name-unsuffixed",
    resource: "aws_subnet.dr_private_subnet_1",
    property: "tags.Name",
    change: Change::Set(r#""healthcare-dr-private-1""#),
};

pub const RESOURCE_NAMES_CARRY_SUFFIX: Check<SynthFacts> = Check {
    info: CheckInfo {
        title: "Every resource name the layout gives (buckets, clusters, functions and all other named resources) carries the environment suffix",
        remediation: "stacks/dr/v1: build every name from the suffix: `healthcare-db-${suffix}`, `healthcare-data-${suffix}-primary`.",
        ..live::RESOURCE_NAMES_CARRY_SUFFIX.info
    },
    claims: &[
        Claim {
            property: "bucket",
            about: "Every bucket name carries the suffix as a whole token",
            mutants: &[&PRIMARY_BUCKET_UNSUFFIXED],
            not_emulated: None,
        },
        Claim {
            property: "name",
            about: "Every other name argument (name, identifier, cluster_identifier, function_name, alarm_name, ...) carries it as a whole token, never glued inside a word",
            mutants: &[&APP_LOG_GROUP_SUFFIX_GLUED],
            not_emulated: None,
        },
        Claim {
            property: "tags.Name",
            about: "Every Name tag carries it as a whole token",
            mutants: &[&DR_SUBNET_NAME_UNSUFFIXED],
            not_emulated: None,
        },
    ],
    run: resource_names_carry_suffix,
};

fn names_of(r: &Resource) -> Vec<Finding> {
    NAME_PROPERTIES
        .iter()
        .filter_map(|p| Some((*p, r.prop(p)?)))
        .filter(|(_, v)| v.is_string() && reference(v).is_none())
        .map(|(p, v)| {
            judge(r, p, v.as_str().is_some_and(|n| PATTERN.follows(n, SYNTH_SUFFIX)), PATTERN.expected(SYNTH_SUFFIX))
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
