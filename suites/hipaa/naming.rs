//! Every name the stack gives carries its EnvironmentSuffix, so deployments never collide and
//! every resource can be traced to the deployment that owns it.

use std::collections::BTreeMap;

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::ec2::Network;
use stackproof_harness::kit::fact::judge_named;

use crate::shared::naming::{Pattern, names_follow};

use super::HipaaFacts;
use super::mutants;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[RESOURCE_NAMES_CARRY_SUFFIX];

/// The template names every resource `{resource-type}-${EnvironmentSuffix}`: the suffix after a
/// dash, at the end of the name (or before a `/` in a log group path:
/// `/aws/rds/cluster/aurora-cluster-${EnvironmentSuffix}/audit`).
pub const PATTERN: Pattern = Pattern { lead: &['-'], trail: &['/'], about: "-{suffix} at its end (or before a /)" };

pub const RESOURCE_NAMES_CARRY_SUFFIX: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "resource_names_carry_suffix",
        service: "naming",
        title: "Every name the stack outputs, and every name and Name tag of its network, ends in -<suffix>",
        citations: &["45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "Resources without the suffix collide across deployments and cannot be attributed in an audit.",
        remediation: "template.yml: name every resource !Sub '{resource-type}-${EnvironmentSuffix}' (e.g. EcsLogGroup LogGroupName: !Sub '/hipaa/ecs-${EnvironmentSuffix}').",
    },
    claims: &[
        Claim {
            property: "Name",
            about: "Every output the contract calls a name ends in -<suffix>: the suffix as the name's last token, not anywhere inside it",
            mutants: &[&mutants::NAME_WITHOUT_SUFFIX, &mutants::NAME_SUFFIX_GLUED],
            not_emulated: None,
        },
        Claim {
            property: "Tags.Name",
            about: "The Name tag of every resource of the VPC ends in -<suffix>: the VPC, its subnets, route tables (but the main one, which AWS makes), internet and NAT gateways, the NAT gateways' Elastic IPs, security groups (but the default one) and flow logs",
            mutants: &[&mutants::NAT_EIP_NAME_UNSUFFIXED, &mutants::ROUTE_TABLE_NAME_SUFFIX_INSIDE],
            not_emulated: None,
        },
        Claim {
            property: "GroupName",
            about: "Every security group of the VPC (but the default one) has a GroupName ending in -<suffix>",
            mutants: &[&mutants::GROUP_NAME_UNSUFFIXED],
            not_emulated: None,
        },
    ],
    run: resource_names_carry_suffix,
};

fn resource_names_carry_suffix(f: &HipaaFacts) -> Vec<Finding> {
    let suffix = f.suffix.as_str();
    let mut findings = names_follow(&f.names, suffix, &PATTERN);
    findings.extend(judge_named(&f.network.vpc, "Tags.Name", |net| network_names(net, suffix)));
    findings
}

/// The Name tag of everything the stack made in its VPC, and the names of its security groups.
fn network_names(net: &Network, suffix: &str) -> Vec<Finding> {
    let mut tagged: Vec<(String, &BTreeMap<String, String>)> = vec![(net.vpc.vpc_id.clone(), &net.vpc.tags)];
    tagged.extend(net.subnets.iter().map(|s| (s.subnet_id.clone(), &s.tags)));
    // The main route table and the default group are AWS's, made with the VPC, not the stack's.
    tagged.extend(net.route_tables.iter().filter(|t| !t.main).map(|t| (t.route_table_id.clone(), &t.tags)));
    tagged.extend(net.internet_gateways.iter().map(|g| (g.internet_gateway_id.clone(), &g.tags)));
    tagged.extend(net.nat_gateways.iter().map(|n| (n.nat_gateway_id.clone(), &n.tags)));
    let groups: Vec<_> = net.security_groups.iter().filter(|g| g.group_name != "default").collect();
    tagged.extend(groups.iter().map(|g| (g.group_id.clone(), &g.tags)));
    tagged.extend(net.flow_logs.iter().map(|l| (l.flow_log_id.clone(), &l.tags)));
    let mut findings: Vec<Finding> = Vec::new();
    match &net.addresses {
        // An Elastic IP is named by the NAT gateway that holds it.
        Ok(addresses) => tagged.extend(addresses.iter().map(|a| {
            let nat = net.nat_gateways.iter().find(|n| n.allocation_ids.contains(&a.allocation_id));
            let holder = nat.map_or_else(String::new, |n| format!(" (of {})", n.nat_gateway_id));
            (format!("{}{holder}", a.allocation_id), &a.tags)
        })),
        Err(e) => {
            findings.push(Finding::error(&net.vpc.vpc_id, "Tags.Name", format!("the NAT gateways' Elastic IPs: {e}")))
        }
    }
    findings.extend(
        tagged
            .iter()
            .map(|(id, tags)| PATTERN.judge(id, "Tags.Name", tags.get("Name").map(String::as_str), suffix, tags)),
    );
    findings.extend(groups.iter().map(|g| PATTERN.judge(&g.group_id, "GroupName", Some(&g.group_name), suffix, g)));
    findings
}
