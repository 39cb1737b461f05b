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

pub const PRIVATE_SUBNET_ASSIGNS_IPV6: Mutant = Mutant {
    name: "private-subnet-assigns-ipv6",
    about: "the VPC given an Amazon IPv6 block, the first private subnet a /64 of it and AssignIpv6AddressOnCreation=true",
    output: o::PRIVATE_SUBNET_IDS,
    nth: 0,
    property: "AssignIpv6AddressOnCreation",
};

pub const PRIVATE_ROUTE_TO_IGW: Mutant = Mutant {
    name: "private-route-to-igw",
    about: "the first private route table's 0.0.0.0/0 replaced by a route to the internet gateway",
    output: o::PRIVATE_ROUTE_TABLE_IDS,
    nth: 0,
    property: "Routes[0.0.0.0/0]",
};

pub const PRIVATE_ROUTE_TO_FOREIGN_NAT: Mutant = Mutant {
    name: "private-route-to-foreign-nat",
    about: "a third NAT gateway (not among the stack's outputs) made in the second public subnet, and the second private route table's 0.0.0.0/0 replaced by a route to it",
    output: o::PRIVATE_ROUTE_TABLE_IDS,
    nth: 1,
    property: "Routes[0.0.0.0/0]",
};

pub const PRIVATE_TABLE_ROUTE_TO_IGW: Mutant = Mutant {
    name: "private-table-route-to-igw",
    about: "a route 203.0.113.0/24 to the internet gateway added to the second private route table (its 0.0.0.0/0 stays on the NAT gateway)",
    output: o::PRIVATE_ROUTE_TABLE_IDS,
    nth: 1,
    property: "Routes[*].GatewayId",
};

pub const PRIVATE_SUBNET_ON_PUBLIC_TABLE: Mutant = Mutant {
    name: "private-subnet-on-public-table",
    about: "ReplaceRouteTableAssociation: the second private subnet moved to the public route table",
    output: o::PRIVATE_SUBNET_IDS,
    nth: 1,
    property: "RouteTableAssociation",
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

pub const NAT_IN_PRIVATE_SUBNET: Mutant = Mutant {
    name: "nat-in-private-subnet",
    about: "the second NAT gateway created in the second private subnet",
    output: o::NAT_GATEWAY_IDS,
    nth: 1,
    property: "SubnetId",
};

pub const NAT_PRIVATE_CONNECTIVITY: Mutant = Mutant {
    name: "nat-private-connectivity",
    about: "the second NAT gateway created with ConnectivityType private (no Elastic IP: no way out to the internet)",
    output: o::NAT_GATEWAY_IDS,
    nth: 1,
    property: "ConnectivityType",
};

pub const VPC_DNS_HOSTNAMES_OFF: Mutant = Mutant {
    name: "vpc-dns-hostnames-off",
    about: "enableDnsHostnames turned off on the VPC",
    output: o::VPC_ID,
    nth: 0,
    property: "EnableDnsHostnames",
};

pub const VPC_DNS_SUPPORT_OFF: Mutant = Mutant {
    name: "vpc-dns-support-off",
    about: "enableDnsSupport turned off on the VPC",
    output: o::VPC_ID,
    nth: 0,
    property: "EnableDnsSupport",
};

pub const PUBLIC_ROUTE_MISSING: Mutant = Mutant {
    name: "public-route-missing",
    about: "the public route table's 0.0.0.0/0 route deleted",
    output: o::PUBLIC_ROUTE_TABLE_ID,
    nth: 0,
    property: "Routes[0.0.0.0/0]",
};

pub const INTERNET_GATEWAY_DETACHED: Mutant = Mutant {
    name: "internet-gateway-detached",
    about: "DetachInternetGateway: the internet gateway detached from the VPC (moto keeps the route active)",
    output: o::INTERNET_GATEWAY_ID,
    nth: 0,
    property: "Attachments",
};

pub const PUBLIC_SUBNET_OFF_PUBLIC_TABLE: Mutant = Mutant {
    name: "public-subnet-off-public-table",
    about: "DisassociateRouteTable: the second public subnet (its NAT gateway's) falls back to the VPC's main route table",
    output: o::PUBLIC_SUBNET_IDS,
    nth: 1,
    property: "RouteTableAssociation",
};

pub const FLOW_LOGS_OFF: Mutant = Mutant {
    name: "flow-logs-off",
    about: "the VPC's flow log deleted",
    output: o::VPC_ID,
    nth: 0,
    property: "FlowLogs",
};

pub const FLOW_LOG_REJECT_ONLY: Mutant = Mutant {
    name: "flow-log-reject-only",
    about: "the VPC's flow log created with TrafficType REJECT (accepted traffic unrecorded)",
    output: o::VPC_ID,
    nth: 0,
    property: "TrafficType",
};

pub const FLOW_LOG_TO_OTHER_GROUP: Mutant = Mutant {
    name: "flow-log-to-other-group",
    about: "the VPC's flow log delivered into a log group that is not the stack's flow log group",
    output: o::VPC_ID,
    nth: 0,
    property: "LogGroupName",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &PRIVATE_SUBNET_PUBLIC_IP,
    &PRIVATE_SUBNET_ASSIGNS_IPV6,
    &PRIVATE_ROUTE_TO_IGW,
    &PRIVATE_ROUTE_TO_FOREIGN_NAT,
    &PRIVATE_TABLE_ROUTE_TO_IGW,
    &PRIVATE_SUBNET_ON_PUBLIC_TABLE,
    &PRIVATE_SUBNETS_ONE_AZ,
    &NAT_MISSING,
    &NAT_IN_PRIVATE_SUBNET,
    &NAT_PRIVATE_CONNECTIVITY,
    &VPC_DNS_HOSTNAMES_OFF,
    &VPC_DNS_SUPPORT_OFF,
    &PUBLIC_ROUTE_MISSING,
    &INTERNET_GATEWAY_DETACHED,
    &PUBLIC_SUBNET_OFF_PUBLIC_TABLE,
    &FLOW_LOGS_OFF,
    &FLOW_LOG_REJECT_ONLY,
    &FLOW_LOG_TO_OTHER_GROUP,
];
