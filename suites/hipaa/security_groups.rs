//! Security groups: each data tier's group admits only the application tier, on its one port;
//! no group in the stack's VPC, nor any group of the stack outside it, is open to the internet,
//! by a range or by a prefix list.
//!
//! The data tiers' checks judge the groups the outputs name. The groups actually attached to the
//! cluster, the mount targets and the tasks are held to exactly those groups by their own checks
//! (`aurora_security_group_is_stack_database_group`, `efs_mount_targets_use_stack_security_group`,
//! `ecs_tasks_use_app_security_group`), so the two together judge what is in effect; the
//! replication group's groups are not in its facts. Judging an attached foreign group here too
//! would fail two checks on one breakage.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::Named;
use stackproof_harness::facts::ec2::{IngressRule, Network, RuleSource, SecurityGroup};
use stackproof_harness::kit::fact::{judge_both, judge_fact, judge_named};

use crate::shared::network::{open_to_world, outside_groups_open_to_world, show};

use super::HipaaFacts;
use super::mutants;
use crate::shared::discovery::Failure;
use stackproof_harness::facts::discovery::SECURITY_GROUP;

pub const DB_PORT: i32 = 3306;
pub const CACHE_PORT: i32 = 6379;
pub const NFS_PORT: i32 = 2049;

/// This service's checks, in report order.
pub const CHECKS: &[Check<HipaaFacts>] = &[
    DATABASE_INGRESS_ONLY_FROM_APP,
    CACHE_INGRESS_ONLY_FROM_APP,
    EFS_INGRESS_ONLY_FROM_APP,
    NO_OPEN_INGRESS_ON_PRIVATE_TIER,
];

/// Runs `judge` on the stack's security group `id`, as the VPC's facts hold it; a group the VPC
/// lacks fails.
fn with_group(f: &HipaaFacts, id: &str, judge: impl FnOnce(&Network, &SecurityGroup) -> Vec<Finding>) -> Vec<Finding> {
    judge_fact(id, &f.network.vpc.fact, "GroupId", |net| match net.security_group(id) {
        Some(group) => judge(net, group),
        None => {
            vec![Finding::judge(id, "GroupId", false, format!("a security group of {}", net.vpc.vpc_id), "absent", &())]
        }
    })
}

/// The `tier` group admits the app tier's group, and nothing else (no range, no prefix list, no
/// other group), only on tcp `port`: one finding on the sources, one on the ports.
fn only_app_on(f: &HipaaFacts, tier: &Named<String>, port: i32) -> Vec<Finding> {
    judge_both((tier, &f.security_groups.app), SOURCES, |group_id, app| {
        with_group(f, group_id, |_, group| {
            let app_source = RuleSource::SecurityGroup(app.to_owned());
            let foreign: Vec<&IngressRule> = group.ingress.iter().filter(|r| r.source != app_source).collect();
            let off_port: Vec<&IngressRule> = group
                .ingress
                .iter()
                .filter(|r| !(r.ip_protocol == "tcp" && r.from_port == Some(port) && r.to_port == Some(port)))
                .collect();
            let sources = if group.ingress.is_empty() {
                "no ingress at all".to_owned()
            } else if foreign.is_empty() {
                format!("only {app}")
            } else {
                show(&foreign)
            };
            vec![
                Finding::judge(
                    group_id,
                    SOURCES,
                    !group.ingress.is_empty() && foreign.is_empty(),
                    format!("the app tier's group {app}, and no other source"),
                    sources,
                    group,
                ),
                Finding::judge(
                    group_id,
                    PORTS,
                    off_port.is_empty(),
                    format!("only tcp/{port}"),
                    show(&off_port),
                    group,
                ),
            ]
        })
    })
}

/// The sources of a group's rules.
const SOURCES: &str = "IpPermissions.Sources";
/// The protocols and ports of a group's rules.
const PORTS: &str = "IpPermissions.Ports";

