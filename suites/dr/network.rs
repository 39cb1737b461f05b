//! The two VPCs: the planned, non-overlapping ranges (every block associated with them), private
//! subnets over two zones that hand out no public addresses, and database groups (the one the
//! outputs name and every group attached to the region's cluster) that admit PostgreSQL from
//! inside their VPC only, prefix lists resolved to their entries. Every other group of the layout
//! (any other in its VPCs, and any its default tags mark elsewhere in either region) protects
//! nothing the layout names, so it is held to what the HIPAA stack holds every group to: nothing
//! from the internet.

use std::collections::BTreeSet;

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::ec2::{Network, SecurityGroup};
use stackproof_harness::kit::fact::judge_named;

use crate::shared::discovery::Failure;
use crate::shared::network::{
    inside_vpc, open_to_world, outside_groups_open_to_world, subnet_absent, subnets_assign_no_ipv6,
    subnets_map_no_public_ip,
};
use stackproof_harness::facts::discovery::SECURITY_GROUP;

use super::DrFacts;
use super::facts::core::{Side, SideNetwork};
use super::mutants;

/// This service's checks, in report order.
pub const CHECKS: &[Check<DrFacts>] =
    &[VPCS_USE_PLANNED_CIDRS, PRIVATE_SUBNETS_SPAN_TWO_AZS, PRIVATE_SUBNETS_NO_PUBLIC_IP, DB_SECURITY_GROUPS_VPC_ONLY];

const POSTGRES_PORT: i32 = 5432;

fn planned_cidr(side: Side) -> &'static str {
    match side {
        Side::Primary => "10.0.0.0/16",
        Side::Dr => "10.1.0.0/16",
    }
}

/// Runs `judge` on each side's network, or reports why a side's network could not be read.
fn per_network(f: &DrFacts, property: &str, judge: impl Fn(&SideNetwork, &Network) -> Vec<Finding>) -> Vec<Finding> {
    f.core.networks.iter().flat_map(|side| judge_named(&side.vpc, property, |net| judge(side, net))).collect()
}

pub const VPCS_USE_PLANNED_CIDRS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "vpcs_use_planned_cidrs",
        service: "network",
        title: "The primary VPC is 10.0.0.0/16 and the DR VPC 10.1.0.0/16",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Medium,
        risk: "Overlapping ranges cannot be peered or routed between regions, so a failover cannot reach the data it needs.",
        remediation: "main.ts: primary_vpc cidrBlock 10.0.0.0/16 and dr_vpc cidrBlock 10.1.0.0/16 (Vpc), subnets inside them.",
    },
    claims: &[
        Claim {
            property: "CidrBlock",
            about: "The primary VPC's primary block is 10.0.0.0/16 and the DR VPC's 10.1.0.0/16",
            mutants: &[&mutants::DR_VPC_OVERLAPPING_CIDR],
            not_emulated: None,
        },
        Claim {
            property: "CidrBlockAssociationSet",
            about: "Neither VPC has any other IPv4 block associated with it (a secondary block can overlap the other region's range)",
            mutants: &[&mutants::PRIMARY_VPC_SECONDARY_CIDR],
            not_emulated: None,
        },
    ],
    run: vpcs_use_planned_cidrs,
};

fn vpcs_use_planned_cidrs(f: &DrFacts) -> Vec<Finding> {
    per_network(f, "CidrBlock", |side, net| {
        let want = planned_cidr(side.side);
        let others: Vec<&str> = net.vpc.cidr_blocks.iter().map(String::as_str).filter(|c| *c != want).collect();
        vec![
            Finding::judge(
                &net.vpc.vpc_id,
                "CidrBlock",
                net.vpc.cidr_block == want,
                want,
                &net.vpc.cidr_block,
                &net.vpc,
            ),
            Finding::judge(
                &net.vpc.vpc_id,
                "CidrBlockAssociationSet",
                others.is_empty(),
                format!("{want} alone"),
                if others.is_empty() { want.to_owned() } else { net.vpc.cidr_blocks.join(", ") },
                &net.vpc,
            ),
        ]
    })
}

