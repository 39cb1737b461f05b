//! The two VPCs: the planned, non-overlapping ranges, private subnets over two zones that never
//! hand out public addresses, and database security groups that admit PostgreSQL from their own
//! VPC only.
//!
//! The private subnets are those the database subnet groups place the clusters in (and any subnet
//! tagged `Tier: private`): the subnets the live suite reads from the private subnet outputs.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, judge_value, missing, nothing_of, per_resource};
use stackproof_harness::source::json::{blocks, is_true, number};
use stackproof_harness::source::terraform::{Resource, Synth, reference};

use super::{Change, DR_REGION, Mutation, PRIMARY_REGION, SynthFacts, block_path, companions, is_text, names, region};
use crate::dr::network as live;
use crate::shared::network::within;

/// This service's checks, in report order.
pub const CHECKS: &[Check<SynthFacts>] =
    &[VPCS_USE_PLANNED_CIDRS, PRIVATE_SUBNETS_SPAN_TWO_AZS, PRIVATE_SUBNETS_NO_PUBLIC_IP, DB_SECURITY_GROUPS_VPC_ONLY];

pub const POSTGRES_PORT: f64 = 5432.0;

/// The planned range of each region's VPC.
pub const PLANNED_CIDRS: [(&str, &str); 2] = [(PRIMARY_REGION, "10.0.0.0/16"), (DR_REGION, "10.1.0.0/16")];

pub const DR_VPC_OVERLAPPING_CIDR: Mutation = Mutation {
    name: "dr-vpc-overlapping-cidr",
    resource: "aws_vpc.dr_vpc",
    property: "cidr_block",
    change: Change::Custom(dr_network_in_primary_range),
};

pub const PRIMARY_VPC_SECONDARY_CIDR: Mutation = Mutation {
    name: "primary-vpc-secondary-cidr",
    resource: "aws_vpc.primary_vpc",
    property: "cidr_block_associations",
    change: Change::Custom(primary_vpc_gains_the_dr_range),
};

pub const DR_SUBNETS_ONE_AZ: Mutation = Mutation {
    name: "dr-subnets-one-az",
    resource: "aws_subnet.dr_private_subnet_2",
    property: "availability_zone",
    change: Change::Custom(dr_subnets_in_one_zone),
};

pub const PRIMARY_SUBNETS_ONE_AZ: Mutation = Mutation {
    name: "primary-subnets-one-az",
    resource: "aws_subnet.primary_private_subnet_2",
    property: "availability_zone",
    change: Change::Custom(primary_subnets_in_one_zone),
};

pub const PRIMARY_SUBNET_ASSIGNS_IPV6: Mutation = Mutation {
    name: "primary-subnet-assigns-ipv6",
    resource: "aws_subnet.primary_private_subnet_2",
    property: "assign_ipv6_address_on_creation",
    change: Change::Set("true"),
};

pub const DR_DB_SG_EXTRA_PORT: Mutation = Mutation {
    name: "dr-db-sg-extra-port",
    resource: "aws_security_group.dr_db_sg",
    property: "ingress.to_port",
    change: Change::Set("5439"),
};

pub const DR_DB_SG_FROM_OPEN_PREFIX_LIST: Mutation = Mutation {
    name: "dr-db-sg-from-open-prefix-list",
    resource: "aws_security_group.dr_db_sg",
    property: "ingress.sources",
    change: Change::Custom(dr_db_sg_admits_an_open_prefix_list),
};

/// The primary VPC gains the DR range as a secondary block.
fn primary_vpc_gains_the_dr_range(s: &mut Synth) {
    s.body["resource"]["aws_vpc_ipv4_cidr_block_association"]["primary_secondary"] = serde_json::json!({
        "cidr_block": "10.1.0.0/16",
        "provider": "aws.primary",
        "vpc_id": "${aws_vpc.primary_vpc.id}",
    });
}

/// A prefix list of the layout holding 0.0.0.0/0, admitted by the DR database group's rule.
fn dr_db_sg_admits_an_open_prefix_list(s: &mut Synth) {
    s.body["resource"]["aws_ec2_managed_prefix_list"]["open"] = serde_json::json!({
        "address_family": "IPv4",
        "entry": [{ "cidr": "0.0.0.0/0" }],
        "max_entries": 1,
        "name": "healthcare-dr-open-dev",
        "provider": "aws.dr",
    });
    let Some(group) = s.resource_mut("aws_security_group", "dr_db_sg") else { panic!("no dr_db_sg") };
    group["ingress"][0]["prefix_list_ids"] = serde_json::json!(["${aws_ec2_managed_prefix_list.open.id}"]);
}

