//! Network segmentation: private tiers have no public addresses and no route in from the
//! internet; egress leaves through NAT gateways in public subnets; the private tier spans AZs.

use std::collections::BTreeSet;

use serde_json::json;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::ec2::{FlowLog, NatGateway, Network, RouteTarget};
use stackproof_harness::kit::fact::{judge_both, judge_fact, judge_named};

use crate::shared::network::{subnets_assign_no_ipv6, subnets_map_no_public_ip};

use super::HipaaFacts;
use super::mutants;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[
    VPC_DNS_SUPPORT_AND_HOSTNAMES,
    PRIVATE_SUBNETS_SPAN_TWO_AZS,
    PRIVATE_SUBNETS_NO_PUBLIC_IP,
    PRIVATE_ROUTES_VIA_NAT_ONLY,
    PUBLIC_ROUTE_VIA_INTERNET_GATEWAY,
    NAT_GATEWAY_AVAILABLE_IN_PUBLIC_SUBNET,
    VPC_FLOW_LOGS_ENABLED,
];

pub const PRIVATE_SUBNETS_SPAN_TWO_AZS: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "private_subnets_span_two_azs",
        service: "network",
        title: "Private subnets span at least two Availability Zones",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.312(a)(2)(ii)"],
        severity: Severity::High,
        risk: "An outage of one Availability Zone takes every private tier (database, cache, tasks) down with it.",
        remediation: "template.yml: give PrivateSubnet1 and PrivateSubnet2 (AWS::EC2::Subnet) different AvailabilityZone values (!Select [0|1, !GetAZs '']).",
    },
    claims: &[Claim {
        property: "AvailabilityZone (distinct)",
        about: "Private subnets span at least two Availability Zones",
        mutants: &[&mutants::PRIVATE_SUBNETS_ONE_AZ],
        not_emulated: None,
    }],
    run: private_subnets_span_two_azs,
};

fn private_subnets_span_two_azs(f: &HipaaFacts) -> Vec<Finding> {
    judge_both((&f.network.vpc, &f.network.private_subnet_ids), "AvailabilityZone", |net, ids| {
        let mut findings = Vec::new();
        let mut zones = BTreeSet::new();
        let mut seen = Vec::new();
        for id in ids {
            match net.subnet(id) {
                Some(s) => {
                    zones.insert(s.availability_zone.as_str());
                    seen.push(s);
                }
                None => findings.push(Finding::judge(
                    id,
                    "SubnetId",
                    false,
                    format!("a subnet of {}", net.vpc.vpc_id),
                    "absent",
                    &(),
                )),
            }
        }
        let zone_list = zones.iter().copied().collect::<Vec<_>>().join(", ");
        let evidence = json!(
            seen.iter()
                .map(|s| json!({"SubnetId": s.subnet_id, "AvailabilityZone": s.availability_zone}))
                .collect::<Vec<_>>()
        );
        findings.push(Finding::judge(
            ids.join(","),
            "AvailabilityZone (distinct)",
            zones.len() >= 2,
            "at least 2 zones",
            format!("{} ({zone_list})", zones.len()),
            &evidence,
        ));
        findings
    })
}

pub const PRIVATE_SUBNETS_NO_PUBLIC_IP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "private_subnets_no_public_ip",
        service: "network",
        title: "Private subnets do not assign public IP addresses",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "Anything launched in a private subnet gets an internet-routable address and can be reached from outside.",
        remediation: "template.yml: set MapPublicIpOnLaunch: false on PrivateSubnet1 and PrivateSubnet2 (AWS::EC2::Subnet).",
    },
    claims: &[
        Claim {
            property: "MapPublicIpOnLaunch",
            about: "Every private subnet the outputs name launches instances without a public IPv4 address",
            mutants: &[&mutants::PRIVATE_SUBNET_PUBLIC_IP],
            not_emulated: None,
        },
        Claim {
            property: "AssignIpv6AddressOnCreation",
            about: "Every private subnet the outputs name launches instances without an IPv6 address (globally routable)",
            mutants: &[&mutants::PRIVATE_SUBNET_ASSIGNS_IPV6],
            not_emulated: None,
        },
    ],
    run: private_subnets_no_public_ip,
};