pub const PRIVATE_SUBNETS_SPAN_TWO_AZS: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "private_subnets_span_two_azs",
        service: "network",
        title: "Each region's private subnets span at least two availability zones",
        citations: &["45 CFR 164.308(a)(7)(ii)(B)", "45 CFR 164.308(a)(7)(ii)(C)"],
        severity: Severity::High,
        risk: "Subnets in one zone put the region's database in one zone: a zone outage takes the region down.",
        remediation: "main.ts: <side>_private_subnet_1/2 (Subnet) availabilityZone Fn.element(<side>_azs.names, 0/1), distinct zones.",
    },
    claims: &[Claim {
        property: "AvailabilityZone (distinct)",
        about: "In each region, the private subnets the outputs name (all in the region's VPC) span at least two availability zones",
        mutants: &[&mutants::DR_SUBNETS_ONE_AZ, &mutants::PRIMARY_SUBNETS_ONE_AZ],
        not_emulated: None,
    }],
    run: private_subnets_span_two_azs,
};

fn private_subnets_span_two_azs(f: &DrFacts) -> Vec<Finding> {
    const PROPERTY: &str = "AvailabilityZone (distinct)";
    per_network(f, PROPERTY, |side, net| {
        judge_named(&side.private_subnet_ids, PROPERTY, |ids| {
            let mut out = Vec::new();
            let mut zones = BTreeSet::new();
            let mut evidence = Vec::new();
            for id in ids {
                match net.subnet(id) {
                    Some(s) => {
                        zones.insert(s.availability_zone.as_str());
                        evidence.push(json!({"SubnetId": s.subnet_id, "AvailabilityZone": s.availability_zone}));
                    }
                    None => out.push(subnet_absent(id, net)),
                }
            }
            let list = zones.iter().copied().collect::<Vec<_>>().join(", ");
            out.push(Finding::judge(
                &net.vpc.vpc_id,
                PROPERTY,
                zones.len() >= 2,
                "at least 2 zones",
                format!("{} ({list})", zones.len()),
                &evidence,
            ));
            out
        })
    })
}

pub const PRIVATE_SUBNETS_NO_PUBLIC_IP: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "private_subnets_no_public_ip",
        service: "network",
        title: "No private subnet of either region gives instances public IP addresses",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.312(a)(1)"],
        severity: Severity::High,
        risk: "A database subnet that hands out public addresses puts PHI stores one security-group mistake from the internet.",
        remediation: "main.ts: <side>_private_subnet_1/2 (Subnet) mapPublicIpOnLaunch: false.",
    },
    claims: &[
        Claim {
            property: "MapPublicIpOnLaunch",
            about: "No private subnet the outputs name, in either region, launches instances with a public IPv4 address",
            mutants: &[&mutants::PRIMARY_SUBNET_PUBLIC_IP],
            not_emulated: None,
        },
        Claim {
            property: "AssignIpv6AddressOnCreation",
            about: "No private subnet the outputs name, in either region, launches instances with an IPv6 address (globally routable)",
            mutants: &[&mutants::DR_SUBNET_ASSIGNS_IPV6],
            not_emulated: None,
        },
    ],
    run: private_subnets_no_public_ip,
};

fn private_subnets_no_public_ip(f: &DrFacts) -> Vec<Finding> {
    per_network(f, "MapPublicIpOnLaunch", |side, net| {
        judge_named(&side.private_subnet_ids, "MapPublicIpOnLaunch", |ids| {
            let mut findings = subnets_map_no_public_ip(net, ids);
            findings.extend(subnets_assign_no_ipv6(net, ids));
            findings
        })
    })
}

