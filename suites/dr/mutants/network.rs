//! Breakages of the network checks' claims.

use stackproof_harness::mutation::Mutant;

use super::o;

pub const DR_VPC_OVERLAPPING_CIDR: Mutant = Mutant {
    name: "dr-vpc-overlapping-cidr",
    about: "the DR VPC created as 10.0.0.0/16, the primary's range (subnets 10.0.1.0/24 and 10.0.2.0/24)",
    output: o::DR_VPC_ID,
    nth: 0,
    property: "CidrBlock",
};

pub const PRIMARY_VPC_SECONDARY_CIDR: Mutant = Mutant {
    name: "primary-vpc-secondary-cidr",
    about: "AssociateVpcCidrBlock 10.1.0.0/16 (the DR range) on the primary VPC: its primary block stays 10.0.0.0/16",
    output: o::PRIMARY_VPC_ID,
    nth: 0,
    property: "CidrBlockAssociationSet",
};

pub const DR_SUBNETS_ONE_AZ: Mutant = Mutant {
    name: "dr-subnets-one-az",
    about: "both DR private subnets created in the first AZ",
    output: o::DR_VPC_ID,
    nth: 0,
    property: "AvailabilityZone (distinct)",
};

pub const PRIMARY_SUBNETS_ONE_AZ: Mutant = Mutant {
    name: "primary-subnets-one-az",
    about: "both primary private subnets created in the first AZ",
    output: o::PRIMARY_VPC_ID,
    nth: 0,
    property: "AvailabilityZone (distinct)",
};

pub const PRIMARY_SUBNET_PUBLIC_IP: Mutant = Mutant {
    name: "primary-subnet-public-ip",
    about: "ModifySubnetAttribute MapPublicIpOnLaunch=true on the second primary private subnet",
    output: o::PRIMARY_PRIVATE_SUBNET_IDS,
    nth: 1,
    property: "MapPublicIpOnLaunch",
};

pub const DR_SUBNET_ASSIGNS_IPV6: Mutant = Mutant {
    name: "dr-subnet-assigns-ipv6",
    about: "the DR VPC given an Amazon IPv6 block, the second DR private subnet a /64 of it and AssignIpv6AddressOnCreation=true",
    output: o::DR_PRIVATE_SUBNET_IDS,
    nth: 1,
    property: "AssignIpv6AddressOnCreation",
};

pub const DR_DB_SG_OPEN: Mutant = Mutant {
    name: "dr-db-sg-open",
    about: "an extra ingress rule tcp 5432 from 0.0.0.0/0 on the DR database security group",
    output: o::DR_DB_SECURITY_GROUP_ID,
    nth: 0,
    property: "Ingress.Sources",
};

pub const PRIMARY_DB_SG_PREFIX_LIST_OUTSIDE_VPC: Mutant = Mutant {
    name: "primary-db-sg-prefix-list-outside-vpc",
    about: "an extra ingress rule tcp 5432 on the primary database group from a managed prefix list holding the VPC's range and 192.168.0.0/16 (resolved: one entry is outside the VPC)",
    output: o::PRIMARY_DB_SECURITY_GROUP_ID,
    nth: 0,
    property: "Ingress.Sources",
};

pub const DR_CLUSTER_EXTRA_OPEN_GROUP: Mutant = Mutant {
    name: "dr-cluster-extra-open-group",
    about: "a second security group admitting tcp 5432 from 0.0.0.0/0 made in the DR VPC and attached to the DR cluster (ModifyDBCluster VpcSecurityGroupIds); the group the outputs name is untouched",
    output: o::DR_CLUSTER_IDENTIFIER,
    nth: 0,
    property: "Ingress.Sources",
};

pub const PRIMARY_DB_SG_EXTRA_PORT: Mutant = Mutant {
    name: "primary-db-sg-extra-port",
    about: "an extra ingress rule tcp 22 from the VPC's own range on the primary database group",
    output: o::PRIMARY_DB_SECURITY_GROUP_ID,
    nth: 0,
    property: "Ingress.Ports",
};

pub const DR_UNLISTED_GROUP_OPEN_TO_WORLD: Mutant = Mutant {
    name: "dr-unlisted-group-open-to-world",
    about: "a security group added to the DR region without an output and without a vpcId (so in the region's default VPC, out of the layout's; the layout's default tags, Name UnlistedSecurityGroup), admitting tcp 22 from 0.0.0.0/0",
    output: "logical-id:UnlistedSecurityGroup",
    nth: 0,
    property: "Ingress.Internet",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[
    &DR_VPC_OVERLAPPING_CIDR,
    &PRIMARY_VPC_SECONDARY_CIDR,
    &DR_SUBNETS_ONE_AZ,
    &PRIMARY_SUBNETS_ONE_AZ,
    &PRIMARY_SUBNET_PUBLIC_IP,
    &DR_SUBNET_ASSIGNS_IPV6,
    &DR_DB_SG_OPEN,
    &PRIMARY_DB_SG_PREFIX_LIST_OUTSIDE_VPC,
    &DR_CLUSTER_EXTRA_OPEN_GROUP,
    &PRIMARY_DB_SG_EXTRA_PORT,
    &DR_UNLISTED_GROUP_OPEN_TO_WORLD,
];
