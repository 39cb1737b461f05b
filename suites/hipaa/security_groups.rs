//! Security groups: each data tier admits only the application tier, on its one port; nothing in
//! the private tier is open to the internet.

use stackproof_harness::check::{Check, CheckInfo, Claim, Finding, Severity};
use stackproof_harness::facts::Named;
use stackproof_harness::facts::ec2::{IngressRule, RuleSource, SecurityGroup};
use stackproof_harness::kit::fact::{judge_both, judge_fact, judge_named};

use super::HipaaFacts;
use super::mutants;

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
fn with_group(f: &HipaaFacts, id: &str, judge: impl FnOnce(&SecurityGroup) -> Finding) -> Vec<Finding> {
    judge_fact(id, &f.network.vpc.fact, "IpPermissions", |net| {
        vec![match net.security_group(id) {
            Some(group) => judge(group),
            None => Finding::judge(
                id,
                "IpPermissions",
                false,
                format!("a security group of {}", net.vpc.vpc_id),
                "absent",
                &(),
            ),
        }]
    })
}

/// The `tier` group admits exactly tcp `port` from the app tier's group, and nothing else.
fn only_app_on(f: &HipaaFacts, tier: &Named<String>, port: i32) -> Vec<Finding> {
    judge_both((tier, &f.security_groups.app), "IpPermissions", |group_id, app| {
        with_group(f, group_id, |group| {
            let allowed = |r: &IngressRule| {
                r.ip_protocol == "tcp"
                    && r.from_port == Some(port)
                    && r.to_port == Some(port)
                    && r.source == RuleSource::SecurityGroup(app.to_owned())
            };
            let rules: Vec<String> = group.ingress.iter().map(ToString::to_string).collect();
            let only = !group.ingress.is_empty() && group.ingress.iter().all(allowed);
            Finding::judge(
                group_id,
                "IpPermissions",
                only,
                format!("only tcp/{port} from {app}"),
                if rules.is_empty() { "no ingress".to_owned() } else { rules.join(", ") },
                group,
            )
        })
    })
}

pub const DATABASE_INGRESS_ONLY_FROM_APP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "database_ingress_only_from_app",
        service: "security_groups",
        title: "The database admits only the application tier, on 3306",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::Critical,
        risk: "Any other source that can reach the database port can attempt to read patient records.",
        remediation: "template.yml: DatabaseSecurityGroup (AWS::EC2::SecurityGroup) SecurityGroupIngress: only tcp 3306 with SourceSecurityGroupId: !Ref AppSecurityGroup.",
    },
    claims: &[Claim {
        property: "IpPermissions",
        about: "The database admits only the application tier, on 3306",
        mutants: &[&mutants::DB_INGRESS_FROM_LOAD_BALANCER],
        not_emulated: None,
    }],
    run: database_ingress_only_from_app,
};

fn database_ingress_only_from_app(f: &HipaaFacts) -> Vec<Finding> {
    only_app_on(f, &f.security_groups.database, DB_PORT)
}

pub const CACHE_INGRESS_ONLY_FROM_APP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "cache_ingress_only_from_app",
        service: "security_groups",
        title: "Redis admits only the application tier, on 6379",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Session data, which can carry PHI, reachable from hosts that have no business with it.",
        remediation: "template.yml: CacheSecurityGroup (AWS::EC2::SecurityGroup) SecurityGroupIngress: only tcp 6379 with SourceSecurityGroupId: !Ref AppSecurityGroup.",
    },
    claims: &[Claim {
        property: "IpPermissions",
        about: "Redis admits only the application tier, on 6379",
        mutants: &[&mutants::CACHE_INGRESS_EXTRA_PORT],
        not_emulated: None,
    }],
    run: cache_ingress_only_from_app,
};

fn cache_ingress_only_from_app(f: &HipaaFacts) -> Vec<Finding> {
    only_app_on(f, &f.security_groups.cache, CACHE_PORT)
}

pub const EFS_INGRESS_ONLY_FROM_APP: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "efs_ingress_only_from_app",
        service: "security_groups",
        title: "EFS mount targets admit only the application tier, on 2049",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.308(a)(4)(ii)(B)"],
        severity: Severity::High,
        risk: "Shared patient files mountable by any host in the VPC.",
        remediation: "template.yml: EfsSecurityGroup (AWS::EC2::SecurityGroup) SecurityGroupIngress: only tcp 2049 with SourceSecurityGroupId: !Ref AppSecurityGroup.",
    },
    claims: &[Claim {
        property: "IpPermissions",
        about: "EFS mount targets admit only the application tier, on 2049",
        mutants: &[&mutants::EFS_INGRESS_FROM_VPC_CIDR],
        not_emulated: None,
    }],
    run: efs_ingress_only_from_app,
};

fn efs_ingress_only_from_app(f: &HipaaFacts) -> Vec<Finding> {
    only_app_on(f, &f.security_groups.efs, NFS_PORT)
}

pub const NO_OPEN_INGRESS_ON_PRIVATE_TIER: Check<HipaaFacts> = Check {
    info: CheckInfo {
        id: "no_open_ingress_on_private_tier",
        service: "security_groups",
        title: "No security group of the private tier admits 0.0.0.0/0 or ::/0",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A rule open to the internet on any private-tier group exposes containers or data stores to every address.",
        remediation: "template.yml: remove CidrIp 0.0.0.0/0 and CidrIpv6 ::/0 ingress from AppSecurityGroup, LoadBalancerSecurityGroup, DatabaseSecurityGroup, CacheSecurityGroup and EfsSecurityGroup.",
    },
    claims: &[Claim {
        property: "IpPermissions",
        about: "No security group of the private tier admits 0.0.0.0/0 or ::/0",
        mutants: &[&mutants::APP_OPEN_TO_WORLD],
        not_emulated: None,
    }],
    run: no_open_ingress_on_private_tier,
};

fn no_open_ingress_on_private_tier(f: &HipaaFacts) -> Vec<Finding> {
    f.security_groups
        .tiers()
        .into_iter()
        .flat_map(|tier| {
            judge_named(tier, "IpPermissions", |id| {
                with_group(f, id, |g| {
                    let open: Vec<String> =
                        g.ingress.iter().filter(|r| r.source.is_open_world()).map(ToString::to_string).collect();
                    Finding::judge(
                        id,
                        "IpPermissions",
                        open.is_empty(),
                        "no rule from 0.0.0.0/0 or ::/0",
                        if open.is_empty() { "none".to_owned() } else { open.join(", ") },
                        g,
                    )
                })
            })
        })
        .collect()
}