pub const DR_SUBNET_MAPS_PUBLIC_IPS: Mutation = Mutation {
    name: "dr-subnet-maps-public-ips",
    resource: "aws_subnet.dr_private_subnet_1",
    property: "map_public_ip_on_launch",
    change: Change::Set("true"),
};

pub const PRIMARY_DB_SG_OPEN_TO_WORLD: Mutation = Mutation {
    name: "primary-db-sg-open-to-world",
    resource: "aws_security_group.primary_db_sg",
    property: "ingress.cidr_blocks",
    change: Change::Set(r#"["0.0.0.0/0"]"#),
};

/// Moves the whole DR network (VPC, subnets, security group rules) into the primary's range, so
/// only the plan of non-overlapping ranges is broken, not the layout's consistency.
fn dr_network_in_primary_range(s: &mut Synth) {
    for (kind, id) in [
        ("aws_vpc", "dr_vpc"),
        ("aws_subnet", "dr_private_subnet_1"),
        ("aws_subnet", "dr_private_subnet_2"),
        ("aws_security_group", "dr_db_sg"),
    ] {
        let Some(body) = s.resource_mut(kind, id) else { panic!("no resource {kind}.{id}") };
        let moved = body.to_string().replace("\"10.1.", "\"10.0.");
        *body = serde_json::from_str(&moved).unwrap_or_else(|e| panic!("{kind}.{id}: {e}"));
    }
}

/// Puts the second subnet of `side` in the first one's zone.
fn subnets_in_one_zone(s: &mut Synth, side: &str) {
    let (first, second) = (format!("{side}_private_subnet_1"), format!("{side}_private_subnet_2"));
    let zone = s.resource("aws_subnet", &first).and_then(|r| r.prop("availability_zone")).cloned();
    let Some(second) = s.resource_mut("aws_subnet", &second) else { panic!("no {side}_private_subnet_2") };
    second["availability_zone"] = zone.unwrap_or(Value::Null);
}

fn dr_subnets_in_one_zone(s: &mut Synth) {
    subnets_in_one_zone(s, "dr");
}

fn primary_subnets_in_one_zone(s: &mut Synth) {
    subnets_in_one_zone(s, "primary");
}

pub const VPCS_USE_PLANNED_CIDRS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: Vpc primary_vpc cidrBlock 10.0.0.0/16 (aws.primary) and dr_vpc cidrBlock 10.1.0.0/16 (aws.dr), their Subnet cidrBlock inside them.",
        ..live::VPCS_USE_PLANNED_CIDRS.info
    },
    claims: &[
        Claim {
            property: "cidr_block",
            about: "The primary VPC is 10.0.0.0/16 and the DR VPC 10.1.0.0/16",
            mutants: &[&DR_VPC_OVERLAPPING_CIDR],
            not_emulated: None,
        },
        Claim {
            property: "cidr_block_associations",
            about: "No aws_vpc_ipv4_cidr_block_association adds another IPv4 block to either VPC",
            mutants: &[&PRIMARY_VPC_SECONDARY_CIDR],
            not_emulated: None,
        },
    ],
    run: vpcs_use_planned_cidrs,
};

fn vpcs_use_planned_cidrs(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings = Vec::new();
    for (home, _) in PLANNED_CIDRS {
        if !s.resources_of("aws_vpc").any(|v| s.region_of(&v) == Some(home)) {
            findings.push(nothing_of::<Synth>(&format!("aws_vpc in {home}"), "cidr_block"));
        }
    }
    for v in s.resources_of("aws_vpc") {
        let planned = PLANNED_CIDRS.iter().find(|(r, _)| s.region_of(&v) == Some(r)).map(|(_, cidr)| *cidr);
        findings.push(match planned {
            Some(cidr) => judge(&v, "cidr_block", is_text(v.prop("cidr_block"), cidr), cidr),
            None => judge(&v, "provider", false, format!("a VPC in {PRIMARY_REGION} or {DR_REGION}")),
        });
        let added: Vec<Value> = companions(s, "aws_vpc_ipv4_cidr_block_association", "vpc_id", &v)
            .iter()
            .map(|a| serde_json::json!({ a.address(): a.prop("cidr_block") }))
            .collect();
        findings.push(judge_value(
            &v,
            "cidr_block_associations",
            Some(&Value::Array(added.clone())),
            added.is_empty(),
            "no secondary IPv4 block",
        ));
    }
    findings
}

