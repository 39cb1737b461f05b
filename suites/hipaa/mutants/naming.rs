//! Breakages of the naming checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const NAME_WITHOUT_SUFFIX: Mutant = Mutant {
    name: "name-without-suffix",
    about: "the ECS log group created without the suffix in its name",
    output: o::ECS_LOG_GROUP_NAME,
    nth: 0,
    property: "Name",
};

pub const NAME_SUFFIX_GLUED: Mutant = Mutant {
    name: "name-suffix-glued",
    about: "the flow log group named /hipaa/vpc-flow-logs<suffix>: the suffix inside the name, glued to a word, not its last token",
    output: o::FLOW_LOG_GROUP_NAME,
    nth: 0,
    property: "Name",
};

pub const NAT_EIP_NAME_UNSUFFIXED: Mutant = Mutant {
    name: "nat-eip-name-unsuffixed",
    about: "the second NAT gateway's Elastic IP tagged Name nat-eip-2, without the suffix",
    output: o::NAT_GATEWAY_IDS,
    nth: 1,
    property: "Tags.Name",
};

pub const ROUTE_TABLE_NAME_SUFFIX_INSIDE: Mutant = Mutant {
    name: "route-table-name-suffix-inside",
    about: "the first private route table tagged Name private-route-table-1-<suffix>-copy: the suffix inside, not at the end",
    output: o::PRIVATE_ROUTE_TABLE_IDS,
    nth: 0,
    property: "Tags.Name",
};

pub const GROUP_NAME_UNSUFFIXED: Mutant = Mutant {
    name: "group-name-unsuffixed",
    about: "the load balancer's security group created as GroupName nlb-sg (its Name tag keeps the suffix)",
    output: o::LOAD_BALANCER_SECURITY_GROUP_ID,
    nth: 0,
    property: "GroupName",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &NAME_WITHOUT_SUFFIX,
    &NAME_SUFFIX_GLUED,
    &NAT_EIP_NAME_UNSUFFIXED,
    &ROUTE_TABLE_NAME_SUFFIX_INSIDE,
    &GROUP_NAME_UNSUFFIXED,
];