pub const DB_SECURITY_GROUPS_VPC_ONLY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "db_security_groups_vpc_only",
        service: "network",
        title: "Each region's database security groups (the one the outputs name, and any other attached to the cluster) admit only PostgreSQL from their own VPC; no other group of the layout admits the internet",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "Ingress from outside the VPC exposes the PHI database (or its DR replica) to networks the layout never meant to trust.",
        remediation: "main.ts: <side>_db_sg (SecurityGroup) ingress only tcp 5432 from the VPC's own cidrBlock; no 0.0.0.0/0 or ::/0 ingress on any other SecurityGroup of the layout.",
    },
    claims: &[
        Claim {
            property: SOURCES,
            about: "Each region's database security group, and every group attached to the region's cluster, admits only sources inside its own VPC: ranges inside the VPC's blocks, prefix lists all of whose entries are, groups of the VPC; the group the outputs name admits at least one",
            mutants: &[
                &mutants::DR_DB_SG_OPEN,
                &mutants::PRIMARY_DB_SG_PREFIX_LIST_OUTSIDE_VPC,
                &mutants::DR_CLUSTER_EXTRA_OPEN_GROUP,
            ],
            not_emulated: None,
        },
        Claim {
            property: PORTS,
            about: "Every rule of those groups is tcp 5432 (PostgreSQL) and nothing else",
            mutants: &[&mutants::PRIMARY_DB_SG_EXTRA_PORT],
            not_emulated: None,
        },
        Claim {
            property: INTERNET,
            about: "Every other security group of the layout, in either region (any other group of its two VPCs, and any group its default tags mark outside them, such as one made without a vpcId in the region's default VPC), admits nothing from the internet: no rule from 0.0.0.0/0 or ::/0, nor from a prefix list holding one (resolved to its entries)",
            mutants: &[&mutants::DR_UNLISTED_GROUP_OPEN_TO_WORLD],
            not_emulated: None,
        },
    ],
    run: db_security_groups_vpc_only,
};

/// Where a database group's rules admit from.
const SOURCES: &str = "Ingress.Sources";
/// The protocols and ports a database group's rules admit.
const PORTS: &str = "Ingress.Ports";
/// Whether a group of the layout that guards no database admits the internet.
const INTERNET: &str = "Ingress.Internet";

fn db_security_groups_vpc_only(f: &DrFacts) -> Vec<Finding> {
    let mut findings = per_network(f, SOURCES, |side, net| {
        let mut findings = database_groups_vpc_only(f, side, net);
        findings.extend(other_groups_closed_to_internet(f, side, net));
        findings
    });
    findings.extend(groups_outside_vpcs_closed_to_internet(f));
    findings
}

/// The side's database groups: the one the outputs name, and every group attached to its cluster.
fn database_groups_vpc_only(f: &DrFacts, side: &SideNetwork, net: &Network) -> Vec<Finding> {
    let mut findings = judge_named(&side.db_security_group_id, SOURCES, |id| match net.security_group(id) {
        Some(group) => vpc_only_ingress(id, group, net, true),
        None => vec![Finding::judge(id, "GroupId", false, format!("a group of {}", net.vpc.vpc_id), "absent", &())],
    });
    // The groups actually attached to the region's cluster, besides the one the outputs name.
    let Some(cluster) = f.core.clusters.iter().find(|c| c.side == side.side) else { return findings };
    let output_group = side.db_security_group_id.value();
    findings.extend(judge_named(&cluster.cluster, "VpcSecurityGroups", |c| {
        c.vpc_security_groups
            .iter()
            .filter(|g| Some(*g) != output_group)
            .flat_map(|g| {
                let resource = format!("{g} (attached to {})", cluster.cluster.resource);
                match net.security_group(g) {
                    Some(group) => vpc_only_ingress(&resource, group, net, false),
                    None => vec![Finding::judge(
                        resource,
                        "GroupId",
                        false,
                        format!("a group of {}", net.vpc.vpc_id),
                        "absent",
                        &(),
                    )],
                }
            })
            .collect()
    }));
    findings
}

