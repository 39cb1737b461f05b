//! Network segmentation: data stores and tasks only in the template's private subnets, no ingress
//! from the whole internet, private subnets in two zones, and a flow log of all VPC traffic.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Finding, Severity};
use stackproof_harness::source::json::is_true;
use stackproof_harness::source::template::{Resource, Template, reference};

use super::{
    Change, Mutation, TemplateFacts, az_index, items, judge, missing, nothing_of, only_private_subnets, per_resource,
    private_subnets, refers_to, zone_of,
};

pub const DB_SUBNET_GROUP_PUBLIC: Mutation = Mutation {
    name: "db-subnet-group-public",
    resource: "DbSubnetGroup",
    property: "SubnetIds",
    change: Change::Set(r#"[{"Ref": "PublicSubnet1"}, {"Ref": "PrivateSubnet2"}]"#),
};

pub const ECS_PUBLIC_IP: Mutation = Mutation {
    name: "ecs-public-ip",
    resource: "EcsService",
    property: "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
    change: Change::Set(r#""ENABLED""#),
};

pub const INGRESS_OPEN_TO_WORLD: Mutation = Mutation {
    name: "ingress-open-to-world",
    resource: "LoadBalancerSecurityGroup",
    property: "SecurityGroupIngress",
    change: Change::Set(r#"[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "CidrIp": "0.0.0.0/0"}]"#),
};

pub const PRIVATE_SUBNET_AZ_HARDCODED: Mutation = Mutation {
    name: "private-subnet-az-hardcoded",
    resource: "PrivateSubnet2",
    property: "AvailabilityZone",
    change: Change::Set(r#""eu-central-1b""#),
};

pub const FLOW_LOG_ACCEPTED_ONLY: Mutation = Mutation {
    name: "flow-log-accepted-only",
    resource: "VpcFlowLog",
    property: "TrafficType",
    change: Change::Set(r#""ACCEPT""#),
};

pub const DATA_STORES_IN_PRIVATE_SUBNETS: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "data_stores_in_private_subnets",
        service: "network",
        title: "Aurora, Redis and EFS sit only in the template's private subnets, and no DB instance is public",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A data store in a subnet routed to the internet, or a publicly accessible instance, exposes PHI to the internet.",
        remediation: "template.yml: DbSubnetGroup and CacheSubnetGroup SubnetIds and EfsMountTarget1/2 SubnetId must list only PrivateSubnet1/2; AuroraCluster DBSubnetGroupName: !Ref DbSubnetGroup, RedisReplicationGroup CacheSubnetGroupName: !Ref CacheSubnetGroup; AuroraInstance1/2 PubliclyAccessible: false.",
    },
    mutant: &DB_SUBNET_GROUP_PUBLIC,
    run: data_stores_in_private_subnets,
};

fn data_stores_in_private_subnets(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let private = private_subnets(t);
    let in_private = |r: &Resource, property: &str| {
        vec![judge(r, property, only_private_subnets(&private, r.prop(property)), "only private subnets of this stack")]
    };
    let in_group = |r: &Resource, property: &str, kind: &str| {
        vec![judge(r, property, refers_to(t, r.prop(property), kind), format!("!Ref of an {kind} of this stack"))]
    };
    let mut findings = per_resource(t, "AWS::RDS::DBSubnetGroup", "SubnetIds", |r| in_private(r, "SubnetIds"));
    findings.extend(per_resource(t, "AWS::ElastiCache::SubnetGroup", "SubnetIds", |r| in_private(r, "SubnetIds")));
    findings.extend(per_resource(t, "AWS::EFS::MountTarget", "SubnetId", |r| in_private(r, "SubnetId")));
    findings.extend(per_resource(t, "AWS::RDS::DBCluster", "DBSubnetGroupName", |r| {
        in_group(r, "DBSubnetGroupName", "AWS::RDS::DBSubnetGroup")
    }));
    findings.extend(per_resource(t, "AWS::ElastiCache::ReplicationGroup", "CacheSubnetGroupName", |r| {
        in_group(r, "CacheSubnetGroupName", "AWS::ElastiCache::SubnetGroup")
    }));
    findings.extend(per_resource(t, "AWS::RDS::DBInstance", "PubliclyAccessible", |r| {
        vec![judge(r, "PubliclyAccessible", !is_true(r.prop("PubliclyAccessible")), false)]
    }));
    findings
}

pub const ECS_TASKS_PRIVATE_WITHOUT_PUBLIC_IP: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "ecs_tasks_private_without_public_ip",
        service: "network",
        title: "ECS services run on Fargate in the template's private subnets without public IPs",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "Containers processing PHI reachable directly from the internet, bypassing API Gateway and WAF.",
        remediation: "template.yml: EcsService NetworkConfiguration.AwsvpcConfiguration needs AssignPublicIp: DISABLED and Subnets: [PrivateSubnet1, PrivateSubnet2]; LaunchType: FARGATE.",
    },
    mutant: &ECS_PUBLIC_IP,
    run: ecs_tasks_private_without_public_ip,
};

const AWSVPC: &str = "NetworkConfiguration.AwsvpcConfiguration";

fn ecs_tasks_private_without_public_ip(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let private = private_subnets(t);
    per_resource(t, "AWS::ECS::Service", "LaunchType", |s| {
        let public_ip = format!("{AWSVPC}.AssignPublicIp");
        let subnets = format!("{AWSVPC}.Subnets");
        vec![
            judge(s, &public_ip, s.prop(&public_ip).and_then(Value::as_str) == Some("DISABLED"), "DISABLED"),
            judge(s, &subnets, only_private_subnets(&private, s.prop(&subnets)), "only private subnets of this stack"),
            on_fargate(s),
        ]
    })
}

/// LaunchType FARGATE, or a capacity provider strategy made only of Fargate providers.
fn on_fargate(s: &Resource) -> Finding {
    let expected = "FARGATE (or only FARGATE/FARGATE_SPOT capacity providers)";
    if s.prop("LaunchType").is_some() || s.prop("CapacityProviderStrategy").is_none() {
        return judge(s, "LaunchType", s.prop("LaunchType").and_then(Value::as_str) == Some("FARGATE"), expected);
    }
    let providers = items(s.prop("CapacityProviderStrategy"));
    let fargate = providers
        .iter()
        .all(|p| matches!(p.get("CapacityProvider").and_then(Value::as_str), Some("FARGATE" | "FARGATE_SPOT")));
    judge(s, "CapacityProviderStrategy", !providers.is_empty() && fargate, expected)
}

pub const NO_OPEN_INGRESS: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "no_open_ingress",
        service: "network",
        title: "No security group admits traffic from 0.0.0.0/0 or ::/0",
        citations: &["45 CFR 164.312(a)(1)", "45 CFR 164.312(e)(1)"],
        severity: Severity::Critical,
        risk: "A port open to the whole internet lets anyone probe or reach the systems holding PHI.",
        remediation: "template.yml: SecurityGroupIngress of every AWS::EC2::SecurityGroup (LoadBalancerSecurityGroup, AppSecurityGroup, DatabaseSecurityGroup, CacheSecurityGroup, EfsSecurityGroup) and every AWS::EC2::SecurityGroupIngress: CidrIp/CidrIpv6 must be the VPC CIDR or a source security group, never /0.",
    },
    mutant: &INGRESS_OPEN_TO_WORLD,
    run: no_open_ingress,
};

