//! The two VPCs: the planned, non-overlapping ranges, private subnets over two zones, and
//! database groups that admit PostgreSQL from inside their VPC only.

use std::collections::BTreeSet;

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::ec2::{Network, RuleSource};
use stackproof_harness::kit::fact::judge_named;

use crate::shared::network::{subnet_absent, subnets_map_no_public_ip};

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
    claims: &[Claim {
        property: "CidrBlock",
        about: "The primary VPC is 10.0.0.0/16 and the DR VPC 10.1.0.0/16",
        mutants: &[&mutants::DR_VPC_OVERLAPPING_CIDR],
        not_emulated: None,
    }],
    run: vpcs_use_planned_cidrs,
};

fn vpcs_use_planned_cidrs(f: &DrFacts) -> Vec<Finding> {
    per_network(f, "CidrBlock", |side, net| {
        let want = planned_cidr(side.side);
        vec![Finding::judge(
            &net.vpc.vpc_id,
            "CidrBlock",
            net.vpc.cidr_block == want,
            want,
            &net.vpc.cidr_block,
            &net.vpc,
        )]
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
        about: "Each region's private subnets span at least two availability zones",
        mutants: &[&mutants::DR_SUBNETS_ONE_AZ],
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
    claims: &[Claim {
        property: "MapPublicIpOnLaunch",
        about: "No private subnet of either region gives instances public IP addresses",
        mutants: &[&mutants::PRIMARY_SUBNET_PUBLIC_IP],
        not_emulated: None,
    }],
    run: private_subnets_no_public_ip,
};

fn private_subnets_no_public_ip(f: &DrFacts) -> Vec<Finding> {
    per_network(f, "MapPublicIpOnLaunch", |side, net| {
        judge_named(&side.private_subnet_ids, "MapPublicIpOnLaunch", |ids| subnets_map_no_public_ip(net, ids))
    })
}

pub const DB_SECURITY_GROUPS_VPC_ONLY: Check<DrFacts> = Check {
    info: CheckInfo {
        id: "db_security_groups_vpc_only",
        service: "network",
        title: "Each region's database security group admits only PostgreSQL from its own VPC",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "Ingress from outside the VPC exposes the PHI database (or its DR replica) to networks the layout never meant to trust.",
        remediation: "main.ts: <side>_db_sg (SecurityGroup) ingress only tcp 5432 from the VPC's own cidrBlock; no 0.0.0.0/0.",
    },
    claims: &[Claim {
        property: "Ingress",
        about: "Each region's database security group admits only PostgreSQL from its own VPC",
        mutants: &[&mutants::DR_DB_SG_OPEN],
        not_emulated: None,
    }],
    run: db_security_groups_vpc_only,
};

fn db_security_groups_vpc_only(f: &DrFacts) -> Vec<Finding> {
    per_network(f, "Ingress", |side, net| {
        judge_named(&side.db_security_group_id, "Ingress", |id| vec![vpc_only_ingress(id, net)])
    })
}

/// The database group `id` of `net` admits tcp 5432 from the VPC's own range and nothing else.
fn vpc_only_ingress(id: &str, net: &Network) -> Finding {
    let Some(group) = net.security_group(id) else {
        return Finding::judge(id, "GroupId", false, format!("a group of {}", net.vpc.vpc_id), "absent", &());
    };
    let vpc_cidr = net.vpc.cidr_block.as_str();
    let foreign: Vec<String> = group
        .ingress
        .iter()
        .filter(|r| {
            let inside = matches!(&r.source, RuleSource::CidrIpv4(c) if c == vpc_cidr);
            let postgres =
                r.ip_protocol == "tcp" && r.from_port == Some(POSTGRES_PORT) && r.to_port == Some(POSTGRES_PORT);
            !(inside && postgres)
        })
        .map(ToString::to_string)
        .collect();
    Finding::judge(
        id,
        "Ingress",
        foreign.is_empty() && !group.ingress.is_empty(),
        format!("only tcp {POSTGRES_PORT} from {vpc_cidr}"),
        if group.ingress.is_empty() {
            "no ingress at all".to_owned()
        } else if foreign.is_empty() {
            format!("tcp {POSTGRES_PORT} from {vpc_cidr}")
        } else {
            foreign.join("; ")
        },
        group,
    )
}