fn private_subnets_no_public_ip(f: &HipaaFacts) -> Vec<Finding> {
    judge_both((&f.network.vpc, &f.network.private_subnet_ids), "MapPublicIpOnLaunch", |net, ids| {
        let mut findings = subnets_map_no_public_ip(net, ids);
        findings.extend(subnets_assign_no_ipv6(net, ids));
        findings
    })
}

pub const PRIVATE_ROUTES_VIA_NAT_ONLY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "private_routes_via_nat_only",
        service: "network",
        title: "Private route tables send 0.0.0.0/0 to the stack's NAT gateway and never to an internet gateway",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A private subnet routed to an internet gateway is a public subnet: its resources become reachable from the internet.",
        remediation: "template.yml: PrivateDefaultRoute1/PrivateDefaultRoute2 (AWS::EC2::Route) need NatGatewayId, not GatewayId; associate each private subnet with its private route table.",
    },
    claims: &[
        Claim {
            property: "Routes[0.0.0.0/0]",
            about: "Every private route table sends 0.0.0.0/0, actively, to one of the NAT gateways the outputs name",
            mutants: &[&mutants::PRIVATE_ROUTE_TO_IGW, &mutants::PRIVATE_ROUTE_TO_FOREIGN_NAT],
            not_emulated: None,
        },
        Claim {
            property: "Routes[*].GatewayId",
            about: "No route of any private route table, whatever its destination, leads to an internet gateway",
            mutants: &[&mutants::PRIVATE_TABLE_ROUTE_TO_IGW],
            not_emulated: None,
        },
        Claim {
            property: "RouteTableAssociation",
            about: "Every private subnet is associated with one of the private route tables (not the public or the main one)",
            mutants: &[&mutants::PRIVATE_SUBNET_ON_PUBLIC_TABLE],
            not_emulated: None,
        },
    ],
    run: private_routes_via_nat_only,
};

fn private_routes_via_nat_only(f: &HipaaFacts) -> Vec<Finding> {
    let nats = &f.network.nat_gateway_ids;
    judge_both((&f.network.vpc, &f.network.private_route_table_ids), "Routes", |net, tables| {
        let mut findings = Vec::new();
        for id in tables {
            let Some(table) = net.route_table(id) else {
                findings.push(Finding::judge(
                    id,
                    "RouteTableId",
                    false,
                    format!("a route table of {}", net.vpc.vpc_id),
                    "absent",
                    &(),
                ));
                continue;
            };
            findings.extend(judge_fact(id, &nats.fact, "Routes[0.0.0.0/0]", |nats| {
                let (ok, actual) = match table.default_route().map(|r| (&r.target, r.state.as_str())) {
                    Some((RouteTarget::NatGateway(nat), "active")) => (nats.contains(nat), format!("{nat} (active)")),
                    Some((target, state)) => (false, format!("{target:?} ({state})")),
                    None => (false, "no default route".to_owned()),
                };
                vec![Finding::judge(
                    id,
                    "Routes[0.0.0.0/0]",
                    ok,
                    format!("an active route to one of the stack's NAT gateways ({})", nats.join(", ")),
                    actual,
                    &table.routes,
                )]
            }));
            let to_igw: Vec<&str> = table
                .routes
                .iter()
                .filter_map(|r| match &r.target {
                    RouteTarget::InternetGateway(igw) => Some(igw.as_str()),
                    _ => None,
                })
                .collect();
            findings.push(Finding::judge(
                id,
                "Routes[*].GatewayId",
                to_igw.is_empty(),
                "no route to an internet gateway",
                if to_igw.is_empty() { "none".to_owned() } else { to_igw.join(", ") },
                &table.routes,
            ));
        }
        // A private subnet left on another table (the main one, or the public one) bypasses all this.
        findings.extend(judge_named(&f.network.private_subnet_ids, "RouteTableAssociation", |subnets| {
            subnets_use_tables(net, subnets, tables)
        }));
        findings
    })
}

