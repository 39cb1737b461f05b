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

pub const DR_SUBNETS_ONE_AZ: Mutant = Mutant {
    name: "dr-subnets-one-az",
    about: "both DR private subnets created in the first AZ",
    output: o::DR_VPC_ID,
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

pub const DR_DB_SG_OPEN: Mutant = Mutant {
    name: "dr-db-sg-open",
    about: "an extra ingress rule tcp 5432 from 0.0.0.0/0 on the DR database security group",
    output: o::DR_DB_SECURITY_GROUP_ID,
    nth: 0,
    property: "Ingress",
};

/// This service's mutants, in claim order.
pub const ALL: &[&Mutant] = &[&DR_VPC_OVERLAPPING_CIDR, &DR_SUBNETS_ONE_AZ, &PRIMARY_SUBNET_PUBLIC_IP, &DR_DB_SG_OPEN];
