//! Every name the stack gives carries its EnvironmentSuffix, so deployments never collide and
//! every resource can be traced to the deployment that owns it.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::fact::judge_named;

use crate::shared::naming::names_carry_suffix;

use super::HipaaFacts;
use super::mutants;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[RESOURCE_NAMES_CARRY_SUFFIX];

pub const RESOURCE_NAMES_CARRY_SUFFIX: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "resource_names_carry_suffix",
        service: "naming",
        title: "Every name the stack outputs, and every Name tag of its network, carries the suffix",
        citations: &["45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "Resources without the suffix collide across deployments and cannot be attributed in an audit.",
        remediation: "template.yml: name every resource !Sub '{resource-type}-${EnvironmentSuffix}' (e.g. EcsLogGroup LogGroupName: !Sub '/hipaa/ecs-${EnvironmentSuffix}').",
    },
    claims: &[Claim {
        property: "Name",
        about: "Every name the stack outputs, and every Name tag of its network, carries the suffix",
        mutants: &[&mutants::NAME_WITHOUT_SUFFIX],
        not_emulated: None,
    }],
    run: resource_names_carry_suffix,
};

fn resource_names_carry_suffix(f: &HipaaFacts) -> Vec<Finding> {
    let suffix = f.suffix.as_str();
    let mut findings = names_carry_suffix(&f.names, suffix);
    findings.extend(judge_named(&f.network.vpc, "Tags.Name", |net| {
        let vpc = std::iter::once((&net.vpc.vpc_id, &net.vpc.tags));
        let subnets = net.subnets.iter().map(|s| (&s.subnet_id, &s.tags));
        // The VPC's default group is AWS's, not the stack's: only groups the stack named.
        let groups = net.security_groups.iter().filter(|g| g.group_name != "default").map(|g| (&g.group_id, &g.tags));
        vpc.chain(subnets)
            .chain(groups)
            .map(|(id, tags)| {
                let tag = tags.get("Name").map_or("no Name tag", String::as_str);
                Finding::judge(
                    id,
                    "Tags.Name",
                    tag.contains(suffix),
                    format!("a Name tag containing {suffix:?}"),
                    tag,
                    tags,
                )
            })
            .collect()
    }));
    findings
}