fn no_open_ingress(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let expected = "no rule from 0.0.0.0/0 or ::/0";
    let mut findings = per_resource(t, "AWS::EC2::SecurityGroup", "SecurityGroupIngress", |g| {
        let rules = items(g.prop("SecurityGroupIngress"));
        let open =
            rules.iter().any(|rule| open_to_world(t, rule.get("CidrIp")) || open_to_world(t, rule.get("CidrIpv6")));
        vec![judge(g, "SecurityGroupIngress", !open, expected)]
    });
    for rule in t.resources_of("AWS::EC2::SecurityGroupIngress") {
        for property in ["CidrIp", "CidrIpv6"] {
            findings.push(judge(&rule, property, !open_to_world(t, rule.prop(property)), expected));
        }
    }
    findings
}

/// A /0 CIDR, written in the template or as the default of the parameter it refers to.
fn open_to_world(t: &Template, v: Option<&Value>) -> bool {
    let literal = v.and_then(|v| match reference(v) {
        Some(parameter) => t.body.get("Parameters")?.get(parameter)?.get("Default"),
        None => Some(v),
    });
    literal.and_then(Value::as_str).is_some_and(|cidr| cidr.trim().ends_with("/0"))
}

pub const PRIVATE_SUBNETS_SPAN_TWO_AZS: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "private_subnets_span_two_azs",
        service: "network",
        title: "The private subnets span at least two availability zones taken from Fn::GetAZs",
        citations: &["45 CFR 164.308(a)(7)(i)", "45 CFR 164.308(a)(7)(ii)(B)"],
        severity: Severity::High,
        risk: "With every private subnet in one zone, losing that zone takes PHI systems down; a hard-coded zone breaks in other accounts.",
        remediation: "template.yml: PrivateSubnet1 and PrivateSubnet2 AvailabilityZone: !Select [0, !GetAZs ''] and !Select [1, !GetAZs ''].",
    },
    mutant: &PRIVATE_SUBNET_AZ_HARDCODED,
    run: private_subnets_span_two_azs,
};

