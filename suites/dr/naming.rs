//! Every name the layout outputs carries its environment suffix, so deployments never collide and
//! every resource can be traced to the deployment that owns it.

use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::deployment::OutputKind;

use super::mutants;
use super::outputs::{DR_REGION, PRIMARY_REGION};
use super::{CONTRACT, DrFacts};

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
    mutant: &mutants::DR_BUCKET_UNSUFFIXED,
    run: resource_names_carry_suffix,
};

fn resource_names_carry_suffix(f: &DrFacts) -> Vec<Finding> {
    let suffix = f.suffix.as_str();
    CONTRACT
        .outputs
        .iter()
        // The region outputs are names of regions, not of resources.
        .filter(|(key, spec)| spec.kind == OutputKind::Name && ![PRIMARY_REGION, DR_REGION].contains(&key.as_str()))
        .map(|(key, _)| match f.outputs.get(key) {
            Ok(name) => Finding::judge(
                name,
                "Name",
                name.contains(suffix),
                format!("a name containing {suffix:?}"),
                name,
                &serde_json::json!({ key: name }),
            ),
            Err(e) => Finding::error(key.as_str(), "Name", e),
        })
        .collect()
}