/// The subnets of a DB subnet group that the layout creates.
fn group_subnets<'s>(s: &'s Synth, group: &Resource) -> Vec<Resource<'s>> {
    blocks(group.prop("subnet_ids"))
        .into_iter()
        .filter_map(|v| s.referenced(Some(v)))
        .filter(|r| r.kind == "aws_subnet")
        .collect()
}

/// A failing finding for each region without a DB subnet group.
fn regions_without_subnet_group(s: &Synth, property: &str) -> Vec<Finding> {
    [PRIMARY_REGION, DR_REGION]
        .into_iter()
        .filter(|home| !s.resources_of("aws_db_subnet_group").any(|g| s.region_of(&g) == Some(home)))
        .map(|home| nothing_of::<Synth>(&format!("aws_db_subnet_group in {home}"), property))
        .collect()
}

pub const PRIVATE_SUBNETS_SPAN_TWO_AZS: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: DbSubnetGroup primary_db_subnet_group / dr_db_subnet_group subnetIds: the two private Subnet of its VPC, <side>_private_subnet_1/2 availabilityZone Fn.element(<side>_azs.names, 0/1).",
        ..live::PRIVATE_SUBNETS_SPAN_TWO_AZS.info
    },
    claims: &[Claim {
        property: "availability_zone",
        about: "Each region's private subnets span at least two availability zones",
        mutants: &[&DR_SUBNETS_ONE_AZ, &PRIMARY_SUBNETS_ONE_AZ],
        not_emulated: None,
    }],
    run: private_subnets_span_two_azs,
};

fn private_subnets_span_two_azs(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings = regions_without_subnet_group(s, "subnet_ids");
    for g in s.resources_of("aws_db_subnet_group") {
        let subnets = group_subnets(s, &g);
        findings.push(judge(&g, "subnet_ids", subnets.len() >= 2, "at least 2 subnets of this layout"));
        for subnet in &subnets {
            let zone = subnet.prop("availability_zone");
            let shared = subnets.iter().any(|o| o.id != subnet.id && o.prop("availability_zone") == zone);
            let ok = zone.is_some_and(|z| !z.is_null()) && !shared;
            findings.push(judge(
                subnet,
                "availability_zone",
                ok,
                format!("a zone no other subnet of {} uses", g.address()),
            ));
        }
    }
    findings
}

pub const PRIVATE_SUBNETS_NO_PUBLIC_IP: Check<SynthFacts> = Check {
    info: CheckInfo {
        remediation: "stacks/dr/v1: every private Subnet (<side>_private_subnet_1/2) mapPublicIpOnLaunch: false.",
        ..live::PRIVATE_SUBNETS_NO_PUBLIC_IP.info
    },
    claims: &[
        Claim {
            property: "map_public_ip_on_launch",
            about: "No private subnet of either region launches instances with a public IPv4 address",
            mutants: &[&DR_SUBNET_MAPS_PUBLIC_IPS],
            not_emulated: None,
        },
        Claim {
            property: "assign_ipv6_address_on_creation",
            about: "No private subnet of either region launches instances with an IPv6 address",
            mutants: &[&PRIMARY_SUBNET_ASSIGNS_IPV6],
            not_emulated: None,
        },
    ],
    run: private_subnets_no_public_ip,
};

/// The private subnets: those of a DB subnet group, and those tagged `Tier: private`.
fn private_subnets(s: &Synth) -> Vec<Resource<'_>> {
    s.resources_of("aws_subnet")
        .filter(|subnet| {
            is_text(subnet.prop("tags.Tier"), "private")
                || s.resources_of("aws_db_subnet_group").any(|g| names(g.prop("subnet_ids"), subnet))
        })
        .collect()
}

fn private_subnets_no_public_ip(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let subnets = private_subnets(s);
    if subnets.is_empty() {
        return vec![nothing_of::<Synth>("aws_subnet in a DB subnet group", "map_public_ip_on_launch")];
    }
    subnets
        .iter()
        .flat_map(|subnet| {
            [
                judge(subnet, "map_public_ip_on_launch", !is_true(subnet.prop("map_public_ip_on_launch")), false),
                judge(
                    subnet,
                    "assign_ipv6_address_on_creation",
                    !is_true(subnet.prop("assign_ipv6_address_on_creation")),
                    false,
                ),
            ]
        })
        .collect()
}

