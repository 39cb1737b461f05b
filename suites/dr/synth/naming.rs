//! Every name the layout gives carries the environment suffix, so environments never collide.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::terraform::{Resource, reference};

use super::{Change, Mutation, SYNTH_SUFFIX, SynthFacts, judge, nothing_of};

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

pub const NAMES_CARRY_SUFFIX: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "names_carry_suffix",
        service: "terraform",
        title: "Every bucket, cluster, function and other named resource carries the environment suffix",
        citations: &["45 CFR 164.308(a)(4)(i)", "45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "Names without the suffix collide between environments and blur which environment's data store or audit trail is which.",
        remediation: "stacks/dr/v1: build every name from environmentSuffix: `healthcare-db-${environmentSuffix}`.",
    },
    mutant: &PRIMARY_BUCKET_UNSUFFIXED,
    run: names_carry_suffix,
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

fn names_carry_suffix(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings: Vec<Finding> = s.resources().flat_map(|r| names_of(&r)).collect();
    for (kind, property) in MUST_BE_NAMED {
        let named = s.resources_of(kind).any(|r| r.prop(property).is_some_and(Value::is_string));
        if !named {
            findings.push(nothing_of(&format!("{kind} with a literal {property}"), property));
        }
    }
    findings
}