fn private_subnets_span_two_azs(f: &TemplateFacts) -> Vec<Finding> {
    let private = private_subnets(&f.template);
    if private.is_empty() {
        return vec![nothing_of("AWS::EC2::Subnet (private)", "AvailabilityZone")];
    }
    // Each subnet passes only if its zone comes from GetAZs and another private subnet is elsewhere.
    let zones: Vec<Option<String>> = private.iter().map(|s| from_get_azs(s.prop("AvailabilityZone"))).collect();
    private
        .iter()
        .zip(&zones)
        .map(|(s, zone)| {
            let elsewhere = zones.iter().any(|z| z.is_some() && z != zone);
            judge(
                s,
                "AvailabilityZone",
                zone.is_some() && elsewhere,
                "!Select [n, !GetAZs ''], with another private subnet in a different zone",
            )
        })
        .collect()
}

/// The zone of a subnet if it is selected from `Fn::GetAZs`; None when hard-coded or absent.
fn from_get_azs(v: Option<&Value>) -> Option<String> {
    v.and_then(az_index).and(zone_of(v))
}

pub const VPC_FLOW_LOGS_ENABLED: Check<TemplateFacts> = Check {
    info: CheckInfo {
        id: "vpc_flow_logs_enabled",
        service: "network",
        title: "Every VPC has a flow log of ALL traffic delivered to a log group of the stack",
        citations: &["45 CFR 164.312(b)", "45 CFR 164.308(a)(1)(ii)(D)"],
        severity: Severity::High,
        risk: "Without a record of accepted and rejected connections, access to PHI systems cannot be reviewed or investigated.",
        remediation: "template.yml: VpcFlowLog (AWS::EC2::FlowLog) ResourceId: !Ref Vpc, TrafficType: ALL, LogGroupName: !Ref FlowLogGroup.",
    },
    mutant: &FLOW_LOG_ACCEPTED_ONLY,
    run: vpc_flow_logs_enabled,
};

fn vpc_flow_logs_enabled(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    per_resource(t, "AWS::EC2::VPC", "FlowLog", |vpc| {
        let logs: Vec<Resource> = t
            .resources_of("AWS::EC2::FlowLog")
            .filter(|l| l.prop("ResourceId").and_then(reference) == Some(vpc.id))
            .collect();
        if logs.is_empty() {
            return vec![missing(vpc, "FlowLog", format!("an AWS::EC2::FlowLog with ResourceId !Ref {}", vpc.id))];
        }
        logs.iter().flat_map(|l| flow_log(t, l)).collect()
    })
}

fn flow_log(t: &Template, l: &Resource) -> [Finding; 2] {
    let destination = if l.prop("LogGroupName").is_some() { "LogGroupName" } else { "LogDestination" };
    [
        judge(l, "TrafficType", l.prop("TrafficType").and_then(Value::as_str) == Some("ALL"), "ALL"),
        judge(l, destination, refers_to(t, l.prop(destination), "AWS::Logs::LogGroup"), "a log group of this stack"),
    ]
}