pub const DB_SECURITY_GROUPS_VPC_ONLY: Check<SynthFacts> = Check {
    info: CheckInfo {
        // Before deploy, the groups the clusters use; the layout's other groups are judged live.
        title: "Each region's database security groups (the ones the clusters use) admit only PostgreSQL from their own VPC",
        remediation: "stacks/dr/v1: SecurityGroup primary_db_sg / dr_db_sg (the clusters' vpcSecurityGroupIds) ingress: one rule, protocol tcp, fromPort = toPort = 5432, cidrBlocks: [the VPC's cidrBlock]; no other SecurityGroupRule or VpcSecurityGroupIngressRule on them.",
        ..live::DB_SECURITY_GROUPS_VPC_ONLY.info
    },
    claims: &[
        Claim {
            property: "ingress.cidr_blocks",
            about: "Every rule of every group the clusters use admits only its VPC's own range",
            mutants: &[&PRIMARY_DB_SG_OPEN_TO_WORLD],
            not_emulated: None,
        },
        Claim {
            property: "ingress.sources",
            about: "Those rules admit no other source: no IPv6 range, no group, not self, and prefix lists only of the layout, every entry inside the VPC",
            mutants: &[&DR_DB_SG_FROM_OPEN_PREFIX_LIST],
            not_emulated: None,
        },
        Claim {
            property: "ingress.to_port",
            about: "Those rules are tcp 5432 alone (protocol, from_port and to_port)",
            mutants: &[&DR_DB_SG_EXTRA_PORT],
            not_emulated: None,
        },
    ],
    run: db_security_groups_vpc_only,
};

/// The CIDR a value names: a literal, or `${aws_vpc.x.cidr_block}` resolved to x's literal.
fn cidr<'s>(s: &'s Synth, v: &'s Value) -> Option<&'s str> {
    match reference(v) {
        Some((kind, id)) => s.resource(kind, id)?.prop("cidr_block")?.as_str(),
        None => v.as_str(),
    }
}

/// A prefix list of the layout whose every entry lies inside `vpc_cidr`; a list the layout does
/// not create, or an entry it does not write, cannot be verified.
fn prefix_list_inside(s: &Synth, list: &Value, vpc_cidr: &str) -> bool {
    let Some(list) = s.referenced(Some(list)).filter(|l| l.kind == "aws_ec2_managed_prefix_list") else { return false };
    let entries = blocks(list.prop("entry"));
    !entries.is_empty()
        && entries.iter().all(|e| e.get("cidr").and_then(Value::as_str).is_some_and(|c| within(c, vpc_cidr)))
}

/// The security groups the Aurora clusters use, each once.
fn database_groups(s: &Synth) -> Vec<Resource<'_>> {
    let mut groups: Vec<Resource> = Vec::new();
    for c in s.resources_of("aws_rds_cluster") {
        for g in blocks(c.prop("vpc_security_group_ids")).into_iter().filter_map(|v| s.referenced(Some(v))) {
            if g.kind == "aws_security_group" && !groups.iter().any(|o| o.id == g.id) {
                groups.push(g);
            }
        }
    }
    groups
}

/// The findings on one inline ingress rule of a group whose VPC is `vpc_cidr`.
fn judge_inline_rule(
    s: &Synth,
    g: &Resource,
    rule: &Value,
    at: &dyn Fn(&str) -> String,
    vpc_cidr: &str,
) -> Vec<Finding> {
    let port = |leaf: &str| number(rule.get(leaf)) == Some(POSTGRES_PORT);
    let protocol = rule.get("protocol").and_then(Value::as_str);
    let cidrs = blocks(rule.get("cidr_blocks"));
    let lists = blocks(rule.get("prefix_list_ids"));
    let from_vpc = (!cidrs.is_empty() || !lists.is_empty()) && cidrs.iter().all(|c| cidr(s, c) == Some(vpc_cidr));
    let others: Vec<&str> =
        ["ipv6_cidr_blocks", "security_groups"].into_iter().filter(|k| !blocks(rule.get(*k)).is_empty()).collect();
    let lists_inside = lists.iter().all(|l| prefix_list_inside(s, l, vpc_cidr));
    let only_cidrs = others.is_empty() && lists_inside && !is_true(rule.get("self"));
    vec![
        judge_value(g, at("protocol"), rule.get("protocol"), matches!(protocol, Some("tcp" | "6")), "tcp"),
        judge_value(g, at("from_port"), rule.get("from_port"), port("from_port"), POSTGRES_PORT),
        judge_value(g, at("to_port"), rule.get("to_port"), port("to_port"), POSTGRES_PORT),
        judge_value(g, at("cidr_blocks"), rule.get("cidr_blocks"), from_vpc, format!("[{vpc_cidr}]")),
        judge_value(
            g,
            at("sources"),
            Some(rule),
            only_cidrs,
            "no source besides cidr_blocks and prefix lists of this layout inside the VPC",
        ),
    ]
}