pub const NAT_GATEWAY_AVAILABLE_IN_PUBLIC_SUBNET: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "nat_gateway_available_in_public_subnet",
        service: "network",
        title: "NAT gateways are available and sit in public subnets",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.308(a)(7)(i)"],
        severity: Severity::Medium,
        risk: "Without a working NAT gateway the private tier cannot reach patching, secrets or container registries, and fails.",
        remediation: "template.yml: NatGateway1/NatGateway2 (AWS::EC2::NatGateway) must exist with SubnetId set to PublicSubnet1/PublicSubnet2 and an EIP AllocationId.",
    },
    claims: &[
        Claim {
            property: "State",
            about: "Every NAT gateway the outputs name exists in the VPC and is available",
            mutants: &[&mutants::NAT_MISSING],
            not_emulated: None,
        },
        Claim {
            property: "SubnetId",
            about: "Every NAT gateway the outputs name sits in one of the public subnets the outputs name",
            mutants: &[&mutants::NAT_IN_PRIVATE_SUBNET],
            not_emulated: None,
        },
        Claim {
            property: "ConnectivityType",
            about: "Every NAT gateway the outputs name is a public one holding an Elastic IP, so it reaches the internet",
            mutants: &[&mutants::NAT_PRIVATE_CONNECTIVITY],
            not_emulated: None,
        },
    ],
    run: nat_gateway_available_in_public_subnet,
};

fn nat_gateway_available_in_public_subnet(f: &HipaaFacts) -> Vec<Finding> {
    let public = &f.network.public_subnet_ids;
    judge_both((&f.network.vpc, &f.network.nat_gateway_ids), "State", |net, nats| {
        let mut findings = Vec::new();
        for id in nats {
            let Some(nat) = net.nat_gateway(id) else {
                findings.push(Finding::judge(
                    id,
                    "State",
                    false,
                    "available",
                    format!("absent from {}", net.vpc.vpc_id),
                    &(),
                ));
                continue;
            };
            findings.push(Finding::judge(id, "State", nat.state == "available", "available", &nat.state, nat));
            findings.push(nat_is_public(id, nat, f.emulated));
            findings.extend(judge_fact(id, &public.fact, "SubnetId", |public| {
                vec![Finding::judge(
                    id,
                    "SubnetId",
                    public.contains(&nat.subnet_id),
                    format!("one of the public subnets {}", public.join(", ")),
                    &nat.subnet_id,
                    nat,
                )]
            }));
        }
        findings
    })
}

/// A public NAT gateway holding a public IP. moto reports ConnectivityType only for private
/// ones: on the emulator an unreported type is judged by the public IP alone; on AWS it is an error.
fn nat_is_public(id: &str, nat: &NatGateway, emulated: bool) -> Finding {
    let ips = if nat.public_ips.is_empty() { "no public IP".to_owned() } else { nat.public_ips.join(", ") };
    let expected = "public, with an Elastic IP";
    match nat.connectivity_type.as_deref() {
        Some(kind) => Finding::judge(
            id,
            "ConnectivityType",
            kind == "public" && !nat.public_ips.is_empty(),
            expected,
            format!("{kind}, {ips}"),
            nat,
        ),
        None if emulated => Finding::judge(
            id,
            "ConnectivityType",
            !nat.public_ips.is_empty(),
            expected,
            format!("not reported (emulator), {ips}"),
            nat,
        ),
        None => Finding::error(id, "ConnectivityType", "DescribeNatGateways reported no ConnectivityType"),
    }
}

pub const VPC_DNS_SUPPORT_AND_HOSTNAMES: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "vpc_dns_support_and_hostnames",
        service: "network",
        title: "The VPC resolves DNS and gives hostnames",
        citations: &["45 CFR 164.312(e)(1)"],
        severity: Severity::Medium,
        risk: "Without VPC DNS, private endpoints, EFS mounts and TLS hostname checks fail, pushing traffic onto less protected paths.",
        remediation: "template.yml: Vpc (AWS::EC2::VPC) needs EnableDnsSupport: true and EnableDnsHostnames: true.",
    },
    claims: &[
        Claim {
            property: "EnableDnsSupport",
            about: "The VPC resolves DNS (the Amazon-provided resolver is on)",
            mutants: &[&mutants::VPC_DNS_SUPPORT_OFF],
            not_emulated: None,
        },
        Claim {
            property: "EnableDnsHostnames",
            about: "The VPC gives its instances DNS hostnames",
            mutants: &[&mutants::VPC_DNS_HOSTNAMES_OFF],
            not_emulated: None,
        },
    ],
    run: vpc_dns_support_and_hostnames,
};