pub const DATABASE_INGRESS_ONLY_FROM_APP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "database_ingress_only_from_app",
        service: "security_groups",
        title: "The database's security group admits only the application tier, on 3306",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::Critical,
        risk: "Any other source that can reach the database port can attempt to read patient records.",
        remediation: "template.yml: DatabaseSecurityGroup (AWS::EC2::SecurityGroup) SecurityGroupIngress: only tcp 3306 with SourceSecurityGroupId: !Ref AppSecurityGroup.",
    },
    claims: &[
        Claim {
            property: SOURCES,
            about: "The database's security group admits the app tier's group and no other source: no range, no prefix list, no other group (the cluster is held to that group alone by aurora_security_group_is_stack_database_group)",
            mutants: &[&mutants::DB_INGRESS_FROM_LOAD_BALANCER],
            not_emulated: None,
        },
        Claim {
            property: PORTS,
            about: "Every rule of the database's security group is tcp 3306",
            mutants: &[&mutants::DB_INGRESS_ALL_TRAFFIC_FROM_APP],
            not_emulated: None,
        },
    ],
    run: database_ingress_only_from_app,
};

fn database_ingress_only_from_app(f: &HipaaFacts) -> Vec<Finding> {
    only_app_on(f, &f.security_groups.database, DB_PORT)
}

pub const CACHE_INGRESS_ONLY_FROM_APP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "cache_ingress_only_from_app",
        service: "security_groups",
        title: "Redis's security group admits only the application tier, on 6379",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Session data, which can carry PHI, reachable from hosts that have no business with it.",
        remediation: "template.yml: CacheSecurityGroup (AWS::EC2::SecurityGroup) SecurityGroupIngress: only tcp 6379 with SourceSecurityGroupId: !Ref AppSecurityGroup.",
    },
    claims: &[
        Claim {
            property: SOURCES,
            about: "The cache's security group admits the app tier's group and no other source: no range, no prefix list, no other group (the replication group's own groups are not in its facts: the group the outputs name is judged)",
            mutants: &[&mutants::CACHE_INGRESS_FROM_PREFIX_LIST],
            not_emulated: None,
        },
        Claim {
            property: PORTS,
            about: "Every rule of the cache's security group is tcp 6379",
            mutants: &[&mutants::CACHE_INGRESS_EXTRA_PORT],
            not_emulated: None,
        },
    ],
    run: cache_ingress_only_from_app,
};

fn cache_ingress_only_from_app(f: &HipaaFacts) -> Vec<Finding> {
    only_app_on(f, &f.security_groups.cache, CACHE_PORT)
}

pub const EFS_INGRESS_ONLY_FROM_APP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "efs_ingress_only_from_app",
        service: "security_groups",
        title: "The EFS mount targets' security group admits only the application tier, on 2049",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Shared patient files mountable by any host in the VPC.",
        remediation: "template.yml: EfsSecurityGroup (AWS::EC2::SecurityGroup) SecurityGroupIngress: only tcp 2049 with SourceSecurityGroupId: !Ref AppSecurityGroup.",
    },
    claims: &[
        Claim {
            property: SOURCES,
            about: "The EFS security group admits the app tier's group and no other source: no range, no prefix list, no other group (the mount targets are held to that group alone by efs_mount_targets_use_stack_security_group)",
            mutants: &[&mutants::EFS_INGRESS_FROM_VPC_CIDR],
            not_emulated: None,
        },
        Claim {
            property: PORTS,
            about: "Every rule of the EFS security group is tcp 2049",
            mutants: &[&mutants::EFS_INGRESS_UDP_FROM_APP],
            not_emulated: None,
        },
    ],
    run: efs_ingress_only_from_app,
};

fn efs_ingress_only_from_app(f: &HipaaFacts) -> Vec<Finding> {
    only_app_on(f, &f.security_groups.efs, NFS_PORT)
}

