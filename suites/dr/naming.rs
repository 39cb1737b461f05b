//! Every name the layout outputs carries its environment suffix, so deployments never collide and
//! every resource can be traced to the deployment that owns it.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};

use crate::shared::naming::names_carry_suffix;

use super::DrFacts;
use super::mutants;
use super::outputs::{DR_REGION, PRIMARY_REGION};

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[RESOURCE_NAMES_CARRY_SUFFIX];

pub const RESOURCE_NAMES_CARRY_SUFFIX: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "resource_names_carry_suffix",
        service: "naming",
        title: "Every resource name the layout outputs carries the environment suffix",
        citations: &["45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "Resources without the suffix collide across deployments and cannot be attributed in an audit.",
        remediation: "main.ts: build every name with the suffix (e.g. dr_bucket bucket: `healthcare-data-${suffix}-dr`).",
    },
    claims: &[Claim {
        property: "Name",
        about: "Every resource name the layout outputs carries the environment suffix",
        mutants: &[&mutants::DR_BUCKET_UNSUFFIXED],
        not_emulated: None,
    }],
    run: resource_names_carry_suffix,
};

fn resource_names_carry_suffix(f: &DrFacts) -> Vec<Finding> {
    // The region outputs are names of regions, not of resources.
    let names = f.names.iter().filter(|n| ![PRIMARY_REGION, DR_REGION].contains(&n.output));
    names_carry_suffix(names, f.suffix.as_str())
}
