//! The databases sit in private subnets behind security groups that admit only PostgreSQL from
//! their own VPC.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::{blocks, is_true, number};
use stackproof_harness::source::terraform::{Synth, reference};

use super::{Change, Mutation, SynthFacts, block_path, judge, judge_value, missing, per_resource};

pub const POSTGRES_PORT: f64 = 5432.0;

pub const PRIMARY_DB_SG_OPEN_TO_WORLD: Mutation = Mutation {
    name: "primary-db-sg-open-to-world",
    resource: "aws_security_group.primary_db_sg",
    property: "ingress.cidr_blocks",
    change: Change::Set(r#"["0.0.0.0/0"]"#),
};

pub const DR_SUBNET_MAPS_PUBLIC_IPS: Mutation = Mutation {
    name: "dr-subnet-maps-public-ips",
    resource: "aws_subnet.dr_private_subnet_1",
    property: "map_public_ip_on_launch",
    change: Change::Set("true"),
};

pub const DB_SECURITY_GROUPS_POSTGRES_FROM_VPC: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "db_security_groups_postgres_from_vpc_only",
        service: "ec2",
        title: "Every security group admits only TCP 5432 from its own VPC's CIDR",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.308(a)(4)(i)"],
        severity: Severity::Critical,
        risk: "A wider rule exposes the patient database to networks outside the VPC, or other services to the database tier.",
        remediation: "stacks/dr/v1: SecurityGroup primary_db_sg / dr_db_sg ingress: one rule, protocol tcp, fromPort = toPort = 5432, cidrBlocks: [the VPC's cidrBlock].",
    },
    mutant: &PRIMARY_DB_SG_OPEN_TO_WORLD,
    run: db_security_groups_postgres_from_vpc,
};

/// The CIDR a value names: a literal, or `${aws_vpc.x.cidr_block}` resolved to x's literal.
fn cidr<'s>(s: &'s Synth, v: &'s Value) -> Option<&'s str> {
    match reference(v) {
        Some((kind, id)) => s.resource(kind, id)?.prop("cidr_block")?.as_str(),
        None => v.as_str(),
    }
}

fn db_security_groups_postgres_from_vpc(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_security_group", "ingress", |g| {
        let vpc = s.referenced(g.prop("vpc_id")).filter(|v| v.kind == "aws_vpc");
        let Some(vpc_cidr) = vpc.and_then(|v| v.prop("cidr_block")).and_then(Value::as_str) else {
            return vec![judge(g, "vpc_id", false, "a VPC of this layout with a literal cidr_block")];
        };
        let rules = blocks(g.prop("ingress"));
        if rules.is_empty() {
            return vec![missing(g, "ingress", format!("a rule admitting tcp 5432 from {vpc_cidr}"))];
        }
        let n = rules.len();
        rules
            .iter()
            .enumerate()
            .flat_map(|(i, rule)| {
                let at = |leaf: &str| block_path("ingress", i, n, leaf);
                let port = |leaf: &str| number(rule.get(leaf)) == Some(POSTGRES_PORT);
                let protocol = rule.get("protocol").and_then(Value::as_str);
                let cidrs = blocks(rule.get("cidr_blocks"));
                let from_vpc = !cidrs.is_empty() && cidrs.iter().all(|c| cidr(s, c) == Some(vpc_cidr));
                let others: Vec<&str> = ["ipv6_cidr_blocks", "security_groups", "prefix_list_ids"]
                    .into_iter()
                    .filter(|k| !blocks(rule.get(*k)).is_empty())
                    .collect();
                let also = others.is_empty() && !is_true(rule.get("self"));
                vec![
                    judge_value(g, at("protocol"), rule.get("protocol"), matches!(protocol, Some("tcp" | "6")), "tcp"),
                    judge_value(g, at("from_port"), rule.get("from_port"), port("from_port"), POSTGRES_PORT),
                    judge_value(g, at("to_port"), rule.get("to_port"), port("to_port"), POSTGRES_PORT),
                    judge_value(g, at("cidr_blocks"), rule.get("cidr_blocks"), from_vpc, format!("[{vpc_cidr}]")),
                    judge_value(g, at("sources"), Some(rule), also, "no source besides cidr_blocks"),
                ]
            })
            .collect()
    })
}

pub const DB_SUBNETS_PRIVATE: Check<SynthFacts> = Check {
    info: CheckInfo {
        id: "db_subnets_private",
        service: "ec2",
        title: "Every DB subnet group spans two zones of subnets that never map public IPs",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::High,
        risk: "A database placed in a subnet that hands out public IPs can be reached from the internet.",
        remediation: "stacks/dr/v1: DbSubnetGroup subnetIds: the two private subnets of its VPC, each Subnet mapPublicIpOnLaunch: false, in different availabilityZone.",
    },
    mutant: &DR_SUBNET_MAPS_PUBLIC_IPS,
    run: db_subnets_private,
};

fn db_subnets_private(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    per_resource(s, "aws_db_subnet_group", "subnet_ids", |g| {
        let subnets: Vec<_> = blocks(g.prop("subnet_ids"))
            .into_iter()
            .filter_map(|v| s.referenced(Some(v)))
            .filter(|r| r.kind == "aws_subnet")
            .collect();
        let zones: Vec<_> = subnets.iter().map(|r| r.prop("availability_zone")).collect();
        let distinct = zones.iter().enumerate().all(|(i, z)| z.is_some() && !zones[..i].contains(z));
        let mut findings =
            vec![judge(g, "subnet_ids", subnets.len() >= 2 && distinct, "subnets of this layout in two or more zones")];
        for subnet in subnets {
            let public = is_true(subnet.prop("map_public_ip_on_launch"));
            findings.push(judge(&subnet, "map_public_ip_on_launch", !public, false));
        }
        findings
    })
}
