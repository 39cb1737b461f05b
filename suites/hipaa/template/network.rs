//! The network: private subnets in two zones, and a flow log of all VPC traffic.

use serde_json::Value;
use stackproof_harness::check::{Check, CheckInfo, Claim, Finding};
use stackproof_harness::kit::source::{judge, missing, nothing_of, per_resource};
use stackproof_harness::source::template::{Resource, Template, reference};

use super::{Change, Mutation, Own, TemplateFacts, az_index, private_subnets, zone_of};
use crate::hipaa::outputs::FLOW_LOG_GROUP_NAME;

pub const PRIVATE_SUBNET_AZ_HARDCODED: Mutation = Mutation {
    name: "private-subnet-az-hardcoded",
    resource: "PrivateSubnet2",
    property: "AvailabilityZone",
    change: Change::Set(r#""eu-central-1b""#),
};

pub const PRIVATE_SUBNETS_SAME_AZ: Mutation = Mutation {
    name: "private-subnets-same-az",
    resource: "PrivateSubnet2",
    property: "AvailabilityZone",
    change: Change::Set(r#"{"Fn::Select": [0, {"Fn::GetAZs": ""}]}"#),
};

pub const FLOW_LOG_ACCEPTED_ONLY: Mutation = Mutation {
    name: "flow-log-accepted-only",
    resource: "VpcFlowLog",
    property: "TrafficType",
    change: Change::Set(r#""ACCEPT""#),
};

pub const FLOW_LOG_TO_OTHER_GROUP: Mutation = Mutation {
    name: "flow-log-to-other-group",
    resource: "VpcFlowLog",
    property: "LogGroupName",
    change: Change::Set(r#"{"Fn::Sub": "/hipaa/other-flow-logs-${EnvironmentSuffix}"}"#),
};

pub const FLOW_LOG_REMOVED: Mutation = Mutation {
    name: "flow-log-removed",
    resource: "Vpc",
    property: "FlowLog",
    change: Change::Custom(remove_flow_log),
};

/// The VPC's flow log deleted from the template.
fn remove_flow_log(t: &mut Template) {
    let removed = t.body.get_mut("Resources").and_then(Value::as_object_mut).and_then(|r| r.remove("VpcFlowLog"));
    assert!(removed.is_some(), "the template has no VpcFlowLog");
}

pub const PRIVATE_SUBNETS_SPAN_TWO_AZS: Check<TemplateFacts> = Check {
    info: CheckInfo {
        title: "The private subnets span at least two availability zones taken from Fn::GetAZs",
        remediation: "template.yml: PrivateSubnet1 and PrivateSubnet2 AvailabilityZone: !Select [0, !GetAZs ''] and !Select [1, !GetAZs ''].",
        ..crate::hipaa::network::PRIVATE_SUBNETS_SPAN_TWO_AZS.info
    },
    claims: &[Claim {
        property: "AvailabilityZone",
        about: "Every private subnet takes its zone from Fn::GetAZs, and another private subnet is in a different zone",
        mutants: &[&PRIVATE_SUBNET_AZ_HARDCODED, &PRIVATE_SUBNETS_SAME_AZ],
        not_emulated: None,
    }],
    run: private_subnets_span_two_azs,
};

fn private_subnets_span_two_azs(f: &TemplateFacts) -> Vec<Finding> {
    let private = private_subnets(&f.template);
    if private.is_empty() {
        return vec![nothing_of::<Template>("AWS::EC2::Subnet (private)", "AvailabilityZone")];
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
        title: "Every VPC has a flow log of ALL traffic delivered to the stack's flow log group",
        remediation: "template.yml: VpcFlowLog (AWS::EC2::FlowLog) ResourceId: !Ref Vpc, TrafficType: ALL, LogGroupName: !Ref FlowLogGroup (the group output FlowLogGroupName names).",
        ..crate::hipaa::network::VPC_FLOW_LOGS_ENABLED.info
    },
    claims: &[
        Claim {
            property: "FlowLog",
            about: "Every VPC of the template has a flow log",
            mutants: &[&FLOW_LOG_REMOVED],
            not_emulated: None,
        },
        Claim {
            property: "TrafficType",
            about: "Every flow log records ALL traffic",
            mutants: &[&FLOW_LOG_ACCEPTED_ONLY],
            not_emulated: None,
        },
        Claim {
            property: "LogGroupName",
            about: "Every flow log delivers into the group the output FlowLogGroupName names",
            mutants: &[&FLOW_LOG_TO_OTHER_GROUP],
            not_emulated: None,
        },
    ],
    run: vpc_flow_logs_enabled,
};

fn vpc_flow_logs_enabled(f: &TemplateFacts) -> Vec<Finding> {
    let t = &f.template;
    let group = Own::of(t, FLOW_LOG_GROUP_NAME);
    per_resource(t, "AWS::EC2::VPC", "FlowLog", |vpc| {
        let logs: Vec<Resource> = t
            .resources_of("AWS::EC2::FlowLog")
            .filter(|l| l.prop("ResourceId").and_then(reference) == Some(vpc.id))
            .collect();
        if logs.is_empty() {
            return vec![missing(vpc, "FlowLog", format!("an AWS::EC2::FlowLog with ResourceId !Ref {}", vpc.id))];
        }
        logs.iter().flat_map(|l| flow_log(&group, l)).collect()
    })
}

fn flow_log(group: &Own, l: &Resource) -> [Finding; 2] {
    let destination = if l.prop("LogGroupName").is_some() { "LogGroupName" } else { "LogDestination" };
    [
        judge(l, "TrafficType", l.prop("TrafficType").and_then(Value::as_str) == Some("ALL"), "ALL"),
        judge(l, destination, group.named_by(l.prop(destination)), group.expected()),
    ]
}