fn vpc_dns_support_and_hostnames(f: &HipaaFacts) -> Vec<Finding> {
    let vpc = &f.network.vpc.resource;
    judge_named(&f.network.vpc, "EnableDnsSupport", |net| {
        vec![
            Finding::judge(
                vpc,
                "EnableDnsSupport",
                net.vpc.enable_dns_support,
                true,
                net.vpc.enable_dns_support,
                &net.vpc,
            ),
            Finding::judge(
                vpc,
                "EnableDnsHostnames",
                net.vpc.enable_dns_hostnames,
                true,
                net.vpc.enable_dns_hostnames,
                &net.vpc,
            ),
        ]
    })
}

pub const PUBLIC_ROUTE_VIA_INTERNET_GATEWAY: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "public_route_via_internet_gateway",
        service: "network",
        title: "The public route table sends 0.0.0.0/0 to the stack's internet gateway, attached to its VPC",
        citations: &["45 CFR 164.312(e)(1)", "45 CFR 164.308(a)(7)(i)"],
        severity: Severity::Medium,
        risk: "NAT gateways in public subnets without an internet route cut the private tier off from patches, secrets and registries.",
        remediation: "template.yml: PublicDefaultRoute (AWS::EC2::Route) 0.0.0.0/0 with GatewayId: !Ref InternetGateway, and VpcGatewayAttachment.",
    },
    claims: &[
        Claim {
            property: "Routes[0.0.0.0/0]",
            about: "The public route table sends 0.0.0.0/0, actively, to the internet gateway the outputs name",
            mutants: &[&mutants::PUBLIC_ROUTE_MISSING],
            not_emulated: None,
        },
        Claim {
            property: "Attachments",
            about: "That internet gateway is attached to the stack's VPC",
            mutants: &[&mutants::INTERNET_GATEWAY_DETACHED],
            not_emulated: None,
        },
        Claim {
            property: "RouteTableAssociation",
            about: "Every public subnet (where the NAT gateways sit) is associated with the public route table",
            mutants: &[&mutants::PUBLIC_SUBNET_OFF_PUBLIC_TABLE],
            not_emulated: None,
        },
    ],
    run: public_route_via_internet_gateway,
};

fn public_route_via_internet_gateway(f: &HipaaFacts) -> Vec<Finding> {
    let n = &f.network;
    judge_both((&n.public_route_table_id, &n.internet_gateway_id), "Routes[0.0.0.0/0]", |table, igw| {
        judge_fact(table, &n.vpc.fact, "Routes[0.0.0.0/0]", |net| {
            let attached = net
                .internet_gateways
                .iter()
                .any(|g| g.internet_gateway_id == *igw && g.attached_vpcs.contains(&net.vpc.vpc_id));
            let mut findings = vec![Finding::judge(
                igw,
                "Attachments",
                attached,
                format!("attached to {}", net.vpc.vpc_id),
                if attached { "attached" } else { "not attached" },
                &net.internet_gateways,
            )];
            findings.push(match net.route_table(table) {
                Some(t) => {
                    let actual = t
                        .default_route()
                        .map_or("no default route".to_owned(), |r| format!("{:?} ({})", r.target, r.state));
                    let ok = t
                        .default_route()
                        .is_some_and(|r| r.target == RouteTarget::InternetGateway(igw.clone()) && r.state == "active");
                    Finding::judge(
                        table,
                        "Routes[0.0.0.0/0]",
                        ok,
                        format!("an active route to {igw}"),
                        actual,
                        &t.routes,
                    )
                }
                None => Finding::judge(
                    table,
                    "Routes[0.0.0.0/0]",
                    false,
                    format!("a route table of {}", net.vpc.vpc_id),
                    "absent",
                    &(),
                ),
            });
            findings.extend(judge_named(&n.public_subnet_ids, "RouteTableAssociation", |subnets| {
                subnets_use_tables(net, subnets, std::slice::from_ref(table))
            }));
            findings
        })
    })
}