pub const NO_OPEN_INGRESS_ON_PRIVATE_TIER: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "no_open_ingress_on_private_tier",
        service: "security_groups",
        title: "No security group of the stack (every group in its VPC, and every group of the stack outside it) admits 0.0.0.0/0 or ::/0",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A rule open to the internet on any private-tier group exposes containers or data stores to every address.",
        remediation: "template.yml: remove CidrIp 0.0.0.0/0 and CidrIpv6 ::/0 ingress from AppSecurityGroup, LoadBalancerSecurityGroup, DatabaseSecurityGroup, CacheSecurityGroup, EfsSecurityGroup and any other AWS::EC2::SecurityGroup of the stack (wherever it is: one without VpcId is in the region's default VPC).",
    },
    claims: &[
        Claim {
            property: "IpPermissions",
            about: "No rule of any security group in the stack's VPC (the five tier groups the outputs name, and any other), nor of any group of the stack (listed by CloudFormation or tagged as its) outside that VPC, admits the range 0.0.0.0/0 or ::/0",
            mutants: &[
                &mutants::APP_OPEN_TO_WORLD,
                &mutants::LOAD_BALANCER_OPEN_TO_WORLD_IPV6,
                &mutants::EXTRA_GROUP_OPEN_TO_WORLD,
                &mutants::UNLISTED_GROUP_OPEN_TO_WORLD,
            ],
            not_emulated: None,
        },
        Claim {
            property: PREFIX_LISTS,
            about: "No rule of those groups admits a managed prefix list that holds 0.0.0.0/0 or ::/0: every referenced list is resolved to its entries",
            mutants: &[&mutants::LOAD_BALANCER_OPEN_VIA_PREFIX_LIST],
            not_emulated: None,
        },
    ],
    run: no_open_ingress_on_private_tier,
};

/// The prefix lists a group's rules admit, resolved to their entries.
const PREFIX_LISTS: &str = "IpPermissions.PrefixListIds";

fn no_open_ingress_on_private_tier(f: &HipaaFacts) -> Vec<Finding> {
    let tiers = f.security_groups.tiers();
    // Every tier group the outputs name must be in the VPC; then every group the VPC holds.
    let mut findings: Vec<Finding> = tiers
        .iter()
        .flat_map(|tier| {
            judge_named(tier, "GroupId", |id| {
                judge_fact(id, &f.network.vpc.fact, "GroupId", |net| {
                    let present = net.security_group(id).is_some();
                    (!present)
                        .then(|| {
                            Finding::judge(
                                id,
                                "GroupId",
                                false,
                                format!("a security group of {}", net.vpc.vpc_id),
                                "absent",
                                &(),
                            )
                        })
                        .into_iter()
                        .collect()
                })
            })
        })
        .collect();
    findings.extend(judge_named(&f.network.vpc, "IpPermissions", |net| {
        net.security_groups
            .iter()
            .flat_map(|g| {
                // A group the outputs name is named by its id; any other also by the VPC it is in;
                // either by its logical id too, where discovery found it in the stack.
                let named = tiers.iter().any(|t| t.value() == Some(&g.group_id));
                let logical = f.discovered.inventory.as_ref().ok().and_then(|i| i.find(SECURITY_GROUP, &g.group_id));
                let resource = match (named, logical) {
                    (true, None) => g.group_id.clone(),
                    (true, Some(r)) => r.label(),
                    (false, None) => format!("{} ({}, in {})", g.group_id, g.group_name, net.vpc.vpc_id),
                    (false, Some(r)) => {
                        format!("{} ({}: {}, in {})", g.group_id, r.logical_id, g.group_name, net.vpc.vpc_id)
                    }
                };
                open_to_world(&net.prefix_lists, g, &resource, "IpPermissions", PREFIX_LISTS)
            })
            .collect()
    }));
    let (found, vpc) = (&f.discovered, &f.network.vpc.fact);
    findings.extend(outside_groups_open_to_world(
        found,
        vpc,
        &f.network.groups_outside_vpc,
        "IpPermissions",
        PREFIX_LISTS,
    ));
    findings.extend(f.discovered.failure("IpPermissions"));
    findings
}
