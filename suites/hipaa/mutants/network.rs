//! Breakages of the network checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const PRIVATE_SUBNET_PUBLIC_IP: Mutant = Mutant {
    name: "private-subnet-public-ip",
    about: "MapPublicIpOnLaunch=true on the second private subnet",
    output: o::PRIVATE_SUBNET_IDS,
    nth: 1,
    property: "MapPublicIpOnLaunch",
};

pub const PRIVATE_ROUTE_TO_IGW: Mutant = Mutant {
    name: "private-route-to-igw",
    about: "the first private route table's 0.0.0.0/0 replaced by a route to the internet gateway",
    output: o::PRIVATE_ROUTE_TABLE_IDS,
    nth: 0,
    property: "Routes[0.0.0.0/0]",
};

pub const PRIVATE_SUBNETS_ONE_AZ: Mutant = Mutant {
    name: "private-subnets-one-az",
    about: "both private subnets created in the first AZ",
    output: o::PRIVATE_SUBNET_IDS,
    nth: 0,
    property: "AvailabilityZone (distinct)",
};

pub const NAT_MISSING: Mutant = Mutant {
    name: "nat-missing",
    about: "the first NAT gateway deleted",
    output: o::NAT_GATEWAY_IDS,
    nth: 0,
    property: "State",
};

pub const VPC_DNS_HOSTNAMES_OFF: Mutant = Mutant {
    name: "vpc-dns-hostnames-off",
    about: "enableDnsHostnames turned off on the VPC",
    output: o::VPC_ID,
    nth: 0,
    property: "EnableDnsHostnames",
};

pub const PUBLIC_ROUTE_MISSING: Mutant = Mutant {
    name: "public-route-missing",
    about: "the public route table's 0.0.0.0/0 route deleted",
    output: o::PUBLIC_ROUTE_TABLE_ID,
    nth: 0,
    property: "Routes[0.0.0.0/0]",
};

pub const FLOW_LOGS_OFF: Mutant = Mutant {
    name: "flow-logs-off",
    about: "the VPC's flow log deleted",
    output: o::VPC_ID,
    nth: 0,
    property: "FlowLogs",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &PRIVATE_SUBNET_PUBLIC_IP,
    &PRIVATE_ROUTE_TO_IGW,
    &PRIVATE_SUBNETS_ONE_AZ,
    &NAT_MISSING,
    &VPC_DNS_HOSTNAMES_OFF,
    &PUBLIC_ROUTE_MISSING,
    &FLOW_LOGS_OFF,
];