/// The ids of the groups [`database_groups_vpc_only`] judges on `side`, as far as they are known.
fn database_group_ids<'f>(f: &'f DrFacts, side: &'f SideNetwork) -> Vec<&'f str> {
    let attached = f.core.clusters.iter().filter(|c| c.side == side.side).filter_map(|c| c.cluster.fact.as_ref().ok());
    let attached = attached.flat_map(|c| c.vpc_security_groups.iter());
    side.db_security_group_id.value().into_iter().chain(attached).map(String::as_str).collect()
}

/// Every other group of the side's VPC guards no database: nothing from the internet. Named by
/// its id, its Name tag where the layout's tags mark it, its name and the VPC.
fn other_groups_closed_to_internet(f: &DrFacts, side: &SideNetwork, net: &Network) -> Vec<Finding> {
    let database = database_group_ids(f, side);
    let found = f.discovered_in(side.side).inventory.as_ref().ok();
    net.security_groups
        .iter()
        .filter(|g| !database.contains(&g.group_id.as_str()))
        .flat_map(|g| {
            let resource = match found.and_then(|i| i.find(SECURITY_GROUP, &g.group_id)) {
                Some(r) => format!("{} ({}: {}, in {})", g.group_id, r.logical_id, g.group_name, net.vpc.vpc_id),
                None => format!("{} ({}, in {})", g.group_id, g.group_name, net.vpc.vpc_id),
            };
            open_to_world(&net.prefix_lists, g, &resource, INTERNET, INTERNET)
        })
        .collect()
}

/// The groups the layout's tags mark outside its VPCs, region by region; a region whose discovery
/// failed is an error.
fn groups_outside_vpcs_closed_to_internet(f: &DrFacts) -> Vec<Finding> {
    f.core
        .networks
        .iter()
        .flat_map(|side| {
            let found = f.discovered_in(side.side);
            let mut findings =
                outside_groups_open_to_world(found, &side.vpc.fact, &side.groups_outside_vpc, INTERNET, INTERNET);
            findings.extend(found.failure(INTERNET));
            findings
        })
        .collect()
}

/// The group admits tcp 5432 only, from inside its VPC only; with `required`, it must admit
/// something (the group the outputs name is the database's way in).
fn vpc_only_ingress(resource: &str, group: &SecurityGroup, net: &Network, required: bool) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut outside = Vec::new();
    for rule in &group.ingress {
        match inside_vpc(net, rule) {
            Ok(true) => {}
            Ok(false) => outside.push(rule.to_string()),
            Err(why) => findings.push(Finding::error(resource, SOURCES, why)),
        }
    }
    let blocks = net.vpc.cidr_blocks.join(", ");
    let empty = group.ingress.is_empty();
    let sources = if empty {
        "no ingress at all".to_owned()
    } else if outside.is_empty() {
        format!("only sources inside {blocks}")
    } else {
        outside.join("; ")
    };
    findings.push(Finding::judge(
        resource,
        SOURCES,
        outside.is_empty() && !(required && empty),
        format!("sources inside the VPC ({blocks}) only"),
        sources,
        &json!({ "Group": group, "PrefixLists": net.prefix_lists }),
    ));
    let off_port: Vec<String> = group
        .ingress
        .iter()
        .filter(|r| !(r.ip_protocol == "tcp" && r.from_port == Some(POSTGRES_PORT) && r.to_port == Some(POSTGRES_PORT)))
        .map(ToString::to_string)
        .collect();
    findings.push(Finding::judge(
        resource,
        PORTS,
        off_port.is_empty(),
        format!("only tcp {POSTGRES_PORT}"),
        if off_port.is_empty() { "none other".to_owned() } else { off_port.join("; ") },
        group,
    ));
    findings
}