/// Each subnet is associated with one of `tables`: its explicit association, or the VPC's main
/// table when it has none.
fn subnets_use_tables(net: &Network, subnets: &[String], tables: &[String]) -> Vec<Finding> {
    subnets
        .iter()
        .map(|subnet| {
            let table = net
                .route_tables
                .iter()
                .find(|t| t.subnet_ids.contains(subnet))
                .or_else(|| net.route_tables.iter().find(|t| t.main));
            let actual = table.map_or_else(
                || "none".to_owned(),
                |t| format!("{}{}", t.route_table_id, if t.main { " (the main table)" } else { "" }),
            );
            Finding::judge(
                subnet,
                "RouteTableAssociation",
                table.is_some_and(|t| tables.contains(&t.route_table_id)),
                format!("one of {}", tables.join(", ")),
                actual,
                &json!({"SubnetId": subnet}),
            )
        })
        .collect()
}

pub const VPC_FLOW_LOGS_ENABLED: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "vpc_flow_logs_enabled",
        service: "network",
        title: "VPC flow logs record all traffic into the stack's flow log group",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "Without flow logs there is no record of which hosts reached the systems holding PHI.",
        remediation: "template.yml: VpcFlowLog (AWS::EC2::FlowLog) on the Vpc with TrafficType: ALL and LogGroupName: !Ref FlowLogGroup.",
    },
    claims: &[
        Claim {
            property: "FlowLogs",
            about: "The VPC has an active flow log",
            mutants: &[&mutants::FLOW_LOGS_OFF],
            not_emulated: None,
        },
        Claim {
            property: "LogGroupName",
            about: "An active flow log of the VPC delivers into the flow log group the outputs name",
            mutants: &[&mutants::FLOW_LOG_TO_OTHER_GROUP],
            not_emulated: None,
        },
        Claim {
            property: "TrafficType",
            about: "A flow log delivering into that group records ALL traffic, accepted and rejected",
            mutants: &[&mutants::FLOW_LOG_REJECT_ONLY],
            not_emulated: None,
        },
    ],
    run: vpc_flow_logs_enabled,
};

fn vpc_flow_logs_enabled(f: &HipaaFacts) -> Vec<Finding> {
    let vpc = &f.network.vpc;
    judge_both((vpc, &f.logs.flow_log_group), "FlowLogs", |net, group| {
        let show = |logs: &[&FlowLog]| {
            let seen: Vec<String> = logs
                .iter()
                .map(|l| {
                    format!("{} {} -> {} ({})", l.flow_log_id, l.traffic_type, l.log_group_name, l.flow_log_status)
                })
                .collect();
            if seen.is_empty() { "none".to_owned() } else { seen.join("; ") }
        };
        let all: Vec<&FlowLog> = net.flow_logs.iter().collect();
        let active: Vec<&FlowLog> = all.iter().copied().filter(|l| l.flow_log_status == "ACTIVE").collect();
        let mut findings = vec![Finding::judge(
            &vpc.resource,
            "FlowLogs",
            !active.is_empty(),
            "an active flow log",
            show(&all),
            &net.flow_logs,
        )];
        if active.is_empty() {
            return findings;
        }
        let into_group: Vec<&FlowLog> = active.iter().copied().filter(|l| l.log_group_name == *group).collect();
        findings.push(Finding::judge(
            &vpc.resource,
            "LogGroupName",
            !into_group.is_empty(),
            format!("an active flow log into {group}"),
            show(&active),
            &net.flow_logs,
        ));
        if !into_group.is_empty() {
            findings.push(Finding::judge(
                &vpc.resource,
                "TrafficType",
                into_group.iter().any(|l| l.traffic_type == "ALL"),
                format!("ALL, into {group}"),
                show(&into_group),
                &net.flow_logs,
            ));
        }
        findings
    })
}