/// The findings on the stand-alone ingress rules attached to a group (`aws_security_group_rule`
/// of type ingress, `aws_vpc_security_group_ingress_rule`): each admits only tcp 5432 from the VPC.
fn judge_attached_rules(s: &Synth, g: &Resource, vpc_cidr: &str) -> Vec<Finding> {
    let expected = format!("only tcp {POSTGRES_PORT} from {vpc_cidr}");
    let mut findings = Vec::new();
    for r in companions(s, "aws_security_group_rule", "security_group_id", g) {
        if !is_text(r.prop("type"), "ingress") {
            continue;
        }
        let cidrs = blocks(r.prop("cidr_blocks"));
        let ok = matches!(r.prop("protocol").and_then(Value::as_str), Some("tcp" | "6"))
            && number(r.prop("from_port")) == Some(POSTGRES_PORT)
            && number(r.prop("to_port")) == Some(POSTGRES_PORT)
            && !cidrs.is_empty()
            && cidrs.iter().all(|c| cidr(s, c) == Some(vpc_cidr))
            && ["ipv6_cidr_blocks", "prefix_list_ids", "source_security_group_id"].iter().all(|k| r.prop(k).is_none())
            && !is_true(r.prop("self"));
        findings.push(judge(&r, "cidr_blocks", ok, &expected));
    }
    for r in companions(s, "aws_vpc_security_group_ingress_rule", "security_group_id", g) {
        let ok = matches!(r.prop("ip_protocol").and_then(Value::as_str), Some("tcp" | "6"))
            && number(r.prop("from_port")) == Some(POSTGRES_PORT)
            && number(r.prop("to_port")) == Some(POSTGRES_PORT)
            && r.prop("cidr_ipv4").is_some_and(|c| cidr(s, c) == Some(vpc_cidr))
            && ["cidr_ipv6", "prefix_list_id", "referenced_security_group_id"].iter().all(|k| r.prop(k).is_none());
        findings.push(judge(&r, "cidr_ipv4", ok, &expected));
    }
    findings
}

fn db_security_groups_vpc_only(f: &SynthFacts) -> Vec<Finding> {
    let s = &f.synth;
    let mut findings = per_resource(s, "aws_rds_cluster", "vpc_security_group_ids", |c| {
        let grouped = blocks(c.prop("vpc_security_group_ids"))
            .into_iter()
            .any(|v| s.referenced(Some(v)).is_some_and(|g| g.kind == "aws_security_group"));
        vec![judge(c, "vpc_security_group_ids", grouped, "security groups of this layout")]
    });
    for g in database_groups(s) {
        let vpc = s.referenced(g.prop("vpc_id")).filter(|v| v.kind == "aws_vpc");
        let Some(vpc_cidr) = vpc.and_then(|v| v.prop("cidr_block")).and_then(Value::as_str) else {
            findings.push(judge(&g, "vpc_id", false, "a VPC of this layout with a literal cidr_block"));
            continue;
        };
        let rules = blocks(g.prop("ingress"));
        let attached = judge_attached_rules(s, &g, vpc_cidr);
        if rules.is_empty() && attached.is_empty() {
            findings.push(missing(
                &g,
                "ingress",
                format!("a rule admitting tcp 5432 from {vpc_cidr} ({})", region(s, &g)),
            ));
        }
        let n = rules.len();
        for (i, rule) in rules.iter().enumerate() {
            let at = |leaf: &str| block_path("ingress", i, n, leaf);
            findings.extend(judge_inline_rule(s, &g, rule, &at, vpc_cidr));
        }
        findings.extend(attached);
    }
    findings
}
