//! Every name the layout outputs carries its environment suffix, so deployments never collide and
//! every resource can be traced to the deployment that owns it.

use std::collections::BTreeMap;

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::kit::fact::judge_named;

use crate::shared::naming::{Pattern, names_follow};

use super::DrFacts;
use super::mutants;
use super::outputs::{DR_REGION, PRIMARY_REGION};

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] = &[RESOURCE_NAMES_CARRY_SUFFIX];

/// main.ts puts the suffix as a whole token, after a `-` or a `/` and before the end, a `-` or a
/// `/`: `healthcare-db-${suffix}`, `healthcare-data-${suffix}-primary`, `/healthcare-dr/${suffix}/app`.
pub const PATTERN: Pattern = Pattern {
    lead: &['-', '/'],
    trail: &['-', '/'],
    about: "{suffix} as a whole token (after - or /, before -, / or the end)",
};

pub const RESOURCE_NAMES_CARRY_SUFFIX: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "resource_names_carry_suffix",
        service: "naming",
        title: "Every resource name the layout outputs, and every name of its networks and database instances, carries the environment suffix as a whole token",
        citations: &["45 CFR 164.308(a)(1)(ii)(D)", "45 CFR 164.312(b)"],
        severity: Severity::Low,
        risk: "Resources without the suffix collide across deployments and cannot be attributed in an audit.",
        remediation: "main.ts: build every name with the suffix (e.g. dr_bucket bucket: `healthcare-data-${suffix}-dr`).",
    },
    claims: &[
        Claim {
            property: "Name",
            about: "Every output the contract calls a name (but the two region names) carries the suffix as a whole token, never glued inside a word",
            mutants: &[&mutants::DR_BUCKET_UNSUFFIXED, &mutants::APP_LOG_GROUP_SUFFIX_GLUED],
            not_emulated: None,
        },
        Claim {
            property: "Tags.Name",
            about: "In both regions, the Name tag of the VPC, of every subnet, of every route table but the main one and of every security group but the default one carries the suffix",
            mutants: &[&mutants::DR_SUBNET_NAME_UNSUFFIXED],
            not_emulated: None,
        },
        Claim {
            property: "GroupName",
            about: "In both regions, every security group's name (but the default one's) carries the suffix",
            mutants: &[&mutants::PRIMARY_DB_SG_NAME_UNSUFFIXED],
            not_emulated: None,
        },
        Claim {
            property: "DBInstanceIdentifier",
            about: "Every instance of both Aurora clusters carries the suffix",
            mutants: &[&mutants::DR_INSTANCE_UNSUFFIXED],
            not_emulated: None,
        },
    ],
    run: resource_names_carry_suffix,
};

fn resource_names_carry_suffix(f: &DrFacts) -> Vec<Finding> {
    let suffix = f.suffix.as_str();
    // The region outputs are names of regions, not of resources.
    let names = f.names.iter().filter(|n| ![PRIMARY_REGION, DR_REGION].contains(&n.output));
    let mut findings = names_follow(names, suffix, &PATTERN);
    for side in &f.core.networks {
        findings.extend(judge_named(&side.vpc, "Tags.Name", |net| {
            let mut tagged: Vec<(&String, &BTreeMap<String, String>)> = vec![(&net.vpc.vpc_id, &net.vpc.tags)];
            tagged.extend(net.subnets.iter().map(|s| (&s.subnet_id, &s.tags)));
            // The main route table and the default group are AWS's, made with the VPC.
            tagged.extend(net.route_tables.iter().filter(|t| !t.main).map(|t| (&t.route_table_id, &t.tags)));
            let groups: Vec<_> = net.security_groups.iter().filter(|g| g.group_name != "default").collect();
            tagged.extend(groups.iter().map(|g| (&g.group_id, &g.tags)));
            let mut out: Vec<Finding> = tagged
                .into_iter()
                .map(|(id, tags)| PATTERN.judge(id, "Tags.Name", tags.get("Name").map(String::as_str), suffix, tags))
                .collect();
            out.extend(groups.iter().map(|g| PATTERN.judge(&g.group_id, "GroupName", Some(&g.group_name), suffix, g)));
            out
        }));
    }
    for side in &f.core.clusters {
        findings.extend(judge_named(&side.instances, "DBInstanceIdentifier", |instances| {
            instances
                .iter()
                .map(|i| {
                    let resource = format!("{} (of {})", i.db_instance_identifier, side.instances.resource);
                    PATTERN.judge(&resource, "DBInstanceIdentifier", Some(&i.db_instance_identifier), suffix, i)
                })
                .collect()
        }));
    }
    findings
}
